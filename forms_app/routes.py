"""The nomination app's views: thin adapters between HTTP and services.py.

This module owns URLs, which template answers, status codes and
post/redirect/get. Each view validates the request, calls services and
redirects or renders. It must not hold rules about the plan, render PDFs
itself or touch tables directly beyond loading what a URL names.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from sitegen.dates import format_datetime, format_vnd
from sitegen.models import Category, Subject

from . import pdf, services
from .campaigns import (
    SUBJECT_SLUGS,
    SUBJECTS_BY_SLUG,
    Campaign,
    find_campaign,
    get_content,
    get_now,
    list_campaigns,
)
from .db import get_session
from .forms import (
    MAX_AWARDS,
    MAX_INITIATIVES,
    CollectiveForm,
    IndividualForm,
)
from .models import Draft, FileKind, Nomination
from .photos import PhotoError, process_photo

log = logging.getLogger(__name__)
bp = Blueprint("nominations", __name__)

FORMS = {Subject.INDIVIDUAL: IndividualForm, Subject.COLLECTIVE: CollectiveForm}
CSRF_MESSAGE = (
    "Phiên làm việc đã hết hạn hoặc thiếu mã bảo mật, nên hồ sơ chưa được xử lý. "
    "Mọi nội dung bạn nhập vẫn còn dưới đây; hãy bấm nút gửi lần nữa."
)
HONEYPOT_MESSAGE = "Không thể nhận hồ sơ này: ô “Trang web” phải để trống."
ROW_LISTS = {"initiative": ("initiatives", MAX_INITIATIVES), "award": ("awards", MAX_AWARDS)}


class ConfirmForm(FlaskForm):
    """The preview's "send" button: only a CSRF token."""


# --- helpers --------------------------------------------------------------------


def client_address() -> str:
    return request.remote_addr or "unknown"


def format_countdown(closes_at: dt.datetime | None, now: dt.datetime) -> str:
    if closes_at is None:
        return "Chưa ghi hạn nộp"
    if now >= closes_at:
        return "Đã hết hạn"
    left = closes_at - now
    days, hours = left.days, left.seconds // 3600
    minutes = (left.seconds % 3600) // 60
    if days:
        return f"Còn {days} ngày {hours} giờ"
    if hours:
        return f"Còn {hours} giờ {minutes} phút"
    return f"Còn {minutes} phút"


def describe_criteria(category: Category) -> list[str]:
    c = category.criteria
    parts = []
    if c.min_initiatives:
        parts.append(f"ít nhất {c.min_initiatives:02d} sáng kiến")
    if c.min_total_benefit:
        parts.append(f"tổng giá trị làm lợi từ {format_vnd(c.min_total_benefit)}")
    if c.required_awards:
        parts.append("đã được tặng " + " hoặc ".join(f"“{a}”" for a in c.required_awards))
    if c.from_year and c.to_year:
        parts.append(f"giai đoạn {c.from_year} – {c.to_year}")
    return parts


def campaign_or_404(plan_slug: str, call_key: str) -> Campaign:
    campaign = find_campaign(get_content(), plan_slug, call_key)
    if campaign is None:
        abort(404)
    return campaign


def subject_or_404(campaign: Campaign, subject_slug: str) -> Subject:
    subject = SUBJECTS_BY_SLUG.get(subject_slug)
    if subject is None or subject not in campaign.call.subjects:
        abort(404)
    return subject


def get_owned() -> dict[str, str]:
    """References this browser submitted or opened by edit link (value: edit token or "")."""
    return dict(session.get("owned", {}))


def remember(reference: str, token: str | None) -> None:
    refs = get_owned()
    refs[reference] = token or refs.get(reference, "")
    session["owned"] = refs
    session.permanent = True


def form_url(campaign: Campaign, subject: Subject, **args: Any) -> str:
    return url_for(
        "nominations.nomination_form",
        plan_slug=campaign.plan.slug,
        call_key=campaign.call.key,
        subject_slug=SUBJECT_SLUGS[subject],
        **args,
    )


def build_form(subject: Subject, campaign: Campaign, now: dt.datetime, **kwargs: Any) -> Any:
    form = FORMS[subject](now_year=now.year, **kwargs)
    form.set_choices([(c.key, c.name) for c in campaign.categories(subject)], campaign.call.awards)
    return form


def requires_photo(campaign: Campaign) -> bool:
    return any(item.photo for item in campaign.call.dossier)


