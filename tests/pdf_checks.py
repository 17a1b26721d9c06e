"""Reading generated PDFs back with pypdf: pages, sizes, embedded fonts, text, images."""

from __future__ import annotations

import io

from pypdf import PdfReader

# The shipped font family, every style embedded: what every generated document must use.
DOCUMENT_FONTS = {
    "Document-Serif": True,
    "Document-Serif-Bold": True,
    "Document-Serif-Italic": True,
    "Document-Serif-Bold-Italic": True,
}


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


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, origin bottom left


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """PDF matrix product a × b, matrices as [a b c d e f]."""
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def _box(m: list[float], x: float, y: float, w: float, h: float) -> Box:
    """The page box of the rectangle (x, y, w, h) under the matrix m (no rotation)."""
    xs = [m[0] * px + m[2] * py + m[4] for px in (x, x + w) for py in (y, y + h)]
    ys = [m[1] * px + m[3] * py + m[5] for px in (x, x + w) for py in (y, y + h)]
    return (min(xs), min(ys), max(xs), max(ys))


def _intersect(a: Box, b: Box) -> Box:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, max(x0, x1), max(y0, y1))


def visible_image_boxes(reader: PdfReader, page_number: int = 0) -> list[Box]:
    """Where each image is drawn on a page, cut by the rectangular clips around it.

    A picture squeezed into a line of text keeps its full size in the PDF's
    matrix but is clipped to the line: only the visible box shows that.
    """
    from pypdf.generic import ContentStream

    page = reader.pages[page_number]
    media = page.mediabox
    whole: Box = (float(media.left), float(media.bottom), float(media.right), float(media.top))
    ctm, clip = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], whole
    stack: list[tuple[list[float], Box]] = []
    path: list[Box] = []
    pending = False
    boxes: list[Box] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        op = operator.decode("latin-1")
        if op == "q":
            stack.append((ctm, clip))
        elif op == "Q":
            ctm, clip = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == "re":
            path.append(_box(ctm, *(float(v) for v in operands)))
        elif op in ("W", "W*"):
            pending = True
        elif op in ("n", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*"):
            if pending and path:
                for rect in path:
                    clip = _intersect(clip, rect)
            path, pending = [], False
        elif op == "Do":
            boxes.append(_intersect(_box(ctm, 0, 0, 1, 1), clip))
    return boxes
