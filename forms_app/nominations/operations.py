"""The actions a person takes on a nomination, each one operation owning its transaction.

Views parse the request and call one function here: open the form, save what
was typed (preview, or add/remove a row), show the preview, send the draft,
open a nomination by its edit link, download one of its files, start an edit.
Each function finds what it needs, decides, commits (or not) and returns a
plain result; refusals a person can cause are exceptions with a Vietnamese
message (`NotFound`, `Closed`, `RateLimited`). It must not build HTTP
responses or read the request.

Sending is idempotent: the draft is claimed with a conditional UPDATE as the
first write of the transaction (a row lock on PostgreSQL, the write lock on
SQLite), so of two clicks, one stores the nomination and the other finds the
claimed draft and lands on the same confirmation. Versions of one nomination
are numbered after its row is locked, so parallel edits never collide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sitegen.models import TZ, Subject
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..campaigns import Campaign, describe_closure, find_campaign, get_content
from ..errors import BadAction, NotFound
from ..mail import notifications
from ..privacy.consent import consent_record
from ..store.database import get_session
from ..store.models import (
    Draft,
    FileKind,
    Nomination,
    NominationStatus,
    NominationVersion,
    StoredFile,
    utc_now,
)
from ..store.ratelimit import allow_action, count_actions, record_action
from . import docx_export, drafts, pdf
from .forms import ROW_LIMITS
from .photos import PhotoError, process_photo
from .summary import build_summary, check_nomination, clean_data, describe_overflow, typed_values

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a reference read over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
ROW_LISTS = {"initiative": "initiatives", "award": "awards"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FILE_KINDS = {"tom-tat.pdf": FileKind.PDF, "tom-tat.docx": FileKind.DOCX, "anh.jpg": FileKind.PHOTO}


WITHDRAWN_MESSAGE = "Hồ sơ đã được rút (đã rút lại sự đồng ý) nên không sửa được nữa."


class Closed(Exception):
    """The call takes no nomination now; the message says why."""

    def __init__(self, campaign: Campaign, message: str):
        super().__init__(message)
        self.campaign = campaign
        self.message = message


class RateLimited(Exception):
    """Too many actions from one address; what was typed is kept in `draft_token`."""

    def __init__(self, message: str, draft_token: str | None = None):
        super().__init__(message)
        self.message = message
        self.draft_token = draft_token


# --- looking things up -----------------------------------------------------------


def find_call(plan_slug: str, call_key: str) -> Campaign:
    campaign = find_campaign(get_content(), plan_slug, call_key)
    if campaign is None:
        raise NotFound(plan_slug)
    return campaign


def ensure_open(campaign: Campaign, now: dt.datetime) -> None:
    closed = describe_closure(campaign, now)
    if closed:
        raise Closed(campaign, closed)


def _draft_for(
    session: Session, token: str | None, campaign: Campaign, subject: Subject
) -> Draft | None:
    """The draft named by `token` if it belongs to this form, else None."""
    draft = drafts.find_draft(session, token)
    if draft is None:
        return None
    if (draft.plan_slug, draft.call_key, draft.subject) != (
        campaign.plan.slug,
        campaign.call.key,
        subject.value,
    ):
        return None
    return draft


# --- the form --------------------------------------------------------------------


@dataclass
class FormState:
    """What the form page shows: the draft (if any), what it edits, what was typed."""

    draft: Draft | None = None
    editing: Nomination | None = None
    typed: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)
    notice: str | None = None
    photo_error: str | None = None
    status: int = 200
    preview_token: str | None = None  # set when the preview accepted the draft
    sent_edit_token: str | None = None  # set when the draft was already sent


def open_form(
    campaign: Campaign, subject: Subject, token: str | None, now: dt.datetime
) -> FormState:
    """The empty form, or the one a draft holds (back from the preview, or an edit)."""
    ensure_open(campaign, now)
    session = get_session()
    draft = _draft_for(session, token, campaign, subject)
    if draft is None:
        return FormState()
    if draft.sent_at is not None:
        return FormState(sent_edit_token=draft.edit_token)
    return FormState(draft=draft, editing=_edited(session, draft), typed=draft.data.get("typed"))


def _edited(session: Session, draft: Draft | None) -> Nomination | None:
    if draft is None or draft.nomination_id is None:
        return None
    return session.get(Nomination, draft.nomination_id)


def _read_photo(upload: Any) -> tuple[bytes | None, str | None]:
    if upload is None or not getattr(upload, "filename", None):
        return None, None
    # The whole request is already bounded by MAX_CONTENT_LENGTH.
    data = upload.stream.read()
    try:
        return process_photo(data, max_bytes=current_app.config["MAX_PHOTO_BYTES"]), None
    except PhotoError as error:
        return None, str(error)


def _keep_draft(
    session: Session, campaign: Campaign, subject: Subject, form: Any, photo: bytes | None
) -> Draft:
    """Store what was typed in the form's draft (a new one if it has none)."""
    draft = _draft_for(session, form.draft.data, campaign, subject)
    if draft is not None and draft.sent_at is not None:
        # Typed again after sending: a new version of what was sent, never a second nomination.
        sent = _edited(session, draft)
        draft = drafts.new_draft(
            session,
            campaign,
            subject.value,
            nomination=sent,
            edit_token=draft.edit_token if sent else None,
        )
    if draft is None:
        drafts.delete_expired_drafts(session, current_app.config["DRAFT_MAX_AGE_DAYS"])
        draft = drafts.new_draft(session, campaign, subject.value)
    drafts.keep_typed(draft, typed_values(form), photo)
    return draft


