"""The mails the app sends: one function per event, each queued in the outbox.

This module owns what the mails say. A dossier's sending: to the office the
plan names, the unit, the plan (and call), the number of nominees, "bản sửa
đổi lần n" from the second sending on, and every file of the sending
(`dossiers.packaging.sending_files`, the list the office's ZIP uses too),
split into numbered mails "(phần 1/2)" above MAIL_ATTACHMENT_LIMIT; to the
unit, a confirmation of what was sent, what the plan asks on paper, where,
by when, and its private link. And to the office a person's withdrawal of
consent and a person's request about their data (with its due date). Files
travel under ASCII names. Each mail is a text + HTML template pair in
templates/mail/ (HTML autoescaped). It must not send anything or open a
transaction: the queue_* functions add rows to the caller's session and the
caller commits them with what the mails are about.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

from flask import current_app, render_template, url_for
from sitegen.dates import format_datetime
from sitegen.folding import fold
from sitegen.models import Subject
from sitegen.pages import plan_label
from sqlalchemy.orm import Session

from ..campaigns import Campaign
from ..dossiers.facts import DossierFacts, Nominee, Unit
from ..dossiers.packaging import Attachment, sending_files
from ..nominations.photos import megabytes
from ..store.models import (
    DossierFileKind,
    DossierSending,
    MailKind,
    Nomination,
    OutboxMail,
    PrivacyRequest,
)
from .outbox import queue_mail

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_SPACES = re.compile(r"\s+")


def fold_ascii(text: str) -> str:
    """'Nguyễn Văn Đức' -> 'Nguyen Van Duc', anything else non-ASCII dropped."""
    return fold(text).encode("ascii", "ignore").decode("ascii")


def ascii_filename(*parts: str, extension: str) -> str:
    """'Tom-tat-thanh-tich-Nguyen-Van-Duc-ABC234.pdf': safe in every mail client and OS."""
    words = "-".join(_UNSAFE.sub("-", fold_ascii(p)).strip("-") for p in parts if p)
    return f"{words[:120].strip('-')}.{extension}"


def one_line(text: str, limit: int = 200) -> str:
    """Header-safe: no line breaks, bounded length."""
    flat = _SPACES.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def office_address(campaign: Campaign) -> str | None:
    """Where dossiers go: the call's email, else the issuing body's."""
    return campaign.call.email or campaign.plan.issuer.email


SENDER_NAME = "Hệ thống nhận hồ sơ thi đua"


def _sender() -> Address:
    return Address(display_name=SENDER_NAME, addr_spec=current_app.config["MAIL_FROM"])


def _build(
    template: str, facts: object, subject: str, to: Address, reply_to: Address | None
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


def _address(name: str, email: str) -> Address:
    return Address(display_name=one_line(name, 100), addr_spec=email)


# --- a person's rights (privacy/): the office is told ------------------------------


@dataclass(frozen=True)
class RequestFacts:
    """What the office needs to answer a person's request about a nomination's data."""

    reference: str
    nominee: str
    union_name: str
    contact_name: str
    contact_email: str
    kind_label: str
    message: str
    received_at: str
    due_at: str
    plan_label: str
    call_title: str
    issuer_name: str
    office_name: str
    office_email: str | None
    requests_url: str


def collect_request_facts(
    campaign: Campaign, nomination: Nomination, request: PrivacyRequest
) -> RequestFacts:
    return RequestFacts(
        reference=nomination.reference,
        nominee=nomination.nominee_name,
        union_name=nomination.union_name,
        contact_name=nomination.submitter_name,
        contact_email=nomination.submitter_email,
        kind_label=request.kind.label,
        message=request.message,
        received_at=format_datetime(request.created_at),
        due_at=format_datetime(request.due_at),
        plan_label=plan_label(campaign.plan),
        call_title=campaign.call.title,
        issuer_name=campaign.plan.issuer.name,
        office_name=campaign.call.office or campaign.plan.issuer.name,
        office_email=office_address(campaign),
        requests_url=url_for("office.privacy_requests", _external=True),
    )


def _queue_for_office(
    session: Session,
    template: str,
    kind: MailKind,
    subject: str,
    facts: RequestFacts,
    nomination: Nomination,
    now: dt.datetime | None,
) -> OutboxMail | None:
    if not facts.office_email:
        log.warning("plan of %s names no office email: %s not mailed", facts.reference, kind)
        return None
    message = _build(
        template,
        facts,
        subject,
        to=_address(facts.office_name, facts.office_email),
        reply_to=_address(facts.contact_name, facts.contact_email),
    )
    return queue_mail(
        session,
        message,
        kind=kind,
        nomination=nomination,
        version_number=nomination.latest.number,
        now=now,
    )


def queue_withdrawal_mail(
    session: Session,
    campaign: Campaign,
    nomination: Nomination,
    request: PrivacyRequest,
    now: dt.datetime | None = None,
) -> OutboxMail | None:
    """Tell the office that the person withdrew consent: the nomination is withdrawn."""
    facts = collect_request_facts(campaign, nomination, request)
    subject = f"Rút lại sự đồng ý, hồ sơ đã rút – {facts.nominee} – Mã {facts.reference}"
    return _queue_for_office(
        session, "withdrawal", MailKind.WITHDRAWAL, subject, facts, nomination, now
    )


def queue_privacy_request_mail(
    session: Session,
    campaign: Campaign,
    nomination: Nomination,
    request: PrivacyRequest,
    now: dt.datetime | None = None,
) -> OutboxMail | None:
    """Tell the office of a request about personal data, with the date it must be answered by."""
    facts = collect_request_facts(campaign, nomination, request)
    subject = (
        f"Yêu cầu về dữ liệu cá nhân: {facts.kind_label} – Mã {facts.reference} – "
        f"trả lời trước {facts.due_at}"
    )
    return _queue_for_office(
        session, "privacy_request", MailKind.PRIVACY_REQUEST, subject, facts, nomination, now
    )


# --- a dossier's sending (dossiers/sending.py): the office and the unit -------------------


@dataclass(frozen=True)
class DossierMailFacts:
    """Everything a dossier's mails state about one sending, and which part a mail is."""

    reference: str
    number: int  # the sending's number: 1, 2, ...
    revised: int  # n of "bản sửa đổi lần n"; 0 for the first sending
    unit: Unit
    nominees: tuple[Nominee, ...]
    count_text: str  # "2 cá nhân và 1 tập thể"
    plan_label: str
    plan_title: str
    call_title: str
    plan_and_call: str  # the plan's label, and the call's title when the plan has several
    issuer_name: str
    office_name: str
    office_email: str | None
    office_contact: str | None
    deadline: str | None
    sent_at: str
    dossier_url: str
    files: tuple[tuple[str, int], ...]  # every file of the sending, with its mail's part
    paper: tuple[str, ...]  # what the plan asks on paper, with the number of copies
    limit_text: str  # the attachment limit of one mail, "15 MB"
    part: int = 1
    parts: int = 1
    part_files: tuple[str, ...] = ()  # the files attached to this mail
    oversized: tuple[str, ...] = ()  # this mail's files that alone exceed the limit


