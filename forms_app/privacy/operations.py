"""The personal-data actions, each one operation owning its transaction.

Views and commands call one function here: purge what is past its time; for
the person behind an edit link, show or export what is stored, withdraw
consent, ask for deletion or send a request to the office; for the office,
list the requests with their due dates and answer one with one click. Every
request and every answer is kept as a `PrivacyRequest` row. It must not build
HTTP responses or read the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sitegen.dates import format_datetime
from sqlalchemy import select

from ..campaigns import Campaign, describe_closure, get_content, get_now
from ..dossiers.access import find_nominee, mark_changed
from ..mail import notifications
from ..nominations.operations import NotFound, find_call
from ..office import queries
from ..store.database import get_session
from ..store.models import (
    Nomination,
    NominationStatus,
    OfficeUser,
    PrivacyRequest,
    RequestKind,
    RequestState,
)
from . import access_log, retention, rights

SELF_SERVICE = "người gửi hồ sơ"  # handled_by of what the person did through the edit link
MAX_MESSAGE = 2000
# What the request form offers (withdrawal has its own button and takes effect at once).
REQUEST_CHOICES = [
    (kind.value, kind.label)
    for kind in (RequestKind.RECTIFY, RequestKind.ERASE, RequestKind.ACCESS, RequestKind.OTHER)
]


def _now_utc() -> dt.datetime:
    # The app's "now" (pinned in demos and tests), stored in UTC like every timestamp.
    return get_now().astimezone(dt.UTC)


class AlreadyDone(Exception):
    """The person asked for something that is already so; the message says what."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def purge_expired() -> list[str]:
    """`flask data purge`: remove expired drafts, nominations, files, mails; say what went."""
    config = current_app.config
    report = retention.purge(
        get_session(),
        get_content(),
        get_now(),
        retention_months=config["RETENTION_MONTHS"],
        draft_max_age_days=config["DRAFT_MAX_AGE_DAYS"],
        rate_window_seconds=config["RATE_LIMIT_WINDOW"],
    )
    return retention.describe_purge(report)


# --- the person, through the edit link -----------------------------------------------


@dataclass
class MyData:
    nomination: Nomination
    campaign: Campaign
    versions: list[tuple[Any, list[tuple[str, str]]]]
    consent: list[tuple[str, str]]
    mails: list[Any]
    requests: list[PrivacyRequest]
    can_edit: bool
    open_erasure: PrivacyRequest | None


def _nomination(token: str, reference: str) -> Nomination:
    nomination = find_nominee(get_session(), token, reference)
    if nomination is None:
        raise NotFound(reference)
    return nomination


def my_data(token: str, reference: str) -> MyData:
    """Everything stored about a nominee of the dossier behind the link, for its page."""
    session = get_session()
    nomination = _nomination(token, reference)
    campaign = find_call(nomination.plan_slug, nomination.call_key)
    requests = rights.requests_of(session, nomination)
    return MyData(
        nomination=nomination,
        campaign=campaign,
        versions=[
            (version, rights.describe_version_data(version.data.get("clean", {})))
            for version in reversed(nomination.versions)
        ],
        consent=rights.consent_rows(nomination),
        mails=rights.mails_of(session, nomination),
        requests=requests,
        can_edit=describe_closure(campaign, get_now()) is None
        and nomination.status in (NominationStatus.PENDING, NominationStatus.SUBMITTED),
        open_erasure=next(
            (r for r in requests if r.kind == RequestKind.ERASE and r.state == RequestState.OPEN),
            None,
        ),
    )


def my_data_json(token: str, reference: str) -> tuple[str, bytes]:
    """(file name, JSON bytes) of everything stored about the nominee."""
    nomination = _nomination(token, reference)
    return f"du-lieu-{nomination.reference}.json", rights.export_json(get_session(), nomination)


def _new_request(
    nomination: Nomination, kind: RequestKind, message: str, now: dt.datetime
) -> PrivacyRequest:
    due = now + dt.timedelta(days=current_app.config["PRIVACY_REQUEST_DUE_DAYS"])
    request = PrivacyRequest(
        nomination=nomination,
        reference=nomination.reference,
        plan_slug=nomination.plan_slug,
        call_key=nomination.call_key,
        kind=kind,
        message=message,
        state=RequestState.OPEN,
        created_at=now,
        due_at=due,
    )
    get_session().add(request)
    return request


def withdraw_consent(token: str, reference: str) -> str:
    """Withdraw consent: the nominee is withdrawn at once and the office told by mail."""
    session = get_session()
    nomination = _nomination(token, reference)
    if nomination.status == NominationStatus.WITHDRAWN:
        raise AlreadyDone("Hồ sơ này đã được rút trước đây; văn phòng đã được báo.")
    campaign = find_call(nomination.plan_slug, nomination.call_key)
    now = _now_utc()
    nomination.status = NominationStatus.WITHDRAWN
    nomination.updated_at = now
    if nomination.dossier is not None:
        mark_changed(nomination.dossier)  # the dossier the office has no longer holds them
    request = _new_request(nomination, RequestKind.WITHDRAW, "", now)
    request.state = RequestState.DONE
    request.handled_at = now
    request.handled_by = SELF_SERVICE
    request.outcome = "Hồ sơ đã rút; ngừng xử lý dữ liệu."
    session.flush()
    notifications.queue_withdrawal_mail(session, campaign, nomination, request)
    session.commit()
    return nomination.reference


