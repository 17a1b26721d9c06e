"""Saving a draft into its dossier is idempotent under real concurrency, and changes to one
dossier queue behind its row, on SQLite and on PostgreSQL.

The app runs under werkzeug's threaded server on loopback; clients are real
HTTP clients in threads released together by a barrier, so the requests
overlap in the server and in the database (not the test client in one thread).
"""

from __future__ import annotations

import re
import time

import pytest
from form_data import CITY_CALL, individual_fields, nominee_url, unit_fields
from photo_samples import phone_photo
from sqlalchemy import func, select
from web_client import WebClient, at_once, serve

from forms_app.store.models import (
    Draft,
    Nomination,
    NominationVersion,
    OutboxMail,
    StoredFile,
)

DOSSIER_RE = re.compile(r"/ho-so/[A-Za-z0-9_-]{32}/")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'forms.sqlite3'}"
    return request.getfixturevalue("postgres_url")


def serve_app(make_app, database_url, tmp_path, **overrides):
    """(app, base URL) on `database_url`; the outbox rows are counted, not delivered."""
    app = make_app(
        DATABASE_URL=database_url,
        MAIL_BACKEND="file",
        MAIL_DIR=str(tmp_path / "mail"),
        OUTBOX_SEND_AFTER_COMMIT=False,
        **overrides,
    )
    with serve(app) as base:
        yield app, base
    app.extensions["forms_engine"].dispose()


@pytest.fixture
def live(make_app, database_url, tmp_path):
    """With the app's default limits: a repeated click is no new sending."""
    yield from serve_app(make_app, database_url, tmp_path)


def counts(app) -> dict[str, object]:
    with app.extensions["forms_sessionmaker"]() as session:
        return {
            "nominations": session.scalar(select(func.count()).select_from(Nomination)),
            "versions": session.scalars(
                select(NominationVersion.number).order_by(NominationVersion.number)
            ).all(),
            "files": session.scalar(select(func.count()).select_from(StoredFile)),
            # Saving into a dossier mails nothing: the dossier is sent whole, later.
            "mails": session.scalar(select(func.count()).select_from(OutboxMail)),
        }


def open_dossier(client: WebClient) -> str:
    """The dossier's path, opened through the call's start page."""
    fields = {**unit_fields(), "csrf_token": client.get(CITY_CALL).csrf_token()}
    answer = client.post(CITY_CALL, fields)
    assert answer.status == 303 and DOSSIER_RE.fullmatch(answer.location.removeprefix(client.base))
    return answer.location.removeprefix(client.base)


def token_of(dossier: str) -> str:
    return dossier.removeprefix("/ho-so/").strip("/")


def preview_of_new_nominee(client: WebClient, dossier: str, **changes) -> tuple[str, str]:
    form = nominee_url(token_of(dossier))
    preview = client.preview(form, individual_fields(**changes), phone_photo((400, 300)))
    return preview, client.send_token(preview)


def send_at_once(
    client: WebClient, previews: list[tuple[str, str]], spread: float = 0.0
) -> list[object]:
    """Every (preview, token) sent from its own thread, all at the same moment or one
    every `spread` seconds (a person clicking on and on)."""

    def send(i: int) -> object:
        time.sleep(i * spread)
        return client.post(previews[i][0] + "gui", {"csrf_token": previews[i][1]})

    return at_once(len(previews), send)


def positions(app) -> list[tuple[int, str]]:
    with app.extensions["forms_sessionmaker"]() as session:
        return session.execute(
            select(Nomination.position, Nomination.nominee_name).order_by(Nomination.position)
        ).all()


@pytest.mark.parametrize("clicks", [2, 20])
def test_repeated_save_stores_one_nominee_and_lands_on_its_dossier(live, clicks):
    app, base = live
    client = WebClient(base)
    dossier = open_dossier(client)
    preview = preview_of_new_nominee(client, dossier)
    answers = send_at_once(client, [preview] * clicks)
    assert [(a.status, a.location) for a in answers] == [(303, dossier)] * clicks
    assert counts(app) == {"nominations": 1, "versions": [1], "files": 3, "mails": 0}
    page = client.get(dossier)
    assert page.status == 200
    with app.extensions["forms_sessionmaker"]() as session:
        reference = session.scalar(select(Nomination.reference))
        draft = session.scalar(select(Draft).where(Draft.sent_at.is_not(None)))
        assert (draft.data, draft.photo, draft.pdf) == ({}, None, None)  # nothing personal kept
    assert f'<tr id="nguoi-{reference}">' in page.text
    # Clicked again later (back button): the same dossier, still one nominee.
    again = client.post(preview[0] + "gui", {"csrf_token": preview[1]})
    assert (again.status, again.location) == (303, dossier)
    assert counts(app)["nominations"] == 1


