"""What the office does, one function per action; each owns its transaction.

This module owns the office's actions: logging in (failed attempts counted
per address and per account through store/ratelimit.py, never reset by
another account's success), logging out (the server-side login is deleted),
setting and removing the call's quotas, and every page's and download's data,
looked up through queries.py with the logged-in account. Views call exactly
one function here and never touch the database. It must not read the request
or build responses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..campaigns import Campaign, get_content, get_now
from ..dossiers.documents import render_roster_csv, render_roster_xlsx
from ..dossiers.packaging import sending_files
from ..dossiers.quotas import EVERY_UNIT, union_key
from ..errors import BadAction, NotFound
from ..mail.notifications import ascii_filename
from ..mail.outbox import resend_mail, start_background_pass
from ..store.database import get_session
from ..store.models import (
    Dossier,
    FileKind,
    MailKind,
    MailState,
    Nomination,
    NominationStatus,
    OfficeUser,
    OutboxMail,
    UnitQuota,
)
from ..store.ratelimit import count_actions, forget_actions, record_action
from . import exports, queries, received
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
    counts: dict[tuple[str, str], tuple[int, int]]  # (dossiers sent, nominees in them)
    issuers: list[Any]


def category_names(campaign: Campaign | None) -> dict[tuple[str, str], str]:
    """(subject, category key) -> the plan's name of the category."""
    if campaign is None:
        return {}
    return {
        (c.subject.value, c.key): c.name
        for subject in campaign.call.subjects
        for c in campaign.categories(subject)
    }


@dataclass(frozen=True)
class QuotaPage:
    campaign: Campaign
    quotas: list[UnitQuota]
    opened_unions: list[str]  # units that opened a dossier: the form's suggestions


@dataclass(frozen=True)
class CampaignPage(QuotaPage):
    groups: list[received.UnitGroup]
    drafting: int  # dossiers opened and never sent
    filters: queries.Filters
    categories: list[Any]
    unions: list[str]
    statuses: tuple[NominationStatus, ...]

    @property
    def category_names(self) -> dict[tuple[str, str], str]:
        return category_names(self.campaign)

    @property
    def nominee_count(self) -> int:
        return sum(len(row.nominees) for group in self.groups for row in group.dossiers)

    @property
    def dossier_count(self) -> int:
        return sum(len(group.dossiers) for group in self.groups)


@dataclass(frozen=True)
class DossierPage:
    dossier: Dossier
    campaign: Campaign | None
    latest: received.DossierRow
    sendings: list[received.SendingRow]  # newest first
    references: dict[int, str]

    @property
    def category_names(self) -> dict[tuple[str, str], str]:
        return category_names(self.campaign)


@dataclass(frozen=True)
class NominationPage:
    nomination: Nomination
    campaign: Campaign | None
    mails: list[OutboxMail]
    kinds: dict[str, FileKind]
    references: dict[int, str]


@dataclass(frozen=True)
class OutboxPage:
    mails: list[OutboxMail]
    state: str
    states: list[MailState]
    kinds: type[MailKind]
    references: dict[int, str]  # dossier id -> reference, for the dossiers' mails


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
        counts={(c.plan.slug, c.call.key): queries.count_received(db, c) for c in campaigns},
        issuers=[content.issuers[k] for k in sorted(account.issuer_keys) if k in content.issuers],
    )


def _campaign(account: OfficeUser, plan_slug: str, call_key: str) -> Campaign:
    found = queries.get_campaign(get_content(), account, plan_slug, call_key)
    if found is None:
        raise NotFound()
    return found


def _quota_page(db, found: Campaign) -> QuotaPage:
    return QuotaPage(
        campaign=found,
        quotas=queries.list_quotas(db, found),
        opened_unions=queries.opened_union_names(db, found),
    )


def quota_page(account: OfficeUser, plan_slug: str, call_key: str) -> QuotaPage:
    """The call's quotas alone (the quota form shown again with its errors)."""
    return _quota_page(get_session(), _campaign(account, plan_slug, call_key))


def _received(db, found: Campaign, filters: queries.Filters, quotas: list[UnitQuota]):
    """(the groups the filters keep, every sent dossier)."""
    dossiers = queries.received_dossiers(db, found)
    mails = queries.dossier_mail_states(db, [d.id for d in dossiers])
    return received.group_by_unit(dossiers, mails, quotas, filters), dossiers


def campaign_page(account: OfficeUser, plan_slug: str, call_key: str, args: Any) -> CampaignPage:
    """The call's sent dossiers by unit, filtered by the query string (FilterError on a bad
    filter), with the call's quotas."""
    found = _campaign(account, plan_slug, call_key)
    filters = queries.Filters.from_args(args)
    db = get_session()
    quotas = _quota_page(db, found)
    groups, dossiers = _received(db, found, filters, quotas.quotas)
    return CampaignPage(
        campaign=found,
        quotas=quotas.quotas,
        opened_unions=quotas.opened_unions,
        groups=groups,
        drafting=queries.count_drafting(db, found),
        filters=filters,
        categories=[c for subject in found.call.subjects for c in found.categories(subject)],
        unions=queries.distinct_units(d.union_name for d in dossiers),
        statuses=queries.RECEIVED,
    )


