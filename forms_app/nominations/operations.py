"""The actions a person takes on a nomination, each one operation owning its transaction.

Views parse the request and call one function here: open a dossier's nominee
form, save what was typed (preview, or add/remove a row), show the preview,
save the draft into its dossier, download one of a nominee's files, start an
edit. Every nominee belongs to a dossier (dossiers/): the union and its
contact come from there, and nothing is mailed here (the dossier is sent whole).
Each function finds what it needs, decides, commits (or not) and returns a
plain result; refusals a person can cause are exceptions with a Vietnamese
message (`NotFound`, `Closed`, `RateLimited`). It must not build HTTP
responses or read the request.

Saving is idempotent: the draft is claimed with a conditional UPDATE as the
first write of the transaction (a row lock on PostgreSQL, the write lock on
SQLite), so of two clicks, one stores the nominee and the other finds the
claimed draft and lands on the same dossier page. The dossier's row is locked
before a new nominee is numbered, and the nominee's before a version is, so
parallel saves never collide.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sitegen.models import TZ, Subject
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..campaigns import SUBJECTS_BY_SLUG, Campaign, describe_closure, find_campaign, get_content
from ..content_types import DOCX_TYPE
from ..dossiers.access import find_dossier, find_nominee, lock_dossier, mark_changed
from ..errors import BadAction, NotFound
from ..privacy.consent import consent_record
from ..store.database import get_session
from ..store.models import (
    Dossier,
    Draft,
    FileKind,
    Nomination,
    NominationStatus,
    NominationVersion,
    StoredFile,
    checksummed,
    utc_now,
)
from ..store.ratelimit import allow_action
from . import docx_export, drafts, pdf
from .forms import ROW_LIMITS
from .photos import PhotoError, process_photo
from .summary import build_summary, check_nomination, clean_data, describe_overflow, typed_values

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a reference read over the phone must not be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
ROW_LISTS = {"initiative": "initiatives", "award": "awards"}
FILE_KINDS = {"tom-tat.pdf": FileKind.PDF, "tom-tat.docx": FileKind.DOCX, "anh.jpg": FileKind.PHOTO}


WITHDRAWN_MESSAGE = "Người này đã rút lại sự đồng ý nên không sửa được nữa."


class Closed(Exception):
    """The call takes no nomination now; the message says why."""

    def __init__(self, campaign: Campaign, message: str, dossier_token: str | None = None):
        super().__init__(message)
        self.campaign = campaign
        self.message = message
        self.dossier_token = dossier_token  # the dossier the refused action came from


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


def ensure_open(campaign: Campaign, now: dt.datetime, dossier_token: str | None = None) -> None:
    closed = describe_closure(campaign, now)
    if closed:
        raise Closed(campaign, closed, dossier_token)


@dataclass(frozen=True)
class Target:
    """Where a nominee form saves to: the dossier (by its link), its call, the subject."""

    dossier: Dossier
    dossier_token: str
    campaign: Campaign
    subject: Subject


def form_target(dossier_token: str, subject_slug: str, now: dt.datetime) -> Target:
    """The dossier's form for one subject; NotFound for a wrong link or a subject the call
    does not take, Closed once the call is closed."""
    dossier = find_dossier(get_session(), dossier_token)
    if dossier is None:
        raise NotFound(dossier_token)
    campaign = find_call(dossier.plan_slug, dossier.call_key)
    subject = SUBJECTS_BY_SLUG.get(subject_slug)
    if subject is None or subject not in campaign.call.subjects:
        raise NotFound(subject_slug)
    ensure_open(campaign, now, dossier_token)
    return Target(dossier, dossier_token, campaign, subject)


def _draft_for(session: Session, token: str | None, target: Target) -> Draft | None:
    """The draft named by `token` if it belongs to this dossier's form, else None."""
    draft = drafts.find_draft(session, token)
    if draft is None:
        return None
    if (draft.dossier_id, draft.subject) != (target.dossier.id, target.subject.value):
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
    saved: bool = False  # set when the draft was already saved into the dossier


def open_form(target: Target, token: str | None) -> FormState:
    """The empty form, or the one a draft holds (back from the preview, or an edit)."""
    session = get_session()
    draft = _draft_for(session, token, target)
    if draft is None:
        return FormState()
    if draft.sent_at is not None:
        return FormState(saved=True)
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


