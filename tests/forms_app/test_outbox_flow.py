"""Mails from the real dossier flow (HTTP: open, add, save, send, edit, send again) to a
real SMTP server: one office mail and one confirmation per sending, after the commit."""

from __future__ import annotations

import io
import re
import time
from email.header import decode_header, make_header

import pytest
from form_data import add_nominee, csrf_token, individual_fields, open_dossier
from mail_fixtures import all_mails, smtp_server  # noqa: F401  (smtp_server is a fixture)
from openpyxl import load_workbook
from photo_samples import phone_photo
from pypdf import PdfReader

from forms_app.store.models import MailKind, MailState

OFFICE = "hoanghaldld206@gmail.com"
UNIT_MAIL = "congdoan@binhminh.vn"


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


def send(client, token: str, revision: int) -> None:
    action = csrf_token(client, f"/ho-so/{token}/")
    sent = client.post(
        f"/ho-so/{token}/gui", data={"csrf_token": action, "revision": str(revision)}
    )
    assert sent.status_code == 303, sent.status_code


def reference_of(client, token: str) -> str:
    return re.search(r'class="reference">([A-Z0-9]+)<', client.get(f"/ho-so/{token}/").text)[1]


def test_sending_mails_arrive_after_commit_with_the_dossier(flow_app, smtp_server):  # noqa: F811
    client = flow_app.test_client()
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    assert smtp_server.handler.messages() == []  # saving a nominee mails nothing
    send(client, token, 0)

    messages = wait_for(2, smtp_server)
    reference = reference_of(client, token)
    by_to = {m["To"].addresses[0].addr_spec: m for m in messages}
    office, receipt = by_to[OFFICE], by_to[UNIT_MAIL]
    assert subject_of(office) == (
        "Hồ sơ đề nghị khen thưởng – CĐCS Công ty TNHH Cơ khí Bình Minh – Kế hoạch của LĐLĐ "
        "quận 1 – ĐỐI TƯỢNG VÀ TIÊU CHÍ KHEN CẤP THÀNH PHỐ – 1 cá nhân"
    )
    assert reference in subject_of(receipt)
    assert office["Reply-To"].addresses[0].addr_spec == UNIT_MAIL
    parts = {p.get_filename(): p.get_content() for p in office.iter_attachments()}
    names = sorted(parts)
    assert [n.rsplit(".", 1)[1] for n in names].count("pdf") == 2  # Tờ trình and the summary
    summary = next(n for n in names if n.startswith("01-") and n.endswith(".pdf"))
    pdf = PdfReader(io.BytesIO(parts[summary]))
    assert len(pdf.pages) == 1
    assert "Nguyễn Thị Lan Hương" in pdf.pages[0].extract_text()
    roster = next(n for n in names if n.endswith(".xlsx"))
    cells = [c for row in load_workbook(io.BytesIO(parts[roster])).active.values for c in row]
    assert "Nguyễn Thị Lan Hương" in cells
    receipt_text = receipt.get_body(("plain",)).get_content()
    assert f"http://localhost/ho-so/{token}/" in receipt_text
    assert {m.state for m in all_mails(flow_app)} == {MailState.SENT}


def test_an_edit_sends_the_whole_dossier_again_marked_as_revised(flow_app, smtp_server):  # noqa: F811
    client = flow_app.test_client()
    token = open_dossier(client)
    add_nominee(client, token, individual_fields(), photo=phone_photo())
    send(client, token, 0)
    wait_for(2, smtp_server)
    page = client.get(f"/ho-so/{token}/").text
    reference = re.search(r'<tr id="nguoi-([A-Z0-9]+)">', page)[1]
    started = client.post(
        f"/ho-so/{token}/nguoi/{reference}/sua",
        data={"csrf_token": csrf_token(client, f"/ho-so/{token}/")},
    )
    form_page = client.get(started.headers["Location"]).text
    draft = re.search(r'id="draft" name="draft" type="hidden" value="([^"]+)"', form_page)[1]
    add_nominee(
        client, token, individual_fields(draft=draft, full_name="Nguyễn Thị Lan Hương Giang")
    )
    send(client, token, 1)

    messages = wait_for(4, smtp_server)
    subjects = sorted(subject_of(m) for m in messages[2:])
    assert all(s.endswith("bản sửa đổi lần 1") for s in subjects), subjects
    office = next(m for m in messages[2:] if m["To"].addresses[0].addr_spec == OFFICE)
    summaries = [p for p in office.iter_attachments() if p.get_filename().startswith("01-")]
    assert [p.get_filename().rsplit("-", 1)[1] for p in summaries] == ["v2.pdf", "v2.docx"]
    text = PdfReader(io.BytesIO(summaries[0].get_content())).pages[0].extract_text()
    assert "Nguyễn Thị Lan Hương Giang" in text
    mails = all_mails(flow_app)
    assert sorted((m.kind, m.version_number) for m in mails) == sorted(
        [
            (MailKind.OFFICE, 1),
            (MailKind.CONFIRMATION, 1),
            (MailKind.OFFICE, 2),
            (MailKind.CONFIRMATION, 2),
        ]
    )
