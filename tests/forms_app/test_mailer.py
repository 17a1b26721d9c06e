"""The transport: which failures are temporary, which permanent; the .eml folder; settings."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from mail_fixtures import free_port, smtp_server  # noqa: F401  (smtp_server is a fixture)

from forms_app.config import ConfigError
from forms_app.mail.mailer import (
    MailSettings,
    PermanentMailError,
    TemporaryMailError,
    deliver_mail,
    write_mail_file,
)

RAW = (
    b"From: thidua@congdoan.test\r\nTo: vanphong@congdoan.test\r\n"
    b"Message-ID: <abc.123@congdoan.test>\r\nSubject: =?utf-8?b?SOG7kyBzxqE=?=\r\n\r\nNoi dung\r\n"
)


def settings(port: int, **changes) -> MailSettings:
    values = {
        "backend": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "username": None,
        "password": None,
        "security": "none",
        "timeout": 1.0,
        "mail_dir": Path("/nonexistent"),
    }
    values.update(changes)
    return MailSettings(**values)


def send(port: int, **changes) -> None:
    deliver_mail(
        settings(port, **changes),
        RAW,
        "thidua@congdoan.test",
        ["vanphong@congdoan.test"],
        "<abc.123@congdoan.test>",
    )


def test_mailer_refused_connection_is_temporary():
    port = free_port()

    with pytest.raises(TemporaryMailError) as caught:
        send(port)

    assert str(caught.value) == (
        f"cannot connect to 127.0.0.1:{port}: [Errno 111] Connection refused"
    )


def test_mailer_silent_server_times_out_as_temporary():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        with pytest.raises(TemporaryMailError) as caught:
            send(silent.getsockname()[1], timeout=0.3)

    assert str(caught.value).endswith("timed out")


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ("451 4.3.0 Máy chủ bận", TemporaryMailError),
        ("452 4.2.2 Hộp thư đầy", TemporaryMailError),
        ("550 5.1.1 Không có hộp thư này", PermanentMailError),
        ("554 5.7.1 Từ chối", PermanentMailError),
    ],
)
def test_mailer_data_reply_is_classified_by_its_code(smtp_server, reply, error):  # noqa: F811
    smtp_server.handler.reply = reply

    with pytest.raises(error) as caught:
        send(smtp_server.port)

    assert str(caught.value) == reply


def test_mailer_refused_recipient_is_classified(smtp_server):  # noqa: F811
    async def refuse(server, session, envelope, address, options):
        return "550 5.1.1 Không có người nhận này"

    smtp_server.handler.handle_RCPT = refuse

    with pytest.raises(PermanentMailError) as caught:
        send(smtp_server.port)

    assert str(caught.value) == "550 5.1.1 Không có người nhận này"


def test_mailer_accepted_mail_arrives_byte_for_byte(smtp_server):  # noqa: F811
    send(smtp_server.port)

    [(sender, recipients, raw)] = smtp_server.handler.received
    assert (sender, recipients) == ("thidua@congdoan.test", ["vanphong@congdoan.test"])
    assert raw == RAW


def test_mailer_file_backend_names_the_file_after_the_message_id(tmp_path):
    deliver_mail(
        settings(25, backend="file", mail_dir=tmp_path / "mail"),
        RAW,
        "thidua@congdoan.test",
        ["vanphong@congdoan.test"],
        "<abc.123@congdoan.test>",
    )
    again = write_mail_file(tmp_path / "mail", RAW, "<abc.123@congdoan.test>")

    assert sorted(p.name for p in (tmp_path / "mail").iterdir()) == ["abc.123_congdoan.test.eml"]
    assert again.read_bytes() == RAW


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"MAIL_BACKEND": "sendmail"}, "FORMS_MAIL_BACKEND must be smtp or file, got 'sendmail'."),
        (
            {"SMTP_SECURITY": "tls"},
            "FORMS_SMTP_SECURITY must be none, starttls or ssl, got 'tls'.",
        ),
        ({"MAIL_FROM": "thidua"}, "FORMS_MAIL_FROM must be an email address, got 'thidua'."),
        (
            {"SMTP_USERNAME": "thidua", "SMTP_SECURITY": "starttls"},
            "FORMS_SMTP_USERNAME and FORMS_SMTP_PASSWORD must be given together.",
        ),
        (
            {"SMTP_USERNAME": "thidua", "SMTP_PASSWORD": "bí-mật", "SMTP_SECURITY": "ssl"},
            "FORMS_SMTP_USERNAME and FORMS_SMTP_PASSWORD must be ASCII characters.",
        ),
        (
            {"SMTP_USERNAME": "thidua", "SMTP_PASSWORD": "bi-mat"},
            "FORMS_SMTP_SECURITY must be starttls or ssl when FORMS_SMTP_USERNAME is set, "
            "or the password would cross the network in clear text.",
        ),
        ({"OUTBOX_MAX_ATTEMPTS": 0}, "FORMS_OUTBOX_MAX_ATTEMPTS must be a positive whole number"),
    ],
)
def test_mailer_settings_contradictions_stop_the_app(make_app, overrides, message):
    with pytest.raises(ConfigError) as caught:
        make_app(**overrides)

    assert str(caught.value).startswith(message)


def test_mailer_settings_come_from_forms_environment(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("FORMS_SMTP_HOST", "mail.congdoan.test")
    monkeypatch.setenv("FORMS_SMTP_PORT", "465")
    monkeypatch.setenv("FORMS_SMTP_SECURITY", "ssl")
    monkeypatch.setenv("FORMS_SMTP_USERNAME", "thidua")
    monkeypatch.setenv("FORMS_SMTP_PASSWORD", "bi-mat-lam")
    app = make_app()

    loaded = MailSettings.from_config(app.config, app.instance_path)

    assert loaded == MailSettings(
        backend="smtp",
        host="mail.congdoan.test",
        port=465,
        username="thidua",
        password="bi-mat-lam",
        security="ssl",
        timeout=30.0,
        mail_dir=tmp_path / "instance" / "mail",
    )
