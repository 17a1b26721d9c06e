"""Sending a dossier to the office, once per revision, and its signed scan.

This module owns the actions that change what the office receives: sending
the dossier (`send_dossier`: checks, the Tờ trình, danh sách and scan files
of the sending, the nominees marked as submitted, the mails queued in the
same transaction) and uploading or removing the signed scan. Each function
owns its transaction and returns a plain result; refusals a person can
cause are exceptions with a Vietnamese message (`DossierRefused`, and
nominations' `Closed` and `RateLimited`). It must not read the request or
build responses.

Sending is idempotent: the dossier is claimed with a conditional UPDATE of
its revision (from the revision the page showed to the next) as the first
write of the transaction — a row lock on PostgreSQL, the write lock on
SQLite — so of many clicks on one page, one records the sending and the
others find the revision advanced and land on that same sending.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..campaigns import Campaign
from ..content_types import DOCX_TYPE, XLSX_TYPE
from ..errors import BadAction, NotFound
from ..mail import notifications
from ..nominations.operations import (
    RateLimited,
    ensure_open,
    find_call,
)
from ..store.database import get_session
from ..store.models import (
    Dossier,
    DossierFile,
    DossierFileKind,
    DossierSending,
    Nomination,
    NominationStatus,
    checksummed,
    utc_now,
)
from ..store.ratelimit import count_actions, record_action
from . import assemble, quotas
from .access import find_dossier, lock_dossier, mark_changed
from .documents import render_proposal_docx, render_proposal_pdf, render_roster_xlsx
from .facts import DossierFacts
from .scan import CONTENT_TYPE as SCAN_CONTENT_TYPE
from .scan import ScanError, check_scan

log = logging.getLogger(__name__)

EMPTY_MESSAGE = (
    "Hồ sơ chưa có cá nhân hoặc tập thể nào; hãy thêm ít nhất một người hoặc tập thể "
    "được đề nghị trước khi gửi."
)


class DossierRefused(Exception):
    """The dossier cannot be sent (or changed) now; the message says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SendResult:
    reference: str  # the dossier's reference
    number: int  # the sending's number (1 for the first)
    repeat: bool  # True when nothing new was sent: a repeated click, or nothing changed


# --- sending ---------------------------------------------------------------------


@dataclass
class _Prepared:
    """What a sending is made of, rendered before the claim to keep the lock short."""

    facts: DossierFacts
    contents: list[dict[str, int]]
    nominations: list[Nomination]
    files: list[tuple[DossierFileKind, str, str, bytes]]