def export(account: OfficeUser, plan_slug: str, call_key: str, args: Any, kind: str) -> Download:
    """The call's danh sách of the filtered nominees as they were last sent (XLSX or CSV),
    or a ZIP of every sent dossier as it was last sent, one folder each, beside the list."""
    found = _campaign(account, plan_slug, call_key)
    db = get_session()
    filters = queries.Filters.from_args(args)
    groups, _dossiers = _received(db, found, filters, queries.list_quotas(db, found))
    rows = [row for group in groups for row in group.dossiers]
    facts = [received.sent_facts(found, row) for row in rows]
    if kind == "xlsx":
        data = render_roster_xlsx(facts)
    elif kind == "csv":
        data = render_roster_csv(facts)
    else:
        folders = [
            (
                exports.dossier_folder(row.dossier, row.latest.sending),
                sending_files(db, row.latest.sending),
            )
            for row in rows
        ]
        loose = [
            ("danh-sach-trich-ngang.xlsx", render_roster_xlsx(facts)),
            ("danh-sach-trich-ngang.csv", render_roster_csv(facts)),
        ]
        data = exports.render_zip(folders, loose)
        name = ascii_filename("Ho so", found.plan.slug, found.call.key, extension="zip")
        return Download(data, EXPORT_TYPES[kind], name)
    name = ascii_filename("Danh sach trich ngang", found.plan.slug, found.call.key, extension=kind)
    return Download(data, EXPORT_TYPES[kind], name)


def _dossier(account: OfficeUser, reference: str) -> Dossier:
    found = queries.get_dossier(get_session(), get_content(), account, reference)
    if found is None:
        raise NotFound()
    return found


def dossier_page(account: OfficeUser, reference: str) -> DossierPage:
    """One sent dossier: its nominees as last sent, every sending with its mails."""
    content = get_content()
    db = get_session()
    dossier = _dossier(account, reference)
    campaign = queries.get_campaign(content, account, dossier.plan_slug, dossier.call_key)
    mails = queries.dossier_mail_states(db, [dossier.id])
    quotas = queries.list_quotas(db, campaign) if campaign else []
    return DossierPage(
        dossier=dossier,
        campaign=campaign,
        latest=received.dossier_row(dossier, mails, quotas),
        sendings=[
            received.SendingRow(s, mails.get((dossier.id, s.number), []))
            for s in reversed(dossier.sendings)
        ],
        references={dossier.id: dossier.reference},
    )


def sending_zip(account: OfficeUser, reference: str, number: int) -> Download:
    """One sending of a dossier as a ZIP: exactly the files its mail carried."""
    dossier = _dossier(account, reference)
    sending = queries.get_sending(dossier, number)
    if sending is None:
        raise NotFound()
    folder = exports.dossier_folder(dossier, sending)
    data = exports.render_zip([(folder, sending_files(get_session(), sending))])
    return Download(data, EXPORT_TYPES["zip"], f"{folder}.zip")


# --- quotas -------------------------------------------------------------------------


def set_quota(
    account: OfficeUser, plan_slug: str, call_key: str, union_name: str, max_nominees: int
) -> str:
    """Set (or change) the quota of one unit, or of every unit with `union_name` "";
    the sentence saying what was done."""
    found = _campaign(account, plan_slug, call_key)
    key = union_key(union_name) if union_name else EVERY_UNIT
    db = get_session()
    now = get_now().astimezone(dt.UTC)
    for attempt in range(2):
        quota = queries.find_quota(db, found, key)
        if quota is None:
            quota = UnitQuota(plan_slug=found.plan.slug, call_key=found.call.key, union_key=key)
            db.add(quota)
        quota.union_name = union_name
        quota.max_nominees = max_nominees
        quota.set_by = account.username
        quota.set_at = now
        try:
            db.commit()
            break
        except IntegrityError:  # another office user set the same unit's quota just now
            db.rollback()
            if attempt:
                raise
    whom = f"“{union_name}”" if union_name else "mỗi đơn vị"
    message = f"Đã đặt định mức cho {whom}: tối đa {max_nominees} người/tập thể."
    if union_name and key not in {union_key(n) for n in queries.opened_union_names(db, found)}:
        message += " Chưa có đơn vị nào tên này mở hồ sơ trong đợt; hãy kiểm tra lại tên."
    return message


def remove_quota(
    account: OfficeUser, plan_slug: str, call_key: str, quota_id: int, *, confirmed: bool
) -> str:
    found = _campaign(account, plan_slug, call_key)
    db = get_session()
    quota = queries.get_quota(db, found, quota_id)
    if quota is None:
        raise NotFound()
    if not confirmed:
        raise BadAction()
    whom = f"“{quota.union_name}”" if quota.union_key != EVERY_UNIT else "mỗi đơn vị"
    db.delete(quota)
    db.commit()
    return f"Đã bỏ định mức của {whom}."


def nomination_page(account: OfficeUser, reference: str) -> NominationPage:
    content = get_content()
    db = get_session()
    found = queries.get_nomination(db, content, account, reference)
    if found is None:
        raise NotFound()
    mails = queries.list_mails(db, content, account, nomination_id=found.id)
    return NominationPage(
        nomination=found,
        campaign=queries.get_campaign(content, account, found.plan_slug, found.call_key),
        mails=mails,
        kinds=FILE_KINDS,
        references=queries.dossier_references(db, mails),
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
    db = get_session()
    mails = queries.list_mails(db, get_content(), account, state=state)
    known = state if state in {s.value for s in MailState} else ""
    return OutboxPage(
        mails=mails,
        state=known,
        states=list(MailState),
        kinds=MailKind,
        references=queries.dossier_references(db, mails),
    )


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
        raise BadAction()
    resend_mail(db, mail)
    subject = mail.subject
    db.commit()
    if current_app.config["OUTBOX_SEND_AFTER_COMMIT"]:
        start_background_pass(current_app._get_current_object())
    return subject
