"""The privacy notice of a call: who processes what, why, for how long, and the rights.

One wording, shown short on both forms and in full on its own page; its
version is recorded with every consent, so bump NOTICE_VERSION whenever the
meaning of the text changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sitegen.dates import format_date

from ..campaigns import Campaign

NOTICE_VERSION = "2026-01"

LAW = "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 và Nghị định số 356/2025/NĐ-CP"


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """`moment` plus whole calendar months (31 March + 1 month = 30 April)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


def purge_date(campaign: Campaign, months: int) -> dt.datetime | None:
    """When a call's nominations are deleted: `months` after its deadline."""
    return add_months(campaign.closes_at, months) if campaign.closes_at else None


@dataclass(frozen=True)
class Notice:
    version: str
    controller: str  # the issuing body of the plan
    plan_title: str
    call_title: str
    office: str
    contact_email: str | None
    retention_months: int
    kept_until: str | None  # "14 tháng 2 năm 2022", or None without a deadline
    law: str = LAW


def build_notice(campaign: Campaign, retention_months: int) -> Notice:
    plan = campaign.plan
    until = purge_date(campaign, retention_months)
    return Notice(
        version=NOTICE_VERSION,
        controller=plan.issuer.name,
        plan_title=f"{plan.meta.doc_type} {plan.meta.title}",
        call_title=campaign.call.title,
        office=campaign.call.office or plan.issuer.name,
        contact_email=campaign.call.email or plan.issuer.email,
        retention_months=retention_months,
        kept_until=format_date(until.date()) if until else None,
    )
