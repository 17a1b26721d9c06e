"""Integration: the five seeds built into a real site with MkDocs."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from paths import CONTENT, SEEDS
from sitegen.build import build_site
from sitegen.loader import load_content

SEED_PAGES = {
    "000_2198d73621e1ecc5.txt": "ldld-long-bien-32-kh-2023",
    "001_9ed083dc796b335e.txt": "ldld-ba-dinh-63-kh-2021",
    "002_844fec8e57038f98.txt": "ldld-lai-chau-141-kh-2020",
    "003_5e656348cf81aac3.txt": "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020",
    "004_4c380f7955e0b3c1.txt": "hdtdkt-long-bien-32-kh-2021",
}


# Tags that do not separate words: `"<em>Mừng` reads as one word.
INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup", "time"}


class _ArticleText(HTMLParser):
    """Text of the page's article, without the metadata panel (`aside`)."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <article>
        self.skip = 0  # inside <aside>
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif self.depth and tag == "aside":
            self.skip += 1
        if self.depth and tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif self.depth and tag == "aside":
            self.skip -= 1
        if self.depth and tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)


def page_words(html: str) -> list[str]:
    parser = _ArticleText()
    parser.feed(html)
    return "".join(parser.parts).split()


def seed_words(text: str) -> list[str]:
    """Words of a seed with Markdown markup removed (list markers, emphasis, links)."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url) -> text
    text = re.sub(r"^\s*(?:[-+]|#+)\s+", "", text, flags=re.MULTILINE)  # list / heading marks
    text = text.replace("\\", "").replace("*", "").replace("#", "")
    return text.split()


def missing_in_order(needles: list[str], haystack: list[str]) -> list[tuple[int, str]]:
    """Seed words not found in order in the page (greedy subsequence match)."""
    missing, position = [], 0
    for i, word in enumerate(needles):
        try:
            position = haystack.index(word, position) + 1
        except ValueError:
            missing.append((i, word))
    return missing


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site(CONTENT, out)
    return out


def test_seed_content_is_valid():
    content = load_content(CONTENT)
    assert sorted(p.slug for p in content.plans) == sorted(SEED_PAGES.values())


@pytest.mark.parametrize("seed, slug", sorted(SEED_PAGES.items()))
def test_build_seed_page_contains_every_word_of_seed(built, seed, slug):
    html = (built / "ke-hoach" / slug / "index.html").read_text(encoding="utf-8")
    words = seed_words((SEEDS / seed).read_text(encoding="utf-8"))
    assert len(words) > 1000
    assert missing_in_order(words, page_words(html)) == []


def test_build_home_lists_every_plan(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    for slug in SEED_PAGES.values():
        assert f'href="ke-hoach/{slug}/"' in html
    assert "63 /KH-LĐLD" in html
    assert html.count("<tr>") == 1 + len(SEED_PAGES)


def test_build_plan_page_metadata(built):
    html = (built / "ke-hoach" / "ldld-long-bien-32-kh-2023" / "index.html").read_text("utf-8")
    assert '<p class="vb-number">Số: 32/KH-LĐLĐ</p>' in html
    assert '<p class="vb-dateline">Long Biên, ngày 21 tháng 8 năm 2023</p>' in html
    assert '<p class="vb-parent">LĐLĐ THÀNH PHỐ HÀ NỘI</p>' in html
    assert '<th scope="row">Cơ quan ban hành</th><td>Liên đoàn Lao động quận Long Biên</td>' in html
    assert '<th scope="row">Thời gian thực hiện</th><td>16/08/2023 – 15/09/2023</td>' in html
    # Seed 000 implements seed 004: the reference links to its page, and 004 lists 000.
    assert 'href="../hdtdkt-long-bien-32-kh-2021/"' in html
    html_004 = (built / "ke-hoach" / "hdtdkt-long-bien-32-kh-2021" / "index.html").read_text(
        "utf-8"
    )
    assert 'href="../ldld-long-bien-32-kh-2023/"' in html_004


def test_build_date_line_has_leading_zero_for_january(built):
    html = (built / "ke-hoach" / "ldld-lai-chau-141-kh-2020" / "index.html").read_text("utf-8")
    assert '<p class="vb-dateline">Lai Châu, ngày 14 tháng 01 năm 2020</p>' in html


def test_build_plans_stay_out_of_navigation(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "ke-hoach/" not in nav
