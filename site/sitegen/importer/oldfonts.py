"""Text broken by old Vietnamese fonts: converted where certain, reported where not.

Two faults reach us in text copied from old documents and PDFs:

- byte soup from the pre-Unicode encodings (TCVN3/ABC ".VnTime": "Liªn ®oµn";
  VNI: "Lieân ñoaøn"). viparse, a library made for this, detects the encoding
  and converts it; we keep no table of our own.
- lossy extraction: a PDF made with such a font loses letters when its text is
  extracted ("cơng" for "công", "đồn viên" for "đoàn viên", "u cầu" for "yêu
  cầu"). No library repairs these; this module knows the losses seen in union
  documents (ô read as ơ, "oa" + tone read as "ô" + tone, "yê" dropped before
  "u") and undoes one only where the result is unambiguous:
  - the damaged word is not a Vietnamese syllable and exactly one undoing is
    (the syllables come from Debian's hunspell-vi word list), or
  - the damaged word is a syllable but the document is lossy and exactly one
    undoing forms, with every neighbour in its clause, a phrase that correctly
    written plans use, while the word as it stands forms none with either.
  Every other suspect word is reported as a doubt, never passed on silently.

This module owns that judgement. It must not read plans or write files: the
importer gives it the text and the phrases of published plans.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import viparse

SYLLABLES_FILE = Path("/usr/share/hunspell/vi_VN.dic")
LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI (phông VNI-Times)"}

_WORD = re.compile(r"[^\W\d_]+")
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


class MissingSyllables(RuntimeError):
    """The Vietnamese syllable list (Debian package hunspell-vi) is not installed."""


@dataclass(frozen=True)
class Repair:
    line: int
    before: str
    after: str


@dataclass(frozen=True)
class Doubt:
    line: int
    word: str
    candidates: tuple[str, ...]

    def message(self) -> str:
        options = " hoặc ".join(f'"{c}"' for c in self.candidates)
        return (
            f'chữ "{self.word}" có thể bị lỗi phông khi trích từ PDF, có thể là {options}; '
            "hãy đối chiếu với bản gốc và sửa tay"
        )


@dataclass
class Cleaned:
    """The text after conversion and repair, with what was done and what is in doubt."""

    text: str
    encoding: str | None = None
    repairs: list[Repair] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)


@lru_cache(maxsize=1)
def syllables(path: Path = SYLLABLES_FILE) -> frozenset[str]:
    """Every Vietnamese syllable, lower case, NFC."""
    try:
        words = path.read_text(encoding="utf-8").split()
    except FileNotFoundError:
        raise MissingSyllables(
            f"thiếu danh sách âm tiết tiếng Việt {path}: hãy cài gói hunspell-vi "
            "(sudo apt-get install hunspell-vi) hoặc chạy ./scripts/run một lần"
        ) from None
    return frozenset(unicodedata.normalize("NFC", w).lower() for w in words[1:] if w.isalpha())


def phrases_of(texts: Iterable[str]) -> frozenset[tuple[str, str]]:
    """Pairs of neighbouring words in correctly written texts (lower case)."""
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        for line in text.splitlines():
            words = [w.lower() for w in _WORD.findall(unicodedata.normalize("NFC", line))]
            pairs.update(itertools.pairwise(words))
    return frozenset(pairs)


def clean_text(
    text: str, phrases: frozenset[tuple[str, str]] = frozenset(), lossy: bool | None = None
) -> Cleaned:
    """Convert legacy encodings, then repair lossy words; see the module docstring.

    `lossy` says whether the whole document was found lossy (None: judge `text`).
    """
    text = unicodedata.normalize("NFC", text)
    encoding = viparse.detect_text_encoding(text)
    if encoding:
        text = viparse.fix(text, encoding=encoding)
    result = Cleaned(text=text, encoding=encoding)
    known = syllables()
    lines = text.split("\n")
    # A document is lossy when some word is no syllable and undoing a loss makes one.
    if lossy is None:
        lossy = is_lossy(text)
    if not lossy:
        return result
    out_lines = []
    for number, line in enumerate(lines, start=1):
        out_lines.append(_repair_line(line, number, known, phrases, result))
    result.text = "\n".join(out_lines)
    return result


def is_lossy(text: str) -> bool:
    """Some word is no syllable, and undoing a known loss makes it one."""
    known = syllables()
    return any(
        word.lower() not in known and _valid_undoings(word, known) for word in _WORD.findall(text)
    )


def _repair_line(
    line: str,
    number: int,
    known: frozenset[str],
    phrases: frozenset[tuple[str, str]],
    result: Cleaned,
) -> str:
    matches = list(_WORD.finditer(line))
    words = [m[0] for m in matches]
    replaced = list(words)
    # Neighbours count only within a clause: no punctuation between the two words.
    joined = [
        i > 0 and not line[matches[i - 1].end() : m.start()].strip() for i, m in enumerate(matches)
    ]
    for i, word in enumerate(words):
        options = _valid_undoings(word, known)
        if not options:
            continue
        upper = word.isupper() and (len(word) > 1 or line.upper() == line)
        lower = word.lower()
        if lower not in known:
            if len(options) == 1:
                replaced[i] = _same_case(options[0], word, upper)
            else:
                result.doubts.append(
                    Doubt(number, word, tuple(_same_case(o, word, upper) for o in options))
                )
            continue
        before = replaced[i - 1].lower() if i and joined[i] else None
        after = words[i + 1].lower() if i + 1 < len(words) and joined[i + 1] else None

        def sides(w: str, before: str | None = before, after: str | None = after) -> list[bool]:
            out = []
            if before is not None:
                out.append((before, w) in phrases)
            if after is not None:
                out.append((w, after) in phrases)
            return out

        if any(sides(lower)):
            continue
        # The undoing must make a published phrase with every neighbour in the clause.
        fitting = [o for o in options if sides(o) and all(sides(o))]
        if len(fitting) == 1:
            replaced[i] = _same_case(fitting[0], word, upper)
        else:
            result.doubts.append(
                Doubt(number, word, tuple(_same_case(o, word, upper) for o in options))
            )
    pieces, last = [], 0
    for m, new in zip(matches, replaced, strict=True):
        pieces += [line[last : m.start()], new]
        if new != m[0]:
            result.repairs.append(Repair(number, m[0], new))
        last = m.end()
    pieces.append(line[last:])
    return "".join(pieces)


def _valid_undoings(word: str, known: frozenset[str]) -> list[str]:
    lower = word.lower()
    return sorted(c for c in _undoings(lower) if c != lower and c in known)


def _undoings(word: str) -> set[str]:
    """Every word the losses could have turned into `word` (one loss per word)."""
    out: set[str] = set()
    decomposed = unicodedata.normalize("NFD", word)
    for i, ch in enumerate(decomposed):
        # ơ (o + horn) read for ô (o + circumflex): "cơng" ← "công".
        if ch == "o" and decomposed[i + 1 : i + 2] == "\u031b":
            out.add(_nfc(decomposed[:i] + "o\u0302" + decomposed[i + 2 :]))
        # ô + tone read for "oa" + tone: "đồn" ← "đoàn".
        if ch == "o" and decomposed[i + 1 : i + 2] == "\u0302":
            tone = decomposed[i + 2 : i + 3] if decomposed[i + 2 : i + 3] in _TONES else ""
            rest = decomposed[i + 2 + len(tone) :]
            out.add(_nfc(decomposed[:i] + "oa" + tone + rest))
    # "yê" dropped before u: "u" ← "yêu", "ú" ← "yếu".
    if decomposed[:1] == "u" and (len(decomposed) == 1 or decomposed[1] in _TONES):
        out.add(_nfc("ye\u0302" + decomposed[1:2] + "u" + decomposed[2:]))
    return out


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _same_case(new: str, old: str, upper: bool) -> str:
    if upper:
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new
