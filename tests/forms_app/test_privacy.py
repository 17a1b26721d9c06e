"""Personal data: notice and consent, retention, a person's rights, the office's access log."""

from __future__ import annotations

import csv
import datetime as dt
import email
import email.policy
import hashlib
import io
import json
import re
import zipfile

import pytest
from form_data import add_nominee, individual_fields, open_dossier
from mail_fixtures import PLAN, run_pass, submit_with_mails
from openpyxl import load_workbook
from photo_samples import phone_photo
from sent_dossiers import store_sent_dossier
from sqlalchemy import func, select, update
from test_app import db, page_text, post_form, problems, submit_ok
from test_office import create_user, login

from forms_app.config import ConfigError
from forms_app.dossiers.sending import send_dossier
from forms_app.nominations.forms import IndividualForm
from forms_app.privacy import access_log
from forms_app.privacy import operations as privacy_operations
from forms_app.privacy.redact import redact
from forms_app.store.models import (
    AccessLogEntry,
    Dossier,
    DossierSending,
    Draft,
    Nomination,
    NominationVersion,
    OutboxMail,
    PrivacyRequest,
    RateEvent,
    StoredFile,
)

PROCESSING_MISSING = (
    "Hãy đánh dấu ô đồng ý xử lý dữ liệu cá nhân; thiếu ô này hồ sơ không gửi được."
)
SENSITIVE_MISSING = (
    "Đã ghi dân tộc: hãy đánh dấu ô đồng ý xử lý dữ liệu nhạy cảm, hoặc để trống ô “Dân tộc”."
)
CONFIRMATION_MISSING = "Hãy xác nhận người được đề nghị đã được thông báo và đồng ý."
PHOTO = phone_photo()
FORM_PROBLEM = "Hồ sơ còn chỗ chưa hợp lệ; xem các ô được đánh dấu bên dưới."


def only_nomination(app) -> Nomination:
    with db(app) as session:
        nomination = session.scalars(select(Nomination)).one()
        nomination.versions  # noqa: B018  (loaded before the session closes)
        return nomination


# --- 1. notice and consent -----------------------------------------------------------


def test_consent_recorded_on_the_version_with_time_and_notice_version(app, client):
    submit_ok(client, consent_publication="y")
    version = only_nomination(app).latest
    consent = version.data["consent"]
    at = dt.datetime.fromisoformat(consent.pop("at"))
    assert abs((dt.datetime.now(dt.UTC) - at).total_seconds()) < 120
    assert consent == {
        "processing": True,
        "sensitive": True,
        "publication": True,
        "nominee_confirmed": True,
        "notice_version": "2026-01",
    }
    assert not any(key.startswith("consent") for key in version.data["clean"])


def test_without_required_consent_nothing_is_previewed_and_everything_stays(client):
    response = post_form(client, photo=PHOTO, consent_processing=None, nominee_confirmed=None)
    assert response.status_code == 422
    assert problems(response) == [FORM_PROBLEM, PROCESSING_MISSING, CONFIRMATION_MISSING]
    text = page_text(response)
    assert 'value="Nguyễn Thị Lan Hương"' in text
    assert 'value="Cải tiến khuôn ép nhựa"' in text
    # The box that was ticked is ticked again; the missing ones are not.
    assert re.search(r'<input[^>]*checked[^>]*id="consent_sensitive"', text)
    assert not re.search(r'<input[^>]*checked[^>]*id="consent_processing"', text)


def test_ethnicity_needs_its_own_consent_only_when_filled(client):
    filled = post_form(client, photo=PHOTO, consent_sensitive=None)
    assert filled.status_code == 422
    assert problems(filled) == [FORM_PROBLEM, SENSITIVE_MISSING]
    empty = post_form(client, photo=PHOTO, ethnicity="", consent_sensitive=None)
    assert empty.status_code == 303, problems(empty)


def test_a_plan_that_needs_ethnicity_makes_it_required(app):
    with app.test_request_context():
        form = IndividualForm(
            now_year=2020, requires_ethnicity=True, formdata=None, meta={"csrf": False}
        )
        form.set_choices([("doi-tuong-3", "Đối tượng 3")], ["Bằng khen"])
        form.ethnicity.data = ""
        form.consent_sensitive.data = False
        form.validate()
        assert form.ethnicity.errors == ["Hãy nhập dân tộc (kế hoạch yêu cầu)."]


