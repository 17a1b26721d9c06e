"""The office's page of personal-data requests at /van-phong/yeu-cau-du-lieu (office login).

Thin views on the office blueprint: the list with due dates, and the one-click
answer. Each calls one operation of privacy/operations.py.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, url_for

from ..campaigns import get_now
from ..office import bp
from ..office.views import ActionForm, login_required
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