def save_form(
    campaign: Campaign,
    subject: Subject,
    form: Any,
    *,
    action: str,
    photo_upload: Any,
    address: str,
    now: dt.datetime,
    requires_photo: bool,
) -> FormState:
    """Keep what was typed, then preview it (check the plan's criteria and the page) or
    add/remove a row. Everything typed is stored before any refusal."""
    ensure_open(campaign, now)
    session = get_session()
    photo, photo_error = _read_photo(photo_upload)
    draft = _keep_draft(session, campaign, subject, form, photo)
    session.commit()
    editing = _edited(session, draft)
    state = FormState(draft=draft, editing=editing, typed=draft.data["typed"])
    if action != "preview":
        return _change_rows(session, draft, subject, action, state)
    config = current_app.config
    if not allow_action(
        session, address, "preview", config["RATE_LIMIT_PREVIEWS"], config["RATE_LIMIT_WINDOW"]
    ):
        raise RateLimited(
            "Địa chỉ của bạn đã xem trước quá nhiều lần trong một giờ. Mọi nội dung bạn nhập "
            "đã được lưu; hãy đợi một lúc rồi bấm “Xem trước bản in” lần nữa.",
            draft.token,
        )
    state.photo_error = photo_error
    if photo_error is None and draft.photo is None and requires_photo:
        state.photo_error = f"Hãy chọn {form.photo_label.lower()} (kế hoạch yêu cầu kèm ảnh)."
    form.validate()
    if form.errors or state.photo_error:
        state.problems = ["Hồ sơ còn chỗ chưa hợp lệ; xem các ô được đánh dấu bên dưới."]
        state.status = 422
        return state
    checked = check_nomination(campaign, subject, clean_data(form, subject), draft.photo, now)
    if checked.problems:
        state.problems = checked.problems
        state.status = 422
        return state
    drafts.mark_ready(draft, checked.data, checked.fit.used, checked.pdf, _local_day(now))
    session.commit()
    state.preview_token = draft.token
    return state


def _change_rows(
    session: Session, draft: Draft, subject: Subject, action: str, state: FormState
) -> FormState:
    """Add or remove a row of initiatives or awards, keeping everything typed."""
    verb, _, rest = action.partition("-")
    kind, _, index = rest.partition("-")
    if (
        kind not in ROW_LISTS
        or verb not in ("add", "remove")
        or (kind == "initiative" and subject != Subject.INDIVIDUAL)
    ):
        raise BadAction(action)
    key = ROW_LISTS[kind]
    maximum = ROW_LIMITS[key]
    rows = list(state.typed.get(key) or [])
    if verb == "add":
        if len(rows) >= maximum:
            state.notice = f"Tối đa {maximum} dòng."
        else:
            rows.append({})
    else:
        if not index.isdigit() or int(index) >= len(rows):
            raise BadAction(action)
        rows.pop(int(index))
    state.typed = {**state.typed, key: rows}
    draft.data = {"typed": state.typed}
    session.commit()
    return state


def _local_day(now: dt.datetime) -> dt.date:
    return now.astimezone(TZ).date()


# --- the preview -----------------------------------------------------------------


@dataclass
class Preview:
    draft: Draft
    campaign: Campaign
    subject: Subject


