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
from collections.abc import Callable
from functools import partial
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from . import incremental
from .errors import ContentError
from .forked import Forked, ForkedError, in_child
from .ical import ALL_FILE, CAL_DIR, events_by_plan, events_in_calendar
from .loader import Content, LoadCache, hash_content, load_content
from .mkdocs_glue import Session, last_session, open_session, site_settings, use_loaded
from .models import Plan
from .outputs import Output, site_outputs
from .pages import PLAN_DIR, keep_compiled_templates, plan_page_makers
from .search import Indexing, IndexingError, replace_index, start_indexing
from .search_patch import patch_index
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


def build_site(
    content_dir: Path,
    out_dir: Path,
    timings: dict[str, float] | None = None,
    cache_dir: Path | None = None,
) -> str:
    """Validate everything first, build strictly into `out_dir` and index it.

    The search index is written by a child process while MkDocs builds the
    pages (see sitegen.search). `timings`, when given, receives the seconds
    spent in each stage: check, MkDocs build, and the wait for the index
    after it (the benchmark reads them). With `cache_dir`, the build leaves
    there what the next one needs to update `out_dir` in place, making only
    the outputs whose key changed (see sitegen.incremental); the result is
    the same as a full build's.
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
        stages = timings if timings is not None else {}
        if cache_dir is None:
            return _summary(_build_site(content_dir, out_dir, stages))
        return _build_cached(content_dir, out_dir, stages, cache_dir)
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


# Given a build's content and outputs once its pages are written, starts
# keeping what the next build needs; what it returns puts that in place
# once the build has succeeded (see sitegen.incremental.keep).
Keeper = Callable[[Content, dict[str, Output]], Callable[[], None]]


def _build_site(
    content_dir: Path,
    out_dir: Path,
    stages: dict[str, float],
    loaded: LoadCache | None = None,
    keeper: Keeper | None = None,
) -> Content:
    clock = time.perf_counter()
    content = load_content(content_dir, loaded)  # raises ContentError with every problem
    stages["check"] = time.perf_counter() - clock
    gc.freeze()
    gc.enable()
    config = _config(content, out_dir)
    clock = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    indexing = _start_index(content, out_dir)
    try:
        build(config)  # raises mkdocs Abort on any warning (strict)
    except BaseException:
        indexing.cancel()
        raise
    stages["build"] = time.perf_counter() - clock
    try:
        put_in_place = keeper(content, last_session().outputs) if keeper is not None else None
    except BaseException:
        indexing.cancel()
        raise
    _finish(partial(indexing.finish, out_dir), stages, put_in_place)
    return content


def _start_index(content: Content, out_dir: Path) -> Indexing:
    staging = Path(tempfile.mkdtemp(prefix=".search-", dir=out_dir.parent))
    return start_indexing(content, staging)


def _index_again(out_dir: Path, before: tuple[Plan, ...], content: Content) -> bool:
    """The previous build's index patched in place, else written in full
    (True: patched). Run in a forked child beside the rendering: it holds
    the plans already."""
    try:
        if patch_index(out_dir, before, content.plans):
            return True
    except Exception:  # a damaged index in the site folder: as if there were none
        log.warning("Chỉ mục tìm kiếm của lần dựng trước bị hỏng: tạo lại toàn bộ.", exc_info=True)
    replace_index(content, out_dir)
    return False


def _indexed(indexing: Forked[bool]) -> None:
    try:
        patched = indexing.result()
    except ForkedError as exc:
        raise IndexingError(f"Không tạo được chỉ mục tìm kiếm:\n{exc}") from None
    log.info("Chỉ mục tìm kiếm: %s.", "đã vá" if patched else "đã tạo lại toàn bộ")


def _finish(
    index_done: Callable[[], None],
    stages: dict[str, float],
    put_in_place: Callable[[], None] | None,
) -> None:
    """Once the pages are written: wait for the search index, then for
    what the next build keeps."""
    clock = time.perf_counter()
    index_done()  # raises IndexingError
    stages["index"] = time.perf_counter() - clock
    if put_in_place is not None:
        clock = time.perf_counter()
        put_in_place()
        stages["keep"] = time.perf_counter() - clock


def _summary(content: Content) -> str:
    return f"{len(content.plans)} kế hoạch, {len(content.issuers)} cơ quan"


def _config(content: Content, out_dir: Path) -> MkDocsConfig:
    """The strict MkDocs configuration of a full build of `content` into `out_dir`."""
    _use_content(content.root)
    use_loaded(content)  # the hook reuses it instead of reading the files again
    return _strict_config(out_dir)


def _strict_config(out_dir: Path) -> MkDocsConfig:
    return load_config(config_file=str(CONFIG_FILE), site_dir=str(out_dir.resolve()), strict=True)


def _fingerprint(config: MkDocsConfig) -> str:
    settings = site_settings(config)
    return incremental.fingerprint(SITE_PROJECT, (settings.forms_url, settings.site_url))


def _build_cached(
    content_dir: Path, out_dir: Path, stages: dict[str, float], cache_dir: Path
) -> str:
    """A build that reuses the previous one's (see `build_site`)."""
    clock = time.perf_counter()
    # The content's files are hashed by a child meanwhile (see `hash_content`).
    hashing = in_child(partial(hash_content, content_dir))
    try:
        _use_content(content_dir)
        config = _strict_config(out_dir)
        fingerprint = _fingerprint(config)
        kept = incremental.take(cache_dir, fingerprint, out_dir)
    except BaseException:
        hashing.cancel()
        raise
    stages["take"] = time.perf_counter() - clock
    loaded = LoadCache(by_content=True) if kept is None else kept.loaded
    loaded.hashed = _hashes(hashing)

    def keeper(content: Content, outputs: dict[str, Output]) -> Callable[[], None]:
        keys = {src: output.key for src, output in outputs.items()}
        site = str(out_dir.resolve())
        pickled = {} if kept is None else kept.pickled
        state = incremental.Kept(fingerprint, site, loaded, keys, content.plans, pickled)
        return incremental.keep(cache_dir, state)

    if kept is None:
        return _summary(_build_site(content_dir, out_dir, stages, loaded, keeper))
    return _update_site(content_dir, config, stages, kept, keeper, cache_dir / "templates")


