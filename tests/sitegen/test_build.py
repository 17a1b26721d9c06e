"""Integration: the five seeds built into a real site with MkDocs."""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from paths import CONTENT, SOURCES
from sitegen.build import build_site
from sitegen.loader import load_content
from sitegen.pages import render_body

# The five seed plans; each keeps its original text in content/sources/<slug>.txt.
SEED_PAGES = (
    "ldld-long-bien-32-kh-2023",
    "ldld-ba-dinh-63-kh-2021",
    "ldld-lai-chau-141-kh-2020",
    "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020",
    "hdtdkt-long-bien-32-kh-2021",
)


# Tags that do not separate words: `"<em>Mừng` reads as one word.
INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup", "time"}


class _ArticleText(HTMLParser):
    """Text of the page's article, without the metadata panel (`aside`) nor the
    editorial notes beside misprints ("[nguyên văn …]")."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside <article>
        self.skip = 0  # inside <aside> or a note
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        elif self.depth and (tag == "aside" or ("class", "sg-sic-note") in attrs):
            self.skip += 1
            self.skipping.append(tag)
        if self.depth and tag not in INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif self.depth and self.skipping and tag == self.skipping[-1]:
            self.skip -= 1
            self.skipping.pop()
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
    assert sorted(p.slug for p in content.plans) == sorted(SEED_PAGES)
    assert {p.slug: p.meta.source for p in content.plans} == {
        slug: f"sources/{slug}.txt" for slug in SEED_PAGES
    }


@pytest.mark.parametrize("slug", sorted(SEED_PAGES))
def test_build_seed_page_contains_every_word_of_its_source(built, slug):
    html = (built / "ke-hoach" / slug / "index.html").read_text(encoding="utf-8")
    words = seed_words((SOURCES / f"{slug}.txt").read_text(encoding="utf-8"))
    assert len(words) > 1000
    assert missing_in_order(words, page_words(html)) == []


def test_build_home_lists_every_plan(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    for slug in SEED_PAGES:
        assert f'href="ke-hoach/{slug}/"' in html
    assert "63 /KH-LĐLD" in html
    assert html.count("<tr>") == 1 + len(SEED_PAGES)


def test_build_plan_page_metadata(built):
    html = (built / "ke-hoach" / "ldld-long-bien-32-kh-2023" / "index.html").read_text("utf-8")
    assert '<p class="vb-number">Số: 32/KH-LĐLĐ</p>' in html
    assert '<p class="vb-dateline">Long Biên, ngày 21 tháng 8 năm 2023</p>' in html
    # Place names never break inside ("QUẬN LONG / BIÊN"): each is one no-wrap unit.
    assert '<p class="vb-parent">LĐLĐ <span class="vb-nowrap">THÀNH PHỐ HÀ NỘI</span></p>' in html
    assert (
        '<p class="vb-issuer">LIÊN ĐOÀN LAO ĐỘNG <span class="vb-nowrap">QUẬN LONG BIÊN</span></p>'
    ) in html
    assert '<th scope="row">Cơ quan ban hành</th><td>Liên đoàn Lao động quận Long Biên</td>' in html
    assert '<th scope="row">Thời gian thực hiện</th><td>16/08/2023 – 15/09/2023</td>' in html
    # Seed 000's grounds are exactly the two documents it cites, shown as text (they are
    # not on the site); seed 004, same anniversary but not cited, is a labelled relation.
    grounds = html[html.index('<th scope="row">Văn bản căn cứ</th>') :]
    grounds = grounds[: grounds.index("</tr>")]
    assert grounds == (
        '<th scope="row">Văn bản căn cứ</th><td><ul>'
        "<li>Số 107-KH/QU ngày 24/02/2022 của Quận ủy Long Biên: tổ chức các hoạt động hướng "
        "tới kỷ niệm 20 năm ngày thành lập quận Long Biên (06/11/2003 – 06/11/2023)</li>"
        "<li>Số 338/KH-UBND ngày 09/08/2023 của UBND quận Long Biên: phát động đợt thi đua cao "
        "điểm, phấn đấu lập thành tích chào mừng kỷ niệm 20 năm Ngày thành lập quận Long Biên "
        "(06/11/2003 – 06/11/2023)</li></ul></td>"
    )
    relation = "(Cùng dịp kỷ niệm 20 năm Ngày thành lập quận Long Biên (06/11/2003 – 06/11/2023))"
    assert (
        '<th scope="row">Kế hoạch liên quan</th><td><ul><li>'
        '<a href="../hdtdkt-long-bien-32-kh-2021/">Kế hoạch 32 /KH-HĐTĐKT ngày 30/06/2021 '
        "của HĐTĐKT quận Long Biên</a> "
        f"{relation}</li></ul></td>"
    ) in html
    html_004 = (built / "ke-hoach" / "hdtdkt-long-bien-32-kh-2021" / "index.html").read_text(
        "utf-8"
    )
    assert (
        '<th scope="row">Kế hoạch liên quan</th><td><ul><li>'
        '<a href="../ldld-long-bien-32-kh-2023/">Kế hoạch 32/KH-LĐLĐ ngày 21/08/2023 '
        "của LĐLĐ quận Long Biên</a> "
        f"{relation}</li></ul></td>"
    ) in html_004
    assert "Kế hoạch triển khai" not in html_004


def test_build_date_line_has_leading_zero_for_january(built):
    html = (built / "ke-hoach" / "ldld-lai-chau-141-kh-2020" / "index.html").read_text("utf-8")
    assert '<p class="vb-dateline">Lai Châu, ngày 14 tháng 01 năm 2020</p>' in html


def test_build_plans_stay_out_of_navigation(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('<nav class="md-nav md-nav--primary"') :]
    nav = nav[: nav.index("</nav>")]
    assert "ke-hoach/" not in nav


@pytest.mark.parametrize(
    "slug, shown",
    [
        (
            "ldld-ba-dinh-63-kh-2021",
            '<q class="sg-words">trước ngày 27/5/2021</q> '
            '(<time datetime="2021-05-27T00:00:00+07:00">hết ngày 26/05/2021</time>)',
        ),
        (
            "ldld-long-bien-32-kh-2023",
            '<q class="sg-words">chậm nhất ngày 18/9/2023</q> '
            '(<time datetime="2023-09-19T00:00:00+07:00">hết ngày 18/09/2023</time>)',
        ),
        (
            "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020",
            '<q class="sg-words">chậm nhất trước 16g00 ngày 14/02/2020</q> '
            '(<time datetime="2020-02-14T16:00:00+07:00">trước 16:00 ngày 14/02/2020</time>)',
        ),
        (
            "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020",
            '<q class="sg-words">trước 25/3/2020</q> '
            '(<time datetime="2020-03-25T00:00:00+07:00">hết ngày 24/03/2020</time>)',
        ),
    ],
)
def test_build_plan_page_shows_deadline_words_beside_their_moment(built, slug, shown):
    html = (built / "ke-hoach" / slug / "index.html").read_text("utf-8")
    assert shown in html


def test_build_misprints_kept_as_printed_with_a_note(built):
    html = (built / "ke-hoach" / "ldld-ba-dinh-63-kh-2021" / "index.html").read_text("utf-8")
    assert (
        '<span class="sg-sic">cỗ vũ</span>'
        '<small class="sg-sic-note"> [nguyên văn; đúng là: cổ vũ]</small>'
    ) in html
    assert (
        '<span class="sg-sic">27/05/2021/.</span>'
        '<small class="sg-sic-note"> [nguyên văn; đúng là: 27/05/2021.]</small>'
    ) in html
    assert (
        '<th scope="row">Số/ký hiệu</th><td>63 /KH-LĐLD '
        '<small class="sg-sic-note">[nguyên văn; đúng là: 63/KH-LĐLĐ]</small></td>'
    ) in html
    # The header keeps the number exactly as printed.
    assert '<p class="vb-number">Số: 63 /KH-LĐLD</p>' in html


def test_build_recipients_note_is_not_a_recipient(built):
    html = (built / "ke-hoach" / "ldld-ba-dinh-63-kh-2021" / "index.html").read_text("utf-8")
    recipients = html[html.index('<div class="vb-recipients">') :]
    recipients = recipients[: recipients.index("</div>")]
    assert recipients.count("<li>") == 10
    assert "<li>(để báo cáo)</li>" not in recipients
    assert '<p class="vb-recipients-note">(để báo cáo)</p>' in recipients


def test_build_headings_of_a_section_are_all_headings(built):
    # 000 and 001: "1. Đối tượng" is a heading like "2. Tiêu chuẩn"; 003: III.1-6 all headings.
    for slug, section, items in [
        ("ldld-long-bien-32-kh-2023", "IV. KHEN THƯỞNG.", ["1.", "2.", "3."]),
        ("ldld-ba-dinh-63-kh-2021", "IV. KHEN THƯỞNG.", ["1.", "2.", "3."]),
        (
            "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020",
            "III - CÁC BƯỚC TIẾN HÀNH",
            ["1.", "2.", "3.", "4.", "5.", "6."],
        ),
    ]:
        content = load_content(CONTENT)
        toc = render_body(content.by_slug[slug].body)[1]
        (entry,) = [e for e in toc if e.name == section]
        assert [c.name.split()[0] for c in entry.children] == items


@pytest.mark.parametrize(
    "base",
    [
        "https://thidua.example.org/",
        "https://h.example/sub/dir",
        "http://127.0.0.1:8000/",
        "https://h/a/./b/",
    ],
)
def test_generated_pages_have_the_addresses_mkdocs_gives(base):
    """SitegenPage skips MkDocs' urljoin for plain paths: same addresses."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page
    from sitegen.build import CONFIG_FILE
    from sitegen.mkdocs_glue import SitegenPage

    config = load_config(config_file=str(CONFIG_FILE))
    config.site_url = base
    config.plugins._current_plugin = None  # as during a build's on_files
    for src in ("index.md", "ke-hoach/abc-1.md", "danh-sach/nam-2021/trang-2.md", "x.y/z_1.md"):
        ours = SitegenPage("t", File.generated(config, src, content=""), config, lambda: None)
        theirs = Page("t", File.generated(config, src, content=""), config)
        assert (ours.canonical_url, ours.abs_url) == (theirs.canonical_url, theirs.abs_url)


