"""Every lookup of the office view, checked against the account's issuing bodies.

This module owns the rule "an account sees only the nominations of plans
issued by a body it belongs to": each function takes the account and returns
None (the view answers 404) for anything outside its bodies, whatever the URL
says. It also owns the list filters and reading every query parameter the office
accepts. It must not build responses or change anything.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sitegen.dates import format_date
from sitegen.models import TZ, Plan
from sitegen.text import clean_text
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..campaigns import Campaign, find_campaign, list_campaigns
from ..store.models import (
    MailState,
    Nomination,
    NominationStatus,
    NominationVersion,
    OfficeUser,
    OutboxMail,
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


def get_nomination(
    session: Session, content, user: OfficeUser, reference: str
) -> Nomination | None:
    reference = reference.upper()
    if not REFERENCE_RE.fullmatch(reference):
        return None  # nothing stored looks like it (and PostgreSQL refuses NUL in text)
    nomination = session.scalar(
        select(Nomination)
        .where(Nomination.reference == reference)
        .options(selectinload(Nomination.versions).selectinload(NominationVersion.files))
    )
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

    Choices that are not on the form (an unknown subject or status) are ignored;
    a date that is not one, or out of range, raises FilterError.
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
            status=status if status in {s.value for s in NominationStatus} else "",
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


def list_nominations(session: Session, campaign: Campaign, filters: Filters) -> list[Nomination]:
    """The campaign's nominations matching the filters, oldest first (the list's STT order)."""
    query = (
        select(Nomination)
        .where(Nomination.plan_slug == campaign.plan.slug, Nomination.call_key == campaign.call.key)
        .options(selectinload(Nomination.versions).selectinload(NominationVersion.files))
        .order_by(Nomination.created_at, Nomination.id)
    )
    if filters.category:
        query = query.where(Nomination.category_key == filters.category)
    if filters.subject:
        query = query.where(Nomination.subject == filters.subject)
    if filters.union:
        query = query.where(Nomination.union_name == filters.union)
    if filters.status:
        query = query.where(Nomination.status == NominationStatus(filters.status))
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time(), TZ).astimezone(dt.UTC)
        query = query.where(Nomination.created_at >= start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time(), TZ)
        query = query.where(Nomination.created_at < end.astimezone(dt.UTC))
    return list(session.scalars(query))


def union_names(session: Session, campaign: Campaign) -> list[str]:
    return list(
        session.scalars(
            select(Nomination.union_name)
            .where(
                Nomination.plan_slug == campaign.plan.slug,
                Nomination.call_key == campaign.call.key,
            )
            .distinct()
            .order_by(Nomination.union_name)
        )
    )


def count_nominations(session: Session, campaign: Campaign) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Nomination)
        .where(Nomination.plan_slug == campaign.plan.slug, Nomination.call_key == campaign.call.key)
    )


def list_mails(
    session: Session, content, user: OfficeUser, state: str = "", nomination_id: int | None = None
) -> list[OutboxMail]:
    """The outbox rows about nominations the account may see, newest first."""
    slugs = visible_plan_slugs(content, user)
    query = (
        select(OutboxMail)
        .join(Nomination, OutboxMail.nomination_id == Nomination.id)
        .where(Nomination.plan_slug.in_(slugs))
        .options(selectinload(OutboxMail.nomination))
        .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
        .limit(500)
    )
    if state in {s.value for s in MailState}:
        query = query.where(OutboxMail.state == MailState(state))
    if nomination_id is not None:
        query = query.where(OutboxMail.nomination_id == nomination_id)
    return list(session.scalars(query))


def get_mail(session: Session, content, user: OfficeUser, mail_id: int) -> OutboxMail | None:
    if not 0 < mail_id <= MAX_ROW_ID:
        return None  # the URL's number is unbounded; the database's integers are not
    mail = session.get(OutboxMail, mail_id)
    if mail is None or not may_see(content, user, mail.nomination):
        return None
    return mail
