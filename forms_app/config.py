"""Settings of the nomination app: defaults, environment, validation.

This module owns every setting's default, reads `FORMS_`-prefixed environment
variables (it is the only module that touches `os.environ`) and rejects
contradictions at start-up with one full sentence per problem. It must not
open the database, the content or any file other than the instance secret.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import secrets
from collections import Counter
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_DIR = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

# Every key the app reads, with its default. `FORMS_<KEY>` in the environment
# overrides it (values are parsed as JSON when they can be: numbers, true/false).
DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": None,  # generated into the instance folder when not given
    "DATABASE_URL": None,  # sqlite:///<instance>/forms.sqlite3 when not given
    "CONTENT_DIR": str(PROJECT_DIR / "content"),
    "PUBLIC_SITE_URL": "http://127.0.0.1:8000/",
    # The nomination app's own public address, e.g. https://hoso.congdoan.vn/. When it is
    # https, the session cookie is Secure (sent over https only) and HSTS is sent.
    "APP_URL": None,
    # Secure session cookie: None derives it from APP_URL; true when TLS ends at a proxy
    # and APP_URL is not given; false is refused for an https APP_URL.
    "SECURE_COOKIES": None,
    # The signed session cookie (CSRF token; the office's login token) is refused after
    # this many seconds, and it is never permanent: closing the browser ends it.
    "SESSION_LIFETIME": 24 * 3600,
    "NOW": None,  # ISO datetime with zone pinning the app's "now"
    "AUTO_MIGRATE": True,  # run Alembic migrations to head at start-up
    "MAX_PHOTO_BYTES": 10 * MB,
    "MAX_CONTENT_LENGTH": 12 * MB,
    "MAX_SCAN_BYTES": 10 * MB,  # the signed Tờ trình's scan (PDF or image), as uploaded
    # Raw bytes of attachments in one office mail: a dossier above it goes as numbered parts
    # ("phần 1/2"), whole files each. Most mail servers refuse 20-25 MB once base64 adds a third.
    "MAIL_ATTACHMENT_LIMIT": 15 * MB,
    # A person may spend an afternoon on a summary: the token must outlive it.
    "WTF_CSRF_TIME_LIMIT": 24 * 3600,
    "RATE_LIMIT_SUBMISSIONS": 10,  # final submissions per address per window
    "RATE_LIMIT_PREVIEWS": 60,  # previews (each renders a PDF) per address per window
    "RATE_LIMIT_WINDOW": 3600,  # seconds
    "DRAFT_MAX_AGE_DAYS": 30,
    "TRUST_PROXY": False,  # honour one X-Forwarded-For hop (behind a reverse proxy)
    # Mail delivery (mailer.py, outbox.py). "file" writes .eml files into MAIL_DIR.
    "MAIL_BACKEND": "smtp",  # smtp | file
    "MAIL_FROM": "thidua@localhost",
    "MAIL_DIR": None,  # <instance>/mail when not given
    "SMTP_HOST": "localhost",
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_SECURITY": "none",  # none | starttls | ssl
    "SMTP_TIMEOUT": 30,  # seconds per SMTP operation
    "OUTBOX_MAX_ATTEMPTS": 10,  # temporary failures (4xx, refused, timeout) before "failed"
    "OUTBOX_MAX_PERMANENT_ATTEMPTS": 3,  # 5xx replies before "failed"
    "OUTBOX_RETRY_BASE_SECONDS": 60,  # first retry delay; doubles each attempt, with jitter
    "OUTBOX_RETRY_MAX_SECONDS": 6 * 3600,
    "OUTBOX_LEASE_SECONDS": 300,  # a claimed mail is another worker's again after this
    "OUTBOX_BATCH_SIZE": 20,
    "OUTBOX_WATCH_INTERVAL": 5,  # seconds between passes of `outbox send --watch`
    "OUTBOX_SEND_AFTER_COMMIT": True,  # one delivery pass in a thread after a submission
    "OFFICE_LOGIN_LIMIT": 10,  # failed office logins per address, and per account, per window
    "OFFICE_LOGIN_WINDOW": 900,  # seconds
    # Personal data (privacy/): nominations, files and mails are purged this long after the
    # call's deadline; the office is warned this many days ahead; requests are due in days.
    "RETENTION_MONTHS": 24,
    "RETENTION_WARNING_DAYS": 60,
    "PRIVACY_REQUEST_DUE_DAYS": 3,
    "OFFICE_SESSION_LIFETIME": 8 * 3600,  # an office login ends after a working day (seconds)
}

MAIL_BACKENDS = ("smtp", "file")
SMTP_SECURITIES = ("none", "starttls", "ssl")

MIN_CSRF_SECONDS = 12 * 3600
# A secret key must resist guessing. 16 random characters score about 44 to 64 on
# estimate_secret_bits (it cannot credit more than log2(16) bits per character at
# that length); keys a person types, like "abcabcabcabcabca", score far less.
MIN_SECRET_BITS = 40
SECRET_KEY_HOWTO = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


class ConfigError(RuntimeError):
    """The settings contradict each other; the message lists every problem."""


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill `app.config`: defaults, then FORMS_* variables, then test overrides."""
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("FORMS")
    if test_config:
        app.config.update(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = read_instance_secret(Path(app.instance_path))
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'forms.sqlite3'}"
    problems = validate_config(app.config)
    if problems:
        raise ConfigError(" ".join(problems))
    app.config["NOW"] = parse_now(app.config["NOW"])
    secure = secure_cookies(app.config)
    app.config.update(
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=app.config["SESSION_LIFETIME"],
        PREFERRED_URL_SCHEME="https" if secure else "http",
    )
    app.config["CONTENT_DIR"] = str(Path(app.config["CONTENT_DIR"]))


