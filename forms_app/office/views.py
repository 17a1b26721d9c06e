"""Thin views of the office at /van-phong/: each checks the login, calls one operation, renders.

Every object is looked up by operations.py through queries.py with the
logged-in account, so a dossier, a nomination, a file, a quota or a mail of
another issuing body answers 404 exactly like one that does not exist.
Changes (login, logout, resend, quotas) are POST with a CSRF token. The
signed cookie holds only the random token of a server-side login
(operations.log_in); logging out deletes that login. This module must not
open the database, hold access rules or export layouts.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from typing import Any

from flask import (
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from sitegen.dates import format_datetime
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ..campaigns import get_now
from ..form_messages import VietnameseForm
from ..web import client_address
from . import bp, operations
from .forms import QuotaForm
from .operations import Download, FilterError, LoginRefused

SESSION_KEY = "office_login"


class LoginForm(VietnameseForm):
    username = StringField(
        "Tên đăng nhập",
        [
            InputRequired(message="Hãy nhập tên đăng nhập."),
            Length(max=100, message="Tên đăng nhập tối đa 100 ký tự."),
        ],
    )
    password = PasswordField(
        "Mật khẩu",
        [
            InputRequired(message="Hãy nhập mật khẩu."),
            Length(max=200, message="Mật khẩu tối đa 200 ký tự."),
        ],
    )


class ActionForm(VietnameseForm):
    """A button that changes something: only the CSRF token."""


@bp.app_template_filter("vn_datetime")
def vn_datetime(value: Any) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite returns naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value)


@bp.before_request
def load_account() -> None:
    g.office_user = operations.current_account(session.get(SESSION_KEY))


@bp.errorhandler(FilterError)
def bad_filter(error: FilterError) -> tuple[str, int]:
    back = request.base_url if request.endpoint == "office.campaign" else None
    return render_template(
        "office/message.html",
        title="Bộ lọc không hợp lệ",
        message=str(error),
        back_url=back,
        action_form=ActionForm(),
    ), 400


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.office_user is None:
            return redirect(url_for("office.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    prefix = url_for("office.index")
    if (
        target
        and target.startswith(prefix)
        and target.isprintable()
        and "//" not in target
        and "\\" not in target
    ):
        return target
    return prefix


def _download(found: Download):
    return send_file(
        io.BytesIO(found.data),
        mimetype=found.mimetype,
        as_attachment=True,
        download_name=found.filename,
    )


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            token = operations.log_in(form.username.data, form.password.data, client_address())
        except LoginRefused as refused:
            error, status = refused.message, refused.status
        else:
            session.clear()
            session[SESSION_KEY] = token
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
        error = "Phiên làm việc đã hết hạn; hãy đăng nhập lại." if form.csrf_token.errors else None
    return render_template("office/login.html", form=form, error=error), status


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    if ActionForm().validate_on_submit():
        operations.log_out(session.pop(SESSION_KEY, None))
    return redirect(url_for("office.login"))


@bp.route("/")
@login_required
def index():
    found = operations.overview(g.office_user)
    return render_template(
        "office/index.html",
        campaigns=found.campaigns,
        counts=found.counts,
        issuers=found.issuers,
        now=get_now(),
        action_form=ActionForm(),
    )


@bp.route("/dot/<plan_slug>/<call_key>/")
@login_required
def campaign(plan_slug: str, call_key: str):
    found = operations.campaign_page(g.office_user, plan_slug, call_key, request.args)
    return render_template(
        "office/campaign.html",
        page=found,
        campaign=found.campaign,
        filters=found.filters,
        category_names=found.category_names,
        quota_form=QuotaForm(),
        action_form=ActionForm(),
    )


@bp.route("/dot/<plan_slug>/<call_key>/dinh-muc", methods=["POST"])
@login_required
def set_quota(plan_slug: str, call_key: str):
    form = QuotaForm()
    if not form.validate_on_submit():
        found = operations.quota_page(g.office_user, plan_slug, call_key)
        return render_template(
            "office/quotas.html", page=found, quota_form=form, action_form=ActionForm()
        ), 400
    flash(operations.set_quota(g.office_user, plan_slug, call_key, form.union_name, form.number))
    return redirect(_quota_anchor(plan_slug, call_key), 303)


@bp.route("/dot/<plan_slug>/<call_key>/dinh-muc/<int:quota_id>/bo", methods=["POST"])
@login_required
def remove_quota(plan_slug: str, call_key: str, quota_id: int):
    confirmed = ActionForm().validate_on_submit()
    flash(
        operations.remove_quota(g.office_user, plan_slug, call_key, quota_id, confirmed=confirmed)
    )
    return redirect(_quota_anchor(plan_slug, call_key), 303)


def _quota_anchor(plan_slug: str, call_key: str) -> str:
    return url_for("office.campaign", plan_slug=plan_slug, call_key=call_key, _anchor="dinh-muc")


@bp.route("/dot/<plan_slug>/<call_key>/danh-sach.xlsx")
@login_required
def export_xlsx(plan_slug: str, call_key: str):
    return _download(operations.export(g.office_user, plan_slug, call_key, request.args, "xlsx"))


@bp.route("/dot/<plan_slug>/<call_key>/danh-sach.csv")
@login_required
def export_csv(plan_slug: str, call_key: str):
    return _download(operations.export(g.office_user, plan_slug, call_key, request.args, "csv"))


@bp.route("/dot/<plan_slug>/<call_key>/ho-so.zip")
@login_required
def export_zip(plan_slug: str, call_key: str):
    return _download(operations.export(g.office_user, plan_slug, call_key, request.args, "zip"))


@bp.route("/ho-so-don-vi/<dossier>")
@login_required
def dossier(dossier: str):
    found = operations.dossier_page(g.office_user, dossier)
    return render_template(
        "office/dossier.html",
        page=found,
        dossier=found.dossier,
        campaign=found.campaign,
        category_names=found.category_names,
        references=found.references,
        action_form=ActionForm(),
    )


@bp.route("/ho-so-don-vi/<dossier>/lan-<int:number>.zip")
@login_required
def dossier_zip(dossier: str, number: int):
    return _download(operations.sending_zip(g.office_user, dossier, number))


@bp.route("/ho-so/<reference>")
@login_required
def nomination(reference: str):
    found = operations.nomination_page(g.office_user, reference)
    return render_template(
        "office/nomination.html",
        nomination=found.nomination,
        campaign=found.campaign,
        mails=found.mails,
        action_form=ActionForm(),
        kinds=found.kinds,
        references=found.references,
    )


@bp.route("/ho-so/<reference>/ban-<int:number>/<kind>")
@login_required
def download(reference: str, number: int, kind: str):
    return _download(operations.nomination_file(g.office_user, reference, number, kind))


@bp.route("/thu-gui")
@login_required
def outbox():
    found = operations.outbox_page(g.office_user, request.args.get("trang_thai", ""))
    return render_template(
        "office/outbox.html",
        mails=found.mails,
        state=found.state,
        states=found.states,
        kinds=found.kinds,
        references=found.references,
        action_form=ActionForm(),
    )


@bp.route("/thu-gui/<int:mail_id>/gui-lai", methods=["POST"])
@login_required
def resend(mail_id: int):
    confirmed = ActionForm().validate_on_submit()
    subject = operations.resend(g.office_user, mail_id, confirmed=confirmed)
    flash(f"Đã đưa thư “{subject}” vào hàng đợi gửi lại.")
    return redirect(_safe_next(request.form.get("back")))