def send_dossier(token: str, shown_revision: int, address: str, now: dt.datetime) -> SendResult:
    """Send the dossier as it stands to the office, with its mails, once per revision.

    `shown_revision` is the revision the person's page showed (0 before the
    first sending). Any number of requests with the same value record one
    sending; the others return it with `repeat=True`, as does sending again
    when nothing changed since the last sending.
    """
    session = get_session()
    dossier = find_dossier(session, token)
    if dossier is None:
        raise NotFound(token)
    if not isinstance(shown_revision, int) or not 0 <= shown_revision <= dossier.revision:
        raise BadAction(str(shown_revision))
    if dossier.revision > shown_revision:  # another click (or tab) sent it meanwhile
        return _existing(session, dossier, shown_revision + 1)
    campaign = find_call(dossier.plan_slug, dossier.call_key)
    ensure_open(campaign, now)
    if dossier.revision >= 1 and not dossier.changed_since_sent:
        return _existing(session, dossier, dossier.revision)
    number = shown_revision + 1
    prepared = _prepare(session, campaign, dossier, number, now)
    if _over_submission_limit(session, address):  # before the claim; counted after it
        session.refresh(dossier)
        if dossier.revision > shown_revision:
            return _existing(session, dossier, number)
        raise _submission_refused()
    stamp = utc_now()
    # The claim is the transaction's first write: a second request waits here for the first
    # to commit, then finds the revision advanced.
    claimed = session.execute(
        update(Dossier)
        .where(Dossier.id == dossier.id, Dossier.revision == shown_revision)
        .values(revision=number, changed_since_sent=False, sent_at=stamp, updated_at=stamp)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        session.rollback()
        return _existing(session, dossier, number)
    # Under the claim, read everything again: an edit may have committed after _prepare read.
    session.expire_all()
    dossier = session.get(Dossier, dossier.id)
    try:
        fresh = _facts(campaign, dossier, number, now)
        if fresh != prepared.facts or _contents(assemble.listed_nominations(dossier)) != (
            prepared.contents
        ):
            prepared = _prepare(session, campaign, dossier, number, now)
        if _over_submission_limit(session, address):
            raise _submission_refused()
    except (DossierRefused, RateLimited):
        session.rollback()
        raise
    config = current_app.config
    record_action(session, address, "submit", config["RATE_LIMIT_WINDOW"])
    _record_sending(session, campaign, dossier, prepared, number, stamp, token)
    session.commit()
    log.info("dossier %s sent (sending %d)", dossier.reference, number)
    return SendResult(dossier.reference, number, repeat=False)


def _existing(session: Session, dossier: Dossier, number: int) -> SendResult:
    sending = session.scalar(
        select(DossierSending).where(
            DossierSending.dossier_id == dossier.id, DossierSending.number == number
        )
    )
    if sending is None:
        raise NotFound(dossier.reference)
    return SendResult(dossier.reference, number, repeat=True)


def _contents(nominations: list[Nomination]) -> list[dict[str, int]]:
    return [{"nomination_id": n.id, "version": n.latest.number} for n in nominations]


def _facts(campaign: Campaign, dossier: Dossier, number: int, now: dt.datetime) -> DossierFacts:
    # facts.revision is the n of "bản sửa đổi lần n": 0 on the first sending's documents.
    return dataclasses.replace(assemble.build_facts(campaign, dossier, now), revision=number - 1)


def _prepare(
    session: Session, campaign: Campaign, dossier: Dossier, number: int, now: dt.datetime
) -> _Prepared:
    """Check that the dossier may be sent and render its own files."""
    nominations = assemble.listed_nominations(dossier)
    if not nominations:
        raise DossierRefused(EMPTY_MESSAGE)
    quota = quotas.quota_for(session, dossier.plan_slug, dossier.call_key, dossier.union_name)
    excess = quotas.describe_excess(quota, len(nominations)) if quota else None
    if excess:
        raise DossierRefused(excess)
    facts = _facts(campaign, dossier, number, now)
    return _Prepared(facts, _contents(nominations), nominations, _render(facts, number))


def _render(facts: DossierFacts, number: int) -> list[tuple[DossierFileKind, str, str, bytes]]:
    def name(stem: str, extension: str) -> str:
        return notifications.ascii_filename(
            stem, facts.reference, f"l{number}", extension=extension
        )

    return [
        (
            DossierFileKind.PROPOSAL_PDF,
            name("to-trinh", "pdf"),
            "application/pdf",
            render_proposal_pdf(facts),
        ),
        (
            DossierFileKind.PROPOSAL_DOCX,
            name("to-trinh", "docx"),
            DOCX_TYPE,
            render_proposal_docx(facts),
        ),
        (
            DossierFileKind.ROSTER_XLSX,
            name("danh-sach", "xlsx"),
            XLSX_TYPE,
            render_roster_xlsx([facts]),
        ),
    ]


def _record_sending(
    session: Session,
    campaign: Campaign,
    dossier: Dossier,
    prepared: _Prepared,
    number: int,
    stamp: dt.datetime,
    token: str,
) -> DossierSending:
    sending = DossierSending(
        dossier=dossier, number=number, contents=prepared.contents, created_at=stamp
    )
    session.add(sending)
    files = list(prepared.files)
    if dossier.scan:
        scan_name = notifications.ascii_filename(
            "to-trinh-da-ky", dossier.reference, f"l{number}", extension="pdf"
        )
        kind = DossierFileKind.SIGNED_SCAN
        files.append(
            (kind, scan_name, dossier.scan_content_type or SCAN_CONTENT_TYPE, dossier.scan)
        )
    for kind, filename, content_type, content in files:
        session.add(
            DossierFile(
                sending=sending,
                kind=kind,
                filename=filename,
                content_type=content_type,
                **checksummed(content),
            )
        )
    for nomination in prepared.nominations:
        nomination.status = NominationStatus.SUBMITTED
        nomination.deadline_at = campaign.closes_at
        nomination.updated_at = stamp
    dossier.deadline_at = campaign.closes_at
    session.flush()
    # The office's mail(s) and the confirmation commit with the sending, or not at all.
    notifications.queue_dossier_mails(
        session,
        sending,
        prepared.facts,
        dossier_url=url_for("dossiers.dossier_page", token=token, _external=True),
    )
    return sending


def _over_submission_limit(session: Session, address: str) -> bool:
    config = current_app.config
    sent = count_actions(session, address, "submit", config["RATE_LIMIT_WINDOW"])
    return sent >= config["RATE_LIMIT_SUBMISSIONS"]


def _submission_refused() -> RateLimited:
    return RateLimited(
        "Địa chỉ của bạn đã gửi quá nhiều hồ sơ trong một giờ. Hồ sơ vẫn được giữ nguyên; "
        "hãy đợi một lúc rồi bấm “Gửi hồ sơ” lần nữa."
    )


# --- the signed scan ---------------------------------------------------------------


def upload_scan(token: str, upload: Any, now: dt.datetime) -> None:
    """Check the uploaded signed Tờ trình and keep it (as a clean PDF) with the dossier."""
    session = get_session()
    dossier, _ = open_for_change(session, token, now)
    filename = notifications.one_line(getattr(upload, "filename", None) or "", 120)
    # The whole request is already bounded by MAX_CONTENT_LENGTH.
    data = upload.stream.read() if upload is not None and filename else b""
    try:
        clean = check_scan(data, filename, max_bytes=current_app.config["MAX_SCAN_BYTES"])
    except ScanError as error:
        raise DossierRefused(str(error)) from None
    dossier.scan, dossier.scan_content_type = clean, SCAN_CONTENT_TYPE
    mark_changed(dossier)
    session.commit()


def remove_scan(token: str, now: dt.datetime) -> None:
    session = get_session()
    dossier, _ = open_for_change(session, token, now)
    if dossier.scan is None:
        return
    dossier.scan, dossier.scan_content_type = None, None
    mark_changed(dossier)
    session.commit()


def open_for_change(session: Session, token: str, now: dt.datetime) -> tuple[Dossier, Campaign]:
    """The dossier, locked and read fresh (a sending in progress is waited for and its
    revision seen), and its call, if the call still takes changes; Closed otherwise."""
    dossier = find_dossier(session, token)
    if dossier is None:
        raise NotFound(token)
    campaign = find_call(dossier.plan_slug, dossier.call_key)
    ensure_open(campaign, now, token)
    return lock_dossier(session, dossier.id, utc_now()), campaign