def test_the_summary_page_does_not_depend_on_consent(client):
    pages = []
    for publication in ("y", None):
        sent = post_form(client, photo=PHOTO, consent_publication=publication)
        pages.append(client.get(sent.headers["Location"] + "trang").get_data())
    assert pages[0] == pages[1]


def test_notice_page_names_the_issuer_and_the_retention(client):
    response = client.get(
        "/ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020/cap-thanh-pho/bao-ve-du-lieu-ca-nhan"
    )
    text = page_text(response)
    assert response.status_code == 200
    assert '<span class="controller">Liên đoàn Lao động quận 1</span>' in text
    assert "Hồ sơ, các tệp và thư liên quan được lưu 24 tháng sau hạn nộp, tức là đến" in text


# --- 2. retention ---------------------------------------------------------------------

LATER_PLAN, LATER_CALL = "ldld-ba-dinh-63-kh-2021", "khen-thuong-dot-thi-dua-cao-diem"
AFTER_24_MONTHS = "2022-02-15T09:00:00+07:00"  # cap-thanh-pho closed 2020-02-14 16:00


def counts(app) -> dict[str, int]:
    with db(app) as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Nomination, NominationVersion, StoredFile, OutboxMail, Draft, RateEvent)
        }


def add_drafts_and_rate_events(app) -> None:
    with db(app) as session:
        for token, day in (("old-draft", 1), ("fresh-draft", 10)):
            session.add(
                Draft(
                    token=token,
                    plan_slug="p",
                    call_key="c",
                    subject="individual",
                    data={"typed": {"full_name": "Lê Văn Tám"}},
                    updated_at=dt.datetime(2022, 1 + day // 10, day, tzinfo=dt.UTC),
                )
            )
        session.add(RateEvent(address="203.0.113.9", action="preview", at=dt.datetime(2021, 1, 1)))
        session.commit()


def purge(app) -> list[str]:
    result = app.test_cli_runner().invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_purge_removes_what_expired_with_its_files_and_mails_and_is_idempotent(make_app):
    app = make_app(NOW=AFTER_24_MONTHS, MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    submit_with_mails(app, "OLDAAA22", "Nguyễn Thị Lan")
    # A call closing 27/05/2021: not yet due. A nomination whose plan left the content
    # falls back on the deadline stored with it (2021 here: not yet due either).
    submit_with_mails(
        app, "NEWBBB33", "Trần Văn Minh", plan=LATER_PLAN, call=LATER_CALL, category="ca-nhan"
    )
    submit_with_mails(app, "GONECC44", "Lê Thị Hoa")
    with db(app) as session:
        for model in (Nomination, Dossier):  # the nominee and its one-nominee dossier
            session.execute(
                update(model)
                .where(model.reference == "GONECC44")
                .values(plan_slug="ke-hoach-da-xoa", deadline_at=dt.datetime(2021, 2, 14, 9))
            )
        session.commit()
    add_drafts_and_rate_events(app)
    before = counts(app)
    assert before == {
        "nomination": 3,
        "nomination_version": 3,
        "stored_file": 9,
        "outbox_mail": 6,
        "draft": 2,
        "rate_event": 1,
    }
    output = purge(app)
    assert output == [
        "Bản nháp đã xóa: 1",
        "Hồ sơ đã xóa: 1 (OLDAAA22)",
        "Hồ sơ của đơn vị (tờ trình, danh sách) đã xóa: 1 (OLDAAA22)",
        "Phiên bản hồ sơ đã xóa: 1",
        "Tệp đã xóa: 3",
        "Thư trong hàng đợi đã xóa: 2",
        "Yêu cầu về dữ liệu tách khỏi hồ sơ đã xóa: 0",
        "Bản ghi giới hạn truy cập (địa chỉ IP) đã xóa: 1",
    ]
    assert counts(app) == {
        "nomination": 2,
        "nomination_version": 2,
        "stored_file": 6,
        "outbox_mail": 4,
        "draft": 1,
        "rate_event": 0,
    }
    with db(app) as session:
        references = session.scalars(select(Nomination.reference).order_by(Nomination.reference))
        assert references.all() == ["GONECC44", "NEWBBB33"]
        assert session.scalars(select(Draft.token)).all() == ["fresh-draft"]
        kept_mails = session.scalars(select(OutboxMail.raw)).all()
        assert all(b"OLDAAA22" not in raw for raw in kept_mails)
    assert purge(app) == ["Không có dữ liệu nào hết thời hạn lưu."]
    assert counts(app)["nomination"] == 2
    # A year later the nomination whose plan is gone goes too, by its stored deadline.
    later = make_app(NOW="2023-02-15T09:00:00+07:00", OUTBOX_SEND_AFTER_COMMIT=False)
    assert purge(later)[1] == "Hồ sơ đã xóa: 1 (GONECC44)"


def test_purge_removes_a_units_dossier_with_its_nominees(make_app):
    app = make_app(OUTBOX_SEND_AFTER_COMMIT=False)
    client = app.test_client()
    token = open_dossier(client)
    submit_ok(client)  # a dossier of its own, with one nominee
    add_nominee(client, token, individual_fields(), photo=PHOTO)
    with db(app) as session:
        references = sorted(session.scalars(select(Dossier.reference)))
        nominees = sorted(session.scalars(select(Nomination.reference)))
        assert session.scalar(select(func.count()).select_from(Draft)) == 2  # saved pointers
    assert (len(references), len(nominees)) == (2, 2)
    late = make_app(NOW=AFTER_24_MONTHS, OUTBOX_SEND_AFTER_COMMIT=False)
    output = purge(late)
    assert output[1:3] == [
        f"Hồ sơ đã xóa: 2 ({', '.join(nominees)})",
        f"Hồ sơ của đơn vị (tờ trình, danh sách) đã xóa: 2 ({', '.join(references)})",
    ]
    assert counts(late)["nomination"] == 0
    with db(late) as session:
        assert session.scalar(select(func.count()).select_from(Dossier)) == 0
        assert session.scalar(select(func.count()).select_from(Draft)) == 0
    assert client.get(f"/ho-so/{token}/").status_code == 404


def test_purge_waits_for_the_configured_time(make_app):
    app = make_app(NOW=AFTER_24_MONTHS, RETENTION_MONTHS=36, OUTBOX_SEND_AFTER_COMMIT=False)
    submit_with_mails(app, "OLDAAA22", "Nguyễn Thị Lan")
    assert purge(app) == ["Không có dữ liệu nào hết thời hạn lưu."]
    assert counts(app)["nomination"] == 1
    day_before = make_app(NOW="2022-02-13T09:00:00+07:00", OUTBOX_SEND_AFTER_COMMIT=False)
    assert purge(day_before) == ["Không có dữ liệu nào hết thời hạn lưu."]


@pytest.mark.parametrize("value", [0, -3, "24", 1.5])
def test_retention_setting_is_validated(make_app, value):
    with pytest.raises(ConfigError) as error:
        make_app(RETENTION_MONTHS=value)
    assert str(error.value) == (
        f"FORMS_RETENTION_MONTHS must be a positive whole number, got {value!r}."
    )


CAMPAIGN_PAGE = "/van-phong/dot/ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020/cap-thanh-pho/"


def office_client(app, username="quan1", *extra):
    assert create_user(app, username, "ldld-quan-1", *extra).exit_code == 0
    client = app.test_client()
    assert login(client, username).status_code == 302
    return client


def test_office_is_warned_ahead_of_the_purge(make_app):
    early = office_client(make_app())
    text = page_text(early.get(CAMPAIGN_PAGE))
    assert (
        '<p class="retention" role="note">Hồ sơ của đợt này được lưu đến 14/02/2022 '
        "(24 tháng sau hạn nộp), sau đó bị xóa.</p>"
    ) in text
    late = make_app(NOW="2021-12-20T09:00:00+07:00").test_client()
    assert login(late, "quan1").status_code == 302
    text = page_text(late.get(CAMPAIGN_PAGE))
    assert (
        '<p class="retention due-soon" role="alert">Cảnh báo: hồ sơ, tệp và thư của đợt này '
        "sẽ bị xóa vào 14/02/2022 (còn 56 ngày), 24 tháng sau hạn nộp"
    ) in text


def test_nothing_personal_in_the_logs(make_app, caplog):
    app = make_app(MAIL_BACKEND="smtp", SMTP_PORT=9, SMTP_TIMEOUT=1, OUTBOX_SEND_AFTER_COMMIT=False)
    client = app.test_client()
    caplog.set_level("DEBUG")
    submit_ok(client)
    submit_with_mails(app, "LOGAAA22", "Phạm Thị Hoa")
    run_pass(app)  # nothing listens on port 9: retried, and logged
    purge(app)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "will be retried" in logged
    for personal in (
        "Nguyễn Thị Lan Hương",
        "Trần Văn Đức",
        "binhminh.vn",
        "0909 123 456",
        "Phạm Thị Hoa",
        "hoa@congty.test",
    ):
        assert personal not in logged


def test_addresses_are_redacted_from_smtp_replies():
    assert redact("550 5.1.1 <lan.nguyen@binhminh.vn>: Recipient address rejected") == (
        "550 5.1.1 <<address>>: Recipient address rejected"
    )


# --- 3. a person's rights through the dossier's link, per nominee ----------------------

OFFICE_ADDRESS = "hoanghaldld206@gmail.com"


def csrf_of(client, path: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).text)[1]


def sent_nomination(make_app, **config):
    """(app, client, the nominee's path under its dossier: /ho-so/<token>/nguoi/<ref>)."""
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False, **config)
    client = app.test_client()
    dossier = submit_ok(client)
    reference = only_nomination(app).reference
    return app, client, f"{dossier}nguoi/{reference}"


