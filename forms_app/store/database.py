"""Database engine, sessions and migrations of the nomination app.

This module owns the connection to the database: one engine per app, one
session per request (closed at teardown), and running Alembic migrations to
the head revision. It must not know what is stored (models.py) or why
(services.py).
"""

from __future__ import annotations

import fcntl
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_db_engine(url: str) -> Engine:
    """An engine; SQLite gets foreign keys and a busy timeout for concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no branch
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(engine: Engine) -> None:
    """Bring the schema to the newest migration, one process at a time.

    gunicorn workers (and the outbox worker) each create the app: without a lock
    two of them read "no version" and both try to create the same tables.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    database = engine.url.database or ""
    if engine.dialect.name == "sqlite" and database not in ("", ":memory:"):
        with open(f"{database}.migrate-lock", "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                _upgrade(engine, config)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    _upgrade(engine, config)


def _upgrade(engine: Engine, config: Config) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Released at commit; any constant shared by every process works.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4205012020)")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def init_db(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(url)
    app.extensions["forms_engine"] = engine
    app.extensions["forms_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    if app.config["AUTO_MIGRATE"]:
        upgrade_database(engine)
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The request's session (opened on first use)."""
    if "forms_session" not in g:
        g.forms_session = current_app.extensions["forms_sessionmaker"]()
    return g.forms_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("forms_session", None)
    if session is not None:
        session.close()
