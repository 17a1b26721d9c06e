"""A worker process killed with SIGKILL mid-batch: at-least-once, same Message-ID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from mail_fixtures import (  # noqa: F401  (smtp_server is a fixture)
    all_mails,
    smtp_server,
    submit_with_mails,
)
from paths import CONTENT

from forms_app.store.models import MailState

KILL_AT = 15  # the server accepts this mail, then the worker dies before recording it


def worker_env(tmp_path, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    env.update(
        FORMS_SECRET_KEY="test-secret-key-0123456789",
        FORMS_INSTANCE_PATH=str(tmp_path / "instance"),
        FORMS_DATABASE_URL=f"sqlite:///{tmp_path / 'forms.sqlite3'}",
        FORMS_CONTENT_DIR=str(CONTENT),
        FORMS_MAIL_BACKEND="smtp",
        FORMS_SMTP_HOST="127.0.0.1",
        FORMS_SMTP_PORT=str(smtp_port),
        FORMS_MAIL_FROM="thidua@congdoan.test",
        FORMS_OUTBOX_LEASE_SECONDS="2",
        FORMS_OUTBOX_BATCH_SIZE="5",
    )
    return env


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "forms_app", "outbox", "send"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_outbox_worker_killed_mid_batch_delivers_all_at_least_once(
    make_app,
    smtp_server,  # noqa: F811
    tmp_path,
):
    app = make_app(**smtp_server.config(), OUTBOX_SEND_AFTER_COMMIT=False)
    for i in range(20):
        submit_with_mails(app, f"KIL{i:03d}AB", f"Trương Thị Kim {i}")
    env = worker_env(tmp_path, smtp_server.port)
    smtp_server.handler.delay = 0.02
    worker = start_worker(env)

    def kill_worker(count: int) -> None:
        if count == KILL_AT:
            smtp_server.handler.on_message = None
            os.kill(worker.pid, signal.SIGKILL)

    smtp_server.handler.on_message = kill_worker
    worker.communicate(timeout=60)
    in_flight = smtp_server.handler.messages()[KILL_AT - 1]["Message-ID"]
    states = [m.state for m in all_mails(app)]

    time.sleep(2.2)  # the dead worker's leases (2 s) expire
    restarted = start_worker(env)
    output, errors = restarted.communicate(timeout=60)

    assert worker.returncode == -signal.SIGKILL
    assert states.count(MailState.SENT) == KILL_AT - 1
    assert restarted.returncode == 0, errors.decode()
    assert output.decode() == (
        f"Đã gửi {40 - KILL_AT + 1} thư, 0 thư sẽ gửi lại sau, 0 thư thất bại.\n"
    )
    mails = all_mails(app)
    assert {m.state for m in mails} == {MailState.SENT}
    counted = smtp_server.handler.message_ids()
    assert sorted(counted) == sorted(m.message_id for m in mails)
    assert {mid: n for mid, n in counted.items() if n > 1} == {in_flight: 2}
    copies = [raw for _f, _t, raw in smtp_server.handler.received if in_flight.encode() in raw]
    assert len(copies) == 2
    assert copies[0] == copies[1]