def _hashes(hashing: Forked[dict[str, bytes]]) -> dict[str, bytes]:
    try:
        return hashing.result()
    except ForkedError as exc:  # the load hashes the files itself
        log.warning("Không băm trước được các tệp nội dung:\n%s", exc)
        return {}


def _update_site(
    content_dir: Path,
    config: MkDocsConfig,
    stages: dict[str, float],
    kept: incremental.Kept,
    keeper: Keeper,
    compiled: Path,
) -> str:
    """Update the previous build in `out_dir` to `content_dir`'s content:
    only the outputs whose key changed are made again."""
    clock = time.perf_counter()
    content = load_content(content_dir, kept.loaded)
    stages["check"] = time.perf_counter() - clock
    gc.freeze()
    gc.enable()
    # The index is patched (or written again) by a child from here on,
    # beside MkDocs' files and navigation and the rendering.
    out_dir = Path(config.site_dir)
    indexing = in_child(partial(_index_again, out_dir, kept.plans, content))
    try:
        changed, removed, put_in_place = _update_pages(
            config, stages, kept, content, keeper, compiled
        )
    except BaseException:
        indexing.cancel()
        raise
    finally:
        keep_compiled_templates(None)  # the folder is this build's only
    _finish(partial(_indexed, indexing), stages, put_in_place)
    log.info("Đã dựng lại %d tệp, xóa %d tệp.", len(changed), len(removed))
    return f"{_summary(content)} (dựng lại {len(changed)} tệp, xóa {len(removed)} tệp)"


