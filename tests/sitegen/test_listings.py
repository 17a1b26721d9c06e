"""Listings, home page and the shared date rules, as pure generators."""

from __future__ import annotations

import datetime as dt
import posixpath
from zoneinfo import ZoneInfo

from paths import CONTENT
from sitegen.folding import fold, slugify
from sitegen.listings import (
    OLDEST,
    PAGE_SIZE,
    _href,
    _page_links,
    _page_src,
    generate_listing_pages,
)
from sitegen.loader import load_content
from sitegen.pages import generate_pages, page_url
from sitegen.schedule import countdown_label, days_left
from sitegen.settings import settings_for_day

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_fold_removes_every_vietnamese_mark_including_d():
    assert fold("Đoàn viên thi đua khen thưởng, Đại hội Long Biên") == (
        "Doan vien thi dua khen thuong, Dai hoi Long Bien"
    )
    assert slugify("Xanh - Sạch - Đẹp, Bảo đảm an toàn") == "xanh-sach-dep-bao-dam-an-toan"


def test_countdown_counts_calendar_days_in_vietnam():
    closes = dt.datetime(2020, 2, 14, 16, 0, tzinfo=HCM)
    # 18:00 UTC on the 9th is already 01:00 on the 10th in Hà Nội.
    late = dt.datetime(2020, 2, 9, 18, 0, tzinfo=dt.UTC)
    assert days_left(closes, late) == 4
    assert countdown_label(closes, late) == "Đang nhận hồ sơ — còn 4 ngày"
    before = closes - dt.timedelta(seconds=1)
    assert countdown_label(closes, before) == "Đang nhận hồ sơ — hạn cuối hôm nay"
    # The deadline is the instant the call closes: at 16:00 it is closed.
    assert countdown_label(closes, closes) == "Đã hết hạn nhận hồ sơ"


def test_countdown_of_before_day_ends_the_day_before():
    # "trước ngày 27/5/2021" closes at 00:00 on 27/5: the 26th is the last day.
    closes = dt.datetime(2021, 5, 27, 0, 0, tzinfo=HCM)
    assert countdown_label(closes, dt.datetime(2021, 5, 26, 9, 0, tzinfo=HCM)) == (
        "Đang nhận hồ sơ — hạn cuối hôm nay"
    )
    assert countdown_label(closes, dt.datetime(2021, 5, 25, 9, 0, tzinfo=HCM)) == (
        "Đang nhận hồ sơ — còn 1 ngày"
    )
    assert countdown_label(closes, dt.datetime(2021, 5, 27, 8, 0, tzinfo=HCM)) == (
        "Đã hết hạn nhận hồ sơ"
    )


def test_listings_cover_years_issuers_and_themes_in_both_orders():
    content = load_content(CONTENT)
    pages = generate_listing_pages(content, settings_for_day(dt.date(2024, 1, 2)))
    assert "danh-sach/index.md" in pages and "danh-sach/cu-nhat/index.md" in pages
    assert sorted(p for p in pages if p.startswith("danh-sach/nam-")) == [
        "danh-sach/nam-2020/cu-nhat/index.md",
        "danh-sach/nam-2020/index.md",
        "danh-sach/nam-2021/cu-nhat/index.md",
        "danh-sach/nam-2021/index.md",
        "danh-sach/nam-2023/cu-nhat/index.md",
        "danh-sach/nam-2023/index.md",
    ]
    assert "danh-sach/co-quan/ldld-ba-dinh/index.md" in pages
    theme = pages["danh-sach/phong-trao/lao-dong-gioi-lao-dong-sang-tao/index.md"]
    # "Lao động giỏi, Lao động sáng tạo" (000, 002) and "…, lao động sáng tạo" (001).
    assert theme.html.count("<tr>") == 1 + 3
    newest = pages["danh-sach/index.md"].html
    oldest = pages["danh-sach/cu-nhat/index.md"].html
    order = ["ldld-long-bien-32-kh-2023", "hdtdkt-long-bien-32-kh-2021", "ldld-ba-dinh-63-kh-2021"]
    positions = [newest.index(f"ke-hoach/{slug}/") for slug in order]
    assert positions == sorted(positions)
    positions = [oldest.index(f"ke-hoach/{slug}/") for slug in order]
    assert positions == sorted(positions, reverse=True)
    assert 'href="../../ke-hoach/ldld-long-bien-32-kh-2023/"' in oldest