def dossier_of(edit_path: str) -> str:
    return edit_path.split("nguoi/")[0]


def test_right_to_see_everything_stored(make_app):
    _app, client, edit_path = sent_nomination(make_app)
    dossier = page_text(client.get(dossier_of(edit_path)))
    assert f'href="{edit_path}/du-lieu"' in dossier
    text = page_text(client.get(edit_path + "/du-lieu"))
    for shown in (
        "<tr><th>Người (tập thể) được đề nghị</th><td>Nguyễn Thị Lan Hương</td></tr>",
        "<td>Trần Văn Đức – congdoan@binhminh.vn – 0909 123 456</td>",
        "<tr><th>Địa chỉ mạng (IP) lúc gửi</th><td>127.0.0.1</td></tr>",
        "<tr><th>Xử lý dữ liệu nhạy cảm (dân tộc)</th><td>Có</td></tr>",
        "<tr><th>Công bố bản tóm tắt nếu được khen thưởng</th><td>Không</td></tr>",
        "<tr><th>Phiên bản thông báo</th><td>2026-01</td></tr>",
        '<tr><th>Dân tộc</th><td class="lines">Kinh</td></tr>',
        'Sáng kiến 2</th><td class="lines">Tên sáng kiến: Băng tải tự động; '
        "Năm công nhận: 2017; Cấp công nhận: Cấp cơ sở; Giá trị làm lợi (đồng): 30000000",
        '<strong class="status">Chưa gửi</strong>',
    ):
        assert shown in text, shown


