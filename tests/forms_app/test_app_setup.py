"""The app factory: settings, validation sentences, migrations."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from forms_app import create_app
from forms_app.config import ConfigError
from forms_app.store.models import Base


def test_create_app_env_overrides_defaults(monkeypatch, tmp_path, make_app):
    monkeypatch.setenv("FORMS_PUBLIC_SITE_URL", "https://thidua.example.vn/")
    monkeypatch.setenv("FORMS_RATE_LIMIT_SUBMISSIONS", "3")
    app = make_app()
    assert app.config["PUBLIC_SITE_URL"] == "https://thidua.example.vn/"
    assert app.config["RATE_LIMIT_SUBMISSIONS"] == 3


def test_create_app_test_config_wins_over_env(monkeypatch, make_app):
    monkeypatch.setenv("FORMS_RATE_LIMIT_SUBMISSIONS", "3")
    app = make_app(RATE_LIMIT_SUBMISSIONS=7)
    assert app.config["RATE_LIMIT_SUBMISSIONS"] == 7


def test_create_app_now_pinned_is_aware(make_app):
    app = make_app(NOW="2020-02-14T16:00:00+07:00")
    assert app.config["NOW"] == dt.datetime.fromisoformat("2020-02-14T16:00:00+07:00")


def test_create_app_generates_secret_in_instance_folder(tmp_path, make_app):
    app = make_app(SECRET_KEY=None)
    secret = (tmp_path / "instance" / "secret_key").read_text(encoding="utf-8")
    assert app.config["SECRET_KEY"] == secret
    assert make_app(SECRET_KEY=None).config["SECRET_KEY"] == secret


def test_create_app_default_database_in_instance_folder(tmp_path, make_app):
    app = make_app(DATABASE_URL=None)
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'instance' / 'forms.sqlite3'}"
    assert (tmp_path / "instance" / "forms.sqlite3").exists()


def test_create_app_contradictions_each_get_a_sentence(make_app, tmp_path):
    with pytest.raises(ConfigError) as caught:
        make_app(
            NOW="2020-02-10T09:00:00",
            WTF_CSRF_TIME_LIMIT=3600,
            MAX_PHOTO_BYTES=20 * 1024 * 1024,
            PUBLIC_SITE_URL="thidua.example.vn",
            CONTENT_DIR=str(tmp_path / "missing"),
        )
    assert str(caught.value) == (
        f"FORMS_CONTENT_DIR must be a content folder with a plans/ subfolder, got "
        f"{tmp_path / 'missing'}. "
        "FORMS_PUBLIC_SITE_URL must start with http:// or https://, got 'thidua.example.vn'. "
        "FORMS_NOW must include its time zone (for example +07:00), got '2020-02-10T09:00:00'. "
        "FORMS_MAX_CONTENT_LENGTH must be larger than FORMS_MAX_PHOTO_BYTES, or a photo of "
        "the allowed size could never be sent with its form. "
        "FORMS_WTF_CSRF_TIME_LIMIT must be at least 43200 seconds (12 hours), or people "
        "writing a long summary lose their work; got 3600."
    )


def test_create_app_bad_now_and_limits_rejected(make_app):
    with pytest.raises(ConfigError) as caught:
        make_app(NOW="hôm nay", RATE_LIMIT_WINDOW=0, SECRET_KEY="short")
    assert str(caught.value) == (
        "FORMS_SECRET_KEY must be at least 16 characters long; make one with: "
        'python -c "import secrets; print(secrets.token_urlsafe(48))". '
        "FORMS_NOW must be an ISO datetime such as 2020-02-10T09:00:00+07:00, got 'hôm nay'. "
        "FORMS_RATE_LIMIT_WINDOW must be a positive whole number, got 0."
    )


def test_create_app_env_instance_path(monkeypatch, tmp_path):
    monkeypatch.setenv("FORMS_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("FORMS_NOW", "2020-02-10T09:00:00+07:00")
    app = create_app()
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "forms.sqlite3").exists()


NOMINATION_TABLES = {"draft", "nomination", "nomination_version", "rate_event", "stored_file"}


def _nomination_tables_only(obj, name, type_, reflected, compare_to):
    # Later migrations add other tables (the office side); this test owns these.
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in NOMINATION_TABLES


def test_migrations_match_models(app):
    engine = app.extensions["forms_engine"]
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": _nomination_tables_only}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert set(inspect(engine).get_table_names()) >= NOMINATION_TABLES
