"""The outbox against a real SMTP server on loopback: nothing lost, nothing sent twice."""

from __future__ import annotations

import threading
from email.header import decode_header, make_header

import pytest
from mail_fixtures import (  # noqa: F401  (smtp_server is a fixture)
    all_mails,
    later,
    run_pass,
    smtp_server,
    submit_with_mails,
)
from sqlalchemy import func, select, update

from forms_app.content_types import DOCX_TYPE
from forms_app.mail.cli import send_command
from forms_app.mail.outbox import OutboxPolicy, resend_mail
from forms_app.store.models import MailKind, MailState, OutboxMail

SUBJECT_PREFIX = "Hồ sơ đề nghị khen thưởng – "
PLAN_AND_CALL = "Kế hoạch của LĐLĐ quận 1 – ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP THÀNH PHỐ"


@pytest.fixture
def mail_app(make_app, smtp_server):  # noqa: F811
    return make_app(
        **smtp_server.config(),
        OUTBOX_SEND_AFTER_COMMIT=False,
        OUTBOX_RETRY_BASE_SECONDS=1,
        OUTBOX_RETRY_MAX_SECONDS=2,
    )


def test_outbox_server_down_then_back_delivers_each_mail_once(make_app, smtp_server):  # noqa: F811
    # A retry delay longer than any pass: one attempt per mail while the server is down.
    mail_app = make_app(**smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=False)
    smtp_server.stop()
    unions = [f"Công đoàn cơ sở Trường Tiểu học số {i:02d}" for i in range(50)]
    for i, union in enumerate(unions):
        submit_with_mails(mail_app, f"DN{i:04d}AB", f"Nguyễn Thị Đào {i:02d}", union=union)
    runner = mail_app.test_cli_runner()

    down = runner.invoke(send_command)

    assert down.exit_code == 0
    assert down.output == "Đã gửi 0 thư, 100 thư sẽ gửi lại sau, 0 thư thất bại.\n"
    mails = all_mails(mail_app)
    assert len(mails) == 100
    assert {m.state for m in mails} == {MailState.PENDING}
    assert {m.attempts for m in mails} == {1}
    assert all(m.last_error.startswith("cannot connect to 127.0.0.1:") for m in mails)
    assert all("Connection refused" in m.last_error for m in mails)

    smtp_server.start()
    # The retry delay has passed (set the clock forward rather than sleep: on a loaded
    # machine a slow pass would otherwise see its first mails come due again).
    with mail_app.extensions["forms_sessionmaker"]() as session:
        session.execute(update(OutboxMail).values(next_attempt_at=later(-1)))
        session.commit()
    back = runner.invoke(send_command)
    again = runner.invoke(send_command)

    assert back.output == "Đã gửi 100 thư, 0 thư sẽ gửi lại sau, 0 thư thất bại.\n"
    assert again.output == "Đã gửi 0 thư, 0 thư sẽ gửi lại sau, 0 thư thất bại.\n"
    counted = smtp_server.handler.message_ids()
    assert sorted(counted) == sorted(m.message_id for m in mails)
    assert set(counted.values()) == {1}
    mails = all_mails(mail_app)
    assert {m.state for m in mails} == {MailState.SENT}
    office = [
        m
        for m in smtp_server.handler.messages()
        if m["To"].addresses[0].username == "hoanghaldld206"
    ]
    assert len(office) == 50
    subjects = sorted(str(make_header(decode_header(m["Subject"]))) for m in office)
    assert subjects == sorted(
        f"{SUBJECT_PREFIX}{union} – {PLAN_AND_CALL} – 1 cá nhân" for union in unions
    )
    for message in office:
        attachments = {
            part.get_filename(): part.get_content_type() for part in message.iter_attachments()
        }
        number = int(str(make_header(decode_header(message["Subject"]))).split(" – ")[1][-2:])
        stem = f"01-tom-tat-thanh-tich-DN{number:04d}AB-v1"
        assert attachments == {
            f"{stem}.pdf": "application/pdf",
            f"{stem}.docx": DOCX_TYPE,
        }
        pdf = next(p for p in message.iter_attachments() if p.get_filename().endswith(".pdf"))
        assert pdf.get_content().startswith(b"%PDF-")


def test_outbox_message_id_is_fixed_when_queued(mail_app, smtp_server):  # noqa: F811
    smtp_server.stop()
    submit_with_mails(mail_app, "MID2345A", "Lê Văn Tám")
    queued = {m.id: m.message_id for m in all_mails(mail_app)}
    run_pass(mail_app)
    smtp_server.start()
    run_pass(mail_app, now=later(10))

    assert {m.id: m.message_id for m in all_mails(mail_app)} == queued
    assert sorted(smtp_server.handler.message_ids()) == sorted(queued.values())


