"""The bridge between MkDocs and sitegen, called from `site/hooks.py`.

This module owns turning generated page texts into MkDocs `File` objects and
refusing to generate a path twice. It must not decide what a page says (the
generators in `pages` do) nor parse content (the loader does).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files

from .errors import ContentError
from .loader import load_content
from .models import TZ
from .pages import generate_pages

log = logging.getLogger(__name__)


def content_dir(config: MkDocsConfig) -> Path:
    configured = Path(config.extra.get("content_dir") or "../content")
    if not configured.is_absolute():
        configured = Path(config.config_file_path).parent / configured
    return configured.resolve()


def build_day(config: MkDocsConfig) -> dt.date:
    """The day statuses are computed for in the HTML (browsers recompute them)."""
    pinned = config.extra.get("today")
    if pinned:
        return dt.date.fromisoformat(str(pinned))
    return dt.datetime.now(TZ).date()


def add_generated_pages(files: Files, config: MkDocsConfig) -> Files:
    """Load the content and add one generated File per page; fail on a clash."""
    try:
        content = load_content(content_dir(config))
    except ContentError as exc:
        for problem in exc.problems:
            log.error(problem.format())
        raise Abort(f"Nội dung có {len(exc.problems)} lỗi, không dựng trang.") from None
    for src_uri, text in generate_pages(content, build_day(config)).items():
        if files.get_file_from_path(src_uri) is not None:
            raise Abort(f"Trang {src_uri} được tạo hai lần (trùng với một tệp trong docs/).")
        files.append(File.generated(config, src_uri, content=text))
    return files
