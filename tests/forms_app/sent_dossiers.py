"""Dossiers as real rows, as the unit's pages and the sending leave them, for the tests.

A dossier with its unit's details; nominees whose versions hold a one-page
summary rendered by the app's own PDF and Word code; sendings with their
Tờ trình, danh sách and signed scan, the nominees' versions they held, and the
office mail each queued through the outbox carrying exactly
`packaging.sending_files`. Nothing is committed here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from email.message import EmailMessage

from mail_fixtures import CALL, PLAN, individual_data, make_docx, make_pdf, stored
from paths import CONTENT
from sitegen.loader import load_content
from sqlalchemy.orm import object_session
from summary_samples import individual, summary_of

from forms_app.campaigns import find_campaign
from forms_app.dossiers.assemble import build_facts
from forms_app.dossiers.documents import render_roster_xlsx
from forms_app.dossiers.packaging import sending_files
from forms_app.mail.outbox import queue_mail
from forms_app.nominations.docx_export import render_docx
from forms_app.nominations.pdf import render_pdf
from forms_app.store.database import get_session
from forms_app.store.models import (
    Dossier,
    DossierFile,
    DossierFileKind,
    DossierSending,
    FileKind,
    MailKind,
    Nomination,
    NominationStatus,
    NominationVersion,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICE_ADDRESS = "vanphong@ldld-quan1.test"


@functools.cache
def real_summary() -> tuple[bytes, bytes]:
    """A one-page summary as the app renders it (WeasyPrint PDF, python-docx Word copy)."""
    summary = summary_of(individual())
    return render_pdf(summary)[0], render_docx(summary, None)


def open_dossier(
    session, reference: str, union: str, parent: str, *, plan: str = PLAN, call: str = CALL
) -> Dossier:
    dossier = Dossier(
        reference=reference,
        token_hash=hashlib.sha256(reference.encode()).hexdigest(),
        plan_slug=plan,
        call_key=call,
        union_name=union,
        parent_union=parent,
        address="12 Nguyễn Huệ, phường Bến Nghé, quận 1",
        place="Thành phố Hồ Chí Minh",
        signer_name="Lê Văn Tám",
        signer_title="Chủ tịch",
        contact_name="Trần Thị Hoa",
        contact_email="hoa@congdoan.test",
        contact_phone="0982206192",
        client_address="127.0.0.1",
        created_at=dt.datetime(2020, 2, 7, 2, 0, tzinfo=dt.UTC),
    )
    session.add(dossier)
    return dossier


def add_version(nomination: Nomination, number: int, data: dict) -> NominationVersion:
    pdf, docx_bytes = real_summary()
    version = NominationVersion(
        nomination=nomination, number=number, data={"typed": {}, "clean": data}, fill_ratio=0.8
    )
    base = f"tom-tat-thanh-tich-{nomination.reference}-v{number}"
    version.files = [
        stored(FileKind.PDF, f"{base}.pdf", "application/pdf", pdf),
        stored(FileKind.DOCX, f"{base}.docx", DOCX_TYPE, docx_bytes),
    ]
    nomination.versions.append(version)
    return version


def add_nominee(
    dossier: Dossier,
    reference: str,
    name: str,
    position: int,
    *,
    category: str = "doi-tuong-3",
    status: NominationStatus = NominationStatus.PENDING,
    **data,
) -> Nomination:
    clean = individual_data(name, category=category, union_name=dossier.union_name, **data)
    nomination = Nomination(
        reference=reference,
        edit_token_hash=hashlib.sha256(reference.encode()).hexdigest(),
        plan_slug=dossier.plan_slug,
        call_key=dossier.call_key,
        subject="individual",
        category_key=category,
        nominee_name=name,
        union_name=dossier.union_name,
        submitter_name=dossier.contact_name,
        submitter_email=dossier.contact_email,
        submitter_phone=dossier.contact_phone,
        status=status,
        client_address="127.0.0.1",
        dossier=dossier,
        position=position,
    )
    add_version(nomination, 1, clean)
    object_session(dossier).add(nomination)
    return nomination


@functools.cache
def content():
    return load_content(CONTENT)


def sending_facts(dossier: Dossier, nominees: list[Nomination], number: int, at: dt.datetime):
    """The facts the sending's own documents are made from, as the sending builds them."""
    campaign = find_campaign(content(), dossier.plan_slug, dossier.call_key)
    facts = build_facts(campaign, dossier, at, nominations=nominees)
    return dataclasses.replace(facts, revision=number - 1)


def send(session, dossier: Dossier, nominees: list[Nomination], at: dt.datetime, *, scan=False):
    """Record a sending as the dossier's sending does: its files, the nominees' versions,
    the revision, and the office mail carrying exactly `sending_files`."""
    number = dossier.revision + 1
    stem = f"To-trinh-{dossier.reference}-lan-{number}"
    sending = DossierSending(
        dossier=dossier,
        number=number,
        contents=[{"nomination_id": n.id, "version": n.latest.number} for n in nominees],
        created_at=at,
    )
    session.add(sending)
    files = [
        stored(
            DossierFileKind.PROPOSAL_PDF,
            f"{stem}.pdf",
            "application/pdf",
            make_pdf(f"Tờ trình {dossier.union_name} lần {number}"),
            DossierFile,
        ),
        stored(
            DossierFileKind.PROPOSAL_DOCX,
            f"{stem}.docx",
            DOCX_TYPE,
            make_docx(f"Tờ trình {dossier.union_name} lần {number}"),
            DossierFile,
        ),
        stored(
            DossierFileKind.ROSTER_XLSX,
            f"Danh-sach-trich-ngang-{dossier.reference}.xlsx",
            XLSX_TYPE,
            render_roster_xlsx([sending_facts(dossier, nominees, number, at)]),
            DossierFile,
        ),
    ]
    if scan:
        files.append(
            stored(
                DossierFileKind.SIGNED_SCAN,
                f"To-trinh-da-ky-{dossier.reference}.pdf",
                "application/pdf",
                make_pdf(f"Bản ký {dossier.reference}"),
                DossierFile,
            )
        )
    sending.files = files
    for nomination in nominees:
        nomination.status = NominationStatus.SUBMITTED
    dossier.revision = number
    dossier.sent_at = at
    dossier.changed_since_sent = False
    session.flush()
    message = EmailMessage()
    message["From"] = "thidua@congdoan.test"
    message["To"] = OFFICE_ADDRESS
    message["Subject"] = f"Hồ sơ {dossier.union_name}: {len(nominees)} người (lần {number})"
    message.set_content("Hồ sơ đề nghị khen thưởng.")
    for attachment in sending_files(session, sending):
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    mail = queue_mail(session, message, kind=MailKind.OFFICE, version_number=number, now=at)
    mail.dossier_id = dossier.id
    return sending


def store_sent_dossier(
    app,
    reference: str = "DQ1SENT2",
    union: str = "CĐCS Công ty TNHH Cơ khí Sài Gòn",
    nominees: tuple[tuple[str, str], ...] = (("NQ1SENT2", "Trần Văn Bình"),),
    at: dt.datetime = dt.datetime(2020, 2, 9, 2, tzinfo=dt.UTC),
) -> None:
    """A dossier of `nominees` ((reference, name) pairs) sent once at `at`, committed."""
    with app.test_request_context():
        session = get_session()
        dossier = open_dossier(session, reference, union, "Công đoàn ngành Cơ khí")
        rows = [
            add_nominee(dossier, ref, name, position)
            for position, (ref, name) in enumerate(nominees, start=1)
        ]
        session.flush()
        send(session, dossier, rows, at)
        session.commit()
