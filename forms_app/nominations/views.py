"""The nominee pages: thin adapters between HTTP and operations.py.

The start page lists the calls; a nominee's form lives under its dossier
(`/ho-so/<token>/them/<ca-nhan|tap-the>`), its preview at `/nhap/<draft>/`,
whose button saves it into the dossier.

This module owns URLs, which template answers, status codes and
post/redirect/get. Each view parses the request, calls one operation and
renders or redirects what it returns. It must not open the database, hold
rules about the plan or render documents itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from sitegen.dates import format_datetime
from sitegen.models import Subject
from sitegen.text import clean_text
from werkzeug.datastructures import MultiDict

from ..campaigns import (
    SUBJECT_SLUGS,
    Campaign,
    describe_countdown,
    get_content,
    get_now,
    list_campaigns,
)
from ..form_messages import VietnameseForm
from ..privacy.notice import build_notice
from ..web import client_address, summary_frame
from . import bp, operations, pdf
from .criteria import describe_criteria
from .forms import CollectiveForm, IndividualForm, with_eligibility
from .operations import Closed, RateLimited
from .summary import describe_page_use

FORMS = {Subject.INDIVIDUAL: IndividualForm, Subject.COLLECTIVE: CollectiveForm}
CSRF_MESSAGE = (
    "Phiên làm việc đã hết hạn hoặc thiếu mã bảo mật, nên hồ sơ chưa được xử lý. "
    "Mọi nội dung bạn nhập vẫn còn dưới đây; hãy bấm nút gửi lần nữa."
)
HONEYPOT_MESSAGE = "Không thể nhận hồ sơ này: ô “Trang web” phải để trống."


class ConfirmForm(VietnameseForm):
    """The preview's "Lưu vào hồ sơ" button: only a CSRF token."""


# App-wide: the dossier's pages (dossiers/views.py) refuse with the same two pages.
@bp.app_errorhandler(Closed)
def closed(error: Closed) -> tuple[str, int]:
    """The call is closed: a GET shows why (200), a change is refused (403); the
    dossier, if the action came from one, stays readable."""
    status = 403 if request.method == "POST" else 200
    back = None
    if error.dossier_token:
        back = url_for("dossiers.dossier_page", token=error.dossier_token)
    return render_template(
        "closed.html", campaign=error.campaign, message=error.message, dossier_url=back
    ), status


@bp.app_errorhandler(RateLimited)
def rate_limited(error: RateLimited) -> tuple[str, int]:
    """Too many actions: back to the kept draft, or to the dossier the action came from."""
    back, label = None, None
    if error.draft_token:
        back = url_for("nominations.preview", token=error.draft_token)
    elif (request.endpoint or "").startswith("dossiers.") and "token" in (request.view_args or {}):
        back = url_for("dossiers.dossier_page", token=request.view_args["token"])
        label = "Về trang hồ sơ"
    return render_template(
        "message.html",
        title="Gửi quá nhiều lần",
        message=error.message,
        back_url=back,
        back_label=label,
    ), 429


# --- helpers --------------------------------------------------------------------


def normalise_formdata(formdata: MultiDict) -> MultiDict:
    """Every typed value cleaned once (NFC, line breaks, no controls): what the form,
    the preview, the documents and the mails then see."""
    return MultiDict([(key, clean_text(value)) for key, value in formdata.items(multi=True)])


def form_url(dossier_token: str, subject: Subject, **args: Any) -> str:
    return url_for(
        "nominations.nomination_form",
        token=dossier_token,
        subject_slug=SUBJECT_SLUGS[subject],
        **args,
    )


def dossier_url(dossier_token: str) -> str:
    return url_for("dossiers.dossier_page", token=dossier_token)


def build_form(subject: Subject, campaign: Campaign, now: dt.datetime, **kwargs: Any) -> Any:
    form_class = with_eligibility(FORMS[subject], campaign.call.eligibility_for(subject))
    form = form_class(
        now_year=now.year, requires_ethnicity=campaign.call.requires_ethnicity, **kwargs
    )
    form.set_choices([(c.key, c.name) for c in campaign.categories(subject)], campaign.call.awards)
    return form


def requires_photo(campaign: Campaign) -> bool:
    return any(item.photo for item in campaign.call.dossier)


def render_form(
    target: operations.Target, form: Any, state: operations.FormState
) -> tuple[str, int]:
    campaign, subject = target.campaign, target.subject
    if state.draft is not None:
        form.draft.data = state.draft.token
    if state.photo_error:
        form.photo.errors = [state.photo_error]
    now = get_now()
    return (
        render_template(
            "form.html",
            campaign=campaign,
            subject=subject,
            form=form,
            draft=state.draft,
            problems=state.problems,
            notice=state.notice,
            editing=state.editing,
            categories=[(c, describe_criteria(c)) for c in campaign.categories(subject)],
            deadline=campaign.deadline_text,
            countdown=describe_countdown(campaign, now),
            requires_photo=requires_photo(campaign),
            form_action=form_url(target.dossier_token, subject),
            dossier=target.dossier,
            dossier_url=dossier_url(target.dossier_token),
            privacy_notice=build_notice(campaign, current_app.config["RETENTION_MONTHS"]),
        ),
        state.status,
    )