def _files_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_theme_parts_made_once_per_folder_equal_every_page_rendered_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings
):
    """The theme's navigation, header, footer and scripts are rendered once
    per folder of generated pages and reused: every file equals a build
    that renders them on every page."""
    from sitegen.mkdocs_glue import ThemeParts

    reused: list[tuple[str, str]] = []
    once = ThemeParts.__call__

    def spying(self, name, page, nav, caller):
        made = []

        def call():
            made.append(name)
            return caller()

        html = once(self, name, page, nav, call)
        if not made:
            reused.append((name, page.url))
        return html

    monkeypatch.setattr(ThemeParts, "__call__", spying)
    build_site(CONTENT, tmp_path / "once" / "site")
    monkeypatch.setattr(ThemeParts, "__call__", lambda self, name, page, nav, caller: caller())
    build_site(CONTENT, tmp_path / "whole" / "site")
    once_files = _files_of(tmp_path / "once" / "site")
    assert once_files == _files_of(tmp_path / "whole" / "site")
    # Every plan page but the first reused each part; the navigation's own
    # pages (home, listings' first page, search) never did.
    names = {"nav", "header-start", "header-end", "content-start", "content-end", "styles"}
    names |= {"analytics", "extrahead", "footer", "config", "scripts", "top"}
    plan_pages = [f"ke-hoach/{slug}/" for slug in SEED_PAGES]
    for name in names:
        assert len({url for n, url in reused if n == name} & set(plan_pages)) == len(plan_pages) - 1
    assert not {url for _, url in reused} & {"", "danh-sach/", "tim-kiem/", "theo-doi/"}


def test_theme_words_are_the_themes_own():
    """`sg_translate` gives what Material's language macro gives, for every word."""
    from mkdocs.config import load_config
    from sitegen.build import CONFIG_FILE
    from sitegen.mkdocs_glue import THEME_PREFIX, prepare_theme

    config = load_config(config_file=str(CONFIG_FILE))
    env = prepare_theme(config.theme.get_env(), config)
    theirs = env.get_template(f"{THEME_PREFIX}/partials/language.html").make_module(
        {"config": config}
    )
    source = env.loader.get_source(env, f"{THEME_PREFIX}/partials/languages/vi.html")[0]
    keys = re.findall(r'^\s*"([a-z.]+)":', source, re.MULTILINE)
    assert len(keys) > 40
    for key in [*keys, "no.such.word"]:
        assert env.globals["sg_translate"](key) == theirs.t(key)
