"""The built seed site in real Chromium: search, live status, print, accessibility.

The site is built once (statuses computed for BUILD_DAY, before seed 000's
campaign), served over HTTP on loopback with netlify.toml's headers (so the
Content-Security-Policy applies), and each test pins "today" with Playwright's
clock: the page's own JavaScript must then recompute what the build wrote.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from pdf_checks import fonts
from playwright.sync_api import Page, expect, sync_playwright
from pypdf import PdfReader
from site_browser import build_with_env, launch_chromium, seed_site, serve

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
LONG_BIEN = "ldld-long-bien-32-kh-2023"  # seed 000
BA_DINH = "ldld-ba-dinh-63-kh-2021"  # seed 001
LAI_CHAU = "ldld-lai-chau-141-kh-2020"  # seed 002
QUAN_1 = "ldld-quan-1-hoi-nghi-dien-hinh-tien-tien-2020"  # seed 003
HDTDKT = "hdtdkt-long-bien-32-kh-2021"  # seed 004


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> str:
    site = seed_site(str(tmp_path_factory.getbasetemp()))
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text),
    )
    yield page
    assert page.csp_errors == []  # type: ignore[attr-defined]
    context.close()


def at(page: Page, when: str) -> Page:
    """Pin the browser's clock (an ISO date-time with its offset) before loading."""
    page.clock.set_fixed_time(when)
    return page


def result_slugs(page: Page) -> list[str]:
    page.wait_for_selector("#sg-search-results li")
    # search.js shows the results one by one as their metadata arrive, after
    # announcing how many it found: wait for the whole first page (of 10),
    # else a busy machine reads only the first results.
    status = page.locator("#sg-search-status")
    expect(status).to_have_text(re.compile(r"Tìm thấy \d+ văn bản"), timeout=60_000)
    found = int(re.findall(r"\d+", status.text_content() or "")[0])
    expect(page.locator("#sg-search-results > li")).to_have_count(min(found, 10), timeout=60_000)
    hrefs = page.eval_on_selector_all(
        "#sg-search-results .sg-result__title a", "els => els.map(a => a.getAttribute('href'))"
    )
    return [href.strip("/").split("/")[-1] for href in hrefs]


def search(page: Page, base_url: str, query: str = "", **filters: str) -> list[str]:
    params = [f"q={quote_plus(query)}"] + [f"{k}={quote_plus(v)}" for k, v in filters.items()]
    page.goto(f"{base_url}tim-kiem/?{'&'.join(params)}")
    return result_slugs(page)


@pytest.mark.parametrize(
    "query, slug",
    [
        ("dua", LAI_CHAU),
        ("doan vien", LONG_BIEN),
        ("dai hoi", LAI_CHAU),
        ("Long Bien", LONG_BIEN),
        ("Long Bien", HDTDKT),
        ("thi dua khen thuong", HDTDKT),
    ],
)
def test_search_diacritic_free_query_finds_seed_in_first_three(page, base_url, query, slug):
    assert slug in search(page, base_url, query)[:3]


def test_search_accented_query_ranks_exact_matches_first(page, tree, tmp_path):
    # "đưa" (bring) folds to the same letters as "đua" (compete): a reader who
    # typed the accents gets the exact word first, one who did not gets both.
    title = ("thi đua năm 2024", "phong trào năm 2024")
    tree.plan("ke-hoach-a", edits=(title, ("Nội dung kế hoạch.", "Tổ chức đua thuyền.")))
    tree.plan(
        "ke-hoach-b",
        edits=(
            title,
            ("12/KH-LĐLĐ", "13/KH-LĐLĐ"),
            ("Nội dung kế hoạch.", "Đưa tin, đưa ảnh, đưa bài và đưa hồ sơ."),
        ),
    )
    site = build_with_env(tmp_path / "site", content=tree.root, SITEGEN_TODAY="2024-01-01")
    with serve(site) as url:
        assert search(page, url, "đua")[0] == "ke-hoach-a"
        assert search(page, url, "đưa")[0] == "ke-hoach-b"
        assert sorted(search(page, url, "dua")) == ["ke-hoach-a", "ke-hoach-b"]