def render_form(
    campaign: Campaign,
    subject: Subject,
    form: Any,
    draft: Draft | None,
    *,
    problems: list[str] = (),
    notice: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    now = get_now()
    editing = None
    if draft is not None and draft.nomination_id:
        editing = get_session().get(Nomination, draft.nomination_id)
    return (
        render_template(
            "form.html",
            campaign=campaign,
            subject=subject,
            form=form,
            draft=draft,
            problems=list(problems),
            notice=notice,
            editing=editing,
            categories=[(c, describe_criteria(c)) for c in campaign.categories(subject)],
            deadline=campaign.deadline_text,
            countdown=format_countdown(campaign.closes_at, now),
            requires_photo=requires_photo(campaign),
            form_action=form_url(campaign, subject),
        ),
        status,
    )


def render_closed(campaign: Campaign, message: str, status: int) -> tuple[str, int]:
    return render_template("closed.html", campaign=campaign, message=message), status


# --- pages ----------------------------------------------------------------------


@bp.get("/")
def index() -> str:
    now = get_now()
    entries = []
    for campaign in list_campaigns(get_content()):
        entries.append(
            {
                "campaign": campaign,
                "open": campaign.is_open(now),
                "deadline": campaign.deadline_text,
                "countdown": format_countdown(campaign.closes_at, now),
                "categories": [(c, describe_criteria(c)) for c in campaign.call.categories],
                "forms": [(s.label, form_url(campaign, s)) for s in campaign.call.subjects],
            }
        )
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
    campaign = campaign_or_404(plan_slug, call_key)
    if len(campaign.call.subjects) == 1:
        return redirect(form_url(campaign, campaign.call.subjects[0]))
    return redirect(url_for("nominations.index", _anchor=f"{plan_slug}--{call_key}"))


@bp.route("/<plan_slug>/<call_key>/<subject_slug>", methods=["GET", "POST"])
def nomination_form(plan_slug: str, call_key: str, subject_slug: str) -> Any:
    campaign = campaign_or_404(plan_slug, call_key)
    subject = subject_or_404(campaign, subject_slug)
    now = get_now()
    closed = services.describe_closure(campaign, now)
    if closed:
        return render_closed(campaign, closed, 403 if request.method == "POST" else 200)
    db = get_session()
    if request.method == "GET":
        draft = _matching_draft(services.get_draft(db, request.args.get("nhap")), campaign, subject)
        data = draft.data["typed"] if draft else None
        form = build_form(subject, campaign, now, formdata=None, data=data)
        if draft:
            form.draft.data = draft.token
        return render_form(campaign, subject, form, draft)
    return _handle_post(campaign, subject, now)


def _matching_draft(draft: Draft | None, campaign: Campaign, subject: Subject) -> Draft | None:
    if draft is None:
        return None
    if (draft.plan_slug, draft.call_key, draft.subject) != (
        campaign.plan.slug,
        campaign.call.key,
        subject.value,
    ):
        return None
    return draft


def _handle_post(campaign: Campaign, subject: Subject, now: dt.datetime) -> Any:
    db = get_session()
    formdata = services.normalise_formdata(request.form)
    form = build_form(subject, campaign, now, formdata=formdata)
    draft = _matching_draft(services.get_draft(db, form.draft.data), campaign, subject)
    if (form.website.data or "").strip():
        log.info("honeypot filled from %s", client_address())
        return render_template(
            "message.html", title="Không nhận hồ sơ", message=HONEYPOT_MESSAGE
        ), 400
    if not services.allow_action(
        db,
        client_address(),
        "preview",
        current_app.config["RATE_LIMIT_PREVIEWS"],
        current_app.config["RATE_LIMIT_WINDOW"],
    ):
        abort(429)
    form.validate()
    if form.csrf_token.errors:
        # Re-show everything typed; nothing is stored from a request without a valid token.
        form.csrf_token.errors = []
        fresh = build_form(subject, campaign, now, formdata=formdata)
        return render_form(campaign, subject, fresh, draft, problems=[CSRF_MESSAGE], status=400)
    photo, photo_error = _read_photo()
    typed = services.typed_values(form)
    draft = services.save_draft(
        db, draft, campaign, subject, typed, photo, current_app.config["DRAFT_MAX_AGE_DAYS"]
    )
    action = request.form.get("action", "preview")
    if action != "preview":
        return _change_rows(campaign, subject, now, draft, typed, action)
    form.draft.data = draft.token
    if photo_error:
        form.photo.errors = [photo_error]
    elif draft.photo is None and requires_photo(campaign):
        form.photo.errors = [f"Hãy chọn {form.photo_label.lower()} (kế hoạch yêu cầu kèm ảnh)."]
    if form.errors:
        return render_form(
            campaign,
            subject,
            form,
            draft,
            problems=["Hồ sơ còn chỗ chưa hợp lệ; xem các ô được đánh dấu bên dưới."],
            status=422,
        )
    checked = services.check_nomination(campaign, subject, form, draft.photo, now)
    if checked.problems:
        return render_form(campaign, subject, form, draft, problems=checked.problems, status=422)
    services.mark_ready(db, draft, checked.data, checked.fit)
    return redirect(url_for("nominations.preview", token=draft.token), 303)


def _read_photo() -> tuple[bytes | None, str | None]:
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return None, None
    # The whole request is already bounded by MAX_CONTENT_LENGTH.
    data = upload.stream.read()
    try:
        return process_photo(data, max_bytes=current_app.config["MAX_PHOTO_BYTES"]), None
    except PhotoError as error:
        return None, str(error)


def _change_rows(
    campaign: Campaign,
    subject: Subject,
    now: dt.datetime,
    draft: Draft,
    typed: dict[str, Any],
    action: str,
) -> Any:
    """Add or remove a row of initiatives or awards, keeping everything typed."""
    verb, _, rest = action.partition("-")
    kind, _, index = rest.partition("-")
    if (
        kind not in ROW_LISTS
        or verb not in ("add", "remove")
        or (kind == "initiative" and (subject != Subject.INDIVIDUAL))
    ):
        abort(400)
    key, maximum = ROW_LISTS[kind]
    rows = list(typed[key])
    notice = None
    if verb == "add":
        if len(rows) >= maximum:
            notice = f"Tối đa {maximum} dòng."
        else:
            rows.append({})
    else:
        if not index.isdigit() or int(index) >= len(rows):
            abort(400)
        rows.pop(int(index))
    typed = {**typed, key: rows}
    draft.data = {"typed": typed}
    get_session().commit()
    form = build_form(subject, campaign, now, formdata=None, data=typed)
    form.draft.data = draft.token
    return render_form(campaign, subject, form, draft, notice=notice)


@bp.get("/nhap/<token>/")
def preview(token: str) -> Any:
    draft = services.get_draft(get_session(), token)
    if draft is None:
        abort(404)
    campaign = campaign_or_404(draft.plan_slug, draft.call_key)
    subject = Subject(draft.subject)
    if not draft.ready:
        return redirect(form_url(campaign, subject, nhap=draft.token))
    closed = services.describe_closure(campaign, get_now())
    if closed:
        return render_closed(campaign, closed, 200)
    return render_template(
        "preview.html",
        campaign=campaign,
        subject=subject,
        draft=draft,
        used=services.describe_page_use(draft.fill_ratio),
        confirm=ConfirmForm(),
        back_url=form_url(campaign, subject, nhap=draft.token),
    )


@bp.get("/nhap/<token>/trang")
def preview_page(token: str) -> Response:
    """The summary as HTML with the print stylesheet, shown in the preview's frame."""
    draft = services.get_draft(get_session(), token)
    if draft is None or not draft.ready:
        abort(404)
    campaign = campaign_or_404(draft.plan_slug, draft.call_key)
    summary = services.draft_summary(campaign, draft, get_now())
    html = pdf.render_html(summary, screen=True, asset_base=url_for("nominations.asset", name=""))
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src 'self'; "
        "frame-ancestors 'self'"
    )
    return response