def test_clicks_spread_over_a_moment_store_one_nominee(live):
    """A person clicking "Lưu vào hồ sơ" on and on (20 clicks over 0.4 s): one nominee."""
    app, base = live
    client = WebClient(base)
    dossier = open_dossier(client)
    answers = send_at_once(client, [preview_of_new_nominee(client, dossier)] * 20, spread=0.02)
    assert [(a.status, a.location) for a in answers] == [(303, dossier)] * 20
    assert counts(app)["nominations"] == 1


def test_parallel_saves_of_different_nominees_take_distinct_places(live):
    app, base = live
    client = WebClient(base)
    dossier = open_dossier(client)
    names = [f"Nguyễn Văn {letter}" for letter in "ABCDEF"]
    previews = [preview_of_new_nominee(client, dossier, full_name=name) for name in names]
    answers = send_at_once(client, previews)
    assert [a.status for a in answers] == [303] * 6
    placed = positions(app)
    assert [position for position, _ in placed] == [1, 2, 3, 4, 5, 6]
    assert sorted(name for _, name in placed) == names


def test_parallel_moves_keep_one_place_per_nominee(live):
    app, base = live
    client = WebClient(base)
    dossier = open_dossier(client)
    names = [f"Trần Thị {letter}" for letter in "ABCDE"]
    for name in names:
        send_at_once(client, [preview_of_new_nominee(client, dossier, full_name=name)])
    with app.extensions["forms_sessionmaker"]() as session:
        references = session.scalars(select(Nomination.reference).order_by(Nomination.position))
        references = list(references)
    token = client.get(dossier).csrf_token()
    # Everyone but the first moves up at once, twice over: each move swaps under the lock.
    moves = [f"{dossier}nguoi/{reference}/len" for reference in references[1:]] * 2
    answers = at_once(len(moves), lambda i: client.post(moves[i], {"csrf_token": token}))
    assert [a.status for a in answers] == [303] * len(moves)
    placed = positions(app)
    assert [position for position, _ in placed] == [1, 2, 3, 4, 5]
    assert sorted(name for _, name in placed) == names


def test_parallel_edits_number_versions_without_collision(live):
    app, base = live
    client = WebClient(base)
    dossier = open_dossier(client)
    [first] = send_at_once(client, [preview_of_new_nominee(client, dossier)])
    assert first.location == dossier
    with app.extensions["forms_sessionmaker"]() as session:
        reference = session.scalar(select(Nomination.reference))
    names = [f"Nguyễn Thị Lan Hương {letter}" for letter in "ABCDE"]
    edits = []
    for name in names:
        token = client.get(dossier).csrf_token()
        started = client.post(f"{dossier}nguoi/{reference}/sua", {"csrf_token": token})
        assert started.status == 303
        form_path = started.location.removeprefix(base)
        draft = client.get(form_path).draft_token()
        preview = client.preview(
            nominee_url(token_of(dossier)), individual_fields(full_name=name, draft=draft), None
        )
        edits.append((preview, client.send_token(preview)))
    answers = send_at_once(client, edits)
    assert [(a.status, a.location) for a in answers] == [(303, dossier)] * 5
    assert counts(app) == {
        "nominations": 1,
        "versions": [1, 2, 3, 4, 5, 6],
        "files": 6 * 3,
        "mails": 0,
    }
    with app.extensions["forms_sessionmaker"]() as session:
        stored = session.scalars(
            select(NominationVersion).where(NominationVersion.number > 1)
        ).all()
        assert sorted(v.data["clean"]["full_name"] for v in stored) == names
        latest = session.scalar(select(Nomination))
        assert latest.nominee_name == max(stored, key=lambda v: v.number).data["clean"]["full_name"]
