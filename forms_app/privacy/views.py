"""The personal-data pages: thin adapters between HTTP and rights.py / notice.py.

This module owns the full notice page of a call and the person's pages behind
the dossier's private link, per nominee (what is stored, downloads, withdrawal, deletion, a
request to the office). Each view parses the request, calls one operation and
renders or redirects. It must not open the database.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sitegen.dates import format_date, format_datetime
from wtforms import SelectField
from wtforms.validators import DataRequired, InputRequired, Length

from ..campaigns import Campaign, get_now
from ..form_messages import VietnameseForm
from ..nominations.forms import TextAreaField, make_choice
from ..nominations.operations import find_call
from ..nominations.views import normalise_formdata
from . import office_views, operations  # noqa: F401  (office_views adds the office's routes)
from .cli import register_commands
from .consent import describe as describe_consent
from .notice import build_notice
from .operations import MAX_MESSAGE, REQUEST_CHOICES, AlreadyDone
from .retention import retention_warning

bp = Blueprint("privacy", __name__)


def register_privacy(app: Flask) -> None:
    """Add the notice page, the person's rights pages and the `data` CLI group."""
    register_commands(app)
    app.register_blueprint(bp)
    # The office's campaign page shows when its nominations will be purged.
    app.add_template_global(office_retention_warning, "retention_warning")
    # The office's dossier page shows what the unit agreed to (publication, sensitive data).
    app.add_template_global(describe_consent, "consent_rows")


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


# --- the person's rights, behind the dossier's link ---------------------------------------


class ActionForm(VietnameseForm):
    """A button that changes something: only the CSRF token."""


class RequestForm(VietnameseForm):
    kind = SelectField(
        "Loại yêu cầu",
        [InputRequired(message="Hãy chọn loại yêu cầu.")],
        choices=[make_choice(value, label) for value, label in REQUEST_CHOICES],
    )
    message = TextAreaField(
        "Nội dung yêu cầu",
        [
            DataRequired(message="Hãy ghi nội dung yêu cầu, ví dụ thông tin nào cần sửa thành gì."),
            Length(max=MAX_MESSAGE, message=f"Tối đa {MAX_MESSAGE} ký tự."),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description="Ví dụ: sửa năm sinh thành 1984; hoặc lý do yêu cầu xóa.",
    )


@bp.errorhandler(AlreadyDone)
def already_done(error: AlreadyDone) -> tuple[str, int]:
    return render_template("message.html", title="Đã thực hiện", message=error.message), 409


@bp.get("/ho-so/<token>/nguoi/<reference>/du-lieu")
def my_data(token: str, reference: str) -> Any:
    """Everything stored about the nominee, and the person's actions on it."""
    return _my_data_page(token, reference, RequestForm(formdata=None))


def _my_data_page(token: str, reference: str, request_form: RequestForm) -> str:
    return render_template(
        "privacy/my_data.html",
        d=operations.my_data(token, reference),
        token=token,
        reference=reference,
        action_form=ActionForm(),
        request_form=request_form,
    )


@bp.get("/ho-so/<token>/nguoi/<reference>/du-lieu.json")
def my_data_json(token: str, reference: str) -> Response:
    name, data = operations.my_data_json(token, reference)
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/ho-so/<token>/nguoi/<reference>/rut-dong-y")
def withdraw(token: str, reference: str) -> Any:
    if not ActionForm().validate():
        abort(400)
    operations.withdraw_consent(token, reference)
    flash(f"Đã rút lại sự đồng ý: hồ sơ {reference} đã được rút, văn phòng đã được báo.")
    return redirect(url_for("privacy.my_data", token=token, reference=reference), 303)


@bp.post("/ho-so/<token>/nguoi/<reference>/yeu-cau-xoa")
def erase(token: str, reference: str) -> Any:
    if not ActionForm().validate():
        abort(400)
    return _requested(token, reference, operations.request_erasure(token, reference))


@bp.post("/ho-so/<token>/nguoi/<reference>/yeu-cau")
def send_request(token: str, reference: str) -> Any:
    form = RequestForm(formdata=normalise_formdata(request.form))
    if not form.validate():
        return _my_data_page(token, reference, form), 400 if form.csrf_token.errors else 422
    return _requested(
        token,
        reference,
        operations.send_request(token, reference, form.kind.data, form.message.data),
    )


def _requested(token: str, reference: str, request_row: Any) -> Any:
    flash(
        f"Đã gửi yêu cầu “{request_row.kind.label}” tới văn phòng; hạn xử lý: "
        f"{format_datetime(request_row.due_at)}."
    )
    return redirect(url_for("privacy.my_data", token=token, reference=reference), 303)
