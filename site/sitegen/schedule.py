"""What happens when: the dated items of plans and where each stands at a moment.

This module owns the list of dated items a plan announces (campaign period,
phases, deadlines, nomination deadlines), their stable identifiers (used as
calendar UIDs and HTML anchors) and the build-time answers to "is it open, how
many days are left". The browser recomputes the same answers from the dates
written into the HTML (assets/status.js), so the two must follow the same
rules: days are counted between calendar days in Asia/Ho_Chi_Minh, a deadline
is open while `now < closes_at` (the instant its words close it: 00:00 on X for
"trước ngày X", the end of X for "ngày X", the minute for "16g00 ngày X"), and
its day is the last day that still counts. It must not render HTML or write
files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import TZ, Moment, Nomination, Plan, Status


@dataclass(frozen=True)
class Item:
    """One dated item of a plan: a span of days, or a deadline (a moment)."""

    plan: Plan
    kind: str  # "period", "phase", "deadline" or "nomination"
    index: int
    summary: str
    start: dt.date | None = None
    end: dt.date | None = None
    due: Moment | None = None
    nomination: Nomination | None = None

    @property
    def key(self) -> str:
        """Stable within the site: '<slug>-<kind>-<index>' (UIDs, anchors)."""
        return f"{self.plan.slug}-{self.kind}-{self.index}"


def list_items(plan: Plan) -> tuple[Item, ...]:
    """Every dated item of `plan`, in the order the plan gives them.

    A nomination deadline equal to one of the plan's own deadlines is the same
    day in a calendar: it is listed once, as the deadline.
    """
    m = plan.meta
    items: list[Item] = []
    if m.period:
        items.append(
            Item(plan, "period", 0, f"Thời gian thi đua: {m.title}", m.period.start, m.period.end)
        )
    for i, phase in enumerate(m.phases):
        if phase.start and phase.end:
            theme = f": {phase.theme}" if phase.theme else ""
            items.append(Item(plan, "phase", i, f"{phase.name}{theme}", phase.start, phase.end))
    for i, d in enumerate(m.deadlines):
        items.append(Item(plan, "deadline", i, f"Hạn: {d.what}", due=d.due))
    moments = {d.due for d in m.deadlines}
    for i, n in enumerate(m.nominations):
        if n.deadline and n.deadline not in moments:
            items.append(
                Item(
                    plan, "nomination", i, f"Hạn nộp hồ sơ: {n.title}", due=n.deadline, nomination=n
                )
            )
    return tuple(items)


def days_left(closes_at: dt.datetime, now: dt.datetime) -> int:
    """Calendar days from today to the last day that counts, both in Asia/Ho_Chi_Minh."""
    last = (closes_at - dt.timedelta(microseconds=1)).astimezone(TZ).date()
    return (last - now.astimezone(TZ).date()).days


def countdown_label(closes_at: dt.datetime, now: dt.datetime) -> str:
    """'Đang nhận hồ sơ — còn 5 ngày', '… — hạn cuối hôm nay' or 'Đã hết hạn nhận hồ sơ'."""
    if now >= closes_at:
        return "Đã hết hạn nhận hồ sơ"
    left = days_left(closes_at, now)
    if left == 0:
        return "Đang nhận hồ sơ — hạn cuối hôm nay"
    return f"Đang nhận hồ sơ — còn {left} ngày"


def status_on(start: dt.date | None, end: dt.date | None, today: dt.date) -> Status:
    """Where a span of days stands on `today` (same rule as Plan.status)."""
    if start is None or end is None:
        return Status.UNKNOWN
    if today < start:
        return Status.UPCOMING
    if today > end:
        return Status.ENDED
    return Status.ONGOING


def is_within(closes_at: dt.datetime, now: dt.datetime, days: int) -> bool:
    """Not yet passed and at most `days` calendar days away."""
    return now < closes_at and days_left(closes_at, now) <= days
