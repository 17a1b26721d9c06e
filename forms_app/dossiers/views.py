"""The dossier's pages: thin adapters between HTTP and dossiers/operations.py.

This module owns the call's start page (what the plan asks, and the form that
opens a dossier), the dossier page behind its private link (the unit, the
nominees' table and its buttons, the documents as the dossier stands, the
signed scan and the sending), and their URLs. Each view parses the request,
calls one operation and renders or redirects. It must not open the database.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from ..campaigns import SUBJECT_SLUGS, describe_closure, describe_countdown, get_now
from ..errors import BadAction
from ..form_messages import VietnameseForm
from ..nominations import operations as nominee_operations
from ..nominations.criteria import describe_criteria
from ..nominations.operations import find_call
from ..nominations.views import CSRF_MESSAGE, HONEYPOT_MESSAGE, normalise_formdata
from ..privacy.notice import build_notice
from ..web import client_address
from . import operations, sending
from .forms import UnitForm
from .sending import DossierRefused

bp = Blueprint("dossiers", __name__)


class ActionForm(VietnameseForm):
    """A button that changes the dossier: only the CSRF token."""


@bp.errorhandler(DossierRefused)
def refused(error: DossierRefused) -> tuple[str, int]:
    """An empty dossier, one over its quota, a bad scan: the dossier page says why."""
    return _dossier_page(request.view_args["token"], problems=[error.message]), 422


# --- the call's start page -----------------------------------------------------------


@bp.route("/<plan_slug>/<call_key>/", methods=["GET", "POST"])
def start(plan_slug: str, call_key: str) -> Any:
    """What the plan asks for this call, and the form that opens the unit's dossier."""
    campaign = find_call(plan_slug, call_key)
    now = get_now()
    if request.method == "GET":
        return _start_page(campaign, UnitForm(formdata=None), [])
    form = UnitForm(formdata=normalise_formdata(request.form))
    if (form.website.data or "").strip():
        return render_template(
            "message.html", title="Không nhận hồ sơ", message=HONEYPOT_MESSAGE
        ), 400
    nominee_operations.ensure_open(campaign, now)  # closed: refused before any field is judged
    if not form.validate():
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            return _start_page(campaign, form, [CSRF_MESSAGE]), 400
        return _start_page(campaign, form, ["Thông tin đơn vị còn chỗ chưa hợp lệ."]), 422
    token = operations.open_dossier(campaign, form.unit_values(), client_address(), now)
    return redirect(url_for("dossiers.dossier_page", token=token), 303)


def _start_page(campaign: Any, form: UnitForm, problems: list[str]) -> str:
    now = get_now()
    return render_template(
        "dossiers/start.html",
        campaign=campaign,
        form=form,
        problems=problems,
        closed=describe_closure(campaign, now),
        deadline=campaign.deadline_text,
        countdown=describe_countdown(campaign, now),
        categories=[(c, describe_criteria(c)) for c in campaign.call.categories],
        privacy_notice=build_notice(campaign, current_app.config["RETENTION_MONTHS"]),
    )


# --- the dossier ---------------------------------------------------------------------


@bp.get("/ho-so/<token>/")
def dossier_page(token: str) -> str:
    return _dossier_page(token)


def _dossier_page(token: str, problems: Any = ()) -> str:
    now = get_now()
    view = operations.dossier_view(token, now)
    return render_template(
        "dossiers/dossier.html",
        view=view,
        dossier=view.dossier,
        campaign=view.campaign,
        token=token,
        link=url_for("dossiers.dossier_page", token=token, _external=True),
        deadline=view.campaign.deadline_text,
        countdown=describe_countdown(view.campaign, now),
        adds=[
            (subject, url_for("nominations.nomination_form", token=token, subject_slug=slug))
            for subject, slug in SUBJECT_SLUGS.items()
            if subject in view.campaign.call.subjects
        ],
        action_form=ActionForm(),
        problems=list(problems),
    )


@bp.route("/ho-so/<token>/don-vi", methods=["GET", "POST"])
def unit(token: str) -> Any:
    """The unit's details, changed until the deadline."""
    now = get_now()
    if request.method == "GET":
        view = operations.dossier_view(token, now)
        return _unit_page(token, view, UnitForm(formdata=None, data=view.unit), [])
    form = UnitForm(formdata=normalise_formdata(request.form))
    if not form.validate():
        view = operations.dossier_view(token, now)
        if form.csrf_token.errors:
            form.csrf_token.errors = []
            return _unit_page(token, view, form, [CSRF_MESSAGE]), 400
        return _unit_page(token, view, form, ["Thông tin đơn vị còn chỗ chưa hợp lệ."]), 422
    operations.update_unit(token, form.unit_values(), now)
    flash("Đã lưu thông tin đơn vị.")
    return redirect(url_for("dossiers.dossier_page", token=token), 303)