@bp.get("/nhap/<token>/ban-xem-truoc.pdf")
def preview_pdf(token: str) -> Response:
    draft = services.get_draft(get_session(), token)
    if draft is None or not draft.ready:
        abort(404)
    campaign = campaign_or_404(draft.plan_slug, draft.call_key)
    data, _ = pdf.render_pdf(services.draft_summary(campaign, draft, get_now()))
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'inline; filename="ban-xem-truoc.pdf"'},
    )


@bp.get("/nhap/<token>/anh.jpg")
def draft_photo(token: str) -> Response:
    draft = services.get_draft(get_session(), token)
    if draft is None or not draft.photo:
        abort(404)
    return Response(draft.photo, mimetype="image/jpeg")


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
    db = get_session()
    draft = services.get_draft(db, token)
    if draft is None:
        abort(404)
    campaign = campaign_or_404(draft.plan_slug, draft.call_key)
    subject = Subject(draft.subject)
    closed = services.describe_closure(campaign, get_now())
    if closed:
        return render_closed(campaign, closed, 403)
    confirm = ConfirmForm()
    if not draft.ready:
        return redirect(form_url(campaign, subject, nhap=draft.token), 303)
    if not confirm.validate():
        return render_template(
            "preview.html",
            campaign=campaign,
            subject=subject,
            draft=draft,
            used=services.describe_page_use(draft.fill_ratio),
            confirm=ConfirmForm(formdata=None),
            back_url=form_url(campaign, subject, nhap=draft.token),
            problems=[CSRF_MESSAGE],
        ), 400
    if not services.allow_action(
        db,
        client_address(),
        "submit",
        current_app.config["RATE_LIMIT_SUBMISSIONS"],
        current_app.config["RATE_LIMIT_WINDOW"],
    ):
        abort(429)
    result = services.submit_draft(db, campaign, draft, client_address(), get_now())
    remember(result.nomination.reference, result.edit_token)
    return redirect(url_for("nominations.confirmation", reference=result.nomination.reference), 303)