def count_nominees(nominees: tuple[Nominee, ...]) -> str:
    """'2 cá nhân và 1 tập thể', '3 cá nhân', '1 tập thể'."""
    people = sum(1 for n in nominees if n.subject == Subject.INDIVIDUAL)
    groups = len(nominees) - people
    words = [f"{people} cá nhân" if people else "", f"{groups} tập thể" if groups else ""]
    return " và ".join(w for w in words if w)


def paper_copies(campaign: Campaign) -> tuple[str, ...]:
    """What the plan asks on paper: 'Tờ trình của Ban chấp hành Công đoàn cơ sở: 01 bản'."""
    return tuple(
        f"{item.item}: {item.copies:02d} bản" if item.copies else item.item
        for item in campaign.call.dossier
    )


def office_contact(campaign: Campaign) -> str | None:
    """'Hoàng Thị Hà (UVBCH), điện thoại 0982.206.192', as the plan names its contact."""
    contact = campaign.call.contact
    if contact is None:
        return None
    words = contact.name or ""
    if contact.role:
        words = f"{words} ({contact.role})" if words else contact.role
    if contact.phone:
        words = f"{words}, điện thoại {contact.phone}" if words else f"điện thoại {contact.phone}"
    return words or None


def split_attachments(files: list[Attachment], limit: int) -> list[list[Attachment]]:
    """The files in order, cut into mails of at most `limit` raw bytes each, whole files.

    A file larger than the limit on its own travels alone in its part (the
    checks before sending keep every file well under it; the mail says so).
    """
    parts: list[list[Attachment]] = []
    size = 0
    for item in files:
        if parts and parts[-1] and size + len(item.content) <= limit:
            parts[-1].append(item)
            size += len(item.content)
        else:
            parts.append([item])
            size = len(item.content)
    return parts or [[]]


def collect_dossier_facts(
    facts: DossierFacts, number: int, sent_at: dt.datetime, dossier_url: str, limit: int
) -> DossierMailFacts:
    campaign = facts.campaign
    return DossierMailFacts(
        reference=facts.reference,
        number=number,
        revised=number - 1,
        unit=facts.unit,
        nominees=facts.nominees,
        count_text=count_nominees(facts.nominees),
        plan_label=plan_label(campaign.plan),
        plan_title=campaign.plan.meta.title,
        call_title=campaign.call.title,
        plan_and_call=(
            f"{plan_label(campaign.plan)} – {one_line(campaign.call.title, 100)}"
            if len(campaign.plan.meta.nominations) > 1
            else plan_label(campaign.plan)
        ),
        issuer_name=campaign.plan.issuer.name,
        office_name=campaign.call.office or campaign.plan.issuer.name,
        office_email=office_address(campaign),
        office_contact=office_contact(campaign),
        deadline=campaign.deadline_text,
        sent_at=format_datetime(sent_at),
        dossier_url=dossier_url,
        files=(),
        paper=paper_copies(campaign),
        limit_text=megabytes(limit),
    )