def open_preview(token: str, now: dt.datetime, *, ready: bool = True) -> Preview:
    """The draft behind a preview address; NotFound unless it exists (and is ready)."""
    draft = drafts.find_draft(get_session(), token)
    if draft is None or draft.sent_at is not None or (ready and not draft.ready):
        raise NotFound(token)
    campaign = find_call(draft.plan_slug, draft.call_key)
    return Preview(draft, campaign, Subject(draft.subject))


def _summary(preview: Preview, now: dt.datetime) -> dict[str, Any]:
    data = preview.draft.data["clean"]
    category = preview.campaign.category(preview.subject, data["category"])
    if category is None:
        raise NotFound(data["category"])
    return build_summary(preview.campaign, category, data, preview.draft.photo, now)


def preview_html(token: str, now: dt.datetime, asset_base: str) -> str:
    preview = open_preview(token, now)
    return pdf.render_html(_summary(preview, now), screen=True, asset_base=asset_base)


def preview_pdf(token: str, now: dt.datetime) -> bytes:
    preview = open_preview(token, now)
    return _draft_pdf(preview, now)[0]


def _draft_pdf(preview: Preview, now: dt.datetime) -> tuple[bytes, float]:
    """The PDF the preview rendered, or a new one when the day on its date line changed."""
    draft = preview.draft
    if draft.pdf is not None and draft.rendered_on == _local_day(now):
        return draft.pdf, draft.fill_ratio
    data, fit = pdf.render_pdf(_summary(preview, now))
    if not fit.fits:
        raise ValueError(describe_overflow(fit))
    return data, fit.used


def draft_photo(token: str) -> bytes:
    draft = drafts.find_draft(get_session(), token)
    if draft is None or not draft.photo:
        raise NotFound(token)
    return draft.photo


# --- sending ---------------------------------------------------------------------


def send_draft(token: str, address: str, now: dt.datetime) -> str:
    """Store the draft as a nomination (or a new version) with its files and mails, once.

    Returns the edit token, which names the confirmation page. A repeated request
    for the same draft, however many and however close, returns the same token.
    """
    session = get_session()
    draft = drafts.find_draft(session, token)
    if draft is None:
        raise NotFound(token)
    if draft.sent_at is not None:
        return draft.edit_token
    campaign = find_call(draft.plan_slug, draft.call_key)
    ensure_open(campaign, now)
    if not draft.ready:
        raise NotFound(token)
    if _over_submission_limit(session, address):  # before any work; counted after the claim
        session.refresh(draft)
        if draft.sent_at is not None and draft.edit_token:  # another click just stored it
            return draft.edit_token
        raise _submission_refused(draft)
    preview = Preview(draft, campaign, Subject(draft.subject))
    summary = _summary(preview, now)
    pdf_bytes, fill_ratio = _draft_pdf(preview, now)
    docx_bytes = docx_export.render_docx(summary, draft.photo)
    stamp = utc_now()
    # The claim is the transaction's first write: a second request waits here for the first
    # to commit, then finds the draft claimed.
    claimed = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.sent_at.is_(None), Draft.ready.is_(True))
        .values(sent_at=stamp)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        session.rollback()
        session.refresh(draft)
        if draft.sent_at is None or not draft.edit_token:
            raise NotFound(token)
        return draft.edit_token
    # Counted only by the request that stores, under the claim: repeated clicks on one
    # draft are one submission and all land on its confirmation, never on a 429.
    if _over_submission_limit(session, address):
        session.rollback()
        raise _submission_refused(draft)
    config = current_app.config
    record_action(session, address, "submit", config["RATE_LIMIT_WINDOW"])
    edit_token = _store_version(
        session, campaign, draft, address, stamp, pdf_bytes, fill_ratio, docx_bytes
    )
    session.commit()
    return edit_token


def _over_submission_limit(session: Session, address: str) -> bool:
    config = current_app.config
    sent = count_actions(session, address, "submit", config["RATE_LIMIT_WINDOW"])
    return sent >= config["RATE_LIMIT_SUBMISSIONS"]


def _submission_refused(draft: Draft) -> RateLimited:
    return RateLimited(
        "Địa chỉ của bạn đã gửi quá nhiều hồ sơ trong một giờ. Bản nháp vẫn được giữ; "
        "hãy đợi một lúc rồi bấm “Gửi hồ sơ” lần nữa.",
        draft.token,
    )


