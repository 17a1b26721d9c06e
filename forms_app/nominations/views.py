"""The nomination pages: thin adapters between HTTP and operations.py.

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
    SUBJECTS_BY_SLUG,
    Campaign,
    describe_countdown,
    get_content,
    get_now,
    list_campaigns,
)
from ..errors import NotFound
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
    """The preview's "send" button and the edit button: only a CSRF token."""


@bp.errorhandler(Closed)
def closed(error: Closed) -> tuple[str, int]:
    status = 403 if request.method == "POST" else 200
    return render_template("closed.html", campaign=error.campaign, message=error.message), status


@bp.errorhandler(RateLimited)
def rate_limited(error: RateLimited) -> tuple[str, int]:
    back = url_for("nominations.preview", token=error.draft_token) if error.draft_token else None
    return render_template(
        "message.html", title="Gửi quá nhiều lần", message=error.message, back_url=back
    ), 429


# --- helpers --------------------------------------------------------------------


def normalise_formdata(formdata: MultiDict) -> MultiDict:
    """Every typed value cleaned once (NFC, line breaks, no controls): what the form,
    the preview, the documents and the mails then see."""
    return MultiDict([(key, clean_text(value)) for key, value in formdata.items(multi=True)])


def subject_or_404(campaign: Campaign, subject_slug: str) -> Subject:
    subject = SUBJECTS_BY_SLUG.get(subject_slug)
    if subject is None or subject not in campaign.call.subjects:
        abort(404)
    return subject


def form_url(campaign: Campaign, subject: Subject, **args: Any) -> str:
    return url_for(
        "nominations.nomination_form",
        plan_slug=campaign.plan.slug,
        call_key=campaign.call.key,
        subject_slug=SUBJECT_SLUGS[subject],
        **args,
    )


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
    campaign: Campaign, subject: Subject, form: Any, state: operations.FormState
) -> tuple[str, int]:
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
            form_action=form_url(campaign, subject),
            privacy_notice=build_notice(campaign, current_app.config["RETENTION_MONTHS"]),
        ),
        state.status,
    )


def confirmation_url(edit_token: str) -> str:
    return url_for("nominations.edit", token=edit_token)


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
            "forms": [(s.label, form_url(campaign, s)) for s in campaign.call.subjects],
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


@bp.get("/<plan_slug>/<call_key>/")
def call_page(plan_slug: str, call_key: str) -> Response:
    """The address the public site links to: one form per subject, or a choice."""
    campaign = operations.find_call(plan_slug, call_key)
    if len(campaign.call.subjects) == 1:
        return redirect(form_url(campaign, campaign.call.subjects[0]))
    return redirect(url_for("nominations.index", _anchor=f"{plan_slug}--{call_key}"))


@bp.route("/<plan_slug>/<call_key>/<subject_slug>", methods=["GET", "POST"])
def nomination_form(plan_slug: str, call_key: str, subject_slug: str) -> Any:
    campaign = operations.find_call(plan_slug, call_key)
    subject = subject_or_404(campaign, subject_slug)
    now = get_now()
    if request.method == "GET":
        state = operations.open_form(campaign, subject, request.args.get("nhap"), now)
        if state.sent_edit_token:
            return redirect(confirmation_url(state.sent_edit_token))
        form = build_form(subject, campaign, now, formdata=None, data=state.typed)
        return render_form(campaign, subject, form, state)
    operations.ensure_open(campaign, now)
    formdata = normalise_formdata(request.form)
    form = build_form(subject, campaign, now, formdata=formdata)
    if (form.website.data or "").strip():
        return render_template(
            "message.html", title="Không nhận hồ sơ", message=HONEYPOT_MESSAGE
        ), 400
    if not form.csrf_token.validate(form):
        # Nothing is stored from a request without a valid token; everything typed is shown.
        form.csrf_token.errors = []
        state = operations.FormState(problems=[CSRF_MESSAGE], status=400)
        return render_form(campaign, subject, form, state)
    state = operations.save_form(
        campaign,
        subject,
        form,
        action=request.form.get("action", "preview"),
        photo_upload=request.files.get("photo"),
        address=client_address(),
        now=now,
        requires_photo=requires_photo(campaign),
    )
    if state.preview_token:
        return redirect(url_for("nominations.preview", token=state.preview_token), 303)
    if state.status == 200:  # a row added or removed: the form again, from what was typed
        form = build_form(subject, campaign, now, formdata=None, data=state.typed)
    return render_form(campaign, subject, form, state)


@bp.get("/nhap/<token>/")
def preview(token: str) -> Any:
    now = get_now()
    try:
        found = operations.open_preview(token, now, ready=False)
    except NotFound:
        abort(404)
    if found.draft.sent_at is not None:
        return redirect(confirmation_url(found.draft.edit_token))
    if not found.draft.ready:
        return redirect(form_url(found.campaign, found.subject, nhap=token))
    operations.ensure_open(found.campaign, now)
    return render_preview(found, ConfirmForm())


def render_preview(found: operations.Preview, confirm: Any, problems: list[str] = ()) -> Any:
    return render_template(
        "preview.html",
        campaign=found.campaign,
        subject=found.subject,
        draft=found.draft,
        used=describe_page_use(found.draft.fill_ratio),
        confirm=confirm,
        back_url=form_url(found.campaign, found.subject, nhap=found.draft.token),
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
    if not ConfirmForm().validate():
        now = get_now()
        try:
            found = operations.open_preview(token, now)
        except NotFound:
            abort(404)
        return render_preview(found, ConfirmForm(formdata=None), [CSRF_MESSAGE]), 400
    edit_token = operations.send_draft(token, client_address(), get_now())
    return redirect(confirmation_url(edit_token), 303)


@bp.route("/sua/<token>", methods=["GET", "POST"])
def edit(token: str) -> Any:
    """The private edit link: the confirmation, the files, and "edit" until the deadline."""
    now = get_now()
    if request.method == "POST":
        if not ConfirmForm().validate():
            abort(400)
        campaign, subject, draft_token = operations.start_edit(token, now)
        return redirect(form_url(campaign, subject, nhap=draft_token), 303)
    sent = operations.open_nomination(token, now)
    return render_template(
        "confirmation.html",
        nomination=sent.nomination,
        campaign=sent.campaign,
        edit_url=url_for("nominations.edit", token=token, _external=True),
        can_edit=sent.can_edit,
        deadline=sent.campaign.deadline_text,
        edit_form=ConfirmForm(),
        token=token,
    )


@bp.get("/sua/<token>/<name>")
def download(token: str, name: str) -> Response:
    stored = operations.nomination_file(token, name)
    return Response(
        stored.content,
        mimetype=stored.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stored.filename}"',
            "X-Content-SHA256": stored.sha256,
        },
    )
