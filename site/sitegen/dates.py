"""Dates and times as Vietnamese administrative documents write them.

This module owns formatting only; it must not parse content (the models do).
Nghị định 30/2020/NĐ-CP: days below 10 and the months 1 and 2 take a leading
zero in the date line ("ngày 05 tháng 02 năm 2020").
"""

from __future__ import annotations

import datetime as dt

from .models import TZ, Moment


def format_date_line(day: dt.date) -> str:
    """'ngày 05 tháng 02 năm 2020', as in a document's place-date line."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def format_date(day: dt.date) -> str:
    """'05/02/2020', as tables and metadata panels show a date."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def format_moment(moment: Moment) -> str:
    """'16 giờ 00 ngày 14/02/2020', or just the date when no time was given."""
    if moment.time is None:
        return format_date(moment.date)
    return f"{moment.time.hour:02d} giờ {moment.time.minute:02d} ngày {format_date(moment.date)}"


def format_datetime(value: dt.datetime) -> str:
    """An aware datetime shown in Asia/Ho_Chi_Minh: '16:00 ngày 14/02/2020'."""
    local = value.astimezone(TZ)
    return f"{local.hour:02d}:{local.minute:02d} ngày {format_date(local.date())}"


def format_vnd(amount: int) -> str:
    """'60.000.000 đồng': dots as thousands separators."""
    return f"{amount:,}".replace(",", ".") + " đồng"
