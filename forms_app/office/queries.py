"""Every lookup of the office view, checked against the account's issuing bodies.

This module owns the rule "an account sees only the dossiers and nominations
of plans issued by a body it belongs to": each function takes the account and
returns None (the view answers 404) for anything outside its bodies, whatever
the URL says. It also owns the rule "the office has received what was sent":
a dossier is shown once it has a sending (revision 1 or more), with the
nominees of its latest sending that are still in it (never PENDING or
REMOVED ones). And it owns the list filters and reading every query parameter
the office accepts. It must not build responses or change anything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.dates import format_date
from sitegen.models import TZ, Plan
from sitegen.text import clean_text
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, defer, selectinload

from ..campaigns import Campaign, find_campaign, list_campaigns
from ..dossiers.quotas import union_key
from ..store.models import (
    Dossier,
    DossierFile,
    DossierSending,
    MailState,
    Nomination,
    NominationStatus,
    NominationVersion,
    OfficeUser,
    OutboxMail,
    StoredFile,
    UnitQuota,
)

REFERENCE_RE = re.compile(r"[A-Z0-9]{1,16}")
MAX_ROW_ID = 2**31 - 1


def visible_campaigns(content, user: OfficeUser) -> list[Campaign]:
    """The calls for nominations of plans issued by the account's bodies."""
    return [c for c in list_campaigns(content) if c.plan.issuer.key in user.issuer_keys]


def visible_plan_slugs(content, user: OfficeUser) -> list[str]:
    return [p.slug for p in content.plans if p.issuer.key in user.issuer_keys]


def get_campaign(content, user: OfficeUser, plan_slug: str, call_key: str) -> Campaign | None:
    campaign = find_campaign(content, plan_slug, call_key)
    if campaign is None or campaign.plan.issuer.key not in user.issuer_keys:
        return None
    return campaign


def plan_of(content, nomination: Nomination) -> Plan | None:
    return content.by_slug.get(nomination.plan_slug)


def may_see(content, user: OfficeUser, nomination: Nomination | None) -> bool:
    if nomination is None:
        return False
    plan = plan_of(content, nomination)
    return plan is not None and plan.issuer.key in user.issuer_keys


# A nominee added after the latest sending (PENDING) was never received; one taken out of
# the dossier (REMOVED) is no longer proposed. Withdrawn consent is shown as such.
RECEIVED = (NominationStatus.SUBMITTED, NominationStatus.WITHDRAWN)


def get_nomination(
    session: Session, content, user: OfficeUser, reference: str
) -> Nomination | None:
    """A nomination the office received (kept after its removal from a dossier), or None."""
    reference = reference.upper()
    if not REFERENCE_RE.fullmatch(reference):
        return None  # nothing stored looks like it (and PostgreSQL refuses NUL in text)
    nomination = session.scalar(
        select(Nomination)
        .where(Nomination.reference == reference)
        .options(selectinload(Nomination.versions).selectinload(NominationVersion.files))
    )
    if nomination is None or nomination.status == NominationStatus.PENDING:
        return None  # not sent yet: the office has not received it
    return nomination if may_see(content, user, nomination) else None


def get_version(nomination: Nomination, number: int) -> NominationVersion | None:
    return next((v for v in nomination.versions if v.number == number), None)


class FilterError(ValueError):
    """A filter of the query string cannot be applied; the message names it, in Vietnamese."""


# Nominations are dated within these bounds; outside them a day cannot be turned into a
# moment of Asia/Ho_Chi_Minh and back to UTC (year 1 and 9999 overflow).
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)
DAY_FIELDS = {"tu_ngay": "Từ ngày", "den_ngay": "Đến ngày"}


def read_day(args, name: str) -> dt.date | None:
    """The day of a date filter (YYYY-MM-DD, as <input type="date"> sends it), or None."""
    text = clean_text(args.get(name, "")).strip()
    if not text:
        return None
    label = DAY_FIELDS[name]
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise FilterError(
            f"Ô “{label}” cần một ngày dạng năm-tháng-ngày, ví dụ 2020-02-10; "
            f"nhận được “{text[:40]}”."
        )
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise FilterError(
            f"Ô “{label}” cần một ngày từ {format_date(EARLIEST_DAY)} đến "
            f"{format_date(LATEST_DAY)}; nhận được “{text}”."
        )
    return day


def read_text(args, name: str, limit: int) -> str:
    # What the form stores is cleaned the same way; PostgreSQL also refuses NUL in text.
    return clean_text(args.get(name, ""))[:limit]


