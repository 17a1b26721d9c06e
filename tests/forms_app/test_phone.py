"""Every page of the nomination app on a 360 px phone, in real Chromium: no sideways
scrolling, no element wider than the screen outside a region that scrolls by itself
(`.table-scroll`, the preview at full size), and axe-core reporting no serious or
critical violation; the A4 preview scaled to the width.

PAGES is the table of pages: a name, the template it shows and how a phone reaches it. A
new page is one more line there; the checks run over every line, and a test fails while a
page template of the app has no line.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from paths import PROJECT
from playwright.sync_api import Page, expect, sync_playwright
from sent_dossiers import store_sent_dossier
from test_browser import (
    CHROMIUM_ARGS,
    PLAN,
    browser_app,
    fill_and_preview,
    open_dossier,
)
from web_client import serve

from forms_app.office.cli import create_user_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = PROJECT / "tests" / "sitegen" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
OFFICE_USER = "quan1"
OFFICE_PASSWORD = "mật-khẩu-đủ-dài-2020"
CITY_CALL = f"/{PLAN}/cap-thanh-pho/"
NO_DEADLINE = "/ldld-long-bien-32-kh-2023/khen-thuong-dot-thi-dua-cao-diem/"
OFFICE_CAMPAIGN = f"/van-phong/dot/{PLAN}/cap-thanh-pho/"
DOSSIER = "DPHONE23"  # a unit's dossier sent once, with two nominees
DOSSIER_UNIT = "Công đoàn cơ sở Công ty TNHH Cơ khí Bình Minh"


@dataclass(frozen=True)
class Site:
    base: str  # the app: a dossier with one nominee, sent; a draft at its preview; an office
    limited: str  # the same app allowing one preview per hour (to reach the 429 page)
    late: str  # the same database after the city call's deadline (the dossier read-only)
    preview: str  # path of a draft's preview
    dossier: str  # path of the city dossier's private link (/ho-so/<token>/)
    district: str  # path of a dossier for the district call (individuals and collectives)
    limited_dossier: str  # path of a dossier in the limited app
    reference: str  # the nominee's reference

    @property
    def nominee(self) -> str:
        return f"{self.dossier}nguoi/{self.reference}"

    @property
    def individual(self) -> str:
        return f"{self.dossier}them/ca-nhan"

    @property
    def collective(self) -> str:
        return f"{self.district}them/tap-the"


# --- how a phone reaches each page ---------------------------------------------------


def go(path: str) -> Callable[[Page, Site], None]:
    return lambda page, site: page.goto(site.base + path)


def go_site(attribute: str, suffix: str = "") -> Callable[[Page, Site], None]:
    return lambda page, site: page.goto(site.base + getattr(site, attribute) + suffix)


def refused_form(attribute: str, button: str = "Xem trước bản in") -> Callable[[Page, Site], None]:
    """The form sent empty: every field's message on the page."""

    def reach(page: Page, site: Site) -> None:
        page.goto(site.base + getattr(site, attribute))
        page.get_by_role("button", name=button).click()
        expect(page.locator(".problems")).to_be_visible()
        assert page.locator(".field .error").count() > 5

    return reach


def refused_unit(page: Page, site: Site) -> None:
    """The unit's form sent empty on the call's page."""
    page.goto(site.base + CITY_CALL)
    page.get_by_role("button", name="Mở hồ sơ").click()
    expect(page.locator(".problems")).to_be_visible()
    assert page.locator(".field .error").count() > 5


def post(page: Page, url: str, fields: list[tuple[str, str]]) -> None:
    """A form posted by the page itself (as a stale or forged form would be), multipart as
    the app's forms are (the limit on the number of fields counts multipart parts)."""
    with page.expect_navigation():
        page.evaluate(
            """([url, fields]) => {
                const form = document.createElement('form');
                form.method = 'post';
                form.enctype = 'multipart/form-data';
                form.action = url;
                for (const [name, value] of fields) {
                    const input = document.createElement('input');
                    input.type = 'hidden';
                    input.name = name;
                    input.value = value;
                    form.append(input);
                }
                document.body.append(form);
                form.submit();
            }""",
            [url, fields],
        )


