"""Sending a dossier: one office mail with every file, one confirmation, once per revision.

Dossiers are real rows whose nominees hold real one-page summaries; mails go
through the outbox to a real SMTP server on loopback (aiosmtpd).
"""

from __future__ import annotations

import io
import threading
from email.message import EmailMessage

import pytest
from dossier_samples import (
    DISTRICT,
    THREE_PEOPLE,
    UNIT,
    group,
    make_dossier,
    new_version,
    pdf_text,
    person,
)
from flask import url_for
from mail_fixtures import run_pass, smtp_server  # noqa: F401  (smtp_server is a fixture)
from openpyxl import load_workbook
from sqlalchemy import func, select

from forms_app.dossiers.packaging import sending_files
from forms_app.dossiers.sending import (
    EMPTY_MESSAGE,
    DossierRefused,
    SendResult,
    find_dossier,
    send_dossier,
)
from forms_app.nominations.operations import Closed, RateLimited
from forms_app.store.database import get_session
from forms_app.store.models import (
    DossierSending,
    FileKind,
    NominationStatus,
    OutboxMail,
    UnitQuota,
)

OFFICE = "hoanghaldld206@gmail.com"
UNIT_MAIL = UNIT["contact_email"]
PLAN_LABEL = "Kế hoạch của LĐLĐ quận 1 – ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP THÀNH PHỐ"
ADDRESS = "203.0.113.5"
CITY_FILES = [
    "to-trinh-HS7K2M9Q-l1.pdf",
    "to-trinh-HS7K2M9Q-l1.docx",
    "01-tom-tat-thanh-tich-HS7K2M01-v1.pdf",
    "01-tom-tat-thanh-tich-HS7K2M01-v1.docx",
    "02-tom-tat-thanh-tich-HS7K2M02-v1.pdf",
    "02-tom-tat-thanh-tich-HS7K2M02-v1.docx",
    "03-tom-tat-thanh-tich-HS7K2M03-v1.pdf",
    "03-tom-tat-thanh-tich-HS7K2M03-v1.docx",
    "danh-sach-HS7K2M9Q-l1.xlsx",
]


@pytest.fixture
def mail_app(make_app, smtp_server):  # noqa: F811
    def build(**overrides):
        return make_app(**smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=False, **overrides)

    return build


def send(app, token: str, shown: int = 0, address: str = ADDRESS) -> SendResult:
    with app.test_request_context():
        return send_dossier(token, shown, address, app.config["NOW"])


def delivered(app, smtp_server) -> list[EmailMessage]:  # noqa: F811
    run_pass(app)
    return smtp_server.handler.messages()


def attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]


def body(message: EmailMessage, subtype: str = "plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def roster_rows(data: bytes) -> list[list]:
    """The danh sách's rows below its header row (the one starting with STT)."""
    rows = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "STT")
    return [row for row in rows[start + 1 :] if any(cell is not None for cell in row)]


def state(app, token: str) -> dict:
    with app.test_request_context():
        session = get_session()
        dossier = find_dossier(session, token)
        return {
            "revision": dossier.revision,
            "changed": dossier.changed_since_sent,
            "sendings": [s.number for s in dossier.sendings],
            "statuses": [str(n.status) for n in dossier.nominations],
            "mails": sorted(
                (str(kind), number, dossier_id == dossier.id, nomination_id)
                for kind, number, dossier_id, nomination_id in session.execute(
                    select(
                        OutboxMail.kind,
                        OutboxMail.version_number,
                        OutboxMail.dossier_id,
                        OutboxMail.nomination_id,
                    )
                )
            ),
        }