def test_right_to_download_everything_as_json_and_the_pdf(make_app):
    app, client, edit_path = sent_nomination(make_app)
    response = client.get(edit_path + "/du-lieu.json")
    assert response.status_code == 200
    reference = only_nomination(app).reference
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="du-lieu-{reference}.json"'
    )
    data = json.loads(response.get_data(as_text=True))
    assert data["reference"] == reference
    assert data["contact"] == {
        "name": "Trần Văn Đức",
        "email": "congdoan@binhminh.vn",
        "phone": "0909 123 456",
    }
    [version] = data["versions"]
    assert version["data"]["full_name"] == "Nguyễn Thị Lan Hương"
    assert version["consent"]["processing"] is True
    assert sorted(f["kind"] for f in version["files"]) == ["docx", "pdf", "photo"]
    assert data["mails"] == []  # saved into the dossier; nothing is mailed until it is sent
    pdf = client.get(edit_path + "/tom-tat.pdf")
    pdf_sha = next(f["sha256"] for f in version["files"] if f["kind"] == "pdf")
    assert hashlib.sha256(pdf.data).hexdigest() == pdf_sha
    assert pdf.data.startswith(b"%PDF")


def test_right_to_correct_through_the_edit_flow(make_app):
    _app, client, edit_path = sent_nomination(make_app)
    token = csrf_of(client, edit_path + "/du-lieu")
    started = client.post(edit_path + "/sua", data={"csrf_token": token})
    form_page = page_text(client.get(started.headers["Location"]))
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', form_page)[1]
    # The consent given before is ticked again in the edit (the person may untick it).
    assert re.search(r'<input[^>]*checked[^>]*id="consent_processing"', form_page)
    submit_ok(client, draft=draft, birth_year="1984")
    text = page_text(client.get(edit_path + "/du-lieu"))
    assert text.index("<h2>Phiên bản 2") < text.index("<h2>Phiên bản 1")
    assert '<tr><th>Năm sinh</th><td class="lines">1984</td></tr>' in text