def _update_pages(
    config: MkDocsConfig,
    stages: dict[str, float],
    kept: incremental.Kept,
    content: Content,
    keeper: Keeper,
    compiled: Path,
) -> tuple[list[str], list[str], Callable[[], None]]:
    """The outputs whose key changed made again, the removed ones deleted;
    and the wait for the state the next build keeps."""
    out_dir = Path(config.site_dir)
    unchanged = {id(plan) for plan in kept.plans}  # the loader reuses unchanged plans
    in_site_calendar: list[dict[str, bytes] | None] = []  # read when first asked

    def recall(plan: Plan) -> bytes | None:
        """An unchanged plan's calendar events as the previous build wrote
        them: from its site calendar, else from the plan's own calendar
        (making every plan's again for the site calendar took a second at
        10,000 plans)."""
        if id(plan) not in unchanged:
            return None
        if not in_site_calendar:
            in_site_calendar.append(_read_events(out_dir / ALL_FILE, site_settings(config)))
        if in_site_calendar[0] is not None:
            return in_site_calendar[0].get(plan.slug, b"")
        try:
            return events_in_calendar((out_dir / CAL_DIR / f"{plan.slug}.ics").read_bytes())
        except OSError:
            return None

    clock = time.perf_counter()
    session, outputs = open_session(config, content, kept.keys, recall, compiled)
    # The outputs' keys are known: a child writes what the next build keeps
    # while this one renders.
    put_in_place = keeper(content, outputs)
    stages["open"] = time.perf_counter() - clock
    clock = time.perf_counter()
    changed, removed = session.update(outputs)
    stages["build"] = time.perf_counter() - clock
    return changed, removed, put_in_place


def _read_events(path: Path, settings: SiteSettings) -> dict[str, bytes] | None:
    try:
        return events_by_plan(path.read_bytes(), settings)
    except OSError:
        return None


