"""Pure generators of the site's pages: `Content` in, Markdown text out.

This module owns what the plan pages, the home page, the search page and the
"follow" page say, and the Jinja environment the generators share. It must not
read `content/` (it receives `Plan` objects), write files or call MkDocs: the
glue does that. Pages are HTML rendered by Jinja2 with autoescaping, so text
from the content can never inject markup; a plan's body is Markdown rendered
by cmark (CommonMark with GFM tables, in C: Python-Markdown took 15 ms per
plan, too slow for a 10,000-plan site) after escaping raw HTML.

Statuses and countdowns are written twice: as text computed for the build's
day (what a reader without JavaScript sees) and as dates in data attributes,
from which assets/status.js recomputes them on the reader's day.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import html as html_lib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial

from cmarkgfm import _cmark, cmark
from jinja2 import BytecodeCache, Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from . import schedule
from .dates import format_date, format_date_line, format_moment
from .folding import slugify
from .loader import Content
from .models import Misprint, Plan, Reference, Status
from .settings import SiteSettings

PLAN_DIR = "ke-hoach"
HOME_WINDOW_DAYS = 60
HOME_LATEST = 10


def plan_label(plan: Plan) -> str:
    """'Kế hoạch 32/KH-LĐLĐ ngày 21/8/2023 của LĐLĐ quận Long Biên'."""
    parts = [plan.meta.doc_type]
    if plan.meta.number:
        parts.append(plan.meta.number)
    if plan.meta.issued:
        parts.append(f"ngày {format_date(plan.meta.issued)}")
    parts.append(f"của {plan.issuer.short_name}")
    return " ".join(parts)


def reference_label(ref: Reference) -> str:
    parts = []
    if ref.number:
        parts.append(f"Số {ref.number}")
    if ref.date:
        parts.append(f"ngày {format_date(ref.date)}")
    if ref.issuer:
        parts.append(f"của {ref.issuer}")
    label = " ".join(parts)
    if ref.title:
        label = f"{label}: {ref.title}" if label else ref.title
    return label


def markdown_without_html(body: str) -> str:
    """The body as Markdown in which raw HTML shows as text, never as markup."""
    return body.replace("&", "&amp;").replace("<", "&lt;")


@dataclass(frozen=True)
class TocEntry:
    """A heading of a page, for the theme's table of contents."""

    level: int
    id: str
    name: str  # HTML-escaped text
    children: list[TocEntry] = field(default_factory=list)

    def as_token(self) -> dict[str, object]:
        """The dict MkDocs' `get_toc` expects (Python-Markdown's toc_tokens)."""
        return {
            "level": self.level,
            "id": self.id,
            "name": self.name,
            "children": [c.as_token() for c in self.children],
        }


@dataclass(frozen=True)
class GeneratedPage:
    """A page: its title, its HTML (the article's content) and its headings."""

    title: str
    html: str
    toc: tuple[TocEntry, ...] = ()


_HEADING_RE = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


_GFM_EXTENSIONS = ("table", "autolink", "tagfilter", "strikethrough", "tasklist")
# cmarkgfm (2025.10.22) frees neither the document tree it parses nor the
# HTML string it renders (about 100 KB per plan, measured): a 10,000-plan
# build kept a gigabyte of them. Its module exports the C library's own
# cmark_node_free, which its Python API does not expose, and cmark allocates
# the HTML with the C library's malloc: both are freed here.
_node_free = ctypes.CDLL(_cmark.__file__).cmark_node_free
_node_free.argtypes = [ctypes.c_void_p]
_node_free.restype = None
_free = ctypes.CDLL(None).free
_free.argtypes = [ctypes.c_void_p]
_free.restype = None


def _address(pointer: object) -> int:
    return int(_cmark.ffi.cast("uintptr_t", pointer))


def gfm_to_html(text: str) -> str:
    """`cmarkgfm.github_flavored_markdown_to_html`, without its memory leak."""
    options = cmark.Options.CMARK_OPT_GITHUB_PRE_LANG
    cmark.core_extensions_ensure_registered()
    parser = cmark.parser_new(options=options)
    root = None
    try:
        for name in _GFM_EXTENSIONS:
            cmark.parser_attach_syntax_extension(parser, cmark.find_syntax_extension(name))
        cmark.parser_feed(parser, text)
        root = cmark.parser_finish(parser)
        extensions = cmark.parser_get_syntax_extensions(parser)
        html = _cmark.lib.cmark_render_html(root, options, extensions)
        try:
            return _cmark.ffi.string(html).decode("utf-8")
        finally:
            _free(_address(html))
    finally:
        if root is not None:
            _node_free(_address(root))
        cmark.parser_free(parser)


