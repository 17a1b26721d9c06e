"""Sums of money and counts as Vietnamese people type them.

This module owns reading "60.000.000", "60000000", "60 triệu", "1,5 tỷ" or
"2 tỷ 300 triệu" into a whole number of đồng. It must not format (that is
`sitegen.dates.format_vnd`) nor know about forms.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from sitegen.folding import fold

UNITS = {
    "ty": 1_000_000_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "k": 1_000,
}
CURRENCY_WORDS = ("vnd", "dong", "d")

GROUPED = re.compile(r"^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$")
PLAIN = re.compile(r"^\d+$")
DECIMAL = re.compile(r"^\d+(?:[.,]\d+)?$")
PART = re.compile(r"(\d[\d.,]*)\s*(ty|trieu|tr|nghin|ngan|k)\b")


class AmountError(ValueError):
    """The text is not a sum of money we can read; the message is for the user."""


def _read_number(text: str) -> Decimal:
    """A number before a unit. A dot before exactly three digits groups thousands
    ("1.500 triệu"), as Vietnamese writes numbers; otherwise a comma or a dot is the
    decimal mark ("1,5 tỷ", "1.5 tỷ")."""
    if re.match(r"^\d{1,3}(?:\.\d{3})+$", text):
        return Decimal(text.replace(".", ""))
    if DECIMAL.match(text):
        return Decimal(text.replace(",", "."))
    raise InvalidOperation(text)


def parse_money(text: str) -> int:
    """Whole đồng from what was typed; raises AmountError with a Vietnamese message."""
    original = text.strip()
    value = fold(unicodedata.normalize("NFC", original)).lower().strip()
    for word in CURRENCY_WORDS:
        value = re.sub(rf"(?<=[\d\s]){word}\.?$", "", value).strip()
    example = "hãy viết như 60.000.000 hoặc 60 triệu"
    if not value:
        raise AmountError(f"Không đọc được số tiền “{original}”; {example}.")
    if PLAIN.match(value):
        return int(value)
    if GROUPED.match(value):
        return int(re.sub(r"\D", "", value))
    parts = PART.findall(value)
    rest = PART.sub("", value).strip()
    try:
        if not parts:
            raise InvalidOperation(value)
        total = sum(_read_number(number) * UNITS[unit] for number, unit in parts)
        if rest:
            total += _read_number(rest)
    except InvalidOperation:
        raise AmountError(f"Không đọc được số tiền “{original}”; {example}.") from None
    if total != total.to_integral_value():
        raise AmountError(f"Số tiền “{original}” có phần lẻ dưới 1 đồng; {example}.")
    return int(total)
