"""Build .docx files the way union offices lay out a plan (Nghị định 30/2020/NĐ-CP).

From a hand-made plan file: a borderless two-column header table (parent and
issuing body and "Số:" on the left; national name, motto, place and date on the
right), "KẾ HOẠCH" and the title, the body with bold numbered headings typed by
hand, one list set as a table, and a borderless signature table with "Nơi
nhận" on the left and the signature block on the right. Used by the importer
tests and the editors' guide test; it reads nothing outside the repository.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from sitegen.dates import format_date_line

_PUNCTUATION = ".,:;!?()[]{}“”\"'‘’_-–—/…"
_INLINE = re.compile(r"(\*\*.+?\*\*|\*[^*\s][^*]*?\*|\[[^\]]+\]\([^)]+\))")


def split_plan(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def words(markdown: str) -> list[str]:
    """The words of a Markdown text: markup, escapes and link targets removed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<([^>@\s]+@[^>\s]+)>", r"\1", text)
    text = text.replace("\\", "").replace("*", "").replace("#", " ").replace("|", " ")
    stripped = (w.strip(_PUNCTUATION) for w in text.split())
    return [w for w in stripped if any(ch.isalnum() for ch in w)]


def _runs(paragraph, text: str, bold: bool = False, italic: bool = False) -> None:
    for piece in _INLINE.split(text.replace("\\", "")):
        if not piece:
            continue
        if piece.startswith("**"):
            paragraph.add_run(piece[2:-2]).bold = True
        elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
            paragraph.add_run(piece[1:-1]).italic = True
        elif piece.startswith("["):
            paragraph.add_run(re.match(r"\[([^\]]+)\]", piece)[1])
        else:
            run = paragraph.add_run(piece)
            run.bold, run.italic = bold or None, italic or None


def _lines(cell, texts: list[tuple[str, bool]], align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    first = True
    for text, bold in texts:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = align
        _runs(paragraph, text, bold=bold)


def build_docx(front: dict, body: str, issuer: dict, target: Path, table_list: bool = True) -> Path:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(20)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    header = document.add_table(rows=1, cols=2)  # the default table style has no borders
    left = [(issuer.get("parent", ""), False), (issuer["name"].upper(), True)]
    if front.get("number"):
        left.append((f"Số: {front['number']}", False))
    _lines(header.cell(0, 0), [x for x in left if x[0]])
    right = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True), ("Độc lập - Tự do - Hạnh phúc", True)]
    if front.get("place") and front.get("issued"):
        right.append((f"{front['place']}, {format_date_line(front['issued'])}", False))
    _lines(header.cell(0, 1), right)

    kind = document.add_paragraph()
    kind.alignment = WD_ALIGN_PARAGRAPH.CENTER
    kind.add_run(front.get("doc_type", "Kế hoạch").upper()).bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(front["title"]).bold = True

    pending: list[str] = []
    tabled = not table_list

    def flush() -> None:
        nonlocal tabled
        if not pending:
            return
        if not tabled and len(pending) >= 2:
            table = document.add_table(rows=len(pending), cols=1)
            table.style = "Table Grid"
            for row, item in zip(table.rows, pending, strict=True):
                _runs(row.cells[0].paragraphs[0], item)
            tabled = True
        else:
            for item in pending:
                _runs(document.add_paragraph(), "- " + item)
        pending.clear()

    for raw in body.split("\n"):
        line = raw.strip()
        if line.startswith("- "):
            pending.append(line[2:])
            continue
        flush()
        if not line:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if line.startswith("#"):
            _runs(paragraph, line.lstrip("#").strip().replace("**", ""), bold=True)
        else:
            _runs(paragraph, line)
    flush()

    sign = document.add_table(rows=1, cols=2)
    left_cell = sign.cell(0, 0)
    heading = left_cell.paragraphs[0].add_run("Nơi nhận:")
    heading.bold = heading.italic = True
    for recipient in front["recipients"]:
        _runs(left_cell.add_paragraph(), f"- {recipient}")
    if front.get("recipients_note"):
        _runs(left_cell.add_paragraph(), f"- {front['recipients_note']}")
    signature = front["signature"]
    block = [(signature["on_behalf"], True)] if signature.get("on_behalf") else []
    block.append((signature["role"], True))
    block += [("", False), ("", False)]
    if signature.get("signer_title"):
        block.append((signature["signer_title"], True))
    block.append((signature["name"], True))
    _lines(sign.cell(0, 1), block)
    document.save(target)
    return target


def convert_with_libreoffice(sources: list[Path], fmt: str, out_dir: Path) -> list[Path]:
    """Convert with LibreOffice headless, as a clerk's "Save as" would (odt, txt)."""
    target = {"odt": "odt", "txt": "txt:Text (encoded):UTF8"}[fmt]
    profile = out_dir / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return [out_dir / f"{s.stem}.{fmt}" for s in sources]
