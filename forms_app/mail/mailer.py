"""Hands one finished mail to the transport: an SMTP server, or a folder of .eml files.

This module owns the connection to the mail server (smtplib with a timeout,
plain, STARTTLS or SSL, optional login) and the classification of what went
wrong: `TemporaryMailError` (refused connection, timeout, 4xx reply: try again
later) or `PermanentMailError` (5xx reply: the server refuses this mail). It
must not retry, queue or decide when to send: that is outbox.py's job. It
never builds messages either: it receives the exact bytes to send.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class MailError(Exception):
    """Delivery failed; the message says why in one line."""


class TemporaryMailError(MailError):
    """The server could not take the mail now (unreachable, timeout, 4xx): retry later."""


class PermanentMailError(MailError):
    """The server refused the mail (5xx)."""


@dataclass(frozen=True)
class MailSettings:
    backend: str  # "smtp" | "file"
    host: str
    port: int
    username: str | None
    password: str | None
    security: str  # "none" | "starttls" | "ssl"
    timeout: float
    mail_dir: Path

    @classmethod
    def from_config(cls, config: Any, instance_path: str) -> MailSettings:
        mail_dir = config.get("MAIL_DIR") or str(Path(instance_path) / "mail")
        return cls(
            backend=config["MAIL_BACKEND"],
            host=config["SMTP_HOST"],
            port=int(config["SMTP_PORT"]),
            username=config["SMTP_USERNAME"] or None,
            password=config["SMTP_PASSWORD"] or None,
            security=config["SMTP_SECURITY"],
            timeout=float(config["SMTP_TIMEOUT"]),
            mail_dir=Path(mail_dir),
        )


def deliver_mail(
    settings: MailSettings, raw: bytes, sender: str, recipients: list[str], message_id: str
) -> None:
    """Send `raw` to `recipients` or raise a MailError subclass saying what happened."""
    if settings.backend == "file":
        write_mail_file(settings.mail_dir, raw, message_id)
        return
    send_smtp(settings, raw, sender, recipients)


def write_mail_file(folder: Path, raw: bytes, message_id: str) -> Path:
    """Write the mail as `<message-id>.eml`; writing it again replaces the same file."""
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-._" else "_" for c in message_id.strip("<>"))
    path = folder / f"{name}.eml"
    partial = path.with_suffix(".eml.part")
    try:
        partial.write_bytes(raw)
        partial.replace(path)
    except OSError as error:
        raise TemporaryMailError(f"cannot write {path}: {error}") from error
    return path


def send_smtp(settings: MailSettings, raw: bytes, sender: str, recipients: list[str]) -> None:
    try:
        client = _connect(settings)
    except smtplib.SMTPResponseException as error:  # a 4xx/5xx greeting
        raise _classify(error.smtp_code, error.smtp_error) from error
    except OSError as error:  # refused, timeout, unknown host (smtplib's errors are OSErrors)
        raise TemporaryMailError(
            f"cannot connect to {settings.host}:{settings.port}: {error}"
        ) from error
    try:
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.sendmail(sender, recipients, raw)
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = _worst(error.recipients)
        raise _classify(code, reply) from error
    except smtplib.SMTPSenderRefused as error:
        raise _classify(error.smtp_code, error.smtp_error) from error
    except smtplib.SMTPResponseException as error:
        raise _classify(error.smtp_code, error.smtp_error) from error
    except smtplib.SMTPServerDisconnected as error:
        raise TemporaryMailError(f"server disconnected: {error}") from error
    except smtplib.SMTPException as error:
        raise TemporaryMailError(f"SMTP error: {error}") from error
    except OSError as error:  # timeout, reset
        raise TemporaryMailError(f"connection lost: {error}") from error
    if refused:
        # Some recipients took the mail: it cannot be sent again without duplicating it.
        # Counted, not listed: the refused addresses are personal data.
        log.warning("mail partly refused: %d recipient(s)", len(refused))


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _worst(recipients: dict[str, tuple[int, bytes]]) -> tuple[int, bytes]:
    # A temporary refusal of any recipient means the whole mail is worth retrying.
    replies = list(recipients.values())
    temporary = [r for r in replies if 400 <= r[0] < 500]
    return temporary[0] if temporary else replies[0]


def _classify(code: int, reply: bytes | str) -> MailError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    message = f"{code} {text}".strip()
    if 500 <= code < 600:
        return PermanentMailError(message)
    return TemporaryMailError(message)