def _store_version(
    session: Session,
    campaign: Campaign,
    draft: Draft,
    address: str,
    stamp: dt.datetime,
    pdf_bytes: bytes,
    fill_ratio: float,
    docx_bytes: bytes,
) -> str:
    data = draft.data["clean"]
    edit_token = draft.edit_token
    previous_email = None
    if draft.nomination_id is None:
        edit_token = drafts.new_token()
        nomination = Nomination(
            reference=_new_reference(session),
            edit_token_hash=drafts.hash_token(edit_token),
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
        # Lock the nomination's row before numbering: parallel edits queue here.
        session.execute(
            update(Nomination)
            .where(Nomination.id == draft.nomination_id)
            .values(updated_at=stamp)
            .execution_options(synchronize_session=False)
        )
        nomination = session.get(Nomination, draft.nomination_id, populate_existing=True)
        previous_email = nomination.submitter_email
        number = (
            session.scalar(
                select(func.max(NominationVersion.number)).where(
                    NominationVersion.nomination_id == nomination.id
                )
            )
            or 0
        ) + 1
    nomination.category_key = data["category"]
    nomination.nominee_name = data.get("full_name") or data.get("unit_name")
    nomination.union_name = data["union_name"]
    nomination.submitter_name = data["contact_name"]
    nomination.submitter_email = data["contact_email"]
    nomination.submitter_phone = data["contact_phone"]
    nomination.client_address = address[:64]
    nomination.updated_at = stamp
    version = NominationVersion(
        nomination=nomination,
        number=number,
        data={
            "typed": draft.data["typed"],
            "clean": data,
            "consent": consent_record(draft.data["typed"], stamp),
        },
        fill_ratio=fill_ratio,
        created_at=stamp,
    )
    session.add(version)
    base = f"tom-tat-thanh-tich-{nomination.reference}-v{number}"
    files = [
        _stored(FileKind.PDF, f"{base}.pdf", "application/pdf", pdf_bytes),
        _stored(FileKind.DOCX, f"{base}.docx", DOCX_TYPE, docx_bytes),
    ]
    if draft.photo:
        photo_name = f"anh-{nomination.reference}-v{number}.jpg"
        files.append(_stored(FileKind.PHOTO, photo_name, "image/jpeg", draft.photo))
    for stored in files:
        stored.version = version
        session.add(stored)
    session.flush()
    # The office's mail and the confirmation commit with the nomination, or not at all.
    notifications.queue_nomination_mails(
        session,
        nomination,
        version,
        edit_token=edit_token,
        campaign=campaign,
        previous_email=previous_email,
    )
    # The sent draft stays as a pointer to where it went, without the personal data.
    draft.edit_token = edit_token
    draft.nomination_id = nomination.id
    draft.data = {}
    draft.photo = None
    draft.pdf = None
    log.info("nomination %s stored (version %d)", nomination.reference, number)
    return edit_token


def _new_reference(session: Session) -> str:
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


# --- after sending: the edit link ------------------------------------------------


@dataclass
class Sent:
    nomination: Nomination
    campaign: Campaign
    can_edit: bool


def open_nomination(edit_token: str, now: dt.datetime) -> Sent:
    nomination = drafts.find_by_edit_token(get_session(), edit_token)
    if nomination is None:
        raise NotFound(edit_token)
    campaign = find_call(nomination.plan_slug, nomination.call_key)
    withdrawn = nomination.status == NominationStatus.WITHDRAWN
    return Sent(nomination, campaign, describe_closure(campaign, now) is None and not withdrawn)


def nomination_file(edit_token: str, name: str) -> StoredFile:
    if name not in FILE_KINDS:
        raise NotFound(name)
    nomination = drafts.find_by_edit_token(get_session(), edit_token)
    stored = nomination.latest.file(FILE_KINDS[name]) if nomination else None
    if stored is None:
        raise NotFound(name)
    return stored


def start_edit(edit_token: str, now: dt.datetime) -> tuple[Campaign, Subject, str]:
    """A new draft holding the latest version; returns where its form is."""
    session = get_session()
    nomination = drafts.find_by_edit_token(session, edit_token)
    if nomination is None:
        raise NotFound(edit_token)
    campaign = find_call(nomination.plan_slug, nomination.call_key)
    ensure_open(campaign, now)
    if nomination.status == NominationStatus.WITHDRAWN:
        raise Closed(campaign, WITHDRAWN_MESSAGE)
    draft = drafts.draft_for_edit(session, nomination, campaign, edit_token)
    session.commit()
    return campaign, Subject(nomination.subject), draft.token
