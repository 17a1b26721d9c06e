"""The public site's search index, written by sitegen and read by assets/search.js.

This module owns what the index holds and its file format; search.js owns the
query side (the two must agree on the format described below). It must not
generate pages or know MkDocs.

Why our own index rather than Pagefind (measured with bench/bench_site.py on
10,000 synthetic plans, Pagefind 1.5.2): every plan uses the same words
("thi", "đua", "khen", "thưởng"), so common queries match every plan, and
Pagefind's search time grows faster than the number of matching pages: 0.3 to
0.9 s per query once its index was loaded, 5.9 s for the first "thi dua khen
thuong". Here every score is computed at build time, so a query only reads the
postings of its words (one small file each) and adds numbers.

Words are keyed by their folded form (no diacritics, đ as d, lower case:
"dua"), so a query typed without diacritics finds every spelling; each key
keeps its spellings apart ("đua", "đưa"), so an accented query ranks the exact
spelling first. A word's score in a plan is BM25's term-frequency part
(k1 = 1.2, b = 0.75) over weighted counts (title x7, issuing body and themes
x2, number, type and text x1; counts above 64 count as 64), quantised to
1..255; the reader's browser multiplies it by the word's rarity (IDF) from
the number of plans holding it. The plans' average length is rounded to two
significant digits (the "reference length"): one plan more or changed
rarely moves it, so the other plans' scores stay as they were and a build
can patch the index (sitegen.search_patch) instead of writing it again.

Plan ids count from the oldest plan (the reverse of the site's order), so
a new plan, usually the newest, takes the next id and no other plan's id
moves; the reader breaks ties newest first (the higher id).

Phrases: every pair of adjacent words is also a key, "a b" (both folded, in
reading order, one space), with its own postings and scores (its count in
the plan, weighted the same way). A query of several words reads the pairs
of its consecutive words in its order and in the reverse order: plans
holding the words adjacent in the query's order rank first, then plans
holding more of its words side by side (in any order), then the others. A
window of two or three words would make the index three times larger and its
build 3.5 ms per plan slower in Python (measured): pairs are what Vietnamese
words are made of ("thi đua", "khen thưởng", "đoàn viên").

Files, under tim-kiem/chi-muc/<hash>/ (a hash of the content: they can be
cached for ever), named by tim-kiem/chi-muc.json (which cannot). Strings are
a varint byte length and UTF-8; varints are LEB128 (7 bits a byte, low first).

- chi-muc.json: {"version": 3, "dir", "docs", "buckets", "vocab", "prefix",
  "shard", "years", "issuers", "types", "length", "bytes"}: "length" is the
  plans' total weighted length and "bytes" the postings' total size (what
  a patch needs to tell whether the reference length or "buckets" move).
- <dir>/docs.bin: per plan (by id, oldest first), six
  little-endian uint16: year index + 1, issuer index, type index, campaign
  start and end (days since 1970-01-01, 0 when unknown) and the sort day.
- <dir>/t<n>.bin: the keys (words and pairs) whose text hashes (FNV-1a over
  code points) to bucket n, modulo "buckets": varint key count; per key:
  string key, varint number of plans holding it, varint spelling count; per
  spelling: string spelling (empty for a pair: its key), one byte form,
  varint posting count, varint byte length, then the postings. Form 0
  (sparse): per posting, varint plan-id delta (from the previous posting,
  the first from 0), then per posting one score byte (the last "count"
  bytes: deltas are read without the scores in between, in C where
  possible). Form 1 (dense, when smaller: words
  most plans hold): one score byte per plan up to the last plan holding it,
  0 where absent.
- <dir>/v<n>.json: for prefix search (the word being typed), the word keys
  whose first "prefix" characters hash to n modulo "vocab":
  {"th": [["thi", 9876], ...]} (key, plans holding it).
- <dir>/m<n>.json: what a result shows, for plans n*shard .. n*shard+shard-1:
  [slug, title, number, date of issue, issuing body, lead, start, end].
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from array import array
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, count, pairwise, repeat
from operator import le, rshift, sub
from pathlib import Path
from typing import IO, NamedTuple

from .dates import format_date
from .folding import fold
from .loader import Content
from .models import Plan, unpack_text
from .pages import page_title, sort_key

log = logging.getLogger(__name__)

INDEX_DIR = "tim-kiem"
MANIFEST = "chi-muc.json"
INDEX_FILES = "chi-muc"
FORMAT_VERSION = 3
LEAD_WORDS = 40
# Plans per metadata file: the ten results of a page sit in up to ten files,
# so small files keep a query's bytes low (32 per file cost 130 KB a query).
META_SHARD = 4
BUCKET_BYTES = 8 * 1024  # target size of a postings file: a query reads ~10
SPARSE, DENSE = 0, 1  # how a postings list is stored (see the module docstring)
TF_CAP = 64  # weighted counts above this score as this (the curve is flat there)
VOCAB_BUCKETS = 64
PREFIX_CHARS = 2
MAX_WORD = 40
K1, B = 1.2, 0.75
TITLE_WEIGHT, FACTS_WEIGHT, BODY_WEIGHT = 7, 2, 1
EPOCH = dt.date(1970, 1, 1)

_WORD_RE = re.compile(r"\w+")
_HEADING_RE = re.compile(r"^#{1,6}\s")
_LIST_MARK_RE = re.compile(r"^(?:[-*+]\s+|\d+(?:\\?[.)]|\.\d+)*\s+)")
_MARKUP_RE = re.compile(r"[*_`>#|\\]+")


class IndexingError(RuntimeError):
    """The search index could not be written; the message says why."""


def fnv1a(text: str) -> int:
    """FNV-1a (32 bits) over the code points of `text`; search.js has the same."""
    value = 0x811C9DC5
    for char in text:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value


def put_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def put_string(out: bytearray, text: str) -> None:
    data = text.encode("utf-8")
    put_varint(out, len(data))
    out += data


def lead(body: str, limit: int = LEAD_WORDS) -> str:
    """A few words that say what the plan is about, for the result list.

    Plans open with their legal grounds ("Căn cứ…", "Thực hiện…"); the first
    paragraph under the first heading (the plan's purpose) says more, so it is
    preferred when there is a heading.
    """
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    first_heading = next((i for i, p in enumerate(paragraphs) if _HEADING_RE.match(p)), None)
    start = 0 if first_heading is None else first_heading + 1
    for paragraph in paragraphs[start:] + paragraphs[:start]:
        if _HEADING_RE.match(paragraph):
            continue
        text = _MARKUP_RE.sub("", _LIST_MARK_RE.sub("", paragraph.split("\n")[0]))
        words = text.split()
        if words:
            return " ".join(words[:limit]) + ("…" if len(words) > limit else "")
    return ""


def weighted_terms(plan: Plan, body: str | None = None) -> tuple[Counter[str], Counter[str]]:
    """The plan's words (each spelling, lower case) and its pairs of adjacent
    words (folded keys "a b", in reading order), with their weighted counts.
    `body`, when given, is `plan.body` already unpacked."""
    title, facts, kind = _weighted_texts(plan)
    return _weighted_terms(plan.body if body is None else body, title, facts, kind)


def _weighted_texts(plan: Plan) -> tuple[str, str, str]:
    """The texts counted besides the body: the title (x7), the issuing body
    and themes (x2), the number and type (x1); each a new string."""
    m = plan.meta
    return (
        page_title(plan),
        " ".join([plan.issuer.name, plan.issuer.short_name, *m.themes]),
        " ".join([m.number or "", m.doc_type]),
    )


def _weighted_terms(
    body: str, title: str, facts: str, kind: str
) -> tuple[Counter[str], Counter[str]]:
    """`weighted_terms` of a plan's body and `_weighted_texts`."""
    parts = (
        (BODY_WEIGHT, body),  # first: counted in C, the rest added
        (TITLE_WEIGHT, title),
        (FACTS_WEIGHT, facts),
        (BODY_WEIGHT, kind),
    )
    words: Counter[str] | None = None
    pairs: Counter[str] = Counter()
    for weight, text in parts:
        lowered = text.lower()
        found = _WORD_RE.findall(lowered)
        adjacent = Counter(map(" ".join, pairwise(folded_words(lowered, found))))
        if words is None:  # the body, weight 1
            words = Counter(found)
            for word in [word for word in words if len(word) > MAX_WORD]:
                del words[word]
            pairs = adjacent
            continue
        for word, times in Counter(found).items():
            if len(word) <= MAX_WORD:
                words[word] += weight * times
        for pair, times in adjacent.items():
            pairs[pair] += weight * times
    assert words is not None
    return words, pairs


# Characters between words that folding leaves between words (no
# decomposition, nothing combines with them): besides ASCII, the general
# punctuation block (dashes, quotation marks). A text holding any other
# character outside its words is folded whole (see `folded_words`).
_PLAIN_GAPS_RE = re.compile(r"[^\w\x00-\x7f\u2010-\u2027\u2030-\u205e]")
# Each word folded once per process (a plan's words are mostly known ones),
# when its folded form is one word.
_folded: dict[str, str] = {}
_FOLDED_MAX = 100_000


def folded_words(lowered: str, found: list[str]) -> list[str]:
    """`_WORD_RE.findall(fold(lowered))`, given `found`, the words of
    `lowered` (`_WORD_RE.findall(lowered)`).

    Folding the text whole (decomposing it, removing its marks, composing it
    again) and finding its words once more took two fifths of the index's
    build; folding each distinct word once gives the same words when nothing
    between them changes or combines in folding (`_PLAIN_GAPS_RE`) and each
    word folds to one word; otherwise the text is folded whole.
    """
    if _PLAIN_GAPS_RE.search(lowered) is None:
        folded = list(map(_folded.get, found))
        if None not in folded:
            return folded  # type: ignore[return-value]
        if len(_folded) > _FOLDED_MAX:
            _folded.clear()
        for word in set(found).difference(_folded):
            plain = fold(word)
            if not _WORD_RE.fullmatch(plain):
                break
            _folded[word] = plain
        else:
            return list(map(_folded.__getitem__, found))
    return _WORD_RE.findall(fold(lowered))


# A posting while the index is built: the plan id shifted left by
# _COUNT_BITS, or'ed with its weighted count (at most TF_CAP), one uint32 in
# one array per spelling or pair: one object and one append per posting, and
# each posting is the index of its score in a flat table (`_score_bytes`).
_COUNT_BITS = 7
MAX_PLANS = 1 << (32 - _COUNT_BITS)
_consume = deque(maxlen=0).extend  # runs an iterator of calls in C
# Postings held by an IndexBuilder before they are written aside (8 MB), and
# the parts they are filed in, read back one at a time.
SPILL_POSTINGS = 1 << 21
PARTS = 64


def _docs(postings: array[int]) -> list[int]:
    return list(map(rshift, postings, repeat(_COUNT_BITS)))


def encode_varints(values: Sequence[int]) -> bytearray:
    """Numbers as varints; the runs of one-byte ones are copied in C."""
    if max(values) < 0x80:
        return bytearray(values)
    out = bytearray()
    done = 0
    for at in compress(count(), map(le, repeat(0x80), values)):
        out += bytes(values[done:at])
        put_varint(out, values[at])
        done = at + 1
    out += bytes(values[done:])
    return out


def encode_postings(docs: Sequence[int], scores: bytes) -> bytes:
    """Sparse (plan-id deltas, then scores) or dense (a score per plan up to
    the last holding it), the smaller; with its form, count and length."""
    sparse = encode_varints([docs[0], *map(sub, docs[1:], docs[:-1])])
    sparse += scores
    form, data = SPARSE, sparse
    if len(sparse) > docs[-1] + 1:
        form, data = DENSE, bytearray(docs[-1] + 1)
        _consume(map(data.__setitem__, docs, scores))
    out = bytearray([form])
    put_varint(out, len(docs))
    put_varint(out, len(data))
    return bytes(out + data)


def reference_length(total: int, plans: int) -> float:
    """The plans' average length, to two significant digits (see the docstring)."""
    return float(f"{total / plans:.2g}") if total and plans else 1.0


def bucket_count(total: int) -> int:
    """How many postings files for `total` bytes of postings (a power of two)."""
    buckets = 1
    while buckets * BUCKET_BYTES < total:
        buckets *= 2
    return buckets


def score_table(length: int, average: float) -> bytes:
    """BM25's term-frequency part, quantised to 1..255, for counts 0..TF_CAP."""
    norm = K1 * (1 - B + B * length / average)
    return bytes(
        [0] + [max(1, min(255, round(tf / (tf + norm) * 255))) for tf in range(1, TF_CAP + 1)]
    )


def _add(postings: dict[str, array[int]], counts: Counter[str], doc: int) -> None:
    cap = TF_CAP
    base = doc << _COUNT_BITS
    get = postings.get
    for term, tf in counts.items():
        entry = get(term)
        if entry is None:
            entry = postings[term] = array("I")
        entry.append(base | (tf if tf < cap else cap))


def _day(day: dt.date | None) -> int:
    return (day - EPOCH).days if day else 0


class IndexEntry(NamedTuple):
    """What the index needs of one plan (`index_entry`), as the build hands
    it to the indexing child: the texts it counts, its metadata row but the
    lead, its row of docs.bin.

    The plan's own strings travel as UTF-8 bytes: pickling a str makes
    CPython keep a UTF-8 copy inside it for as long as it lives, and the
    plans live to the end of the build (3.7 KB a plan, measured). The
    other strings here are made for the entry and go with it.
    """

    packed_body: bytes
    title: str
    facts_text: str
    kind_text: str
    slug: bytes
    number: bytes
    issued: str
    short_name: bytes
    doc_type: bytes
    period_start: str
    period_end: str
    year: int | None
    start_day: int
    end_day: int
    sort_day: int


def index_entry(plan: Plan) -> IndexEntry:
    """What the index needs of `plan` (see `IndexEntry`)."""
    m = plan.meta
    period = m.period
    facts = _facts(plan)
    return IndexEntry(
        plan.packed_body,
        *_weighted_texts(plan),
        plan.slug.encode(),
        (m.number or "").encode(),
        format_date(m.issued) if m.issued else "",
        plan.issuer.short_name.encode(),
        m.doc_type.encode(),
        period.start.isoformat() if period else "",
        period.end.isoformat() if period else "",
        facts[0],
        *facts[3:],
    )


def _facts(plan: Plan) -> tuple[int | None, str, str, int, int, int]:
    """The plan's row of docs.bin (what filters and the date sort read)."""
    period = plan.meta.period
    sort_day = dt.date.fromisoformat(sort_key(plan)) if plan.meta.issued or plan.year else None
    return (
        plan.year,
        plan.issuer.short_name,
        plan.meta.doc_type,
        _day(period.start) if period else 0,
        _day(period.end) if period else 0,
        _day(sort_day),
    )


class IndexBuilder:
    """The index, fed one plan at a time by id (oldest first: the reverse
    of the site's order).

    Only what the index keeps is held (one metadata row as JSON and one
    table row per plan), never the plans: the build's indexing process reads
    their entries (`IndexEntry`) one by one. The postings of the latest
    plans are held too; every `SPILL_POSTINGS` they are written aside into
    a temporary file (in `spill_dir`, else the system's), filed by their
    key's part (`PARTS`), and `write` reads them back one part at a time.
    Held whole, the postings were about 9 KB a plan at 10,000 plans (one
    uint32 each), most of the indexing process's memory when the build's
    peak falls, while MkDocs renders.
    """

    def __init__(self, spill_dir: Path | None = None) -> None:
        self.spill_dir = spill_dir
        # The postings since the last spill, by spelling and by pair.
        self.spellings: dict[str, array[int]] = {}
        self.pairs: dict[str, array[int]] = {}
        self._held = 0
        self._spilled: IO[bytes] | None = None
        self._spilled_bytes = 0
        # Every key (spelling or pair) spilled so far, numbered, and its part.
        self._key_ids: dict[str, int] = {}
        self._keys: list[str] = []
        self._key_parts = array("B")
        # Per spill, per part: where its postings are in the file, their
        # byte length, the keys' numbers and their posting counts.
        self._spills: list[list[tuple[int, int, array[int], array[int]]]] = []
        self.lengths: list[int] = []
        self.rows: list[bytes] = []  # each plan's metadata row, as JSON
        self.facts: list[tuple[int | None, str, str, int, int, int]] = []
        self._names: dict[str, str] = {}  # one string per issuing body and type

    def add(self, plan: Plan) -> None:
        self.add_entry(index_entry(plan))

    def add_entry(self, entry: IndexEntry) -> None:
        doc = len(self.lengths)
        if doc >= MAX_PLANS:
            raise IndexingError(f"Chỉ mục tìm kiếm nhận tối đa {MAX_PLANS} kế hoạch.")
        body = unpack_text(entry.packed_body)
        words, pairs = _weighted_terms(body, entry.title, entry.facts_text, entry.kind_text)
        self.lengths.append(sum(words.values()))
        _add(self.spellings, words, doc)
        _add(self.pairs, pairs, doc)
        self._held += len(words) + len(pairs)
        if self._held >= SPILL_POSTINGS:
            self._spill()
        name = self._names.setdefault
        short_name = name(short := entry.short_name.decode(), short)
        doc_type = name(kind := entry.doc_type.decode(), kind)
        row = [
            entry.slug.decode(),
            entry.title,
            entry.number.decode(),
            entry.issued,
            short_name,
            lead(body),
            entry.period_start,
            entry.period_end,
        ]
        self.rows.append(json_bytes(row))
        self.facts.append(
            (entry.year, short_name, doc_type, entry.start_day, entry.end_day, entry.sort_day)
        )

    def add_facts(self, plan: Plan) -> None:
        """The plan's row of docs.bin only (what filters and the date sort read)."""
        self.facts.append(_facts(plan))

    def lists(self) -> tuple[list[int], list[str], list[str]]:
        """The years (newest first), issuing bodies and types the filters offer."""
        years = sorted({f[0] for f in self.facts if f[0]}, reverse=True)
        issuers = sorted({f[1] for f in self.facts})
        types = sorted({f[2] for f in self.facts})
        return years, issuers, types

    def docs_table(self, years: list[int], issuers: list[str], types: list[str]) -> bytes:
        year_index = {y: i for i, y in enumerate(years)}
        issuer_index = {k: i for i, k in enumerate(issuers)}
        type_index = {t: i for i, t in enumerate(types)}
        table = bytearray()
        for year, issuer, doc_type, start, end, day in self.facts:
            values = (
                year_index[year] + 1 if year else 0,
                issuer_index[issuer],
                type_index[doc_type],
                start,
                end,
                day,
            )
            for value in values:
                table += value.to_bytes(2, "little")
        return bytes(table)

    def files(self) -> tuple[dict[str, bytes], dict[str, object]]:
        """Every file of the index (name -> bytes) and the manifest, without the folder."""
        files: dict[str, bytes] = {}
        manifest = self.write(files.__setitem__)
        return files, manifest

    def _spill(self) -> None:
        """Write the postings held aside, each key's part together, and let them go."""
        if self._spilled is None:
            # Lives from the first spill to `write` (unnamed: gone with the process).
            self._spilled = tempfile.TemporaryFile(dir=self.spill_dir, buffering=0)  # noqa: SIM115
        by_part: list[list[tuple[int, array[int]]]] = [[] for _ in range(PARTS)]
        key_ids, parts = self._key_ids, self._key_parts
        for table in (self.spellings, self.pairs):
            for key, entry in table.items():
                key_id = key_ids.get(key)
                if key_id is None:
                    key_id = key_ids[key] = len(self._keys)
                    self._keys.append(key)
                    parts.append(_part(key))
                by_part[parts[key_id]].append((key_id, entry))
        spill = []
        for held in by_part:
            data = b"".join([entry.tobytes() for _, entry in held])
            ids = array("I", [key_id for key_id, _ in held])
            counts = array("I", [len(entry) for _, entry in held])
            spill.append((self._spilled_bytes, len(data), ids, counts))
            self._spilled.write(data)
            self._spilled_bytes += len(data)
        self._spills.append(spill)
        self.spellings, self.pairs, self._held = {}, {}, 0

    def _part_postings(self, part: int) -> dict[str, array[int]]:
        """The whole postings of the keys in `part`, read back from every spill."""
        assert self._spilled is not None
        postings: dict[str, array[int]] = {}
        get, keys, fd = postings.get, self._keys, self._spilled.fileno()
        for spill in self._spills:
            offset, size, ids, counts = spill[part]
            data = memoryview(os.pread(fd, size, offset))
            at = 0
            for key_id, posted in zip(ids, counts, strict=True):
                key = keys[key_id]
                entry = get(key)
                if entry is None:
                    entry = postings[key] = array("I")
                end = at + 4 * posted
                entry.frombytes(data[at:end])
                at = end
        return postings

    def _write_blocks(self, scores: bytes, out: IO[bytes]) -> tuple[dict[str, int], dict[str, int]]:
        """Every key's block (its postings encoded) into `out`, one part at a
        time; where each is (offset << 32 | length, by key) and how many
        plans hold each word."""
        self._spill()  # the last plans' postings too: every part is read back alike
        placed: dict[str, int] = {}
        holders: dict[str, int] = {}
        offset = 0
        for part in range(PARTS):
            postings = self._part_postings(part)
            words: dict[str, dict[str, array[int]]] = {}
            pairs: list[str] = []
            for key in sorted(postings):
                if " " in key:
                    pairs.append(key)
                else:
                    words.setdefault(fold(key), {})[key] = postings[key]
            blocks: list[tuple[str, bytes]] = []
            for key, spellings in words.items():
                if len(spellings) == 1:
                    holders[key] = len(next(iter(spellings.values())))
                else:
                    holders[key] = len(set().union(*map(_docs, spellings.values())))
                block = bytearray()
                put_string(block, key)
                put_varint(block, holders[key])
                put_varint(block, len(spellings))
                for spelling, entry in spellings.items():
                    put_string(block, spelling)
                    block += _encode(entry, scores)
                blocks.append((key, block))
            for key in pairs:
                entry = postings[key]
                block = bytearray()
                put_string(block, key)
                put_varint(block, len(entry))
                put_varint(block, 1)
                put_string(block, "")  # a pair's one spelling is its key
                block += _encode(entry, scores)
                blocks.append((key, block))
            for key, block in blocks:
                out.write(block)
                placed[key] = offset << 32 | len(block)
                offset += len(block)
        return placed, holders

    def write(self, sink: Callable[[str, bytes], None]) -> dict[str, object]:
        """Hand every file of the index to `sink(name, data)`, one at a time
        (a large index is never whole in memory); returns the manifest,
        without the folder. The builder's postings are used up."""
        n = len(self.lengths)
        years, issuers, types = self.lists()
        reference = reference_length(sum(self.lengths), n)
        scores = _score_bytes([score_table(length, reference) for length in self.lengths])
        with tempfile.TemporaryFile(dir=self.spill_dir, buffering=0) as blocks:
            placed, holders = self._write_blocks(scores, blocks)
            if self._spilled is not None:
                self._spilled.close()
                self._spilled = None
            self._spills.clear()
            total = sum(at & 0xFFFFFFFF for at in placed.values())
            buckets = bucket_count(total)
            by_bucket: dict[int, list[str]] = {}
            by_prefix: dict[int, dict[str, list[list[object]]]] = {}
            # Words (by their folded key), then pairs, each in order.
            for key in sorted(holders) + sorted(k for k in placed if k not in holders):
                by_bucket.setdefault(fnv1a(key) % buckets, []).append(key)
                if key in holders:
                    prefix = key[:PREFIX_CHARS]
                    vocab = by_prefix.setdefault(fnv1a(prefix) % VOCAB_BUCKETS, {})
                    vocab.setdefault(prefix, []).append([key, holders[key]])
            files = {"docs.bin": partial(self.docs_table, years, issuers, types)}
            for bucket, keys in by_bucket.items():
                files[f"t{bucket}.bin"] = partial(_bucket_file, keys, placed, blocks.fileno())
            for bucket, vocab in by_prefix.items():
                files[f"v{bucket}.json"] = partial(json_bytes, vocab)
            for start in range(0, n, META_SHARD):
                rows = self.rows[start : start + META_SHARD]
                files[f"m{start // META_SHARD}.json"] = partial(_json_list, rows)
            for name in sorted(files):  # in name order: `write_streamed` hashes them as they come
                sink(name, files.pop(name)())
        manifest: dict[str, object] = {
            "version": FORMAT_VERSION,
            "docs": n,
            "buckets": buckets,
            "vocab": VOCAB_BUCKETS,
            "prefix": PREFIX_CHARS,
            "shard": META_SHARD,
            "years": [str(y) for y in years],
            "issuers": issuers,
            "types": types,
            "length": sum(self.lengths),
            "bytes": total,
        }
        return manifest


def _part(key: str) -> int:
    """The part a key's postings are spilled into: a word's spellings go
    together (one block holds them all)."""
    return hash(key if " " in key else fold(key)) % PARTS


def _bucket_file(keys: list[str], placed: dict[str, int], fd: int) -> bytes:
    """A postings file: its keys' blocks, read from the file `fd` (see `_write_blocks`)."""
    out = bytearray()
    put_varint(out, len(keys))
    for key in keys:
        at = placed.pop(key)
        out += os.pread(fd, at & 0xFFFFFFFF, at >> 32)
    return bytes(out)


def _json_list(items: list[bytes]) -> bytes:
    """`json_bytes` of a list, given its items' `json_bytes`."""
    return b"[" + b",".join(items) + b"]"


def _score_bytes(tables: list[bytes]) -> bytes:
    """The score tables of every plan, each padded to 1 << _COUNT_BITS
    bytes: a posting is its own score's index in them."""
    pad = bytes((1 << _COUNT_BITS) - (TF_CAP + 1))
    return b"".join(table + pad for table in tables)


def _encode(postings: array[int], scores: bytes) -> bytes:
    return encode_postings(_docs(postings), bytes(map(scores.__getitem__, postings)))


def metadata_row(plan: Plan, body: str | None = None) -> list[str]:
    """What a result shows; `body`, when given, is `plan.body` already unpacked."""
    m = plan.meta
    return [
        plan.slug,
        page_title(plan),
        m.number or "",
        format_date(m.issued) if m.issued else "",
        plan.issuer.short_name,
        lead(plan.body if body is None else body),
        m.period.start.isoformat() if m.period else "",
        m.period.end.isoformat() if m.period else "",
    ]


def index_files(content: Content) -> tuple[dict[str, bytes], dict[str, object]]:
    """Every file of the index of `content` and the manifest."""
    builder = IndexBuilder()
    for plan in reversed(content.plans):
        builder.add(plan)
    return builder.files()


def json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_index(content: Content, site_dir: Path) -> Path:
    """Write the index of `content` under `site_dir/tim-kiem/`; returns the manifest's path."""
    return write_files(*index_files(content), site_dir)


def write_files(files: dict[str, bytes], manifest: dict[str, object], site_dir: Path) -> Path:
    """Write an index's files into its hashed folder, then the manifest naming it."""
    return write_streamed(lambda sink: _hand_over(files, sink, manifest), site_dir)


def _hand_over(
    files: dict[str, bytes], sink: Callable[[str, bytes], None], manifest: dict[str, object]
) -> dict[str, object]:
    for name, data in files.items():
        sink(name, data)
    return manifest


def write_streamed(
    produce: Callable[[Callable[[str, bytes], None]], dict[str, object]], site_dir: Path
) -> Path:
    """Write the files `produce(sink)` hands over into a folder, name the folder
    by their hash (of the files in name order: made as they come when they
    come in that order, else read back), then write the manifest."""
    root = site_dir / INDEX_DIR
    unfinished = root / INDEX_FILES / ".partial"
    shutil.rmtree(unfinished, ignore_errors=True)
    unfinished.mkdir(parents=True)
    names: list[str] = []
    digest = hashlib.sha256()
    in_order = [True]

    def sink(name: str, data: bytes) -> None:
        (unfinished / name).write_bytes(data)
        if in_order[0] and (not names or names[-1] < name):
            digest.update(name.encode() + b"\0" + data)
        else:
            in_order[0] = False
        names.append(name)

    manifest = produce(sink)
    if not in_order[0]:
        digest = hashlib.sha256()
        for name in sorted(names):
            digest.update(name.encode() + b"\0" + (unfinished / name).read_bytes())
    folder_name = f"{INDEX_FILES}/{digest.hexdigest()[:12]}"
    folder = root / folder_name
    if folder.exists():
        shutil.rmtree(unfinished)  # the same index is there already
    else:
        unfinished.rename(folder)
    manifest["dir"] = folder_name
    (root / MANIFEST).write_bytes(json_bytes(manifest))
    return root / MANIFEST


def replace_index(content: Content, site_dir: Path) -> None:
    """Write the index of `content` aside, then put it in place of the one
    in `site_dir` (the previous index's folder goes with it)."""
    staging = Path(tempfile.mkdtemp(prefix=".search-", dir=site_dir.parent))
    try:
        write_index(content, staging)
        _install(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _install(staging: Path, site_dir: Path) -> None:
    """Move the index written under `staging` into the site, in place of
    the one there (its hashed folders and its manifest)."""
    target = site_dir / INDEX_DIR
    target.mkdir(parents=True, exist_ok=True)
    for item in (staging / INDEX_DIR).iterdir():
        shutil.rmtree(target / item.name, ignore_errors=True)
        shutil.move(item, target / item.name)


@dataclass
class Indexing:
    """The index being written by a child process while MkDocs builds."""

    process: subprocess.Popen[str]
    staging: Path

    def finish(self, site_dir: Path) -> None:
        """Wait for the child, then move the index into the built site."""
        out, _ = self.process.communicate()
        try:
            if self.process.returncode != 0:
                raise IndexingError(f"Không tạo được chỉ mục tìm kiếm:\n{out}")
            _install(self.staging, site_dir)
        finally:
            shutil.rmtree(self.staging, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the child if it still runs and forget its files (also once finished)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.staging, ignore_errors=True)


def start_indexing(content: Content, staging: Path, background: bool = False) -> Indexing:
    """Index `content` into `staging` in a child process (the second core).

    The child reads what the index needs of each plan (`IndexEntry`) from a
    file, pickled one by one by id (oldest first), and keeps only what the
    index holds: pickling costs a fraction of reading the plan's file again
    (1.6 ms a plan, YAML and validation), and holding the plans twice would
    double the build's memory. A `background` child runs at a lower priority (the
    editors' preview: it must not slow the next update).
    """
    plans = staging / "plans.pickle"
    with plans.open("wb") as out:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        for plan in reversed(content.plans):  # oldest first
            pickler.dump(index_entry(plan))
            pickler.clear_memo()  # each plan on its own: the child lets it go once added
    command = [sys.executable, "-m", "sitegen.search", str(plans), str(staging)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=_lower_priority if background else None,
    )
    return Indexing(process, staging)


def _lower_priority() -> None:
    os.nice(10)


def index_plan_files(plans: Path) -> IndexBuilder:
    """The index of the plans whose entries are pickled one after the other
    in the file `plans` (see `start_indexing`), read one at a time."""
    builder = IndexBuilder(spill_dir=plans.parent)
    with plans.open("rb") as source:
        while True:
            try:
                entry = pickle.load(source)
            except EOFError:
                return builder
            builder.add_entry(entry)


def main(argv: list[str]) -> int:
    gc.disable()  # a short-lived process whose objects all live to its end
    plans, staging = (Path(a) for a in argv)
    write_streamed(index_plan_files(plans).write, staging)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
