"""The mails a nomination causes: one function per event, each queued in the outbox.

This module owns what the mails say: the dossier to the office the plan
names (subject with the plan's number, the category, the nominee and the
reference; key facts; the PDF and DOCX attached under ASCII file names) and
the confirmation to the submitter (reference, what was sent and where, the
edit link, the deadline). Each mail is a text + HTML template pair in
templates/mail/ (HTML autoescaped). It must not send anything or open a
transaction: `queue_nomination_mails` adds rows to the caller's session and
the caller commits them together with the nomination.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

from flask import current_app, render_template, url_for
from sitegen.dates import format_datetime
from sitegen.models import Subject
from sqlalchemy.orm import Session

from .campaigns import Campaign, find_campaign, get_content
from .models import FileKind, Nomination, NominationVersion, StoredFile
from .office_models import MailKind, OutboxMail
from .outbox import queue_mail

log = logging.getLogger(__name__)

_D = str.maketrans({"đ": "d", "Đ": "D"})
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold_ascii(text: str) -> str:
    """'Nguyễn Văn Đức' -> 'Nguyen Van Duc' (đ is a letter of its own, mapped explicitly)."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D))
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "ignore")
        .decode("ascii")
    )


def ascii_filename(*parts: str, extension: str) -> str:
    """'Tom-tat-thanh-tich-Nguyen-Van-Duc-ABC234.pdf': safe in every mail client and OS."""
    words = "-".join(_UNSAFE.sub("-", fold_ascii(p)).strip("-") for p in parts if p)
    return f"{words[:120].strip('-')}.{extension}"


def one_line(text: str, limit: int = 200) -> str:
    """Header-safe: no line breaks, bounded length."""
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Facts:
    """Everything both mails state about one version of a nomination."""

    reference: str
    version: int
    edited: bool
    subject_label: str
    nominee: str
    category: str
    award: str
    unit: str
    union_name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    plan_label: str
    plan_title: str
    call_title: str
    issuer_name: str
    office_name: str
    office_email: str | None
    deadline: str | None
    submitted_at: str
    edit_url: str | None
    attachments: tuple[str, ...]


def plan_label(campaign: Campaign) -> str:
    """'KH số 32/KH-LĐLĐ', or the plan's title when it has no number."""
    number = campaign.plan.meta.number
    if number:
        return f"KH số {_SPACES.sub('', number)}"
    return one_line(campaign.plan.meta.title.capitalize(), 60)


def office_address(campaign: Campaign) -> str | None:
    """Where dossiers go: the call's email, else the issuing body's."""
    return campaign.call.email or campaign.plan.issuer.email


def collect_facts(
    campaign: Campaign,
    nomination: Nomination,
    version: NominationVersion,
    edit_url: str | None,
    attachments: tuple[str, ...],
) -> Facts:
    data = version.data.get("clean", version.data)
    subject = Subject(nomination.subject)
    category = campaign.category(subject, nomination.category_key)
    if subject == Subject.INDIVIDUAL:
        unit = ", ".join(p for p in (data.get("position"), data.get("workplace")) if p)
    else:
        unit = data.get("address") or ""
    return Facts(
        reference=nomination.reference,
        version=version.number,
        edited=version.number > 1,
        subject_label=subject.label,
        nominee=nomination.nominee_name,
        category=category.name if category else nomination.category_key,
        award=data.get("award") or "",
        unit=unit,
        union_name=nomination.union_name,
        contact_name=nomination.submitter_name,
        contact_email=nomination.submitter_email,
        contact_phone=nomination.submitter_phone,
        plan_label=plan_label(campaign),
        plan_title=campaign.plan.meta.title,
        call_title=campaign.call.title,
        issuer_name=campaign.plan.issuer.name,
        office_name=campaign.call.office or campaign.plan.issuer.name,
        office_email=office_address(campaign),
        deadline=campaign.deadline_text,
        submitted_at=format_datetime(version.created_at or dt.datetime.now(dt.UTC)),
        edit_url=edit_url,
        attachments=attachments,
    )


SENDER_NAME = "Hệ thống nhận hồ sơ thi đua"


def _sender() -> Address:
    return Address(display_name=SENDER_NAME, addr_spec=current_app.config["MAIL_FROM"])


