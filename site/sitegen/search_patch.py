"""Patching the previous build's search index instead of writing it again.

This module owns turning the index of one content into the index of the
next, in place, when a few plans changed: the result is the files a full
index (`sitegen.search.IndexBuilder`) of the new content writes, byte for
byte. It reads the format described in sitegen.search and writes through
the same encoders. A patch is possible when the plans keep their ids (the
changed plans stay where they were in the order; new plans are the newest;
removed plans were the newest), the reference length and the number of
postings files stay the same; otherwise `patch_index` says so and changes
nothing, and the caller writes the index in full.

A posting's score depends only on its plan and the reference length, so
the other plans' postings are copied as they are: only the keys (words and
pairs) of the changed plans are decoded and encoded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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
    TF_CAP,
    IndexBuilder,
    bucket_count,
    encode_postings,
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


def _split_bucket(data: bytes) -> list[tuple[str, bytes]]:
    """(key, block) for each key of a postings file, in file order."""
    reader = _Reader(data)
    keys = []
    for _ in range(reader.varint()):
        start = reader.at
        key = reader.string()
        reader.varint()  # holders
        for _ in range(reader.varint()):
            reader.string()
            reader.at += 1  # form
            reader.varint()  # count
            length = reader.varint()
            reader.at += length
        keys.append((key, data[start : reader.at]))
    return keys


@dataclass
class _Spelling:
    """One spelling's postings as stored: its form, count and data."""

    form: int
    count: int
    data: bytes


def _read_block(block: bytes) -> tuple[int, dict[str, _Spelling]]:
    """A key's block: its holders and its spellings (a pair's is "")."""
    reader = _Reader(block)
    reader.string()
    holders = reader.varint()
    spellings = {}
    for _ in range(reader.varint()):
        spelling = reader.string()
        form = block[reader.at]
        reader.at += 1
        count = reader.varint()
        length = reader.varint()
        spellings[spelling] = _Spelling(form, count, block[reader.at : reader.at + length])
        reader.at += length
    return holders, spellings


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


def _varints(stream: bytes) -> list[int]:
    """The numbers of a stream of varints (runs of one-byte ones in C)."""
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


def _patched(posted: _Spelling | None, leaving: set[int], arriving: dict[int, int]) -> bytes:
    """A spelling's postings after the plans `leaving` went and `arriving`
    ({plan id: score}) came, encoded as `encode_postings` would (b"": none).

    Dense postings are changed in place, a byte per plan; the sparse form
    is only worked out when it may be the smaller.
    """
    if posted is not None and posted.form == DENSE:
        data = bytearray(posted.data)
        for doc in leaving:
            if doc < len(data):
                data[doc] = 0
        for doc, score in arriving.items():
            if doc >= len(data):
                data.extend(bytes(doc + 1 - len(data)))
            data[doc] = score
        data = data.rstrip(b"\0")
        if not data:
            return b""
        count = len(data) - data.count(0)
        if _sparse_length(data, count) > len(data):
            out = bytearray([DENSE])
            put_varint(out, count)
            put_varint(out, len(data))
            return bytes(out + data)
        posted = _Spelling(DENSE, count, bytes(data))
        leaving, arriving = set(), {}
    docs, scores = _docs_and_scores(posted) if posted is not None else ([], bytearray())
    for doc in leaving:
        at = bisect_left(docs, doc)
        if at < len(docs) and docs[at] == doc:
            del docs[at], scores[at]
    for doc, score in arriving.items():
        at = bisect_left(docs, doc)
        docs.insert(at, doc)
        scores.insert(at, score)
    return encode_postings(docs, bytes(scores)) if docs else b""


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
    block: bytes | None,
    leaving: set[int],
    arriving: dict[int, dict[str, int]],
) -> tuple[bytes, int]:
    """A key's block once the plans `leaving` left it and the plans
    `arriving` ({plan id: {spelling: score}}) came (b"": the key is gone),
    and its holders."""
    holders, spellings = _read_block(block) if block is not None else (0, {})
    names = set(spellings) | {name for scores in arriving.values() for name in scores}
    out = bytearray()
    kept = []
    for name in sorted(names):
        coming = {doc: scores[name] for doc, scores in arriving.items() if name in scores}
        data = _patched(spellings.get(name), leaving, coming)
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


