"""Office accounts: creation, password check, logins kept server-side, issuing bodies.

This module owns who may log in to the office view, which issuing bodies
(keys of content/issuers.yml) each account sees, and the server-side record
of each login (the cookie holds only a random token; logging out deletes the
record). Passwords and tokens are stored as hashes only. It must not build
responses, read requests or count failed logins (operations.py does, with
store/ratelimit.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..campaigns import get_content
from ..store.database import get_session
from ..store.models import OfficeMembership, OfficeSession, OfficeUser, utc_now

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
MIN_PASSWORD_LENGTH = 10
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
    """The active account with this username and password, or None (the caller commits)."""
    username = username.strip().lower()
    # No account has another shape (and PostgreSQL refuses NUL in a query's text).
    user = None
    if USERNAME_RE.match(username):
        user = session.scalar(select(OfficeUser).where(OfficeUser.username == username))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = utc_now()
    return user


def account_key(username: str) -> str:
    """The rate-limit key of a typed username (hashed: any text fits, nothing readable kept)."""
    return hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()


def open_office_session(session: Session, user: OfficeUser, lifetime_seconds: int) -> str:
    """A new login of `user`: its random token (for the signed cookie); only its hash is kept."""
    now = utc_now()
    session.execute(delete(OfficeSession).where(OfficeSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(
        OfficeSession(
            token_hash=_hash_token(token),
            user=user,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=lifetime_seconds),
        )
    )
    return token


def find_office_session_user(session: Session, token: str | None) -> OfficeUser | None:
    """The active account of a login that has neither ended nor expired, or None."""
    if not token or not isinstance(token, str):
        return None
    user = session.scalar(
        select(OfficeUser)
        .join(OfficeSession, OfficeSession.user_id == OfficeUser.id)
        .where(OfficeSession.token_hash == _hash_token(token), OfficeSession.expires_at > utc_now())
    )
    return user if user is not None and user.active else None


def close_office_session(session: Session, token: str | None) -> None:
    """End a login: the row goes, so any copy of the cookie is refused from now on."""
    if token and isinstance(token, str):
        session.execute(delete(OfficeSession).where(OfficeSession.token_hash == _hash_token(token)))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
