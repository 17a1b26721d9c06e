"""How long personal data is kept, and the purge that ends it (`flask data purge`).

Drafts are deleted after DRAFT_MAX_AGE_DAYS without a change; a nomination,
all its versions, files, outbox mails, drafts and requests are deleted
RETENTION_MONTHS after its call's deadline, and so is a unit's dossier with its
sendings (Tờ trình, danh sách, signed scan) and their mails; rate-limit rows (client
addresses) once no limit counts them any more. The purge is idempotent and
safe to run daily: what it removed is returned, by reference only, never by
name. The office's warning ahead of the purge is computed here too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sitegen.loader import Content
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..campaigns import Campaign, find_campaign
from ..nominations.drafts import delete_expired_drafts
from ..store.models import (
    Dossier,
    DossierFile,
    DossierSending,
    Draft,
    Nomination,
    NominationVersion,
    OutboxMail,
    PrivacyRequest,
    RateEvent,
    StoredFile,
)
from .notice import add_months, purge_date


@dataclass
class PurgeReport:
    drafts: int = 0
    nominations: list[str] = field(default_factory=list)  # references
    versions: int = 0
    files: int = 0
    mails: int = 0
    requests: int = 0
    rate_events: int = 0
    dossiers: list[str] = field(default_factory=list)  # references

    @property
    def removed_anything(self) -> bool:
        return any(
            (
                self.drafts,
                self.nominations,
                self.dossiers,
                self.versions,
                self.files,
                self.mails,
                self.rate_events,
            )
        )


def expired_nomination_ids(
    session: Session, content: Content, now: dt.datetime, months: int, model: type = Nomination
) -> list[int]:
    """Nominations (or dossiers) whose call closed `months` ago or more: the plan's deadline
    (what the notice and the office's warning state), else the one stored when the plan is
    gone."""
    rows = session.execute(
        select(model.id, model.plan_slug, model.call_key, model.deadline_at, model.created_at)
    )
    expired = []
    for row in rows:
        campaign = find_campaign(content, row.plan_slug, row.call_key)
        closed = campaign.closes_at if campaign and campaign.closes_at else None
        closed = closed or as_aware(row.deadline_at or row.created_at)
        if add_months(closed, months) <= now:
            expired.append(row.id)
    return expired


def delete_nominations(session: Session, ids: list[int], report: PurgeReport) -> None:
    """Delete nominations with everything that holds their data; the caller commits."""
    if not ids:
        return
    report.nominations.extend(
        session.scalars(
            select(Nomination.reference)
            .where(Nomination.id.in_(ids))
            .order_by(Nomination.reference)
        )
    )
    versions = select(NominationVersion.id).where(NominationVersion.nomination_id.in_(ids))
    report.files += _delete(session, StoredFile, StoredFile.version_id.in_(versions))
    report.versions += _delete(session, NominationVersion, NominationVersion.nomination_id.in_(ids))
    report.mails += _delete(session, OutboxMail, OutboxMail.nomination_id.in_(ids))
    report.drafts += _delete(session, Draft, Draft.nomination_id.in_(ids))
    # A request stays as the record that it was answered, without the person's message.
    report.requests += (
        session.execute(
            update(PrivacyRequest)
            .where(PrivacyRequest.nomination_id.in_(ids))
            .values(nomination_id=None, message="")
        ).rowcount
        or 0
    )
    _delete(session, Nomination, Nomination.id.in_(ids))


def delete_dossiers(session: Session, ids: list[int], report: PurgeReport) -> None:
    """Delete dossiers with their nominees, sendings, files, mails and drafts; the caller
    commits."""
    if not ids:
        return
    report.dossiers.extend(
        session.scalars(
            select(Dossier.reference).where(Dossier.id.in_(ids)).order_by(Dossier.reference)
        )
    )
    nominees = session.scalars(select(Nomination.id).where(Nomination.dossier_id.in_(ids))).all()
    delete_nominations(session, list(nominees), report)
    sendings = select(DossierSending.id).where(DossierSending.dossier_id.in_(ids))
    report.files += _delete(session, DossierFile, DossierFile.sending_id.in_(sendings))
    _delete(session, DossierSending, DossierSending.dossier_id.in_(ids))
    report.mails += _delete(session, OutboxMail, OutboxMail.dossier_id.in_(ids))
    report.drafts += _delete(session, Draft, Draft.dossier_id.in_(ids))
    _delete(session, Dossier, Dossier.id.in_(ids))


def purge(
    session: Session,
    content: Content,
    now: dt.datetime,
    *,
    retention_months: int,
    draft_max_age_days: int,
    rate_window_seconds: int,
) -> PurgeReport:
    """Remove everything past its time, in one transaction; running it again removes nothing."""
    report = PurgeReport()
    now = now.astimezone(dt.UTC)  # SQLite keeps the stored UTC wall time without a zone
    delete_nominations(
        session, expired_nomination_ids(session, content, now, retention_months), report
    )
    delete_dossiers(
        session, expired_nomination_ids(session, content, now, retention_months, Dossier), report
    )
    report.drafts += delete_expired_drafts(session, draft_max_age_days, now)
    # The limits look back one window; older rows only keep client addresses around.
    window = now - dt.timedelta(seconds=max(rate_window_seconds, 24 * 3600))
    report.rate_events += _delete(session, RateEvent, RateEvent.at < window)
    session.commit()
    return report


def describe_purge(report: PurgeReport) -> list[str]:
    """What was removed, in Vietnamese, one line per kind (references, never names)."""
    if not report.removed_anything:
        return ["Không có dữ liệu nào hết thời hạn lưu."]
    lines = [
        f"Bản nháp đã xóa: {report.drafts}",
        f"Hồ sơ đã xóa: {len(report.nominations)}"
        + (f" ({', '.join(report.nominations)})" if report.nominations else ""),
        f"Hồ sơ của đơn vị (tờ trình, danh sách) đã xóa: {len(report.dossiers)}"
        + (f" ({', '.join(report.dossiers)})" if report.dossiers else ""),
        f"Phiên bản hồ sơ đã xóa: {report.versions}",
        f"Tệp đã xóa: {report.files}",
        f"Thư trong hàng đợi đã xóa: {report.mails}",
        f"Yêu cầu về dữ liệu tách khỏi hồ sơ đã xóa: {report.requests}",
        f"Bản ghi giới hạn truy cập (địa chỉ IP) đã xóa: {report.rate_events}",
    ]
    return lines


@dataclass(frozen=True)
class RetentionWarning:
    purge_on: dt.datetime
    days_left: int
    soon: bool  # within the warning period: the office should act (export what it must keep)


def retention_warning(
    campaign: Campaign, now: dt.datetime, months: int, warning_days: int
) -> RetentionWarning | None:
    """When the call's nominations will be purged, and whether that is soon."""
    when = purge_date(campaign, months)
    if when is None:
        return None
    days_left = max((when - now).days, 0)
    return RetentionWarning(when, days_left, days_left <= warning_days)


def _delete(session: Session, model: type, condition) -> int:
    return session.execute(delete(model).where(condition)).rowcount or 0


def as_aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for values stored in UTC; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
