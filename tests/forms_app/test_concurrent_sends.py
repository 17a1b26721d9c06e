"""Sending a draft is idempotent under real concurrency, on SQLite and on PostgreSQL.

The app runs under werkzeug's threaded server on loopback; clients are real
HTTP clients in threads released together by a barrier, so the requests
overlap in the server and in the database (not the test client in one thread).
"""

from __future__ import annotations

import re
import time

import pytest
from form_data import INDIVIDUAL_URL, individual_fields
from photo_samples import phone_photo
from sqlalchemy import func, select
from web_client import WebClient, at_once, serve

from forms_app.store.models import (
    Draft,
    MailKind,
    Nomination,
    NominationVersion,
    OutboxMail,
    StoredFile,
)

CONFIRMATION_RE = re.compile(r"/sua/[A-Za-z0-9_-]{32}")


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


@pytest.fixture
def live_one_per_hour(make_app, database_url, tmp_path):
    yield from serve_app(make_app, database_url, tmp_path, RATE_LIMIT_SUBMISSIONS=1)


def counts(app) -> dict[str, object]:
    with app.extensions["forms_sessionmaker"]() as session:
        return {
            "nominations": session.scalar(select(func.count()).select_from(Nomination)),
            "versions": session.scalars(
                select(NominationVersion.number).order_by(NominationVersion.number)
            ).all(),
            "files": session.scalar(select(func.count()).select_from(StoredFile)),
            "mails": sorted(
                (str(kind), number)
                for kind, number in session.execute(
                    select(OutboxMail.kind, OutboxMail.version_number)
                )
            ),
        }


def preview_of_new_nomination(client: WebClient, **changes) -> tuple[str, str]:
    preview = client.preview(INDIVIDUAL_URL, individual_fields(**changes), phone_photo((400, 300)))
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


def mails(*numbers: int) -> list[tuple[str, int]]:
    return sorted(
        (str(kind), number)
        for number in numbers
        for kind in (MailKind.OFFICE, MailKind.CONFIRMATION)
    )


@pytest.mark.parametrize("clicks", [2, 20])
def test_repeated_send_stores_one_nomination_and_lands_on_one_confirmation(live, clicks):
    app, base = live
    client = WebClient(base)
    preview = preview_of_new_nomination(client)
    answers = send_at_once(client, [preview] * clicks)
    assert [
        (a.status, CONFIRMATION_RE.fullmatch(a.location or "") is not None) for a in answers
    ] == [(303, True)] * clicks
    assert len({a.location for a in answers}) == 1
    assert counts(app) == {"nominations": 1, "versions": [1], "files": 3, "mails": mails(1)}
    confirmation = client.get(answers[0].location)
    assert confirmation.status == 200
    with app.extensions["forms_sessionmaker"]() as session:
        reference = session.scalar(select(Nomination.reference))
        draft = session.scalar(select(Draft).where(Draft.sent_at.is_not(None)))
        assert (draft.data, draft.photo, draft.pdf) == ({}, None, None)  # nothing personal kept
    assert f'<strong class="reference">{reference}</strong>' in confirmation.text
    # Clicked again later (back button): the same confirmation, still one nomination.
    again = client.post(preview[0] + "gui", {"csrf_token": preview[1]})
    assert (again.status, again.location) == (303, answers[0].location)
    assert counts(app)["nominations"] == 1


def test_clicks_on_the_last_allowed_submission_all_land_on_its_confirmation(live_one_per_hour):
    """The one submission the limit allows, clicked 20 times over a moment: every click
    sees it sent (none answers 429, although the limit is reached when one commits)."""
    app, base = live_one_per_hour
    client = WebClient(base)
    answers = send_at_once(client, [preview_of_new_nomination(client)] * 20, spread=0.02)
    assert [(a.status, a.location) for a in answers] == [(303, answers[0].location)] * 20
    assert counts(app)["nominations"] == 1
    preview, token = preview_of_new_nomination(client, full_name="Lê Văn Tám")
    assert client.post(preview + "gui", {"csrf_token": token}).status == 429


def test_parallel_edits_number_versions_without_collision(live):
    app, base = live
    client = WebClient(base)
    [first] = send_at_once(client, [preview_of_new_nomination(client)])
    confirmation = first.location.removeprefix(base)
    names = [f"Nguyễn Thị Lan Hương {letter}" for letter in "ABCDE"]
    edits = []
    for name in names:
        started = client.post(confirmation, {"csrf_token": client.get(confirmation).csrf_token()})
        assert started.status == 303
        form_path = started.location.removeprefix(base)
        draft = client.get(form_path).draft_token()
        preview = client.preview(
            INDIVIDUAL_URL, individual_fields(full_name=name, draft=draft), None
        )
        edits.append((preview, client.send_token(preview)))
    answers = send_at_once(client, edits)
    assert [(a.status, a.location) for a in answers] == [(303, first.location)] * 5
    assert counts(app) == {
        "nominations": 1,
        "versions": [1, 2, 3, 4, 5, 6],
        "files": 6 * 3,
        "mails": mails(1, 2, 3, 4, 5, 6),
    }
    with app.extensions["forms_sessionmaker"]() as session:
        stored = session.scalars(
            select(NominationVersion).where(NominationVersion.number > 1)
        ).all()
        assert sorted(v.data["clean"]["full_name"] for v in stored) == names
        latest = session.scalar(select(Nomination))
        assert latest.nominee_name == max(stored, key=lambda v: v.number).data["clean"]["full_name"]