class Preview:
    """The editors' preview: one full build, then each change rebuilds only what it touches.

    The content stays loaded (a plan file is parsed again only when it
    changed, see `LoadCache`) and the MkDocs build stays in memory
    (`mkdocs_glue.Session`). An update comes in two parts:

    1. `update` (the live-reload server waits for it before serving and
       reloading): the pages of the plans whose key changed, added or
       removed, rendered through the theme;
    2. then, in a thread (`follow_up`), everything that shows those plans
       among others: listing pages, the home page, the feed and the
       calendars; `on_ready` is called when they are written, so that the
       browsers reload again. The search index is written again by a child
       process and replaces the old one when it is ready, some seconds
       later on a large site.

    A new change stops the second part of the previous one between two
    files; what it did not write is made by the next.
    """

    def __init__(
        self,
        content_dir: Path,
        site_dir: Path,
        site_url: str | None = None,
        on_ready: Callable[[], None] | None = None,
    ) -> None:
        self.root = content_dir.resolve()
        self.site_dir = site_dir.resolve()
        self.site_url = site_url
        self.on_ready = on_ready
        self.cache = LoadCache()
        self.session: Session | None = None
        self.settings: SiteSettings | None = None
        self.indexing: Indexing | None = None
        self.followed: tuple[list[str], list[str]] = ([], [])
        self._lock = threading.Lock()
        self._waiters: list[threading.Thread] = []
        self._follower: threading.Thread | None = None
        self._stop_following = threading.Event()

    def build(self) -> None:
        """Everything, as `sitegen build` would (raises ContentError, Abort)."""
        self._stop_follow_up()
        content = load_content(self.root, self.cache)
        _use_content(self.root)
        use_loaded(content, preview=True)
        config = load_config(config_file=str(CONFIG_FILE), site_dir=str(self.site_dir))
        if self.site_url:
            config.site_url = self.site_url
        build(config)
        self.session = last_session()
        self.settings = self.session.settings
        self.session.env().get_template("main.html")  # compiled now, not on the first save
        _freeze()
        self._index(content)

    def update(self) -> tuple[list[str], list[str]]:
        """After a change under the content folder: the plan pages written
        and removed, as paths under docs/ (["*"] when a new day made it build
        everything again). The rest follows in a thread (`wait`).

        Problems in the content are logged, and the last good site stays.
        """
        assert self.session is not None, "build() first"
        self._stop_follow_up()
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
        pages = {
            src: Output(key, make, title)
            for src, (key, title, make) in plan_page_makers(content, self.settings).items()
        }
        changed, removed = self.session.update(pages, scope=_is_plan_page)
        log.info("Đã cập nhật %d trang kế hoạch, xóa %d trang.", len(changed), len(removed))
        self._stop_following = stop = threading.Event()
        self._follower = threading.Thread(
            target=self.follow_up, args=(content, bool(changed or removed), stop), daemon=True
        )
        self._follower.start()
        return changed, removed

    def follow_up(self, content: Content, touched: bool, stop: threading.Event) -> None:
        """The second part of an update: every other output of the site."""
        assert self.session is not None and self.settings is not None
        outputs = site_outputs(content, self.settings, self.session.events)
        if stop.is_set():
            return
        changed, removed = self.session.update(outputs, stop=stop.is_set)
        if stop.is_set():
            return
        _freeze()
        self.followed = (changed, removed)
        if touched or changed or removed:
            self._index(content)
            log.info("Đã cập nhật %d tệp khác, xóa %d tệp.", len(changed), len(removed))
            if self.on_ready is not None:
                self.on_ready()

    def _stop_follow_up(self) -> None:
        self._stop_following.set()
        if self._follower is not None:
            self._follower.join()
            self._follower = None

    def wait(self) -> tuple[list[str], list[str]]:
        """Until the second part of the last update is written: its (changed,
        removed) paths under docs/."""
        if self._follower is not None:
            self._follower.join()
        return self.followed

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
        """Stop the second part of an update and an index child still running."""
        self._stop_follow_up()
        with self._lock:
            if self.indexing is not None:
                self.indexing.cancel()
                self.indexing = None

    def wait_for_index(self) -> None:
        """Until the last update is written whole and its search index is in place."""
        self.wait()
        for waiter in list(self._waiters):
            waiter.join()
        self._waiters.clear()


def _is_plan_page(src: str) -> bool:
    return src.startswith(f"{PLAN_DIR}/")


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
        reload = _Reload()
        preview = Preview(content_dir, site_dir, site_url=url, on_ready=reload)
        try:
            preview.build()
            _serve(preview, reload, site_dir, content_dir, host, int(port))
        except KeyboardInterrupt:
            log.info("Dừng xem trước.")
        finally:
            preview.close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class _Reload:
    """Tells the browsers of the live-reload server to reload, outside its builds
    (when the second part of an update is written)."""

    def __init__(self) -> None:
        self.server: object | None = None

    def __call__(self) -> None:
        from mkdocs.livereload import _timestamp

        server = self.server
        if server is None:
            return
        # MkDocs' server shows a new version of the site when its "visible
        # epoch" moves; while one of its builds runs (the two epochs differ),
        # the build's end reloads the browsers anyway.
        with server._epoch_cond:  # type: ignore[attr-defined]
            if server._visible_epoch == server._wanted_epoch:  # type: ignore[attr-defined]
                epoch = _timestamp()
                server._wanted_epoch = server._visible_epoch = epoch  # type: ignore[attr-defined]
                server._epoch_cond.notify_all()  # type: ignore[attr-defined]


def _serve(
    preview: Preview, reload: _Reload, site_dir: Path, content_dir: Path, host: str, port: int
) -> None:
    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer

    server = LiveReloadServer(builder=preview.update, host=host, port=port, root=str(site_dir))
    reload.server = server
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
