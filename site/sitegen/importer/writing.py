"""A draft in, the text of a plan file out: front matter with comments, then the body.

This module owns the layout of an imported plan: every value found, each
missing one left empty with a Vietnamese comment saying what was looked for,
and the line of every field so that the importer can point at it. The body is
written by pandoc (GFM), so escaping and emphasis are pandoc's. It must not
read or write files.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pypandoc
import yaml

from .parsing import Draft
from .reading import Block


@dataclass
class PlanText:
    text: str
    lines: dict[str, int] = field(default_factory=dict)  # field → line in the file


def scalar(value: Any) -> str:
    """A YAML scalar, quoted only when YAML needs it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def render_plan(
    draft: Draft,
    issuer_key: str | None,
    source_name: str,
    missing: dict[str, str],
    api_version: list[int],
    notes: list[str],
) -> PlanText:
    out = PlanText("")
    lines: list[str] = ["---"]

    def put(key: str, value: Any, path: str | None = None, indent: str = "") -> None:
        path = path or key
        out.lines.setdefault(path, len(lines) + 1)
        if value is None or value == [] or value == {}:
            note = missing.get(path, "không tìm thấy trong văn bản")
            empty = " []" if value == [] else ""
            lines.append(f"{indent}{key}:{empty}  # KHÔNG TÌM THẤY: {note}")
        elif isinstance(value, (list, dict)):
            lines.append(f"{indent}{key}:")
        else:
            lines.append(f"{indent}{key}: {scalar(value)}")

    for note in notes:
        lines.append(f"# {note}")
    put("number", draft.number)
    put("doc_type", draft.doc_type)
    put("issuer", issuer_key)
    put("place", draft.place)
    put("issued", draft.issued)
    put("title", draft.title)
    put("implements", draft.grounds)
    for i, ground in enumerate(draft.grounds):
        prefix = "  - "
        for key in ("number", "date", "issuer", "title"):
            if key in ground:
                out.lines.setdefault(f"implements[{i}].{key}", len(lines) + 1)
                lines.append(f"{prefix}{key}: {scalar(ground[key])}")
                prefix = "    "
    put("deadlines", draft.deadlines)
    for i, deadline in enumerate(draft.deadlines):
        out.lines.setdefault(f"deadlines[{i}]", len(lines) + 1)
        lines.append(f"  - what: {scalar(deadline['what'])}  # lấy từ câu chứa hạn: hãy viết gọn")
        lines.append(f"    due: {scalar(deadline['due'])}")
        if "email" in deadline:
            lines.append(f"    email: {scalar(deadline['email'])}")
    if draft.contacts:
        lines.append("# Địa chỉ thư, số điện thoại có trong văn bản (dùng cho nominations nếu")
        lines.append("# kế hoạch nhận hồ sơ khen thưởng): " + ", ".join(draft.contacts))
    lines.append("# nominations: nếu kế hoạch nhận hồ sơ đề nghị khen thưởng, thêm ở đây (xem")
    lines.append("# content/README.md); phần này không tự lấy từ văn bản.")
    put("recipients", draft.recipients)
    for item in draft.recipients:
        lines.append(f"  - {scalar(item)}")
    if draft.recipients_note:
        out.lines.setdefault("recipients_note", len(lines) + 1)
        lines.append(f"recipients_note: {scalar(draft.recipients_note)}")
    put("signature", draft.signature)
    for key in ("on_behalf", "role", "signer_title", "name"):
        path = f"signature.{key}"
        if key in draft.signature:
            out.lines.setdefault(path, len(lines) + 1)
            lines.append(f"  {key}: {scalar(draft.signature[key])}")
        elif draft.signature and key in ("role", "name"):
            put(key, None, path, indent="  ")
    put("source", source_name)
    lines.append("---")
    body = render_body(draft, api_version)
    out.text = "\n".join(lines) + "\n" + body
    return out


def render_body(draft: Draft, api_version: list[int]) -> str:
    """The body as GFM, written by pandoc from the document's own inlines."""
    blocks: list[dict[str, Any]] = []
    bullets: list[list[dict[str, Any]]] = []

    def flush() -> None:
        if bullets:
            blocks.append({"t": "BulletList", "c": [list(b) for b in bullets]})
            bullets.clear()

    for i, block in enumerate(draft.body):
        if block.is_table:
            flush()
            blocks.append({"t": "RawBlock", "c": ["gfm", _pipe_table(block)]})
            continue
        inlines = block.inlines
        typed = _typed_bullet(inlines)
        if block.bullet or typed is not None:
            bullets.append([{"t": "Plain", "c": typed if typed is not None else inlines}])
            continue
        flush()
        if i in draft.headings:
            blocks.append({"t": "Header", "c": [draft.headings[i], ["", [], []], _unbold(inlines)]})
        else:
            blocks.append({"t": "Para", "c": inlines})
    flush()
    tree = {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
    text = pypandoc.convert_text(json.dumps(tree), "gfm", format="json", extra_args=["--wrap=none"])
    return text.replace("\r\n", "\n")


def _typed_bullet(inlines: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """A paragraph typed as "- item" (how Word users write lists): the item's inlines."""
    if (
        len(inlines) >= 2
        and inlines[0].get("t") == "Str"
        and inlines[1].get("t") == "Space"
        and inlines[0]["c"] in ("-", "+", "•", "–")
    ):
        return inlines[2:]
    return None


def _unbold(inlines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A heading is bold already: drop the Strong wrappers around its words."""
    out: list[dict[str, Any]] = []
    for node in inlines:
        if node["t"] == "Strong":
            out += _unbold(node["c"])
        else:
            out.append(node)
    return out


def _pipe_table(block: Block) -> str:
    width = max(len(row) for row in block.rows)
    rows = []
    for row in block.rows:
        cells = [" ".join(line for b in cell for line in b.lines()) for cell in row]
        cells += [""] * (width - len(cells))
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    rows.insert(1, "|" + "---|" * width)
    return "\n".join(rows)