def instance_path_setting(test_config: dict[str, Any] | None) -> str:
    """Where the instance folder is: test override, FORMS_INSTANCE_PATH, or ./instance."""
    if test_config and test_config.get("INSTANCE_PATH"):
        return str(Path(test_config["INSTANCE_PATH"]).resolve())
    from_env = os.environ.get("FORMS_INSTANCE_PATH")
    if from_env:
        return str(Path(from_env).resolve())
    return str(PROJECT_DIR / "instance")


def read_instance_secret(instance: Path) -> str:
    """The development secret: generated once, kept in the (git-ignored) instance folder."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def parse_now(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def secure_cookies(config: Any) -> bool:
    """Whether the session cookie is sent over https only: as set, else from APP_URL."""
    if config["SECURE_COOKIES"] is not None:
        return bool(config["SECURE_COOKIES"])
    return str(config["APP_URL"] or "").startswith("https://")


def estimate_secret_bits(key: str) -> float:
    """Bits of a key if its characters were drawn at random from the ones it uses.

    A generous upper bound (it cannot see words or patterns), enough to refuse
    keys like "aaaaaaaaaaaaaaaa" or "abcabcabcabcabca" that a person types.
    """
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return per_char * len(key)


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def validate_config(config: Any) -> list[str]:
    """One English sentence per contradiction, in a stable order."""
    problems: list[str] = []
    secret = str(config["SECRET_KEY"])
    if len(secret) < 16:
        problems.append(
            f"FORMS_SECRET_KEY must be at least 16 characters long; {SECRET_KEY_HOWTO}."
        )
    elif estimate_secret_bits(secret) < MIN_SECRET_BITS:
        problems.append(
            "FORMS_SECRET_KEY is too easy to guess (too few different characters for its "
            f"length); {SECRET_KEY_HOWTO}."
        )
    url = str(config["DATABASE_URL"])
    if "://" not in url:
        problems.append(f"FORMS_DATABASE_URL must be an SQLAlchemy URL, got {url!r}.")
    content = Path(str(config["CONTENT_DIR"]))
    if not (content / "plans").is_dir():
        problems.append(
            f"FORMS_CONTENT_DIR must be a content folder with a plans/ subfolder, got {content}."
        )
    site = str(config["PUBLIC_SITE_URL"])
    if not site.startswith(("http://", "https://")):
        problems.append(f"FORMS_PUBLIC_SITE_URL must start with http:// or https://, got {site!r}.")
    app_url = config["APP_URL"]
    if app_url is not None and not str(app_url).startswith(("http://", "https://")):
        problems.append(f"FORMS_APP_URL must start with http:// or https://, got {app_url!r}.")
    if config["SECURE_COOKIES"] not in (None, True, False):
        problems.append(
            f"FORMS_SECURE_COOKIES must be true or false, got {config['SECURE_COOKIES']!r}."
        )
    elif config["SECURE_COOKIES"] is False and str(app_url or "").startswith("https://"):
        problems.append(
            "FORMS_SECURE_COOKIES cannot be false when FORMS_APP_URL is https, or the session "
            "cookie would also travel over plain http."
        )
    elif config["SECURE_COOKIES"] is True and str(app_url or "").startswith("http://"):
        problems.append(
            "FORMS_SECURE_COOKIES cannot be true when FORMS_APP_URL is plain http, or browsers "
            "would never send the session cookie back and no form could be sent."
        )
    now = config["NOW"]
    if now not in (None, ""):
        try:
            parsed = parse_now(now)
        except ValueError:
            parsed = None
            problems.append(
                f"FORMS_NOW must be an ISO datetime such as 2020-02-10T09:00:00+07:00, got {now!r}."
            )
        if parsed is not None and parsed.tzinfo is None:
            problems.append(
                f"FORMS_NOW must include its time zone (for example +07:00), got {now!r}."
            )
    for key in (
        "MAX_PHOTO_BYTES",
        "MAX_CONTENT_LENGTH",
        "MAX_SCAN_BYTES",
        "MAIL_ATTACHMENT_LIMIT",
        "RATE_LIMIT_SUBMISSIONS",
        "RATE_LIMIT_PREVIEWS",
        "RATE_LIMIT_WINDOW",
        "DRAFT_MAX_AGE_DAYS",
        "SMTP_PORT",
        "SMTP_TIMEOUT",
        "OUTBOX_MAX_ATTEMPTS",
        "OUTBOX_MAX_PERMANENT_ATTEMPTS",
        "OUTBOX_RETRY_BASE_SECONDS",
        "OUTBOX_RETRY_MAX_SECONDS",
        "OUTBOX_LEASE_SECONDS",
        "OUTBOX_BATCH_SIZE",
        "OUTBOX_WATCH_INTERVAL",
        "OFFICE_LOGIN_LIMIT",
        "OFFICE_LOGIN_WINDOW",
        "RETENTION_MONTHS",
        "RETENTION_WARNING_DAYS",
        "PRIVACY_REQUEST_DUE_DAYS",
        "OFFICE_SESSION_LIFETIME",
        "SESSION_LIFETIME",
    ):
        if not _is_positive_int(config[key]):
            problems.append(f"FORMS_{key} must be a positive whole number, got {config[key]!r}.")
    if (
        _is_positive_int(config["MAX_PHOTO_BYTES"])
        and _is_positive_int(config["MAX_CONTENT_LENGTH"])
        and config["MAX_CONTENT_LENGTH"] <= config["MAX_PHOTO_BYTES"]
    ):
        problems.append(
            "FORMS_MAX_CONTENT_LENGTH must be larger than FORMS_MAX_PHOTO_BYTES, "
            "or a photo of the allowed size could never be sent with its form."
        )
    if (
        _is_positive_int(config["MAX_SCAN_BYTES"])
        and _is_positive_int(config["MAIL_ATTACHMENT_LIMIT"])
        and config["MAIL_ATTACHMENT_LIMIT"] < config["MAX_SCAN_BYTES"]
    ):
        problems.append(
            "FORMS_MAIL_ATTACHMENT_LIMIT must be at least FORMS_MAX_SCAN_BYTES, "
            "or a signed scan of the allowed size would not fit in any office mail."
        )
    if config["MAIL_BACKEND"] not in MAIL_BACKENDS:
        problems.append(f"FORMS_MAIL_BACKEND must be smtp or file, got {config['MAIL_BACKEND']!r}.")
    if config["SMTP_SECURITY"] not in SMTP_SECURITIES:
        problems.append(
            f"FORMS_SMTP_SECURITY must be none, starttls or ssl, got {config['SMTP_SECURITY']!r}."
        )
    if "@" not in str(config["MAIL_FROM"] or ""):
        problems.append(f"FORMS_MAIL_FROM must be an email address, got {config['MAIL_FROM']!r}.")
    if bool(config["SMTP_USERNAME"]) != bool(config["SMTP_PASSWORD"]):
        problems.append("FORMS_SMTP_USERNAME and FORMS_SMTP_PASSWORD must be given together.")
    if not all(str(config[key] or "").isascii() for key in ("SMTP_USERNAME", "SMTP_PASSWORD")):
        # smtplib sends AUTH in ASCII and would fail on every attempt.
        problems.append("FORMS_SMTP_USERNAME and FORMS_SMTP_PASSWORD must be ASCII characters.")
    if config["SMTP_USERNAME"] and config["SMTP_SECURITY"] == "none":
        problems.append(
            "FORMS_SMTP_SECURITY must be starttls or ssl when FORMS_SMTP_USERNAME is set, "
            "or the password would cross the network in clear text."
        )
    limit = config["WTF_CSRF_TIME_LIMIT"]
    if limit is not None and (not isinstance(limit, int) or limit < MIN_CSRF_SECONDS):
        problems.append(
            "FORMS_WTF_CSRF_TIME_LIMIT must be at least 43200 seconds (12 hours), "
            f"or people writing a long summary lose their work; got {limit!r}."
        )
    lifetime = config["SESSION_LIFETIME"]
    if _is_positive_int(lifetime):
        if isinstance(limit, int) and limit > lifetime:
            problems.append(
                "FORMS_SESSION_LIFETIME must be at least FORMS_WTF_CSRF_TIME_LIMIT, or the "
                "form's security token would outlive the cookie that holds it."
            )
        office = config["OFFICE_SESSION_LIFETIME"]
        if _is_positive_int(office) and office > lifetime:
            problems.append(
                "FORMS_OFFICE_SESSION_LIFETIME must not be longer than FORMS_SESSION_LIFETIME, "
                "or the cookie would end every office login earlier than announced."
            )
    return problems