def request_erasure(token: str, reference: str) -> PrivacyRequest:
    """Ask the office to delete the nominee's data; one open request at a time."""
    return send_request(token, reference, RequestKind.ERASE.value, "")


def send_request(token: str, reference: str, kind: str, message: str) -> PrivacyRequest:
    """A request to the office (after the deadline, or for what the link cannot do)."""
    session = get_session()
    nomination = _nomination(token, reference)
    try:
        request_kind = RequestKind(kind)
    except ValueError:
        raise NotFound(kind) from None
    open_same = session.scalar(
        select(PrivacyRequest).where(
            PrivacyRequest.nomination_id == nomination.id,
            PrivacyRequest.kind == request_kind,
            PrivacyRequest.state == RequestState.OPEN,
            PrivacyRequest.message == message,
        )
    )
    if open_same is not None:  # a repeated click: the same request, not a second one
        return open_same
    campaign = find_call(nomination.plan_slug, nomination.call_key)
    request = _new_request(nomination, request_kind, message[:MAX_MESSAGE], _now_utc())
    session.flush()
    notifications.queue_privacy_request_mail(session, campaign, nomination, request)
    session.commit()
    return request


# --- the office -------------------------------------------------------------------------


def list_requests(user: OfficeUser) -> list[tuple[PrivacyRequest, bool]]:
    """The account's bodies' requests, open ones first, soonest due first, with "overdue"."""
    slugs = queries.visible_plan_slugs(get_content(), user)
    now = get_now()
    found = get_session().scalars(
        select(PrivacyRequest)
        .where(PrivacyRequest.plan_slug.in_(slugs))
        .order_by(PrivacyRequest.state.desc(), PrivacyRequest.due_at, PrivacyRequest.id)
    )
    return [
        (row, row.state == RequestState.OPEN and retention.as_aware(row.due_at) < now)
        for row in found
    ]


def answer_request(user: OfficeUser, request_id: int) -> str:
    """The office's one click: delete the nomination for an erasure, else mark it answered.

    Returns what was done, in Vietnamese; the request keeps who, when and what.
    """
    session = get_session()
    request = session.get(PrivacyRequest, request_id)
    if request is None or request.plan_slug not in queries.visible_plan_slugs(get_content(), user):
        raise NotFound(str(request_id))
    if request.state == RequestState.DONE:
        return f"Yêu cầu về hồ sơ {request.reference} đã được xử lý trước đây."
    now = _now_utc()
    if request.kind == RequestKind.ERASE and request.nomination_id is not None:
        report = retention.PurgeReport()
        request.state = RequestState.DONE  # before the nomination goes: the row is detached
        session.flush()
        retention.delete_nominations(session, [request.nomination_id], report)
        outcome = (
            f"Đã xóa hồ sơ {request.reference}: {report.versions} phiên bản, "
            f"{report.files} tệp, {report.mails} thư."
        )
    else:
        outcome = f"Đã xử lý yêu cầu “{request.kind.label}” của hồ sơ {request.reference}."
    session.refresh(request)
    request.state = RequestState.DONE
    request.handled_at = now
    request.handled_by = user.username
    request.outcome = outcome
    session.commit()
    return outcome


# --- the access log ---------------------------------------------------------------------


def is_logged(endpoint: str | None) -> bool:
    return endpoint in access_log.LOGGED


def record_access(
    account: OfficeUser, endpoint: str, view_args: dict[str, Any], query: str, address: str
) -> str:
    """Record one look at personal data (its own transaction); returns the export stamp."""
    session = get_session()
    now = _now_utc()
    access_log.record(session, account, endpoint, view_args, query, address, now)
    session.commit()
    return f"Xuất bởi: {account.display_name} ({account.username}), {format_datetime(now)}"


def is_export(endpoint: str | None) -> bool:
    return endpoint in access_log.EXPORTS


def stamp_export(endpoint: str, data: bytes, stamp: str) -> bytes:
    """The export's bytes carrying who made it and when."""
    return access_log.stamp_export(access_log.EXPORTS[endpoint], data, stamp)


@dataclass
class AccessLogPage:
    entries: list[Any]
    labels: dict[str, str]


def access_log_page(account: OfficeUser) -> AccessLogPage:
    """The log for an administrator; NotFound for anyone else (as if it did not exist)."""
    if not account.is_admin:
        raise NotFound("nhat-ky")
    slugs = queries.visible_plan_slugs(get_content(), account)
    return AccessLogPage(
        access_log.entries_for(get_session(), account, slugs), access_log.ACTION_LABELS
    )


def set_admin(username: str, admin: bool) -> str:
    """`flask office set-admin`: give or take the administrator flag."""
    session = get_session()
    user = session.scalar(select(OfficeUser).where(OfficeUser.username == username))
    if user is None:
        raise LookupError(f"Không có tài khoản “{username}”.")
    user.is_admin = admin
    session.commit()
    state = "là quản trị viên" if admin else "không còn là quản trị viên"
    return f"Tài khoản {username} {state} (xem được nhật ký truy cập)."