def test_search_ranks_adjacent_words_first_then_side_by_side_then_scattered(page, tree, tmp_path):
    # "scattered" holds every word, in its title (x7) too, so on word scores
    # alone it would come first; "phrase" holds them adjacent in the query's
    # order, "close" holds them as two adjacent pairs in another order.
    body = "Nội dung kế hoạch."
    tree.plan("phrase", edits=((body, "Giữ gìn an toàn vệ sinh lao động."),))
    tree.plan(
        "close",
        edits=(("12/KH-LĐLĐ", "13/KH-LĐLĐ"), (body, "Công tác vệ sinh an toàn lao động.")),
    )
    tree.plan(
        "scattered",
        edits=(
            ("12/KH-LĐLĐ", "14/KH-LĐLĐ"),
            ("thi đua năm 2024", "an ninh, toàn dân, vệ binh, sinh hoạt"),
            (body, "An ninh trật tự. Toàn thể đoàn viên. Vệ binh. Sinh hoạt chi bộ."),
        ),
    )
    site = build_with_env(tmp_path / "site", content=tree.root, SITEGEN_TODAY="2024-01-01")
    with serve(site) as url:
        assert search(page, url, "an toàn vệ sinh") == ["phrase", "close", "scattered"]
        assert search(page, url, "an toan ve sinh") == ["phrase", "close", "scattered"]
        # while the last word is being typed, it still matches as a prefix
        assert search(page, url, "an toan ve sin") == ["phrase", "close", "scattered"]


def test_search_filters_narrow_results(page, base_url):
    everything = search(page, base_url, "thi dua")
    assert sorted(everything) == sorted([LONG_BIEN, BA_DINH, LAI_CHAU, QUAN_1, HDTDKT])
    page.select_option("#sg-f-nam", "2021")
    expect(page.locator("#sg-search-results li")).to_have_count(2)
    assert sorted(result_slugs(page)) == sorted([BA_DINH, HDTDKT])
    page.select_option("#sg-f-co_quan", "LĐLĐ quận Ba Đình")
    expect(page.locator("#sg-search-results li")).to_have_count(1)
    assert result_slugs(page) == [BA_DINH]
    assert "nam=2021" in page.url


def test_search_status_filter_follows_browser_day(page, base_url):
    # Built on 2023-08-01, when seed 000's campaign had not started yet.
    at(page, "2023-09-01T10:00:00+07:00")
    ongoing = search(page, base_url, "thi dua", tinh_trang="Đang diễn ra")
    assert sorted(ongoing) == sorted([LONG_BIEN, HDTDKT])
    expect(page.locator("#sg-f-tinh_trang option[value='Đang diễn ra']")).to_have_text(
        "Đang diễn ra (2)"
    )
    assert search(page, base_url, "thi dua", tinh_trang="Chưa rõ thời gian") == [QUAN_1]
    at(page, "2023-12-01T10:00:00+07:00")
    page.goto(f"{base_url}tim-kiem/?q=thi+dua&tinh_trang=%C4%90ang+di%E1%BB%85n+ra")
    expect(page.locator("#sg-search-status")).to_contain_text("Không tìm thấy văn bản nào")


def test_search_counts_each_filter_with_the_others_applied(page, base_url):
    search(page, base_url, "thi dua", nam="2021")
    expect(page.locator("#sg-f-nam option[value='2021']")).to_have_text("2021 (2)")
    expect(page.locator("#sg-f-nam option[value='2023']")).to_have_text("2023 (1)")
    body = "#sg-f-co_quan option[value='LĐLĐ quận Ba Đình']"
    expect(page.locator(body)).to_have_text("LĐLĐ quận Ba Đình (1)")


@pytest.mark.parametrize(
    "query, slug", [("doan vi", LONG_BIEN), ("khen thuo", HDTDKT), ("Lai Cha", LAI_CHAU)]
)
def test_search_matches_the_word_being_typed(page, base_url, query, slug):
    assert slug in search(page, base_url, query)[:3]