def _attach_file(message: EmailMessage, item: Attachment) -> None:
    maintype, _, subtype = item.content_type.partition("/")
    message.add_attachment(item.content, maintype=maintype, subtype=subtype, filename=item.filename)


def queue_dossier_mails(
    session: Session,
    sending: DossierSending,
    facts: DossierFacts,
    *,
    dossier_url: str,
    now: dt.datetime | None = None,
) -> list[OutboxMail]:
    """Queue the office's mail(s) and the unit's confirmation for one sending of a dossier.

    Called inside the transaction that records the sending, so the mails exist
    exactly when the sending does. The office gets every file of the sending
    (`packaging.sending_files`, the list its ZIP uses too), in numbered parts
    when they exceed MAIL_ATTACHMENT_LIMIT; the unit gets one confirmation.
    """
    limit = current_app.config["MAIL_ATTACHMENT_LIMIT"]
    files = sending_files(session, sending)
    parts = split_attachments(files, limit)
    where = tuple((item.filename, index) for index, part in enumerate(parts, 1) for item in part)
    base = dataclasses.replace(
        collect_dossier_facts(facts, sending.number, sending.created_at, dossier_url, limit),
        files=where,
        parts=len(parts),
    )
    queued = []
    if base.office_email:
        for index, part in enumerate(parts, 1):
            part_facts = dataclasses.replace(
                base,
                part=index,
                part_files=tuple(item.filename for item in part),
                oversized=tuple(item.filename for item in part if len(item.content) > limit),
            )
            queued.append(queue_dossier_office_mail(session, sending, part_facts, part, now))
    else:
        log.warning(
            "plan %s names no office email: dossier %s", facts.campaign.plan.slug, base.reference
        )
    stored = sending.file(DossierFileKind.PROPOSAL_PDF)
    proposal = stored and Attachment(stored.filename, stored.content_type, stored.content)
    queued.append(queue_dossier_confirmation(session, sending, base, proposal, now))
    return queued


def _dossier_subject(f: DossierMailFacts, start: str) -> str:
    unit = one_line(f.unit.union_name, 100)
    subject = f"{start} – {unit} – {f.plan_and_call} – {f.count_text}"
    if f.revised:
        subject += f" – bản sửa đổi lần {f.revised}"
    return subject


def queue_dossier_office_mail(
    session: Session,
    sending: DossierSending,
    f: DossierMailFacts,
    attachments: list[Attachment],
    now: dt.datetime | None = None,
) -> OutboxMail:
    """One mail (or part) of the dossier to the office: the unit, its nominees, the files."""
    subject = _dossier_subject(f, "Hồ sơ đề nghị khen thưởng")
    if f.parts > 1:
        subject += f" (phần {f.part}/{f.parts})"
    message = _build(
        "dossier_office",
        f,
        subject,
        to=_address(f.office_name, f.office_email or ""),
        reply_to=_address(f.unit.contact_name, f.unit.contact_email),
    )
    for item in attachments:
        _attach_file(message, item)
    return _queue_for_sending(session, message, MailKind.OFFICE, sending, now)


def queue_dossier_confirmation(
    session: Session,
    sending: DossierSending,
    f: DossierMailFacts,
    proposal: Attachment | None,
    now: dt.datetime | None = None,
) -> OutboxMail:
    """The unit's receipt: what went where, what to hand in on paper, its private link."""
    subject = (
        f"Đã gửi hồ sơ đề nghị khen thưởng – {one_line(f.unit.union_name, 100)} – Mã {f.reference}"
    )
    if f.revised:
        subject += f" – bản sửa đổi lần {f.revised}"
    message = _build(
        "dossier_confirmation",
        f,
        subject,
        to=_address(f.unit.contact_name, f.unit.contact_email),
        reply_to=_address(f.office_name, f.office_email) if f.office_email else None,
    )
    if proposal is not None:  # the Tờ trình to print, sign and stamp
        _attach_file(message, proposal)
    return _queue_for_sending(session, message, MailKind.CONFIRMATION, sending, now)


def _queue_for_sending(
    session: Session,
    message: EmailMessage,
    kind: MailKind,
    sending: DossierSending,
    now: dt.datetime | None,
) -> OutboxMail:
    """A dossier's mail names the dossier and its sending's number."""
    return queue_mail(
        session,
        message,
        kind=kind,
        version_number=sending.number,
        dossier_id=sending.dossier_id,
        now=now,
    )
