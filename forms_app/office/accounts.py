"""Office accounts: creation, password check, login rate limit, issuing bodies.

This module owns who may log in to the office view and which issuing bodies
(keys of content/issuers.yml) each account sees. Passwords are stored as
werkzeug.security hashes only. It must not build responses or read requests:
views.py passes in the address and the typed values.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..campaigns import get_content
from ..store.database import get_session
from ..store.models import OfficeMembership, OfficeUser, RateEvent, utc_now

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
MIN_PASSWORD_LENGTH = 10
LOGIN_ACTION = "office-login"
# Compared against when the username does not exist, so both cases take as long.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why, in Vietnamese."""


def create_office_user(
    username: str, display_name: str, password: str, issuers: list[str]
) -> OfficeUser:
    """Create an account for the given issuing bodies (in the app's database)."""
    session = get_session()
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise AccountError(
            "Tên đăng nhập gồm 3–100 ký tự: chữ thường không dấu, chữ số, dấu chấm, "
            "gạch dưới hoặc gạch ngang."
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.")
    known = get_content().issuers
    unknown = [key for key in issuers if key not in known]
    if unknown:
        raise AccountError(
            f"Không có cơ quan {', '.join(unknown)} trong content/issuers.yml; "
            f"các mã hợp lệ: {', '.join(sorted(known))}."
        )
    if session.scalar(select(OfficeUser.id).where(OfficeUser.username == username)):
        raise AccountError(f"Tài khoản {username} đã có.")
    user = OfficeUser(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=generate_password_hash(password),
        active=True,
        memberships=[OfficeMembership(issuer_key=key) for key in sorted(set(issuers))],
    )
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, username: str, password: str) -> OfficeUser | None:
    """The active account with this username and password, or None."""
    user = session.scalar(select(OfficeUser).where(OfficeUser.username == username.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utc_now()
    session.commit()
    return user


def login_blocked(session: Session, address: str, limit: int, window_seconds: int) -> bool:
    """True when this address has had `limit` failed logins within the window."""
    since = utc_now() - dt.timedelta(seconds=window_seconds)
    failures = session.scalar(
        select(func.count())
        .select_from(RateEvent)
        .where(
            RateEvent.address == address[:64],
            RateEvent.action == LOGIN_ACTION,
            RateEvent.at >= since,
        )
    )
    return failures >= limit


def record_failed_login(session: Session, address: str, window_seconds: int) -> None:
    now = utc_now()
    session.execute(
        delete(RateEvent).where(
            RateEvent.action == LOGIN_ACTION,
            RateEvent.at < now - dt.timedelta(seconds=window_seconds),
        )
    )
    session.add(RateEvent(address=address[:64], action=LOGIN_ACTION, at=now))
    session.commit()


def clear_failed_logins(session: Session, address: str) -> None:
    session.execute(
        delete(RateEvent).where(RateEvent.address == address[:64], RateEvent.action == LOGIN_ACTION)
    )
    session.commit()