def test_sending_mails_the_office_every_file_and_the_unit_a_confirmation(
    mail_app,
    smtp_server,  # noqa: F811
):
    app = mail_app()
    token = make_dossier(app)
    assert send(app, token) == SendResult("HS7K2M9Q", 1, repeat=False)
    office, confirmation = delivered(app, smtp_server)
    assert (office["To"].addresses[0].addr_spec, confirmation["To"].addresses[0].addr_spec) == (
        OFFICE,
        UNIT_MAIL,
    )
    assert office["Subject"] == (
        f"Hồ sơ đề nghị khen thưởng – Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh – "
        f"{PLAN_LABEL} – 3 cá nhân"
    )
    assert office["Reply-To"].addresses[0].addr_spec == UNIT_MAIL
    files = attachments(office)
    assert [name for name, _ in files] == CITY_FILES
    with app.test_request_context():
        session = get_session()
        dossier = find_dossier(session, token)
        [sending] = dossier.sendings
        # The office's ZIP is made from the very same list.
        assert [(a.filename, a.content) for a in sending_files(session, sending)] == files
        assert [
            n.latest.file(kind).content
            for n in dossier.nominations
            for kind in (FileKind.PDF, FileKind.DOCX)
        ] == [content for _, content in files[2:8]]
        assert sending.contents == [
            {"nomination_id": n.id, "version": 1} for n in dossier.nominations
        ]
        assert [(n.status, n.deadline_at is not None) for n in dossier.nominations] == [
            (NominationStatus.SUBMITTED, True)
        ] * 3
    proposal = pdf_text(files[0][1])
    for name in ("Nguyễn Thị Lan Hương", "Lê Văn Tám", "Phạm Thị Mai", UNIT["union_name"]):
        assert name in proposal
    assert "sửa đổi" not in proposal
    assert "Nguyễn Thị Lan Hương" in pdf_text(files[2][1])
    rows = roster_rows(files[-1][1])
    assert [(row[0], row[1]) for row in rows] == [
        (1, "Nguyễn Thị Lan Hương"),
        (2, "Lê Văn Tám"),
        (3, "Phạm Thị Mai"),
    ]
    text = body(office)
    assert (
        "1. Nguyễn Thị Lan Hương – Đối tượng 3 – Bằng khen của Liên đoàn Lao động thành phố\n"
        "2. Lê Văn Tám – Đối tượng 2 – Bằng khen của Liên đoàn Lao động thành phố\n"
        "3. Phạm Thị Mai – Đối tượng 4 – Bằng khen của Liên đoàn Lao động thành phố\n"
    ) in text
    assert "Người ký Tờ trình: Chủ tịch Nguyễn Văn Bình\n" in text
    assert "Người liên hệ: Trần Văn Đức – 0909 123 456 – congdoan@binhminh.vn\n" in text
    assert "Tệp đính kèm (9 tệp):\n" + "".join(f"- {n}\n" for n in CITY_FILES) in text
    assert "phần" not in office["Subject"]

    assert confirmation["Subject"] == (
        "Đã gửi hồ sơ đề nghị khen thưởng – Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh – "
        "Mã HS7K2M9Q"
    )
    receipt = body(confirmation)
    assert (
        "Nộp bản giấy theo kế hoạch:\n"
        "- Tờ trình của Ban chấp hành Công đoàn cơ sở: 01 bản\n"
        "- Mỗi cá nhân đều có kèm theo hình ảnh và tóm tắt thành tích nổi bật giới hạn trong "
        "phạm vi 01 trang giấy A4 (theo mẫu đính kèm): 02 bản\n"
        "- Danh sách trích ngang và gửi file mềm báo cáo thành tích\n"
    ) in receipt
    assert (
        "Nơi nhận hồ sơ: Bộ phận Chính sách Pháp luật Liên đoàn Lao động quận 1\n"
        f"Thư điện tử: {OFFICE}\n"
        "Liên hệ: Hoàng Thị Hà (UVBCH), điện thoại 0982.206.192\n"
        "Hạn nộp hồ sơ: “chậm nhất trước 16g00 ngày 14/02/2020” "
        "(tức là trước 16:00 ngày 14/02/2020)\n"
    ) in receipt
    assert "Các tệp đã gửi:\n" + "".join(f"- {n}\n" for n in CITY_FILES) in receipt
    with app.test_request_context():
        link = url_for("dossiers.dossier_page", token=token, _external=True)
    assert link.startswith(f"http://localhost/ho-so/{token}")
    assert f"{link}\n" in receipt
    assert f'<a href="{link}">' in body(confirmation, "html")
    assert [name for name, _ in attachments(confirmation)] == ["to-trinh-HS7K2M9Q-l1.pdf"]
    assert state(app, token) == {
        "revision": 1,
        "changed": False,
        "sendings": [1],
        "statuses": ["submitted"] * 3,
        "mails": [("confirmation", 1, True, None), ("office", 1, True, None)],
    }


