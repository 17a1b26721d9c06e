"""The office's forms: what a quota looks like when the office types one.

This module owns the quota form's labels, limits and Vietnamese messages: a
unit's name (as the unit wrote it; matched later by its folded name) or the
call-wide choice, and a whole number of nominees from 1 to MAX_QUOTA. The
number is read from text so that anything typed (words, "0", "-3", "10000")
comes back with one clear sentence and the typed text kept. Forms never touch
the database.
"""

from __future__ import annotations

from sitegen.text import clean_text
from wtforms import BooleanField, StringField, ValidationError
from wtforms.validators import Length

from ..dossiers.quotas import union_key
from ..form_messages import VietnameseForm

MAX_QUOTA = 999


def _clean(value: str | None) -> str:
    return " ".join(clean_text(value or "").split())


class QuotaForm(VietnameseForm):
    union = StringField(
        "Tên công đoàn cơ sở",
        [Length(max=300, message="Tên công đoàn cơ sở tối đa 300 ký tự.")],
        filters=[_clean],
        description="Gõ như đơn vị đã ghi trong hồ sơ; không phân biệt hoa thường, dấu.",
    )
    every_unit = BooleanField("Định mức chung cho mọi đơn vị chưa có định mức riêng")
    max_nominees = StringField("Số người/tập thể tối đa", filters=[_clean])

    def validate_union(self, field: StringField) -> None:
        if not self.every_unit.data and not union_key(field.data):
            raise ValidationError(
                "Hãy nhập tên công đoàn cơ sở, hoặc chọn định mức chung cho mọi đơn vị."
            )

    def validate_max_nominees(self, field: StringField) -> None:
        text = field.data
        if not text:
            raise ValidationError("Hãy nhập số người/tập thể tối đa.")
        number = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
        if number is None or not 1 <= number <= MAX_QUOTA:
            raise ValidationError(
                f"Số người/tập thể tối đa cần là một số nguyên từ 1 đến {MAX_QUOTA}; "
                f"nhận được “{text[:40]}”."
            )

    @property
    def number(self) -> int:
        """The number typed, once the form is valid."""
        return int(self.max_nominees.data)

    @property
    def union_name(self) -> str:
        """The unit the quota is for; "" for every unit."""
        return "" if self.every_unit.data else self.union.data
