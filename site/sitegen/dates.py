"""Dates and times as Vietnamese administrative documents write them.

This module owns formatting only; it must not parse content (the models do).
Nghị định 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a leading
zero in the date line ("ngày 05 tháng 02 năm 2020").
"""

from __future__ import annotations

import datetime as dt

from .models import TZ, DeadlineRule, Moment


def format_date_line(day: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2020', as in a document's place-date line."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_date_words(day: dt.date) -> str:
    """'ngày 21 tháng 8 năm 2023', as a text cites another document's date (the leading
    zeros are for the date line only)."""
    return f"ngày {day.day} tháng {day.month} năm {day.year}"


def format_date(day: dt.date) -> str:
    """'05/02/2020', as tables and metadata panels show a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_moment(moment: Moment) -> str:
    """When a deadline closes, computed: 'hết ngày 26/05/2021', 'trước 16:00 ngày 14/02/2020'.

    "trước ngày 27/5/2021" shows as 'hết ngày 26/05/2021': the last day that counts.
    """
    if moment.rule is DeadlineRule.AT_TIME:
        assert moment.time is not None
        return (
            f"trước {moment.time.hour:02d}:{moment.time.minute:02d} ngày {format_date(moment.date)}"
        )
    return f"hết ngày {format_date(moment.last_day)}"


def format_deadline(moment: Moment) -> str:
    """The plan's words beside their meaning, as plain text.

    '“trước ngày 27/5/2021” (tức là hết ngày 26/05/2021)'; without words, the meaning alone.
    """
    if moment.words is None:
        return format_moment(moment)
    return f"“{moment.words}” (tức là {format_moment(moment)})"


def format_datetime(value: dt.datetime) -> str:
    """An aware datetime shown in Asia/Ho_Chi_Minh: '16:00 ngày 14/02/2020'."""
    local = value.astimezone(TZ)
    return f"{local.hour:02d}:{local.minute:02d} ngày {format_date(local.date())}"


def format_vnd(amount: int) -> str:
    """'60.000.000 đồng': dots as thousands separators."""
    return f"{amount:,}".replace(",", ".") + " đồng"
