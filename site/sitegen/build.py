"""Running MkDocs on the site project: a strict build, or a live preview.

This module owns where the MkDocs project is, how MkDocs is invoked and the
order of a build: validate, then MkDocs (strict) while a child process
writes the search index. It must
not generate pages itself: the hooks do, through `mkdocs_glue`.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import tempfile
import threading
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from .errors import ContentError
from .loader import Content, LoadCache, load_content
from .mkdocs_glue import Session, last_session, site_settings, use_loaded
from .outputs import site_outputs
from .search import Indexing, IndexingError, start_indexing
from .settings import SiteSettings

log = logging.getLogger(__name__)


def find_site_project() -> Path:
    """The MkDocs project (mkdocs.yml, hooks, theme overrides, static assets).

    It is not part of the installed package: from a source checkout (editable
    install) it is the package's parent folder; from a regular install, as on
    Netlify after `pip install .`, it is `site/` under the working directory.
    """
    beside = Path(__file__).resolve().parent.parent
    if (beside / "mkdocs.yml").is_file():
        return beside
    return Path.cwd() / "site"


SITE_PROJECT = find_site_project()
CONFIG_FILE = SITE_PROJECT / "mkdocs.yml"


def _use_content(content_dir: Path) -> None:
    # mkdocs.yml reads the content folder from this variable (`!ENV`).
    os.environ["SITEGEN_CONTENT_DIR"] = str(content_dir.resolve())


def build_site(content_dir: Path, out_dir: Path, timings: dict[str, float] | None = None) -> str:
    """Validate everything first, build strictly into `out_dir` and index it.

    The search index is written by a child process while MkDocs builds the
    pages (see sitegen.search). `timings`, when given, receives the seconds
    spent in each stage: check, MkDocs build, and the wait for the index
    after it (the benchmark reads them).
    """
    # Loading allocates millions of objects that live until the end of the
    # build: the cyclic garbage collector would rescan them again and again,
    # more often the larger the site (10,000 plans: a fifth of the build
    # time). Collection is off while loading; then the loaded content is
    # frozen (never scanned again) and collection resumes for MkDocs, which
    # leaves cyclic garbage behind each page.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_site(content_dir, out_dir, timings if timings is not None else {})
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def _build_site(content_dir: Path, out_dir: Path, stages: dict[str, float]) -> str:
    clock = time.perf_counter()
    content = load_content(content_dir)  # raises ContentError with every problem
    stages["check"] = time.perf_counter() - clock
    gc.freeze()
    gc.enable()
    _use_content(content_dir)
    use_loaded(content)  # the hook reuses it instead of reading the files again
    config = load_config(config_file=str(CONFIG_FILE), site_dir=str(out_dir.resolve()), strict=True)
    clock = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".search-", dir=out_dir.parent))
    indexing = start_indexing(content, staging)
    try:
        build(config)  # raises mkdocs Abort on any warning (strict)
    except BaseException:
        indexing.cancel()
        raise
    stages["build"] = time.perf_counter() - clock
    clock = time.perf_counter()
    indexing.finish(out_dir)  # raises IndexingError
    stages["index"] = time.perf_counter() - clock
    return f"{len(content.plans)} kế hoạch, {len(content.issuers)} cơ quan"


class Preview:
    """The editors' preview: one full build, then each change rebuilds only what it touches.

    The content stays loaded (a plan file is parsed again only when it
    changed, see `LoadCache`) and the MkDocs build stays in memory
    (`mkdocs_glue.Session`): an update renders through the theme only the
    pages whose key changed (the plan's page, the listing pages showing it,
    the home page) and writes the files that changed (feed, calendars). The
    search index is written again by a child process and replaces the old
    one when it is ready, some seconds later on a large site. The sitemap is
    left as the first build wrote it.
    """

    def __init__(self, content_dir: Path, site_dir: Path, site_url: str | None = None) -> None:
        self.root = content_dir.resolve()
        self.site_dir = site_dir.resolve()
        self.site_url = site_url
        self.cache = LoadCache()
        self.session: Session | None = None
        self.settings: SiteSettings | None = None
        self.indexing: Indexing | None = None
        self._lock = threading.Lock()
        self._waiters: list[threading.Thread] = []

    def build(self) -> None:
        """Everything, as `sitegen build` would (raises ContentError, Abort)."""
        content = load_content(self.root, self.cache)
        _use_content(self.root)
        use_loaded(content)
        config = load_config(config_file=str(CONFIG_FILE), site_dir=str(self.site_dir))
        if self.site_url:
            config.site_url = self.site_url
        build(config)
        self.session = last_session()
        self.settings = site_settings(config)
        _freeze()
        self._index(content)

    def update(self) -> tuple[list[str], list[str]]:
        """After a change under the content folder: (changed, removed) paths
        under docs/ (["*"] when a new day made it build everything again).

        Problems in the content are logged, and the last good site stays.
        """
        assert self.session is not None, "build() first"
        try:
            content = load_content(self.root, self.cache)
        except ContentError as exc:
            for problem in exc.problems:
                log.error(problem.format())
            log.error("Nội dung có %d lỗi: trang xem trước chưa cập nhật.", len(exc.problems))
            return [], []
        assert self.settings is not None
        if site_settings(self.session.config).today != self.settings.today:
            self.build()  # a new day: statuses change everywhere
            return ["*"], []
        # The first build's moment stays the preview's "now" for the day.
        outputs = site_outputs(content, self.settings, self.session.events)
        changed, removed = self.session.update(outputs)
        _freeze()
        if changed or removed:
            self._index(content)
        log.info("Đã cập nhật %d tệp, xóa %d tệp.", len(changed), len(removed))
        return changed, removed

    def _index(self, content: Content) -> None:
        staging = Path(tempfile.mkdtemp(prefix=".search-", dir=self.site_dir.parent))
        indexing = start_indexing(content, staging, background=True)
        with self._lock:
            old, self.indexing = self.indexing, indexing
            if old is not None:
                old.cancel()
        waiter = threading.Thread(target=self._install, args=(indexing,), daemon=True)
        self._waiters = [w for w in self._waiters if w.is_alive()] + [waiter]
        waiter.start()

    def _install(self, indexing: Indexing) -> None:
        indexing.process.wait()
        with self._lock:
            if indexing is not self.indexing:
                return  # replaced by a newer one (cancelled)
            try:
                indexing.finish(self.site_dir)
            except IndexingError as exc:
                log.error("%s", exc)
                return
        log.info("Đã cập nhật chỉ mục tìm kiếm.")

    def close(self) -> None:
        """Stop an index child still running."""
        with self._lock:
            if self.indexing is not None:
                self.indexing.cancel()
                self.indexing = None

    def wait_for_index(self) -> None:
        """Until the search index of the last build or update is in place."""
        for waiter in self._waiters:
            waiter.join()
        self._waiters.clear()


def _freeze() -> None:
    """Keep the cyclic garbage collector off what the preview holds.

    The loaded plans and the MkDocs build are millions of objects that live
    on: each full collection rescanned them (half a second at 10,000 plans,
    at random moments of an update). Young garbage is collected first.
    """
    gc.collect(1)
    gc.freeze()


def serve_site(content_dir: Path, addr: str) -> None:
    """Preview with live reload: a change under `content_dir` updates what it touches."""
    host, _, port = addr.rpartition(":")
    url = f"http://{host}:{port}/"
    # A stop by SIGTERM (a service manager, a test) ends like Ctrl+C: the
    # temporary site and a running index child are removed.
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="sitegen-serve-") as tmp:
        site_dir = Path(tmp) / "site"
        preview = Preview(content_dir, site_dir, site_url=url)
        try:
            preview.build()
            _serve(preview, site_dir, content_dir, host, int(port))
        except KeyboardInterrupt:
            log.info("Dừng xem trước.")
        finally:
            preview.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(preview: Preview, site_dir: Path, content_dir: Path, host: str, port: int) -> None:
    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=preview.update, host=host, port=port, root=str(site_dir))
    # MkDocs polls the watched folders (every 0.5 s, a stat of every file):
    # with 10,000 plans that costs seconds of CPU per save and holds the
    # interpreter while the update runs. The system's file notifications
    # (inotify, FSEvents) tell at once, for nothing.
    server.observer = watchdog.observers.Observer()
    not_found = site_dir / "404.html"
    server.error_handler = lambda code: not_found.read_bytes() if code == 404 else None
    server.watch(str(content_dir.resolve()))
    try:
        server.serve()
    finally:
        server.shutdown()
