"""`sitegen import`: a signed Word (or LibreOffice, or plain-text) plan to a plan file.

This package owns turning an office document into `content/plans/<slug>.md`
plus its source text in `content/sources/`, reporting every value it could not
find as the same `path:line: field: message` lines as `sitegen check`. Reading
the file formats is pandoc's (`reading`), old-font repair is `oldfonts`, finding
the values is `parsing`, laying out the plan is `writing`; this module ties
them together and is the only one that writes. It never overwrites a file and
never invents a value.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import viparse

from .. import loader
from ..errors import Problem, display_path
from ..folding import slugify
from ..models import Issuer, nfc
from . import oldfonts
from .parsing import Draft, parse_blocks
from .reading import Block, UnreadableDocument, plain, read_document
from .writing import render_plan, scalar

__all__ = ["ImportResult", "UnreadableDocument", "import_document"]

_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class ImportResult:
    plan_path: Path
    source_path: Path
    problems: list[Problem] = field(default_factory=list)
    proposal: str | None = None  # an issuers.yml entry for an unknown issuing body
    encoding: str | None = None  # the legacy encoding converted, if any
    repairs: int = 0  # lossy words repaired


def import_document(path: Path, content: Path) -> ImportResult:
    """Read `path`, write the plan and its source under `content`, say what is missing."""
    path, content = Path(path), Path(content).resolve()
    document = read_document(path)
    blocks = document.blocks
    problems: list[Problem] = []
    encoding, repairs, doubts = _repair_fonts(blocks, content, problems, path.name)
    draft = parse_blocks(blocks)
    issuers, _ = loader.load_issuers(content)
    known = {k: v for k, v in (issuers or {}).items() if v is not None}
    issuer_key, issuer = _match_issuer(draft, known)
    proposal = None
    if issuer is None and draft.issuer_name:
        issuer_key = _propose_key(draft.issuer_name, known)
        proposal = _proposal(issuer_key, draft)
    slug = _free_slug(_slug(draft, issuer_key), content)
    plan_path = content / loader.PLANS_DIR / f"{slug}.md"
    source_path = content / loader.SOURCES_DIR / f"{slug}.txt"
    source_text, block_lines = _source_text(blocks)
    missing = {m.field: m.message for m in draft.missing}
    notes = [f"Nhập bằng sitegen import từ {path.name}; hãy đối chiếu với văn bản gốc."]
    plan = render_plan(
        draft,
        issuer_key,
        f"{loader.SOURCES_DIR}/{source_path.name}",
        missing,
        document.api_version,
        notes,
    )
    plan_path.parent.mkdir(parents=True, exist_ok=True)
    source_path.parent.mkdir(parents=True, exist_ok=True)
    source_path.write_text(source_text, encoding="utf-8")
    # The original file too: a Word file always, a text file when its letters were changed.
    if path.suffix.lower() != ".txt":
        shutil.copyfile(path, source_path.with_suffix(path.suffix.lower()))
    elif encoding or repairs:
        shutil.copyfile(path, source_path.with_suffix(".goc.txt"))
    plan_path.write_text(plan.text, encoding="utf-8")

    shown = display_path(plan_path, content)
    for m in draft.missing:
        if m.field == "parent" and issuer is not None:
            continue  # the parent body printed on the site comes from issuers.yml
        # The parent body has no key of its own in a plan: it goes with the issuer.
        line = plan.lines.get("issuer" if m.field == "parent" else m.field)
        problems.append(Problem(shown, line, m.field, m.message))
    if proposal:
        problems.append(
            Problem(
                shown,
                plan.lines.get("issuer"),
                "issuer",
                f'cơ quan "{draft.issuer_name}" chưa có trong content/{loader.ISSUERS_FILE}: '
                f'đã đặt khóa "{issuer_key}"; hãy thêm mục đề xuất dưới đây vào '
                f"content/{loader.ISSUERS_FILE} (sửa tên viết hoa/thường cho đúng)",
            )
        )
    elif issuer is not None and draft.parent and not _same_name(draft.parent, issuer.parent):
        problems.append(
            Problem(
                shown,
                plan.lines.get("issuer"),
                "parent",
                f'văn bản ghi cơ quan cấp trên "{draft.parent}", content/{loader.ISSUERS_FILE} '
                f'ghi "{issuer.parent or ""}" cho "{issuer_key}": hãy kiểm tra',
            )
        )
    source_shown = display_path(source_path, content)
    for doubt in doubts:
        problems.append(Problem(source_shown, block_lines[doubt.line], "văn bản", doubt.message()))
    reported = {p.field for p in problems}
    _, checked, _ = loader.load_plan_file(plan_path, content, issuers)
    problems += [p for p in checked if p.field not in reported and p.field != "issuer"]
    return ImportResult(plan_path, source_path, problems, proposal, encoding, repairs)


def _repair_fonts(
    blocks: list[Block], content: Path, problems: list[Problem], name: str
) -> tuple[str | None, int, list[oldfonts.Doubt]]:
    """Convert TCVN3/VNI, repair lossy words in place; doubts carry the block index as line."""
    # Paragraph by paragraph: a document often mixes a header typed in Unicode with
    # paragraphs pasted from an old .VnTime file, and converting Unicode as TCVN3 would
    # break it ("á" is a TCVN3 code too).
    found: list[str] = []
    for block in _paragraphs(blocks):
        legacy = viparse.detect_text_encoding(block.text)
        if legacy:
            found.append(legacy)
            _map_strings([block], lambda s, legacy=legacy: viparse.fix(s, encoding=legacy))
    for block in blocks:
        if block.is_table:
            block.text = "\n".join(block.lines())
    encoding = max(set(found), key=found.count) if found else None
    try:
        lossy = oldfonts.is_lossy("\n".join(line for b in blocks for line in b.lines()))
    except oldfonts.MissingSyllables as exc:
        problems.append(Problem(name, None, "văn bản", f"chưa sửa được chữ mất dấu: {exc}"))
        return encoding, 0, []
    if not lossy:
        return encoding, 0, []
    phrases = oldfonts.phrases_of(loader.published_texts(content))
    repairs, doubts = 0, []
    for index, block in enumerate(_paragraphs(blocks)):
        cleaned = oldfonts.clean_text(block.text, phrases, lossy=True)
        doubts += [oldfonts.Doubt(index, d.word, d.candidates) for d in cleaned.doubts]
        if cleaned.repairs:
            repairs += len(cleaned.repairs)
            _replace_words(block, _WORD.findall(cleaned.text))
    return encoding, repairs, doubts


def _paragraphs(blocks: list[Block]) -> list[Block]:
    out = []
    for block in blocks:
        if block.is_table:
            for row in block.rows:
                for cell in row:
                    out += _paragraphs(cell)
        else:
            out.append(block)
    return out


def _map_strings(blocks: list[Block], fn: Any) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Str":
                node["c"] = fn(node["c"])
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    for block in _paragraphs(blocks):
        walk(block.inlines)
        block.text = nfc(plain(block.inlines)).strip()
    for block in blocks:
        if block.is_table:
            block.text = "\n".join(block.lines())


def _replace_words(block: Block, repaired: list[str]) -> None:
    """Put the repaired words back, word by word in order, into the paragraph's inlines."""
    position = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal position
        word = repaired[position] if position < len(repaired) else match[0]
        position += 1
        return word

    def walk(node: Any) -> None:
        nonlocal position
        if isinstance(node, dict):
            if node.get("t") == "Str":
                node["c"] = _WORD.sub(swap, node["c"])
            elif node.get("t") == "Code":
                position += len(_WORD.findall(node["c"][1]))
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(block.inlines)
    block.text = nfc(plain(block.inlines)).strip()


