"""The body checked against the plan's original text, word by word.

This module owns the comparison behind `sitegen check`'s "body" problems: the
words of a plan's Markdown body (markup removed) are aligned with the words of
its source (`content/sources/<slug>.txt`); every word the body drops, adds or
changes inside the aligned span is a problem located on the body's line, unless
the front matter declares it as a deliberate edit. The source's words before
and after the body (document number, date line, title, recipients, signature)
must be accounted for by the front matter. It must not read files (the loader
hands it the texts) nor render anything.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from .errors import Problem
from .models import FrontMatter, Issuer

# Markup that is structure, not wording: [text](url) links, heading and list
# markers at the start of a line, emphasis and escapes.
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKER_RE = re.compile(r"^\s*(?:[-+]|#+)\s+", re.MULTILINE)
_MARKUP = str.maketrans("", "", "\\*#")
# GFM tables: the rule under the header row, and the pipes between cells.
_TABLE_RULE_RE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")
# What the decree-30 layout prints around every document, besides its fields.
_LAYOUT_WORDS = "Số: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Nơi nhận:"
_EDGE_PUNCTUATION = ".,:;!?()[]{}“”\"'‘’*_-–—/…"
_SHOWN_WORDS = 12


@dataclass(frozen=True)
class Word:
    text: str
    line: int


def split_words(text: str, first_line: int = 1) -> list[Word]:
    """The words of a text with their line (1 = `first_line`), Markdown markup removed.

    Sources are extracted text that often carries the same light markup.
    """
    words: list[Word] = []
    for offset, raw in enumerate(text.split("\n")):
        if _TABLE_RULE_RE.match(raw):
            continue
        line = _MARKER_RE.sub("", _LINK_RE.sub(r"\1", raw)).translate(_MARKUP)
        line = line.replace("|", " ")
        words += [Word(w, first_line + offset) for w in line.split()]
    return words


def _key(word: str) -> str:
    """A word folded for accounting the source's edges against the front matter."""
    return word.strip(_EDGE_PUNCTUATION).casefold()


def _date_words(day: dt.date) -> str:
    return (
        f"ngày {day.day} tháng {day.month} năm {day.year} "
        f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year} "
        f"{day.day}/{day.month}/{day.year} {day.day:02d}/{day.month:02d}/{day.year}"
    )


def front_matter_words(meta: FrontMatter, issuer: Issuer) -> Counter[str]:
    """Every word the page prints from the front matter around the body."""
    parts = [_LAYOUT_WORDS, meta.doc_type, meta.title, issuer.name, issuer.short_name]
    parts += [meta.number or "", meta.place or "", issuer.parent or "", issuer.place or ""]
    if meta.issued:
        parts.append(_date_words(meta.issued))
    parts += [*meta.recipients, meta.recipients_note or ""]
    if meta.signature:
        s = meta.signature
        parts += [s.on_behalf or "", s.role, s.signer_title or "", s.name]
    counts: Counter[str] = Counter()
    for part in parts:
        for word in part.split():
            if _key(word):
                counts[_key(word)] += 1
    return counts


def _quote(words: list[Word]) -> str:
    shown = " ".join(w.text for w in words[:_SHOWN_WORDS])
    return f"“{shown}{' …' if len(words) > _SHOWN_WORDS else ''}”"


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def compare_with_source(
    path: str,
    meta: FrontMatter,
    issuer: Issuer,
    body: str,
    body_line: int,
    source: str,
    edits_line: int | None = None,
) -> list[Problem]:
    """Every difference between the body and its source, as `body` problems."""
    body_words = split_words(body, body_line)
    source_words = split_words(source)
    if not body_words:
        return [Problem(path, body_line, "body", "toàn văn trống nhưng có văn bản gốc (source)")]
    matcher = SequenceMatcher(
        None, [w.text for w in source_words], [w.text for w in body_words], autojunk=False
    )
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        message = "toàn văn không có đoạn nào giống văn bản gốc (source)"
        return [Problem(path, body_line, "body", message)]
    first, last = blocks[0], blocks[-1]
    span = (first.a, last.a + last.size)
    declared = {(e.source, e.body): i for i, e in enumerate(meta.edits)}
    used: set[int] = set()
    problems: list[Problem] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        dropped, added = source_words[a0:a1], body_words[b0:b1]
        if a1 <= span[0] or a0 >= span[1]:
            # Before or after the body's span of the source: the source's words there
            # are checked against the front matter; the body's are additions.
            dropped, tag = [], "insert"
            if not added:
                continue
        edit = declared.get((_text(dropped), _text(added)))
        if edit is not None:
            used.add(edit)
            continue
        where = (added[0] if added else body_words[min(b0, len(body_words) - 1)]).line
        origin = f"văn bản gốc dòng {dropped[0].line}" if dropped else ""
        if tag == "delete":
            message = f"thiếu {_quote(dropped)} so với văn bản gốc ({origin})"
        elif tag == "insert":
            message = f"thêm {_quote(added)}, văn bản gốc không có"
        else:
            message = f"văn bản gốc ghi {_quote(dropped)} ({origin}), toàn văn ghi {_quote(added)}"
        problems.append(Problem(path, where, "body", message))
    problems += _check_edges(path, meta, issuer, source_words, span, body_words)
    for i in range(len(meta.edits)):
        if i not in used:
            problems.append(
                Problem(
                    path,
                    edits_line,
                    f"edits[{i}]",
                    "không có chỗ nào trong toàn văn khác văn bản gốc đúng như khai báo này",
                )
            )
    return problems


def _check_edges(
    path: str,
    meta: FrontMatter,
    issuer: Issuer,
    source_words: list[Word],
    span: tuple[int, int],
    body_words: list[Word],
) -> list[Problem]:
    """Source words before and after the body must come from the front matter."""
    available = front_matter_words(meta, issuer)
    problems = []
    for words, line in (
        (source_words[: span[0]], body_words[0].line),
        (source_words[span[1] :], body_words[-1].line),
    ):
        missing = []
        for word in words:
            key = _key(word.text)
            if not key:
                continue
            if available[key] > 0:
                available[key] -= 1
            else:
                missing.append(word)
        if missing:
            problems.append(
                Problem(
                    path,
                    line,
                    "body",
                    f"thiếu {_quote(missing)} so với văn bản gốc (văn bản gốc dòng "
                    f"{missing[0].line}): không có trong toàn văn hay phần thông tin",
                )
            )
    return problems
