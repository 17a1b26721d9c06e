"""What a grassroots union does with its dossier, each one operation owning its transaction.

Views call one function here: open a dossier for a call (its private link is
returned once), show it, change the unit's details, take a nominee out, move
one up or down. Adding and editing nominees goes through the nominee forms
(nominations/operations.py); sending, through sending.py. Every change is
refused with the plan's closing words once the call is closed, and a change
after a sending marks the dossier to be sent again. It must not build HTTP
responses or read the request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sitegen.models import Subject
from sitegen.text import normalise_email
from sqlalchemy import select

from ..campaigns import Campaign, describe_closure
from ..content_types import DOCX_TYPE, XLSX_TYPE
from ..errors import BadAction, NotFound
from ..mail.notifications import ascii_filename
from ..nominations.criteria import check_criteria
from ..nominations.operations import (
    RateLimited,
    copy_unit,
    ensure_open,
    find_call,
    new_reference,
)
from ..nominations.summary import describe_page_use
from ..privacy.retention import PurgeReport, delete_nominations
from ..store.database import get_session
from ..store.models import Dossier, Nomination, NominationStatus, utc_now
from ..store.ratelimit import allow_action
from . import access
from .access import mark_changed
from .assemble import build_facts, listed_nominations, unit_of
from .documents import render_proposal_docx, render_proposal_pdf, render_roster_xlsx
from .sending import EMPTY_MESSAGE, DossierRefused, open_for_change

log = logging.getLogger(__name__)


# --- opening a dossier -----------------------------------------------------------


def open_dossier(campaign: Campaign, unit: dict[str, Any], address: str, now: dt.datetime) -> str:
    """A new dossier of `unit` for the campaign; returns its private link's token."""
    ensure_open(campaign, now)
    session = get_session()
    config = current_app.config
    # Opening a dossier is where a unit's submission starts: bounded like submissions.
    if not allow_action(
        session, address, "dossier", config["RATE_LIMIT_SUBMISSIONS"], config["RATE_LIMIT_WINDOW"]
    ):
        raise RateLimited(
            "Địa chỉ của bạn đã mở quá nhiều hồ sơ trong một giờ. Hãy đợi một lúc rồi thử lại; "
            "hồ sơ đã mở vẫn dùng được qua đường dẫn riêng của nó."
        )
    token = access.new_token()
    stamp = utc_now()
    dossier = Dossier(
        reference=new_reference(session, Dossier),
        token_hash=access.hash_token(token),
        plan_slug=campaign.plan.slug,
        call_key=campaign.call.key,
        deadline_at=campaign.closes_at,
        client_address=address[:64],
        created_at=stamp,
        updated_at=stamp,
        revision=0,
        changed_since_sent=False,
    )
    _set_unit(dossier, unit)
    session.add(dossier)
    session.commit()
    log.info(
        "dossier %s opened for %s/%s", dossier.reference, campaign.plan.slug, campaign.call.key
    )
    return token


def _set_unit(dossier: Dossier, unit: dict[str, Any]) -> None:
    for key, value in unit.items():
        setattr(dossier, key, value)
    dossier.contact_email = normalise_email(unit["contact_email"])


# --- the dossier page ----------------------------------------------------------------


@dataclass(frozen=True)
class NomineeRow:
    """One line of the dossier's table."""

    nomination: Nomination
    number: int  # STT, 1-based among the listed nominees
    subject_label: str  # "Cá nhân" / "Tập thể"
    category_name: str
    award: str
    page_use: str  # "đã dùng 80% trang A4"
    missing: list[str]  # the plan's criteria it misses (empty: met)
    first: bool
    last: bool


@dataclass
class DossierView:
    dossier: Dossier
    campaign: Campaign
    rows: list[NomineeRow]
    gone: list[Nomination]  # taken out after a sending, or withdrawn: kept as the record
    closed: str | None  # why nothing can change any more, or None

    @property
    def next_sending(self) -> int:
        return next_sending(self.dossier)

    @property
    def unit(self) -> dict[str, Any]:
        return dataclasses.asdict(unit_of(self.dossier))


def _dossier(token: str) -> Dossier:
    dossier = access.find_dossier(get_session(), token)
    if dossier is None:
        raise NotFound(token)
    return dossier


def dossier_view(token: str, now: dt.datetime) -> DossierView:
    """The dossier behind the link as it stands, each nominee checked against the plan."""
    dossier = _dossier(token)
    campaign = find_call(dossier.plan_slug, dossier.call_key)
    listed = listed_nominations(dossier)
    rows = [
        _row(campaign, nomination, number, len(listed))
        for number, nomination in enumerate(listed, start=1)
    ]
    gone = [n for n in dossier.nominations if n not in listed]
    return DossierView(dossier, campaign, rows, gone, describe_closure(campaign, now))