def _source_text(blocks: list[Block]) -> tuple[str, dict[int, int]]:
    """The document as plain text, one paragraph per line; line of each paragraph."""
    out: list[str] = []
    lines: dict[int, int] = {}
    for index, block in enumerate(_paragraphs(blocks)):
        lines[index] = len(out) + 1
        for line in block.text.split("\n"):
            if line.strip():
                out += [line.strip(), ""]
    return "\n".join(out), lines


def _norm_name(name: str) -> str:
    text = " ".join(nfc(name).casefold().replace("–", "-").replace("—", "-").split())
    for long, short in (
        ("liên đoàn lao động", "lđlđ"),
        ("ủy ban nhân dân", "ubnd"),
        ("uỷ ban nhân dân", "ubnd"),
        ("hội đồng thi đua - khen thưởng", "hđtđkt"),
        ("hội đồng thi đua khen thưởng", "hđtđkt"),
    ):
        text = text.replace(long, short)
    return text.replace(" - ", "-")


def _same_name(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and _norm_name(a) == _norm_name(b)


def _match_issuer(draft: Draft, issuers: dict[str, Issuer]) -> tuple[str | None, Issuer | None]:
    if not draft.issuer_name:
        return None, None
    found = [
        (key, issuer)
        for key, issuer in issuers.items()
        if _same_name(draft.issuer_name, issuer.name)
        or _same_name(draft.issuer_name, issuer.short_name)
    ]
    if len(found) > 1 and draft.parent:
        found = [f for f in found if _same_name(draft.parent, f[1].parent)] or found
    return found[0] if found else (None, None)


def _propose_key(name: str, issuers: dict[str, Issuer]) -> str:
    key = slugify(_norm_name(name).replace("lđlđ", "ldld").replace("hđtđkt", "hdtdkt"))
    candidate, n = key, 2
    while candidate in issuers:
        candidate, n = f"{key}-{n}", n + 1
    return candidate


def _proposal(key: str, draft: Draft) -> str:
    lines = [f"{key}:", f"  name: {scalar(draft.issuer_name)}"]
    lines.append(f"  short_name: {scalar(draft.issuer_name)}")
    if draft.parent:
        lines.append(f"  parent: {scalar(draft.parent)}")
    if draft.place:
        lines.append(f"  place: {scalar(draft.place)}")
    return "\n".join(lines)


def _slug(draft: Draft, issuer_key: str | None) -> str:
    parts = [issuer_key or (slugify(draft.issuer_name) if draft.issuer_name else "ke-hoach")]
    m = re.match(r"\s*(\d+)\s*/\s*([A-Za-zĐđ]+)", draft.number or "")
    if m:
        parts += [m[1], slugify(m[2])]
    elif draft.title:
        parts.append(slugify(" ".join(draft.title.split()[:8])))
    if draft.issued:
        parts.append(str(draft.issued.year))
    return "-".join(p for p in parts if p)


def _free_slug(slug: str, content: Path) -> str:
    candidate, n = slug, 2
    while (content / loader.PLANS_DIR / f"{candidate}.md").exists() or (
        content / loader.SOURCES_DIR / f"{candidate}.txt"
    ).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate
