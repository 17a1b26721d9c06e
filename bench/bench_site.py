"""Benchmark of the public site: build, memory, search and the editors' preview.

Generates N synthetic plans from the seed plans in content/ (varied numbers,
issuers, dates and bodies) into a temporary folder, builds each size in a
fresh process and prints ms per plan for each stage, the total, the peak
memory of the build process and of the indexing child (they run at the same
time), and how much the peak grew per added plan from the previous size. The
search index is written by a child process while MkDocs builds, so its column
is only the wait for it after MkDocs. With --browser it also serves the
largest site on loopback and measures, in Chromium, the time from the last
keystroke of a query to the first result on screen, and the bytes of the
search page and of the search. With --serve N it runs `sitegen serve` on N
plans and measures the seconds from saving a file (an edit, an addition, a
removal) to the preview serving the change, and to the new search index.
With --cached N it times `sitegen build --cache` after each kind of change
against a full build, and counts the files where they differ.

    .venv/bin/python bench/bench_site.py                  # 100, 1000, 10000
    .venv/bin/python bench/bench_site.py 1000 10000 --browser
    .venv/bin/python bench/bench_site.py 100000           # fits 8 GB?
    .venv/bin/python bench/bench_site.py 10000 --keep /tmp/plans   # plans kept for reruns
    .venv/bin/python bench/bench_site.py --serve 10000
    .venv/bin/python bench/bench_site.py --updates 10000 --keep /tmp/plans
    .venv/bin/python bench/bench_site.py --cached 10000 --keep /tmp/plans

This is a benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from functools import partial
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SEED_PLANS = PROJECT / "content" / "plans"
ISSUER_COUNT = 60
DATE_RE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
WORDS_DATE_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def write_issuers(root: Path) -> list[str]:
    keys, lines = [], []
    for k in range(ISSUER_COUNT):
        key = f"ldld-phuong-{k:02d}"
        keys.append(key)
        lines += [
            f"{key}:",
            f"  name: Công đoàn phường Thử Nghiệm {k:02d}",
            f"  short_name: CĐ phường TN {k:02d}",
            "  parent: LIÊN ĐOÀN LAO ĐỘNG THÀNH PHỐ THỬ NGHIỆM",
            f"  place: Phường {k:02d}",
            f"  email: cd.phuong{k:02d}@example.org",
        ]
    (root / "issuers.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return keys


def _shift_dates(text: str, days: int) -> str:
    def shift(m: re.Match[str]) -> str:
        day = dt.date(int(m[1]), int(m[2]), int(m[3])) + dt.timedelta(days=days)
        return day.isoformat()

    def shift_words(m: re.Match[str]) -> str:
        # Deadlines in the plan's words ("trước ngày 27/5/2021") move with the plan.
        day = dt.date(int(m[3]), int(m[2]), int(m[1])) + dt.timedelta(days=days)
        return f"{day.day}/{day.month}/{day.year}"

    text = DATE_RE.sub(shift, text)
    return re.sub(
        r"(?m)^(\s*(?:due|deadline):.*)$",
        lambda line: WORDS_DATE_RE.sub(shift_words, line[1]),
        text,
    )


def make_plan(seed: str, i: int, issuer: str, rng: random.Random) -> str:
    """One synthetic plan: the seed's text with its identity and dates changed."""
    _, front, body = seed.split("---\n", 2)
    front = re.sub(r"(?m)^number:.*\n", "", front)
    front = re.sub(r"(?m)^issuer:.*$", f"issuer: {issuer}", front)
    front = re.sub(r"(?m)^\s+plan:.*\n", "", front)  # links to seeds that are not there
    # The seed's source text, its misprints and related plans do not fit a shuffled copy.
    front = re.sub(r"(?ms)^(?:source|misprints|edits|related):.*?(?=^\S|\Z)", "", front)
    front = f'number: "{i}/KH-TN"\n' + _shift_dates(front, rng.randint(-2500, 900))
    front = re.sub(r'(?m)^title: "?', f'title: "Đợt {i}: ', front, count=1)
    if not re.search(r'(?m)^title: ".*"$', front):
        front = re.sub(
            r'(?m)^(title: "Đợt \d+: )(.*)$',
            lambda m: m[1] + m[2].replace('"', "'") + '"',
            front,
            count=1,
        )
    paragraphs = body.strip("\n").split("\n\n")
    head, rest = paragraphs[:2], paragraphs[2:]
    rng.shuffle(rest)
    extra = f"Kế hoạch thử nghiệm số {i}, mã {rng.getrandbits(40):x}, phục vụ đo hiệu năng."
    return "---\n" + front + "---\n" + "\n\n".join([*head, extra, *rest]) + "\n"


