"""Database tables of the office side: office accounts and the mail outbox.

This module owns the schema of what the union office uses: its accounts (with
hashed passwords), which issuing bodies each account belongs to, and the
outbox of mails waiting for, in, or done with delivery. Every change comes with
an Alembic migration in `forms_app/migrations/versions/`. It must not send,
render or decide anything: outbox.py moves mails between states, office/
reads these tables for its views.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base, Nomination


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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

    @property
    def label(self) -> str:
        return {"office": "Hồ sơ gửi văn phòng", "confirmation": "Xác nhận cho người gửi"}[
            self.value
        ]


def _values(kind: type[enum.StrEnum]) -> list[str]:
    return [member.value for member in kind]


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

    memberships: Mapped[list[OfficeMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="OfficeMembership.issuer_key"
    )

    @property
    def issuer_keys(self) -> frozenset[str]:
        return frozenset(m.issuer_key for m in self.memberships)


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
    )