# --- pages ----------------------------------------------------------------------


@bp.get("/")
def index() -> str:
    now = get_now()
    entries = [
        {
            "campaign": campaign,
            "open": campaign.is_open(now),
            "deadline": campaign.deadline_text,
            "countdown": describe_countdown(campaign, now),
            "categories": [(c, describe_criteria(c)) for c in campaign.call.categories],
            "start_url": url_for(
                "dossiers.start", plan_slug=campaign.plan.slug, call_key=campaign.call.key
            ),
        }
        for campaign in list_campaigns(get_content())
    ]
    return render_template(
        "index.html",
        entries=entries,
        pinned=current_app.config["NOW"] is not None,
        now_text=format_datetime(now),
        site_url=current_app.config["PUBLIC_SITE_URL"],
    )


@bp.route("/ho-so/<token>/them/<subject_slug>", methods=["GET", "POST"])
def nomination_form(token: str, subject_slug: str) -> Any:
    """A nominee of the dossier: the summary's form, new or (with ?nhap=) a draft."""
    now = get_now()
    target = operations.form_target(token, subject_slug, now)
    if request.method == "GET":
        state = operations.open_form(target, request.args.get("nhap"))
        if state.saved:
            return redirect(dossier_url(token))
        form = build_form(target.subject, target.campaign, now, formdata=None, data=state.typed)
        return render_form(target, form, state)
    formdata = normalise_formdata(request.form)
    form = build_form(target.subject, target.campaign, now, formdata=formdata)
    if (form.website.data or "").strip():
        return render_template(
            "message.html", title="Không nhận hồ sơ", message=HONEYPOT_MESSAGE
        ), 400
    if not form.csrf_token.validate(form):
        # Nothing is stored from a request without a valid token; everything typed is shown.
        form.csrf_token.errors = []
        state = operations.FormState(problems=[CSRF_MESSAGE], status=400)
        return render_form(target, form, state)
    state = operations.save_form(
        target,
        form,
        action=request.form.get("action", "preview"),
        photo_upload=request.files.get("photo"),
        address=client_address(),
        now=now,
        requires_photo=requires_photo(target.campaign),
    )
    if state.preview_token:
        return redirect(url_for("nominations.preview", token=state.preview_token), 303)
    if state.status == 200:  # a row added or removed: the form again, from what was typed
        form = build_form(target.subject, target.campaign, now, formdata=None, data=state.typed)
    return render_form(target, form, state)


@bp.get("/nhap/<token>/")
def preview(token: str) -> Any:
    now = get_now()
    saved = operations.saved_dossier_token(token)
    if saved:
        return redirect(dossier_url(saved))
    found = operations.open_preview(token, now, ready=False)
    if not found.draft.ready:
        return redirect(form_url(found.dossier_token, found.subject, nhap=token))
    operations.ensure_open(found.campaign, now, found.dossier_token)
    return render_preview(found, ConfirmForm())


def render_preview(found: operations.Preview, confirm: Any, problems: list[str] = ()) -> Any:
    return render_template(
        "preview.html",
        campaign=found.campaign,
        subject=found.subject,
        draft=found.draft,
        used=describe_page_use(found.draft.fill_ratio),
        confirm=confirm,
        back_url=form_url(found.dossier_token, found.subject, nhap=found.draft.token),
        dossier=found.dossier,
        dossier_url=dossier_url(found.dossier_token),
        problems=list(problems),
    )


@bp.get("/nhap/<token>/trang")
@summary_frame
def preview_page(token: str) -> Response:
    """The summary as HTML with the print stylesheet, shown in the preview's frame."""
    html = operations.preview_html(
        token, get_now(), asset_base=url_for("nominations.asset", name="")
    )
    return Response(html, mimetype="text/html")


@bp.get("/nhap/<token>/ban-xem-truoc.pdf")
def preview_pdf(token: str) -> Response:
    return Response(
        operations.preview_pdf(token, get_now()),
        mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="ban-xem-truoc.pdf"'},
    )


@bp.get("/nhap/<token>/anh.jpg")
def draft_photo(token: str) -> Response:
    return Response(operations.draft_photo(token), mimetype="image/jpeg")


@bp.get("/tai-nguyen/<path:name>")
def asset(name: str) -> Response:
    try:
        data = pdf.read_asset(name)
    except ValueError:
        abort(404)
    response = Response(data, mimetype="font/ttf")
    response.cache_control.max_age = 86400
    return response


@bp.post("/nhap/<token>/gui")
def submit(token: str) -> Any:
    """ "Lưu vào hồ sơ": the nominee joins its dossier (once, however many clicks)."""
    if not ConfirmForm().validate():
        found = operations.open_preview(token, get_now())
        return render_preview(found, ConfirmForm(formdata=None), [CSRF_MESSAGE]), 400
    dossier_token = operations.save_draft(token, client_address(), get_now())
    return redirect(dossier_url(dossier_token), 303)