def generate(root: Path, count: int) -> None:
    rng = random.Random(count)
    (root / "plans").mkdir(parents=True)
    issuers = write_issuers(root)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEED_PLANS.glob("*.md"))]
    for i in range(count):
        text = make_plan(seeds[i % len(seeds)], i, issuers[i % len(issuers)], rng)
        (root / "plans" / f"ke-hoach-thu-nghiem-{i:05d}.md").write_text(text, encoding="utf-8")


def generated(count: int, workdir: Path, keep: Path | None) -> Path:
    """`count` synthetic plans under `workdir`, or under `keep` where an
    earlier run left them (generation is deterministic: same plans)."""
    if keep is None:
        content = workdir / "content"
        generate(content, count)
        return content
    content = keep / f"content-{count}"
    done = keep / f"content-{count}.done"
    if not done.exists():
        shutil.rmtree(content, ignore_errors=True)
        generate(content, count)
        done.touch()
    return content


def run_one(count: int, workdir: Path, keep: Path | None = None) -> dict[str, float]:
    """In this process: generate, build (check, build, index) and report."""
    from sitegen.build import build_site

    content = generated(count, workdir, keep)
    timings: dict[str, float] = {}
    sampling = threading.Event()
    peak = {"all": 0.0, "self": 0.0, "at": 0.0}
    sampler = threading.Thread(target=_sample_memory, args=(sampling, peak), daemon=True)
    sampler.start()
    try:
        build_site(content, workdir / "site", timings)
    finally:
        sampling.set()
        sampler.join()
    timings["pss_all_mb"] = peak["all"]
    timings["pss_peak_self_mb"] = peak["self"]  # the build process's part of it
    timings["pss_peak_at_s"] = peak["at"]  # seconds into the build
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    timings["rss_self_mb"] = me.ru_maxrss / 1024
    timings["rss_children_mb"] = children.ru_maxrss / 1024
    # CPU seconds of the whole run (generation included when not kept),
    # the build process and the index child apart: on a shared machine these
    # move less with the load than the wall-clock stages.
    timings["cpu_self_s"] = me.ru_utime + me.ru_stime
    timings["cpu_children_s"] = children.ru_utime + children.ru_stime
    return timings


