"""The office's ZIP of a dossier holds the same files as the mail that brought it.

A dossier is sent by the real sending (dossiers/sending.py), its office mail
delivered through the outbox to a real SMTP server on loopback (aiosmtpd);
the office then downloads the sending's ZIP through its own route. Names and
bytes must match, in one mail or split into numbered parts.
"""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from dossier_samples import make_dossier
from mail_fixtures import run_pass, smtp_server  # noqa: F401  (smtp_server is a fixture)
from test_office import create_user, login

from forms_app.dossiers.sending import send_dossier

OFFICE = "hoanghaldld206@gmail.com"  # seed 003's office address
REFERENCE = "HS7K2M9Q"  # make_dossier's
FOLDER = f"Cong-doan-co-so-Cong-ty-TNHH-Co-khi-Binh-Minh-{REFERENCE}-lan-1"


def office_attachments(smtp_server) -> tuple[list[str], dict[str, str]]:  # noqa: F811
    """(subjects, name -> sha256) of every mail the office received."""
    mails = [m for m in smtp_server.handler.messages() if m["To"].addresses[0].addr_spec == OFFICE]
    files: dict[str, str] = {}
    for mail in mails:
        for part in mail.iter_attachments():
            assert part.get_filename() not in files  # each file in one part only
            files[part.get_filename()] = hashlib.sha256(part.get_content()).hexdigest()
    return [str(m["Subject"]) for m in mails], files


@pytest.mark.parametrize("limit", [15 * 1024 * 1024, 60_000])
def test_office_zip_holds_the_files_of_the_mail(make_app, smtp_server, limit):  # noqa: F811
    app = make_app(
        **smtp_server.config(),
        OUTBOX_SEND_AFTER_COMMIT=False,
        MAIL_ATTACHMENT_LIMIT=limit,
        MAX_SCAN_BYTES=limit,
    )
    assert create_user(app, "quan1", "ldld-quan-1").exit_code == 0
    token = make_dossier(app)
    with app.test_request_context():
        send_dossier(token, 0, "203.0.113.5", app.config["NOW"])
    run_pass(app)
    subjects, mailed = office_attachments(smtp_server)
    office = app.test_client()
    login(office, "quan1")

    response = office.get(f"/van-phong/ho-so-don-vi/{REFERENCE}/lan-1.zip")

    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    zipped = {name: hashlib.sha256(archive.read(name)).hexdigest() for name in archive.namelist()}
    assert zipped == {f"{FOLDER}/{name}": digest for name, digest in mailed.items()}
    assert len(mailed) == 9  # Tờ trình PDF + DOCX, 3 × (PDF + DOCX), danh sách
    if limit < 1024 * 1024:
        assert len(subjects) > 1 and all("phần" in s for s in subjects)
    else:
        assert len(subjects) == 1
