"""Every database table of the nomination app (SQLAlchemy 2.0).

This module owns the schema: nominations, their immutable versions, the stored
files (photo, PDF, DOCX) with SHA-256 checksums, drafts between the form and
the confirmation, the rate-limit log, office accounts with the issuing bodies
they belong to, and the mail outbox. Every change to it comes with an Alembic
migration in `store/migrations/versions/`. It must not render, validate or
send anything: the features' operations decide, this module only describes.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class NominationStatus(enum.StrEnum):
    """Where a nomination stands; the office's workflow adds later states.

    A nominee added to a dossier is PENDING until the dossier is sent (then
    SUBMITTED); one taken out of a dossier that was already sent is REMOVED
    (kept as the record of what the office received).
    """

    PENDING = "pending"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return {
            "pending": "Chưa gửi",
            "submitted": "Đã gửi",
            "withdrawn": "Đã rút lại sự đồng ý",
            "removed": "Đã bỏ khỏi hồ sơ",
        }[self.value]


class DossierFileKind(enum.StrEnum):
    """The files a dossier adds to its nominees' summaries when it is sent."""

    PROPOSAL_PDF = "proposal_pdf"  # the Tờ trình, PDF
    PROPOSAL_DOCX = "proposal_docx"  # the Tờ trình, Word
    ROSTER_XLSX = "roster_xlsx"  # the danh sách trích ngang
    SIGNED_SCAN = "signed_scan"  # the signed and stamped Tờ trình, as uploaded (PDF or JPEG)


class FileKind(enum.StrEnum):
    PHOTO = "photo"
    PDF = "pdf"
    DOCX = "docx"


def _values(kind: type[enum.StrEnum]) -> list[str]:
    # Store the readable values ("submitted"), not the member names.
    return [member.value for member in kind]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Nomination(Base):
    """One nominee put forward for one call of one plan."""

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # A nominee is reached through its dossier's link; this is the hash of a random token
    # nobody is shown (kept unique and non-null from the time nominations stood alone).
    edit_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    plan_slug: Mapped[str] = mapped_column(String(200))
    call_key: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(20))
    category_key: Mapped[str] = mapped_column(String(100))
    nominee_name: Mapped[str] = mapped_column(String(300))
    union_name: Mapped[str] = mapped_column(String(300))
    submitter_name: Mapped[str] = mapped_column(String(200))
    submitter_email: Mapped[str] = mapped_column(String(254))
    submitter_phone: Mapped[str] = mapped_column(String(30))
    status: Mapped[NominationStatus] = mapped_column(
        Enum(NominationStatus, native_enum=False, length=20, values_callable=_values),
        default=NominationStatus.SUBMITTED,
    )
    deadline_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    client_address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    # The dossier this nominee belongs to, and its place in the dossier's table (1, 2, ...).
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    position: Mapped[int | None] = mapped_column(Integer)

    versions: Mapped[list[NominationVersion]] = relationship(
        back_populates="nomination", order_by="NominationVersion.number"
    )
    dossier: Mapped[Dossier | None] = relationship(back_populates="nominations")

    __table_args__ = (
        Index("ix_nomination_plan_call", "plan_slug", "call_key"),
        Index("ix_nomination_dossier", "dossier_id"),
    )

    @property
    def latest(self) -> NominationVersion:
        return self.versions[-1]


class NominationVersion(Base):
    """What was submitted at one time; edits add a version, nothing is overwritten."""

    __tablename__ = "nomination_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id"))
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    fill_ratio: Mapped[float] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    nomination: Mapped[Nomination] = relationship(back_populates="versions")
    files: Mapped[list[StoredFile]] = relationship(back_populates="version")

    __table_args__ = (UniqueConstraint("nomination_id", "number"),)

    def file(self, kind: FileKind) -> StoredFile | None:
        return next((f for f in self.files if f.kind == kind), None)


class Dossier(Base):
    """One grassroots union's hồ sơ for one call: its details, its nominees, its sendings.

    Reached by a secret link (only the token's SHA-256 is stored). `revision`
    counts the sendings: 0 while it was never sent, n after the n-th; a change
    after a sending sets `changed_since_sent` until the dossier is sent again
    (the office then receives "bản sửa đổi lần n").
    """

    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    plan_slug: Mapped[str] = mapped_column(String(200))
    call_key: Mapped[str] = mapped_column(String(100))
    union_name: Mapped[str] = mapped_column(String(300))  # tên công đoàn cơ sở
    parent_union: Mapped[str] = mapped_column(String(300))  # công đoàn cấp trên
    address: Mapped[str] = mapped_column(String(300))
    place: Mapped[str] = mapped_column(String(100))  # địa danh of the date line ("Hà Nội")
    signer_name: Mapped[str] = mapped_column(String(200))
    signer_title: Mapped[str] = mapped_column(String(100))  # "Chủ tịch" or "Phó Chủ tịch"
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    contact_phone: Mapped[str] = mapped_column(String(30))
    revision: Mapped[int] = mapped_column(Integer, default=0)
    changed_since_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    # The signed scan of the Tờ trình, checked and re-encoded (PDF or JPEG), if uploaded.
    scan: Mapped[bytes | None] = mapped_column(LargeBinary)
    scan_content_type: Mapped[str | None] = mapped_column(String(100))
    deadline_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    client_address: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="dossier", order_by="Nomination.position"
    )
    sendings: Mapped[list[DossierSending]] = relationship(
        back_populates="dossier", order_by="DossierSending.number"
    )

    __table_args__ = (Index("ix_dossier_plan_call", "plan_slug", "call_key"),)


