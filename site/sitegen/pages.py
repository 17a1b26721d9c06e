"""Pure generators of the site's pages: `Content` in, Markdown text out.

This module owns what each generated page says. It must not read `content/`
(it receives `Plan` objects), write files or call MkDocs: the glue does that.
Generated Markdown embeds HTML rendered by Jinja2 with autoescaping, so text
from the content can never inject markup.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from .dates import format_date, format_date_line, format_moment
from .loader import Content
from .models import Plan, Reference

PLAN_DIR = "ke-hoach"


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
    )
    env.filters["capitalize_vi"] = _capitalize_vi
    return env


def _front_matter(title: str) -> str:
    # The theme prints page titles without escaping (in <title>), so the
    # title is escaped here. JSON strings are valid YAML scalars.
    return f"---\ntitle: {json.dumps(str(escape(title)), ensure_ascii=False)}\n---\n\n"


def page_title(plan: Plan) -> str:
    number = f" {plan.meta.number}" if plan.meta.number else ""
    return f"{plan.meta.doc_type}{number}: {plan.meta.title}"


def render_plan_page(plan: Plan, content: Content, today: dt.date) -> str:
    """The Markdown of one plan's page: header, metadata, full text, signature."""
    html = (
        _env()
        .get_template("plan.html")
        .render(
            plan=plan,
            m=plan.meta,
            body=markdown_without_html(plan.body),
            status=plan.status(today),
            implementing=content.implementing(plan),
        )
    )
    return _front_matter(page_title(plan)) + html


def render_home(content: Content, today: dt.date) -> str:
    html = _env().get_template("home.html").render(plans=content.plans, today=today)
    return _front_matter("Kế hoạch thi đua") + html


def generate_pages(content: Content, today: dt.date) -> dict[str, str]:
    """Every generated page, keyed by its path under the docs folder."""
    pages = {"index.md": render_home(content, today)}
    for plan in content.plans:
        pages[f"{PLAN_DIR}/{plan.slug}.md"] = render_plan_page(plan, content, today)
    return pages
