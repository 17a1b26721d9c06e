"""Dates and times written the way Vietnamese documents write them.

This module owns reading "14/02/2020", "ngày 14 tháng 02 năm 2020",
"16g00 ngày 14/02/2020" or "16 giờ 00 ngày 14/2/2020" into plain values. The
models accept these forms in content files and the importer reads them in
documents. It must not decide what a value means (when a deadline closes is the
model's business) and must not format (see `dates`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# One example of each form accepted in a content file, shown in messages.
ACCEPTED_DATES = ('"2020-02-14"', '"14/02/2020"', '"ngày 14 tháng 02 năm 2020"')

_DAY = r"(?P<d>\d{1,2})"
_MONTH = r"(?P<m>\d{1,2})"
_YEAR = r"(?P<y>\d{4})"
DATE_PATTERN = (
    rf"(?:ngày\s+)?(?:{_DAY}\s*[/.\-]\s*{_MONTH}\s*[/.\-]\s*{_YEAR}"
    rf"|{_DAY.replace('d>', 'd2>')}\s+tháng\s+{_MONTH.replace('m>', 'm2>')}"
    rf"\s+năm\s+{_YEAR.replace('y>', 'y2>')})"
)
# "16g00", "16h00", "16 giờ 00", "16 giờ 00 phút", "16:00", "16 giờ", "16g".
TIME_PATTERN = r"(?P<hh>\d{1,2})\s*(?:g|h|giờ|:)\s*(?P<mm>\d{2})?(?:\s*phút)?"

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_MOMENT = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})")
_DATE = re.compile(DATE_PATTERN)
_MOMENT = re.compile(rf"{TIME_PATTERN}\s*,?\s*(?:ngày\s+)?{DATE_PATTERN}")


class NotADate(ValueError):
    """The text has the shape of a date or time, but that day or time does not exist."""


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).strip().lower())


def date_from_match(m: re.Match[str]) -> dt.date:
    """The day matched by `DATE_PATTERN`; `NotADate` if it does not exist."""
    day, month, year = (m["d"], m["m"], m["y"]) if m["d"] else (m["d2"], m["m2"], m["y2"])
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise NotADate(m[0]) from None


def time_from_match(m: re.Match[str]) -> dt.time:
    """The time of day matched by `TIME_PATTERN`; `NotADate` if it does not exist."""
    try:
        return dt.time(int(m["hh"]), int(m["mm"] or 0))
    except ValueError:
        raise NotADate(m[0]) from None


def parse_date(text: str) -> dt.date | None:
    """A day written as ISO or as Vietnamese write it; None if the text is not a day."""
    cleaned = _clean(text)
    if m := _ISO_DATE.fullmatch(cleaned):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise NotADate(text) from None
    if m := _DATE.fullmatch(cleaned):
        return date_from_match(m)
    return None


def parse_moment(text: str) -> tuple[dt.date, dt.time | None] | None:
    """A day with an optional time of day; None if the text is neither."""
    cleaned = _clean(text)
    if m := _ISO_MOMENT.fullmatch(cleaned):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])), dt.time(int(m[4]), int(m[5]))
        except ValueError:
            raise NotADate(text) from None
    if m := _MOMENT.fullmatch(cleaned):
        return date_from_match(m), time_from_match(m)
    day = parse_date(cleaned)
    return (day, None) if day else None
