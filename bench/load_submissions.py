"""Load run: concurrent submissions through the real HTTP dossier flow against gunicorn.

For each database (SQLite file, PostgreSQL) it starts gunicorn (workers ×
threads) on loopback, then N clients at once each do what a unit of one
nominee does: open a dossier for seed 003's city call (the unit's form), open
the individual form (CSRF token), post it with a photo, open the preview, save
it into the dossier, and send the dossier from its page (/ho-so/<token>/).
Afterwards it checks that no request was lost and none answered 5xx, that
every dossier is stored with its two mails in the outbox, and that
`outbox send` delivers them all (file backend: .eml files).

It prints throughput, latency percentiles and the server's CPU: the CPU
seconds gunicorn's processes spent per submission (from /proc, Linux), the
ceiling that allows on the machine's cores (cores / CPU per submission), the
share of that ceiling reached, the cores the server used on average, and the
cores it wanted: time its threads were runnable (on a core or in the run
queue, from /proc/*/task/*/schedstat) per second of the run. On a machine
shared with other jobs the server gets fewer cores than it wants; "cores
wanted" ≥ the machine's cores means it would have used them all, i.e. it is
limited by CPU, not by locks or waiting. The load average is printed too.

The per-address submission limit would stop a load run from one address at
10; the run raises FORMS_RATE_LIMIT_SUBMISSIONS and FORMS_RATE_LIMIT_PREVIEWS.

    .venv/bin/python bench/load_submissions.py                  # both databases, 200 clients
    .venv/bin/python bench/load_submissions.py --db sqlite --count 50 --workers 2 --threads 4
    FORMS_TEST_POSTGRES_URL=postgresql+psycopg://u:p@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/load_submissions.py --db postgres

This is a benchmark, not a test: it asserts nothing, it reports.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

PROJECT = Path(__file__).resolve().parent.parent
# The form fields and the HTTP client are the test suite's (one definition of each).
sys.path[:0] = [str(PROJECT / "tests"), str(PROJECT / "tests" / "forms_app")]
from form_data import CITY_CALL, individual_fields, nominee_url, unit_fields  # noqa: E402
from web_client import WebClient  # noqa: E402

VENV_BIN = Path(sys.executable).parent
NOW = "2020-02-10T09:00:00+07:00"  # inside seed 003's nomination window
REFERENCE_RE = re.compile(r'<strong class="reference">([A-Z0-9]+)</strong>')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_photo() -> bytes:
    image = Image.new("RGB", (900, 1200), (180, 200, 220))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def fields(number: int) -> dict[str, str]:
    """The test suite's individual nomination, made unique per client."""
    return individual_fields(
        full_name=f"Nguyễn Thị Lan Hương {number:03d}",
        achievements="Năm năm liền hoàn thành xuất sắc nhiệm vụ; ba sáng kiến được áp dụng.",
    )


@dataclass
class Outcome:
    reference: str | None = None
    seconds: float = 0.0
    statuses: tuple[int, ...] = ()
    error: str | None = None


def submit_one(base: str, number: int, photo: bytes, start: threading.Barrier) -> Outcome:
    client = WebClient(base, timeout=600)
    outcome = Outcome()
    start.wait()
    began = time.perf_counter()
    try:
        unit = unit_fields(contact_email=f"congdoan{number}@binhminh.vn")
        opened = client.post(CITY_CALL, {**unit, "csrf_token": client.get(CITY_CALL).csrf_token()})
        if opened.status != 303:
            raise RuntimeError(f"opening the dossier answered {opened.status}")
        dossier = opened.location.removeprefix(base)
        form = nominee_url(dossier.removeprefix("/ho-so/").strip("/"))
        preview = client.preview(form, fields(number), photo)
        saved = client.post(preview + "gui", {"csrf_token": client.send_token(preview)})
        if saved.status != 303:
            raise RuntimeError(f"saving answered {saved.status}")
        page = client.get(dossier)
        sent = client.post(dossier + "gui", {"csrf_token": page.csrf_token(), "revision": "0"})
        if sent.status != 303:
            raise RuntimeError(f"sending answered {sent.status}")
        outcome.reference = REFERENCE_RE.search(client.get(dossier).text)[1]
    except Exception as error:
        outcome.error = f"{type(error).__name__}: {error}"
    outcome.seconds = time.perf_counter() - began
    outcome.statuses = tuple(client.statuses)
    return outcome


