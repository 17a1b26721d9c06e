"""Fixtures of the nomination app's tests: an app on a fresh SQLite file per test."""

from __future__ import annotations

import pytest
from paths import CONTENT

from forms_app import create_app

# Inside seed 003's first window (cap-thanh-pho closes 2020-02-14 16:00).
OPEN_NOW = "2020-02-10T09:00:00+07:00"


@pytest.fixture
def make_app(tmp_path):
    def build(**overrides):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key-0123456789",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'forms.sqlite3'}",
            "CONTENT_DIR": str(CONTENT),
            "NOW": OPEN_NOW,
        }
        config.update(overrides)
        return create_app(config)

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()
