"""The site's sitemap (sitemaps.org protocol 0.9): the address of every page.

This module owns `sitemap.xml`. MkDocs' own (a theme template) is switched off
(`mkdocs_glue.configure`): it is made from every page's MkDocs objects, which
an incremental build does not create for the pages it leaves as they are, and
it gave every page the build's date as its last change, which said nothing.
This one is made from the pages' paths only, so a build makes it again when a
page is added or removed, and lists no date. A sitemap holds at most 50,000
addresses: a larger site gets `sitemap.xml` as an index of numbered parts.

It must not write files: it returns bytes for the glue to add.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

SITEMAP_PATH = "sitemap.xml"
PART_SIZE = 50_000  # the protocol's limit of addresses per file
_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def part_path(number: int) -> str:
    """The path of the sitemap's part `number` (1-based) on a large site."""
    return f"sitemap-{number}.xml"


def split(urls: Sequence[str]) -> list[Sequence[str]]:
    """The addresses as the sitemap's parts (one, for a site of up to PART_SIZE pages)."""
    return [urls[i : i + PART_SIZE] for i in range(0, len(urls), PART_SIZE)] or [urls]


def generate_sitemap(urls: Sequence[str], site_url: str) -> bytes:
    """`sitemap.xml`: the pages' absolute addresses, or, past PART_SIZE, the
    index of the parts (`generate_part`, at `part_path`)."""
    parts = split(urls)
    if len(parts) == 1:
        return generate_part(urls)
    lines = [f'<sitemapindex xmlns="{_NS}">']
    lines += [
        f"  <sitemap><loc>{escape(site_url + part_path(n))}</loc></sitemap>"
        for n in range(1, len(parts) + 1)
    ]
    return _document([*lines, "</sitemapindex>"])


def generate_part(urls: Sequence[str]) -> bytes:
    """A sitemap listing these addresses (at most PART_SIZE)."""
    lines = [f'<urlset xmlns="{_NS}">']
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls]
    return _document([*lines, "</urlset>"])


def _document(lines: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(lines) + "\n").encode()
