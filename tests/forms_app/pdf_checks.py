"""Reading generated PDFs back with pypdf: pages, sizes, embedded fonts, text."""

from __future__ import annotations

import io

from pypdf import PdfReader


def read_pdf(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_sizes(reader: PdfReader) -> list[tuple[int, int]]:
    return [(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages]


def fonts(reader: PdfReader) -> dict[str, bool]:
    """Font name -> whether its program is embedded (FontFile, FontFile2 or FontFile3)."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"]).split("+")[-1]] = embedded
    return found


def text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)