def bad_request(page: Page, site: Site) -> None:
    """The withdrawal button posted without its CSRF token: 400."""
    page.goto(site.base + site.nominee + "/du-lieu")
    post(page, site.base + site.nominee + "/rut-dong-y", [])
    expect(page.get_by_role("heading", name="Yêu cầu không hợp lệ")).to_be_visible()


def too_many_fields(page: Page, site: Site) -> None:
    page.goto(site.base + site.individual)
    post(page, site.base + site.individual, [(f"o{n}", "x") for n in range(1200)])
    expect(page.get_by_role("heading", name="Dữ liệu quá lớn")).to_be_visible()


def refused_unit_details(page: Page, site: Site) -> None:
    page.goto(site.base + site.dossier + "don-vi")
    for label in ("Tên công đoàn cơ sở", "Người ký tờ trình (họ và tên)", "Số điện thoại"):
        page.get_by_label(label, exact=True).fill("")
    page.get_by_role("button", name="Lưu thông tin đơn vị").click()
    expect(page.locator(".field .error")).to_have_count(3)


def closed_form(page: Page, site: Site) -> None:
    """The dossier's nominee form after the deadline: why it is closed, the dossier readable."""
    page.goto(site.late + site.individual)
    expect(page.get_by_role("link", name="Xem hồ sơ (chỉ đọc)")).to_be_visible()


def too_many_previews(page: Page, site: Site) -> None:
    page.goto(site.limited + site.limited_dossier + "them/ca-nhan")
    page.get_by_role("button", name="Xem trước bản in").click()  # the one allowed
    page.get_by_role("button", name="Xem trước bản in").click()
    expect(page.get_by_role("heading", name="Gửi quá nhiều lần")).to_be_visible()
    expect(page.get_by_role("link", name="Trở lại bản nháp đã lưu")).to_be_visible()


def full_size_preview(page: Page, site: Site) -> None:
    page.goto(site.base + site.preview)
    page.get_by_role("button", name="Xem cỡ thật").click()
    expect(page.locator(".a4-view.actual")).to_be_visible()


def office(path: str) -> Callable[[Page, Site], None]:
    def reach(page: Page, site: Site) -> None:
        log_in(page, site.base)
        page.goto(site.base + path)

    return reach


def office_site(attribute: str, prefix: str) -> Callable[[Page, Site], None]:
    return lambda page, site: office(prefix + getattr(site, attribute))(page, site)


def refused_quota(page: Page, site: Site) -> None:
    """The call's quota form sent with 0: the quotas page with the field's message."""
    office(OFFICE_CAMPAIGN)(page, site)
    page.get_by_label("Tên công đoàn cơ sở").fill(DOSSIER_UNIT)
    page.get_by_label("Số người/tập thể tối đa").fill("0")
    page.get_by_role("button", name="Lưu định mức").click()
    expect(page.locator("#loi-so-luong")).to_be_visible()


def refused_login(page: Page, site: Site) -> None:
    log_in(page, site.base, password="sai-mat-khau-roi")
    expect(page.locator(".error")).to_be_visible()