def test_listing_paginates_at_page_size(tree):
    for i in range(PAGE_SIZE + 1):
        tree.plan(f"ke-hoach-{i:03d}", edits=(("12/KH-LĐLĐ", f"{i}/KH-LĐLĐ"),))
    content = load_content(tree.root)
    pages = generate_listing_pages(content, settings_for_day(dt.date(2024, 1, 2)))
    first, second = pages["danh-sach/index.md"], pages["danh-sach/trang-2.md"]
    assert first.html.count("<tr>") == 1 + PAGE_SIZE
    assert second.html.count("<tr>") == 1 + 1
    assert 'href="trang-2/"' in first.html and 'href="../"' in second.html
    # the links to every year, body and campaign, and the count, head the first page only
    assert 'class="sg-groups"' in first.html and "sg-groups" not in second.html
    assert f"Tất cả {PAGE_SIZE + 1} văn bản." in first.html and "sg-lead" not in second.html
    oldest = [src for src in pages if src.startswith(f"danh-sach/{OLDEST}/")]
    assert sorted(oldest) == [f"danh-sach/{OLDEST}/index.md", f"danh-sach/{OLDEST}/trang-2.md"]
    assert "sg-groups" in pages[oldest[0]].html and "sg-groups" not in pages[oldest[1]].html


def test_pager_links_are_the_relative_paths_between_pages():
    """The pager's links, worked out from the first page's, are the relative
    URL from each page to each other page of its listing and order (the page
    itself is not a link)."""
    for folder in ("danh-sach", "danh-sach/nam-2021"):
        for newest_first in (True, False):
            srcs = [_page_src(folder, newest_first, n) for n in range(1, 6)]
            for src in srcs:
                expected = [
                    (n, _href(src, other)) for n, other in enumerate(srcs, 1) if other != src
                ]
                links = _page_links(src, folder, newest_first, 5)
                assert [(n, href) for n, href in links if srcs[n - 1] != src] == expected
                here = posixpath.join("/", page_url(src))
                for _, href in expected:  # each link leads to a page of the listing
                    target = posixpath.normpath(posixpath.join(here, href)).lstrip("/") + "/"
                    assert target in {page_url(other) for other in srcs}


def test_home_hides_items_not_current_on_build_day():
    content = load_content(CONTENT)
    during = generate_pages(content, settings_for_day(dt.date(2023, 9, 1)))["index.md"].html
    assert 'data-sg-when="ongoing" data-start="2023-08-16" data-end="2023-09-15">' in during
    before = generate_pages(content, settings_for_day(dt.date(2023, 8, 1)))["index.md"].html
    assert 'data-sg-when="ongoing" data-start="2023-08-16" data-end="2023-09-15" hidden>' in before


def test_listing_rows_escape_the_number_title_and_issuer(tree):
    tree.write(
        "issuers.yml",
        'ldld-a:\n  name: Liên đoàn <Lao động> quận A\n  short_name: "LĐLĐ <A> & B"\n',
    )
    tree.plan(
        edits=[
            ("number: 12/KH-LĐLĐ", 'number: "12/<KH>&LĐLĐ"'),
            ("title: Phát động thi đua năm 2024", 'title: "Thi đua <b>\\"năm\\"</b> & 2024"'),
        ]
    )
    content = load_content(tree.root)
    page = generate_listing_pages(content, settings_for_day(dt.date(2024, 4, 1)))[
        "danh-sach/index.md"
    ]
    row = page.html.split("<tbody>\n", 1)[1].split("</tbody>", 1)[0]
    assert row == (
        "<tr>\n<td>12/&lt;KH&gt;&amp;LĐLĐ</td>\n"
        '<td><time datetime="2024-03-05">05/03/2024</time></td>\n'
        '<td><a href="../ke-hoach/ke-hoach-a/">'
        "Thi đua &lt;b&gt;&#34;năm&#34;&lt;/b&gt; &amp; 2024</a></td>\n"
        "<td>LĐLĐ &lt;A&gt; &amp; B</td>\n"
        '<td><span class="sg-status sg-status--ongoing" data-sg-status '
        'data-start="2024-03-10" data-end="2024-12-31">Đang diễn ra</span></td>\n</tr>'
    )