def office_mails(app, kind: str) -> list[OutboxMail]:
    with db(app) as session:
        return session.scalars(select(OutboxMail).where(OutboxMail.kind == kind)).all()


def test_right_to_withdraw_consent_withdraws_and_tells_the_office(make_app):
    app, client, edit_path = sent_nomination(make_app)
    response = client.post(
        edit_path + "/rut-dong-y", data={"csrf_token": csrf_of(client, edit_path + "/du-lieu")}
    )
    assert response.status_code == 303
    page = page_text(client.get(response.headers["Location"]))
    reference = only_nomination(app).reference
    assert f"Đã rút lại sự đồng ý: hồ sơ {reference} đã được rút, văn phòng đã được báo." in page
    assert '<strong class="status">Đã rút lại sự đồng ý</strong>' in page
    assert only_nomination(app).status.value == "withdrawn"
    with db(app) as session:
        assert session.scalar(select(Dossier)).changed_since_sent is False  # never sent
    [mail] = office_mails(app, "withdrawal")
    assert mail.recipients == [OFFICE_ADDRESS]
    assert mail.subject == (
        f"Rút lại sự đồng ý, hồ sơ đã rút – Nguyễn Thị Lan Hương – Mã {reference}"
    )
    message = email.message_from_bytes(mail.raw, policy=email.policy.default)
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert (
        "đã rút lại sự đồng ý xử lý dữ liệu cá nhân" in message.get_body(("plain",)).get_content()
    )
    with db(app) as session:
        [row] = session.scalars(select(PrivacyRequest)).all()
        assert (row.kind.value, row.state.value, row.handled_by) == (
            "withdraw",
            "done",
            "người gửi hồ sơ",
        )
    # Out of the dossier's table, no more edits, and a second withdrawal changes nothing.
    dossier = page_text(client.get(dossier_of(edit_path)))
    assert f'<tr id="nguoi-{reference}">' not in dossier
    assert f"Nguyễn Thị Lan Hương (mã {reference}) – Đã rút lại sự đồng ý" in dossier
    assert "Sửa hồ sơ</button>" not in page_text(client.get(edit_path + "/du-lieu"))
    token = csrf_of(client, edit_path + "/du-lieu")
    refused = client.post(edit_path + "/sua", data={"csrf_token": token})
    assert refused.status_code == 403
    assert problems(refused) == ["Người này đã rút lại sự đồng ý nên không sửa được nữa."]
    again = client.post(
        edit_path + "/rut-dong-y", data={"csrf_token": csrf_of(client, edit_path + "/du-lieu")}
    )
    assert again.status_code == 409
    assert len(office_mails(app, "withdrawal")) == 1