def process_tree_cpu(root: int) -> tuple[float, float]:
    """Of process `root` and its children, from /proc: CPU seconds (user + system), and
    seconds runnable (on a core or waiting in the run queue, live threads' schedstat)."""
    cpu = runnable = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields_after_name = stat.rsplit(")", 1)[1].split()
            pid, ppid = int(entry.name), int(fields_after_name[1])
            if root not in (pid, ppid):
                continue
            cpu += (int(fields_after_name[11]) + int(fields_after_name[12])) / CLOCK_TICKS
            for task in (entry / "task").iterdir():
                on_cpu, waiting, _slices = (task / "schedstat").read_text().split()
                runnable += (int(on_cpu) + int(waiting)) / 1e9
        except OSError:
            continue  # the process or thread ended meanwhile
    return cpu, runnable


def environment(instance: Path, database_url: str, after_commit: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMS_")}
    env["FORMS_OUTBOX_SEND_AFTER_COMMIT"] = "true" if after_commit else "false"
    env.update(
        FORMS_SECRET_KEY="load-run-secret-key-0123456789",
        FORMS_INSTANCE_PATH=str(instance),
        FORMS_DATABASE_URL=database_url,
        FORMS_NOW=NOW,
        FORMS_MAIL_BACKEND="file",
        # One address sends everything here: lift the per-address limits for the run.
        FORMS_RATE_LIMIT_SUBMISSIONS="100000",
        FORMS_RATE_LIMIT_PREVIEWS="100000",
    )
    return env


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start-up")
        try:
            urllib.request.urlopen(base + "/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 60 s")


def count_rows(database_url: str) -> tuple[int, int, dict[str, int]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        nominations = connection.execute(text("SELECT count(*) FROM nomination")).scalar_one()
        per_nomination = connection.execute(  # per dossier: its office mail and confirmation
            text(
                "SELECT d.reference, count(m.id) FROM dossier d "
                "LEFT JOIN outbox_mail m ON m.dossier_id = d.id GROUP BY d.reference"
            )
        ).all()
        mails = connection.execute(text("SELECT count(*) FROM outbox_mail")).scalar_one()
    engine.dispose()
    return nominations, mails, {ref: n for ref, n in per_nomination}


def run_once(
    label: str,
    database_url: str,
    count: int,
    workers: int,
    threads: int,
    after_commit: bool = True,
) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"load-{label}-"))
    env = environment(instance, database_url, after_commit)
    # Migrate once before the workers start, so they do not race to create tables.
    subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "forms_app", "outbox", "send"],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "600",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
            "forms_app:create_app()",
        ],
        env=env,
        cwd=PROJECT,
    )
    try:
        wait_until_up(base, server)
        photo = make_photo()
        start = threading.Barrier(count)
        outcomes: list[Outcome] = [Outcome() for _ in range(count)]

        def client(i: int) -> None:
            outcomes[i] = submit_one(base, i, photo, start)

        clients = [threading.Thread(target=client, args=(i,)) for i in range(count)]
        cpu_before, runnable_before = process_tree_cpu(server.pid)
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        elapsed = time.perf_counter() - began
        cpu_after, runnable_after = process_tree_cpu(server.pid)
        server_cpu = cpu_after - cpu_before
        server_runnable = runnable_after - runnable_before
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=60)
    delivered = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "forms_app", "outbox", "send"],
        env=env,
        capture_output=True,
        text=True,
    )
    nominations, mails, per_nomination = count_rows(database_url)
    references = [o.reference for o in outcomes if o.reference]
    statuses = [s for o in outcomes for s in o.statuses]
    latencies = sorted(o.seconds for o in outcomes if o.reference)
    cpu_per_submission = server_cpu / len(references) if references else float("nan")
    ceiling = (os.cpu_count() or 1) / cpu_per_submission if references else float("nan")
    eml = len(list((instance / "mail").glob("*.eml")))
    return {
        "label": label,
        "count": count,
        "ok": len(references),
        "errors": [o.error for o in outcomes if o.error],
        "http_5xx": sum(1 for s in statuses if s >= 500),
        "stored": nominations,
        "missing": sorted(set(references) - set(per_nomination)),
        "mails": mails,
        "without_two_mails": sum(1 for n in per_nomination.values() if n != 2),
        "eml": eml,
        "final_send": delivered.stdout.strip(),
        "elapsed": elapsed,
        "throughput": len(references) / elapsed if elapsed else 0.0,
        "workers": workers,
        "threads": threads,
        "cpu_per_submission": cpu_per_submission,
        "ceiling": ceiling,
        "server_cores": server_cpu / elapsed if elapsed else 0.0,
        "cores_wanted": server_runnable / elapsed if elapsed else 0.0,
        "load": (load_before, load_after),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[index]


def postgres_database(base_url: str) -> tuple[str, callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"thidua_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base_url).set(database=name).render_as_string(hide_password=False), drop


def print_table(results: list[dict]) -> None:
    """A Markdown table (as in the README), then one line of checks per run."""
    print(
        "| database | workers×threads | clients | confirmed | 5xx | stored | mails | delivered "
        "| subm/s | p50 s | p95 s | CPU s/subm | CPU ceiling subm/s | share | cores used "
        "| cores wanted | load avg before→after |"
    )
    print("|---" * 17 + "|")
    for r in results:
        print(
            f"| {r['label']} | {r['workers']}×{r['threads']} | {r['count']} | {r['ok']} "
            f"| {r['http_5xx']} | {r['stored']} | {r['mails']} | {r['eml']} "
            f"| {r['throughput']:.2f} | {r['p50']:.1f} | {r['p95']:.1f} "
            f"| {r['cpu_per_submission']:.3f} | {r['ceiling']:.2f} "
            f"| {r['throughput'] / r['ceiling']:.0%} | {r['server_cores']:.2f} "
            f"| {r['cores_wanted']:.2f} "
            f"| {r['load'][0]:.1f}→{r['load'][1]:.1f} |"
        )
    for r in results:
        lost = r["count"] - r["ok"]
        print(
            f"{r['label']}: {lost} lost, {len(r['missing'])} confirmed but not stored, "
            f"{r['without_two_mails']} dossiers without exactly 2 mails; "
            f"{r['elapsed']:.1f} s wall; final `outbox send`: {r['final_send']}"
        )
        for error in r["errors"][:5]:
            print(f"  error: {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--count", type=int, default=200, help="concurrent submissions")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--no-send-after-commit",
        dest="after_commit",
        action="store_false",
        help="no delivery thread after each submission (only `outbox send` delivers)",
    )
    args = parser.parse_args()
    results = []
    if args.db in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="load-db-"))
        results.append(
            run_once(
                "sqlite",
                f"sqlite:///{folder / 'forms.sqlite3'}",
                args.count,
                args.workers,
                args.threads,
                args.after_commit,
            )
        )
    if args.db in ("postgres", "both"):
        base = os.environ.get("FORMS_TEST_POSTGRES_URL")
        if not base:
            print("PostgreSQL skipped: set FORMS_TEST_POSTGRES_URL (see scripts/test).")
        else:
            url, drop = postgres_database(base)
            try:
                results.append(
                    run_once(
                        "postgres", url, args.count, args.workers, args.threads, args.after_commit
                    )
                )
            finally:
                drop()
    print_table(results)


if __name__ == "__main__":
    main()
