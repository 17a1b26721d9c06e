"""Benchmark of the office's dossier pages and downloads on a call with many sent dossiers.

Run from the project root:

    .venv/bin/python bench/bench_office.py [--dossiers 200] [--nominees 5] [--runs 3]

Stores `--dossiers` sent dossiers of `--nominees` nominees each (real one-page
summaries, each dossier sent once with its mail queued) in a fresh SQLite
database, then times through the logged-in test client: the call's page, the
page filtered by category, the call's danh sách (XLSX, CSV), the ZIP of
everything, one dossier's page and one sending's ZIP. Prints one table: median
wall and CPU (this thread's) time in milliseconds, and the response's size.
Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "forms_app")]

from paths import CONTENT  # noqa: E402
from sent_dossiers import add_nominee, open_dossier, send  # noqa: E402
from test_office import create_user, login  # noqa: E402

from forms_app import create_app  # noqa: E402
from forms_app.store.database import get_session  # noqa: E402

PLAN = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"
CALL = f"/van-phong/dot/{PLAN}/cap-thanh-pho/"


def build_app(folder: str, dossiers: int, nominees: int):
    app = create_app(
        {
            "SECRET_KEY": "bench-secret-key-0123456789",
            "INSTANCE_PATH": f"{folder}/instance",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "CONTENT_DIR": str(CONTENT),
            "NOW": "2020-02-10T09:00:00+07:00",
            "MAIL_BACKEND": "file",
            "OUTBOX_SEND_AFTER_COMMIT": False,
        }
    )
    assert create_user(app, "quan1", "ldld-quan-1").exit_code == 0
    sent_at = dt.datetime(2020, 2, 9, 2, tzinfo=dt.UTC)
    with app.test_request_context():
        session = get_session()
        for i in range(dossiers):
            dossier = open_dossier(session, f"DB{i:06d}", f"CĐCS Đơn vị số {i}", "Công đoàn ngành")
            rows = [
                add_nominee(dossier, f"N{i:05d}{k:02d}", f"Người {i}-{k}", k + 1)
                for k in range(nominees)
            ]
            session.flush()
            send(session, dossier, rows, sent_at)
        session.commit()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--nominees", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(folder, options.dossiers, options.nominees)
        client = app.test_client()
        assert login(client, "quan1").status_code == 302
        requests = [
            ("call page", CALL),
            ("call page, one category", f"{CALL}?doi_tuong=doi-tuong-3"),
            ("danh sách XLSX", f"{CALL}danh-sach.xlsx"),
            ("danh sách CSV", f"{CALL}danh-sach.csv"),
            ("ZIP of everything", f"{CALL}ho-so.zip"),
            ("one dossier's page", "/van-phong/ho-so-don-vi/DB000007"),
            ("one sending's ZIP", "/van-phong/ho-so-don-vi/DB000007/lan-1.zip"),
        ]
        print(
            f"{options.dossiers} sent dossiers × {options.nominees} nominees, "
            f"median of {options.runs} runs"
        )
        print(f"| {'request':<24} | wall ms | CPU ms | size KB |")
        print(f"|{'-' * 26}|---------|--------|---------|")
        for name, path in requests:
            walls, cpus, size = [], [], 0
            for _ in range(options.runs):
                wall, cpu = time.perf_counter(), time.thread_time()
                response = client.get(path)
                cpus.append(time.thread_time() - cpu)
                walls.append(time.perf_counter() - wall)
                assert response.status_code == 200, (path, response.status_code)
                size = len(response.data)
            wall_ms = statistics.median(walls) * 1000
            cpu_ms = statistics.median(cpus) * 1000
            print(f"| {name:<24} | {wall_ms:7.0f} | {cpu_ms:6.0f} | {size / 1024:7.0f} |")
        app.extensions["forms_engine"].dispose()


if __name__ == "__main__":
    main()
