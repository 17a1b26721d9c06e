"""The mail outbox: mails are recorded in the caller's transaction, delivered later.

This module owns the life of an outgoing mail after it is built: queueing it
(in the same database transaction as the nomination it is about, with its
Message-ID fixed at that moment so every attempt sends the very same mail),
claiming due mails with a lease so that two workers never hold the same one
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, a conditional UPDATE everywhere),
delivering them through mailer.py, and recording the outcome: sent; retried
later with a growing, jittered delay (temporary failures); or failed after a
bounded number of attempts, until someone at the office resends it.

Delivery is at-least-once: a worker killed after the SMTP server accepted a
mail but before the row says "sent" leaves a lease that expires, and the mail
is sent again with the same Message-ID (receivers can drop the duplicate).

It must not build messages (notifications.py does) nor talk SMTP (mailer.py).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import random
import socket
import threading
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..privacy.redact import redact
from ..store.models import MailKind, MailState, Nomination, OutboxMail, utc_now
from .mailer import MailSettings, PermanentMailError, TemporaryMailError, deliver_mail

log = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 1000
# Headers are folded only past RFC 5322's hard limit of 998 characters. At the usual 78,
# Python's folder (3.11) splits Vietnamese subjects into encoded words at a space and
# puts the space between them, where RFC 2047 decoders drop it: "LĐLĐ quận" arrived
# as "LĐLĐquận" in most long subjects. Unfolded, every space stays inside one encoded
# word; a subject (at most 250 characters) stays far below 998 once encoded.
WIRE_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class OutboxPolicy:
    max_attempts: int = 10
    max_permanent_attempts: int = 3
    retry_base_seconds: int = 60
    retry_max_seconds: int = 6 * 3600
    lease_seconds: int = 300
    batch_size: int = 20

    @classmethod
    def from_config(cls, config: Any) -> OutboxPolicy:
        return cls(
            max_attempts=config["OUTBOX_MAX_ATTEMPTS"],
            max_permanent_attempts=config["OUTBOX_MAX_PERMANENT_ATTEMPTS"],
            retry_base_seconds=config["OUTBOX_RETRY_BASE_SECONDS"],
            retry_max_seconds=config["OUTBOX_RETRY_MAX_SECONDS"],
            lease_seconds=config["OUTBOX_LEASE_SECONDS"],
            batch_size=config["OUTBOX_BATCH_SIZE"],
        )


@dataclass
class SendReport:
    """What one pass did, by outcome."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