def _changes(
    before: Sequence[Plan], after: Sequence[Plan]
) -> tuple[list[int], list[int], list[int]] | None:
    """Plan ids (oldest first) changed, added and removed, or None when the
    plans that stay do not keep their ids."""
    old, new = before[::-1], after[::-1]
    common = min(len(old), len(new))
    changed = []
    for doc in range(common):
        was, now = old[doc], new[doc]
        if was is now:
            continue
        if was.slug != now.slug:
            return None
        if was != now:
            changed.append(doc)
    return changed, list(range(common, len(new))), list(range(common, len(old)))


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
    if changes is None:
        return False
    changed, added, removed = changes
    if not (changed or added or removed):
        return True
    if len(changed) + len(added) + len(removed) > max(MANY_PLANS, len(after) // 20):
        return False
    old_plans, new_plans = before[::-1], after[::-1]
    reference = reference_length(manifest["length"], len(before))
    was = {d: _terms(old_plans[d], reference) for d in changed + removed}
    now = {d: _terms(new_plans[d], reference) for d in changed + added}
    length = manifest["length"] - sum(t.length for t in was.values())
    length += sum(t.length for t in now.values())
    if reference_length(length, len(after)) != reference:
        return False
    # What each key loses and gains (a changed plan only where a score moved).
    updates: dict[str, tuple[set[int], dict[int, dict[str, int]]]] = {}
    for doc in changed + removed + added:
        old = was[doc].keys if doc in was else {}
        new = now[doc].keys if doc in now else {}
        for key in old.keys() | new.keys():
            if old.get(key) != new.get(key):
                leaving, arriving = updates.setdefault(key, (set(), {}))
                if key in old:
                    leaving.add(doc)
                if key in new:
                    arriving[doc] = new[key]
    buckets = manifest["buckets"]
    by_bucket: dict[int, list[str]] = {}
    for key in updates:
        by_bucket.setdefault(fnv1a(key) % buckets, []).append(key)

    files: dict[str, bytes | None] = {}  # name -> new content (None: delete)
    total = manifest["bytes"]
    holders_now: dict[str, int] = {}  # word keys whose holders may have moved
    for bucket, keys in by_bucket.items():
        name = f"t{bucket}.bin"
        path = folder / name
        blocks = dict(_split_bucket(path.read_bytes())) if path.is_file() else {}
        for key in keys:
            old_block = blocks.pop(key, None)
            block, holders = _patch_block(key, old_block, *updates[key])
            total += len(block) - (len(old_block) if old_block is not None else 0)
            if block:
                blocks[key] = block
            if " " not in key:
                holders_now[key] = holders
        files[name] = _bucket_file(blocks) if blocks else None
    if bucket_count(total) != buckets:
        return False

    files.update(_vocab_files(folder, manifest["vocab"], holders_now))
    for shard in {d // META_SHARD for d in changed + added + removed}:
        rows = [metadata_row(p) for p in new_plans[shard * META_SHARD : (shard + 1) * META_SHARD]]
        files[f"m{shard}.json"] = json_bytes(rows) if rows else None
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
    _name_folder(root, folder, manifest)
    return True


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


def _apply(folder: Path, files: dict[str, bytes | None]) -> None:
    for name, data in files.items():
        path = folder / name
        if data is None:
            path.unlink(missing_ok=True)
            continue
        aside = folder / f".{name}.new"
        aside.write_bytes(data)
        os.replace(aside, path)


def _name_folder(root: Path, folder: Path, manifest: dict[str, object]) -> None:
    """Rename the folder by its new content, as `write_streamed` names it,
    then write the manifest naming it."""
    digest = hashlib.sha256()
    for name in sorted(_names(folder)):
        digest.update(name.encode() + b"\0" + (folder / name).read_bytes())
    name = f"{INDEX_FILES}/{digest.hexdigest()[:12]}"
    if root / name != folder:
        os.replace(folder, root / name)
    manifest["dir"] = name
    aside = root / f".{MANIFEST}.new"
    aside.write_bytes(json_bytes(manifest))
    os.replace(aside, root / MANIFEST)


def _names(folder: Path) -> Iterable[str]:
    return (entry.name for entry in os.scandir(folder) if not entry.name.startswith("."))