def _sample_memory(done: threading.Event, peak: dict[str, float], every: float = 0.2) -> None:
    """Until `done`: the largest memory this process and every process under
    it held at the same moment (proportional set size: pages a forked child
    shares with its parent count once), in MB, into peak["all"]; this
    process's part of it and when (seconds from the start) too."""
    me = os.getpid()
    start = time.perf_counter()
    while not done.wait(every):
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    stat = Path(f"/proc/{entry.name}/stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        tree, grown = {me}, True
        while grown:
            more = {pid for pid, parent in parents.items() if parent in tree} - tree
            tree |= more
            grown = bool(more)
        sizes = {}
        for pid in tree:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            found = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
            sizes[pid] = int(found[1]) / 1024 if found else 0.0
        if sum(sizes.values()) > peak["all"]:
            peak["all"] = sum(sizes.values())
            peak["self"] = sizes.get(me, 0.0)
            peak["at"] = time.perf_counter() - start


# Installed in the page before typing: the moment of the last keystroke and of
# the first result shown after it, both on the page's own clock.
TIMING_JS = """
window.sgBench = {};
document.addEventListener("input", function () {
  window.sgBench.typed = performance.now();
  window.sgBench.shown = undefined;
}, true);
new MutationObserver(function (records) {
  var added = records.some(function (r) {
    return r.target.id === "sg-search-results" && r.addedNodes.length;
  });
  if (!window.sgBench.shown && added) window.sgBench.shown = performance.now();
}).observe(document.documentElement, { subtree: true, childList: true });
"""


def _count_body(sizes: list[int], request) -> None:
    """A finished request's body size (none once the page is closed)."""
    # The page may close before Chromium answers: that request was not waited for.
    with contextlib.suppress(Exception):
        sizes.append(request.sizes()["responseBodySize"])


def measure_search(site: Path, query: str) -> dict[str, float]:
    """For one query typed in Chromium: ms from the last keystroke to the first
    result, and the bytes of the search page and of the search itself."""
    sys.path[:0] = [str(PROJECT / "tests"), str(PROJECT / "tests" / "sitegen")]
    from playwright.sync_api import sync_playwright
    from site_browser import launch_chromium, serve

    with serve(site) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        sizes: list[int] = []
        page.on("requestfinished", partial(_count_body, sizes))
        page.goto(base + "tim-kiem/", wait_until="networkidle")
        loaded = sum(sizes)
        sizes.clear()
        page.evaluate(TIMING_JS)
        page.focus("#sg-search-q")
        page.keyboard.type(query, delay=0)
        # (wait_for_function would evaluate a string: the site's CSP forbids it)
        _until(lambda: page.evaluate("window.sgBench.shown") is not None, limit=60)
        page.wait_for_load_state("networkidle")
        moments = page.evaluate("window.sgBench")
        browser.close()
    return {
        "first_results_ms": moments["shown"] - moments["typed"],
        "page_kb": loaded / 1024,
        "search_kb": sum(sizes) / 1024,
    }


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, ConnectionError):
        return 0, ""


