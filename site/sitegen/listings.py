"""Pure generators of the listing pages: tables of plans like government portals.

This module owns which listings exist (all plans, per year, per issuing body,
per theme), their URLs under `danh-sach/`, their pagination and their two
orders (newest first, oldest first). Each order is its own set of pages, so
sorting works without JavaScript and across pages. It must not read files or
call MkDocs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from .loader import Content
from .models import Plan
from .pages import GeneratedPage, PlanRows, page_url, render_template, theme_slug
from .settings import SiteSettings

T = TypeVar("T")

LIST_DIR = "danh-sach"
PAGE_SIZE = 100
OLDEST = "cu-nhat"


@dataclass(frozen=True)
class Listing:
    """One list of plans: where it lives, what it is called, what it holds."""

    path: str  # folder under docs/, e.g. "danh-sach/nam-2023"
    title: str
    label: str  # how the index of listings names it
    intro: str
    plans: tuple[Plan, ...]  # newest first


def _plural(count: int) -> str:
    return f"{count} văn bản"


def list_listings(content: Content) -> list[Listing]:
    """All plans, then one listing per year, per issuing body and per theme."""
    plans = content.plans  # the loader sorts newest first
    listings = [
        Listing(LIST_DIR, "Danh sách văn bản", "Tất cả", f"Tất cả {_plural(len(plans))}.", plans)
    ]
    by_year: dict[int, list[Plan]] = {}
    by_issuer: dict[str, list[Plan]] = {}
    by_theme: dict[str, tuple[str, list[Plan]]] = {}
    for p in plans:
        if p.year:
            by_year.setdefault(p.year, []).append(p)
        by_issuer.setdefault(p.issuer.key, []).append(p)
        named: dict[str, str] = {}  # each campaign once, by the first name giving its slug
        for name in p.meta.themes:
            named.setdefault(theme_slug(name), name)
        for theme, name in named.items():
            by_theme.setdefault(theme, (name, []))[1].append(p)
    for year in sorted(by_year, reverse=True):
        group = by_year[year]
        listings.append(
            Listing(
                f"{LIST_DIR}/nam-{year}",
                f"Văn bản năm {year}",
                str(year),
                f"{_plural(len(group))} ban hành năm {year}.",
                tuple(group),
            )
        )
    for key in sorted(by_issuer, key=lambda k: content.issuers[k].name):
        issuer, group = content.issuers[key], by_issuer[key]
        listings.append(
            Listing(
                f"{LIST_DIR}/co-quan/{key}",
                f"Văn bản của {issuer.name}",
                issuer.name,
                f"{_plural(len(group))} do {issuer.name} ban hành.",
                tuple(group),
            )
        )
    for theme in sorted(by_theme):
        name, group = by_theme[theme]
        listings.append(
            Listing(
                f"{LIST_DIR}/phong-trao/{theme}",
                f"Phong trào “{name}”",
                name,
                f"{_plural(len(group))} về phong trào “{name}”.",
                tuple(group),
            )
        )
    return listings


def _page_src(folder: str, newest_first: bool, number: int) -> str:
    """docs/ path of one page of a listing (URL: the same without .md / index.md)."""
    base = folder if newest_first else f"{folder}/{OLDEST}"
    return f"{base}/index.md" if number == 1 else f"{base}/trang-{number}.md"


def _href(from_src: str, to_src: str) -> str:
    rel = posixpath.relpath(page_url(to_src) or ".", page_url(from_src) or ".")
    return "./" if rel == "." else rel + "/"


def _page_links(src: str, folder: str, newest_first: bool, count: int) -> list[tuple[int, str]]:
    """Each page of a listing in one order, with its link from `src`, one of
    them. They are siblings (`_page_src`): one relative path is worked out,
    to the first, and the others follow it (a 10,000-plan listing has 200
    pages: working out every link took a third of its pages' time)."""
    first = _href(src, _page_src(folder, newest_first, 1))
    beside = "" if first == "./" else first
    return [(1, first)] + [(n, f"{beside}trang-{n}/") for n in range(2, count + 1)]


def _groups(listings: Sequence[Listing], from_src: str) -> list[tuple[str, list]]:
    heads = {
        "nam-": "Theo năm",
        "co-quan/": "Theo cơ quan ban hành",
        "phong-trao/": "Theo phong trào",
    }
    groups = []
    for prefix, heading in heads.items():
        links = [
            (
                listing.label,
                _href(from_src, _page_src(listing.path, True, 1)),
                len(listing.plans),
            )
            for listing in listings
            if listing.path.startswith(f"{LIST_DIR}/{prefix}")
        ]
        if links:
            groups.append((heading, links))
    return groups


def listing_page_makers(
    content: Content, settings: SiteSettings
) -> dict[str, tuple[tuple[object, ...], str, Callable[[], GeneratedPage]]]:
    """Every page of every listing in both orders, keyed by path under docs/:
    a key (equal keys make equal pages), its title and how to render it.

    Only the key is computed for every page; links and rows are worked out
    when a page is rendered (a preview renders few of them).
    """
    listings = list_listings(content)
    index = tuple((listing.path, listing.label, len(listing.plans)) for listing in listings)
    # Each row shows its plan's status on the build's day (a plan is in
    # several listings: worked out once).
    status = {plan.slug: plan.status(settings.today) for plan in content.plans}
    table = PlanRows(settings.today)  # each plan's row made once for every page
    makers: dict[str, tuple[tuple[object, ...], str, Callable[[], GeneratedPage]]] = {}
    for listing in listings:
        count = max(1, -(-len(listing.plans) // PAGE_SIZE))
        statuses_all = tuple([status[plan.slug] for plan in listing.plans])
        for newest_first in (True, False):
            for number in range(1, count + 1):
                src = _page_src(listing.path, newest_first, number)
                title = listing.title if count == 1 else f"{listing.title} (trang {number})"
                rows = _rows(listing.plans, newest_first, number)
                groups = index if _shows_groups(listing, number) else ()
                statuses = _rows(statuses_all, newest_first, number)
                intro = _intro(listing, number)
                key = (title, intro, groups, rows, statuses, newest_first, count, number)
                makers[src] = (
                    key,
                    title,
                    partial(
                        _render_listing,
                        settings,
                        table,
                        listings,
                        listing,
                        src,
                        newest_first,
                        number,
                    ),
                )
    return makers


def _shows_groups(listing: Listing, number: int) -> bool:
    """The links to every year, issuing body and campaign, with their counts,
    head the first page of the whole list (in either order) only: on every
    page, one more plan anywhere made all of them again."""
    return listing.path == LIST_DIR and number == 1


def _intro(listing: Listing, number: int) -> str:
    """A listing's sentence with its count, on its first page (in either
    order) only, for the same reason; later pages name the listing and the
    page in the table's caption."""
    return listing.intro if number == 1 else ""


def _rows(items: tuple[T, ...], newest_first: bool, number: int) -> tuple[T, ...]:
    """A page's share of a listing's plans (or of anything in their order)."""
    if newest_first:
        return items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    end = len(items) - (number - 1) * PAGE_SIZE
    return tuple(reversed(items[max(0, end - PAGE_SIZE) : end]))


def _render_listing(
    settings: SiteSettings,
    table: PlanRows,
    listings: list[Listing],
    listing: Listing,
    src: str,
    newest_first: bool,
    number: int,
) -> GeneratedPage:
    count = max(1, -(-len(listing.plans) // PAGE_SIZE))
    depth = src.count("/") if src.endswith("index.md") else src.count("/") + 1
    title = listing.title if count == 1 else f"{listing.title} (trang {number})"
    html = render_template(
        "listing.html",
        settings,
        table,
        intro=_intro(listing, number),
        groups=_groups(listings, src) if _shows_groups(listing, number) else [],
        base="../" * depth,
        rows=_rows(listing.plans, newest_first, number),
        caption=f"{listing.title}, trang {number}/{count}" if count > 1 else listing.title,
        newest_first=newest_first,
        other_order=_href(src, _page_src(listing.path, not newest_first, number)),
        pages=_page_links(src, listing.path, newest_first, count),
        current=number,
    )
    return GeneratedPage(title, html)


def generate_listing_pages(content: Content, settings: SiteSettings) -> dict[str, GeneratedPage]:
    """Every page of every listing in both orders, keyed by path under docs/."""
    return {src: make() for src, (_, _, make) in listing_page_makers(content, settings).items()}