@dataclass(frozen=True)
class Filters:
    """The list filters, parsed from the query string.

    Category, kind and status choose nominees; the unit (by its folded name)
    and the dates (of the dossier's latest sending) choose dossiers. Choices
    that are not on the form (an unknown subject or status) are ignored; a
    date that is not one, or out of range, raises FilterError.
    """

    category: str = ""
    subject: str = ""
    union: str = ""
    status: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        subject = args.get("doi_tuong_loai", "")
        status = args.get("trang_thai", "")
        return cls(
            category=read_text(args, "doi_tuong", 100),
            subject=subject if subject in ("individual", "collective") else "",
            union=read_text(args, "cdcs", 300),
            status=status if status in {s.value for s in RECEIVED} else "",
            date_from=read_day(args, "tu_ngay"),
            date_to=read_day(args, "den_ngay"),
        )

    def as_args(self) -> dict[str, str]:
        pairs = {
            "doi_tuong": self.category,
            "doi_tuong_loai": self.subject,
            "cdcs": self.union,
            "trang_thai": self.status,
            "tu_ngay": self.date_from.isoformat() if self.date_from else "",
            "den_ngay": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in pairs.items() if v}

    def active(self) -> bool:
        return bool(self.as_args())

    def keeps_dossier(self, dossier: Dossier, sent_at: dt.datetime) -> bool:
        if self.union and union_key(dossier.union_name) != union_key(self.union):
            return False
        day = as_utc(sent_at).astimezone(TZ).date()
        if self.date_from and day < self.date_from:
            return False
        return not (self.date_to and day > self.date_to)

    def keeps_nominee(self, nomination: Nomination) -> bool:
        return (
            (not self.category or nomination.category_key == self.category)
            and (not self.subject or nomination.subject == self.subject)
            and (not self.status or nomination.status.value == self.status)
        )


def as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives back naive datetimes; every stored moment is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# --- dossiers --------------------------------------------------------------------------


def _in_call(campaign: Campaign):
    return (Dossier.plan_slug == campaign.plan.slug, Dossier.call_key == campaign.call.key)


def _dossier_loads():
    # File bytes stay in the database until a download asks for them.
    return (
        defer(Dossier.scan),
        selectinload(Dossier.sendings)
        .selectinload(DossierSending.files)
        .options(defer(DossierFile.content)),
        selectinload(Dossier.nominations)
        .selectinload(Nomination.versions)
        .selectinload(NominationVersion.files)
        .options(defer(StoredFile.content)),
    )


def received_dossiers(session: Session, campaign: Campaign) -> list[Dossier]:
    """The call's dossiers that were sent at least once, by unit name."""
    return list(
        session.scalars(
            select(Dossier)
            .where(*_in_call(campaign), Dossier.revision >= 1)
            .options(*_dossier_loads())
            .order_by(Dossier.union_name, Dossier.id)
        )
    )


def count_drafting(session: Session, campaign: Campaign) -> int:
    """Dossiers opened for the call and never sent: not received, only counted."""
    return session.scalar(
        select(func.count()).select_from(Dossier).where(*_in_call(campaign), Dossier.revision == 0)
    )


def count_received(session: Session, campaign: Campaign) -> tuple[int, int]:
    """(dossiers sent, nominees in them now) for the office's list of calls."""
    dossiers = session.scalar(
        select(func.count()).select_from(Dossier).where(*_in_call(campaign), Dossier.revision >= 1)
    )
    nominees = session.scalar(
        select(func.count())
        .select_from(Nomination)
        .join(Dossier, Nomination.dossier_id == Dossier.id)
        .where(*_in_call(campaign), Dossier.revision >= 1, Nomination.status.in_(RECEIVED))
    )
    return dossiers, nominees


def opened_union_names(session: Session, campaign: Campaign) -> list[str]:
    """Every unit that opened a dossier for the call, sent or not, once each (by folded
    name) and in that order: the quota form's suggestions."""
    return distinct_units(
        session.scalars(select(Dossier.union_name).where(*_in_call(campaign)).order_by(Dossier.id))
    )


def distinct_units(names: Iterable[str]) -> list[str]:
    """One name per unit (the first seen), in the order of the units' folded names."""
    found: dict[str, str] = {}
    for name in names:
        found.setdefault(union_key(name), name)
    return [found[key] for key in sorted(found)]


def get_dossier(session: Session, content, user: OfficeUser, reference: str) -> Dossier | None:
    """A dossier the office received, of one of the account's bodies, or None."""
    reference = reference.upper()
    if not REFERENCE_RE.fullmatch(reference):
        return None
    dossier = session.scalar(
        select(Dossier)
        .where(Dossier.reference == reference, Dossier.revision >= 1)
        .options(*_dossier_loads())
    )
    if dossier is None or not dossier.sendings:
        return None
    plan = content.by_slug.get(dossier.plan_slug)
    return dossier if plan is not None and plan.issuer.key in user.issuer_keys else None