def test_search_results_show_the_lead_with_query_words_marked(page, base_url):
    search(page, base_url, "dai hoi")
    marks = page.locator("#sg-search-results .sg-excerpt mark").all_text_contents()
    assert marks and all(m.lower() in ("đại", "hội") for m in marks)


def test_search_sort_by_date_orders_results(page, base_url):
    slugs = search(page, base_url, "thi dua", sort="desc")
    # Newest first by date of issue; seed 003 has no date (filed under 2020-01-01).
    assert slugs == [LONG_BIEN, HDTDKT, BA_DINH, LAI_CHAU, QUAN_1]


def test_search_header_box_works_by_keyboard(page, base_url):
    page.goto(base_url)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "sg-header-q":
            break
    assert page.evaluate("document.activeElement.id") == "sg-header-q"
    page.keyboard.type("dai hoi")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=dai+hoi")
    assert LAI_CHAU in result_slugs(page)[:3]
    page.focus("#sg-search-results .sg-result__title a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ke-hoach/*/")
    assert page.locator("h1.vb-heading").count() == 1


@pytest.mark.parametrize(
    "when, label",
    [
        ("2023-08-15T23:30:00+07:00", "Sắp diễn ra"),
        # 00:30 in Hà Nội is still the 15th in UTC: the day must be Việt Nam's.
        ("2023-08-16T00:30:00+07:00", "Đang diễn ra"),
        ("2023-09-15T23:59:00+07:00", "Đang diễn ra"),
        ("2023-09-16T08:00:00+07:00", "Đã kết thúc"),
    ],
)
def test_plan_status_follows_browser_day(page, base_url, when, label):
    at(page, when).goto(f"{base_url}ke-hoach/{LONG_BIEN}/")
    assert page.inner_text(".plan-meta .sg-status") == label


@pytest.mark.parametrize(
    "when, countdown, form_visible",
    [
        ("2020-02-09T10:00:00+07:00", "Đang nhận hồ sơ — còn 5 ngày", True),
        ("2020-02-14T15:59:00+07:00", "Đang nhận hồ sơ — hạn cuối hôm nay", True),
        ("2020-02-14T16:01:00+07:00", "Đã hết hạn nhận hồ sơ", False),
    ],
)
def test_plan_nomination_countdown_and_form_link(page, base_url, when, countdown, form_visible):
    at(page, when).goto(f"{base_url}ke-hoach/{QUAN_1}/")
    call = page.locator(".sg-call").first
    assert call.locator(".sg-countdown").inner_text() == countdown
    link = call.locator("a.md-button")
    assert link.is_visible() == form_visible
    assert link.inner_text() == "Nộp hồ sơ đề nghị khen thưởng"
    assert link.get_attribute("href") == f"https://hoso.example.org/{QUAN_1}/cap-thanh-pho/"


def test_home_lists_follow_browser_day(page, base_url):
    at(page, "2023-09-10T09:00:00+07:00").goto(base_url)
    ongoing = page.locator("#sg-ongoing li:visible a").all_inner_texts()
    assert len(ongoing) == 2 and ongoing[1].startswith("Phát động đợt thi đua cao điểm")
    assert page.locator("#sg-due li:visible").count() == 3
    assert page.locator("[data-sg-empty-of=sg-ongoing]").is_hidden()
    page.clock.set_fixed_time("2023-11-20T09:00:00+07:00")
    page.reload()
    assert page.locator("#sg-ongoing li:visible").count() == 0
    assert page.locator("#sg-due li:visible").count() == 0
    assert page.locator("[data-sg-empty-of=sg-ongoing]").is_visible()


