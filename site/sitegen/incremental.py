"""What a production build keeps for the next one (`sitegen build --cache DIR`).

This module owns the cache folder: one file, written whole at the end of a
successful build and taken (read, then deleted) at the start of the next, so
a build that fails or is stopped leaves no cache and the one after it builds
everything. The cache holds the loaded plans (stamped by a hash of their
files' bytes, see `LoadCache.by_content`), every output's key and the plans
in the site's order; the build folder it describes is the one the build
wrote, kept beside it (on Netlify, a build plugin keeps `build/` between
builds). It is trusted only when the code, the MkDocs project, the library
versions and the settings are those of the build that wrote it: its
fingerprint says so. The build's moment is not part of it: outputs whose
content depends on the moment carry it in their key (`pages.plan_clock`).

It must not render or write the site: `build` does, through `mkdocs_glue`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .loader import LoadCache
from .models import Plan

log = logging.getLogger(__name__)

STATE_FILE = "sitegen-state.pickle"
FORMAT = 1
# Libraries whose output is in the site: another version may render otherwise.
LIBRARIES = ("mkdocs", "mkdocs-material", "jinja2", "cmarkgfm", "markdown", "pymdown-extensions")
PACKAGE = Path(__file__).resolve().parent


@dataclass
class Kept:
    """What one build leaves for the next."""

    fingerprint: str
    site_dir: str  # the folder it built, resolved
    loaded: LoadCache  # the plans by file, stamped by content
    keys: dict[str, object]  # every output's key by its path under docs/
    plans: tuple[Plan, ...]  # in the site's order


def fingerprint(project: Path, settings: tuple[str, ...]) -> str:
    """A digest of everything besides the content that makes the site: the
    sitegen package and the MkDocs project's files (mkdocs.yml, hooks,
    overrides, docs/), the versions of Python and of the libraries that
    render, and the settings."""
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0".encode())
    for name in LIBRARIES:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
    for value in settings:
        digest.update(value.encode() + b"\0")
    for root in sorted({PACKAGE, project.resolve()}):
        for path in sorted(_files(root)):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _files(root: Path) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
        found += [Path(folder) / n for n in names if not n.endswith(".pyc")]
    return found


def take(cache_dir: Path, expected: str, site_dir: Path) -> Kept | None:
    """The previous build's state if it can be trusted for this build, else
    None; either way the state file is gone afterwards (see the module's
    docstring)."""
    path = cache_dir / STATE_FILE
    try:
        with path.open("rb") as file:
            kept = pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: build everything
        log.warning("Bỏ qua bộ nhớ đệm %s: %s", path, exc)
        kept = None
    finally:
        path.unlink(missing_ok=True)
    if not isinstance(kept, Kept):
        return None
    if kept.fingerprint != expected:
        log.info("Mã nguồn, thư viện hoặc cấu hình đã đổi: dựng lại toàn bộ.")
        return None
    if kept.site_dir != str(site_dir.resolve()) or not site_dir.is_dir():
        log.info("Thư mục trang của lần dựng trước không còn: dựng lại toàn bộ.")
        return None
    return kept


def keep(cache_dir: Path, kept: Kept) -> Callable[[], None]:
    """Start writing the state for the next build; the function returned
    waits for it and puts it in place (call it once the build succeeded:
    the state is there whole, or not at all).

    A forked child writes it (pickling 10,000 plans takes seconds) while
    the build goes on, e.g. waiting for its search index; where there is no
    fork, it is written at once.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    aside = cache_dir / f".{STATE_FILE}.new"
    target = cache_dir / STATE_FILE
    if not hasattr(os, "fork"):
        _dump(kept, aside)
        return partial(os.replace, aside, target)
    pid = os.fork()
    if pid == 0:  # the child: write, then leave without running the parent's exit code
        code = 1
        try:
            _dump(kept, aside)
            code = 0
        finally:
            os._exit(code)
    return partial(_put_in_place, pid, aside, target)


def _dump(kept: Kept, path: Path) -> None:
    with path.open("wb") as file:
        pickle.dump(kept, file, protocol=pickle.HIGHEST_PROTOCOL)


def _put_in_place(pid: int, aside: Path, target: Path) -> None:
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        aside.unlink(missing_ok=True)
        log.warning("Không ghi được bộ nhớ đệm: lần dựng sau sẽ dựng lại toàn bộ.")
        return
    os.replace(aside, target)