def render_body(body: str) -> tuple[Markup, tuple[TocEntry, ...]]:
    """A plan body as HTML with heading ids, and its table of contents.

    Raw HTML in the body is escaped first, and cmark's safe mode would drop
    any that remained: the output holds only markup cmark itself produced.
    """
    rendered = gfm_to_html(markdown_without_html(body))
    seen: dict[str, int] = {}
    roots: list[TocEntry] = []
    stack: list[TocEntry] = []

    def add_id(match: re.Match[str]) -> str:
        level, inner = int(match[1]), match[2]
        name = _TAG_RE.sub("", inner).strip()
        base = _heading_slug(name)
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchor = base if count == 0 else f"{base}_{count}"
        entry = TocEntry(level, anchor, name)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else roots).append(entry)
        stack.append(entry)
        return f'<h{level} id="{anchor}">{inner}</h{level}>'

    html = _HEADING_RE.sub(add_id, rendered)
    return Markup(html), tuple(roots)


@lru_cache(maxsize=4096)
def _heading_slug(name: str) -> str:
    """A heading's id before numbering; plans share many headings ("I. MỤC
    ĐÍCH, YÊU CẦU"), and folding was a twentieth of a plan page."""
    return slugify(html_lib.unescape(name)) or "muc"


@lru_cache(maxsize=4096)
def theme_slug(theme: str) -> str:
    """A campaign's slug (its listing's folder): a site has few campaigns
    and many plans naming them."""
    return slugify(theme)


_TAG_SPLIT_RE = re.compile(r"(<[^>]*>)")


def misprint_note(misprint: Misprint) -> str:
    """The reader's note beside a misprint kept as printed."""
    if misprint.correct:
        return f"[nguyên văn; đúng là: {misprint.correct}]"
    return "[nguyên văn]"


def annotate_misprints(html: Markup, misprints: tuple[Misprint, ...]) -> Markup:
    """Mark each misprint in the rendered body as "nguyên văn", its text unchanged.

    Only text between tags is touched, so attributes (links) keep their values.
    """
    if not misprints:
        return html
    wanted = {str(escape(m.text)): m for m in misprints}
    pattern = re.compile("|".join(re.escape(t) for t in sorted(wanted, key=len, reverse=True)))

    def mark(found: re.Match[str]) -> str:
        note = escape(misprint_note(wanted[found[0]]))
        return f'<span class="sg-sic">{found[0]}</span><small class="sg-sic-note"> {note}</small>'

    parts = _TAG_SPLIT_RE.split(str(html))
    for i in range(0, len(parts), 2):  # even items are text, odd ones tags
        parts[i] = pattern.sub(mark, parts[i])
    return Markup("".join(parts))


# The administrative unit and its name at the end of a body's name ("quận Ba Đình",
# "tỉnh Lai Châu", "thành phố Hà Nội"): one unit, never broken across lines.
_PLACE_RE = re.compile(
    r"(?<!\w)((?:thành phố|thị xã|thị trấn|quận|huyện|tỉnh|phường|xã|tp\.)\s+\S.*)$",
    re.IGNORECASE,
)


def keep_place_together(name: str) -> Markup:
    """The name, escaped, with its trailing place name in a no-wrap span."""
    found = _PLACE_RE.search(name)
    if not found:
        return escape(name)
    head, place = name[: found.start()], found[1]
    return Markup('{}<span class="vb-nowrap">{}</span>').format(head, place)


# A tag of cmark's output (it escapes every "<" and ">" of the text and of
# attribute values, and writes no raw HTML here: see `render_body`).
_TAG_AT_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^>]*>")
_VOID_TAGS = {"br", "hr", "img", "input", "meta", "link", "wbr"}