def test_right_to_deletion_the_office_deletes_with_one_click(make_app):
    app, client, edit_path = sent_nomination(make_app)
    reference = only_nomination(app).reference
    response = client.post(
        edit_path + "/yeu-cau-xoa", data={"csrf_token": csrf_of(client, edit_path + "/du-lieu")}
    )
    assert response.status_code == 303
    page = page_text(client.get(response.headers["Location"]))
    assert "Đã gửi yêu cầu “Xóa dữ liệu” tới văn phòng; hạn xử lý: 09:00 ngày 13/02/2020." in page
    [mail] = office_mails(app, "privacy_request")
    assert mail.subject == (
        f"Yêu cầu về dữ liệu cá nhân: Xóa dữ liệu – Mã {reference} – "
        "trả lời trước 09:00 ngày 13/02/2020"
    )
    # Another body's office neither sees nor answers it.
    other = app.test_client()
    assert create_user(app, "longbien", "ldld-long-bien").exit_code == 0
    assert login(other, "longbien").status_code == 302
    assert reference not in other.get("/van-phong/yeu-cau-du-lieu").text
    with db(app) as session:
        request_id = session.scalar(select(PrivacyRequest.id))
    answer = f"/van-phong/yeu-cau-du-lieu/{request_id}/xu-ly"
    token = csrf_of(other, "/van-phong/yeu-cau-du-lieu")
    assert other.post(answer, data={"csrf_token": token}).status_code == 404
    office = office_client(app)
    listing = page_text(office.get("/van-phong/yeu-cau-du-lieu"))
    assert "<td>Xóa dữ liệu</td>" in listing
    assert "<td>09:00 ngày 13/02/2020</td>" in listing
    assert "Xóa hồ sơ và đóng yêu cầu</button>" in listing
    done = office.post(answer, data={"csrf_token": csrf_of(office, "/van-phong/yeu-cau-du-lieu")})
    assert done.status_code == 303
    outcome = f"Đã xóa hồ sơ {reference}: 1 phiên bản, 3 tệp, 1 thư."
    assert outcome in page_text(office.get(done.headers["Location"]))
    assert counts(app) | {"rate_event": 0} == {
        "nomination": 0,
        "nomination_version": 0,
        "stored_file": 0,
        "outbox_mail": 0,
        "draft": 0,
        "rate_event": 0,
    }
    with db(app) as session:
        [row] = session.scalars(select(PrivacyRequest)).all()
        assert (row.state.value, row.handled_by, row.outcome, row.nomination_id) == (
            "done",
            "quan1",
            outcome,
            None,
        )
    assert client.get(edit_path + "/tom-tat.pdf").status_code == 404
    assert client.get(edit_path + "/du-lieu").status_code == 404
    assert reference not in page_text(client.get(dossier_of(edit_path)))


def test_after_the_deadline_a_request_goes_to_the_office(make_app):
    app, _client, edit_path = sent_nomination(make_app)
    late = make_app(
        NOW="2020-02-20T09:00:00+07:00", MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False
    ).test_client()
    page = page_text(late.get(edit_path + "/du-lieu"))
    assert "Không còn sửa trực tiếp được; hãy gửi yêu cầu sửa tới văn phòng" in page
    token = csrf_of(late, edit_path + "/du-lieu")
    empty = late.post(
        edit_path + "/yeu-cau", data={"csrf_token": token, "kind": "rectify", "message": " "}
    )
    assert empty.status_code == 422
    assert problems(empty) == ["Hãy ghi nội dung yêu cầu, ví dụ thông tin nào cần sửa thành gì."]
    sent = late.post(
        edit_path + "/yeu-cau",
        data={"csrf_token": token, "kind": "rectify", "message": "Sửa năm sinh thành 1984."},
    )
    assert sent.status_code == 303
    assert "Đã gửi yêu cầu “Sửa dữ liệu” tới văn phòng; hạn xử lý: 09:00 ngày 23/02/2020." in (
        page_text(late.get(sent.headers["Location"]))
    )
    office = office_client(app)
    with db(app) as session:
        request_id = session.scalar(select(PrivacyRequest.id))
    office.post(
        f"/van-phong/yeu-cau-du-lieu/{request_id}/xu-ly",
        data={"csrf_token": csrf_of(office, "/van-phong/yeu-cau-du-lieu")},
    )
    with db(app) as session:
        row = session.get(PrivacyRequest, request_id)
        assert (row.state.value, row.handled_by, row.message) == (
            "done",
            "quan1",
            "Sửa năm sinh thành 1984.",
        )
    assert only_nomination(app).latest.number == 1  # the office corrects; nothing deleted


# --- 4. the office's access log ------------------------------------------------------------

