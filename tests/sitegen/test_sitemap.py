"""The sitemap: every page's address once, nothing else; split past 50,000."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SITE_SETTINGS
from paths import CONTENT
from sitegen import sitemap
from sitegen.build import build_site

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = SITE_SETTINGS["SITEGEN_SITE_URL"]


def page_addresses(site: Path) -> list[str]:
    """The address of every page the build wrote (a folder's index.html)."""
    pages = [p.parent.relative_to(site) for p in site.rglob("index.html")]
    return sorted(BASE if str(p) == "." else f"{BASE}{p}/" for p in pages)


def locs(data: bytes, tag: str) -> list[str]:
    root = ET.fromstring(data)
    return [loc.text or "" for loc in root.findall(f"s:{tag}/s:loc", NS)]


def test_sitemap_lists_every_page_once_and_nothing_else(tmp_path: Path, settings) -> None:
    build_site(CONTENT, tmp_path / "site")
    listed = locs((tmp_path / "site" / "sitemap.xml").read_bytes(), "url")
    assert len(listed) == len(set(listed))
    assert sorted(listed) == page_addresses(tmp_path / "site")
    assert f"{BASE}ke-hoach/ldld-long-bien-32-kh-2023/" in listed
    # MkDocs' own sitemap and its gzip copy are not made.
    assert not (tmp_path / "site" / "sitemap.xml.gz").exists()


def test_large_site_sitemap_is_an_index_of_parts(
    tmp_path: Path, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the protocol's limit of addresses per file (50,000: a limit of 7
    here), sitemap.xml names its parts, which list every page once."""
    monkeypatch.setattr(sitemap, "PART_SIZE", 7)
    site = tmp_path / "site"
    build_site(CONTENT, site)
    parts = locs((site / "sitemap.xml").read_bytes(), "sitemap")
    expected = page_addresses(site)
    assert len(parts) == -(-len(expected) // 7) > 1
    listed = []
    for number, address in enumerate(parts, 1):
        assert address == f"{BASE}sitemap-{number}.xml"
        part = locs((site / f"sitemap-{number}.xml").read_bytes(), "url")
        assert 0 < len(part) <= 7
        listed += part
    assert sorted(listed) == expected


def test_addresses_are_escaped() -> None:
    data = sitemap.generate_part(["https://a.example/?x=1&y=<2>"])
    assert b"x=1&amp;y=&lt;2&gt;" in data
    assert locs(data, "url") == ["https://a.example/?x=1&y=<2>"]