def _build(
    template: str, facts: Facts, subject: str, to: Address, reply_to: Address | None
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = one_line(subject, 250)
    message["From"] = _sender()
    message["To"] = to
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message.set_content(render_template(f"mail/{template}.txt", f=facts))
    message.add_alternative(render_template(f"mail/{template}.html", f=facts), subtype="html")
    return message


def _attach(message: EmailMessage, stored: StoredFile, filename: str) -> None:
    maintype, _, subtype = stored.content_type.partition("/")
    message.add_attachment(stored.content, maintype=maintype, subtype=subtype, filename=filename)


def _address(name: str, email: str) -> Address:
    return Address(display_name=one_line(name, 100), addr_spec=email)


def queue_nomination_mails(
    session: Session,
    nomination: Nomination,
    version: NominationVersion,
    *,
    edit_token: str | None,
    campaign: Campaign | None = None,
    now: dt.datetime | None = None,
) -> list[OutboxMail]:
    """Queue the office mail and the submitter's confirmation for a stored version.

    Called inside the transaction that stores the version (new or edited), so
    the mails exist exactly when the nomination does. `edit_token` is known
    only when the nomination is new (it is stored hashed); an edit's
    confirmation points to the first mail's link instead.
    """
    edit_url = url_for("nominations.edit", token=edit_token, _external=True) if edit_token else None
    campaign = campaign or find_campaign(get_content(), nomination.plan_slug, nomination.call_key)
    if campaign is None:
        raise ValueError(f"no campaign {nomination.plan_slug}/{nomination.call_key}")
    stem = ("Tom tat thanh tich", nomination.nominee_name, nomination.reference)
    if version.number > 1:
        stem = (*stem, f"ban {version.number}")
    files = [
        (version.file(kind), ascii_filename(*stem, extension=extension))
        for kind, extension in ((FileKind.PDF, "pdf"), (FileKind.DOCX, "docx"))
    ]
    files = [(stored, name) for stored, name in files if stored is not None]
    facts = collect_facts(campaign, nomination, version, edit_url, tuple(n for _, n in files))
    queued = []
    if facts.office_email:
        queued.append(queue_office_mail(session, facts, nomination, version, files, now))
    else:
        log.warning("plan %s names no office email: %s", campaign.plan.slug, facts.reference)
    queued.append(queue_confirmation_mail(session, facts, nomination, version, files, now))
    return queued


def queue_office_mail(
    session: Session,
    facts: Facts,
    nomination: Nomination,
    version: NominationVersion,
    files: list[tuple[StoredFile, str]],
    now: dt.datetime | None = None,
) -> OutboxMail:
    """The dossier for the office: key facts in the body, PDF and DOCX attached."""
    prefix = "[Bổ sung] " if facts.edited else ""
    subject = (
        f"{prefix}Hồ sơ đề nghị khen thưởng – {facts.plan_label} – {facts.category} – "
        f"{facts.nominee} – Mã {facts.reference}"
    )
    message = _build(
        "office",
        facts,
        subject,
        to=_address(facts.office_name, facts.office_email or ""),
        reply_to=_address(facts.contact_name, facts.contact_email),
    )
    for stored, filename in files:
        _attach(message, stored, filename)
    return queue_mail(
        session,
        message,
        kind=MailKind.OFFICE,
        nomination=nomination,
        version_number=version.number,
        now=now,
    )


def queue_confirmation_mail(
    session: Session,
    facts: Facts,
    nomination: Nomination,
    version: NominationVersion,
    files: list[tuple[StoredFile, str]],
    now: dt.datetime | None = None,
) -> OutboxMail:
    """The submitter's receipt: reference, what went where, the edit link, the deadline."""
    action = "Đã nhận bản sửa hồ sơ" if facts.edited else "Đã nhận hồ sơ"
    subject = f"{action} đề nghị khen thưởng {facts.nominee} – Mã {facts.reference}"
    message = _build(
        "confirmation",
        facts,
        subject,
        to=_address(facts.contact_name, facts.contact_email),
        reply_to=_address(facts.office_name, facts.office_email) if facts.office_email else None,
    )
    for stored, filename in files[:1]:  # the PDF: the submitter's copy of what was sent
        _attach(message, stored, filename)
    return queue_mail(
        session,
        message,
        kind=MailKind.CONFIRMATION,
        nomination=nomination,
        version_number=version.number,
        now=now,
    )
