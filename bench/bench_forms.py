"""Benchmark of the nomination app: fit check, PDF + DOCX, a whole submission.

Run from the project root:

    .venv/bin/python bench/bench_forms.py [--runs 30]

Prints one table: median and 95th percentile in milliseconds of wall time and
of CPU time (this thread's), since the machine may be shared: wall time then
includes waiting for a core, CPU time much less so. Targets (issue 9): the fit
check at most 50 ms median, a whole submission at most 300 ms at the 95th
percentile. A submission is what the person's two clicks cost the server: the
form POST (validation, photo, criteria, the page laid out and its PDF written,
draft stored) and the "Lưu vào hồ sơ" POST (the preview's PDF reused, DOCX
rendered, the nominee stored in its dossier in one transaction). Timings are measured
here, never asserted in tests.
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "forms_app")]

from form_data import individual_fields, nominee_url, open_dossier  # noqa: E402
from photo_samples import phone_photo  # noqa: E402
from summary_samples import individual, summary_of  # noqa: E402
from werkzeug.datastructures import FileStorage, MultiDict  # noqa: E402
from werkzeug.test import encode_multipart  # noqa: E402

from forms_app import create_app  # noqa: E402
from forms_app.nominations import docx_export, pdf  # noqa: E402
from forms_app.nominations.photos import process_photo  # noqa: E402

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Timings:
    """Milliseconds of wall time and of this thread's CPU time, one pair per run."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def time(self, action: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.thread_time()
        result = action()
        self.cpu.append((time.thread_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)
        return result

    def __add__(self, other: Timings) -> Timings:
        return Timings(
            [a + b for a, b in zip(self.wall, other.wall, strict=True)],
            [a + b for a, b in zip(self.cpu, other.cpu, strict=True)],
        )


def measure(action: Callable[[], object], runs: int) -> Timings:
    action()  # warm-up: imports, font loading, first connection
    timings = Timings()
    for _ in range(runs):
        timings.time(action)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def bench_submission(runs: int) -> tuple[Timings, Timings]:
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
    form, send = Timings(), Timings()
    dossier_token = open_dossier(client)  # one unit's dossier; each run adds a nominee
    form_url = nominee_url(dossier_token)
    for index in range(runs + 1):
        token = TOKEN_RE.search(client.get(form_url).text)[1]
        fields = {**individual_fields(), "csrf_token": token}
        files = {"photo": FileStorage(io.BytesIO(photo), filename="IMG_0001.jpg")}
        boundary, body = encode_multipart(MultiDict({**fields, **files}))
        response = form.time(
            lambda body=body, boundary=boundary: client.post(
                form_url,
                data=body,
                content_type=f"multipart/form-data; boundary={boundary}",
            )
        )
        assert response.status_code == 303, response.status_code
        preview = response.headers["Location"]
        confirm_token = TOKEN_RE.search(client.get(preview).text)[1]
        sent = send.time(
            lambda preview=preview, confirm_token=confirm_token: client.post(
                preview + "gui", data={"csrf_token": confirm_token}
            )
        )
        assert sent.status_code == 303, sent.status_code
        assert sent.headers["Location"] == f"/ho-so/{dossier_token}/", sent.headers["Location"]
        if index == 0:  # warm-up
            form, send = Timings(), Timings()
    return form, send


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    load_before = os.getloadavg()[0]
    raw_photo = phone_photo((4000, 3000))  # a 12-megapixel phone photo with EXIF rotation
    photo = process_photo(raw_photo, max_bytes=10 * 1024 * 1024)
    summary = summary_of(individual(), photo)
    rows = [
        (
            "fit check (layout + measure)",
            measure(lambda: pdf.check_fit(summary), runs),
            "≤ 50 median",
        ),
        ("preview PDF (layout + PDF)", measure(lambda: pdf.render_pdf(summary), runs), ""),
        ("DOCX", measure(lambda: docx_export.render_docx(summary, photo), runs), ""),
        (
            "photo: 12 MP JPEG → 354×472",
            measure(lambda: process_photo(raw_photo, max_bytes=10 * 1024 * 1024), runs),
            "",
        ),
    ]
    form, send = bench_submission(runs)
    rows += [
        ("form POST → preview ready", form, ""),
        ("save POST → stored in the dossier", send, ""),
        ("whole submission (both POSTs)", form + send, "≤ 300 p95"),
    ]
    print(
        f"bench_forms.py: {runs} runs each, {dt.date.today().isoformat()}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    )
    print()
    print("| step | median ms | p95 ms | CPU median ms | CPU p95 ms | target ms |")
    print("|---|---|---|---|---|---|")
    for name, timings, target in rows:
        print(
            f"| {name} | {statistics.median(timings.wall):.1f} | {p95(timings.wall):.1f} "
            f"| {statistics.median(timings.cpu):.1f} | {p95(timings.cpu):.1f} | {target} |"
        )


if __name__ == "__main__":
    main()
