"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from paths import PROJECT

# LibreOffice (converting the .docx) and Chromium (printing the site) find fonts
# through fontconfig. On a machine without Liberation fonts, "Times New Roman"
# would fall back to DejaVu Serif, wider, and the one-page checks would measure
# a different document than Word shows. The shipped fonts.conf adds the bundled
# Liberation Serif; child processes inherit it.
os.environ["FONTCONFIG_FILE"] = str(PROJECT / "forms_app" / "fonts" / "fonts.conf")


@pytest.fixture(autouse=True)
def _no_remote_connections(monkeypatch):
    """Any connection to a non-loopback address fails the test (mail included)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in ("localhost", "::1")
            and not host.startswith("127.")
            and self.family in (socket.AF_INET, socket.AF_INET6)
        ):
            raise AssertionError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test; dropped afterwards.

    `scripts/test` starts the server and exports FORMS_TEST_POSTGRES_URL (a URL
    to the maintenance database of a role allowed to create databases). Without
    it the test is skipped with this reason, except in CI where it fails.
    """
    base = os.environ.get("FORMS_TEST_POSTGRES_URL")
    if not base:
        message = (
            "PostgreSQL unavailable: run ./scripts/test as root or set FORMS_TEST_POSTGRES_URL"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"thidua_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        _drop_database(admin, name)
        admin.dispose()


def _drop_database(admin, name: str, attempts: int = 20) -> None:
    """Drop the test database, waiting out an autovacuum worker: FORCE may not end a
    backend of another role, which the test role is not allowed to terminate."""
    import time

    from sqlalchemy import text
    from sqlalchemy.exc import ProgrammingError

    for attempt in range(attempts):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            return
        except ProgrammingError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
