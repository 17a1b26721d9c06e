"""The one-page A4 summary rendered by WeasyPrint, read back with pypdf."""

from __future__ import annotations

import re

import pytest
from pdf_checks import DOCUMENT_FONTS, fonts, page_sizes, read_pdf, text
from photo_samples import phone_photo
from summary_samples import INITIATIVES, collective, individual, summary_of

from forms_app.nominations import pdf
from forms_app.nominations.photos import process_photo
from forms_app.nominations.summary import describe_overflow, describe_page_use


def squash(value: str) -> str:
    return re.sub(r"\s+", " ", value)


def test_render_pdf_individual_one_a4_page_fonts_embedded_text_extractable():
    photo = process_photo(phone_photo(), max_bytes=10 * 1024 * 1024)
    data, fit = pdf.render_pdf(summary_of(individual(), photo))
    reader = read_pdf(data)
    assert page_sizes(reader) == [(595, 842)]
    assert fit.pages == 1
    # Named after the @font-face family: the shipped files, never a system fallback.
    assert fonts(reader) == DOCUMENT_FONTS
    extracted = squash(text(reader))
    for expected in [
        "TÓM TẮT THÀNH TÍCH",
        "Nguyễn Thị Lan Hương",
        "Công ty TNHH Cơ khí Bình Minh",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Quận 1, ngày 10 tháng 02 năm 2020",
        "70.000.000",
        *[title for title, *_ in INITIATIVES],
    ]:
        assert expected in extracted


def test_render_pdf_collective_one_page():
    data, _ = pdf.render_pdf(summary_of(collective()))
    reader = read_pdf(data)
    assert page_sizes(reader) == [(595, 842)]
    extracted = squash(text(reader))
    assert "Công đoàn cơ sở Công ty Cổ phần Dệt Phước Long" in extracted
    assert "Số đoàn viên: 420 (nữ: 310); số lao động: 450 (nữ: 320)." in extracted


def test_check_fit_overflow_seen_not_clipped():
    long_text = "Chủ động đề xuất và triển khai các giải pháp nâng cao năng suất lao động. " * 40
    summary = summary_of(individual(long_text))
    fit = pdf.check_fit(summary)
    data, _ = pdf.render_pdf(summary)
    assert (fit.pages, len(read_pdf(data).pages)) == (2, 2)
    assert fit.sections[0][0] == "Thành tích nổi bật"
    assert describe_overflow(fit) == (
        f"Bản tóm tắt dài khoảng {f'{fit.used:.1f}'.replace('.', ',')} trang A4, vượt giới hạn "
        f"01 trang: hãy cắt bớt khoảng {fit.cut_percent}% ({fit.cut_lines} dòng). Dài nhất là "
        f"mục “Thành tích nổi bật” (khoảng {round(fit.sections[0][1] / pdf.LINE_HEIGHT_PT)} dòng)"
        f" và mục “{fit.sections[1][0]}” (khoảng "
        f"{round(fit.sections[1][1] / pdf.LINE_HEIGHT_PT)} dòng)."
    )
    assert 20 <= fit.cut_percent <= 60


def test_check_fit_short_summary_reports_share_of_page():
    fit = pdf.check_fit(summary_of(individual()))
    assert fit.pages == 1
    assert describe_page_use(fit.used) == f"đã dùng {fit.percent}% trang A4"
    assert 50 <= fit.percent <= 100


def test_check_fit_grows_with_text():
    short = pdf.check_fit(summary_of(individual()))
    longer = pdf.check_fit(summary_of(individual("Một dòng thành tích. " * 15)))
    assert longer.percent > short.percent


def test_render_pdf_escapes_markup_in_user_text():
    data = individual('<img src="file:///etc/hostname"> <b>đậm</b> & "ngoặc"')
    extracted = squash(text(read_pdf(pdf.render_pdf(summary_of(data))[0])))
    assert '<img src="file:///etc/hostname"> <b>đậm</b> & "ngoặc"' in extracted


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "http://127.0.0.1:9/x.png",
        "https://example.com/font.ttf",
        "forms-asset:fonts/../config.py",
        "forms-asset:../pdf.py",
    ],
)
def test_asset_fetcher_refuses_files_network_and_escapes(url):
    with pytest.raises(ValueError) as caught:
        pdf.AssetFetcher().fetch(url)
    assert str(caught.value).startswith(("resource refused:", "not a package asset:"))


def test_asset_fetcher_serves_package_font():
    response = pdf.AssetFetcher().fetch("forms-asset:fonts/LiberationSerif-Regular.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"


def test_check_fonts_missing_font_fails_loudly(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
    with pytest.raises(pdf.FontMissingError) as caught:
        pdf.check_fonts()
    assert str(caught.value) == (
        f"The summary font is missing from {tmp_path}: LiberationSerif-Regular.ttf, "
        "LiberationSerif-Bold.ttf, LiberationSerif-Italic.ttf, LiberationSerif-BoldItalic.ttf. "
        "The one-page check depends on it; reinstall the package."
    )
