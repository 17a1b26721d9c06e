"""Patching the previous build's search index instead of writing it again.

This module owns turning the index of one content into the index of the
next, in place, when a few plans changed: the result is the files a full
index (`sitegen.search.IndexBuilder`) of the new content writes, byte for
byte. It reads the format described in sitegen.search and writes through
the same encoders. A patch is possible when few plans changed, were added
or removed (anywhere in the order), and the reference length and the number
of postings files stay the same; otherwise `patch_index` says so and
changes nothing, and the caller writes the index in full.

A posting's score depends only on its plan and the reference length, so
the other plans' postings are kept as they are: only the keys (words and
pairs) of the changed plans are decoded and encoded again. A plan added or
removed among older ones moves the ids of the plans after it by one: then
every key holding one of those plans has its ids moved (a byte inserted or
taken out of dense postings, one delta moved in sparse ones) and is encoded
again, without reading any plan.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate
from pathlib import Path

from .folding import fold
from .models import Plan
from .search import (
    DENSE,
    FORMAT_VERSION,
    INDEX_DIR,
    INDEX_FILES,
    MANIFEST,
    META_SHARD,
    PREFIX_CHARS,
    SPARSE,
    TF_CAP,
    IndexBuilder,
    bucket_count,
    encode_postings,
    encode_varints,
    fnv1a,
    json_bytes,
    metadata_row,
    put_string,
    put_varint,
    reference_length,
    score_table,
    weighted_terms,
)

# Beyond this many changed plans (and a twentieth of the plans), writing the
# index again is about as quick: a changed plan touches about a thousand keys.
MANY_PLANS = 16


class _Reader:
    __slots__ = ("at", "data")

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def varint(self) -> int:
        data, at = self.data, self.at
        value = data[at]
        at += 1
        if value >= 0x80:
            value &= 0x7F
            shift = 7
            while True:
                byte = data[at]
                at += 1
                value |= (byte & 0x7F) << shift
                if byte < 0x80:
                    break
                shift += 7
        self.at = at
        return value

    def string(self) -> str:
        length = self.varint()
        start = self.at
        self.at += length
        return self.data[start : self.at].decode("utf-8")


@dataclass
class _Spelling:
    """One spelling's postings as stored: its form, count and data."""

    form: int
    count: int
    data: bytes


# A key as stored: its block's bytes, its holders and its spellings (a
# pair's one spelling is "").
_Block = tuple[bytes, int, dict[str, _Spelling]]


def _split_bucket(data: bytes) -> dict[str, _Block]:
    """Each key of a postings file, in file order."""
    reader = _Reader(data)
    keys = {}
    for _ in range(reader.varint()):
        start = reader.at
        key = reader.string()
        holders = reader.varint()
        spellings = {}
        for _ in range(reader.varint()):
            spelling = reader.string()
            form = data[reader.at]
            reader.at += 1
            count = reader.varint()
            length = reader.varint()
            spellings[spelling] = _Spelling(form, count, data[reader.at : reader.at + length])
            reader.at += length
        keys[key] = (data[start : reader.at], holders, spellings)
    return keys


def _docs_and_scores(posted: _Spelling) -> tuple[list[int], bytearray]:
    """The plan ids (ascending) and their scores."""
    data = posted.data
    if posted.form == DENSE:
        docs = [doc for doc, score in enumerate(data) if score]
        return docs, bytearray(data[doc] for doc in docs)
    count = posted.count
    return list(accumulate(_varints(data[:-count]))), bytearray(data[-count:])


# A varint of two bytes or more: continuation bytes, then its last byte.
_LONG_VARINT = re.compile(rb"([\x80-\xff]+[\x00-\x7f])")


def _varints(stream: bytes) -> bytes | list[int]:
    """The numbers of a stream of varints (runs of one-byte ones in C)."""
    if stream.isascii():  # all of one byte, the usual case: the bytes are the numbers
        return stream
    values: list[int] = []
    for at, part in enumerate(_LONG_VARINT.split(stream)):
        if at % 2 == 0:
            values += part
        else:
            values.append(_Reader(part).varint())
    return values


def _holds(posted: _Spelling, doc: int) -> bool:
    if posted.form == DENSE:
        return doc < len(posted.data) and posted.data[doc] != 0
    docs, _ = _docs_and_scores(posted)
    at = bisect_left(docs, doc)
    return at < len(docs) and docs[at] == doc