def _owned_nomination(reference: str) -> Nomination:
    if reference not in get_owned():
        abort(404)
    nomination = services.find_by_reference(get_session(), reference)
    if nomination is None:
        abort(404)
    return nomination


@bp.get("/h/<reference>/")
def confirmation(reference: str) -> str:
    nomination = _owned_nomination(reference)
    campaign = campaign_or_404(nomination.plan_slug, nomination.call_key)
    token = get_owned().get(reference) or None
    now = get_now()
    return render_template(
        "confirmation.html",
        nomination=nomination,
        campaign=campaign,
        edit_url=url_for("nominations.edit", token=token, _external=True) if token else None,
        can_edit=campaign.is_open(now),
        deadline=campaign.deadline_text,
        edit_form=ConfirmForm(),
        token=token,
    )


@bp.get("/h/<reference>/<kind>")
def download(reference: str, kind: str) -> Response:
    kinds = {"tom-tat.pdf": FileKind.PDF, "tom-tat.docx": FileKind.DOCX, "anh.jpg": FileKind.PHOTO}
    if kind not in kinds:
        abort(404)
    nomination = _owned_nomination(reference)
    stored = nomination.latest.file(kinds[kind])
    if stored is None:
        abort(404)
    return Response(
        stored.content,
        mimetype=stored.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{stored.filename}"',
            "X-Content-SHA256": stored.sha256,
        },
    )


@bp.route("/sua/<token>", methods=["GET", "POST"])
def edit(token: str) -> Any:
    """The private edit link: works until the deadline; every edit is a new version."""
    db = get_session()
    nomination = services.find_by_edit_token(db, token)
    if nomination is None:
        abort(404)
    remember(nomination.reference, token)
    campaign = campaign_or_404(nomination.plan_slug, nomination.call_key)
    if request.method == "GET":
        return redirect(url_for("nominations.confirmation", reference=nomination.reference))
    closed = services.describe_closure(campaign, get_now())
    if closed:
        return render_closed(campaign, closed, 403)
    if not ConfirmForm().validate():
        abort(400)
    draft = services.start_edit(db, nomination, campaign)
    return redirect(form_url(campaign, Subject(nomination.subject), nhap=draft.token), 303)


def register_error_pages(app: Any) -> None:
    """Every error a user can cause gets a Vietnamese page, never a bare 500."""
    messages = {
        400: ("Yêu cầu không hợp lệ", "Trang không hiểu yêu cầu vừa gửi. Hãy quay lại và thử lại."),
        403: ("Không được phép", "Bạn không có quyền thực hiện thao tác này."),
        404: ("Không tìm thấy trang", "Địa chỉ này không có trên trang nộp hồ sơ."),
        405: ("Thao tác không hợp lệ", "Trang này không nhận kiểu yêu cầu vừa gửi."),
        413: (
            "Dữ liệu quá lớn",
            "Dữ liệu gửi lên vượt giới hạn {limit}. Ảnh tối đa {photo}; hãy chọn ảnh nhỏ hơn "
            "rồi gửi lại.",
        ),
        429: (
            "Gửi quá nhiều lần",
            "Địa chỉ của bạn đã gửi quá nhiều lần trong một giờ. Hãy đợi một lúc rồi thử lại.",
        ),
        500: ("Lỗi máy chủ", "Đã có lỗi phía máy chủ; hồ sơ chưa được lưu. Hãy thử lại sau."),
    }

    def megabytes(size: int) -> str:
        return f"{size / (1024 * 1024):.0f} MB"

    def handler(error: Any) -> tuple[str, int]:
        code = getattr(error, "code", 500) or 500
        title, text = messages.get(code, messages[500] if code >= 500 else messages[400])
        text = text.format(
            limit=megabytes(app.config["MAX_CONTENT_LENGTH"]),
            photo=megabytes(app.config["MAX_PHOTO_BYTES"]),
        )
        return render_template("message.html", title=title, message=text), code

    for code in messages:
        app.register_error_handler(code, handler)