REFERENCE = "Q1AAAA22"
STAMP = "Xuất bởi: Hoàng Thị Hà (quan1), 09:00 ngày 10/02/2020"
LOGGED_ROUTES = [
    (
        "office.campaign",
        CAMPAIGN_PAGE + "?cdcs=X",
        "xem-danh-sach",
        f"{PLAN}/cap-thanh-pho ?cdcs=X",
    ),
    ("office.nomination", f"/van-phong/ho-so/{REFERENCE}", "xem-ho-so", REFERENCE),
    (
        "office.download",
        f"/van-phong/ho-so/{REFERENCE}/ban-1/pdf",
        "tai-tep",
        f"{REFERENCE} bản 1 pdf",
    ),
    ("office.export_xlsx", CAMPAIGN_PAGE + "danh-sach.xlsx", "xuat-xlsx", f"{PLAN}/cap-thanh-pho"),
    ("office.export_csv", CAMPAIGN_PAGE + "danh-sach.csv", "xuat-csv", f"{PLAN}/cap-thanh-pho"),
    ("office.export_zip", CAMPAIGN_PAGE + "ho-so.zip", "xuat-zip", f"{PLAN}/cap-thanh-pho"),
    ("office.outbox", "/van-phong/thu-gui", "xem-thu", "Thư gửi đi"),
    (
        "office.dossier",
        "/van-phong/ho-so-don-vi/DQ1SENT2",
        "xem-ho-so-don-vi",
        "hồ sơ đơn vị DQ1SENT2",
    ),
    (
        "office.dossier_zip",
        "/van-phong/ho-so-don-vi/DQ1SENT2/lan-1.zip",
        "tai-ho-so-don-vi",
        "hồ sơ đơn vị DQ1SENT2 lần gửi 1",
    ),
    (
        "office.privacy_requests",
        "/van-phong/yeu-cau-du-lieu",
        "xem-yeu-cau",
        "Yêu cầu về dữ liệu cá nhân",
    ),
]


def log_entries(app) -> list[AccessLogEntry]:
    with db(app) as session:
        return session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()


@pytest.fixture
def logged_app(make_app):
    app = make_app(MAIL_BACKEND="file", OUTBOX_SEND_AFTER_COMMIT=False)
    submit_with_mails(app, REFERENCE, "Nguyễn Thị Lan")
    store_sent_dossier(app)  # DQ1SENT2, one nominee, sent once
    return app


def test_every_office_route_showing_personal_data_writes_one_entry(logged_app):
    office = office_client(logged_app)
    logged = {endpoint for endpoint, *_ in LOGGED_ROUTES} | {"office.answer_privacy_request"}
    assert logged == set(access_log.LOGGED)
    for endpoint, path, action, target in LOGGED_ROUTES:
        before = len(log_entries(logged_app))
        assert office.get(path).status_code == 200, endpoint
        entries = log_entries(logged_app)
        assert len(entries) == before + 1, endpoint
        entry = entries[-1]
        assert (entry.username, entry.action, entry.target, entry.address) == (
            "quan1",
            action,
            target,
            "127.0.0.1",
        )
        assert entry.at.replace(tzinfo=dt.UTC) == dt.datetime(2020, 2, 10, 2, tzinfo=dt.UTC)
    # Pages without personal data, and refusals, write nothing.
    before = len(log_entries(logged_app))
    assert office.get("/van-phong/").status_code == 200
    assert office.get("/van-phong/ho-so/KHONGCO22").status_code == 404
    assert office.get("/van-phong/nhat-ky-truy-cap").status_code == 404  # not an administrator
    assert len(log_entries(logged_app)) == before


def test_answering_a_request_is_logged(logged_app):
    # The fixture's nominee joins a dossier, whose link the person uses.
    token = open_dossier(logged_app.test_client())
    with db(logged_app) as session:  # the dossier just opened (the fixture sent its own)
        dossier_id = session.scalar(select(Dossier.id).order_by(Dossier.id.desc()).limit(1))
        session.execute(
            update(Nomination)
            .where(Nomination.reference == REFERENCE)
            .values(dossier_id=dossier_id)
        )
        session.commit()
    with logged_app.test_request_context():
        privacy_operations.request_erasure(token, REFERENCE)
    office = office_client(logged_app)
    with db(logged_app) as session:
        request_id = session.scalar(select(PrivacyRequest.id))
    token = csrf_of(office, "/van-phong/yeu-cau-du-lieu")
    before = len(log_entries(logged_app))
    done = office.post(f"/van-phong/yeu-cau-du-lieu/{request_id}/xu-ly", data={"csrf_token": token})
    assert done.status_code == 303
    entries = log_entries(logged_app)
    assert len(entries) == before + 1
    assert (entries[-1].action, entries[-1].target) == (
        "xu-ly-yeu-cau",
        f"yêu cầu số {request_id}",
    )