def test_sending_again_without_a_change_sends_nothing_new(mail_app, smtp_server):  # noqa: F811
    app = mail_app()
    token = make_dossier(app)
    assert send(app, token).repeat is False
    assert send(app, token, shown=0) == SendResult("HS7K2M9Q", 1, repeat=True)  # a second click
    assert send(app, token, shown=1) == SendResult("HS7K2M9Q", 1, repeat=True)  # nothing changed
    assert len(delivered(app, smtp_server)) == 2
    assert state(app, token)["sendings"] == [1]


def test_an_edit_after_sending_sends_the_whole_dossier_as_revision_one(
    mail_app,
    smtp_server,  # noqa: F811
):
    app = mail_app()
    token = make_dossier(app)
    send(app, token)
    with app.test_request_context():
        session = get_session()
        dossier = find_dossier(session, token)
        first = dossier.nominations[0]
        new_version(session, first, person("Nguyễn Thị Lan Hương", "doi-tuong-3", birth_year=1986))
        dossier.changed_since_sent = True  # what the dossier's edit operations set
        session.commit()
    assert send(app, token, shown=1) == SendResult("HS7K2M9Q", 2, repeat=False)
    messages = delivered(app, smtp_server)
    assert len(messages) == 4
    office, confirmation = messages[2:]
    assert office["Subject"].endswith(" – 3 cá nhân – bản sửa đổi lần 1")
    assert confirmation["Subject"].endswith(" – Mã HS7K2M9Q – bản sửa đổi lần 1")
    names = [name for name, _ in attachments(office)]
    assert names == [
        "to-trinh-HS7K2M9Q-l2.pdf",
        "to-trinh-HS7K2M9Q-l2.docx",
        "01-tom-tat-thanh-tich-HS7K2M01-v2.pdf",
        "01-tom-tat-thanh-tich-HS7K2M01-v2.docx",
        *CITY_FILES[4:8],
        "danh-sach-HS7K2M9Q-l2.xlsx",
    ]
    assert "(Bản sửa đổi lần 1)" in pdf_text(attachments(office)[0][1])
    assert roster_rows(attachments(office)[-1][1])[0][2] == 1986
    assert "(bản sửa đổi lần 1); bản này thay cho các bản đã gửi trước." in body(office)
    assert state(app, token)["mails"] == [
        ("confirmation", 1, True, None),
        ("confirmation", 2, True, None),
        ("office", 1, True, None),
        ("office", 2, True, None),
    ]
    with app.test_request_context():
        [first, second] = find_dossier(get_session(), token).sendings
        assert [c["version"] for c in first.contents] == [1, 1, 1]
        assert [c["version"] for c in second.contents] == [2, 1, 1]


def test_a_signed_scan_goes_with_the_proposal(mail_app, smtp_server):  # noqa: F811
    from test_scan import as_bytes, text_pdf, upload

    from forms_app.dossiers.sending import upload_scan

    app = mail_app()
    token = make_dossier(app)
    with app.test_request_context():
        upload_scan(token, upload(as_bytes(text_pdf("DA KY")), "scan.pdf"), app.config["NOW"])
    send(app, token)
    office, _ = delivered(app, smtp_server)
    files = attachments(office)
    assert [name for name, _ in files][:3] == [
        "to-trinh-HS7K2M9Q-l1.pdf",
        "to-trinh-HS7K2M9Q-l1.docx",
        "to-trinh-da-ky-HS7K2M9Q-l1.pdf",
    ]
    assert pdf_text(files[2][1]) == "DA KY"


def test_individuals_and_collectives_are_counted_apart(mail_app, smtp_server):  # noqa: F811
    app = mail_app()
    nominees = (group("Tổ Dệt số 3"), person("Lê Văn Tám", "doi-tuong-3"))
    token = make_dossier(app, nominees, call=DISTRICT)
    send(app, token)
    office, _ = delivered(app, smtp_server)
    assert office["Subject"].endswith(
        "– Kế hoạch của LĐLĐ quận 1 – ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP QUẬN – 1 cá nhân và 1 tập thể"
    )
    assert "1. Tổ Dệt số 3 – Tập thể – giấy khen\n" in body(office)


def quota(app, union_name: str, maximum: int) -> None:
    from forms_app.dossiers.quotas import union_key

    with app.test_request_context():
        session = get_session()
        session.add(
            UnitQuota(
                plan_slug="ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020",
                call_key="cap-thanh-pho",
                union_key=union_key(union_name),
                union_name=union_name,
                max_nominees=maximum,
                set_by="vanphong",
            )
        )
        session.commit()