def split_last_block(html: Markup) -> tuple[Markup, Markup]:
    """The body without its last top-level block, and that block.

    The print keeps the last block with the signature, so that "Nơi nhận" and
    the signature never stand alone on the last page.
    """
    text = str(html)
    depth = 0
    starts: list[int] = []
    for tag in _TAG_AT_RE.finditer(text):
        if tag[1]:
            depth -= 1
            continue
        if depth == 0:
            starts.append(tag.start())
        if tag[2].lower() not in _VOID_TAGS:
            depth += 1
    if len(starts) < 2:
        return Markup(""), html
    return Markup(text[: starts[-1]]), Markup(text[starts[-1] :])


def _capitalize_vi(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


def keep_compiled_templates(cache: BytecodeCache | None) -> None:
    """Let sitegen's templates be compiled once for several builds (the
    cached build keeps them with its state)."""
    _env().bytecode_cache = cache


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("sitegen", "templates"),
        autoescape=select_autoescape(["html"]),
        # The templates are the package's: not checked for changes at each
        # page (0.06 ms of a plan page).
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        date_line=format_date_line,
        fmt_date=format_date,
        fmt_moment=format_moment,
        ref_label=reference_label,
        misprint_note=misprint_note,
        plan_label=plan_label,
        theme_slug=theme_slug,
    )
    env.filters["capitalize_vi"] = _capitalize_vi
    env.filters["keep_place"] = keep_place_together
    return env


def status_badge(start: dt.date | None, end: dt.date | None, today: dt.date) -> Markup:
    """A plan's status on `today`, with its dates for assets/status.js to
    recompute it on the reader's day. (A function, not a template macro:
    listings show it in every row, and macro calls were a tenth of a build.)"""
    if not (start and end):
        return Markup('<span class="sg-status sg-status--unknown">Chưa rõ thời gian</span>')
    status = schedule.status_on(start, end, today)
    # An f-string of escaped parts: Markup.format took 0.1 ms a row.
    return Markup(
        f'<span class="sg-status sg-status--{escape(status.value)}" data-sg-status '
        f'data-start="{start.isoformat()}" data-end="{end.isoformat()}">'
        f"{escape(status.label)}</span>"
    )


class PlanRows:
    """The rows of tables of plans (`_macros.html`'s plan_table) on the
    build's day, for pages under `base` (the way back to the site's root).

    Python, not a template loop: the loop took half a millisecond a plan.
    Each plan's row is made once and kept, but for the link's `base`: a
    10,000-plan site shows each plan in about eight listing pages (its
    year, issuing body, campaigns and all plans, in both orders).
    """

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.made: dict[int, tuple[Plan, str, str]] = {}  # by id: the plan, before and after base

    def __call__(self, plans: Iterable[Plan], base: str) -> Markup:
        made, out, base = self.made, [], str(escape(base))
        for p in plans:
            known = made.get(id(p))
            if known is None or known[0] is not p:
                known = made[id(p)] = (p, *self._parts(p))
            out += (known[1], base, known[2])
        return Markup("".join(out))

    def _parts(self, p: Plan) -> tuple[str, str]:
        m = p.meta
        issued = (
            f'<time datetime="{m.issued.isoformat()}">{format_date(m.issued)}</time>'
            if m.issued
            else "—"
        )
        start, end = (m.period.start, m.period.end) if m.period else (None, None)
        badge = status_badge(start, end, self.today)
        return (
            f'<tr>\n<td>{escape(m.number or "—")}</td>\n<td>{issued}</td>\n<td><a href="',
            f'{PLAN_DIR}/{escape(p.slug)}/">{escape(m.title)}</a></td>\n'
            f"<td>{escape(p.issuer.short_name)}</td>\n<td>{badge}</td>\n</tr>",
        )


def render_template(
    name: str, settings: SiteSettings, plan_rows: PlanRows | None = None, **values: object
) -> str:
    """Render one template with the helpers that depend on the build's moment
    (`plan_rows`: the rows made so far, shared by the pages of a build)."""
    now = settings.now
    today = settings.today
    return (
        _env()
        .get_template(name)
        .render(
            settings=settings,
            status_badge=lambda start, end: status_badge(start, end, today),
            plan_rows=plan_rows if plan_rows is not None else PlanRows(today),
            countdown_label=lambda closes_at: schedule.countdown_label(closes_at, now),
            is_open=lambda closes_at: now < closes_at,
            within=lambda closes_at: schedule.is_within(closes_at, now, HOME_WINDOW_DAYS),
            **values,
        )
    )


