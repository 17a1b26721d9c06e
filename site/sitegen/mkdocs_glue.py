"""The bridge between MkDocs and sitegen, called from `site/hooks.py`.

This module owns turning generated pages and bytes into MkDocs `File`
objects (the one writer: MkDocs writes them) and refusing to generate a path
twice. A generated page reaches MkDocs as a `SitegenPage`: no Markdown is read
or converted for it, and a plan's HTML is rendered just before the theme
renders that page and dropped once it is written (`prepare_page`,
`release_page`), so a build holds one plan's HTML at a time. It must not decide
what a page says (the generators in `pages`, `listings`, `feeds` and `ical`
do) nor parse content (the loader does).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import escape
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files, get_files, set_exclusions
from mkdocs.structure.nav import Navigation, get_navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .errors import ContentError
from .loader import Content, load_content
from .models import Plan
from .outputs import DuplicateOutput, EventCache, Output, changed_outputs, site_outputs
from .pages import GeneratedPage, keep_compiled_templates
from .search import write_index
from .settings import DEFAULT_FORMS_URL, DEFAULT_SITE_URL, SiteSettings, settings_for_day
from .sitemap import SITEMAP_PATH

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


# Content already validated by `sitegen build` for this folder: not read twice.
_preloaded: dict[Path, Content] = {}
# The content of the build in progress, for the search index.
_current: list[Content] = []
# Whether the next build is the editors' preview's (see use_loaded).
_previewing: list[bool] = [False]


class SitegenPage(Page):
    """A page made by sitegen: MkDocs reads no Markdown for it.

    Its HTML is rendered just before the theme renders the page (`prepare`)
    and let go once the page is written (`release`): MkDocs reads every page
    before writing the first, so holding the HTML would grow the build's
    memory with every plan (about 50 KB each).
    """

    def __init__(self, title: str, file: File, config: MkDocsConfig, make: Maker) -> None:
        self._make = make
        self._made: GeneratedPage | None = None
        # The theme prints page titles without escaping (in <title>).
        self._escaped_title = str(escape(title))
        super().__init__(None, file, config)

    @property  # type: ignore[override]
    def content(self) -> str:
        return self._made.html if self._made is not None else ""

    @content.setter
    def content(self, value: str | None) -> None:
        pass  # MkDocs' placeholders: the HTML comes from the generator

    def _set_canonical_url(self, base: str | None) -> None:
        # MkDocs joins and splits URLs for each page (a tenth of a second per
        # thousand pages); a generated page's URL is a plain relative path,
        # which joined to the site's address is the address followed by it.
        url = self.url
        prefix = _address_parts(base) if base and _PLAIN_URL.fullmatch(url) else None
        if prefix is None:
            super()._set_canonical_url(base)
            return
        self.canonical_url = prefix[0] + url
        self.abs_url = prefix[1] + url

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = ""
        self.meta = {"title": self._escaped_title}

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.present_anchor_ids = set()

    def remake(self, title: str, make: Maker) -> None:
        """Another version of this page (the editors' preview)."""
        self._make = make
        self._escaped_title = str(escape(title))

    def prepare(self) -> None:
        made = self._made = self._make()
        self.toc = get_toc([entry.as_token() for entry in made.toc])  # type: ignore[arg-type]

    def release(self) -> None:
        self._made = None
        self.toc = []  # type: ignore[assignment]


Maker = Callable[[], GeneratedPage]

# A relative URL with nothing for urljoin to resolve (no "..", ".", query,
# fragment, scheme or leading slash).
_PLAIN_URL = re.compile(r"(?:[\w-]+(?:\.[\w-]+)*/)*(?:[\w-]+(?:\.[\w-]+)*)?")


@functools.lru_cache(maxsize=8)
def _address_parts(base: str) -> tuple[str, str] | None:
    """The site's address ending with "/" and its path, when urljoin would
    keep them as they are (no dot segments), else None."""
    base = base if base.endswith("/") else base + "/"
    path = urlsplit(base).path
    if "/." in path or not path.startswith("/"):
        return None
    return base, path


def use_loaded(content: Content, preview: bool = False) -> None:
    """Let the next build reuse `content` (loaded from `content.root`).

    `sitegen build` writes the search index itself, beside MkDocs; the hook
    then does not write it again. A `preview` build keeps what later updates
    reuse (the plans' calendar events).
    """
    _preloaded.clear()
    _preloaded[content.root] = content
    _previewing[:] = [preview]


def add_file(files: Files, config: MkDocsConfig, src_uri: str, output: Output) -> File:
    """One generated File (a `SitegenPage` for a page); a path of docs/ is refused."""
    if files.get_file_from_path(src_uri) is not None:
        raise Abort(f"Trang {src_uri} được tạo hai lần (trùng với một tệp trong docs/).")
    if output.title is not None:
        file = File.generated(config, src_uri, content="")
        SitegenPage(output.title, file, config, output.make)  # type: ignore[arg-type]
    else:
        file = MadeFile(config, src_uri, output.make)  # type: ignore[arg-type]
    files.append(file)
    return file


class MadeFile(File):
    """A generated file (feed, calendar) whose bytes are made when MkDocs
    writes it and not held after: a site's calendars are about 10 KB a plan."""

    def __init__(self, config: MkDocsConfig, src_uri: str, make: Callable[[], bytes]) -> None:
        self.make = make
        super().__init__(
            src_uri,
            src_dir=None,
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        self.generated_by = config.plugins._current_plugin or "<unknown>"
        self.abs_src_path = None

    @property  # type: ignore[override]
    def _content(self) -> bytes:
        return self.make()

    @_content.setter
    def _content(self, value: bytes | None) -> None:
        if value is not None:
            self.make = partial(bytes, value)


def configure(config: MkDocsConfig) -> MkDocsConfig:
    """MkDocs' sitemap is switched off: sitegen makes its own (`sitemap`)."""
    config.theme.static_templates.discard("sitemap.xml")
    return config


def _drop_theme_sitemap(files: Files, config: MkDocsConfig) -> None:
    """MkDocs' sitemap template, no longer rendered (`configure`), would be
    copied to the site as it is, in place of sitegen's sitemap."""
    theirs = files.get_file_from_path(SITEMAP_PATH)
    docs = Path(config.docs_dir).resolve()
    if theirs is not None and docs not in Path(theirs.abs_src_path or "").resolve().parents:
        files.remove(theirs)


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
    _current[:] = [] if preloaded is not None else [content]
    events = EventCache(uses=None if _previewing[0] else 2)
    _previewing[:] = [False]
    settings = site_settings(config)
    try:
        outputs = site_outputs(content, settings, events)
    except DuplicateOutput as exc:
        raise Abort(str(exc)) from None
    _drop_theme_sitemap(files, config)
    for src_uri, output in outputs.items():
        add_file(files, config, src_uri, output)
    _sessions[:] = [Session(config, files, outputs, settings, events)]
    return files


@dataclass
class Session:
    """A finished MkDocs build kept in memory, to update some of its files."""

    config: MkDocsConfig
    files: Files
    outputs: dict[str, Output]
    settings: SiteSettings  # the build's: its moment stays the session's "now"
    events: EventCache = field(default_factory=EventCache)
    _env: jinja2.Environment | None = None
    _nav: Navigation | None = None
    _pages: Sequence[File] | None = None

    def env(self) -> jinja2.Environment:
        """The theme's templates, compiled once per session."""
        if self._env is None:
            self._env = prepare_theme(self.config.theme.get_env(), self.config)
        return self._env

    def update(
        self,
        outputs: dict[str, Output],
        scope: Callable[[str], bool] | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> tuple[list[str], list[str]]:
        """Make and write what changed since the build (or the last update),
        remove what is gone; returns (changed, removed) paths under docs/.

        With `scope`, only the paths it accepts are compared (`outputs` then
        holds those only). With `stop`, the update ends early when it answers
        true between two files: what was written is remembered, so the next
        update makes the rest. A page that exists keeps its File and page
        objects (the navigation refers to them); only what makes its HTML is
        replaced. Files are replaced whole (written aside, then renamed): the
        preview serves them while a later part of an update runs.
        """
        before = (
            self.outputs if scope is None else {k: v for k, v in self.outputs.items() if scope(k)}
        )
        changed, removed = changed_outputs(before, outputs)
        site_dir = Path(self.config.site_dir)
        for src_uri in removed:
            file = self.files.get_file_from_path(src_uri)
            if file is not None:
                self.files.remove(file)
            else:  # a session opened on the new outputs (an incremental build)
                file = File(src_uri, None, str(site_dir), self.config.use_directory_urls)
            _remove_output(Path(file.abs_dest_path), site_dir)
            del self.outputs[src_uri]
            self._pages = None
        pages: list[tuple[str, SitegenPage]] = []
        for src_uri in changed:
            output = outputs[src_uri]
            file = self.files.get_file_from_path(src_uri)
            if file is None:
                file = add_file(self.files, self.config, src_uri, output)
                self._pages = None
            elif isinstance(file.page, SitegenPage) and output.title is not None:
                file.page.remake(output.title, output.make)  # type: ignore[arg-type]
            elif isinstance(file, MadeFile):
                file.make = output.make  # type: ignore[assignment]
            if isinstance(file.page, SitegenPage):
                pages.append((src_uri, file.page))
            else:
                _write(Path(file.abs_dest_path), file.content_bytes)
                self.outputs[src_uri] = output
        if pages:
            if self._nav is None:
                self._nav = get_navigation(self.files, self.config)
            if self._pages is None:
                self._pages = self.files.documentation_pages()
            template = self.env().get_template("main.html")
            for _, page in pages:  # every title known before any page shows it (nav)
                page.read_source(self.config)
                page.render(self.config, self.files)
            for src_uri, page in pages:
                if stop is not None and stop():
                    return changed, removed
                page.active = True
                try:
                    page.prepare()
                    html = template.render(get_context(self._nav, self._pages, self.config, page))
                finally:
                    page.release()
                    page.active = False
                _write(
                    Path(page.file.abs_dest_path),
                    html.encode("utf-8", errors="xmlcharrefreplace"),
                )
                self.outputs[src_uri] = outputs[src_uri]
        self.outputs.update(outputs)  # the unchanged too: let go of the old content
        return changed, removed


def open_session(
    config: MkDocsConfig,
    content: Content,
    previous: dict[str, object],
    recall: Callable[[Plan], bytes | None] | None = None,
    compiled: Path | None = None,
) -> tuple[Session, dict[str, Output]]:
    """A Session on a previous build of `content`'s site, whose outputs are
    that build's (their keys, `previous`), and the outputs of this one:
    updating the session with them makes only what changed since (an
    incremental build). Nothing is rendered or written. `recall` gives a
    plan's calendar events as the previous build wrote them, or None.

    Unlike MkDocs' build, it makes File and page objects only for the
    navigation's pages (a page's theme shows them) and, as `update` makes
    them, for the outputs made again: one for each of a 10,000-plan site's
    21,783 outputs took over a second. The theme's own files and pages
    (assets, 404.html) are neither gathered nor written: the previous build
    wrote them, with the same theme and settings (the cache's fingerprint).
    With `compiled`, the theme's and sitegen's templates are compiled once
    into that folder and read back by the next builds (a tenth of a second
    or more of every build that renders a page).
    """
    config = config.plugins.on_config(config)
    config.plugins.on_pre_build(config=config)
    files = get_files(config)  # docs/: assets, no page
    settings = site_settings(config)
    events = EventCache(uses=2, recall=recall)
    try:
        outputs = site_outputs(content, settings, events)
    except DuplicateOutput as exc:
        raise Abort(str(exc)) from None
    for src_uri in _nav_sources(config.nav):
        if src_uri in outputs:
            add_file(files, config, src_uri, outputs[src_uri])
    set_exclusions(files, config)
    nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
    for file in files.documentation_pages():
        assert isinstance(file.page, SitegenPage), file.src_uri  # docs/ holds no page
        file.page.read_source(config)
        file.page.render(config, files)
    env = config.theme.get_env()
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
        keep_compiled_templates(env.bytecode_cache)
    env = config.plugins.on_env(env, config=config, files=files)
    kept = {src: Output(key, _never_made) for src, key in previous.items()}
    session = Session(config, files, kept, settings, events, _env=env, _nav=nav)
    return session, outputs


def _nav_sources(nav: object) -> list[str]:
    """The paths under docs/ that mkdocs.yml's `nav` names."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, dict):
        nav = list(nav.values())
    if isinstance(nav, list):
        return [src for item in nav for src in _nav_sources(item)]
    return []


def _never_made() -> bytes:
    raise AssertionError("a previous build's output is only compared")


def _write(path: Path, data: bytes) -> None:
    """Replace `path` whole: a reader sees the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.new")
    aside.write_bytes(data)
    os.replace(aside, path)


def _remove_output(path: Path, site_dir: Path) -> None:
    """Delete a generated file and the folders it leaves empty (not the site's)."""
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# The last build of this process, for `Session.update` (the editors' preview).
_sessions: list[Session] = []


def last_session() -> Session:
    """The MkDocs build this process ran last."""
    return _sessions[-1]


def write_search_index(config: MkDocsConfig) -> None:
    """After a build that `sitegen build` did not start (the editors' preview)."""
    if _current:
        write_index(_current.pop(), Path(config.site_dir))


# The theme's own templates, for the overrides that wrap them (by the name
# "material/<its path>"): site/overrides/partials/nav.html includes
# "material/partials/nav.html".
THEME_PREFIX = "material"


def prepare_theme(env: jinja2.Environment, config: MkDocsConfig) -> jinja2.Environment:
    """The theme's environment with what the overrides call: `sg_part`
    (a part of the page rendered once per folder, see `ThemeParts`) and
    `sg_translate` (the theme's words, see `Translations`)."""
    own = next(
        d
        for d in config.theme.dirs
        if Path(d, "partials", "language.html").is_file() and d != config.theme.custom_dir
    )
    env.loader = jinja2.ChoiceLoader(
        [env.loader, jinja2.PrefixLoader({THEME_PREFIX: jinja2.FileSystemLoader(own)})]
    )
    env.globals["sg_part"] = ThemeParts()
    env.globals["sg_translate"] = Translations(env, config)
    return env


class ThemeParts:
    """Parts of the theme's page rendered once per folder of generated pages.

    Material renders its navigation, header, footer and scripts on every
    page, about a millisecond of a plan page's 1.5 in the theme; on the
    generated pages of one folder (every plan page is under ke-hoach/) they
    come out the same. The overrides wrap each such part in
    `{% call sg_part(name, page, nav) %}…{% endcall %}`: the first page of a
    folder renders it, the others reuse it.

    What those parts depend on, and why it is the same across one folder:
    - links, made relative to the page: the pages of one folder are at the
      same depth, and relative links from them differ only for targets
      inside one of them; the parts link to the navigation's pages and to
      files of the site (assets, the feed, the search page), never inside a
      generated page's folder (a page with a navigation page inside its
      folder is rendered whole);
    - whether a navigation item is the current page: never, for a page
      outside the navigation (the navigation's own pages are rendered whole);
    - the page's metadata: a generated page has only its title, which these
      parts do not show; and the configuration, the same for the build.
    Any other page (Markdown in docs/, the theme's 404 page) is rendered whole.
    """

    def __init__(self) -> None:
        self.made: dict[tuple[str, str], str] = {}

    def __call__(
        self, name: str, page: Page | None, nav: Navigation, caller: Callable[[], str]
    ) -> str:
        folder = _page_folder(page, nav)
        if folder is None:
            return caller()
        key = (name, folder)
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = caller()
        return made


def _page_folder(page: Page | None, nav: Navigation) -> str | None:
    """The folder of a generated page outside the navigation ("ke-hoach/"),
    or None (see `ThemeParts`)."""
    if not isinstance(page, SitegenPage):
        return None
    url = page.url
    if not url.endswith("/") or any(other.url.startswith(url) for other in nav.pages):
        return None
    return url[: url.rstrip("/").rfind("/") + 1]


class Translations:
    """The theme's words by key, as its `partials/language.html` gives them
    (the page's language, else English, else the key), each worked out once:
    the theme's macro builds a dictionary of every word for each of the
    twenty words a page shows."""

    def __init__(self, env: jinja2.Environment, config: MkDocsConfig) -> None:
        self.env, self.config = env, config
        self.words: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        word = self.words.get(key)
        if word is None:
            template = self.env.get_template(f"{THEME_PREFIX}/partials/language.html")
            module = template.make_module({"config": self.config})
            word = self.words[key] = module.t(key)
        return word


def prepare_page(page: Page) -> None:
    """Render a generated page's HTML just before the theme needs it."""
    if isinstance(page, SitegenPage):
        page.prepare()


def release_page(page: Page) -> None:
    """Let go of a generated page's HTML once MkDocs has it for writing."""
    if isinstance(page, SitegenPage):
        page.release()
