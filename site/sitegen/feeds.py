"""Pure generator of the Atom feed of plans (RFC 4287), newest first.

This module owns the feed's content (each plan's label, title and deadlines in
the plan's words) and its stable identifiers (the plan pages' absolute URLs).
It builds XML with ElementTree, so every text is escaped. It must not write
files: it returns bytes for the glue to add.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .dates import format_deadline
from .ical import revised
from .loader import Content
from .pages import PLAN_DIR, page_title, plan_label
from .schedule import list_items
from .settings import SiteSettings

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_PATH = "ke-hoach.xml"
FEED_SIZE = 50


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def generate_atom(content: Content, settings: SiteSettings) -> bytes:
    """The latest FEED_SIZE plans by date of issue, newest first."""
    ET.register_namespace("", ATOM_NS)
    base = settings.site_url
    plans = content.plans[:FEED_SIZE]  # the loader sorts newest first
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "vi"})
    _sub(feed, "id", base + FEED_PATH)
    _sub(feed, "title", "Kế hoạch thi đua Công đoàn")
    _sub(feed, "subtitle", "Kế hoạch, phong trào thi đua mới ban hành")
    newest = max(map(revised, plans)) if plans else settings.now
    _sub(feed, "updated", newest.isoformat(timespec="seconds"))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + FEED_PATH)
    _sub(feed, "link", rel="alternate", type="text/html", href=base)
    author = _sub(feed, "author")
    _sub(author, "name", "Thi đua Công đoàn")
    for plan in plans:
        url = f"{base}{PLAN_DIR}/{plan.slug}/"
        entry = _sub(feed, "entry")
        _sub(entry, "id", url)
        _sub(entry, "title", page_title(plan))
        _sub(entry, "updated", revised(plan).isoformat(timespec="seconds"))
        if plan.meta.issued:
            _sub(entry, "published", revised(plan).isoformat(timespec="seconds"))
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", plan.issuer.name)
        for theme in plan.meta.themes:
            _sub(entry, "category", term=theme)
        # Deadlines in the plan's own words beside their meaning, as on the page.
        due = [
            f"{item.summary} – {format_deadline(item.due)}"
            for item in list_items(plan)
            if item.due is not None
        ]
        _sub(entry, "summary", "\n".join([f"{plan_label(plan)}: {plan.meta.title}", *due]))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
