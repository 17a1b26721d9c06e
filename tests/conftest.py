"""Fixtures shared by every test package."""

from __future__ import annotations

import socket

import pytest


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
