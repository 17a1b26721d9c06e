"""Per-address (and per-account) limits, counted in the database so every worker agrees.

This module owns counting actions in a sliding window: a nomination preview
or submission per client address, a failed office login per address and per
account. It must not decide what an action is or answer the request.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import RateEvent, utc_now


def count_actions(session: Session, key: str, action: str, window_seconds: int) -> int:
    since = utc_now() - dt.timedelta(seconds=window_seconds)
    return session.scalar(
        select(func.count())
        .select_from(RateEvent)
        .where(RateEvent.address == key[:64], RateEvent.action == action, RateEvent.at >= since)
    )


def record_action(session: Session, key: str, action: str, window_seconds: int) -> None:
    """Count one action and forget those older than the window; the caller commits."""
    now = utc_now()
    session.execute(
        delete(RateEvent).where(
            RateEvent.action == action, RateEvent.at < now - dt.timedelta(seconds=window_seconds)
        )
    )
    session.add(RateEvent(address=key[:64], action=action, at=now))


def forget_actions(session: Session, key: str, action: str) -> None:
    """Forget every counted `action` of `key` (the caller commits)."""
    session.execute(
        delete(RateEvent).where(RateEvent.address == key[:64], RateEvent.action == action)
    )


def allow_action(session: Session, key: str, action: str, limit: int, window_seconds: int) -> bool:
    """Count one action for `key`; False (and nothing counted) when the window holds `limit`."""
    if count_actions(session, key, action, window_seconds) >= limit:
        return False
    record_action(session, key, action, window_seconds)
    session.commit()
    return True
