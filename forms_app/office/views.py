"""Thin views of the office at /van-phong/: each checks the login, calls one query, renders.

Every object is looked up through queries.py with the logged-in account, so
a nomination, a file or a mail of another issuing body answers 404 exactly
like one that does not exist. Changes (login, logout, resend) are POST with a
CSRF token. This module must not hold access rules or export layouts.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Callable
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sitegen.dates import format_datetime
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ..campaigns import get_content, get_now
from ..mail.notifications import ascii_filename
from ..mail.outbox import resend_mail, start_background_pass
from ..store.database import get_session
from ..store.models import FileKind, MailKind, MailState, NominationStatus, OfficeUser
from ..web import client_address
from . import bp, exports, queries
from .accounts import authenticate, clear_failed_logins, login_blocked, record_failed_login

FILE_KINDS = {"pdf": FileKind.PDF, "docx": FileKind.DOCX, "anh": FileKind.PHOTO}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LoginForm(FlaskForm):
    username = StringField(
        "Tên đăng nhập", [InputRequired(message="Hãy nhập tên đăng nhập."), Length(max=100)]
    )
    password = PasswordField(
        "Mật khẩu", [InputRequired(message="Hãy nhập mật khẩu."), Length(max=200)]
    )


class ActionForm(FlaskForm):
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
    g.office_user = None
    user_id = session.get("office_user_id")
    if user_id is not None:
        user = get_session().get(OfficeUser, user_id)
        if user is not None and user.active:
            g.office_user = user


@bp.after_request
def private_headers(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def login_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.office_user is None:
            return redirect(url_for("office.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    prefix = url_for("office.index")
    if target and target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return prefix


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        db = get_session()
        address = client_address()
        config = current_app.config
        window = config["OFFICE_LOGIN_WINDOW"]
        if login_blocked(db, address, config["OFFICE_LOGIN_LIMIT"], window):
            error = (
                "Đăng nhập sai quá nhiều lần từ địa chỉ này. "
                f"Hãy thử lại sau {max(1, window // 60)} phút."
            )
            status = 429
        else:
            user = authenticate(db, form.username.data, form.password.data)
            if user is None:
                record_failed_login(db, address, window)
                error = "Tên đăng nhập hoặc mật khẩu không đúng."
                status = 401
            else:
                clear_failed_logins(db, address)
                session.clear()
                session["office_user_id"] = user.id
                return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
        error = "Phiên làm việc đã hết hạn; hãy đăng nhập lại." if form.csrf_token.errors else None
    return render_template("office/login.html", form=form, error=error), status


@bp.route("/dang-xuat", methods=["POST"])
def logout():
    if ActionForm().validate_on_submit():
        session.pop("office_user_id", None)
    return redirect(url_for("office.login"))


@bp.route("/")
@login_required
def index():
    content = get_content()
    db = get_session()
    campaigns = queries.visible_campaigns(content, g.office_user)
    counts = {(c.plan.slug, c.call.key): queries.count_nominations(db, c) for c in campaigns}
    issuers = [
        content.issuers[k] for k in sorted(g.office_user.issuer_keys) if k in content.issuers
    ]
    return render_template(
        "office/index.html",
        campaigns=campaigns,
        counts=counts,
        issuers=issuers,
        now=get_now(),
        action_form=ActionForm(),
    )


def _campaign_or_404(plan_slug: str, call_key: str):
    campaign = queries.get_campaign(get_content(), g.office_user, plan_slug, call_key)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/dot/<plan_slug>/<call_key>/")
@login_required
def campaign(plan_slug: str, call_key: str):
    found = _campaign_or_404(plan_slug, call_key)
    db = get_session()
    filters = queries.Filters.from_args(request.args)
    nominations = queries.list_nominations(db, found, filters)
    categories = [*found.categories(found.call.subjects[0])]
    for subject in found.call.subjects[1:]:
        categories.extend(found.categories(subject))
    return render_template(
        "office/campaign.html",
        campaign=found,
        nominations=nominations,
        filters=filters,
        categories=categories,
        unions=queries.union_names(db, found),
        statuses=list(NominationStatus),
        category_names={c.key: c.name for c in categories},
        action_form=ActionForm(),
    )


def _export_name(campaign, extension: str) -> str:
    return ascii_filename("Danh sach trich ngang", campaign.plan.slug, extension=extension)


def _filtered_nominations(plan_slug: str, call_key: str):
    """The campaign (404 unless the account may see it) and its filtered nominations."""
    found = _campaign_or_404(plan_slug, call_key)
    nominations = queries.list_nominations(
        get_session(), found, queries.Filters.from_args(request.args)
    )
    return found, nominations


def _download(data: bytes, mimetype: str, name: str):
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/dot/<plan_slug>/<call_key>/danh-sach.xlsx")
@login_required
def export_xlsx(plan_slug: str, call_key: str):
    found, nominations = _filtered_nominations(plan_slug, call_key)
    data = exports.render_xlsx(found, exports.build_rows(found, nominations))
    return _download(data, XLSX, _export_name(found, "xlsx"))


@bp.route("/dot/<plan_slug>/<call_key>/danh-sach.csv")
@login_required
def export_csv(plan_slug: str, call_key: str):
    found, nominations = _filtered_nominations(plan_slug, call_key)
    data = exports.render_csv(exports.build_rows(found, nominations))
    return _download(data, "text/csv; charset=utf-8", _export_name(found, "csv"))


@bp.route("/dot/<plan_slug>/<call_key>/ho-so.zip")
@login_required
def export_zip(plan_slug: str, call_key: str):
    found, nominations = _filtered_nominations(plan_slug, call_key)
    data = exports.render_zip(found, nominations, exports.build_rows(found, nominations))
    name = ascii_filename("Ho so", found.plan.slug, found.call.key, extension="zip")
    return _download(data, "application/zip", name)


@bp.route("/ho-so/<reference>")
@login_required
def nomination(reference: str):
    content = get_content()
    db = get_session()
    found = queries.get_nomination(db, content, g.office_user, reference)
    if found is None:
        abort(404)
    campaign = queries.get_campaign(content, g.office_user, found.plan_slug, found.call_key)
    return render_template(
        "office/nomination.html",
        nomination=found,
        campaign=campaign,
        mails=queries.list_mails(db, content, g.office_user, nomination_id=found.id),
        action_form=ActionForm(),
        kinds=FILE_KINDS,
    )


@bp.route("/ho-so/<reference>/ban-<int:number>/<kind>")
@login_required
def download(reference: str, number: int, kind: str):
    if kind not in FILE_KINDS:
        abort(404)
    found = queries.get_nomination(get_session(), get_content(), g.office_user, reference)
    version = queries.get_version(found, number) if found else None
    stored = version.file(FILE_KINDS[kind]) if version else None
    if stored is None:
        abort(404)
    extension = stored.filename.rsplit(".", 1)[-1]
    stem = "Anh" if stored.kind == FileKind.PHOTO else "Tom tat thanh tich"
    return send_file(
        io.BytesIO(stored.content),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=ascii_filename(
            stem, found.nominee_name, found.reference, f"ban {number}", extension=extension
        ),
    )


@bp.route("/thu-gui")
@login_required
def outbox():
    state = request.args.get("trang_thai", "")
    mails = queries.list_mails(get_session(), get_content(), g.office_user, state=state)
    return render_template(
        "office/outbox.html",
        mails=mails,
        state=state,
        states=list(MailState),
        kinds=MailKind,
        action_form=ActionForm(),
    )


@bp.route("/thu-gui/<int:mail_id>/gui-lai", methods=["POST"])
@login_required
def resend(mail_id: int):
    db = get_session()
    mail = queries.get_mail(db, get_content(), g.office_user, mail_id)
    if mail is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    resend_mail(db, mail)
    db.commit()
    if current_app.config["OUTBOX_SEND_AFTER_COMMIT"]:
        start_background_pass(current_app._get_current_object())
    flash(f"Đã đưa thư “{mail.subject}” vào hàng đợi gửi lại.")
    return redirect(_safe_next(request.form.get("back")))
