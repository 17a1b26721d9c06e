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
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config

from .loader import load_content
from .mkdocs_glue import use_loaded
from .search import start_indexing

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


def serve_site(content_dir: Path, addr: str) -> None:
    """Preview with live reload; a change under `content_dir` rebuilds."""
    from mkdocs.commands.serve import serve

    _use_content(content_dir)
    serve(
        config_file=str(CONFIG_FILE),
        dev_addr=addr,
        livereload=True,
        watch=[str(content_dir.resolve())],
    )