class _Moves:
    """Where the plans that stay go: their old ids to their new ones, as
    runs (first old id, first new id, length), in order. Plans in no run
    were removed (old ids) or added (new ids)."""

    def __init__(self, runs: list[tuple[int, int, int]], size: int) -> None:
        self.runs = [run for run in runs if run[2]]
        self.size = size  # the plans after
        moving = [run for run in self.runs if run[0] != run[1]]
        self.first = moving[0][0] if moving else None  # the first old id that moves
        self.first_new = moving[0][1] if moving else None  # and its new id

    def dense(self, data: bytearray) -> bytearray:
        """Dense postings (by old id) at the new ids."""
        if self.first is None or len(data) <= self.first:
            return data
        out = bytearray(self.size)
        for old, new, length in self.runs:
            part = data[old : old + length]
            out[new : new + len(part)] = part
        return out

    def sparse(self, docs: list[int]) -> list[int]:
        """Ascending old ids of plans that stay, as new ids."""
        if self.first is None or not docs or docs[-1] < self.first:
            return docs
        spans = [
            (bisect_left(docs, old), bisect_left(docs, old + length), new - old)
            for old, new, length in self.runs
            if old != new
        ]
        for start, end, shift in spans:
            docs[start:end] = [doc + shift for doc in docs[start:end]]
        return docs

    def old_ids(self) -> list[int | None]:
        """Each new id's old id (None: an added plan)."""
        ids: list[int | None] = [None] * self.size
        for old, new, length in self.runs:
            ids[new : new + length] = range(old, old + length)
        return ids

    def moves(self, posted: _Spelling) -> bool:
        """Whether any plan holding these postings moves."""
        if self.first is None:
            return False
        if posted.form == DENSE:
            return len(posted.data) > self.first
        return sum(_varints(posted.data[: -posted.count])) >= self.first


_STAY = _Moves([], 0)  # no plan moves


def _patched(
    posted: _Spelling | None,
    leaving: set[int],
    arriving: dict[int, int],
    moves: _Moves = _STAY,
) -> bytes:
    """A spelling's postings after the plans `leaving` (old ids) went, the
    others moved (`moves`) and `arriving` ({new id: score}) came, encoded
    as `encode_postings` would (b"": none).

    Dense postings are changed in place, a byte per plan; the sparse form
    is only worked out when it may be the smaller.
    """
    if posted is not None and posted.form == DENSE:
        data = bytearray(posted.data)
        for doc in leaving:
            if doc < len(data):
                data[doc] = 0
        data = moves.dense(data)
        for doc, score in arriving.items():
            if doc >= len(data):
                data.extend(bytes(doc + 1 - len(data)))
            data[doc] = score
        data = data.rstrip(b"\0")
        if not data:
            return b""
        count = len(data) - data.count(0)
        if _sparse_length(data, count) > len(data):
            return _encoded(DENSE, count, data)
        posted = _Spelling(DENSE, count, bytes(data))
        leaving, arriving, moves = set(), {}, _STAY
    docs, scores = _docs_and_scores(posted) if posted is not None else ([], bytearray())
    for doc in leaving:
        at = bisect_left(docs, doc)
        if at < len(docs) and docs[at] == doc:
            del docs[at], scores[at]
    docs = moves.sparse(docs)
    for doc, score in arriving.items():
        at = bisect_left(docs, doc)
        docs.insert(at, doc)
        scores.insert(at, score)
    return encode_postings(docs, bytes(scores)) if docs else b""


def _moved_block(key: str, stored: _Block, moves: _Moves) -> bytes:
    """A key's block with its plans at their new ids (the block itself when
    none of them moves)."""
    block, holders, spellings = stored
    moved = {name: _moved(posted, moves) for name, posted in spellings.items()}
    if not any(moved.values()):
        return block
    out = bytearray(_head(key, holders, len(spellings)))
    for name, posted in spellings.items():
        put_string(out, name)
        out += moved[name] or _encoded(posted.form, posted.count, posted.data)
    return bytes(out)