def page_title(plan: Plan) -> str:
    number = f" {plan.meta.number}" if plan.meta.number else ""
    return f"{plan.meta.doc_type}{number}: {plan.meta.title}"


def sort_key(plan: Plan) -> str:
    """The date search results are sorted by: issued, else the year's first day."""
    if plan.meta.issued:
        return plan.meta.issued.isoformat()
    return f"{plan.year:04d}-01-01" if plan.year else "0000-01-01"


def render_plan_page(
    plan: Plan,
    content: Content,
    settings: SiteSettings,
    implementing: tuple[Plan, ...] | None = None,
    related: tuple[tuple[Plan, str], ...] | None = None,
) -> GeneratedPage:
    """The Markdown of one plan's page: header, metadata, full text, signature."""
    m = plan.meta
    body, toc = render_body(plan.body)
    body_before, body_last = split_last_block(annotate_misprints(body, m.misprints))
    html = render_template(
        "plan.html",
        settings,
        plan=plan,
        m=m,
        base="../../",
        title=page_title(plan),
        body_before=body_before,
        body_last=body_last,
        status=plan.status(settings.today),
        implementing=content.implementing(plan) if implementing is None else implementing,
        open_calls=[n for n in m.nominations if n.deadline is not None],
        any_open=any(n.is_open(settings.now) for n in m.nominations),
        related=content.related_to(plan) if related is None else related,
        number_misprint=next((x for x in m.misprints if x.text == m.number), None),
    )
    return GeneratedPage(page_title(plan), html, toc)


def plan_clock(plan: Plan, settings: SiteSettings) -> tuple[object, ...]:
    """What a plan's page shows that depends on the build's moment (its
    status, and for each call whether it is open and how many days are
    left): with the same plan, equal clocks make equal pages, so a later
    build renders again only the pages whose clock moved."""
    now = settings.now
    return (
        plan.status(settings.today),
        tuple(
            schedule.countdown_label(n.deadline.closes_at, now) if n.deadline else None
            for n in plan.meta.nominations
        ),
    )


def _has_due_after(plan: Plan, now: dt.datetime) -> bool:
    """Whether a deadline or a nomination deadline of `plan` closes at or after `now`."""
    m = plan.meta
    return any(d.due.closes_at >= now for d in m.deadlines) or any(
        n.deadline.closes_at >= now for n in m.nominations if n.deadline is not None
    )


def render_home(content: Content, settings: SiteSettings) -> GeneratedPage:
    """Home: campaigns in progress, open calls, near deadlines, latest plans.

    Every item that can still become current is in the HTML (hidden when it
    is not current on the build's day), so the browser can show the right
    ones on the reader's day without a rebuild.
    """
    now, today = settings.now, settings.today
    ongoing = [p for p in content.plans if p.meta.period is not None and p.meta.period.end >= today]
    ongoing.sort(key=lambda p: (p.meta.period.start, p.slug))
    calls = [
        (p, n)
        for p in content.plans
        for n in p.meta.nominations
        if n.deadline is not None and n.deadline.closes_at > now
    ]
    calls.sort(key=lambda pn: (pn[1].deadline.closes_at, pn[0].slug))
    due = [
        item
        for p in content.plans
        if _has_due_after(p, now)  # most plans are past: skip making their items
        for item in schedule.list_items(p)
        if item.due is not None and item.due.closes_at > now
    ]
    due.sort(key=lambda item: (item.due.closes_at, item.key))
    html = render_template(
        "home.html",
        settings,
        plans=content.plans,
        ongoing=ongoing,
        ongoing_now=any(p.status(today) == Status.ONGOING for p in ongoing),
        calls=calls,
        calls_now=bool(calls),
        due=due,
        due_now=any(schedule.is_within(i.due.closes_at, now, HOME_WINDOW_DAYS) for i in due),
        window=HOME_WINDOW_DAYS,
        latest=content.plans[:HOME_LATEST],
    )
    return GeneratedPage("Kế hoạch thi đua", html)


SEARCH_FILTERS = (("nam", "Năm"), ("co_quan", "Cơ quan ban hành"), ("loai", "Loại văn bản"))