def _as_utc(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return utc_now()
    if moment.tzinfo is None:
        raise ValueError("outbox times must be timezone-aware")
    return moment.astimezone(dt.UTC)


def queue_mail(
    session: Session,
    message: EmailMessage,
    *,
    kind: MailKind,
    nomination: Nomination | None = None,
    version_number: int | None = None,
    dossier_id: int | None = None,
    now: dt.datetime | None = None,
) -> OutboxMail:
    """Record `message` for delivery in `session`'s transaction; the caller commits.

    A dossier's mails name the dossier (`dossier_id`) and its sending's number
    (`version_number`); a nomination's name the nomination and its version.

    The Message-ID and Date are set here, once: a retry or a resend sends the
    same bytes, so receivers can recognise a duplicate.
    """
    moment = _as_utc(now)
    sender = parseaddr(str(message["From"]))[1]
    recipients = [
        address
        for _name, address in getaddresses(
            [str(v) for key in ("To", "Cc", "Bcc") for v in message.get_all(key, [])]
        )
        if address
    ]
    if not sender or not recipients:
        raise ValueError("a queued mail needs a From and at least one recipient")
    if message["Message-ID"] is None:
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    if message["Date"] is None:
        message["Date"] = format_datetime(moment)
    bcc = message.get_all("Bcc")
    if bcc:
        del message["Bcc"]
    mail = OutboxMail(
        nomination=nomination,
        version_number=version_number,
        dossier_id=dossier_id,
        kind=kind,
        state=MailState.PENDING,
        message_id=str(message["Message-ID"]),
        sender=sender,
        recipients=recipients,
        subject=str(message["Subject"] or ""),
        raw=message.as_bytes(policy=WIRE_POLICY),
        attempts=0,
        permanent_failures=0,
        next_attempt_at=moment,
        created_at=moment,
    )
    session.add(mail)
    _deliver_after_commit(session)
    return mail


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_due_mails(
    factory: sessionmaker,
    worker: str,
    policy: OutboxPolicy,
    now: dt.datetime | None = None,
    limit: int | None = None,
) -> list[int]:
    """Lease up to `limit` due mails to `worker`; returns their ids in delivery order.

    A mail is due when it is pending, its next attempt time has come and no
    other worker holds an unexpired lease. The UPDATE re-checks the lease, so
    two workers racing for a row cannot both win it, whatever the database.
    """
    moment = _as_utc(now)
    lease_until = moment + dt.timedelta(seconds=policy.lease_seconds)
    free = or_(OutboxMail.lease_until.is_(None), OutboxMail.lease_until < moment)
    with factory.begin() as session:
        query = (
            select(OutboxMail.id)
            .where(
                OutboxMail.state == MailState.PENDING, OutboxMail.next_attempt_at <= moment, free
            )
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(limit or policy.batch_size)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        claimed = []
        for mail_id in session.scalars(query).all():
            result = session.execute(
                update(OutboxMail)
                .where(OutboxMail.id == mail_id, OutboxMail.state == MailState.PENDING, free)
                .values(lease_owner=worker, lease_until=lease_until)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount == 1:
                claimed.append(mail_id)
    return claimed


def send_due_mails(
    factory: sessionmaker,
    settings: MailSettings,
    policy: OutboxPolicy,
    *,
    now: dt.datetime | None = None,
    worker: str | None = None,
    max_mails: int | None = None,
) -> SendReport:
    """Deliver every mail that is due now, batch after batch, and report the outcome."""
    worker = worker or new_worker_id()
    report = SendReport()
    while max_mails is None or report.attempted < max_mails:
        moment = _as_utc(now)
        room = policy.batch_size if max_mails is None else max_mails - report.attempted
        batch = claim_due_mails(factory, worker, policy, moment, min(room, policy.batch_size))
        if not batch:
            break
        for mail_id in batch:
            deliver_claimed_mail(factory, settings, policy, mail_id, worker, report, now)
    if report.attempted:
        log.info(
            "outbox pass: %d sent, %d to retry, %d failed",
            report.sent,
            report.retried,
            report.failed,
        )
    return report


def deliver_claimed_mail(
    factory: sessionmaker,
    settings: MailSettings,
    policy: OutboxPolicy,
    mail_id: int,
    worker: str,
    report: SendReport,
    now: dt.datetime | None = None,
) -> None:
    """Send one leased mail and record what happened; never raises for a delivery problem."""
    with factory() as session:
        mail = session.get(OutboxMail, mail_id)
        if mail is None or mail.lease_owner != worker:
            report.lost_lease += 1
            return
        raw, sender, recipients = mail.raw, mail.sender, list(mail.recipients)
        message_id, attempts, permanent = mail.message_id, mail.attempts, mail.permanent_failures
    try:
        deliver_mail(settings, raw, sender, recipients, message_id)
    except (TemporaryMailError, PermanentMailError) as error:
        is_permanent = isinstance(error, PermanentMailError)
        reason = str(error)
    except Exception as error:  # a bug must not stop the worker; the mail is retried
        log.exception("unexpected error delivering mail %s", message_id)
        is_permanent, reason = False, f"{type(error).__name__}: {error}"
    else:
        _record(factory, mail_id, worker, report, state=MailState.SENT, now=now)
        report.sent += 1
        return
    attempts += 1
    permanent += int(is_permanent)
    gave_up = attempts >= policy.max_attempts or permanent >= policy.max_permanent_attempts
    moment = _as_utc(now)
    values: dict[str, Any] = {
        "attempts": attempts,
        "permanent_failures": permanent,
        "last_error": reason[:MAX_ERROR_LENGTH],
        "state": MailState.FAILED if gave_up else MailState.PENDING,
        "next_attempt_at": moment + dt.timedelta(seconds=retry_delay(policy, attempts)),
    }
    _record(factory, mail_id, worker, report, now=now, **values)
    if gave_up:
        report.failed += 1
        log.warning("mail %s failed after %d attempts: %s", message_id, attempts, redact(reason))
    else:
        report.retried += 1
        log.info("mail %s will be retried (attempt %d): %s", message_id, attempts, redact(reason))
    report.errors.append(reason)


def retry_delay(policy: OutboxPolicy, attempts: int) -> float:
    """Seconds before the next attempt: doubling from the base, capped, with ±25 % jitter."""
    base = min(policy.retry_max_seconds, policy.retry_base_seconds * 2 ** max(0, attempts - 1))
    return base * random.uniform(0.75, 1.25)  # jitter spreads retries, it is no secret


def _record(
    factory: sessionmaker,
    mail_id: int,
    worker: str,
    report: SendReport,
    now: dt.datetime | None,
    **values: Any,
) -> None:
    moment = _as_utc(now)
    values.update(lease_owner=None, lease_until=None, last_attempt_at=moment)
    if values.get("state") == MailState.SENT:
        values["sent_at"] = moment
    with factory.begin() as session:
        result = session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id, OutboxMail.lease_owner == worker)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount != 1:
        # Our lease expired and another worker took the mail: it decides now.
        report.lost_lease += 1
        log.warning("lost the lease of outbox mail %s before recording the outcome", mail_id)


def resend_mail(session: Session, mail: OutboxMail, now: dt.datetime | None = None) -> None:
    """Put a failed (or sent) mail back in the queue, same Message-ID; the caller commits."""
    mail.state = MailState.PENDING
    mail.attempts = 0
    mail.permanent_failures = 0
    mail.next_attempt_at = _as_utc(now)
    mail.lease_owner = None
    mail.lease_until = None


# --- a first attempt right after the commit -------------------------------------------

_pass_lock = threading.Lock()
_pass_again = threading.Event()
_pass_threads: list[threading.Thread] = []
EXIT_GRACE_SECONDS = 20


@atexit.register
def _finish_background_pass() -> None:
    # A process stopping (e.g. a gunicorn worker on SIGTERM) lets the mail in hand be
    # recorded, or its lease would hold it back from other workers until it expires.
    for thread in list(_pass_threads):
        thread.join(EXIT_GRACE_SECONDS)


def _deliver_after_commit(session: Session) -> None:
    """Arrange one delivery pass after this session commits (if the setting asks for it)."""
    if not current_app or not current_app.config.get("OUTBOX_SEND_AFTER_COMMIT"):
        return
    session.info["outbox_queued"] = True
    if session.info.get("outbox_listener"):
        return
    session.info["outbox_listener"] = True
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def after_commit(committed: Session) -> None:
        if committed.info.pop("outbox_queued", False):
            start_background_pass(app)

    def after_rollback(rolled_back: Session) -> None:
        rolled_back.info.pop("outbox_queued", None)

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_rollback", after_rollback)


def start_background_pass(app: Flask) -> threading.Thread | None:
    """Run delivery passes in a thread; at most one such thread per process at a time."""
    _pass_again.set()
    if _pass_lock.locked():
        return None
    thread = threading.Thread(target=_run_passes, args=(app,), name="outbox-pass", daemon=True)
    _pass_threads[:] = [t for t in _pass_threads if t.is_alive()]
    _pass_threads.append(thread)
    thread.start()
    return thread


def _run_passes(app: Flask) -> None:
    while _pass_lock.acquire(blocking=False):
        try:
            while _pass_again.is_set():
                _pass_again.clear()
                with app.app_context():
                    send_due_mails(
                        app.extensions["forms_sessionmaker"],
                        MailSettings.from_config(app.config, app.instance_path),
                        OutboxPolicy.from_config(app.config),
                    )
        except Exception:  # the worker command retries; a request must never see this
            log.exception("background outbox pass failed")
        finally:
            _pass_lock.release()
        # A submission may have asked for a pass between our last check and the release.
        if not _pass_again.is_set():
            return