def _keep_draft(session: Session, target: Target, form: Any, photo: bytes | None) -> Draft:
    """Store what was typed in the form's draft (a new one if it has none)."""
    draft = _draft_for(session, form.draft.data, target)
    if draft is None or draft.sent_at is not None:
        if draft is None:
            drafts.delete_expired_drafts(session, current_app.config["DRAFT_MAX_AGE_DAYS"])
        # Typed again after saving: a new version of what was saved, never a second nominee.
        draft = drafts.new_draft(
            session,
            target.campaign,
            target.subject.value,
            dossier=target.dossier,
            dossier_token=target.dossier_token,
            nomination=_edited(session, draft),
        )
    drafts.keep_typed(draft, typed_values(form), photo)
    return draft


def save_form(
    target: Target,
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
    session = get_session()
    photo, photo_error = _read_photo(photo_upload)
    draft = _keep_draft(session, target, form, photo)
    session.commit()
    editing = _edited(session, draft)
    state = FormState(draft=draft, editing=editing, typed=draft.data["typed"])
    if action != "preview":
        return _change_rows(session, draft, target.subject, action, state)
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
    checked = check_nomination(
        target.campaign,
        target.subject,
        clean_data(form, target.subject),
        draft.photo,
        now,
        union_name=target.dossier.union_name,
    )
    if checked.problems:
        state.problems = checked.problems
        state.status = 422
        return state
    drafts.mark_ready(draft, checked.data, checked.fit.used, checked.pdf, _local_day(now))
    # The page printed the union's name as it was: a renamed union renders again.
    draft.data = {**draft.data, "union_name": target.dossier.union_name}
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
    dossier: Dossier

    @property
    def dossier_token(self) -> str:
        return self.draft.edit_token


def open_preview(token: str, now: dt.datetime, *, ready: bool = True) -> Preview:
    """The draft behind a preview address; NotFound unless it exists (and is ready)."""
    session = get_session()
    draft = drafts.find_draft(session, token)
    if draft is None or draft.sent_at is not None or (ready and not draft.ready):
        raise NotFound(token)
    dossier = session.get(Dossier, draft.dossier_id) if draft.dossier_id else None
    if dossier is None:
        raise NotFound(token)
    campaign = find_call(draft.plan_slug, draft.call_key)
    return Preview(draft, campaign, Subject(draft.subject), dossier)


def saved_dossier_token(token: str) -> str | None:
    """The dossier a draft was already saved into (a repeated click), else None."""
    draft = drafts.find_draft(get_session(), token)
    if draft is None or draft.sent_at is None:
        return None
    return draft.edit_token


def _summary(preview: Preview, now: dt.datetime) -> dict[str, Any]:
    data = preview.draft.data["clean"]
    category = preview.campaign.category(preview.subject, data["category"])
    if category is None:
        raise NotFound(data["category"])
    return build_summary(
        preview.campaign,
        category,
        data,
        preview.draft.photo,
        now,
        union_name=preview.dossier.union_name,
    )


def preview_html(token: str, now: dt.datetime, asset_base: str) -> str:
    preview = open_preview(token, now)
    return pdf.render_html(_summary(preview, now), screen=True, asset_base=asset_base)


def preview_pdf(token: str, now: dt.datetime) -> bytes:
    preview = open_preview(token, now)
    return _draft_pdf(preview, now)[0]


def _draft_pdf(preview: Preview, now: dt.datetime) -> tuple[bytes, float]:
    """The PDF the preview rendered, or a new one when the day on its date line changed
    (or the dossier's union name, printed on it, was changed since)."""
    draft = preview.draft
    if (
        draft.pdf is not None
        and draft.rendered_on == _local_day(now)
        and draft.data.get("union_name") == preview.dossier.union_name
    ):
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


# --- saving into the dossier -----------------------------------------------------


def save_draft(token: str, address: str, now: dt.datetime) -> str:
    """Store the draft in its dossier as a nominee (or a new version of one), once.

    Returns the dossier's token, which names the dossier page. A repeated request
    for the same draft, however many and however close, returns the same token.
    Nothing is mailed: the dossier is sent whole, from its page.
    """
    session = get_session()
    draft = drafts.find_draft(session, token)
    if draft is None:
        raise NotFound(token)
    if draft.sent_at is not None:
        return draft.edit_token
    preview = open_preview(token, now, ready=False)
    ensure_open(preview.campaign, now, preview.dossier_token)
    if not draft.ready:
        raise NotFound(token)
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
    # No limit of its own: every save needs a draft the preview accepted, and previews are
    # limited per address (RATE_LIMIT_PREVIEWS).
    _store_version(session, preview, address, stamp, pdf_bytes, fill_ratio, docx_bytes)
    session.commit()
    return draft.edit_token


def _store_version(
    session: Session,
    preview: Preview,
    address: str,
    stamp: dt.datetime,
    pdf_bytes: bytes,
    fill_ratio: float,
    docx_bytes: bytes,
) -> None:
    draft, campaign = preview.draft, preview.campaign
    data = draft.data["clean"]
    dossier = lock_dossier(session, preview.dossier.id, stamp)
    if draft.nomination_id is None:
        last = session.scalar(
            select(func.max(Nomination.position)).where(Nomination.dossier_id == dossier.id)
        )
        nomination = Nomination(
            reference=_new_reference(session),
            # The nominee is reached through its dossier's link; this token is never shown.
            edit_token_hash=drafts.hash_token(drafts.new_token()),
            plan_slug=campaign.plan.slug,
            call_key=campaign.call.key,
            subject=draft.subject,
            status=NominationStatus.PENDING,
            deadline_at=campaign.closes_at,
            created_at=stamp,
            dossier_id=dossier.id,
            position=(last or 0) + 1,
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
        number = (
            session.scalar(
                select(func.max(NominationVersion.number)).where(
                    NominationVersion.nomination_id == nomination.id
                )
            )
            or 0
        ) + 1
    mark_changed(dossier)
    nomination.category_key = data["category"]
    nomination.nominee_name = data.get("full_name") or data.get("unit_name")
    copy_unit(dossier, nomination)
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
    # The saved draft stays as a pointer to where it went, without the personal data.
    draft.nomination_id = nomination.id
    draft.data = {}
    draft.photo = None
    draft.pdf = None
    log.info(
        "nominee %s saved in dossier %s (version %d)",
        nomination.reference,
        dossier.reference,
        number,
    )


def copy_unit(dossier: Dossier, nomination: Nomination) -> None:
    """The nominee carries its dossier's union and contact (the office filters by them)."""
    nomination.union_name = dossier.union_name
    nomination.submitter_name = dossier.contact_name
    nomination.submitter_email = dossier.contact_email
    nomination.submitter_phone = dossier.contact_phone


def new_reference(session: Session, model: type = Nomination) -> str:
    """A reference no row of `model` has, from REFERENCE_ALPHABET."""
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if session.scalar(select(model.id).where(model.reference == reference)) is None:
            return reference


def _new_reference(session: Session) -> str:
    return new_reference(session, Nomination)


def _stored(kind: FileKind, filename: str, content_type: str, content: bytes) -> StoredFile:
    return StoredFile(
        kind=kind,
        filename=filename,
        content_type=content_type,
        **checksummed(content),
    )


# --- a saved nominee: its files, an edit -------------------------------------------


def nomination_file(dossier_token: str, reference: str, name: str) -> StoredFile:
    if name not in FILE_KINDS:
        raise NotFound(name)
    nomination = find_nominee(get_session(), dossier_token, reference)
    stored = nomination.latest.file(FILE_KINDS[name]) if nomination else None
    if stored is None:
        raise NotFound(name)
    return stored


def start_edit(dossier_token: str, reference: str, now: dt.datetime) -> tuple[Subject, str]:
    """A new draft holding the nominee's latest version; returns its subject and token."""
    session = get_session()
    nomination = find_nominee(session, dossier_token, reference)
    if nomination is None or nomination.status == NominationStatus.REMOVED:
        raise NotFound(reference)
    campaign = find_call(nomination.plan_slug, nomination.call_key)
    ensure_open(campaign, now, dossier_token)
    if nomination.status == NominationStatus.WITHDRAWN:
        raise Closed(campaign, WITHDRAWN_MESSAGE, dossier_token)
    draft = drafts.draft_for_edit(session, nomination, campaign, dossier_token)
    session.commit()
    return Subject(nomination.subject), draft.token
