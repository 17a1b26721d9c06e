"""Pure generators of the site's pages: `Content` in, Markdown text out.

This module owns what the plan pages, the home page, the search page and the
"follow" page say, and the Jinja environment the generators share. It must not
read `content/` (it receives `Plan` objects), write files or call MkDocs: the
glue does that. Generated Markdown embeds HTML rendered by Jinja2 with
autoescaping, so text from the content can never inject markup.

Statuses and countdowns are written twice: as text computed for the build's
day (what a reader without JavaScript sees) and as dates in data attributes,
from which assets/status.js recomputes them on the reader's day.
"""

from __future__ import annotations

import json
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from . import schedule
from .dates import format_date, format_date_line, format_moment
from .folding import fold_d_words, slugify
from .loader import Content
from .models import Plan, Reference, Status
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


def markdown_without_html(body: str) -> Markup:
    """The body as Markdown in which raw HTML shows as text, never as markup."""
    return Markup(body.replace("&", "&amp;").replace("<", "&lt;"))


def _capitalize_vi(text: str) -> str:
    return text[:1].upper() + text[1:].lower()


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("sitegen", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        date_line=format_date_line,
        fmt_date=format_date,
        fmt_moment=format_moment,
        ref_label=reference_label,
        plan_label=plan_label,
        slugify=slugify,
    )
    env.filters["capitalize_vi"] = _capitalize_vi
    return env


def render_template(name: str, settings: SiteSettings, **values: object) -> str:
    """Render one template with the helpers that depend on the build's moment."""
    now = settings.now
    return (
        _env()
        .get_template(name)
        .render(
            settings=settings,
            status_on=lambda start, end: schedule.status_on(start, end, settings.today),
            countdown_label=lambda closes_at: schedule.countdown_label(closes_at, now),
            is_open=lambda closes_at: now <= closes_at,
            within=lambda closes_at: schedule.is_within(closes_at, now, HOME_WINDOW_DAYS),
            **values,
        )
    )


def front_matter(title: str, **flags: bool) -> str:
    """YAML front matter with an escaped title and our own boolean flags.

    The theme prints page titles without escaping (in <title>), so the title
    is escaped here. JSON strings are valid YAML scalars. Flags (such as
    `sg_search`, which marks the pages the search index covers) are read by
    the theme overrides.
    """
    lines = [f"title: {json.dumps(str(escape(title)), ensure_ascii=False)}"]
    lines += [f"{key}: {'true' if value else 'false'}" for key, value in sorted(flags.items())]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def page_title(plan: Plan) -> str:
    number = f" {plan.meta.number}" if plan.meta.number else ""
    return f"{plan.meta.doc_type}{number}: {plan.meta.title}"


def sort_key(plan: Plan) -> str:
    """The date search results are sorted by: issued, else the year's first day."""
    if plan.meta.issued:
        return plan.meta.issued.isoformat()
    return f"{plan.year:04d}-01-01" if plan.year else "0000-01-01"


def render_plan_page(plan: Plan, content: Content, settings: SiteSettings) -> str:
    """The Markdown of one plan's page: header, metadata, full text, signature."""
    m = plan.meta
    searchable = " ".join([m.title, plan.issuer.name, plan.issuer.short_name, *m.themes, plan.body])
    html = render_template(
        "plan.html",
        settings,
        plan=plan,
        m=m,
        base="../../",
        title=page_title(plan),
        body=markdown_without_html(plan.body),
        status=plan.status(settings.today),
        implementing=content.implementing(plan),
        open_calls=[n for n in m.nominations if n.deadline is not None],
        folded=fold_d_words(searchable),
        sort_date=sort_key(plan),
    )
    return front_matter(page_title(plan), sg_search=True) + html


def render_home(content: Content, settings: SiteSettings) -> str:
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
        if n.deadline is not None and n.deadline.closes_at >= now
    ]
    calls.sort(key=lambda pn: (pn[1].deadline.closes_at, pn[0].slug))
    due = [
        item
        for p in content.plans
        for item in schedule.list_items(p)
        if item.due is not None and item.due.closes_at >= now
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
    return front_matter("Kế hoạch thi đua") + html


SEARCH_FILTERS = (("nam", "Năm"), ("co_quan", "Cơ quan ban hành"), ("loai", "Loại văn bản"))


def render_search_page(content: Content, settings: SiteSettings) -> str:
    """The search page: query box, filters (values known at build time), sort."""
    plans = content.plans
    years = sorted({str(p.year) for p in plans if p.year}, reverse=True)
    issuers = sorted({p.issuer.short_name for p in plans})
    types = sorted({p.meta.doc_type for p in plans})
    statuses = [s.label for s in Status if any(p.status(settings.today) == s for p in plans)]
    filters = [
        ("nam", "Năm", years),
        ("co_quan", "Cơ quan ban hành", issuers),
        ("loai", "Loại văn bản", types),
        ("tinh_trang", "Tình trạng", statuses),
    ]
    html = render_template("search.html", settings, filters=filters)
    return front_matter("Tìm kiếm văn bản") + html


def render_follow_page(settings: SiteSettings) -> str:
    return front_matter("Theo dõi và lịch") + render_template("follow.html", settings)


def generate_pages(content: Content, settings: SiteSettings) -> dict[str, str]:
    """Home, search, follow and plan pages, keyed by their path under docs/."""
    pages = {
        "index.md": render_home(content, settings),
        "tim-kiem/index.md": render_search_page(content, settings),
        "theo-doi/index.md": render_follow_page(settings),
    }
    for plan in content.plans:
        pages[f"{PLAN_DIR}/{plan.slug}.md"] = render_plan_page(plan, content, settings)
    return pages