def log_in(page: Page, base: str, password: str = OFFICE_PASSWORD) -> None:
    page.goto(base + "/van-phong/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(OFFICE_USER)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


# name: (the page template it shows, how a phone reaches it). One line per page.
PAGES: dict[str, tuple[str, Callable[[Page, Site], None]]] = {
    "start": ("index.html", go("/")),
    "call": ("dossiers/start.html", go(CITY_CALL)),
    "call, unit refused": ("dossiers/start.html", refused_unit),
    "call without deadline": ("dossiers/start.html", go(NO_DEADLINE)),
    "dossier": ("dossiers/dossier.html", go_site("dossier")),
    "dossier after the deadline": (
        "dossiers/dossier.html",
        lambda p, s: p.goto(s.late + s.dossier),
    ),
    "unit details": ("dossiers/unit.html", go_site("dossier", "don-vi")),
    "unit details refused": ("dossiers/unit.html", refused_unit_details),
    "individual form": ("form.html", go_site("individual")),
    "individual form refused": ("form.html", refused_form("individual")),
    "collective form": ("form.html", go_site("collective")),
    "collective form refused": ("form.html", refused_form("collective")),
    "preview": ("preview.html", go_site("preview")),
    "preview at full size": ("preview.html", full_size_preview),
    "my data": ("privacy/my_data.html", go_site("nominee", "/du-lieu")),
    "privacy notice": ("privacy/notice.html", go(f"/{PLAN}/cap-thanh-pho/bao-ve-du-lieu-ca-nhan")),
    "closed": ("closed.html", closed_form),
    "404": ("message.html", go("/khong-co-trang-nay")),
    "400": ("message.html", bad_request),
    "413": ("message.html", too_many_fields),
    "429": ("message.html", too_many_previews),
    "office login": ("office/login.html", go("/van-phong/dang-nhap")),
    "office login refused": ("office/login.html", refused_login),
    "office index": ("office/index.html", office("/van-phong/")),
    "office campaign": ("office/campaign.html", office(OFFICE_CAMPAIGN)),
    "office campaign bad filter": (
        "office/message.html",
        office(OFFICE_CAMPAIGN + "?tu_ngay=2020-02-30"),
    ),
    "office nomination": ("office/nomination.html", office_site("reference", "/van-phong/ho-so/")),
    "office dossier": ("office/dossier.html", office(f"/van-phong/ho-so-don-vi/{DOSSIER}")),
    "office quota refused": ("office/quotas.html", refused_quota),
    "office outbox": ("office/outbox.html", office("/van-phong/thu-gui")),
    "office privacy requests": (
        "privacy/office_requests.html",
        office("/van-phong/yeu-cau-du-lieu"),
    ),
    "office access log": ("privacy/access_log.html", office("/van-phong/nhat-ky-truy-cap")),
}


# --- fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is required (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, viewport: dict[str, int], *, bypass_csp: bool = False) -> Page:
    context = browser.new_context(
        viewport=viewport,
        is_mobile=viewport == PHONE,
        has_touch=viewport == PHONE,
        locale="vi-VN",
        bypass_csp=bypass_csp,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text),
    )
    return page


# A long address with no space in it: the pages that show it must wrap it, not widen.
LONG_EMAIL = "ban-thi-dua-khen-thuong.cong-doan-co-so@cong-ty-tnhh-co-khi-binh-minh.com.vn"