def test_exports_carry_who_made_them(logged_app):
    office = office_client(logged_app)
    xlsx = load_workbook(io.BytesIO(office.get(CAMPAIGN_PAGE + "danh-sach.xlsx").data))
    assert xlsx.properties.creator == STAMP
    assert xlsx.sheetnames == ["Danh sách trích ngang", "Thông tin xuất"]
    assert xlsx["Thông tin xuất"]["A1"].value == STAMP
    for path in (CAMPAIGN_PAGE + "ho-so.zip", "/van-phong/ho-so-don-vi/DQ1SENT2/lan-1.zip"):
        archive = zipfile.ZipFile(io.BytesIO(office.get(path).data))
        assert archive.comment.decode("utf-8") == STAMP
        assert archive.testzip() is None
    rows = list(csv.reader(io.StringIO(office.get(CAMPAIGN_PAGE + "danh-sach.csv").text)))
    assert rows[-1] == [STAMP]


def test_administrators_see_the_log_of_their_bodies(logged_app):
    clerk = office_client(logged_app, "quan1")
    clerk.get(f"/van-phong/ho-so/{REFERENCE}")
    colleague = office_client(logged_app, "truongphong")  # the same body, ldld-quan-1
    result = logged_app.test_cli_runner().invoke(args=["office", "set-admin", "truongphong"])
    assert result.output == "Tài khoản truongphong là quản trị viên (xem được nhật ký truy cập).\n"
    page = page_text(colleague.get("/van-phong/nhat-ky-truy-cap"))
    assert (
        "<td>09:00 ngày 10/02/2020</td><td>quan1</td><td>Hồ sơ</td><td>Q1AAAA22</td>"
        "<td>127.0.0.1</td>"
    ) in page
    assert "Nhật ký truy cập</a>" in page
    # An administrator of another body sees none of it.
    assert create_user(logged_app, "longbien", "ldld-long-bien").exit_code == 0
    logged_app.test_cli_runner().invoke(args=["office", "set-admin", "longbien"])
    other = logged_app.test_client()
    assert login(other, "longbien").status_code == 302
    assert "Q1AAAA22" not in other.get("/van-phong/nhat-ky-truy-cap").text
    missing = logged_app.test_cli_runner().invoke(args=["office", "set-admin", "khongco"])
    assert missing.exit_code == 1
    assert "Không có tài khoản “khongco”." in missing.output


def test_the_office_sees_what_was_agreed(make_app):
    app, _client, edit_path = sent_nomination(make_app)
    office = office_client(app)
    path = f"/van-phong/ho-so/{only_nomination(app).reference}"
    assert office.get(path).status_code == 404  # saved in the dossier, not sent: not received
    token = dossier_of(edit_path).rstrip("/").rsplit("/", 1)[-1]
    with app.test_request_context():
        send_dossier(token, 0, "127.0.0.1", app.config["NOW"])
    page = page_text(office.get(path))
    assert "<tr><th>Công bố bản tóm tắt nếu được khen thưởng</th><td>Không</td></tr>" in page
    assert "<tr><th>Xử lý dữ liệu nhạy cảm (dân tộc)</th><td>Có</td></tr>" in page


def test_my_data_lists_the_dossier_mails_that_carried_the_nominee(make_app):
    app, client, edit_path = sent_nomination(make_app)
    with db(app) as session:
        nomination = session.scalars(select(Nomination)).one()
        # A sending of the dossier that held this nominee, and one that no longer did.
        for number, contents in ((1, [{"nomination_id": nomination.id, "version": 1}]), (2, [])):
            session.add(
                DossierSending(dossier_id=nomination.dossier_id, number=number, contents=contents)
            )
            session.add(
                OutboxMail(
                    dossier_id=nomination.dossier_id,
                    version_number=number,
                    kind="office",
                    message_id=f"<lan-{number}@thidua.test>",
                    sender="thidua@localhost",
                    recipients=[OFFICE_ADDRESS],
                    subject=f"Hồ sơ đề nghị khen thưởng – lần {number}",
                    raw=b"",
                    next_attempt_at=dt.datetime(2020, 2, 10, tzinfo=dt.UTC),
                )
            )
        session.commit()
    text = page_text(client.get(edit_path + "/du-lieu"))
    assert "Hồ sơ gửi văn phòng: “Hồ sơ đề nghị khen thưởng – lần 1”" in text
    assert "lần 2" not in text
    data = json.loads(client.get(edit_path + "/du-lieu.json").get_data(as_text=True))
    assert [m["subject"] for m in data["mails"]] == ["Hồ sơ đề nghị khen thưởng – lần 1"]