SEED_HEADERS = {
    LONG_BIEN: ("Số: 32/KH-LĐLĐ", "Long Biên, ngày 21 tháng 8 năm 2023", "Nguyễn Trường Giang"),
    BA_DINH: ("Số: 63 /KH-LĐLD", "Ba Đình, ngày 23 tháng 3 năm 2021", "Nguyễn Xuân Trọng"),
    LAI_CHAU: ("Số: 141/KH-LĐLĐ", "Lai Châu, ngày 14 tháng 01 năm 2020", "Hoàng Văn Trinh"),
    QUAN_1: (None, None, "Trương Thị Minh Dung"),  # printed without number and date
    HDTDKT: ("Số: 32 /KH-HĐTĐKT", "Long Biên, ngày 30 tháng 6 năm 2021", "Nguyễn Mạnh Hà"),
}


@pytest.mark.parametrize("slug", sorted(SEED_HEADERS))
def test_plan_header_and_signature_render(page, base_url, slug):
    number, dateline, signer = SEED_HEADERS[slug]
    page.goto(f"{base_url}ke-hoach/{slug}/")
    assert page.locator(".vb-number").all_inner_texts() == ([number] if number else [])
    assert page.locator(".vb-dateline").all_inner_texts() == ([dateline] if dateline else [])
    assert page.inner_text(".vb-sign .vb-signer") == signer
    left = page.locator(".vb-left").bounding_box()
    right = page.locator(".vb-right").bounding_box()
    assert left["x"] + left["width"] <= right["x"] and left["y"] == right["y"]


def test_print_plan_gives_a4_pages_without_site_chrome(page, base_url):
    page.goto(f"{base_url}ke-hoach/{LONG_BIEN}/")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", prefer_css_page_size=True)))
    assert len(pdf.pages) >= 2
    for p in pdf.pages:
        assert abs(float(p.mediabox.width) - 595.28) < 1
        assert abs(float(p.mediabox.height) - 841.89) < 1
    text = pdf.pages[0].extract_text()
    assert "KẾ HOẠCH" in text
    assert "Tìm văn bản" not in text and "Thông tin văn bản" not in text
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden() and page.locator(".plan-meta").is_hidden()
    family = page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).fontFamily")
    assert family == '"Liberation Serif", "Times New Roman", Tinos, serif'


MM = 72 / 25.4  # PDF points per millimetre
A4_HEIGHT = 841.89


def text_runs(pdf: PdfReader, number: int) -> list[tuple[str, float, float]]:
    """(text, x, y) of each text run drawn on a page, in points from the bottom left."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text, x, y))

    pdf.pages[number].extract_text(visitor_text=visit)
    return runs


def page_of(pdf: PdfReader, words: str) -> int:
    """The page whose text holds `words` (spaces and line breaks ignored)."""
    wanted = "".join(words.split())
    found = [i for i, p in enumerate(pdf.pages) if wanted in "".join(p.extract_text().split())]
    assert found, words
    return found[-1]


def line_boxes(page: Page, selector: str) -> list[dict[str, float]]:
    """The line boxes of an element's text, as the browser lays them out."""
    return page.evaluate(
        """sel => {
            const range = document.createRange();
            range.selectNodeContents(document.querySelector(sel));
            const lines = [];
            for (const r of range.getClientRects()) {
                const same = lines.find(l => Math.abs(l.top - r.top) < 2);
                if (!same) lines.push({top: r.top, left: r.left, right: r.right});
                else {
                    same.left = Math.min(same.left, r.left);
                    same.right = Math.max(same.right, r.right);
                }
            }
            return lines;
        }""",
        selector,
    )


SEED_ENDINGS = {
    # The last words of each body: the signature must be printed on their page.
    LONG_BIEN: "chậm nhất ngày 18/9/2023.",
    BA_DINH: "trước ngày 27/05/2021/.",
    LAI_CHAU: "báo cáo về LĐLĐ tỉnh (qua Ban Công tác cơ sở).",
    QUAN_1: "tổng hợp báo cáo cho Liên đoàn Lao động Thành phố./.",
    HDTDKT: "nghiêm túc triển khai thực hiện Kế hoạch này./.",
}


