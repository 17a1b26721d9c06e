"""Pure generators of iCalendar files (RFC 5545): the whole site and one per plan.

This module owns the calendar text: one VEVENT per dated item of a plan
(campaign period and phases as all-day spans, deadlines at their time of day
in Asia/Ho_Chi_Minh, or as an all-day event on the last day that counts when
the plan gives no time: "trước ngày 27/5/2021" is an event on 26/5, with the
plan's words in the description) and
UIDs that stay the same from build to build ('<slug>-<kind>-<index>@<host>'),
so calendar apps update events instead of duplicating them. An event's
DTSTAMP is when its information was last revised (RFC 5545, for a calendar
without METHOD): the plan's date of issue, so that a plan's calendar is the
same file from one build to the next. Written with the
standard library: escaping, CRLF line ends and 75-octet line folding are done
here. It must not write files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from .dates import format_deadline
from .loader import Content
from .models import TZ, Plan
from .pages import PLAN_DIR, plan_label
from .schedule import Item, list_items
from .settings import SiteSettings

TZID = "Asia/Ho_Chi_Minh"
CAL_DIR = "lich"
ALL_FILE = f"{CAL_DIR}/tat-ca.ics"

# Việt Nam has kept UTC+7 without daylight saving time since 1975.
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19750613T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:+07",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape_text(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """Split a content line into chunks of at most 75 octets (never inside a character)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    chunks, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back off
            end -= 1
        chunks.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with a space
    chunks.append(data[start:].decode("utf-8"))
    return "\r\n ".join(chunks)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def revised(plan: Plan) -> dt.datetime:
    """When a plan was last revised, as its calendar events and its feed
    entry say: the start of its day of issue in Việt Nam (else of its year;
    else of 2000). Never the build's moment: the same plan makes the same
    files from one build to the next."""
    day = plan.meta.issued or dt.date(plan.year or 2000, 1, 1)
    return dt.datetime.combine(day, dt.time(0, 0), TZ)


def _event_lines(item: Item, settings: SiteSettings) -> list[str]:
    plan = item.plan
    url = f"{settings.site_url}{PLAN_DIR}/{plan.slug}/"
    lines = [
        "BEGIN:VEVENT",
        f"UID:{item.key}@{settings.domain}",
        f"DTSTAMP:{revised(plan).astimezone(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}",
        f"SUMMARY:{escape_text(item.summary)}",
    ]
    description = f"{plan_label(plan)}: {plan.meta.title}"
    if item.due is not None:
        description = f"Hạn: {format_deadline(item.due)}.\n{description}"
        if item.due.time is None:
            lines.append(f"DTSTART;VALUE=DATE:{_date(item.due.last_day)}")
            lines.append(f"DTEND;VALUE=DATE:{_date(item.due.last_day + dt.timedelta(days=1))}")
        else:
            stamp = dt.datetime.combine(item.due.date, item.due.time).strftime("%Y%m%dT%H%M%S")
            lines.append(f"DTSTART;TZID={TZID}:{stamp}")
    else:
        assert item.start is not None and item.end is not None
        lines.append(f"DTSTART;VALUE=DATE:{_date(item.start)}")
        lines.append(f"DTEND;VALUE=DATE:{_date(item.end + dt.timedelta(days=1))}")
        lines.append("TRANSP:TRANSPARENT")
    lines += [
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "END:VEVENT",
    ]
    return lines


def plan_events(plan: Plan, settings: SiteSettings) -> bytes:
    """The events of one plan's dated items, folded, as they sit in a calendar."""
    lines = [line for item in list_items(plan) for line in _event_lines(item, settings)]
    return "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")


def _calendar(name: str, events: Iterable[bytes]) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Thi dua Cong doan//sitegen//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *_VTIMEZONE,
    ]
    head = "".join(fold_line(line) + "\r\n" for line in lines).encode("utf-8")
    return head + b"".join(events) + _TAIL


_HEAD_END = b"END:VTIMEZONE\r\n"
_TAIL = b"END:VCALENDAR\r\n"


def events_in_calendar(data: bytes) -> bytes | None:
    """A plan calendar's events (its `plan_events`), read back from the file
    `generate_plan_calendar` made; None when it is not such a file."""
    start = data.find(_HEAD_END)
    if start < 0 or not data.endswith(_TAIL):
        return None
    return data[start + len(_HEAD_END) : len(data) - len(_TAIL)]


_BEGIN, _END, _URL = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n", b"\r\nURL:"


def events_by_plan(data: bytes, settings: SiteSettings) -> dict[str, bytes] | None:
    """Each plan's events by its slug (its `plan_events`), read back from the
    site calendar `generate_site_calendar` made (a plan without dated items
    has none); None when it is not such a calendar.

    One file instead of every plan's own calendar: reading 10,000 of those
    back took a third of a second."""
    start = data.find(_HEAD_END)
    if start < 0 or not data.endswith(_TAIL):
        return None
    *events, rest = data[start + len(_HEAD_END) : len(data) - len(_TAIL)].split(_END)
    prefix = f"{settings.site_url}{PLAN_DIR}/".encode()
    found: dict[str, list[bytes]] = {}
    for event in events:
        # An event's URL line is its last (`_event_lines`); a line folded
        # onto the next starts it with a space.
        url = event[event.rfind(_URL) + len(_URL) : -2].replace(b"\r\n ", b"")
        if not event.startswith(_BEGIN) or not url.startswith(prefix) or not url.endswith(b"/"):
            return None
        found.setdefault(url[len(prefix) : -1].decode(), []).append(event + _END)
    if rest:
        return None
    return {slug: b"".join(plan_events) for slug, plan_events in found.items()}


def generate_plan_calendar(
    plan: Plan, settings: SiteSettings, events: bytes | None = None
) -> bytes:
    """One plan's calendar (`events`: its `plan_events`, when already made)."""
    return _calendar(plan_label(plan), [plan_events(plan, settings) if events is None else events])


def generate_site_calendar(
    content: Content,
    settings: SiteSettings,
    events: Callable[[Plan, SiteSettings], bytes] = plan_events,
) -> bytes:
    """Every dated item of every plan (`events` may return them from a cache)."""
    return _calendar(
        "Thi đua Công đoàn: thời gian và hạn nộp",
        (events(plan, settings) for plan in content.plans),
    )


def generate_calendars(content: Content, settings: SiteSettings) -> dict[str, bytes]:
    """The site-wide calendar and one per plan, keyed by path under the site."""
    files = {ALL_FILE: generate_site_calendar(content, settings)}
    for plan in content.plans:
        files[f"{CAL_DIR}/{plan.slug}.ics"] = generate_plan_calendar(plan, settings)
    return files
