"""A real SMTP server on loopback (aiosmtpd) and realistic stored nominations.

Imported by the outbox, mailer and office tests. The server can be told to
reply 451 or 550, to be slow, to run a hook on each mail, or be stopped and
started again on the same port; it counts every mail by its Message-ID.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import hashlib
import io
import socket
import threading
from collections.abc import Callable
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import docx
import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfWriter
from sqlalchemy import select

from forms_app.content_types import DOCX_TYPE
from forms_app.mail.mailer import MailSettings
from forms_app.mail.outbox import OutboxPolicy, send_due_mails
from forms_app.store.database import get_session
from forms_app.store.models import FileKind, Nomination, NominationVersion, OutboxMail, StoredFile


class Recorder:
    """aiosmtpd handler: records accepted mails, or replies with a chosen error."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[str, list[str], bytes]] = []
        self.reply: str | None = None  # e.g. "451 4.3.0 Thử lại sau"
        self.replies_left: int | None = None  # None: reply every time
        self.delay = 0.0
        self.on_message: Callable[[int], None] | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.reply is not None and self.replies_left != 0:
                if self.replies_left is not None:
                    self.replies_left -= 1
                return self.reply
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            count = len(self.received)
        if self.on_message is not None:
            self.on_message(count)
        return "250 2.0.0 OK"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message_from_bytes(raw, policy=default) for _f, _t, raw in self.received]

    def message_ids(self) -> collections.Counter:
        return collections.Counter(str(m["Message-ID"]) for m in self.messages())


class SmtpServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def config(self) -> dict:
        return {
            "MAIL_BACKEND": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_TIMEOUT": 5,
            "MAIL_FROM": "thidua@congdoan.test",
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    server = SmtpServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- realistic nominations without the form -------------------------------------------

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"  # issuer ldld-quan-1
CALL = "cap-thanh-pho"
OTHER_PLAN = "ldld-long-bien-32-kh-2023"  # issuer ldld-long-bien
OTHER_CALL = "khen-thuong-dot-thi-dua-cao-diem"


def make_pdf(text: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def stored(kind, name: str, content_type: str, content: bytes, model=StoredFile):
    """A file row with its size and checksum (a StoredFile, or `model`: a DossierFile)."""
    return model(
        kind=kind,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


def individual_data(name: str, **overrides) -> dict:
    clean = {
        "subject": "individual",
        "full_name": name,
        "gender": "Nữ",
        "birth_year": 1985,
        "ethnicity": "Kinh",
        "position": "Tổ trưởng tổ sản xuất",
        "workplace": "Công ty TNHH Cơ khí Sài Gòn",
        "grassroots_union": "CĐCS Công ty TNHH Cơ khí Sài Gòn",
        "qualification": "Kỹ sư cơ khí",
        "category": "doi-tuong-3",
        "award": "Bằng khen của Liên đoàn Lao động thành phố",
        "duties": "Phụ trách tổ tiện.",
        "achievements": "Ba sáng kiến cải tiến kỹ thuật, làm lợi 75 triệu đồng.",
        "initiatives": [],
        "awards": [],
        "union_name": "Công đoàn cơ sở Công ty TNHH Cơ khí Sài Gòn",
        "contact_name": "Trần Thị Hoa",
        "contact_email": "hoa@congty.test",
        "contact_phone": "0982206192",
    }
    clean.update(overrides)
    return clean


def add_nomination(
    session,
    reference: str,
    name: str,
    *,
    plan: str = PLAN,
    call: str = CALL,
    subject: str = "individual",
    category: str = "doi-tuong-3",
    union: str = "Công đoàn cơ sở Công ty TNHH Cơ khí Sài Gòn",
    created_at: dt.datetime | None = None,
    data: dict | None = None,
) -> tuple[Nomination, NominationVersion]:
    """A nomination with one version and real PDF, DOCX and photo bytes (not committed)."""
    stamp = created_at or dt.datetime(2020, 2, 10, 2, 0, tzinfo=dt.UTC)
    clean = data or individual_data(name, category=category, union_name=union)
    nomination = Nomination(
        reference=reference,
        edit_token_hash=hashlib.sha256(reference.encode()).hexdigest(),
        plan_slug=plan,
        call_key=call,
        subject=subject,
        category_key=category,
        nominee_name=name,
        union_name=union,
        submitter_name=clean["contact_name"],
        submitter_email=clean["contact_email"],
        submitter_phone=clean["contact_phone"],
        client_address="127.0.0.1",
        deadline_at=dt.datetime(2020, 2, 14, 9, 0, tzinfo=dt.UTC),
        created_at=stamp,
        updated_at=stamp,
    )
    version = NominationVersion(
        nomination=nomination,
        number=1,
        data={"typed": {}, "clean": clean},
        fill_ratio=0.8,
        created_at=stamp,
    )
    base = f"tom-tat-thanh-tich-{reference}-v1"
    for item in (
        stored(FileKind.PDF, f"{base}.pdf", "application/pdf", make_pdf(name)),
        stored(
            FileKind.DOCX,
            f"{base}.docx",
            DOCX_TYPE,
            make_docx(name),
        ),
        stored(
            FileKind.PHOTO, f"anh-{reference}-v1.jpg", "image/jpeg", b"\xff\xd8\xff" + b"0" * 64
        ),
    ):
        item.version = version
    session.add(nomination)
    return nomination, version


def queue_sent_dossier(session, nomination: Nomination) -> list[OutboxMail]:
    """Put `nomination` in a one-nominee dossier, record its first sending, queue its mails.

    The mails are the service's own (`notifications.queue_dossier_mails`): the
    office's, with the nominee's summary files, and the unit's confirmation.
    Not committed: the caller commits (or rolls back) them with the dossier.
    """
    from flask import url_for

    from forms_app.campaigns import find_campaign, get_content
    from forms_app.dossiers.assemble import build_facts
    from forms_app.mail.notifications import queue_dossier_mails
    from forms_app.store.models import Dossier, DossierSending, NominationStatus

    data = nomination.latest.data["clean"]
    dossier = Dossier(
        reference=nomination.reference,
        token_hash=hashlib.sha256(f"dossier-{nomination.reference}".encode()).hexdigest(),
        plan_slug=nomination.plan_slug,
        call_key=nomination.call_key,
        union_name=nomination.union_name,
        parent_union="Liên đoàn Lao động quận 1",
        address=data.get("workplace") or "15 Lê Lợi, quận 1",
        place="Thành phố Hồ Chí Minh",
        signer_name="Nguyễn Văn Bình",
        signer_title="Chủ tịch",
        contact_name=nomination.submitter_name,
        contact_email=nomination.submitter_email,
        contact_phone=nomination.submitter_phone,
        revision=1,
        client_address="127.0.0.1",
        created_at=nomination.created_at,
        sent_at=nomination.created_at,
    )
    nomination.dossier = dossier
    nomination.position = 1
    nomination.status = NominationStatus.SUBMITTED
    session.add(dossier)
    session.flush()
    sending = DossierSending(
        dossier=dossier,
        number=1,
        contents=[{"nomination_id": nomination.id, "version": nomination.latest.number}],
        created_at=nomination.created_at,
    )
    session.add(sending)
    session.flush()
    campaign = find_campaign(get_content(), nomination.plan_slug, nomination.call_key)
    facts = build_facts(campaign, dossier, sending.created_at, [nomination])
    link = url_for("dossiers.dossier_page", token=f"{nomination.reference}-token", _external=True)
    return queue_dossier_mails(session, sending, facts, dossier_url=link)


def submit_with_mails(app, reference: str, name: str, **kwargs) -> Nomination:
    """Store a nomination, sent in its dossier, and queue the dossier's mails in one transaction."""
    with app.test_request_context():
        session = get_session()
        nomination, _version = add_nomination(session, reference, name, **kwargs)
        queue_sent_dossier(session, nomination)
        session.commit()
        return nomination


# --- driving the outbox -----------------------------------------------------------


def all_mails(app) -> list[OutboxMail]:
    with app.extensions["forms_sessionmaker"]() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def run_pass(app, now: dt.datetime | None = None, worker: str | None = None):
    return send_due_mails(
        app.extensions["forms_sessionmaker"],
        MailSettings.from_config(app.config, app.instance_path),
        OutboxPolicy.from_config(app.config),
        now=now,
        worker=worker,
    )


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