def fill_nomination(page: Page, base: str, dossier: str) -> None:
    page.goto(base + dossier + "them/ca-nhan")
    fill_and_preview(page)
    expect(page.get_by_role("heading", name="Xem trước bản tóm tắt thành tích")).to_be_visible()


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone")
    app = browser_app(folder)
    runner = app.test_cli_runner()
    account = [OFFICE_USER, "--name", "Hoàng Thị Hà", "--password", OFFICE_PASSWORD]
    created = runner.invoke(create_user_command, [*account, "--issuer", "ldld-quan-1"])
    assert created.exit_code == 0, created.output
    assert runner.invoke(args=["office", "set-admin", OFFICE_USER]).exit_code == 0
    limited = browser_app(tmp_path_factory.mktemp("limited"), RATE_LIMIT_PREVIEWS=1)
    # The same database after the city call's deadline (16:00, 14 February 2020).
    late = browser_app(folder, NOW="2020-02-14T16:00:00+07:00")
    with serve(app) as base, serve(limited) as limited_base, serve(late) as late_base:
        page = open_page(browser, PHONE)
        # A dossier whose contact address is long (pages must wrap it), one nominee saved,
        # filled on the phone; then a request about its data and the office reading it (the
        # requests page and the access log have rows).
        dossier = open_dossier(page, base, "cap-thanh-pho", Email=LONG_EMAIL).removeprefix(base)
        fill_nomination(page, base, dossier)
        page.get_by_role("button", name="Lưu vào hồ sơ").click()
        expect(page.get_by_role("heading", name=re.compile("^Hồ sơ của "))).to_be_visible()
        reference = page.locator(".nominee-table tbody tr").get_attribute("id")[len("nguoi-") :]
        page.get_by_role("button", name="Gửi hồ sơ").click()  # the office has a dossier
        expect(page.locator(".sendings")).to_be_visible()
        page.goto(f"{base}{dossier}nguoi/{reference}/du-lieu")
        page.get_by_role("button", name="Yêu cầu xóa dữ liệu").click()
        expect(page.get_by_text("Đã gửi yêu cầu xóa")).to_be_visible()
        log_in(page, base)
        page.goto(f"{base}/van-phong/ho-so/{reference}")
        expect(page.get_by_role("heading", name=re.compile(reference))).to_be_visible()
        # A unit's dossier as its sending leaves it, for the office's pages.
        store_sent_dossier(
            app,
            DOSSIER,
            DOSSIER_UNIT,
            [("NPHONE23", "Nguyễn Thị Lan Hương"), ("NPHONE34", "Lê Văn Tám")],
            dt.datetime(2020, 2, 9, 2, tzinfo=dt.UTC),
        )
        # A second nominee left at its preview; a dossier of the district call; one in the
        # app that allows one preview an hour.
        fill_nomination(page, base, dossier)
        preview = page.url.removeprefix(base)
        district = open_dossier(page, base, "cap-quan").removeprefix(base)
        limited_dossier = open_dossier(page, limited_base, "cap-thanh-pho").removeprefix(
            limited_base
        )
        page.context.close()
        yield Site(
            base, limited_base, late_base, preview, dossier, district, limited_dossier, reference
        )


# --- checks ---------------------------------------------------------------------------

WIDE_ELEMENTS = """(width) => {
    const wide = [];
    for (const element of document.body.querySelectorAll('*')) {
        // A region that scrolls by itself holds what is wider than the screen.
        if (element.parentElement.closest('.table-scroll, .a4-view.actual')) continue;
        const box = element.getBoundingClientRect();
        if (box.right <= 0 || (box.width === 0 && box.height === 0)) continue;
        if (box.right > width + 0.5 || box.left < -0.5) {
            const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                + (element.className && typeof element.className === 'string'
                   ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
            wide.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
    }
    return wide;
}"""

SERIOUS_VIOLATIONS = """async () => {
    const result = await axe.run(document);
    return result.violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => `${v.id} (${v.impact}): ${v.help}\\n` + v.nodes.map(
            n => `  ${n.target.join(' ')}: ${n.failureSummary.replaceAll('\\n', ' ')}`
        ).join('\\n'));
}"""


def serious_violations(page: Page) -> list[str]:
    """axe-core over the page and its frames (the preview's sheet), serious and critical."""
    axe = AXE.read_text(encoding="utf-8")
    for frame in page.frames:
        frame.add_script_tag(content=axe)
    return page.evaluate(SERIOUS_VIOLATIONS)


@pytest.mark.parametrize("name", list(PAGES))
def test_phone_page_fits_360px_and_passes_axe(browser, site, name):
    # axe is injected as a script of the test: only a context that bypasses the CSP takes it.
    page = open_page(browser, PHONE, bypass_csp=True)
    PAGES[name][1](page, site)
    page.wait_for_load_state("load")
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth,"
        " document.documentElement.clientWidth]"
    )
    wide = page.evaluate(WIDE_ELEMENTS, PHONE["width"])
    violations = serious_violations(page)
    page.context.close()
    assert wide == [], f"{name}: wider than the screen: {wide[:8]}"
    # A phone zooms out to show a page wider than itself: then the window grows too.
    assert sizes == [PHONE["width"]] * 3, f"{name}: the page scrolls sideways ({sizes})"
    assert violations == [], f"{name}:\n" + "\n".join(violations)