class DossierSending(Base):
    """What one sending of a dossier held: its own files and the nominees' versions.

    `contents` lists `{"nomination_id": id, "version": n}` in the dossier's
    order, so the mail and the office's ZIP are built from the same record.
    """

    __tablename__ = "dossier_sending"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"))
    number: Mapped[int] = mapped_column(Integer)
    contents: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    dossier: Mapped[Dossier] = relationship(back_populates="sendings")
    files: Mapped[list[DossierFile]] = relationship(
        back_populates="sending", order_by="DossierFile.id"
    )

    __table_args__ = (UniqueConstraint("dossier_id", "number"),)

    def file(self, kind: DossierFileKind) -> DossierFile | None:
        return next((f for f in self.files if f.kind == kind), None)


class ChecksummedFile:
    """The columns of a file kept in the database: its name, type, size and SHA-256.

    Shared by a nominee's files (StoredFile) and a sending's own (DossierFile);
    `checksummed` fills size and SHA-256 from the content.
    """

    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class DossierFile(ChecksummedFile, Base):
    """A file of one sending (Tờ trình, danh sách, signed scan) with its checksum."""

    __tablename__ = "dossier_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    sending_id: Mapped[int] = mapped_column(ForeignKey("dossier_sending.id"))
    kind: Mapped[DossierFileKind] = mapped_column(
        Enum(DossierFileKind, native_enum=False, length=20, values_callable=_values)
    )

    sending: Mapped[DossierSending] = relationship(back_populates="files")

    __table_args__ = (UniqueConstraint("sending_id", "kind"),)


class UnitQuota(Base):
    """How many nominees the office allows one unit (or, with `union_key` "", every unit)
    for one call: the plans leave the numbers to the office ("phân bổ sau")."""

    __tablename__ = "unit_quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_slug: Mapped[str] = mapped_column(String(200))
    call_key: Mapped[str] = mapped_column(String(100))
    union_key: Mapped[str] = mapped_column(String(300))  # sitegen.folding.fold of the name
    union_name: Mapped[str] = mapped_column(String(300))  # as the office typed it
    max_nominees: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(100))  # office username
    set_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    __table_args__ = (UniqueConstraint("plan_slug", "call_key", "union_key"),)


def checksummed(content: bytes) -> dict[str, bytes | int | str]:
    """A file's content with its size and SHA-256, as StoredFile and DossierFile keep them."""
    return {"content": content, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


class StoredFile(ChecksummedFile, Base):
    """A file kept in the database with its checksum."""

    __tablename__ = "stored_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("nomination_version.id"))
    kind: Mapped[FileKind] = mapped_column(
        Enum(FileKind, native_enum=False, length=10, values_callable=_values)
    )

    version: Mapped[NominationVersion] = relationship(back_populates="files")

    __table_args__ = (UniqueConstraint("version_id", "kind"),)


class Draft(Base):
    """Typed data and the processed photo between the form, the preview and the sending.

    Keyed by a random token so that the preview and "back to the form" keep
    everything; `nomination_id` is set when the draft edits a nomination.
    """

    __tablename__ = "draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    plan_slug: Mapped[str] = mapped_column(String(200))
    call_key: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary)
    fill_ratio: Mapped[float | None] = mapped_column(Float)
    ready: Mapped[bool] = mapped_column(default=False)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    # The dossier the nominee is being added to (or belongs to, when editing).
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    # The private link's token of the dossier this draft belongs to: where the form, the
    # preview and a repeated "Lưu vào hồ sơ" return (never in a cookie; purged with the draft).
    edit_token: Mapped[str | None] = mapped_column(String(64))
    # Set once, by the request that stored the draft: a repeated "send" finds it here.
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The PDF the preview rendered, reused when sending on the same day (its date line).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    rendered_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class RateEvent(Base):
    """One counted action of one client address, for the per-address limits."""

    __tablename__ = "rate_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_rate_event_lookup", "address", "action", "at"),)