def _moved(posted: _Spelling, moves: _Moves) -> bytes | None:
    """A spelling's postings with its plans at their new ids, encoded as
    `encode_postings` would (None when none of them moves).

    In sparse postings only the delta of each run's first plan changes
    (the plans of a run move together): those are set, the rest copied.
    """
    if posted.form == DENSE:
        return _patched(posted, set(), {}, moves) if moves.moves(posted) else None
    count = posted.count
    values = _varints(posted.data[:-count])
    docs = list(accumulate(values))
    if moves.first is None or docs[-1] < moves.first:
        return None
    deltas = list(values)
    last = 0  # the new id of the posting before
    for old, new, length in moves.runs:
        start = bisect_left(docs, old)
        end = bisect_left(docs, old + length, start)
        if start < end:
            deltas[start] = docs[start] + new - old - last
            last = docs[end - 1] + new - old
    sparse = encode_varints(deltas) + posted.data[-count:]
    if len(sparse) > last + 1:  # the dense form is the smaller now
        return _patched(posted, set(), {}, moves)
    return _encoded(SPARSE, count, sparse)


def _encoded(form: int, count: int, data: bytes | bytearray) -> bytes:
    """A spelling's postings as stored: form, count, length, data."""
    out = bytearray([form])
    put_varint(out, count)
    put_varint(out, len(data))
    return bytes(out + data)


def _sparse_length(dense: bytes, count: int) -> int:
    """The bytes of the sparse form of these dense postings: a score byte
    and a varint delta per plan; deltas of 128 or more only cross a run of
    127 zeros or more."""
    length = 2 * count
    for run in _ZERO_RUN.finditer(dense):
        delta = run.end() - run.start() + (run.start() > 0)
        length += (delta.bit_length() - 1) // 7
    return length


_ZERO_RUN = re.compile(rb"\x00{127,}")


def _patch_block(
    key: str,
    stored: _Block | None,
    leaving: set[int],
    arriving: dict[int, dict[str, int]],
    moves: _Moves,
) -> tuple[bytes, int]:
    """A key's block once the plans `leaving` (old ids) left it, the others
    moved and the plans `arriving` ({new id: {spelling: score}}) came (b"":
    the key is gone), and its holders."""
    _, holders, spellings = stored if stored is not None else (b"", 0, {})
    names = set(spellings) | {name for scores in arriving.values() for name in scores}
    out = bytearray()
    kept = []
    for name in sorted(names):
        coming = {doc: scores[name] for doc, scores in arriving.items() if name in scores}
        data = _patched(spellings.get(name), leaving, coming, moves)
        if data:
            put_string(out, name)
            out += data
            kept.append(data)
    if not kept:
        return b"", 0
    if " " in key:  # a pair: its one spelling's count
        reader = _Reader(kept[0])
        reader.at = 1  # after the form
        holders = reader.varint()
    else:
        for doc in leaving:
            if any(_holds(posted, doc) for posted in spellings.values()):
                holders -= 1
        holders += len(arriving)
    return _head(key, holders, len(kept)) + out, holders


def _head(key: str, holders: int, spellings: int) -> bytes:
    out = bytearray()
    put_string(out, key)
    put_varint(out, holders)
    put_varint(out, spellings)
    return bytes(out)


def _order(key: str) -> tuple[bool, str]:
    """Keys within a postings file: words, then pairs, each sorted."""
    return (" " in key, key)


@dataclass
class _Terms:
    """A plan's postings by key: key -> spelling -> score ("" for a pair)."""

    length: int
    keys: dict[str, dict[str, int]]


def _terms(plan: Plan, reference: float | None) -> _Terms:
    words, pairs = weighted_terms(plan)
    length = sum(words.values())
    table = score_table(length, reference) if reference is not None else bytes(TF_CAP + 1)
    keys: dict[str, dict[str, int]] = {}
    for word, count in words.items():
        keys.setdefault(fold(word), {})[word] = table[min(count, TF_CAP)]
    for pair, count in pairs.items():
        keys[pair] = {"": table[min(count, TF_CAP)]}
    return _Terms(length, keys)


@dataclass
class _Changes:
    """What changed between two contents, by plan id (oldest first)."""

    moves: _Moves  # the plans that stay
    changed: list[tuple[int, int]]  # edited plans that stay: (old id, new id)
    added: list[int]  # new ids
    removed: list[int]  # old ids

    def count(self) -> int:
        return len(self.changed) + len(self.added) + len(self.removed)