def frame_geometry(page: Page) -> dict[str, float]:
    page.locator(".a4-view[data-scale]").wait_for()
    return page.evaluate(
        """() => {
            const frame = document.querySelector('.a4-view iframe');
            const box = frame.getBoundingClientRect();
            return {left: box.left, right: box.right, width: box.width,
                    natural: frame.offsetWidth, height: box.height,
                    sheet: frame.contentDocument.querySelector('.sheet')
                        .getBoundingClientRect().width,
                    scale: Number(frame.closest('.a4-view').dataset.scale),
                    view: document.documentElement.clientWidth,
                    scrollWidth: document.documentElement.scrollWidth};
        }"""
    )


def test_phone_preview_sheet_scaled_to_the_width_and_zoomable(browser, site):
    page = open_page(browser, PHONE)
    page.goto(site.base + site.preview)
    fit = frame_geometry(page)
    # The whole A4 sheet (210 mm = 794 CSS px) is drawn inside the screen, scaled down.
    assert fit["sheet"] == pytest.approx(793.7, abs=1)
    assert 0.3 < fit["scale"] < 1
    assert fit["width"] == pytest.approx(fit["natural"] * fit["scale"], abs=1)
    assert fit["left"] >= 0 and fit["right"] <= fit["view"]
    assert fit["scrollWidth"] <= PHONE["width"]
    # The viewport lets a person pinch to zoom the page.
    viewport = page.locator("meta[name=viewport]").get_attribute("content")
    assert "maximum-scale" not in viewport and "user-scalable" not in viewport
    # "Cỡ thật" shows the sheet at 100 %: it scrolls inside its own frame, not the page.
    page.get_by_role("button", name="Xem cỡ thật").click()
    actual = frame_geometry(page)
    assert actual["scale"] == 1
    assert actual["width"] == pytest.approx(actual["natural"], abs=1)
    assert actual["scrollWidth"] <= PHONE["width"]
    region = page.get_by_role("region", name="Bản tóm tắt như khi in, cỡ thật")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    page.get_by_role("button", name="Thu vừa màn hình").click()
    assert frame_geometry(page)["scale"] == pytest.approx(fit["scale"], abs=0.001)
    # The PDF stays one tap away.
    expect(page.get_by_role("link", name="Mở bản xem trước PDF")).to_be_visible()
    assert page.csp_errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_desktop_preview_sheet_at_full_size(browser, site):
    page = open_page(browser, DESKTOP)
    page.goto(site.base + site.preview)
    geometry = frame_geometry(page)
    assert geometry["scale"] == 1
    assert geometry["width"] == pytest.approx(geometry["natural"], abs=1)
    assert geometry["right"] <= geometry["view"]
    # The whole sheet shows: the frame is as tall as its page, no scrollbar inside.
    assert page.locator(".a4-view iframe").evaluate(
        "f => f.offsetHeight >= f.contentDocument.documentElement.scrollHeight"
    )
    assert page.get_by_role("button", name="Xem cỡ thật").count() == 0
    assert page.csp_errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_phone_table_scrolls_inside_its_region(browser, site):
    page = open_page(browser, PHONE)
    office(OFFICE_CAMPAIGN)(page, site)
    region = page.locator(".table-scroll").first
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label")
    # The table is wider than the phone, the page is not.
    widths = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] > widths[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


def test_phone_test_covers_every_page_template():
    """Each page template of the app is reached by a line of PAGES (else add one)."""
    templates = PROJECT / "forms_app" / "templates"
    pages = {
        str(p.relative_to(templates))
        for p in templates.rglob("*.html")
        if not p.name.startswith("_")
        and p.parts[-2] not in ("mail", "summary", "dossier_documents")  # printed, not pages
        and p.name not in ("base.html", "layout.html")
    }
    covered = {template for template, _ in PAGES.values()}
    assert pages - covered == set()
