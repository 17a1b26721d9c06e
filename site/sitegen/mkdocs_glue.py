"""The bridge between MkDocs and sitegen, called from `site/hooks.py`.

This module owns turning generated pages and bytes into MkDocs `File`
objects (the one writer: MkDocs writes them) and refusing to generate a path
twice. A generated page reaches MkDocs as front matter only; its HTML, made by
sitegen, replaces the (empty) Markdown output in `on_page_content`, so MkDocs
never parses the large HTML of plans and listings again. It must not decide
what a page says (the generators in `pages`, `listings`, `feeds` and `ical`
do) nor parse content (the loader does).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .errors import ContentError
from .feeds import FEED_PATH, generate_atom
from .ical import generate_calendars
from .listings import generate_listing_pages
from .loader import Content, load_content
from .pages import GeneratedPage, front_matter, generate_pages
from .search import write_index
from .settings import DEFAULT_FORMS_URL, DEFAULT_SITE_URL, SiteSettings, settings_for_day

log = logging.getLogger(__name__)


def content_dir(config: MkDocsConfig) -> Path:
    configured = Path(config.extra.get("content_dir") or "../content")
    if not configured.is_absolute():
        configured = Path(config.config_file_path).parent / configured
    return configured.resolve()


def site_settings(config: MkDocsConfig) -> SiteSettings:
    """Settings from mkdocs.yml (`extra` and `site_url`, filled from the environment)."""
    pinned = config.extra.get("today")
    try:
        return settings_for_day(
            dt.date.fromisoformat(str(pinned)) if pinned else None,
            forms_url=str(config.extra.get("forms_url") or DEFAULT_FORMS_URL),
            site_url=str(config.site_url or DEFAULT_SITE_URL),
        )
    except ValueError as exc:
        raise Abort(f"Cấu hình không hợp lệ: {exc}") from None


# HTML of the generated pages of the build in progress, by source path.
_generated: dict[str, GeneratedPage] = {}
# Content already validated by `sitegen build` for this folder: not read twice.
_preloaded: dict[Path, Content] = {}
# The content of the build in progress, for the search index.
_current: list[Content] = []


def use_loaded(content: Content) -> None:
    """Let the next build reuse `content` (loaded from `content.root`).

    `sitegen build` writes the search index itself, beside MkDocs; the hook
    then does not write it again.
    """
    _preloaded.clear()
    _preloaded[content.root] = content


def generate_all(content: Content, settings: SiteSettings) -> dict[str, GeneratedPage | bytes]:
    """Every generated output: pages (src path ending in .md) and other files (bytes)."""
    outputs: dict[str, GeneratedPage | bytes] = {}
    parts: list[dict[str, GeneratedPage] | dict[str, bytes]] = [
        generate_pages(content, settings),
        generate_listing_pages(content, settings),
        {FEED_PATH: generate_atom(content, settings)},
        generate_calendars(content, settings),
    ]
    for part in parts:
        for path, value in part.items():
            if path in outputs:
                raise Abort(f"Tệp {path} được tạo hai lần.")
            outputs[path] = value
    return outputs


def add_generated_pages(files: Files, config: MkDocsConfig) -> Files:
    """Load the content and add one generated File per output; fail on a clash."""
    root = content_dir(config)
    try:
        preloaded = _preloaded.pop(root, None)
        content = preloaded or load_content(root)
    except ContentError as exc:
        for problem in exc.problems:
            log.error(problem.format())
        raise Abort(f"Nội dung có {len(exc.problems)} lỗi, không dựng trang.") from None
    _generated.clear()
    _current[:] = [] if preloaded is not None else [content]
    for src_uri, value in generate_all(content, site_settings(config)).items():
        if files.get_file_from_path(src_uri) is not None:
            raise Abort(f"Trang {src_uri} được tạo hai lần (trùng với một tệp trong docs/).")
        if isinstance(value, GeneratedPage):
            _generated[src_uri] = value
            value = front_matter(value.title)
        files.append(File.generated(config, src_uri, content=value))
    return files


def write_search_index(config: MkDocsConfig) -> None:
    """After a build that `sitegen build` did not start (the editors' preview)."""
    if _current:
        write_index(_current.pop(), Path(config.site_dir))


def fill_page(html: str, page: Page) -> str:
    """The HTML of a generated page (and its table of contents); others unchanged."""
    generated = _generated.get(page.file.src_uri)
    if generated is None:
        return html
    page.toc = get_toc([entry.as_token() for entry in generated.toc])  # type: ignore[arg-type]
    return generated.html