def _changes(before: Sequence[Plan], after: Sequence[Plan]) -> _Changes:
    """The plans that stay (the longest runs of the same slugs in the same
    order), those edited among them, those added and removed. A plan that
    moved in the order (its date changed) was removed and added."""
    old, new = before[::-1], after[::-1]
    matcher = SequenceMatcher(None, [p.slug for p in old], [p.slug for p in new], autojunk=False)
    runs = [run for run in matcher.get_matching_blocks() if run.size]
    changed = [
        (a + k, b + k)
        for a, b, size in runs
        for k in range(size)
        if old[a + k] is not new[b + k] and old[a + k] != new[b + k]
    ]
    stay_old = {a + k for a, _, size in runs for k in range(size)}
    stay_new = {b + k for _, b, size in runs for k in range(size)}
    return _Changes(
        _Moves([tuple(run) for run in runs], len(new)),
        changed,
        [doc for doc in range(len(new)) if doc not in stay_new],
        [doc for doc in range(len(old)) if doc not in stay_old],
    )


def patch_index(site_dir: Path, before: Sequence[Plan], after: Sequence[Plan]) -> bool:
    """Turn the index under `site_dir` (of the plans `before`, in the site's
    order) into the index of `after`, in place; False, with nothing
    changed, when that cannot be done exactly (see the module docstring)."""
    root = site_dir / INDEX_DIR
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    folder = root / str(manifest.get("dir", ""))
    if manifest.get("version") != FORMAT_VERSION or manifest.get("docs") != len(before):
        return False
    if not folder.is_dir() or not after:
        return False
    changes = _changes(before, after)
    moves = changes.moves
    if not changes.count() and moves.first is None:
        return True
    if changes.count() > max(MANY_PLANS, len(after) // 20):
        return False
    old_plans, new_plans = before[::-1], after[::-1]
    reference = reference_length(manifest["length"], len(before))
    was = {d: _terms(old_plans[d], reference) for d, _ in changes.changed}
    was.update((d, _terms(old_plans[d], reference)) for d in changes.removed)
    now = {d: _terms(new_plans[d], reference) for _, d in changes.changed}
    now.update((d, _terms(new_plans[d], reference)) for d in changes.added)
    length = manifest["length"] - sum(t.length for t in was.values())
    length += sum(t.length for t in now.values())
    if reference_length(length, len(after)) != reference:
        return False
    # What each key loses (old ids) and gains (new ids); an edited plan only
    # where its score moved.
    updates: dict[str, tuple[set[int], dict[int, dict[str, int]]]] = {}
    edits: list[tuple[int | None, int | None]] = [*changes.changed]
    edits += [(o, None) for o in changes.removed] + [(None, n) for n in changes.added]
    for old_doc, new_doc in edits:
        old = was[old_doc].keys if old_doc is not None else {}
        new = now[new_doc].keys if new_doc is not None else {}
        for key in old.keys() | new.keys():
            if old.get(key) != new.get(key):
                leaving, arriving = updates.setdefault(key, (set(), {}))
                if key in old:
                    leaving.add(old_doc)
                if key in new:
                    arriving[new_doc] = new[key]
    buckets = manifest["buckets"]
    by_bucket: dict[int, list[str]] = {}
    for key in updates:
        by_bucket.setdefault(fnv1a(key) % buckets, []).append(key)
    # When plans move, every postings file may hold some of them.
    numbers = by_bucket if moves.first is None else range(buckets)

    files: dict[str, bytes | None] = {}  # name -> new content (None: delete)
    total = manifest["bytes"]
    holders_now: dict[str, int] = {}  # word keys whose holders may have moved
    for bucket in numbers:
        keys = by_bucket.get(bucket, [])
        name = f"t{bucket}.bin"
        data = _read(folder, name)
        stored = _split_bucket(data) if data else {}
        blocks = {key: known[0] for key, known in stored.items()}
        for key in keys:
            known = stored.get(key)
            block, holders = _patch_block(key, known, *updates[key], moves)
            total += len(block) - (len(known[0]) if known is not None else 0)
            if block:
                blocks[key] = block
            else:
                blocks.pop(key, None)
            if " " not in key:
                holders_now[key] = holders
        moved = False
        if moves.first is not None:
            for key, known in stored.items():
                if key not in updates:
                    blocks[key] = _moved_block(key, known, moves)
                    if blocks[key] is not known[0]:
                        total += len(blocks[key]) - len(known[0])
                        moved = True
        if keys or moved:
            files[name] = _bucket_file(blocks) if blocks else None
    if bucket_count(total) != buckets:
        return False

    files.update(_vocab_files(folder, manifest["vocab"], holders_now))
    rows = [n for _, n in changes.changed] + changes.added + changes.removed
    if moves.first_new is not None:  # every later plan's row moved
        rows += range(moves.first_new, max(len(before), len(after)))
    files.update(_metadata_files(folder, {d // META_SHARD for d in rows}, changes, new_plans))
    builder = IndexBuilder()
    for plan in new_plans:
        builder.add_facts(plan)
    years, issuers, types = builder.lists()
    files["docs.bin"] = builder.docs_table(years, issuers, types)

    _apply(folder, files)
    manifest.update(
        docs=len(after),
        years=[str(y) for y in years],
        issuers=issuers,
        types=types,
        length=length,
        bytes=total,
    )
    _name_folder(root, folder, manifest, files)
    return True


def _metadata_files(
    folder: Path, shards: set[int], changes: _Changes, plans: Sequence[Plan]
) -> dict[str, bytes | None]:
    """The result rows' files `shards` of the new index: a plan that stays
    unchanged keeps its row (read from the old files, where it may have
    moved), the others' rows are made."""
    old_ids = changes.moves.old_ids()
    edited = {new for _, new in changes.changed}
    old_files: dict[int, list[list[str]]] = {}

    def row(doc: int) -> list[str]:
        old = old_ids[doc]
        if old is None or doc in edited:
            return metadata_row(plans[doc])
        shard = old // META_SHARD
        if shard not in old_files:
            path = folder / f"m{shard}.json"
            old_files[shard] = json.loads(path.read_bytes())
        return old_files[shard][old % META_SHARD]

    files: dict[str, bytes | None] = {}
    for shard in shards:
        docs = range(shard * META_SHARD, min((shard + 1) * META_SHARD, len(plans)))
        rows = [row(doc) for doc in docs]
        files[f"m{shard}.json"] = json_bytes(rows) if rows else None
    return files


def _bucket_file(blocks: dict[str, bytes]) -> bytes:
    out = bytearray()
    put_varint(out, len(blocks))
    for key in sorted(blocks, key=_order):
        out += blocks[key]
    return bytes(out)


def _vocab_files(
    folder: Path, vocab_buckets: int, holders: dict[str, int]
) -> dict[str, bytes | None]:
    """The prefix vocabularies holding the words whose number of plans moved."""
    by_file: dict[int, dict[str, int]] = {}
    for key, count in holders.items():
        by_file.setdefault(fnv1a(key[:PREFIX_CHARS]) % vocab_buckets, {})[key] = count
    files: dict[str, bytes | None] = {}
    for number, counts in by_file.items():
        name = f"v{number}.json"
        path = folder / name
        vocab = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        words = {key: held for entries in vocab.values() for key, held in entries}
        words.update(counts)
        rebuilt: dict[str, list[list[object]]] = {}
        for key in sorted(k for k, held in words.items() if held):
            rebuilt.setdefault(key[:PREFIX_CHARS], []).append([key, words[key]])
        files[name] = json_bytes(rebuilt) if rebuilt else None
    return files


def _read(folder: Path, name: str) -> bytes:
    """A file of the index folder (b"": none). Plain paths: a patch that moves
    plans reads and writes every postings file."""
    try:
        with open(os.path.join(folder, name), "rb") as file:
            return file.read()
    except FileNotFoundError:
        return b""


def _apply(folder: Path, files: dict[str, bytes | None]) -> None:
    for name, data in files.items():
        path = os.path.join(folder, name)
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            continue
        aside = os.path.join(folder, f".{name}.new")
        with open(aside, "wb") as file:
            file.write(data)
        os.replace(aside, path)


def _name_folder(
    root: Path, folder: Path, manifest: dict[str, object], files: dict[str, bytes | None]
) -> None:
    """Rename the folder by its new content, as `write_streamed` names it,
    then write the manifest naming it (`files`: those just written)."""
    digest = hashlib.sha256()
    for name in sorted(_names(folder)):
        data = files.get(name)
        digest.update(name.encode() + b"\0" + (data if data is not None else _read(folder, name)))
    name = f"{INDEX_FILES}/{digest.hexdigest()[:12]}"
    if root / name != folder:
        os.replace(folder, root / name)
    manifest["dir"] = name
    aside = root / f".{MANIFEST}.new"
    aside.write_bytes(json_bytes(manifest))
    os.replace(aside, root / MANIFEST)


def _names(folder: Path) -> Iterable[str]:
    return (entry.name for entry in os.scandir(folder) if not entry.name.startswith("."))