def refused(app, token: str, error=DossierRefused) -> str:
    with pytest.raises(error) as caught:
        send(app, token)
    return caught.value.message


NOTHING_SENT = {
    "revision": 0,
    "changed": False,
    "sendings": [],
    "statuses": ["pending"] * 3,
    "mails": [],
}


def test_a_dossier_over_its_units_quota_is_refused_naming_it(mail_app):
    app = mail_app()
    token = make_dossier(app)
    quota(app, "", 5)  # every unit: 5, but this unit was given 2
    quota(app, "Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh", 2)
    assert refused(app, token) == (
        "Văn phòng công đoàn đã phân bổ cho “Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh” "
        "tối đa 2 người/tập thể trong đợt này; hồ sơ đang có 3. Hãy bỏ bớt 1 trước khi gửi."
    )
    assert state(app, token) == NOTHING_SENT


def test_a_dossier_over_the_calls_quota_is_refused(mail_app):
    app = mail_app()
    token = make_dossier(app)
    quota(app, "", 1)
    assert refused(app, token) == (
        "Văn phòng công đoàn đã phân bổ cho mỗi đơn vị tối đa 1 người/tập thể trong đợt này; "
        "hồ sơ đang có 3. Hãy bỏ bớt 2 trước khi gửi."
    )
    assert state(app, token) == NOTHING_SENT


def test_a_dossier_within_its_quota_is_sent(mail_app):
    app = mail_app()
    token = make_dossier(app)
    quota(app, "", 1)
    quota(app, UNIT["union_name"], 3)  # the unit's own number wins over the call's
    assert send(app, token).number == 1


def test_an_empty_dossier_is_refused(mail_app):
    app = mail_app()
    token = make_dossier(app, ())
    assert refused(app, token) == EMPTY_MESSAGE
    assert EMPTY_MESSAGE.startswith("Hồ sơ chưa có cá nhân hoặc tập thể nào")
    # Nominees taken out of the dossier do not count.
    other = make_dossier(app, THREE_PEOPLE[:1], reference="HS9P4R2T")
    with app.test_request_context():
        session = get_session()
        [nomination] = find_dossier(session, other).nominations
        nomination.status = NominationStatus.REMOVED
        session.commit()
    assert refused(app, other) == EMPTY_MESSAGE


def test_no_sending_after_the_deadline(mail_app):
    app = mail_app(NOW="2020-02-14T16:00:00+07:00")
    token = make_dossier(app)
    assert refused(app, token, Closed) == (
        "Đã hết hạn nộp hồ sơ “chậm nhất trước 16g00 ngày 14/02/2020” (tức là trước 16:00 "
        "ngày 14/02/2020); hồ sơ không được nhận nữa."
    )
    assert state(app, token) == NOTHING_SENT


def test_sendings_count_against_the_addresss_submission_limit(mail_app):
    app = mail_app(RATE_LIMIT_SUBMISSIONS=1)
    first = make_dossier(app)
    second = make_dossier(app, reference="HS9P4R2T")
    send(app, first)
    assert refused(app, second, RateLimited).startswith(
        "Địa chỉ của bạn đã gửi quá nhiều hồ sơ trong một giờ."
    )
    assert send(app, first).repeat is True  # a repeated click is still no new sending
    assert send(app, second, address="198.51.100.7").number == 1


def test_above_the_attachment_limit_the_dossier_goes_in_numbered_parts(
    mail_app,
    smtp_server,  # noqa: F811
):
    probe = mail_app()
    sizes = {}
    token = make_dossier(probe)
    send(probe, token)
    for name, content in attachments(delivered(probe, smtp_server)[0]):
        sizes[name] = len(content)
    smtp_server.handler.received.clear()
    # A limit that holds the two largest files together but never all of them.
    limit = max(sizes.values()) * 2
    assert sum(sizes.values()) > limit
    app = mail_app(
        DATABASE_URL=probe.config["DATABASE_URL"].replace(".sqlite3", "-2.sqlite3"),
        MAIL_ATTACHMENT_LIMIT=limit,
        MAX_SCAN_BYTES=limit,
    )
    token = make_dossier(app)
    send(app, token)
    messages = delivered(app, smtp_server)
    *office, confirmation = messages
    parts = len(office)
    assert parts >= 2
    assert [m["Subject"].rpartition(" (")[2] for m in office] == [
        f"phần {i}/{parts})" for i in range(1, parts + 1)
    ]
    carried = [attachments(m) for m in office]
    assert [name for files in carried for name, _ in files] == CITY_FILES  # each once, in order
    assert all(sum(len(c) for _, c in files) <= limit for files in carried)
    for index, (message, files) in enumerate(zip(office, carried, strict=True), start=1):
        text = body(message)
        assert f"đây là thư phần {index}/{parts}.\n" in text
        assert (
            f"Tệp đính kèm thư này (phần {index}/{parts}):\n"
            + "".join(f"- {name}\n" for name, _ in files)
        ) in text
        assert f"Toàn bộ 9 tệp của hồ sơ, trong {parts} thư:\n" in text
    assert f"Các tệp đã gửi (trong {parts} thư):\n" in body(confirmation)
    assert state(app, token)["mails"] == sorted(
        [("office", 1, True, None)] * parts + [("confirmation", 1, True, None)]
    )