def render_search_page(content: Content, settings: SiteSettings) -> GeneratedPage:
    """The search page: query box, filters (values known at build time), sort."""
    plans = content.plans
    years = sorted({str(p.year) for p in plans if p.year}, reverse=True)
    issuers = sorted({p.issuer.short_name for p in plans})
    types = sorted({p.meta.doc_type for p in plans})
    # Computed on the reader's day (assets/search.js): every status that a
    # plan can have on some day is offered.
    dated = any(p.meta.period for p in plans)
    undated = any(p.meta.period is None for p in plans)
    statuses = [
        s.label
        for s in Status
        if (s == Status.UNKNOWN and undated) or (s != Status.UNKNOWN and dated)
    ]
    filters = [
        ("nam", "Năm", years),
        ("co_quan", "Cơ quan ban hành", issuers),
        ("loai", "Loại văn bản", types),
        ("tinh_trang", "Tình trạng", statuses),
    ]
    html = render_template("search.html", settings, filters=filters)
    return GeneratedPage("Tìm kiếm văn bản", html)


def render_follow_page(settings: SiteSettings) -> GeneratedPage:
    return GeneratedPage("Theo dõi và lịch", render_template("follow.html", settings))


def page_url(src: str) -> str:
    """A page's URL relative to the site's root, as MkDocs serves it with
    directory URLs: "index.md" is "", "a/index.md" and "a.md" are "a/"."""
    if src == "index.md":
        return ""
    if src.endswith("/index.md"):
        return src[: -len("index.md")]
    return src[: -len(".md")] + "/"


def plan_page_makers(
    content: Content, settings: SiteSettings
) -> dict[str, tuple[tuple[object, ...], str, Callable[[], GeneratedPage]]]:
    """Each plan page's path, a key (equal keys make equal pages), its title
    and a function that renders it when called.

    A large site renders its plan pages one at a time, each just before it is
    written, so that their HTML is never all in memory at once.
    """
    # Who implements whom and who relates to whom, in one pass (Content's
    # `implementing` and `related_to` scan every plan: per page, that made a
    # build's time grow with the square of the number of plans).
    implementing: dict[str, list[Plan]] = {}
    related_from: dict[str, list[tuple[Plan, str]]] = {}
    for plan in content.plans:
        for ref in plan.meta.implements:
            found = implementing.setdefault(ref.plan, []) if ref.plan else None
            if found is not None and (not found or found[-1].slug != plan.slug):
                found.append(plan)
        for rel in plan.meta.related:
            related_from.setdefault(rel.plan, []).append((plan, rel.relation))
    makers = {}
    for plan in content.plans:
        slug = plan.slug
        found = tuple(implementing[slug]) if slug in implementing else ()
        backward = related_from.get(slug, ())
        related = _related(plan, content, backward) if backward or plan.meta.related else ()
        makers[f"{PLAN_DIR}/{slug}.md"] = (
            (plan, found, related, plan_clock(plan, settings)),
            page_title(plan),
            partial(render_plan_page, plan, content, settings, found, related),
        )
    return makers


def _related(
    plan: Plan, content: Content, backward: Iterable[tuple[Plan, str]]
) -> tuple[tuple[Plan, str], ...]:
    """`Content.related_to(plan)` from the plans naming it (`backward`, in site order)."""
    named = {r.plan for r in plan.meta.related}
    out = [(content.by_slug[r.plan], r.relation) for r in plan.meta.related]
    out += [(p, relation) for p, relation in backward if p.slug not in named]
    return tuple(out)


def generate_site_pages(content: Content, settings: SiteSettings) -> dict[str, GeneratedPage]:
    """Home, search and follow pages, keyed by their path under docs/."""
    return {
        "index.md": render_home(content, settings),
        "tim-kiem/index.md": render_search_page(content, settings),
        "theo-doi/index.md": render_follow_page(settings),
    }


def generate_pages(content: Content, settings: SiteSettings) -> dict[str, GeneratedPage]:
    """Home, search, follow and plan pages, keyed by their path under docs/."""
    pages = generate_site_pages(content, settings)
    for src, (_, _, make) in plan_page_makers(content, settings).items():
        pages[src] = make()
    return pages
