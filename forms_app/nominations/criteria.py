"""The plan's criteria for a category, checked against a nomination's data.

This module owns what a category asks (how many initiatives, what total
benefit, which awards in which period), how to say it in Vietnamese on the
form, and the problems of a nomination that misses it, each citing the plan's
words. It must not touch forms, the database, the PDF or the mail.
"""

from __future__ import annotations

import re
from typing import Any

from sitegen.dates import format_vnd
from sitegen.folding import fold
from sitegen.models import Category, Criteria, Subject

# Abbreviations people write in award titles, spelled out before matching.
ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "tp": "thanh pho",
    "ldld": "lien doan lao dong",
    "tld": "tong lien doan",
    "cdcs": "cong doan co so",
    "cstd": "chien si thi dua",
    "ttcp": "thu tuong chinh phu",
}
# Words that award titles carry or drop freely ("Bằng khen [của] UBND").
FILLER_WORDS = {"cua", "do", "duoc", "tang", "nam"}


def describe_criteria(category: Category) -> list[str]:
    """The category's criteria as short Vietnamese phrases for the form and the index."""
    c = category.criteria
    parts = []
    if c.min_initiatives:
        parts.append(f"ít nhất {c.min_initiatives:02d} sáng kiến")
    if c.min_total_benefit:
        parts.append(f"tổng giá trị làm lợi từ {format_vnd(c.min_total_benefit)}")
    if c.required_awards:
        parts.append("đã được tặng " + " hoặc ".join(f"“{a}”" for a in c.required_awards))
    if c.from_year and c.to_year:
        parts.append(f"giai đoạn {c.from_year} – {c.to_year}")
    return parts


def _period(criteria: Criteria) -> str:
    if criteria.from_year and criteria.to_year:
        return f"giai đoạn {criteria.from_year} – {criteria.to_year}"
    if criteria.from_year:
        return f"từ năm {criteria.from_year}"
    if criteria.to_year:
        return f"đến năm {criteria.to_year}"
    return ""


def _in_period(year: int | None, criteria: Criteria) -> bool:
    if year is None:
        return False
    if criteria.from_year and year < criteria.from_year:
        return False
    return not (criteria.to_year and year > criteria.to_year)


def _words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9]+", fold(text).lower())
    spelled = " ".join(ABBREVIATIONS.get(word, word) for word in words)
    return set(spelled.split()) - FILLER_WORDS


def matches_award(required: str, received: str) -> bool:
    """'Bằng khen Thủ tướng Chính phủ' matches 'Bằng khen của Thủ tướng Chính phủ':
    every word of the required title, without marks, is in the received one."""
    return _words(required) <= _words(received)


def check_criteria(category: Category, data: dict[str, Any]) -> list[str]:
    """Every criterion of the category that the nomination misses, citing the plan."""
    criteria = category.criteria
    name = category.name
    period = _period(criteria)
    problems: list[str] = []
    if data["subject"] == Subject.INDIVIDUAL.value and (
        criteria.min_initiatives or criteria.min_total_benefit
    ):
        counted = []
        for row in data["initiatives"]:
            if _in_period(row["year"], criteria) or not (criteria.from_year or criteria.to_year):
                counted.append(row)
            else:
                problems.append(
                    f"Sáng kiến “{row['title']}” được công nhận năm {row['year']}, ngoài {period} "
                    f"mà kế hoạch xét cho {name}; sáng kiến này không được tính."
                )
        count = len(counted)
        total = sum(row["benefit"] or 0 for row in counted)
        minimum = criteria.min_initiatives or 0
        threshold = criteria.min_total_benefit or 0
        if count < minimum or total < threshold:
            wanted = []
            if minimum:
                wanted.append(f"ít nhất {minimum:02d} sáng kiến")
            if threshold:
                joiner = "với " if minimum else ""
                wanted.append(f"{joiner}tổng giá trị làm lợi từ {format_vnd(threshold)}")
            have = f"hồ sơ mới có {count} sáng kiến"
            if threshold:
                have += f", tổng {format_vnd(total)}"
            problems.append(f"{name} yêu cầu {' '.join(wanted)}; {have}.")
    if criteria.required_awards:
        found = any(
            matches_award(required, award["title"])
            and (_in_period(award["year"], criteria) or not period)
            for award in data["awards"]
            for required in criteria.required_awards
        )
        if not found:
            when = f" trong {period}" if period else ""
            titles = ", ".join(f"“{title}”" for title in criteria.required_awards)
            if len(criteria.required_awards) == 1:
                problems.append(
                    f"{name} yêu cầu đã được tặng {titles}{when}; mục khen thưởng đã nhận "
                    "chưa có hình thức này."
                )
            else:
                problems.append(
                    f"{name} yêu cầu đã được tặng một trong các hình thức {titles}{when}; "
                    "mục khen thưởng đã nhận chưa có hình thức nào như vậy."
                )
    return problems
