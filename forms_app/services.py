"""What happens to a nomination: normalise, check against the plan, render, fit, store.

This module owns the rules that need the plan (a category's criteria, the
deadline), the summary built from a form's data, the one-page verdict and
its "how much to cut" message, drafts between the form and the sending, the
per-address rate limit, and the one transaction that stores a nomination
with its files. Views call one function here per action. It must not build
HTTP responses or read settings from the environment.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from sitegen.dates import format_date_line, format_vnd
from sitegen.models import Category, Criteria, Subject
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from . import docx_export, notifications, pdf
from .amounts import fold, parse_money
from .campaigns import Campaign
from .forms import read_count, read_year
from .models import (
    Draft,
    FileKind,
    Nomination,
    NominationStatus,
    NominationVersion,
    RateEvent,
    StoredFile,
)

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a reference read over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
SKIPPED_FIELDS = ("csrf_token", "photo", "draft", "website")
MULTILINE_FIELDS = ("duties", "achievements", "features")
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


# --- normalising ----------------------------------------------------------------


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalise_formdata(formdata: MultiDict) -> MultiDict:
    """Every typed value in NFC, line ends as \\n: what the form and the PDF then see."""
    return MultiDict(
        [
            (key, nfc(value).replace("\r\n", "\n").replace("\r", "\n"))
            for key, value in formdata.items(multi=True)
        ]
    )


def _line(text: Any) -> str:
    return re.sub(r"\s+", " ", nfc(str(text or ""))).strip()


def _block(text: Any) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in nfc(str(text or "")).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def typed_values(form: Any) -> dict[str, Any]:
    """What was typed, to show again in the form (rows included, the photo excluded)."""
    return {key: value for key, value in form.data.items() if key not in SKIPPED_FIELDS}


def clean_data(form: Any, subject: Subject) -> dict[str, Any]:
    """The validated form as the summary and the database keep it: trimmed, typed."""
    values = typed_values(form)
    data: dict[str, Any] = {"subject": subject.value}
    for key, value in values.items():
        if key in ("initiatives", "awards"):
            continue
        data[key] = _block(value) if key in MULTILINE_FIELDS else _line(value)
    data["contact_email"] = data["contact_email"].lower()
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


# --- criteria -------------------------------------------------------------------


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
    words = re.findall(r"[a-z0-9]+", fold(text))
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


def describe_closure(campaign: Campaign, now: dt.datetime) -> str | None:
    """Why the campaign takes no nomination at `now`, or None when it is open."""
    if campaign.closes_at is None:
        return "Kế hoạch này chưa ghi hạn nộp hồ sơ nên chưa nhận hồ sơ trực tuyến."
    if not campaign.is_open(now):
        return f"Đã hết hạn nộp hồ sơ {campaign.deadline_text}; hồ sơ không được nhận nữa."
    return None


# --- the summary ----------------------------------------------------------------


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
) -> dict[str, Any]:
    """Everything the page template and the .docx need, as display strings."""
    issuer = campaign.plan.issuer
    local = now.astimezone(campaign.closes_at.tzinfo if campaign.closes_at else dt.UTC)
    date_line = format_date_line(local.date())
    summary: dict[str, Any] = {
        **data,
        "issuer_name": issuer.name,
        "date_line": f"{issuer.place}, {date_line}" if issuer.place else date_line.capitalize(),
        "photo_uri": photo_data_uri(photo),
        "category_name": category.name,
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
    """The verdict on a form's content: problems against the plan, and the page fit."""

    problems: list[str]
    fit: pdf.Fit | None
    data: dict[str, Any]


def check_nomination(
    campaign: Campaign, subject: Subject, form: Any, photo: bytes | None, now: dt.datetime
) -> Checked:
    """Criteria first, then the one-page check (only when the criteria hold)."""
    data = clean_data(form, subject)
    category = campaign.category(subject, data["category"])
    if category is None:
        return Checked(["Đối tượng đã chọn không có trong kế hoạch này."], None, data)
    problems = check_criteria(category, data)
    if problems:
        return Checked(problems, None, data)
    fit = pdf.check_fit(build_summary(campaign, category, data, photo, now))
    if not fit.fits:
        problems.append(describe_overflow(fit))
    return Checked(problems, fit, data)


# --- drafts ---------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def get_draft(session: Session, token: str | None) -> Draft | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Draft).where(Draft.token == token))


def save_draft(
    session: Session,
    draft: Draft | None,
    campaign: Campaign,
    subject: Subject,
    typed: dict[str, Any],
    photo: bytes | None,
    max_age_days: int,
) -> Draft:
    """Keep what was typed (and the processed photo) under a random token."""
    now = dt.datetime.now(dt.UTC)
    if draft is None:
        session.execute(
            delete(Draft).where(Draft.updated_at < now - dt.timedelta(days=max_age_days))
        )
        draft = Draft(
            token=new_token(),
            plan_slug=campaign.plan.slug,
            call_key=campaign.call.key,
            subject=subject.value,
            created_at=now,
        )
        session.add(draft)
    draft.data = {"typed": typed}
    if photo is not None:
        draft.photo = photo
    draft.ready = False
    draft.fill_ratio = None
    draft.updated_at = now
    session.commit()
    return draft


