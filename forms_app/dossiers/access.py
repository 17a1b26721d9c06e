"""Finding a dossier by its private link, and a nominee inside it.

This module owns the dossier's secret token (made here, shown once in the
address and the unit's mail; only its SHA-256 is stored) and the lookups
every feature behind that link uses: the dossier, and one of its nominees by
reference. Anything that cannot be a token never reaches the database.
It also owns locking a dossier's row for a change (every change to one
dossier queues there, and a sending in progress is waited for) and marking a
dossier changed since it was sent. It must not decide, commit, render or send.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..nominations.drafts import hash_token, is_token, new_token
from ..store.models import Dossier, Nomination

__all__ = [
    "find_dossier",
    "find_nominee",
    "hash_token",
    "lock_dossier",
    "mark_changed",
    "new_token",
]


def find_dossier(session: Session, token: str | None) -> Dossier | None:
    if not is_token(token):
        return None
    return session.scalar(select(Dossier).where(Dossier.token_hash == hash_token(token)))


def find_nominee(session: Session, token: str | None, reference: str) -> Nomination | None:
    """The nominee `reference` of the dossier behind `token` (any status), else None."""
    dossier = find_dossier(session, token)
    if dossier is None or not reference.isalnum() or len(reference) > 16:
        return None
    return session.scalar(
        select(Nomination).where(
            Nomination.dossier_id == dossier.id, Nomination.reference == reference
        )
    )


def lock_dossier(session: Session, dossier_id: int, stamp: dt.datetime) -> Dossier:
    """Lock the dossier's row (an UPDATE: a row lock on PostgreSQL, the write lock on
    SQLite) and read it fresh: changes to one dossier queue here, behind a sending."""
    session.execute(
        update(Dossier)
        .where(Dossier.id == dossier_id)
        .values(updated_at=stamp)
        .execution_options(synchronize_session=False)
    )
    return session.get(Dossier, dossier_id, populate_existing=True)


def mark_changed(dossier: Dossier) -> None:
    """A change after a sending: the dossier must be sent again (bản sửa đổi)."""
    if dossier.revision > 0:
        dossier.changed_since_sent = True