class MailState(enum.StrEnum):
    """Where a queued mail stands. A leased mail stays PENDING: the lease says who has it."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "Đang chờ gửi", "sent": "Đã gửi", "failed": "Gửi thất bại"}[self.value]


class MailKind(enum.StrEnum):
    OFFICE = "office"  # the dossier, to the office address the plan names
    CONFIRMATION = "confirmation"  # to the submitter
    WITHDRAWAL = "withdrawal"  # to the office: the person withdrew consent
    PRIVACY_REQUEST = "privacy_request"  # to the office: a request about personal data

    @property
    def label(self) -> str:
        return {
            "office": "Hồ sơ gửi văn phòng",
            "confirmation": "Xác nhận cho người gửi",
            "withdrawal": "Báo rút lại sự đồng ý",
            "privacy_request": "Yêu cầu về dữ liệu cá nhân",
        }[self.value]


class OfficeUser(Base):
    """An account of the union office; created by `flask office create-user`."""

    __tablename__ = "office_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Administrators see the access log of their bodies (`flask office set-admin`).
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    memberships: Mapped[list[OfficeMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="OfficeMembership.issuer_key"
    )

    @property
    def issuer_keys(self) -> frozenset[str]:
        return frozenset(m.issuer_key for m in self.memberships)


class OfficeSession(Base):
    """One login of an office account; the signed cookie holds only its random token.

    Logging out deletes the row, so a copy of the cookie taken before is worth
    nothing after. Only the token's SHA-256 is stored.
    """

    __tablename__ = "office_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_user.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[OfficeUser] = relationship()

    __table_args__ = (Index("ix_office_session_user", "user_id"),)


class OfficeMembership(Base):
    """An account belongs to an issuing body (a key of content/issuers.yml)."""

    __tablename__ = "office_membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("office_user.id", ondelete="CASCADE"))
    issuer_key: Mapped[str] = mapped_column(String(100))

    user: Mapped[OfficeUser] = relationship(back_populates="memberships")

    __table_args__ = (UniqueConstraint("user_id", "issuer_key"),)


class OutboxMail(Base):
    """One mail, stored whole (`raw`) when queued so every attempt sends the same bytes."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    version_number: Mapped[int | None] = mapped_column(Integer)
    # Set for a dossier's mails; `version_number` is then the sending's number.
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"))
    kind: Mapped[MailKind] = mapped_column(
        Enum(MailKind, native_enum=False, length=20, values_callable=_values)
    )
    state: Mapped[MailState] = mapped_column(
        Enum(MailState, native_enum=False, length=20, values_callable=_values),
        default=MailState.PENDING,
    )
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(254))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    permanent_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    nomination: Mapped[Nomination | None] = relationship()

    __table_args__ = (
        Index("ix_outbox_mail_due", "state", "next_attempt_at"),
        Index("ix_outbox_mail_nomination", "nomination_id"),
        Index("ix_outbox_mail_dossier", "dossier_id"),
    )


class RequestKind(enum.StrEnum):
    """What a person asked about their data (Law 91/2025/QH15)."""

    ACCESS = "access"
    RECTIFY = "rectify"
    WITHDRAW = "withdraw"
    ERASE = "erase"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "access": "Xem, nhận bản sao dữ liệu",
            "rectify": "Sửa dữ liệu",
            "withdraw": "Rút lại sự đồng ý",
            "erase": "Xóa dữ liệu",
            "other": "Yêu cầu khác",
        }[self.value]


class RequestState(enum.StrEnum):
    OPEN = "open"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"open": "Chờ xử lý", "done": "Đã xử lý"}[self.value]


class PrivacyRequest(Base):
    """A person's request about a nomination's data, answered by the office by a due date.

    Kept (without the message) after the nomination is deleted, as the record that
    the request was answered; `reference` then still says which nomination it was.
    """

    __tablename__ = "privacy_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int | None] = mapped_column(ForeignKey("nomination.id"))
    reference: Mapped[str] = mapped_column(String(16))
    plan_slug: Mapped[str] = mapped_column(String(200))
    call_key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[RequestKind] = mapped_column(
        Enum(RequestKind, native_enum=False, length=20, values_callable=_values)
    )
    message: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[RequestState] = mapped_column(
        Enum(RequestState, native_enum=False, length=20, values_callable=_values),
        default=RequestState.OPEN,
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(100))  # office username
    outcome: Mapped[str | None] = mapped_column(Text)

    nomination: Mapped[Nomination | None] = relationship()

    __table_args__ = (Index("ix_privacy_request_open", "state", "due_at"),)


class AccessLogEntry(Base):
    """One look at personal data by the office: who, when, what, from where.

    Written for every office page, download and export that shows personal data
    (privacy/access_log.py); names no nominee, only references and campaigns.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("office_user.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(500))
    plan_slug: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_access_log_at", "at"),)