def _unit_page(token: str, view: Any, form: UnitForm, problems: list[str]) -> str:
    return render_template(
        "dossiers/unit.html",
        view=view,
        campaign=view.campaign,
        token=token,
        form=form,
        problems=problems,
    )


def _checked_action(token: str) -> None:
    """A button's POST: refused with the dossier page's message unless its CSRF token holds."""
    if not ActionForm().validate():
        raise _CsrfRefused(token)


class _CsrfRefused(Exception):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


@bp.errorhandler(_CsrfRefused)
def csrf_refused(error: _CsrfRefused) -> tuple[str, int]:
    return _dossier_page(error.token, problems=[CSRF_MESSAGE]), 400


@bp.post("/ho-so/<token>/nguoi/<reference>/bo")
def remove(token: str, reference: str) -> Any:
    _checked_action(token)
    name = operations.remove_nominee(token, reference, get_now())
    flash(f"Đã bỏ {name} khỏi hồ sơ.")
    return redirect(url_for("dossiers.dossier_page", token=token), 303)


@bp.post("/ho-so/<token>/nguoi/<reference>/<any(len, xuong):direction>")
def move(token: str, reference: str, direction: str) -> Any:
    _checked_action(token)
    operations.move_nominee(token, reference, direction, get_now())
    return redirect(
        url_for("dossiers.dossier_page", token=token, _anchor=f"nguoi-{reference}"), 303
    )


@bp.post("/ho-so/<token>/nguoi/<reference>/sua")
def edit(token: str, reference: str) -> Any:
    _checked_action(token)
    subject, draft_token = nominee_operations.start_edit(token, reference, get_now())
    return redirect(
        url_for(
            "nominations.nomination_form",
            token=token,
            subject_slug=SUBJECT_SLUGS[subject],
            nhap=draft_token,
        ),
        303,
    )


@bp.get("/ho-so/<token>/nguoi/<reference>/<any('tom-tat.pdf', 'tom-tat.docx', 'anh.jpg'):name>")
def nominee_file(token: str, reference: str, name: str) -> Response:
    stored = nominee_operations.nomination_file(token, reference, name)
    return Response(
        stored.content,
        mimetype=stored.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stored.filename}"',
            "X-Content-SHA256": stored.sha256,
        },
    )


@bp.get("/ho-so/<token>/<any('to-trinh.pdf', 'to-trinh.docx', 'danh-sach.xlsx'):name>")
def document(token: str, name: str) -> Response:
    """The Tờ trình or the danh sách as the dossier stands now."""
    return _attachment(operations.document(token, name, get_now()))


@bp.get("/ho-so/<token>/to-trinh-da-ky.pdf")
def signed_scan(token: str) -> Response:
    return _attachment(operations.signed_scan(token))


def _attachment(download: Any) -> Response:
    return Response(
        download.content,
        mimetype=download.content_type,
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@bp.post("/ho-so/<token>/ban-ky")
def upload_scan(token: str) -> Any:
    """The signed and stamped Tờ trình, scanned (PDF or image), checked strictly."""
    _checked_action(token)
    sending.upload_scan(token, request.files.get("scan"), get_now())
    flash("Đã nhận bản tờ trình đã ký; bản này được gửi kèm hồ sơ.")
    return redirect(url_for("dossiers.dossier_page", token=token, _anchor="gui-ho-so"), 303)


@bp.post("/ho-so/<token>/ban-ky/xoa")
def remove_scan(token: str) -> Any:
    _checked_action(token)
    sending.remove_scan(token, get_now())
    flash("Đã bỏ bản tờ trình đã ký.")
    return redirect(url_for("dossiers.dossier_page", token=token, _anchor="gui-ho-so"), 303)


@bp.post("/ho-so/<token>/gui")
def send(token: str) -> Any:
    """The "Gửi hồ sơ" button: the whole dossier to the office, once per revision shown."""
    _checked_action(token)
    shown = request.form.get("revision", "")
    if not shown.isdigit() or len(shown) > 6:
        raise BadAction(shown)
    result = sending.send_dossier(token, int(shown), client_address(), get_now())
    what = "hồ sơ" if result.number == 1 else f"bản sửa đổi lần {result.number - 1} của hồ sơ"
    if result.repeat:
        # A repeated click, or nothing changed since: the office already has this dossier.
        flash(f"Văn phòng đã nhận {what} {result.reference}; không có gì gửi lại.")
    else:
        flash(
            f"Đã gửi {what} {result.reference} tới văn phòng; thư xác nhận được gửi tới "
            "email liên hệ của đơn vị."
        )
    return redirect(url_for("dossiers.dossier_page", token=token, _anchor="gui-ho-so"), 303)
