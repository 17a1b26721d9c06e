"""Benchmark of the nomination app: fit check, PDF + DOCX, a whole submission.

Run from the project root:

    .venv/bin/python bench/bench_forms.py [--runs 30]

Prints one table (median and 95th percentile, milliseconds). Targets: the fit
check at most 100 ms median, a whole submission at most 500 ms at the 95th
percentile. A submission is what the person's two clicks cost the server: the
form POST (validation, photo, criteria, one-page check, draft stored) and the
send POST (final PDF and DOCX rendered, everything stored in one transaction).
Timings are measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "forms_app")]

from form_data import INDIVIDUAL_URL, individual_fields  # noqa: E402
from photo_samples import phone_photo  # noqa: E402
from summary_samples import individual, summary_of  # noqa: E402
from werkzeug.datastructures import FileStorage, MultiDict  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from forms_app import create_app  # noqa: E402
from forms_app.nominations import docx_export, pdf  # noqa: E402
from forms_app.nominations.photos import process_photo  # noqa: E402

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def measure(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm-up: imports, font loading, first connection
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def bench_submission(runs: int) -> tuple[list[float], list[float], list[float]]:
    folder = Path(tempfile.mkdtemp(prefix="bench-forms-"))
    app = create_app(
        {
            "SECRET_KEY": "benchmark-secret-0123456789",
            "INSTANCE_PATH": str(folder / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'forms.sqlite3'}",
            "NOW": "2020-02-10T09:00:00+07:00",
            "RATE_LIMIT_PREVIEWS": 100_000,
            "RATE_LIMIT_SUBMISSIONS": 100_000,
            "MAIL_BACKEND": "file",
            "MAIL_DIR": str(folder / "mail"),
            "OUTBOX_SEND_AFTER_COMMIT": False,
        }
    )
    client = app.test_client()
    photo = phone_photo((4000, 3000))  # a 12-megapixel phone photo
    form_times, send_times, totals = [], [], []
    for index in range(runs + 1):
        token = TOKEN_RE.search(client.get(INDIVIDUAL_URL).text)[1]
        fields = {**individual_fields(), "csrf_token": token}
        files = {"photo": FileStorage(io.BytesIO(photo), filename="IMG_0001.jpg")}
        boundary, body = encode_multipart(MultiDict({**fields, **files}))
        start = time.perf_counter()
        response = client.post(
            INDIVIDUAL_URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        middle = time.perf_counter()
        assert response.status_code == 303, response.status_code
        preview = response.headers["Location"]
        confirm_token = TOKEN_RE.search(client.get(preview).text)[1]
        middle_again = time.perf_counter()
        sent = client.post(preview + "gui", data={"csrf_token": confirm_token})
        end = time.perf_counter()
        assert sent.status_code == 303, sent.status_code
        if index == 0:
            continue  # warm-up
        form_times.append((middle - start) * 1000)
        send_times.append((end - middle_again) * 1000)
        totals.append(form_times[-1] + send_times[-1])
    return form_times, send_times, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    raw_photo = phone_photo((4000, 3000))  # a 12-megapixel phone photo with EXIF rotation
    photo = process_photo(raw_photo, max_bytes=10 * 1024 * 1024)
    summary = summary_of(individual(), photo)
    rows = [
        (
            "fit check (layout + measure)",
            measure(lambda: pdf.check_fit(summary), runs),
            "≤ 100 median",
        ),
        (
            "render PDF + DOCX",
            measure(
                lambda: (pdf.render_pdf(summary), docx_export.render_docx(summary, photo)), runs
            ),
            "",
        ),
        (
            "photo: 12 MP JPEG → 354×472",
            measure(lambda: process_photo(raw_photo, max_bytes=10 * 1024 * 1024), runs),
            "",
        ),
    ]
    form_times, send_times, totals = bench_submission(runs)
    rows += [
        ("form POST → preview ready", form_times, ""),
        ("send POST → stored", send_times, ""),
        ("whole submission (both POSTs)", totals, "≤ 500 p95"),
    ]
    print(
        f"bench_forms.py: {runs} runs each, {dt.date.today().isoformat()}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    print()
    print(f"| {'step':<32} | {'median ms':>9} | {'p95 ms':>7} | {'target ms':<13} |")
    print(f"|{'-' * 34}|{'-' * 11}|{'-' * 9}|{'-' * 15}|")
    for name, values, target in rows:
        median, high = statistics.median(values), p95(values)
        print(f"| {name:<32} | {median:>9.1f} | {high:>7.1f} | {target:<13} |")


if __name__ == "__main__":
    main()
