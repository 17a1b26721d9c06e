"""STARTTLS and implicit TLS with login, against aiosmtpd with a certificate made for the test."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from mail_fixtures import Recorder, free_port
from test_mailer import RAW, settings

from forms_app.mail import mailer
from forms_app.mail.mailer import deliver_mail

PASSWORD = "mat-khau-smtp-2020"  # smtplib sends AUTH in ASCII (the settings check it)


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1; the mailer is made to trust it (only it)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    real = ssl.create_default_context
    monkeypatch.setattr(mailer.ssl, "create_default_context", lambda: real(cafile=str(cert)))
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    return server_context


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login,
        auth_data.password,
    ) == (b"thidua", PASSWORD.encode())
    return AuthResult(success=ok)


def start(handler, **kwargs) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_required=True,
        **kwargs,
    )
    controller.start()
    return controller, port


def send(port: int, security: str, password: str = PASSWORD) -> None:
    deliver_mail(
        settings(port, security=security, username="thidua", password=password, timeout=10.0),
        RAW,
        "thidua@congdoan.test",
        ["vanphong@congdoan.test"],
        "<abc.123@congdoan.test>",
    )


def test_mailer_starttls_with_login_delivers(certificate):
    handler = Recorder()
    controller, port = start(handler, tls_context=certificate, require_starttls=True)
    try:
        send(port, "starttls")
    finally:
        controller.stop()

    assert [raw for _f, _t, raw in handler.received] == [RAW]
