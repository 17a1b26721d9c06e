"""The personal-data pages: thin adapters between HTTP and rights.py / notice.py.

This module owns the full notice page of a call and the person's pages behind
the private edit link (what is stored, downloads, withdrawal, deletion, a
request to the office). Each view parses the request, calls one operation and
renders or redirects. It must not open the database.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from sitegen.dates import format_date

from ..campaigns import Campaign, get_now
from ..nominations.operations import find_call
from . import bp
from .notice import build_notice
from .retention import retention_warning


@bp.get("/<plan_slug>/<call_key>/bao-ve-du-lieu-ca-nhan")
def notice(plan_slug: str, call_key: str) -> Any:
    """The full notice of a call (linked from both forms)."""
    campaign = find_call(plan_slug, call_key)
    return render_template(
        "privacy/notice.html",
        campaign=campaign,
        n=build_notice(campaign, current_app.config["RETENTION_MONTHS"]),
    )


def office_retention_warning(campaign: Campaign) -> dict[str, Any] | None:
    """For the office's campaign page: when this call's data is purged, and if that is soon."""
    config = current_app.config
    warning = retention_warning(
        campaign, get_now(), config["RETENTION_MONTHS"], config["RETENTION_WARNING_DAYS"]
    )
    if warning is None:
        return None
    return {
        "date": format_date(warning.purge_on.date()),
        "days_left": warning.days_left,
        "soon": warning.soon,
        "months": config["RETENTION_MONTHS"],
    }
