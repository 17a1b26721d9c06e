"""Documents in, blocks out: .docx and .odt through pandoc, .txt as it is.

This module owns turning a file into a flat list of `Block`s: paragraphs with
their plain text (for finding values) and their pandoc inlines (for writing the
body with its bold, italics and links), and tables with their cells. Word's
automatic numbering is written out as text ("I.", "1.", "a)") so that the
numbering reads as printed. It must not decide what a paragraph means.

pandoc (bundled by pypandoc-binary) parses the file formats; we never read
their XML ourselves.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypandoc

FORMATS = {".docx": "docx", ".odt": "odt", ".txt": None}

Inlines = list[dict[str, Any]]


class UnreadableDocument(Exception):
    """pandoc could not read the file; the message says why, in Vietnamese."""


@dataclass
class Block:
    """A paragraph (`rows` empty) or a table (`rows` of cells of blocks)."""

    text: str
    inlines: Inlines = field(default_factory=list)
    bold: bool = False
    bullet: bool = False
    rows: list[list[list[Block]]] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return bool(self.rows)

    def lines(self) -> list[str]:
        """The paragraph's lines (Shift+Enter breaks), or every cell's lines, row by row."""
        if not self.is_table:
            return [line.strip() for line in self.text.split("\n") if line.strip()]
        return [line for row in self.rows for cell in row for b in cell for line in b.lines()]


@dataclass
class Document:
    blocks: list[Block]
    api_version: list[int]


def read_document(path: Path) -> Document:
    """Read a .docx, .odt or .txt file into blocks."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UnreadableDocument(
            f"không đọc được tệp {path.suffix or 'không có đuôi'}: chỉ nhận .docx, .odt, .txt "
            "(với .doc hoặc .pdf, hãy mở bằng Word/LibreOffice rồi lưu thành .docx)"
        )
    if FORMATS[suffix] is None:
        return read_text(_decode(path.read_bytes()))
    try:
        tree = json.loads(pypandoc.convert_file(str(path), "json", format=FORMATS[suffix]))
    except (RuntimeError, OSError) as exc:
        raise UnreadableDocument(
            f"không đọc được tệp {path.name}: tệp hỏng hoặc không đúng định dạng {suffix} ({exc})"
        ) from None
    return Document(_blocks(tree["blocks"]), tree["pandoc-api-version"])


_MARKDOWN_RE = re.compile(r"^#{1,6} |\*\*\S", re.MULTILINE)


def read_text(text: str) -> Document:
    """Plain text: each non-empty line is a paragraph.

    Text that already carries Markdown (headings "## ", "**bold**"), as the text
    copied from some portals does, is read by pandoc's CommonMark reader instead,
    raw HTML off, so that its markup becomes structure and not stray asterisks.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    if _MARKDOWN_RE.search(text):
        markdown = pypandoc.convert_text(text, "json", format="commonmark-raw_html")
        tree = json.loads(markdown)
        return Document(_blocks(tree["blocks"]), tree["pandoc-api-version"])
    blocks = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            blocks.append(Block(stripped, text_inlines(stripped)))
    return Document(blocks, pandoc_api_version())


def pandoc_api_version() -> list[int]:
    tree = json.loads(pypandoc.convert_text("", "json", format="markdown"))
    return tree["pandoc-api-version"]


def text_inlines(text: str) -> Inlines:
    """Inlines for plain text: words and spaces."""
    out: Inlines = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if word:
            out.append({"t": "Str", "c": word})
    return out


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Old Windows text files: every byte maps to a character, and the old-font
    # repair (oldfonts) recognises TCVN3/VNI byte soup in that form.
    return data.decode("cp1252", errors="replace")


def _blocks(items: list[dict[str, Any]], bullet: bool = False) -> list[Block]:
    out: list[Block] = []
    for item in items:
        kind, content = item["t"], item.get("c")
        if kind in ("Para", "Plain"):
            out.append(_paragraph(content, bullet))
        elif kind == "Header":
            out.append(_paragraph(content[2], bullet, bold=True))
        elif kind == "LineBlock":
            for line in content:
                out.append(_paragraph(line, bullet))
        elif kind in ("BlockQuote", "Figure"):
            out += _blocks(content if kind == "BlockQuote" else content[2], bullet)
        elif kind == "Div":
            out += _blocks(content[1], bullet)
        elif kind == "BulletList":
            for entry in content:
                out += _blocks(entry, bullet=True)
        elif kind == "OrderedList":
            (start, style, delim), entries = content
            for number, entry in enumerate(entries, start=start):
                inner = _blocks(entry, bullet)
                if inner and not inner[0].is_table:
                    label = _label(number, style["t"], delim["t"])
                    first = inner[0]
                    inner[0] = Block(
                        f"{label} {first.text}",
                        [{"t": "Str", "c": label}, {"t": "Space"}, *first.inlines],
                        first.bold,
                        first.bullet,
                    )
                out += inner
        elif kind == "Table":
            out.append(_table(content))
    return out


def _paragraph(inlines: Inlines, bullet: bool, bold: bool = False) -> Block:
    text = unicodedata.normalize("NFC", plain(inlines)).strip()
    return Block(text, inlines, bold or _all_bold(inlines), bullet)


def _table(content: list[Any]) -> Block:
    _attr, _caption, _specs, head, bodies, foot = content
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    cells = [[_blocks(cell[4]) for cell in row[1]] for row in rows]
    block = Block("", rows=cells)
    block.text = "\n".join(block.lines())
    return block


_WRAPPERS = ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript")


def plain(inlines: Inlines) -> str:
    """The text of pandoc inlines, line breaks kept as newlines."""
    out: list[str] = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak":
            out.append("\n")
        elif kind in _WRAPPERS:
            out.append(plain(content))
        elif kind == "Quoted":
            quote = "“{}”" if content[0]["t"] == "DoubleQuote" else "‘{}’"
            out.append(quote.format(plain(content[1])))
        elif kind in ("Link", "Span"):
            out.append(plain(content[1]))
        elif kind == "Code":
            out.append(content[1])
        elif kind == "Cite":
            out.append(plain(content[1]))
    return "".join(out)


def _all_bold(inlines: Inlines) -> bool:
    """Every visible character of the paragraph is bold (how offices mark headings)."""
    seen = False
    for node in inlines:
        kind = node["t"]
        if kind in ("Space", "SoftBreak", "LineBreak"):
            continue
        if kind == "Strong":
            seen = True
            continue
        if kind in ("Emph", "Underline", "Span", "Link"):
            inner = node["c"] if kind in ("Emph", "Underline") else node["c"][1]
            if _all_bold(inner):
                seen = True
                continue
        if kind == "Str" and not node["c"].strip(" .:;,"):
            continue
        return False
    return seen


_ROMAN = [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _label(number: int, style: str, delim: str) -> str:
    if style in ("UpperRoman", "LowerRoman"):
        text, rest = "", number
        for value, letters in _ROMAN:
            while rest >= value:
                text, rest = text + letters, rest - value
        text = text if style == "UpperRoman" else text.lower()
    elif style in ("LowerAlpha", "UpperAlpha"):
        text = chr(ord("a") + (number - 1) % 26)
        text = text.upper() if style == "UpperAlpha" else text
    else:
        text = str(number)
    if delim == "OneParen":
        return f"{text})"
    if delim == "TwoParens":
        return f"({text})"
    return f"{text}."
