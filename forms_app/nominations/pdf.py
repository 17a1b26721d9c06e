"""The one-page A4 summary as HTML and PDF (WeasyPrint), and how full the page is.

This module owns the page template's rendering, the shipped font, the URL
fetcher (only the package's own assets and inline `data:` images: no
`file://`, no network) and the fit measurement (where the end marker lands,
which sections are the longest). The dossier's Tờ trình is laid out through
the same `layout_html` (fonts, fetcher, lock, cached stylesheets). It must not
validate input, touch the database or decide what to do when a summary is too
long (services.py).
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.formatting_structure.boxes import BlockBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
FONT_DIR = PACKAGE_DIR / "fonts"
FONT_FILES = (
    "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic.ttf",
)
ASSET_SCHEME = "forms-asset:"
ASSET_TYPES = {".ttf": "font/ttf"}
LINE_HEIGHT_PT = 13 * 1.15  # html { font-size: 13pt; line-height: 1.15 }
PT_PER_PX = 0.75

_environment = Environment(
    loader=PackageLoader("forms_app", "templates"),
    autoescape=select_autoescape(["html", "css"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# Pango and WeasyPrint's font handling are not documented as thread-safe; the
# development server is threaded, so one render at a time per process. Under that
# lock one font configuration and the parsed page stylesheet are shared: the shipped
# fonts are loaded and the CSS parsed (selectors compiled) once per process.
_render_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_stylesheets: dict[str, CSS] = {}


class FontMissingError(RuntimeError):
    """The shipped font is not where it must be: the one-page verdict would vary."""


def check_fonts() -> None:
    """Fail loudly at start-up when a shipped font file is missing or empty."""
    missing = [
        name
        for name in FONT_FILES
        if not (FONT_DIR / name).is_file() or (FONT_DIR / name).stat().st_size < 1000
    ]
    if missing:
        raise FontMissingError(
            f"The summary font is missing from {FONT_DIR}: {', '.join(missing)}. "
            "The one-page check depends on it; reinstall the package."
        )


class AssetFetcher(URLFetcher):
    """Serves only the package's fonts and inline data: images; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "forms-asset"), fail_on_errors=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith(ASSET_SCHEME):
            return URLFetcherResponse(url, read_asset(url.removeprefix(ASSET_SCHEME)))
        if url.startswith("data:image/"):
            return super().fetch(url, headers)
        log.warning("refused a resource in a summary: %.80s", url)
        raise ValueError(f"resource refused: {url[:80]}")


def read_asset(name: str) -> bytes:
    """A font file shipped with the package, by its name under fonts/; nothing else."""
    if not name.startswith("fonts/"):
        raise ValueError(f"not a package asset: {name}")
    filename = name.removeprefix("fonts/")
    if filename not in FONT_FILES:
        raise ValueError(f"not a package asset: {name}")
    return (FONT_DIR / filename).read_bytes()


@dataclass(frozen=True)
class Fit:
    """How the summary lays out: pages, and how full the last page is."""

    pages: int
    last_page_fraction: float  # 0..1, where the end marker lands on the last page
    page_height_pt: float
    sections: tuple[tuple[str, float], ...]  # (section name, height in pt), longest first

    @property
    def fits(self) -> bool:
        return self.pages == 1

    @property
    def used(self) -> float:
        """Pages used, e.g. 0.87 or 1.31."""
        return self.pages - 1 + self.last_page_fraction

    @property
    def percent(self) -> int:
        return round(self.used * 100)

    @property
    def cut_percent(self) -> int:
        """Roughly how much of the content must go for it to fit on one page."""
        if self.fits:
            return 0
        return math.ceil((self.used - 1) / self.used * 100)

    @property
    def cut_lines(self) -> int:
        if self.fits:
            return 0
        return math.ceil((self.used - 1) * self.page_height_pt / LINE_HEIGHT_PT)


def render_html(summary: dict[str, Any], *, screen: bool = False, asset_base: str = "") -> str:
    """The page as HTML with its stylesheet inline; `screen` adds a sheet look for the
    browser preview."""
    return _page_html(summary, screen=screen, asset_base=asset_base, inline_style=True)


def _page_html(summary: dict[str, Any], **options: Any) -> str:
    options["asset_base"] = options.get("asset_base") or ASSET_SCHEME
    return render_template("summary/page.html", s=summary, **options)


def render_template(name: str, **context: Any) -> str:
    """A template of the package's print documents (autoescaped), e.g. the summary page."""
    return _environment.get_template(name).render(**context)


def layout_html(html: str, stylesheet: str) -> Any:
    """Lay `html` out for print with the package's stylesheet template `stylesheet`.

    Every printed document of the app goes through here: the shipped fonts, the
    asset-only fetcher, one render at a time, and each stylesheet parsed once per
    process. The stylesheet comes in as a user sheet, not the document's own; it only
    overrides the browser defaults either way (no other author sheet), so the page is
    the same.
    """
    global _font_config
    with _render_lock:
        if _font_config is None:
            _font_config = FontConfiguration()
        sheet = _stylesheets.get(stylesheet)
        if sheet is None:
            css = render_template(stylesheet, asset_base=ASSET_SCHEME)
            sheet = CSS(string=css, url_fetcher=AssetFetcher(), font_config=_font_config)
            _stylesheets[stylesheet] = sheet
        return HTML(string=html, url_fetcher=AssetFetcher(), base_url=None).render(
            stylesheets=[sheet], font_config=_font_config
        )


def write_pdf(document: Any) -> bytes:
    """The PDF of a laid-out document (under the same lock as the layout)."""
    with _render_lock:
        return document.write_pdf()


def _layout(summary: dict[str, Any]) -> Any:
    """Lay the page out for print: the same HTML, its stylesheet parsed once per process."""
    return layout_html(_page_html(summary, screen=False, inline_style=False), "summary/summary.css")


def _walk(box: Any):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _walk(child)


def measure(document: Any) -> Fit:
    """Pages, where the end marker lands, and the height of each named section."""
    sections: dict[str, float] = {}
    marker_y = None
    page_top = page_height = 0.0
    for page in document.pages:
        page_box = page._page_box
        page_top = page_box.content_box_y()
        page_height = page_box.height
        for box in _walk(page_box):
            element = getattr(box, "element", None)
            if element is None or not isinstance(box, BlockBox):
                continue
            if element.get("id") == "end-marker":
                marker_y = box.position_y - page_top
            name = element.get("data-section")
            if name and box.element_tag == "div":
                sections[name] = sections.get(name, 0.0) + box.margin_height()
    if marker_y is None:
        raise RuntimeError("the summary template lost its end marker")
    longest = sorted(sections.items(), key=lambda item: -item[1])
    return Fit(
        pages=len(document.pages),
        last_page_fraction=min(1.0, max(0.0, marker_y / page_height)),
        page_height_pt=page_height * PT_PER_PX,
        sections=tuple((name, height * PT_PER_PX) for name, height in longest),
    )


def check_fit(summary: dict[str, Any]) -> Fit:
    """Lay the summary out (no PDF written) and measure it."""
    return measure(_layout(summary))


def render_pdf(summary: dict[str, Any]) -> tuple[bytes, Fit]:
    """The PDF and its measurement from one layout."""
    document = _layout(summary)
    fit = measure(document)
    return write_pdf(document), fit
