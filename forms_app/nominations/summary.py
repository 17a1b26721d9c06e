"""A nomination's summary: the typed form made clean, the page's content, the fit verdict.

This module owns turning a validated form into the data the database keeps
(trimmed, typed, email normalised), building what the page template and the
.docx need from it, and the one-page verdict with its "how much to cut"
message. It must not touch the database, HTTP or the mail.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sitegen.dates import format_date_line, format_vnd
from sitegen.models import Category, Subject

from ..campaigns import Campaign
from . import pdf
from .amounts import parse_money
from .criteria import check_criteria
from .forms import CONSENT_FIELDS, ELIGIBILITY_PREFIX, read_count, read_year

SKIPPED_FIELDS = ("csrf_token", "photo", "draft", "website")
MULTILINE_FIELDS = ("duties", "achievements", "features")


def _line(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip()


def _block(text: Any) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in str(text or "").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def typed_values(form: Any) -> dict[str, Any]:
    """What was typed, to show again in the form (rows included, the photo excluded)."""
    return {key: value for key, value in form.data.items() if key not in SKIPPED_FIELDS}


def clean_data(form: Any, subject: Subject) -> dict[str, Any]:
    """The validated form as the summary and the database keep it: trimmed, typed."""
    values = typed_values(form)
    data: dict[str, Any] = {"subject": subject.value}
    data["eligibility"] = sorted(
        key.removeprefix(ELIGIBILITY_PREFIX)
        for key, value in values.items()
        if key.startswith(ELIGIBILITY_PREFIX) and value
    )
    for key, value in values.items():
        if (
            key in ("initiatives", "awards")
            or key in CONSENT_FIELDS
            or key.startswith(ELIGIBILITY_PREFIX)
        ):
            continue
        data[key] = _block(value) if key in MULTILINE_FIELDS else _line(value)
    data.setdefault("award", "")  # a plan that names no award form asks for none
    data["awards"] = [
        {
            "year": read_year(row["year"]),
            "title": _line(row["title"]),
            "decision": _line(row["decision"]),
            "issuer": _line(row["issuer"]),
        }
        for row in values["awards"]
        if any(_line(v) for v in row.values())
    ]
    if subject == Subject.INDIVIDUAL:
        data["birth_year"] = read_year(values["birth_year"])
        data["initiatives"] = [
            {
                "title": _line(row["title"]),
                "year": read_year(row["year"]),
                "level": _line(row["level"]),
                "benefit": parse_money(row["benefit"]) if _line(row["benefit"]) else None,
            }
            for row in values["initiatives"]
            if any(_line(v) for v in row.values())
        ]
    else:
        for key in ("members", "members_women", "workers", "workers_women"):
            data[key] = read_count(values[key]) if _line(values[key]) else None
    return data


def photo_data_uri(photo: bytes | None) -> str | None:
    if not photo:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii")


def build_summary(
    campaign: Campaign,
    category: Category,
    data: dict[str, Any],
    photo: bytes | None,
    now: dt.datetime,
    *,
    union_name: str,
) -> dict[str, Any]:
    """Everything the page template and the .docx need, as display strings; `union_name`
    (the proposing union, printed top left) is the dossier's, not the nominee's data."""
    issuer = campaign.plan.issuer
    local = now.astimezone(campaign.closes_at.tzinfo if campaign.closes_at else dt.UTC)
    date_line = format_date_line(local.date())
    summary: dict[str, Any] = {
        **data,
        "issuer_name": issuer.name,
        "union_name": union_name,
        "date_line": f"{issuer.place}, {date_line}" if issuer.place else date_line.capitalize(),
        "photo_uri": photo_data_uri(photo),
        "category_name": category.name,
        "award_line": f"Đề nghị tặng {data['award']}"
        if data.get("award")
        else "Đề nghị khen thưởng theo kế hoạch",
        "subject_label": Subject(data["subject"]).label,
        "awards": [{**award, "year": award["year"] or ""} for award in data["awards"]],
    }
    if data["subject"] == Subject.INDIVIDUAL.value:
        total = sum(row["benefit"] or 0 for row in data["initiatives"])
        summary.update(
            nominee=data["full_name"],
            initiatives=[
                {
                    **row,
                    "benefit_text": format_vnd(row["benefit"]).removesuffix(" đồng")
                    if row["benefit"] is not None
                    else "",
                }
                for row in data["initiatives"]
            ],
            total_benefit_text=format_vnd(total).removesuffix(" đồng"),
            left_sign="XÁC NHẬN CỦA CÔNG ĐOÀN CƠ SỞ",
            right_sign="NGƯỜI BÁO CÁO THÀNH TÍCH",
            signer_name=data["full_name"],
        )
    else:
        summary.update(
            nominee=data["unit_name"],
            left_sign="XÁC NHẬN CỦA CÔNG ĐOÀN CẤP TRÊN",
            right_sign="THỦ TRƯỞNG ĐƠN VỊ",
            signer_name=data["leader"],
        )
    return summary


def describe_page_use(used: float) -> str:
    """'đã dùng 87% trang A4' from the pages used (Fit.used)."""
    return f"đã dùng {round(used * 100)}% trang A4"


def describe_overflow(fit: pdf.Fit) -> str:
    """How much to cut, naming the longest sections."""
    used = f"{fit.used:.1f}".replace(".", ",")
    longest = [
        f"mục “{name}” (khoảng {round(height / pdf.LINE_HEIGHT_PT)} dòng)"
        for name, height in fit.sections[:2]
    ]
    return (
        f"Bản tóm tắt dài khoảng {used} trang A4, vượt giới hạn 01 trang: hãy cắt bớt khoảng "
        f"{fit.cut_percent}% ({fit.cut_lines} dòng). Dài nhất là {' và '.join(longest)}."
    )


@dataclass
class Checked:
    """The verdict on a nomination's data: problems against the plan, and the page."""

    problems: list[str]
    data: dict[str, Any]
    fit: pdf.Fit | None = None
    pdf: bytes | None = None


def check_nomination(
    campaign: Campaign,
    subject: Subject,
    data: dict[str, Any],
    photo: bytes | None,
    now: dt.datetime,
    *,
    union_name: str,
) -> Checked:
    """Criteria first, then the one-page check (only when the criteria hold); the PDF laid
    out for the check is kept, so sending an unchanged draft renders nothing again."""
    category = campaign.category(subject, data["category"])
    if category is None:
        return Checked(["Đối tượng đã chọn không có trong kế hoạch này."], data)
    problems = check_criteria(category, data)
    if problems:
        return Checked(problems, data)
    rendered, fit = pdf.render_pdf(
        build_summary(campaign, category, data, photo, now, union_name=union_name)
    )
    if not fit.fits:
        return Checked([describe_overflow(fit)], data, fit)
    return Checked([], data, fit, rendered)
