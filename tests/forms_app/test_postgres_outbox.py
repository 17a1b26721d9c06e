"""PostgreSQL: migrations, concurrent workers (SKIP LOCKED) and the office on a real server."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from form_data import nominee_url, open_dossier
from mail_fixtures import (  # noqa: F401  (smtp_server is a fixture)
    all_mails,
    smtp_server,
    submit_with_mails,
)
from openpyxl import load_workbook
from sent_dossiers import store_sent_dossier
from sqlalchemy import create_engine, inspect
from test_outbox_kill import worker_env

from forms_app.store.database import upgrade_database
from forms_app.store.models import Base, MailState

OFFICE_TABLES = {"office_user", "office_membership", "office_session", "outbox_mail"}


def office_differences(url: str) -> list:
    engine = create_engine(url)
    try:
        upgrade_database(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()

    def table_of(diff) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:]:
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(part, "table", None)
            if table is not None:
                return table.name
            if name in OFFICE_TABLES:
                return name
        return None

    assert tables & OFFICE_TABLES == OFFICE_TABLES
    return [d for d in differences if table_of(d) in OFFICE_TABLES]


def test_office_migration_matches_models_on_sqlite(tmp_path):
    assert office_differences(f"sqlite:///{tmp_path / 'm.sqlite3'}") == []


def test_office_migration_matches_models_on_postgres(postgres_url):
    assert office_differences(postgres_url) == []


def test_migrations_have_a_single_head():
    from alembic.script import ScriptDirectory

    from forms_app.store.database import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1


@pytest.fixture
def pg_app(make_app, postgres_url, smtp_server):  # noqa: F811
    app = make_app(
        **smtp_server.config(), DATABASE_URL=postgres_url, OUTBOX_SEND_AFTER_COMMIT=False
    )
    yield app
    # Close pooled connections before the database is dropped (else ResourceWarning).
    app.extensions["forms_engine"].dispose()


def test_two_workers_on_postgres_send_200_mails_once(pg_app, postgres_url, smtp_server, tmp_path):  # noqa: F811
    for i in range(100):
        submit_with_mails(pg_app, f"PG{i:04d}AB", f"Đinh Thị Phương {i}")
    pg_app.extensions["forms_engine"].dispose()
    env = worker_env(tmp_path, smtp_server.port)
    env["FORMS_DATABASE_URL"] = postgres_url
    smtp_server.handler.delay = 0.005
    command = [sys.executable, "-m", "flask", "--app", "forms_app", "outbox", "send"]

    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE) for _ in range(2)]
    outputs = [w.communicate(timeout=120)[0].decode() for w in workers]

    assert [w.returncode for w in workers] == [0, 0]
    sent = [int(out.split()[2]) for out in outputs]
    assert sum(sent) == 200
    assert min(sent) > 0  # both workers took part
    counted = smtp_server.handler.message_ids()
    assert len(counted) == 200
    assert set(counted.values()) == {1}
    assert {m.state for m in all_mails(pg_app)} == {MailState.SENT}


def test_office_exports_from_postgres(pg_app):
    from test_office import CAMPAIGN, HYPERLINK, create_user, login

    create_user(pg_app, "quan1", "ldld-quan-1")
    sent_at = dt.datetime(2020, 2, 9, 2, tzinfo=dt.UTC)
    store_sent_dossier(
        pg_app, "DPGX2345", "CĐCS Công ty Sài Gòn", [("PGX2345A", HYPERLINK)], sent_at
    )
    client = pg_app.test_client()
    login(client, "quan1")

    sheet = load_workbook(io.BytesIO(client.get(f"{CAMPAIGN}danh-sach.xlsx").data)).active
    cells = [c for c in sheet["B"] if c.value == HYPERLINK]

    assert [(c.data_type, c.quotePrefix) for c in cells] == [("s", True)]
    assert client.get("/van-phong/ho-so/PGX2345A/ban-1/pdf").data.startswith(b"%PDF-")
    archive = client.get("/van-phong/ho-so-don-vi/DPGX2345/lan-1.zip").data
    assert len(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == 5


def test_office_odd_parameters_and_logins_on_postgres(pg_app):
    # PostgreSQL refuses NUL in text and integers past 2**31: these answered 500 there.
    from test_office import CAMPAIGN, create_user, csrf_token, login

    create_user(pg_app, "quan1", "ldld-quan-1")
    submit_with_mails(pg_app, "PGY2345A", "Lê Thị Mai")
    client = pg_app.test_client()
    failed = login(client, "quan1\x00", "sai-mat-khau")
    assert login(client, "quan1").status_code == 302
    token = csrf_token(client.get("/van-phong/thu-gui").text)

    answers = [
        failed.status_code,
        client.get(CAMPAIGN, query_string={"cdcs": "a\x00b", "doi_tuong": "\x00"}).status_code,
        client.get("/van-phong/ho-so/PG%00").status_code,
        client.post(
            "/van-phong/thu-gui/99999999999999999999999/gui-lai", data={"csrf_token": token}
        ).status_code,
        client.get(f"{CAMPAIGN}?den_ngay=9999-12-31").status_code,
    ]

    assert answers == [401, 200, 404, 404, 400]
    client.post("/van-phong/dang-xuat", data={"csrf_token": token})
    assert client.get("/van-phong/").status_code == 302


def test_public_tokens_with_a_nul_answer_404_on_postgres(pg_app):
    client = pg_app.test_client()
    for path in (
        "/ho-so/a%00b/",
        "/ho-so/a%00b/nguoi/ABC/tom-tat.pdf",
        "/ho-so/a%00b/them/ca-nhan",
        "/nhap/a%00b/",
        "/nhap/a%00b/trang",
    ):
        assert client.get(path).status_code == 404, path
    url = nominee_url(open_dossier(client)) + "?nhap=a%00b"
    assert client.get(url).status_code == 200