def mark_ready(session: Session, draft: Draft, data: dict[str, Any], fit: pdf.Fit) -> None:
    draft.data = {**draft.data, "clean": data}
    draft.fill_ratio = fit.used
    draft.ready = True
    session.commit()


def draft_summary(campaign: Campaign, draft: Draft, now: dt.datetime) -> dict[str, Any]:
    data = draft.data["clean"]
    category = campaign.category(Subject(draft.subject), data["category"])
    if category is None:
        raise LookupError(data["category"])
    return build_summary(campaign, category, data, draft.photo, now)


# --- rate limit -----------------------------------------------------------------


def allow_action(
    session: Session, address: str, action: str, limit: int, window_seconds: int
) -> bool:
    """Count one action for the address; False when the window already holds `limit`."""
    now = dt.datetime.now(dt.UTC)
    since = now - dt.timedelta(seconds=window_seconds)
    session.execute(delete(RateEvent).where(RateEvent.at < since))
    count = session.scalar(
        select(func.count())
        .select_from(RateEvent)
        .where(RateEvent.address == address, RateEvent.action == action, RateEvent.at >= since)
    )
    if count >= limit:
        session.commit()
        return False
    session.add(RateEvent(address=address[:64], action=action, at=now))
    session.commit()
    return True


# --- storing --------------------------------------------------------------------


def new_reference(session: Session) -> str:
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if session.scalar(select(Nomination.id).where(Nomination.reference == reference)) is None:
            return reference


def _stored(kind: FileKind, filename: str, content_type: str, content: bytes) -> StoredFile:
    return StoredFile(
        kind=kind,
        filename=filename,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


@dataclass
class Submitted:
    nomination: Nomination
    version: NominationVersion
    edit_token: str | None  # only for a new nomination: shown once, stored hashed


def submit_draft(
    session: Session, campaign: Campaign, draft: Draft, address: str, now: dt.datetime
) -> Submitted:
    """Render the final PDF and DOCX and store everything in one transaction."""
    summary = draft_summary(campaign, draft, now)
    pdf_bytes, fit = pdf.render_pdf(summary)
    if not fit.fits:
        raise ValueError(describe_overflow(fit))
    docx_bytes = docx_export.render_docx(summary, draft.photo)
    data = draft.data["clean"]
    nominee = data.get("full_name") or data.get("unit_name")
    token = None
    stamp = dt.datetime.now(dt.UTC)
    if draft.nomination_id is None:
        token = new_token()
        nomination = Nomination(
            reference=new_reference(session),
            edit_token_hash=hash_token(token),
            plan_slug=campaign.plan.slug,
            call_key=campaign.call.key,
            subject=draft.subject,
            status=NominationStatus.SUBMITTED,
            deadline_at=campaign.closes_at,
            created_at=stamp,
        )
        session.add(nomination)
        number = 1
    else:
        nomination = session.get(Nomination, draft.nomination_id)
        number = len(nomination.versions) + 1
    nomination.category_key = data["category"]
    nomination.nominee_name = nominee
    nomination.union_name = data["union_name"]
    nomination.submitter_name = data["contact_name"]
    nomination.submitter_email = data["contact_email"]
    nomination.submitter_phone = data["contact_phone"]
    nomination.client_address = address[:64]
    nomination.updated_at = stamp
    version = NominationVersion(
        nomination=nomination,
        number=number,
        data={"typed": draft.data["typed"], "clean": data},
        fill_ratio=fit.used,
        created_at=stamp,
    )
    session.add(version)
    base = f"tom-tat-thanh-tich-{nomination.reference}-v{number}"
    files = [
        _stored(FileKind.PDF, f"{base}.pdf", "application/pdf", pdf_bytes),
        _stored(
            FileKind.DOCX,
            f"{base}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            docx_bytes,
        ),
    ]
    if draft.photo:
        files.append(
            _stored(
                FileKind.PHOTO,
                f"anh-{nomination.reference}-v{number}.jpg",
                "image/jpeg",
                draft.photo,
            )
        )
    for stored in files:
        stored.version = version
        session.add(stored)
    # The office's mail and the confirmation commit with the nomination, or not at all.
    notifications.queue_nomination_mails(
        session, nomination, version, edit_token=token, campaign=campaign
    )
    session.delete(draft)
    session.commit()
    log.info("nomination %s stored (version %d)", nomination.reference, number)
    return Submitted(nomination, version, token)


def find_by_reference(session: Session, reference: str) -> Nomination | None:
    return session.scalar(select(Nomination).where(Nomination.reference == reference[:16]))


def find_by_edit_token(session: Session, token: str) -> Nomination | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Nomination).where(Nomination.edit_token_hash == hash_token(token)))


def start_edit(session: Session, nomination: Nomination, campaign: Campaign) -> Draft:
    """A draft holding the latest version, so the person edits what they sent."""
    latest = nomination.latest
    photo = latest.file(FileKind.PHOTO)
    typed = latest.data["typed"]
    draft = Draft(
        token=new_token(),
        plan_slug=campaign.plan.slug,
        call_key=campaign.call.key,
        subject=nomination.subject,
        data={"typed": typed},
        photo=photo.content if photo else None,
        nomination_id=nomination.id,
        created_at=dt.datetime.now(dt.UTC),
        updated_at=dt.datetime.now(dt.UTC),
    )
    session.add(draft)
    session.commit()
    return draft
