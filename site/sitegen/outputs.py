"""Everything the site is made of, as outputs that can be compared between builds.

This module owns the list of generated outputs (pages and other files), each
with a key: two builds whose outputs have equal keys, under equal settings,
produce the same file, so an incremental build (the editors' preview) renders
and writes only the outputs whose key changed. Plan pages, listing pages and
per-plan calendars are keyed by the plans they show (a plan object is reused
by the loader's cache while its file is unchanged); the few site-wide outputs
(home, search, follow pages, feed, site calendar) are made at once and keyed
by their own content. It must not render through MkDocs or write files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .feeds import FEED_PATH, generate_atom
from .ical import ALL_FILE, CAL_DIR, generate_plan_calendar, generate_site_calendar, plan_events
from .listings import listing_page_makers
from .loader import Content
from .models import Plan
from .pages import GeneratedPage, generate_site_pages, page_url, plan_page_makers
from .settings import SiteSettings
from .sitemap import SITEMAP_PATH, generate_part, generate_sitemap, part_path, split


class DuplicateOutput(ValueError):
    """Two generators made the same path."""


@dataclass(frozen=True)
class Output:
    """One generated file: a page (path ending in .md, with a title) or bytes."""

    key: object
    make: Callable[[], GeneratedPage | bytes]
    title: str | None = None  # pages only

    @property
    def is_page(self) -> bool:
        return self.title is not None


def _same(value: GeneratedPage | bytes) -> GeneratedPage | bytes:
    return value


def _ready(value: GeneratedPage | bytes) -> Output:
    title = value.title if isinstance(value, GeneratedPage) else None
    return Output(value, partial(_same, value), title)


class EventCache:
    """Each plan's calendar events, made once while the plan object lives on
    (the site calendar holds every plan's: 10,000 plans took seconds).

    With `uses`, a plan's events are forgotten once asked for that many
    times: a build asks twice (the site calendar, then the plan's own) and
    need not hold them all to its end; the preview keeps them (`uses=None`).
    """

    def __init__(
        self, uses: int | None = None, recall: Callable[[Plan], bytes | None] | None = None
    ) -> None:
        self._made: dict[int, tuple[Plan, SiteSettings, bytes]] = {}
        self._asked: dict[int, int] = {}
        self.uses = uses
        # A plan's events as a previous build wrote them, when it can tell
        # (an incremental build: read back from the plan's calendar file).
        self.recall = recall

    def events(self, plan: Plan, settings: SiteSettings) -> bytes:
        key = id(plan)
        known = self._made.get(key)
        if known is not None and known[0] is plan and known[1] == settings:
            made = known[2]
        else:
            recalled = self.recall(plan) if self.recall is not None else None
            made = recalled if recalled is not None else plan_events(plan, settings)
            self._made[key] = (plan, settings, made)
            self._asked[key] = 0
        if self.uses is not None:
            self._asked[key] += 1
            if self._asked[key] >= self.uses:
                del self._made[key], self._asked[key]
        return made

    def __len__(self) -> int:
        """How many plans' events are held."""
        return len(self._made)

    def keep_only(self, plans: tuple[Plan, ...]) -> None:
        alive = {id(plan) for plan in plans}
        for gone in [key for key in self._made if key not in alive]:
            del self._made[gone]
            self._asked.pop(gone, None)


def _plan_calendar(plan: Plan, settings: SiteSettings, cache: EventCache) -> bytes:
    return generate_plan_calendar(plan, settings, cache.events(plan, settings))


def site_outputs(
    content: Content, settings: SiteSettings, cache: EventCache | None = None
) -> dict[str, Output]:
    """Every output of the site by its path under docs/; a path made twice is an error.

    `cache` keeps the plans' calendar events from one call to the next.
    """
    if cache is None:
        cache = EventCache()
    cache.keep_only(content.plans)
    parts: list[dict[str, Output]] = [
        {src: _ready(page) for src, page in generate_site_pages(content, settings).items()},
        {
            src: Output(key, make, title)
            for src, (key, title, make) in listing_page_makers(content, settings).items()
        },
        {
            src: Output(key, make, title)
            for src, (key, title, make) in plan_page_makers(content, settings).items()
        },
        {
            FEED_PATH: _ready(generate_atom(content, settings)),
            # Made when written (it holds every plan's events); the same
            # plans, in the same order, make the same calendar.
            ALL_FILE: Output(
                content.plans, partial(generate_site_calendar, content, settings, cache.events)
            ),
        },
        {
            f"{CAL_DIR}/{plan.slug}.ics": Output(
                plan, partial(_plan_calendar, plan, settings, cache)
            )
            for plan in content.plans
        },
    ]
    outputs: dict[str, Output] = {}
    for part in parts:
        for path, output in part.items():
            if path in outputs:
                raise DuplicateOutput(f"Tệp {path} được tạo hai lần.")
            outputs[path] = output
    outputs.update(_sitemap_outputs(outputs, settings))
    return outputs


def _sitemap_outputs(pages: dict[str, Output], settings: SiteSettings) -> dict[str, Output]:
    """The sitemap of `pages`, each file keyed by what it lists (made again
    only when a page comes or goes)."""
    urls = tuple(settings.site_url + page_url(src) for src, out in pages.items() if out.is_page)
    parts = split(urls)
    index = urls if len(parts) == 1 else len(parts)
    made = {SITEMAP_PATH: Output(index, partial(generate_sitemap, urls, settings.site_url))}
    if len(parts) > 1:
        for number, part in enumerate(parts, 1):
            made[part_path(number)] = Output(part, partial(generate_part, part))
    return made


def _differ(before: Output, after: Output) -> bool:
    # Unchanged plans are the same objects: `is` answers without comparing fields.
    return before.key is not after.key and before.key != after.key


def changed_outputs(
    before: dict[str, Output], after: dict[str, Output]
) -> tuple[list[str], list[str]]:
    """The paths to make again (new or with another key) and the paths gone."""
    changed = [src for src, out in after.items() if src not in before or _differ(before[src], out)]
    removed = [src for src in before if src not in after]
    return changed, removed
