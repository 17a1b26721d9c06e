"""What the office does, one function per action; each owns its transaction.

This module owns the office's actions: logging in (failed attempts counted
per address and per account through store/ratelimit.py, never reset by
another account's success), logging out (the server-side login is deleted),
and every page's data, looked up through queries.py with the logged-in
account. Views call exactly one function here and never touch the database.
It must not read the request or build responses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import werkzeug.exceptions
from flask import current_app

from ..campaigns import Campaign, get_content
from ..mail.notifications import ascii_filename
from ..mail.outbox import resend_mail, start_background_pass
from ..store.database import get_session
from ..store.models import (
    FileKind,
    MailKind,
    MailState,
    Nomination,
    NominationStatus,
    OfficeUser,
    OutboxMail,
)
from ..store.ratelimit import count_actions, forget_actions, record_action
from . import exports, queries
from .accounts import (
    account_key,
    authenticate,
    close_office_session,
    find_office_session_user,
    open_office_session,
)
from .queries import FilterError

__all__ = ["FilterError", "LoginRefused", "NotFound"]

# Failed logins are counted twice: per client address and per typed username.
FAILED_FROM_ADDRESS = "login-address"
FAILED_FOR_ACCOUNT = "login-account"
FILE_KINDS = {"pdf": FileKind.PDF, "docx": FileKind.DOCX, "anh": FileKind.PHOTO}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_TYPES = {
    "xlsx": XLSX,
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
}


class NotFound(werkzeug.exceptions.NotFound):
    """Nothing at this address for this account (or at all): the app's 404 page."""


class LoginRefused(Exception):
    """The login is refused; `message` says why in Vietnamese, `status` is the HTTP code."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Download:
    data: bytes
    mimetype: str
    filename: str


@dataclass(frozen=True)
class Overview:
    campaigns: list[Campaign]
    counts: dict[tuple[str, str], int]
    issuers: list[Any]


@dataclass(frozen=True)
class CampaignPage:
    campaign: Campaign
    nominations: list[Nomination]
    filters: queries.Filters
    categories: list[Any]
    unions: list[str]
    statuses: list[NominationStatus]


@dataclass(frozen=True)
class NominationPage:
    nomination: Nomination
    campaign: Campaign | None
    mails: list[OutboxMail]
    kinds: dict[str, FileKind]


@dataclass(frozen=True)
class OutboxPage:
    mails: list[OutboxMail]
    state: str
    states: list[MailState]
    kinds: type[MailKind]


# --- logging in and out -----------------------------------------------------------


def current_account(session_token: str | None) -> OfficeUser | None:
    """The account of the cookie's login, or None (logged out, expired, deactivated)."""
    return find_office_session_user(get_session(), session_token)