@pytest.mark.parametrize("slug", sorted(SEED_HEADERS))
def test_print_plan_follows_decree_30(browser, base_url, slug):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}ke-hoach/{slug}/")
    page.evaluate("document.fonts.ready")
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    # Every font in the PDF is the shipped Liberation Serif, embedded.
    embedded = fonts(pdf)
    assert {name.split("-")[0] for name in embedded} == {"LiberationSerif"}
    assert all(embedded.values())
    # Page numbers at the top centre, from page 2 on (A4 width 210 mm, margins 30/15 mm).
    centre = (30 + (210 - 30 - 15) / 2) * MM
    for number in range(len(pdf.pages)):
        top = [
            text
            for text, x, y in text_runs(pdf, number)
            if y > A4_HEIGHT - 20 * MM and abs(x - centre) < 15 * MM
        ]
        assert top == ([] if number == 0 else [str(number + 1)]), number
    assert len(pdf.pages) >= 2
    # The signature is on the page of the body's last paragraph.
    signer = SEED_HEADERS[slug][2]
    assert page_of(pdf, signer) == page_of(pdf, SEED_ENDINGS[slug])
    # National name and motto: one line each, centred on each other, as printed.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(165 / 25.4 * 96), "height": 900})
    nation, motto = line_boxes(page, ".vb-nation"), line_boxes(page, ".vb-motto")
    assert (len(nation), len(motto)) == (1, 1)
    middle = [(box["left"] + box["right"]) / 2 for box in (nation[0], motto[0])]
    assert abs(middle[0] - middle[1]) < 1
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.vb-issuer')).textAlign")
        == "center"
    )
    context.close()


PAGES = ["", "danh-sach/", f"ke-hoach/{QUAN_1}/", "tim-kiem/?q=doan+vien"]


@pytest.mark.parametrize("path", PAGES)
def test_axe_reports_no_serious_violation(browser, base_url, path):
    # axe is injected as a script of the test: only this context bypasses the CSP.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    at(page, "2020-02-09T10:00:00+07:00").goto(base_url + path)
    if path.startswith("tim-kiem"):
        result_slugs(page)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""
    )
    context.close()
    assert violations == []


@pytest.mark.parametrize("path", PAGES)
def test_page_fits_360px_viewport(browser, base_url, path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + path)
    if path.startswith("tim-kiem"):
        result_slugs(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#sg-header-q").is_visible()
    context.close()


def test_plan_page_on_screen_keeps_the_documents_form(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    at(page, "2020-05-01T09:00:00+07:00").goto(f"{base_url}ke-hoach/{QUAN_1}/")
    # Every call has closed: no empty box of calls under the title.
    assert page.locator(".sg-calls").is_hidden()
    style = "([sel, prop]) => getComputedStyle(document.querySelector(sel))[prop]"
    assert page.evaluate(style, [".vb-body h2", "fontWeight"]) == "700"
    assert page.evaluate(style, [".vb-body h3", "fontWeight"]) == "700"
    assert page.evaluate(style, [".vb-body ul", "listStyleType"]) == '"- "'
    # The short rule under the issuing body, the rule as long as the motto.
    rule = page.evaluate(
        "getComputedStyle(document.querySelector('.vb-issuer'), '::after').borderTopStyle"
    )
    assert rule == "solid"
    assert page.evaluate(style, [".vb-motto", "borderBottomStyle"]) == "solid"
    (text,) = line_boxes(page, ".vb-motto")
    motto = page.locator(".vb-motto").bounding_box()
    assert abs(motto["width"] - (text["right"] - text["left"])) < 2
    # On a phone the issuer's name wraps, but never inside its place name.
    page.goto(f"{base_url}ke-hoach/{BA_DINH}/")
    assert len(line_boxes(page, ".vb-issuer .vb-nowrap")) == 1
    # "TM. BAN THƯỜNG VỤ" and "CHỦ TỊCH" on consecutive lines, no blank line between.
    lines = page.locator(".vb-sign p").all()
    first, second = lines[0].bounding_box(), lines[1].bounding_box()
    assert second["y"] - (first["y"] + first["height"]) < 2
    context.close()
