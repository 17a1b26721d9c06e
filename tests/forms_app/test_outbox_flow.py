"""Mails from the real form flow (HTTP, preview, send, edit) to a real SMTP server."""

from __future__ import annotations

import io
import re
import time
from email.header import decode_header, make_header

import pytest
from form_data import INDIVIDUAL_URL, csrf_token, individual_fields
from mail_fixtures import all_mails, smtp_server  # noqa: F401  (smtp_server is a fixture)
from photo_samples import phone_photo
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from forms_app.office_models import MailKind, MailState

TOKEN_RE = r'name="csrf_token" type="hidden" value="([^"]+)"'
PLAN_LABEL = "Tổ chức hội nghị điển hình tiên tiến trong công đoàn cơ sở…"


def submit_form(client, **changes) -> str:
    """Fill, preview and send the individual form; returns the confirmation path."""
    fields = {**individual_fields(**changes), "csrf_token": csrf_token(client, INDIVIDUAL_URL)}
    files = {"photo": FileStorage(io.BytesIO(phone_photo()), filename="anh.jpg")}
    boundary, body = encode_multipart(MultiDict({**fields, **files}))
    posted = client.post(
        INDIVIDUAL_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert posted.status_code == 303
    preview = client.get(posted.headers["Location"])
    token = re.search(TOKEN_RE, preview.text)[1]
    sent = client.post(posted.headers["Location"] + "gui", data={"csrf_token": token})
    assert sent.status_code == 303
    return sent.headers["Location"]


def wait_for(count: int, server, seconds: float = 20.0) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        messages = server.handler.messages()
        if len(messages) >= count:
            return messages
        time.sleep(0.05)
    raise AssertionError(f"{len(server.handler.messages())} mails arrived, expected {count}")


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.fixture
def flow_app(make_app, smtp_server):  # noqa: F811
    return make_app(**smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=True)


def test_submission_mails_arrive_after_commit_with_documents(flow_app, smtp_server):  # noqa: F811
    client = flow_app.test_client()

    confirmation = submit_form(client)

    reference = re.fullmatch(r"/h/([A-Z0-9]+)/", confirmation)[1]
    messages = wait_for(2, smtp_server)
    by_to = {m["To"].addresses[0].addr_spec: m for m in messages}
    office = by_to["hoanghaldld206@gmail.com"]
    receipt = by_to["congdoan@binhminh.vn"]
    assert subject_of(office) == (
        f"Hồ sơ đề nghị khen thưởng – {PLAN_LABEL} – Đối tượng 3 – "
        f"Nguyễn Thị Lan Hương – Mã {reference}"
    )
    assert subject_of(receipt) == (
        f"Đã nhận hồ sơ đề nghị khen thưởng Nguyễn Thị Lan Hương – Mã {reference}"
    )
    assert office["Reply-To"].addresses[0].addr_spec == "congdoan@binhminh.vn"
    stem = f"Tom-tat-thanh-tich-Nguyen-Thi-Lan-Huong-{reference}"
    parts = {p.get_filename(): p.get_content() for p in office.iter_attachments()}
    assert sorted(parts) == [f"{stem}.docx", f"{stem}.pdf"]
    pdf = PdfReader(io.BytesIO(parts[f"{stem}.pdf"]))
    assert len(pdf.pages) == 1
    assert "Nguyễn Thị Lan Hương" in pdf.pages[0].extract_text()
    assert parts[f"{stem}.docx"].startswith(b"PK")
    text = office.get_body(("plain",)).get_content()
    assert f"Mã hồ sơ: {reference} (bản 1)" in text
    assert "Chức vụ, đơn vị: Tổ trưởng tổ sản xuất, Công ty TNHH Cơ khí Bình Minh" in text
    assert (
        "Hạn nộp hồ sơ: “chậm nhất trước 16g00 ngày 14/02/2020” "
        "(tức là trước 16:00 ngày 14/02/2020)" in text
    )
    receipt_text = receipt.get_body(("plain",)).get_content()
    edit_link = re.search(r"http://localhost/sua/\S+", receipt_text)[0]
    page = client.get(confirmation).text
    assert f'class="edit-link" href="{edit_link}"' in page
    assert (
        "Sửa hồ sơ (đến “chậm nhất trước 16g00 ngày 14/02/2020” "
        "(tức là trước 16:00 ngày 14/02/2020)):" in receipt_text
    )
    assert [p.get_filename() for p in receipt.iter_attachments()] == [f"{stem}.pdf"]
    assert {m.state for m in all_mails(flow_app)} == {MailState.SENT}


def test_edit_queues_new_mails_marked_as_supplement(flow_app, smtp_server):  # noqa: F811
    client = flow_app.test_client()
    confirmation = submit_form(client)
    wait_for(2, smtp_server)
    page = client.get(confirmation).text
    edit_path = re.search(r'class="edit-link" href="([^"]+)"', page)[1].removeprefix(
        "http://localhost"
    )
    started = client.post(edit_path, data={"csrf_token": re.search(TOKEN_RE, page)[1]})
    form_page = client.get(started.headers["Location"]).text
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', form_page)[1]

    submit_form(client, draft=draft, full_name="Nguyễn Thị Lan Hương Giang")

    messages = wait_for(4, smtp_server)
    reference = re.fullmatch(r"/h/([A-Z0-9]+)/", confirmation)[1]
    subjects = sorted(subject_of(m) for m in messages[2:])
    assert subjects == [
        f"[Bổ sung] Hồ sơ đề nghị khen thưởng – {PLAN_LABEL} – Đối tượng 3 – "
        f"Nguyễn Thị Lan Hương Giang – Mã {reference}",
        f"Đã nhận bản sửa hồ sơ đề nghị khen thưởng Nguyễn Thị Lan Hương Giang – Mã {reference}",
    ]
    mails = all_mails(flow_app)
    assert [(m.kind, m.version_number) for m in mails] == [
        (MailKind.OFFICE, 1),
        (MailKind.CONFIRMATION, 1),
        (MailKind.OFFICE, 2),
        (MailKind.CONFIRMATION, 2),
    ]
    receipt = next(m for m in messages[2:] if m["To"].addresses[0].username == "congdoan")
    assert (
        "dùng đường dẫn sửa trong thư xác nhận đầu tiên"
        in receipt.get_body(("plain",)).get_content()
    )
