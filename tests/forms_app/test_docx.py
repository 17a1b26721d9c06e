"""The .docx copy: A4, the decree's margins, the font, and one page in LibreOffice."""

from __future__ import annotations

import io

from docx import Document
from docx_checks import docx_to_pdf, needs_soffice, page_setup_mm
from pdf_checks import page_sizes, read_pdf, text, visible_image_boxes
from photo_samples import phone_photo
from summary_samples import INITIATIVES, collective, individual, summary_of

from forms_app.nominations import pdf
from forms_app.nominations.docx_export import render_docx
from forms_app.nominations.photos import process_photo


def test_render_docx_a4_margins_font():
    document = Document(io.BytesIO(render_docx(summary_of(individual()), None)))
    assert page_setup_mm(document) == [210, 297, 20, 20, 30, 15]
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 13.0)


def test_render_docx_escapes_nothing_away():
    data = individual('<w:t>đậm</w:t> & "ngoặc"')
    document = Document(io.BytesIO(render_docx(summary_of(data), None)))
    paragraphs = [p.text for p in document.paragraphs]
    assert '<w:t>đậm</w:t> & "ngoặc"' in paragraphs


@needs_soffice
def test_render_docx_individual_one_page_in_libreoffice(tmp_path):
    photo = process_photo(phone_photo(), max_bytes=10 * 1024 * 1024)
    reader = read_pdf(docx_to_pdf(render_docx(summary_of(individual(), photo), photo), tmp_path))
    assert page_sizes(reader) == [(595, 842)]
    extracted = text(reader)
    assert "Nguyễn Thị Lan Hương" in extracted
    for title, *_ in INITIATIVES:
        assert title in " ".join(extracted.split())


MM = 72 / 25.4  # points per millimetre


@needs_soffice
def test_render_docx_portrait_shows_whole_as_in_the_pdf(tmp_path):
    # Opened with a Times-metric font (as Word on an office PC), the 3×4 portrait
    # must show whole: not clipped to the one-line height of the Normal style.
    photo = process_photo(phone_photo(), max_bytes=10 * 1024 * 1024)
    summary = summary_of(individual(), photo)
    reader = read_pdf(docx_to_pdf(render_docx(summary, photo), tmp_path))
    assert page_sizes(reader) == [(595, 842)]
    (word,) = visible_image_boxes(reader)
    (pdf_box,) = visible_image_boxes(read_pdf(pdf.render_pdf(summary)[0]))
    for box in (word, pdf_box):
        width, height = box[2] - box[0], box[3] - box[1]
        assert (round(width / MM), round(height / MM)) == (30, 40)
    # Same place on the page: top right, within a few millimetres.
    assert abs(word[2] - pdf_box[2]) < 4 * MM
    assert abs(word[3] - pdf_box[3]) < 4 * MM


@needs_soffice
def test_render_docx_collective_one_page_in_libreoffice(tmp_path):
    reader = read_pdf(docx_to_pdf(render_docx(summary_of(collective()), None), tmp_path))
    assert page_sizes(reader) == [(595, 842)]


@needs_soffice
def test_render_docx_fits_whenever_the_pdf_check_accepts(tmp_path):
    # The fullest summary the PDF check still accepts must stay on one page in Word too.
    sentence = "Hoàn thành xuất sắc nhiệm vụ được giao, nhiều năm liền. "
    fullest = None
    for count in range(1, 30):
        summary = summary_of(individual(sentence * count))
        if not pdf.check_fit(summary).fits:
            break
        fullest = summary
    assert pdf.check_fit(fullest).percent >= 95
    reader = read_pdf(docx_to_pdf(render_docx(fullest, None), tmp_path))
    assert page_sizes(reader) == [(595, 842)]
