"""Finding a dossier by its private link, and a nominee inside it.

This module owns the dossier's secret token (made here, shown once in the
address and the unit's mail; only its SHA-256 is stored) and the lookups
every feature behind that link uses: the dossier, and one of its nominees by
reference. Anything that cannot be a token never reaches the database. It
must not decide, commit, render or send.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..nominations.drafts import hash_token, is_token, new_token
from ..store.models import Dossier, Nomination

__all__ = ["find_dossier", "find_nominee", "hash_token", "new_token"]


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
