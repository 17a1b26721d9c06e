"""The office's personal-data pages, on the office blueprint (office login).

Thin views: the requests with due dates and the one-click answer
(/van-phong/yeu-cau-du-lieu), the access log for administrators
(/van-phong/nhat-ky-truy-cap), and the after-request hook that records every
office response showing personal data and stamps exports with who made them.
Each calls one operation of privacy/operations.py.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for

from ..campaigns import get_now
from ..office import bp
from ..office.views import ActionForm, login_required
from ..web import client_address
from . import operations


@bp.route("/yeu-cau-du-lieu")
@login_required
def privacy_requests() -> Any:
    return render_template(
        "privacy/office_requests.html",
        requests=operations.list_requests(g.office_user),
        now=get_now(),
        action_form=ActionForm(),
    )


@bp.route("/yeu-cau-du-lieu/<int:request_id>/xu-ly", methods=["POST"])
@login_required
def answer_privacy_request(request_id: int) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    flash(operations.answer_request(g.office_user, request_id))
    return redirect(url_for("office.privacy_requests"), 303)


@bp.after_request
def record_access(response: Any) -> Any:
    """Every office response that showed or exported personal data leaves one entry."""
    account = getattr(g, "office_user", None)
    if account is None or response.status_code >= 400 or not operations.is_logged(request.endpoint):
        return response
    stamp = operations.record_access(
        account,
        request.endpoint,
        dict(request.view_args or {}),
        request.query_string.decode("utf-8", "replace"),
        client_address(),
    )
    if response.status_code == 200 and operations.is_export(request.endpoint):
        response.direct_passthrough = False  # send_file's stream, read once here
        response.set_data(operations.stamp_export(request.endpoint, response.get_data(), stamp))
    return response


@bp.route("/nhat-ky-truy-cap")
@login_required
def access_log() -> Any:
    found = operations.access_log_page(g.office_user)
    return render_template(
        "privacy/access_log.html",
        entries=found.entries,
        labels=found.labels,
        action_form=ActionForm(),
    )
