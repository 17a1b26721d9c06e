"""Drafts: what was typed between the form, the preview and the saving, and their lookups.

This module owns the draft rows (typed data, the processed photo, the checked
data and the rendered PDF once the preview accepted it) keyed by a random
token. A draft belongs to a dossier and keeps the dossier's link (`edit_token`)
to return to; one that has been saved is kept (without its data) so that a
repeated click on "Lưu vào hồ sơ" finds where the first one went. It must not
check criteria, render or send mail; the operations call it inside their
transactions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..campaigns import Campaign
from ..store.models import Dossier, Draft, FileKind, Nomination, utc_now

# What new_token() makes (URL-safe base64); anything else cannot be a token and never
# reaches the database (a NUL in a query parameter is an error on PostgreSQL).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def is_token(token: str | None) -> bool:
    return bool(token) and TOKEN_RE.fullmatch(token) is not None


def find_draft(session: Session, token: str | None) -> Draft | None:
    if not is_token(token):
        return None
    return session.scalar(select(Draft).where(Draft.token == token))


def delete_expired_drafts(
    session: Session, max_age_days: int, now: dt.datetime | None = None
) -> int:
    """Remove drafts untouched for `max_age_days` (also `flask data purge`); the caller commits."""
    cutoff = (now or utc_now()).astimezone(dt.UTC) - dt.timedelta(days=max_age_days)
    return session.execute(delete(Draft).where(Draft.updated_at < cutoff)).rowcount or 0


def new_draft(
    session: Session,
    campaign: Campaign,
    subject_value: str,
    *,
    dossier: Dossier,
    dossier_token: str,
    nomination: Nomination | None = None,
) -> Draft:
    """A draft for a nominee of `dossier`; it keeps the dossier's link to return to."""
    now = utc_now()
    draft = Draft(
        token=new_token(),
        plan_slug=campaign.plan.slug,
        call_key=campaign.call.key,
        subject=subject_value,
        data={},
        nomination_id=nomination.id if nomination else None,
        dossier_id=dossier.id,
        edit_token=dossier_token,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    return draft


def keep_typed(draft: Draft, typed: dict[str, Any], photo: bytes | None) -> None:
    """Store what was typed (and a new photo); the draft is no longer ready to send."""
    draft.data = {"typed": typed}
    if photo is not None:
        draft.photo = photo
    draft.ready = False
    draft.fill_ratio = None
    draft.pdf = None
    draft.rendered_on = None
    draft.updated_at = utc_now()


def mark_ready(
    draft: Draft, clean: dict[str, Any], fill_ratio: float, pdf: bytes, rendered_on: dt.date
) -> None:
    """The preview accepted the draft: keep the checked data and the page it rendered."""
    draft.data = {**draft.data, "clean": clean}
    draft.fill_ratio = fill_ratio
    draft.pdf = pdf
    draft.rendered_on = rendered_on
    draft.ready = True


def draft_for_edit(
    session: Session, nomination: Nomination, campaign: Campaign, dossier_token: str
) -> Draft:
    """A draft holding the latest version, so the unit edits what it saved."""
    latest = nomination.latest
    photo = latest.file(FileKind.PHOTO)
    draft = new_draft(
        session,
        campaign,
        nomination.subject,
        dossier=nomination.dossier,
        dossier_token=dossier_token,
        nomination=nomination,
    )
    draft.data = {"typed": latest.data["typed"]}
    draft.photo = photo.content if photo else None
    return draft