def test_outbox_451_is_retried_then_delivered(mail_app, smtp_server):  # noqa: F811
    submit_with_mails(mail_app, "TMP2345A", "Phạm Thị Hương")
    smtp_server.handler.reply = "451 4.3.0 Hệ thống bận, thử lại sau"
    smtp_server.handler.replies_left = 2

    first = run_pass(mail_app)
    early = run_pass(mail_app)  # nothing is due yet: the retry waits for its delay
    second = run_pass(mail_app, now=later(10))
    third = run_pass(mail_app, now=later(20))

    assert (first.retried, first.sent) == (2, 0)
    assert early.attempted == 0
    assert (second.sent, third.attempted) == (2, 0)
    mails = all_mails(mail_app)
    assert [(m.state, m.attempts) for m in mails] == [(MailState.SENT, 1), (MailState.SENT, 1)]
    assert [m.last_error for m in mails] == ["451 4.3.0 Hệ thống bận, thử lại sau"] * 2
    assert set(smtp_server.handler.message_ids().values()) == {1}


def test_outbox_550_fails_after_bounded_attempts_then_resend_delivers(mail_app, smtp_server):  # noqa: F811
    submit_with_mails(mail_app, "PRM2345A", "Võ Minh Quân")
    smtp_server.handler.reply = "550 5.1.1 Hộp thư không tồn tại"

    reports = [run_pass(mail_app, now=later(10 * i)) for i in range(5)]

    assert [(r.retried, r.failed) for r in reports] == [(2, 0), (2, 0), (0, 2), (0, 0), (0, 0)]
    mails = all_mails(mail_app)
    assert [(m.state, m.attempts) for m in mails] == [(MailState.FAILED, 3)] * 2
    assert [m.last_error for m in mails] == ["550 5.1.1 Hộp thư không tồn tại"] * 2
    assert smtp_server.handler.message_ids() == {}

    smtp_server.handler.reply = None
    with mail_app.extensions["forms_sessionmaker"].begin() as session:
        for mail in session.scalars(select(OutboxMail)):
            resend_mail(session, mail)
    resent = run_pass(mail_app)

    assert resent.sent == 2
    assert [m.state for m in all_mails(mail_app)] == [MailState.SENT] * 2
    assert sorted(smtp_server.handler.message_ids()) == sorted(m.message_id for m in mails)


def test_outbox_temporary_failures_stop_at_max_attempts(make_app, smtp_server):  # noqa: F811
    app = make_app(**smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=False, OUTBOX_MAX_ATTEMPTS=4)
    submit_with_mails(app, "MAX2345A", "Đặng Văn Lâm")
    smtp_server.stop()

    reports = [run_pass(app, now=later(7 * 3600 * i)) for i in range(6)]

    assert [(r.retried, r.failed) for r in reports] == [(2, 0)] * 3 + [(0, 2), (0, 0), (0, 0)]
    assert [(m.state, m.attempts) for m in all_mails(app)] == [(MailState.FAILED, 4)] * 2


def test_outbox_retry_delay_grows_with_jitter(mail_app):
    policy = OutboxPolicy(retry_base_seconds=60, retry_max_seconds=3600)
    from forms_app.mail.outbox import retry_delay

    delays = {n: [retry_delay(policy, n) for _ in range(200)] for n in (1, 2, 3, 8)}

    assert min(delays[1]) >= 45
    assert max(delays[1]) <= 75
    assert min(delays[2]) >= 90
    assert max(delays[2]) <= 150
    assert min(delays[3]) >= 180
    assert max(delays[3]) <= 300
    assert min(delays[8]) >= 2700
    assert max(delays[8]) <= 4500  # capped at one hour ±25 %
    assert len(set(delays[1])) > 100


def test_outbox_two_threads_on_sqlite_send_each_mail_once(mail_app, smtp_server):  # noqa: F811
    for i in range(30):
        submit_with_mails(mail_app, f"THR{i:03d}AB", f"Hoàng Văn Nam {i}")
    smtp_server.handler.delay = 0.01
    reports = []
    start = threading.Barrier(2)

    def work(name: str) -> None:
        start.wait()
        reports.append(run_pass(mail_app, worker=name))

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in reports) == 60
    assert sum(r.lost_lease for r in reports) == 0
    counted = smtp_server.handler.message_ids()
    assert len(counted) == 60
    assert set(counted.values()) == {1}


def test_outbox_rows_exist_only_when_the_dossier_sending_commits(mail_app):
    from mail_fixtures import add_nomination, queue_sent_dossier

    from forms_app.store.database import get_session

    with mail_app.test_request_context():
        session = get_session()
        nomination, _version = add_nomination(session, "RBK2345A", "Ngô Thị Mai")
        queued = queue_sent_dossier(session, nomination)
        assert [m.kind for m in queued] == [MailKind.OFFICE, MailKind.CONFIRMATION]
        session.rollback()
        assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0


def test_outbox_file_backend_writes_one_eml_per_mail(make_app, tmp_path):
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    submit_with_mails(app, "FIL2345A", "Bùi Thị Thu")

    report = run_pass(app)

    files = sorted((tmp_path / "instance" / "mail").glob("*.eml"))
    assert report.sent == 2
    assert len(files) == 2
    kinds = sorted(m.kind for m in all_mails(app))
    assert kinds == [MailKind.CONFIRMATION, MailKind.OFFICE]
    assert sorted(f.read_bytes() for f in files) == sorted(m.raw for m in all_mails(app))