def log_in(username: str, password: str, address: str) -> str:
    """Check the password; the new login's token for the cookie, or LoginRefused.

    Failures count against the address and against the typed username; a success
    forgets only that account's failures, never the address's: guessing one
    account's password between logins to another one gains nothing.
    """
    config = current_app.config
    limit, window = config["OFFICE_LOGIN_LIMIT"], config["OFFICE_LOGIN_WINDOW"]
    minutes = max(1, window // 60)
    db = get_session()
    account = account_key(username)
    if count_actions(db, address, FAILED_FROM_ADDRESS, window) >= limit:
        raise LoginRefused(
            f"Đăng nhập sai quá nhiều lần từ địa chỉ này. Hãy thử lại sau {minutes} phút.", 429
        )
    if count_actions(db, account, FAILED_FOR_ACCOUNT, window) >= limit:
        raise LoginRefused(
            f"Tài khoản này bị nhập sai mật khẩu quá nhiều lần. Hãy thử lại sau {minutes} phút.",
            429,
        )
    user = authenticate(db, username, password)
    if user is None:
        record_action(db, address, FAILED_FROM_ADDRESS, window)
        record_action(db, account, FAILED_FOR_ACCOUNT, window)
        db.commit()
        raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng.", 401)
    forget_actions(db, account, FAILED_FOR_ACCOUNT)
    token = open_office_session(db, user, config["OFFICE_SESSION_LIFETIME"])
    db.commit()
    return token


def log_out(session_token: str | None) -> None:
    """End the login on the server: a copy of the cookie is refused from now on."""
    db = get_session()
    close_office_session(db, session_token)
    db.commit()


# --- pages --------------------------------------------------------------------------


def overview(account: OfficeUser) -> Overview:
    content = get_content()
    db = get_session()
    campaigns = queries.visible_campaigns(content, account)
    return Overview(
        campaigns=campaigns,
        counts={(c.plan.slug, c.call.key): queries.count_nominations(db, c) for c in campaigns},
        issuers=[content.issuers[k] for k in sorted(account.issuer_keys) if k in content.issuers],
    )


def _campaign(account: OfficeUser, plan_slug: str, call_key: str) -> Campaign:
    found = queries.get_campaign(get_content(), account, plan_slug, call_key)
    if found is None:
        raise NotFound()
    return found


def campaign_page(account: OfficeUser, plan_slug: str, call_key: str, args: Any) -> CampaignPage:
    """A campaign's nominations filtered by the query string (FilterError on a bad filter)."""
    found = _campaign(account, plan_slug, call_key)
    filters = queries.Filters.from_args(args)
    db = get_session()
    categories = [c for subject in found.call.subjects for c in found.categories(subject)]
    return CampaignPage(
        campaign=found,
        nominations=queries.list_nominations(db, found, filters),
        filters=filters,
        categories=categories,
        unions=queries.union_names(db, found),
        statuses=list(NominationStatus),
    )


def export(account: OfficeUser, plan_slug: str, call_key: str, args: Any, kind: str) -> Download:
    """The filtered nominee list as XLSX or CSV, or every dossier as a ZIP."""
    found = _campaign(account, plan_slug, call_key)
    nominations = queries.list_nominations(get_session(), found, queries.Filters.from_args(args))
    rows = exports.build_rows(found, nominations)
    if kind == "xlsx":
        data = exports.render_xlsx(found, rows)
    elif kind == "csv":
        data = exports.render_csv(rows)
    else:
        data = exports.render_zip(found, nominations, rows)
        name = ascii_filename("Ho so", found.plan.slug, found.call.key, extension="zip")
        return Download(data, EXPORT_TYPES[kind], name)
    name = ascii_filename("Danh sach trich ngang", found.plan.slug, extension=kind)
    return Download(data, EXPORT_TYPES[kind], name)


def nomination_page(account: OfficeUser, reference: str) -> NominationPage:
    content = get_content()
    db = get_session()
    found = queries.get_nomination(db, content, account, reference)
    if found is None:
        raise NotFound()
    return NominationPage(
        nomination=found,
        campaign=queries.get_campaign(content, account, found.plan_slug, found.call_key),
        mails=queries.list_mails(db, content, account, nomination_id=found.id),
        kinds=FILE_KINDS,
    )


def nomination_file(account: OfficeUser, reference: str, number: int, kind: str) -> Download:
    """One stored file (PDF, DOCX, photo) of one version of a nomination."""
    if kind not in FILE_KINDS:
        raise NotFound()
    found = queries.get_nomination(get_session(), get_content(), account, reference)
    version = queries.get_version(found, number) if found else None
    stored = version.file(FILE_KINDS[kind]) if version else None
    if stored is None:
        raise NotFound()
    extension = stored.filename.rsplit(".", 1)[-1]
    stem = "Anh" if stored.kind == FileKind.PHOTO else "Tom tat thanh tich"
    name = ascii_filename(
        stem, found.nominee_name, found.reference, f"ban {number}", extension=extension
    )
    return Download(stored.content, stored.content_type, name)


def outbox_page(account: OfficeUser, state: str) -> OutboxPage:
    mails = queries.list_mails(get_session(), get_content(), account, state=state)
    known = state if state in {s.value for s in MailState} else ""
    return OutboxPage(mails=mails, state=known, states=list(MailState), kinds=MailKind)


def resend(account: OfficeUser, mail_id: int, *, confirmed: bool) -> str:
    """Put a mail back in the queue (and start a delivery pass); its subject.

    A mail the account may not see is NotFound whatever else the request says;
    a request without a valid CSRF token (`confirmed` False) changes nothing.
    """
    db = get_session()
    mail = queries.get_mail(db, get_content(), account, mail_id)
    if mail is None:
        raise NotFound()
    if not confirmed:
        raise werkzeug.exceptions.BadRequest()
    resend_mail(db, mail)
    subject = mail.subject
    db.commit()
    if current_app.config["OUTBOX_SEND_AFTER_COMMIT"]:
        start_background_pass(current_app._get_current_object())
    return subject
