"""The personal-data actions, each one operation owning its transaction.

Views and commands call one function here: purge what is past its time, show
or export what is stored about a nomination, withdraw consent, ask for
deletion or send a request to the office, and the office's answers. It must
not build HTTP responses or read the request.
"""

from __future__ import annotations

from flask import current_app

from ..campaigns import get_now
from ..store.database import get_session
from . import retention


def purge_expired() -> list[str]:
    """`flask data purge`: remove expired drafts, nominations, files, mails; say what went."""
    config = current_app.config
    report = retention.purge(
        get_session(),
        get_now(),
        retention_months=config["RETENTION_MONTHS"],
        draft_max_age_days=config["DRAFT_MAX_AGE_DAYS"],
        rate_window_seconds=config["RATE_LIMIT_WINDOW"],
    )
    return retention.describe_purge(report)