def test_a_limit_below_the_scan_limit_is_refused_at_start_up(make_app):
    from forms_app.config import ConfigError

    with pytest.raises(ConfigError) as refused_config:
        make_app(MAIL_ATTACHMENT_LIMIT=1024 * 1024)
    assert str(refused_config.value) == (
        "FORMS_MAIL_ATTACHMENT_LIMIT must be at least FORMS_MAX_SCAN_BYTES, or a signed scan "
        "of the allowed size would not fit in any office mail."
    )


# --- many clicks at once ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'race.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def test_twenty_clicks_at_once_record_one_sending_and_two_mails(mail_app, database_url):
    app = mail_app(DATABASE_URL=database_url)
    try:
        token = make_dossier(app)
        start = threading.Barrier(20)
        results: list[object] = [None] * 20

        def click(i: int) -> None:
            start.wait()
            try:
                results[i] = send(app, token)
            except Exception as error:  # recorded: the assertion below shows it
                results[i] = error

        threads = [threading.Thread(target=click, args=(i,)) for i in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert (
            sorted(results, key=lambda r: getattr(r, "repeat", None) is not False)
            == [SendResult("HS7K2M9Q", 1, repeat=False)]
            + [SendResult("HS7K2M9Q", 1, repeat=True)] * 19
        )
        assert state(app, token)["sendings"] == [1]
        assert state(app, token)["mails"] == [
            ("confirmation", 1, True, None),
            ("office", 1, True, None),
        ]
        with app.test_request_context():
            session = get_session()
            assert session.scalar(select(func.count()).select_from(DossierSending)) == 1
    finally:
        app.extensions["forms_engine"].dispose()


def test_attachments_are_split_in_order_whole_files_each_part_under_the_limit():
    from forms_app.dossiers.packaging import Attachment
    from forms_app.mail.notifications import split_attachments

    def files(*sizes: int) -> list[Attachment]:
        return [Attachment(f"{i}.pdf", "application/pdf", b"x" * s) for i, s in enumerate(sizes)]

    def names(parts) -> list[list[str]]:
        return [[item.filename for item in part] for part in parts]

    assert names(split_attachments(files(4, 5, 1, 9, 2), 10)) == [
        ["0.pdf", "1.pdf", "2.pdf"],
        ["3.pdf"],
        ["4.pdf"],
    ]
    # A file above the limit travels alone (the mail says so); the others keep their order.
    assert names(split_attachments(files(3, 12, 3, 3), 10)) == [
        ["0.pdf"],
        ["1.pdf"],
        ["2.pdf", "3.pdf"],
    ]
    assert names(split_attachments(files(10, 10), 10)) == [["0.pdf"], ["1.pdf"]]
    assert names(split_attachments([], 10)) == [[]]


def test_a_file_above_the_limit_goes_alone_and_its_mail_says_so(mail_app, smtp_server):  # noqa: F811
    app = mail_app(MAIL_ATTACHMENT_LIMIT=1000, MAX_SCAN_BYTES=1000)
    token = make_dossier(app)
    send(app, token)
    *office, _ = delivered(app, smtp_server)
    assert [[name for name, _ in attachments(m)] for m in office] == [[n] for n in CITY_FILES]
    for message, name in zip(office, CITY_FILES, strict=True):
        assert (
            f"Tệp {name} lớn hơn giới hạn 1 KB của một thư; nếu thư này không đến, hãy tải hồ sơ "
            "tại trang văn phòng."
        ) in body(message)