def get_sending(dossier: Dossier, number: int) -> DossierSending | None:
    return next((s for s in dossier.sendings if s.number == number), None)


@dataclass(frozen=True)
class Received:
    """One nominee as the office received it: the version its dossier's sending held."""

    nomination: Nomination
    version: NominationVersion


def received_nominees(dossier: Dossier, sending: DossierSending) -> list[Received]:
    """The sending's nominees still proposed, in the dossier's order (rows already loaded)."""
    by_id = {n.id: n for n in dossier.nominations}
    found = []
    for item in sending.contents:
        nomination = by_id.get(item["nomination_id"])
        if nomination is None or nomination.status not in RECEIVED:
            continue  # erased at the person's request, or taken out of the dossier
        version = get_version(nomination, item["version"])
        if version is not None:
            found.append(Received(nomination, version))
    return found


def dossier_mail_states(
    session: Session, dossier_ids: list[int]
) -> dict[tuple[int, int], list[OutboxMail]]:
    """The mails of each (dossier, sending number), without their bytes."""
    found: dict[tuple[int, int], list[OutboxMail]] = {}
    if not dossier_ids:
        return found
    rows = session.scalars(
        select(OutboxMail)
        .where(OutboxMail.dossier_id.in_(dossier_ids))
        .options(defer(OutboxMail.raw))
        .order_by(OutboxMail.id)
    )
    for mail in rows:
        found.setdefault((mail.dossier_id, mail.version_number), []).append(mail)
    return found


def dossier_references(session: Session, mails: list[OutboxMail]) -> dict[int, str]:
    ids = {m.dossier_id for m in mails if m.dossier_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(Dossier.id, Dossier.reference).where(Dossier.id.in_(ids)))
    return dict(rows.all())


# --- quotas ----------------------------------------------------------------------------


def list_quotas(session: Session, campaign: Campaign) -> list[UnitQuota]:
    """The call's quotas: the one for every unit first, then by unit."""
    return list(
        session.scalars(
            select(UnitQuota)
            .where(
                UnitQuota.plan_slug == campaign.plan.slug,
                UnitQuota.call_key == campaign.call.key,
            )
            .order_by(UnitQuota.union_key, UnitQuota.id)
        )
    )


def get_quota(session: Session, campaign: Campaign, quota_id: int) -> UnitQuota | None:
    if not 0 < quota_id <= MAX_ROW_ID:
        return None
    quota = session.get(UnitQuota, quota_id)
    if quota is None or (quota.plan_slug, quota.call_key) != (
        campaign.plan.slug,
        campaign.call.key,
    ):
        return None
    return quota


def find_quota(session: Session, campaign: Campaign, key: str) -> UnitQuota | None:
    return session.scalar(
        select(UnitQuota).where(
            UnitQuota.plan_slug == campaign.plan.slug,
            UnitQuota.call_key == campaign.call.key,
            UnitQuota.union_key == key,
        )
    )


# --- mails -----------------------------------------------------------------------------


def list_mails(
    session: Session,
    content,
    user: OfficeUser,
    state: str = "",
    nomination_id: int | None = None,
    dossier_id: int | None = None,
) -> list[OutboxMail]:
    """The outbox rows about nominations or dossiers the account may see, newest first."""
    slugs = visible_plan_slugs(content, user)
    query = (
        select(OutboxMail)
        .outerjoin(Nomination, OutboxMail.nomination_id == Nomination.id)
        .outerjoin(Dossier, OutboxMail.dossier_id == Dossier.id)
        .where(or_(Nomination.plan_slug.in_(slugs), Dossier.plan_slug.in_(slugs)))
        .options(selectinload(OutboxMail.nomination), defer(OutboxMail.raw))
        .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
        .limit(500)
    )
    if state in {s.value for s in MailState}:
        query = query.where(OutboxMail.state == MailState(state))
    if nomination_id is not None:
        query = query.where(OutboxMail.nomination_id == nomination_id)
    if dossier_id is not None:
        query = query.where(OutboxMail.dossier_id == dossier_id)
    return list(session.scalars(query))


def get_mail(session: Session, content, user: OfficeUser, mail_id: int) -> OutboxMail | None:
    if not 0 < mail_id <= MAX_ROW_ID:
        return None  # the URL's number is unbounded; the database's integers are not
    mail = session.get(OutboxMail, mail_id)
    if mail is None:
        return None
    if mail.dossier_id is not None:
        dossier = session.get(Dossier, mail.dossier_id)
        plan = content.by_slug.get(dossier.plan_slug) if dossier else None
        return mail if plan is not None and plan.issuer.key in user.issuer_keys else None
    return mail if may_see(content, user, mail.nomination) else None