def _until(check, limit: float = 600.0) -> float:
    """Seconds until check() is true (polled every 10 ms)."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > limit:
            raise TimeoutError("no change within the limit")
        time.sleep(0.01)
    return time.perf_counter() - started


FOLLOWED = "tệp khác"  # sitegen.build.Preview.follow_up's log line


def measure_serve(count: int, workdir: Path) -> list[tuple[str, float]]:
    """`sitegen serve` on `count` plans: seconds from a save to the page served.

    Edits one plan's title, adds a plan, removes it; for each, the time until
    the preview serves the changed page (or its absence), and until the
    search index has been replaced (its low-priority child is restarted by
    each save, so the steps do not wait for the previous index).
    """
    content = workdir / "content"
    generate(content, count)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "sitegen.cli", "serve", "--content", str(content)]
    server = subprocess.Popen(
        [*command, "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The preview logs when the second part of an update (listings, home,
    # feed, calendars) is written: the moments of those lines.
    followed: list[float] = []

    def read_log() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            if FOLLOWED in line:
                followed.append(time.perf_counter())

    threading.Thread(target=read_log, daemon=True).start()
    rows = []
    try:
        started = _until(lambda: _get(base)[0] == 200, limit=3600)
        rows.append(("first build, until served", started))

        def index_dir() -> str:
            status, text = _get(base + "tim-kiem/chi-muc.json")
            return json.loads(text)["dir"] if status == 200 else ""

        plan = content / "plans" / "ke-hoach-thu-nghiem-00000.md"
        slug = plan.stem
        text = plan.read_text(encoding="utf-8")
        steps = [
            ("edit one plan", plan, text.replace("Đợt 0:", "Đợt 0 (sửa):", 1), slug, "(sửa)"),
            (
                "add one plan",
                plan.with_name("ke-hoach-moi.md"),
                text.replace('number: "0/KH-TN"', 'number: "99999/KH-TN"', 1),
                "ke-hoach-moi",
                "99999/KH-TN",
            ),
            ("remove that plan", plan.with_name("ke-hoach-moi.md"), None, "ke-hoach-moi", None),
        ]
        for name, path, new_text, page_slug, marker in steps:
            before = index_dir()
            if new_text is None:
                path.unlink()
            else:
                path.write_text(new_text, encoding="utf-8")
            saved = time.perf_counter()
            url = f"{base}ke-hoach/{page_slug}/"
            if marker is None:
                _until(lambda url=url: _get(url)[0] == 404)
            else:
                _until(lambda url=url, marker=marker: marker in _get(url)[1])
            rows.append((f"{name}: page served", time.perf_counter() - saved))
            _until(lambda saved=saved: any(t > saved for t in followed), limit=400)
            moment = next(t for t in followed if t > saved)
            rows.append((f"{name}: listings, feed, calendars", moment - saved))
            try:
                _until(lambda before=before: index_dir() not in ("", before), limit=400)
                rows.append((f"{name}: search index replaced", time.perf_counter() - saved))
            except TimeoutError:
                rows.append((f"{name}: search index replaced (not within 400 s)", float("nan")))
    finally:
        server.terminate()
        server.wait()
    return rows


def measure_updates(count: int, workdir: Path, keep: Path | None, runs: int) -> list[str]:
    """`sitegen serve`'s update, in this process, on `count` plans: for an
    edit, an addition and a removal (each `runs` times), the wall-clock and
    CPU seconds of the first part (the plan's page) and the wall-clock seconds
    until the second part (listings, home, feed, calendars) is written. The
    CPU seconds are the updating thread's own: on a shared machine they move
    less with the load than the wall clock."""
    from sitegen.build import Preview

    content = generated(count, workdir, keep)
    preview = Preview(content, workdir / "preview" / "site")
    preview.build()
    plan = content / "plans" / "ke-hoach-thu-nghiem-00000.md"
    text = plan.read_text(encoding="utf-8")
    added = plan.with_name("ke-hoach-moi.md")
    other = text.replace('number: "0/KH-TN"', 'number: "99999/KH-TN"', 1)
    times: dict[str, list[tuple[float, float, float]]] = {}
    try:
        for run in range(runs):
            steps = (
                (
                    "edit one plan",
                    lambda run=run: plan.write_text(
                        text.replace("Đợt 0:", f"Đợt 0 (sửa {run}):", 1), encoding="utf-8"
                    ),
                ),
                ("add one plan", lambda: added.write_text(other, encoding="utf-8")),
                ("remove that plan", added.unlink),
            )
            for name, act in steps:
                act()
                wall, cpu = time.perf_counter(), time.thread_time()
                preview.update()
                first = (time.perf_counter() - wall, time.thread_time() - cpu)
                preview.wait()
                times.setdefault(name, []).append((*first, time.perf_counter() - wall))
    finally:
        plan.write_text(text, encoding="utf-8")
        preview.close()
    rows = []
    for name, measured in times.items():
        page, cpu, rest = (statistics.median(m[i] for m in measured) for i in range(3))
        rows.append(
            f"{name:>18}: page {page:.2f} s wall, {cpu:.2f} s CPU; "
            f"listings, feed, calendars {rest:.2f} s wall (medians of {len(measured)})"
        )
    return rows


def cached_one(content: Path, site: Path, cache: Path | None) -> dict[str, object]:
    """In this process (a fresh one, as on a build machine): one `sitegen
    build`, with `cache` when given; its stages and summary."""
    from sitegen.build import build_site

    timings: dict[str, object] = {}
    clock = time.perf_counter()
    timings["summary"] = build_site(content, site, timings, cache_dir=cache)
    timings["total"] = time.perf_counter() - clock
    return timings


def _build_in_child(content: Path, site: Path, cache: Path | None, day: dt.date) -> dict:
    command = [sys.executable, __file__, "--cached-one", str(content), str(site)]
    env = {**os.environ, "SITEGEN_TODAY": day.isoformat()}
    done = subprocess.run(
        command + ([str(cache)] if cache else []),
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_cached(count: int, workdir: Path, keep: Path | None) -> list[str]:
    """`sitegen build --cache` on `count` plans, each build a fresh process:
    a first build (no cache), then one after each change (none, an edit, a
    new plan and its removal, an old plan and its removal, the next day),
    against a full build without cache of the final content, whose files it
    must equal."""
    content = workdir / "content"
    shutil.copytree(generated(count, workdir, keep), content)
    site, cache = workdir / "build" / "site", workdir / "build" / "cache"
    plan = content / "plans" / "ke-hoach-thu-nghiem-00000.md"
    text = plan.read_text(encoding="utf-8")
    added = plan.with_name("ke-hoach-moi.md")
    today = dt.date.today()
    older = text.replace('number: "0/KH-TN"', 'number: "99999/KH-TN"', 1)
    newest = re.sub(r"(?m)^issued: .*$", f"issued: {today.isoformat()}", older, count=1)
    moved = plan.with_name(f"ke-hoach-thu-nghiem-{count // 2:05d}.md")
    earlier = moved.read_text(encoding="utf-8")
    day = dt.date.fromisoformat(re.search(r"(?m)^issued: (\S+)", earlier)[1])
    earlier = earlier.replace(f"issued: {day}", f"issued: {day - dt.timedelta(days=400)}", 1)
    steps = (
        ("first build (no cache yet)", None, today),
        ("no change", None, today),
        (
            "edit one plan's title",
            lambda: plan.write_text(text.replace("Đợt 0:", "Đợt 0 (sửa):", 1), encoding="utf-8"),
            today,
        ),
        ("add a new plan (the newest)", lambda: added.write_text(newest, encoding="utf-8"), today),
        ("remove that plan", added.unlink, today),
        (
            "add an old plan (among others)",
            lambda: added.write_text(older, encoding="utf-8"),
            today,
        ),
        ("remove that plan", added.unlink, today),
        (
            "move a plan (date corrected)",
            lambda: moved.write_text(earlier, encoding="utf-8"),
            today,
        ),
        ("the next day, no change", None, today + dt.timedelta(days=1)),
    )
    rows = []
    for name, act, day in steps:
        if act is not None:
            act()
        t = _build_in_child(content, site, cache, day)
        rows.append((name, t))
    full_site = workdir / "full" / "site"
    full = _build_in_child(content, full_site, None, steps[-1][2])
    rows.append(("full build, no cache", full))
    differ = _differing_files(site, full_site)
    stages = ("take", "check", "open", "build", "index", "keep")
    lines = [
        f"{'step':>28} {'total s':>8} {'% full':>7} "
        + " ".join(f"{s:>6}" for s in stages)
        + "  made again"
    ]
    for name, t in rows:
        made = re.search(r"\((dựng lại .*)\)", t["summary"])
        lines.append(
            f"{name:>28} {t['total']:>8.2f} {t['total'] * 100 / full['total']:>6.1f}% "
            + " ".join(f"{t.get(s, 0.0):>6.2f}" for s in stages)
            + f"  {made[1] if made else 'everything'}"
        )
    lines.append(f"files differing from the full build: {differ}")
    return lines


def _differing_files(one: Path, other: Path) -> int:
    names = {p.relative_to(one) for p in one.rglob("*") if p.is_file()}
    names |= {p.relative_to(other) for p in other.rglob("*") if p.is_file()}
    return sum(
        1
        for name in names
        if not (one / name).is_file()
        or not (other / name).is_file()
        or (one / name).read_bytes() != (other / name).read_bytes()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, help="plans per build (100 1000 10000)")
    parser.add_argument("--browser", action="store_true", help="measure a search on the largest")
    parser.add_argument(
        "--serve", type=int, metavar="N", help="measure `sitegen serve` on N plans after saves"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the generated plans in DIR and reuse them in later runs",
    )
    parser.add_argument(
        "--updates",
        type=int,
        metavar="N",
        help="time the preview's update in-process on N plans (edit, add, remove; 3 runs)",
    )
    parser.add_argument(
        "--cached",
        type=int,
        metavar="N",
        help="time `sitegen build --cache` on N plans after each kind of change",
    )
    parser.add_argument("--cached-one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cached_one:
        content, site, *cache = (Path(a) for a in args.cached_one)
        print(json.dumps(cached_one(content, site, cache[0] if cache else None)))
        return
    if args.cached:
        keep = Path(args.keep).resolve() if args.keep else None
        with tempfile.TemporaryDirectory(prefix=f"bench-cached-{args.cached}-") as tmp:
            print(f"sitegen build --cache on {args.cached} plans (seconds; each build a process)")
            for row in measure_cached(args.cached, Path(tmp), keep):
                print(row, flush=True)
        if not args.sizes:
            return
    if args.one:
        keep = Path(args.keep).resolve() if args.keep else None
        print(json.dumps(run_one(args.one, Path(args.workdir), keep)))
        return
    if args.updates:
        keep = Path(args.keep).resolve() if args.keep else None
        with tempfile.TemporaryDirectory(prefix=f"bench-updates-{args.updates}-") as tmp:
            print(f"preview updates on {args.updates} plans, in-process")
            for row in measure_updates(args.updates, Path(tmp), keep, runs=3):
                print(row, flush=True)
        if not args.sizes and not args.serve:
            return
    if args.serve:
        with tempfile.TemporaryDirectory(prefix=f"bench-serve-{args.serve}-") as tmp:
            print(f"sitegen serve on {args.serve} plans: seconds after saving")
            for name, seconds in measure_serve(args.serve, Path(tmp)):
                print(f"{name:>40} {seconds:>8.2f}", flush=True)
        if not args.sizes:
            return
    sizes = args.sizes or [100, 1000, 10000]
    names = (
        "check",
        "build",
        "index",
        "total",
        "total s",
        "build MB",
        "child MB",
        "all MB",
        "KB/plan",
        "cpu b",
        "cpu i",
    )
    header = f"{'plans':>7} " + " ".join(f"{name:>8}" for name in names)
    print(
        "ms per plan per stage (index = the wait for the search index after MkDocs: a child"
        " process writes it beside MkDocs); peak memory of the build process and of its"
        " largest child (the loader's second process while checking, or the indexing child"
        " beside MkDocs); all MB = the most they held at the same moment (proportional set"
        " sizes summed, sampled every 0.2 s); KB/plan = growth of all MB from the previous"
        " size; cpu b / cpu i = CPU ms per plan of the build process and of its children"
        " (with --keep, generation is not counted)"
    )
    print(header)
    previous: tuple[int, float] | None = None
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-site-{count}-") as tmp:
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(count), "--workdir", tmp]
                + (["--keep", args.keep] if args.keep else []),
                capture_output=True,
                text=True,
                check=True,
            )
            t = json.loads(done.stdout.strip().splitlines()[-1])
            total = t["check"] + t["build"] + t["index"]
            per = {k: t[k] * 1000 / count for k in ("check", "build", "index")}
            peak = t["pss_all_mb"]
            growth = (
                f"{(peak - previous[1]) * 1024 / (count - previous[0]):>8.1f}"
                if previous
                else " " * 8
            )
            previous = (count, peak)
            print(
                f"{count:>7} {per['check']:>8.2f} {per['build']:>8.2f} {per['index']:>8.2f} "
                f"{total * 1000 / count:>8.2f} {total:>8.1f} {t['rss_self_mb']:>8.0f} "
                f"{t['rss_children_mb']:>8.0f} {peak:>8.0f} {growth} "
                f"{t['cpu_self_s'] * 1000 / count:>8.2f} "
                f"{t['cpu_children_s'] * 1000 / count:>8.2f}",
                flush=True,
            )
            print(
                f"{'':>7} (all MB: at {t['pss_peak_at_s']:.0f} s, the build process"
                f" {t['pss_peak_self_mb']:.0f} MB of it)",
                flush=True,
            )
            if args.browser and count == max(sizes):
                for query in ("thi dua khen thuong", "doan vien", "dai hoi", "Long Bien"):
                    s = measure_search(Path(tmp) / "site", query)
                    print(
                        f"search {query!r} on {count} plans: first results "
                        f"{s['first_results_ms']:.0f} ms after the last keystroke; search page "
                        f"{s['page_kb']:.0f} KB, then {s['search_kb']:.0f} KB for the search",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