def _row(campaign: Campaign, nomination: Nomination, number: int, count: int) -> NomineeRow:
    version = nomination.latest
    data = version.data.get("clean", {})
    category = campaign.category(Subject(nomination.subject), nomination.category_key)
    if category is None:
        missing = ["Đối tượng đã chọn không còn trong kế hoạch; hãy sửa và chọn lại."]
    else:
        missing = check_criteria(category, data)
    return NomineeRow(
        nomination=nomination,
        number=number,
        subject_label=Subject(nomination.subject).label,
        category_name=category.name if category else nomination.category_key,
        award=data.get("award") or "Theo kế hoạch",
        page_use=describe_page_use(version.fill_ratio),
        missing=missing,
        first=number == 1,
        last=number == count,
    )


# --- changes -------------------------------------------------------------------------


def update_unit(token: str, unit: dict[str, Any], now: dt.datetime) -> None:
    """New details of the unit; its nominees carry them too (the office lists by union)."""
    session = get_session()
    dossier, _ = open_for_change(session, token, now)
    before = unit_of(dossier)
    _set_unit(dossier, unit)
    if before != unit_of(dossier):
        mark_changed(dossier)
        for nomination in dossier.nominations:
            copy_unit(dossier, nomination)
    session.commit()


def _nominee(session: Any, dossier: Dossier, reference: str) -> Nomination:
    nomination = session.scalar(
        select(Nomination).where(
            Nomination.dossier_id == dossier.id,
            Nomination.reference == reference,
            Nomination.status.in_((NominationStatus.PENDING, NominationStatus.SUBMITTED)),
        )
    )
    if nomination is None:
        raise NotFound(reference)
    return nomination


def _was_sent(dossier: Dossier, nomination: Nomination) -> bool:
    return nomination.status != NominationStatus.PENDING or any(
        item.get("nomination_id") == nomination.id
        for sending in dossier.sendings
        for item in sending.contents
    )


def remove_nominee(token: str, reference: str, now: dt.datetime) -> str:
    """Take a nominee out: deleted with its files if it was never sent, else kept as
    REMOVED (the record of what the office received). Returns its name."""
    session = get_session()
    dossier, _ = open_for_change(session, token, now)
    nomination = _nominee(session, dossier, reference)
    name = nomination.nominee_name
    if _was_sent(dossier, nomination):
        nomination.status = NominationStatus.REMOVED
        nomination.updated_at = utc_now()
    else:
        delete_nominations(session, [nomination.id], PurgeReport())
    mark_changed(dossier)
    session.commit()
    session.expire_all()
    return name


def move_nominee(token: str, reference: str, direction: str, now: dt.datetime) -> None:
    """Swap a nominee with the one above ("len") or below ("xuong"), under the dossier's lock."""
    if direction not in ("len", "xuong"):
        raise BadAction(direction)
    session = get_session()
    dossier, _ = open_for_change(session, token, now)
    session.refresh(dossier, ["nominations"])
    listed = listed_nominations(dossier)
    index = next((i for i, n in enumerate(listed) if n.reference == reference), None)
    if index is None:
        raise NotFound(reference)
    other = index - 1 if direction == "len" else index + 1
    if 0 <= other < len(listed):
        mine, theirs = listed[index], listed[other]
        mine.position, theirs.position = theirs.position, mine.position
        mark_changed(dossier)
    session.commit()
    session.expire_all()


# --- the documents as the dossier stands ---------------------------------------------


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


# name in the URL -> (file name stem, extension, content type, renderer of the facts)
DOCUMENTS = {
    "to-trinh.pdf": ("to-trinh", "pdf", "application/pdf", render_proposal_pdf),
    "to-trinh.docx": ("to-trinh", "docx", DOCX_TYPE, render_proposal_docx),
    "danh-sach.xlsx": ("danh-sach", "xlsx", XLSX_TYPE, lambda facts: render_roster_xlsx([facts])),
}


def next_sending(dossier: Dossier) -> int:
    """The number of the sending the dossier's documents belong to now: the last one while
    nothing changed since it, else the next (its Tờ trình says "bản sửa đổi lần n-1")."""
    if dossier.revision and not dossier.changed_since_sent:
        return dossier.revision
    return dossier.revision + 1


def document(token: str, name: str, now: dt.datetime) -> Download:
    """The Tờ trình (PDF, Word) or the danh sách (XLSX) of the dossier as it stands now,
    made from the same facts as the sending's, to print, sign and stamp before sending."""
    if name not in DOCUMENTS:
        raise NotFound(name)
    stem, extension, content_type, render = DOCUMENTS[name]
    dossier = _dossier(token)
    if not listed_nominations(dossier):
        raise DossierRefused(EMPTY_MESSAGE)
    campaign = find_call(dossier.plan_slug, dossier.call_key)
    number = next_sending(dossier)
    facts = dataclasses.replace(build_facts(campaign, dossier, now), revision=number - 1)
    filename = ascii_filename(stem, dossier.reference, f"l{number}", extension=extension)
    return Download(filename, content_type, render(facts))


def signed_scan(token: str) -> Download:
    """The signed Tờ trình the unit uploaded (checked and re-written as a clean PDF)."""
    dossier = _dossier(token)
    if dossier.scan is None:
        raise NotFound("ban-ky")
    filename = ascii_filename("to-trinh-da-ky", dossier.reference, extension="pdf")
    return Download(filename, dossier.scan_content_type or "application/pdf", dossier.scan)
