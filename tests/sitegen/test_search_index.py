"""The search index's files, read back as assets/search.js reads them."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from paths import CONTENT
from pydantic import BaseModel
from sitegen import search
from sitegen.folding import fold
from sitegen.loader import load_content
from sitegen.search import (
    _PLAIN_GAPS_RE,
    _WORD_RE,
    fnv1a,
    folded_words,
    index_files,
    lead,
    start_indexing,
    write_index,
    write_streamed,
)


class Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def varint(self) -> int:
        value, shift = 0, 0
        while True:
            byte = self.data[self.at]
            self.at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value

    def string(self) -> str:
        length = self.varint()
        text = self.data[self.at : self.at + length].decode("utf-8")
        self.at += length
        return text


def read_postings(reader: Reader, plan_count: int) -> list[tuple[int, int]]:
    form, count, length = reader.data[reader.at], None, None
    reader.at += 1
    count, length = reader.varint(), reader.varint()
    end = reader.at + length
    postings = []
    if form == 1:  # dense: a score byte per plan, up to the last holding it
        assert 0 < length <= plan_count and reader.data[end - 1]
        postings = [(doc, s) for doc, s in enumerate(reader.data[reader.at : end]) if s]
        reader.at = end
    else:
        assert form == 0  # sparse: the deltas, then a score per posting
        doc, scores = 0, reader.data[end - count : end]
        for score in scores:
            doc += reader.varint()
            postings.append((doc, score))
        assert reader.at == end - count
        reader.at = end
    assert reader.at == end
    assert len(postings) == count
    return postings


def read_bucket(
    data: bytes, plan_count: int
) -> dict[str, tuple[int, dict[str, list[tuple[int, int]]]]]:
    """key -> (plans holding it, spelling -> [(plan id, score)]); a pair's spelling is its key."""
    reader = Reader(data)
    keys = {}
    for _ in range(reader.varint()):
        key, holders = reader.string(), reader.varint()
        spellings = {}
        for _ in range(reader.varint()):
            spelling = reader.string() or key
            spellings[spelling] = read_postings(reader, plan_count)
        keys[key] = (holders, spellings)
    assert reader.at == len(data)
    return keys


@pytest.fixture(scope="module")
def seeds():
    content = load_content(CONTENT)
    files, manifest = index_files(content)
    return content, files, manifest


def postings(files, manifest, key):
    bucket = files[f"t{fnv1a(key) % manifest['buckets']}.bin"]
    return read_bucket(bucket, manifest["docs"]).get(key)


def test_fnv1a_matches_the_published_test_vectors():
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


def test_words_are_keyed_without_diacritics_and_keep_their_spellings(seeds):
    content, files, manifest = seeds
    holders, spellings = postings(files, manifest, "dua")
    assert {"đua", "đưa"} <= set(spellings)
    with_dua = {doc for doc, _ in spellings["đua"]}
    assert len(with_dua) == holders == len(content.plans)  # every seed is about thi đua
    slug_of = [p.slug for p in reversed(content.plans)]
    _, doan = postings(files, manifest, "doan")
    assert "ldld-long-bien-32-kh-2023" in {slug_of[d] for d, _ in doan["đoàn"]}


def test_a_word_in_the_title_scores_above_the_same_word_in_the_text(tree):
    tree.plan("ke-hoach-a", edits=(("thi đua năm 2024", "thi đua năm 2024 sen vàng"),))
    tree.plan(
        "ke-hoach-b",
        edits=(("12/KH-LĐLĐ", "13/KH-LĐLĐ"), ("Nội dung kế hoạch.", "Nội dung sen vàng.")),
    )
    content = load_content(tree.root)
    files, manifest = index_files(content)
    docs = {p.slug: i for i, p in enumerate(reversed(content.plans))}  # oldest first
    holders, spellings = postings(files, manifest, "sen")
    scores = dict(spellings["sen"])
    assert holders == 2
    assert scores[docs["ke-hoach-a"]] > scores[docs["ke-hoach-b"]] >= 1


def test_adjacent_words_are_indexed_as_pairs_in_reading_order(tree):
    tree.plan("ke-hoach-a", edits=(("Nội dung kế hoạch.", "Giữ gìn an toàn vệ sinh lao động."),))
    tree.plan(
        "ke-hoach-b",
        edits=(
            ("12/KH-LĐLĐ", "13/KH-LĐLĐ"),
            ("Nội dung kế hoạch.", "Vệ sinh đường phố. An toàn giao thông. Lao động."),
        ),
    )
    content = load_content(tree.root)
    files, manifest = index_files(content)
    docs = {p.slug: i for i, p in enumerate(reversed(content.plans))}  # oldest first
    holders, spellings = postings(files, manifest, "an toan")
    assert holders == 2
    assert [d for d, _ in spellings["an toan"]] == sorted(docs.values())
    holders, spellings = postings(files, manifest, "ve sinh")
    assert [d for d, _ in spellings["ve sinh"]] == sorted(docs.values())
    holders, spellings = postings(files, manifest, "toan ve")
    assert [d for d, _ in spellings["toan ve"]] == [docs["ke-hoach-a"]]
    assert postings(files, manifest, "ve toan") is None
    _, spellings = postings(files, manifest, "sinh lao")
    assert [d for d, _ in spellings["sinh lao"]] == [docs["ke-hoach-a"]]


def test_words_most_plans_hold_are_stored_densely(seeds):
    content, files, manifest = seeds
    bucket = files[f"t{fnv1a('thi') % manifest['buckets']}.bin"]
    reader = Reader(bucket)
    forms = {}
    for _ in range(reader.varint()):
        key, _ = reader.string(), reader.varint()
        for _ in range(reader.varint()):
            spelling = reader.string() or key
            forms[spelling] = reader.data[reader.at]
            read_postings(reader, manifest["docs"])
    assert forms["thi"] == 1  # every seed holds "thi": a byte per plan is smaller
    holders, spellings = postings(files, manifest, "thi")
    assert holders == len(spellings["thi"]) == len(content.plans)


def test_docs_table_and_metadata_describe_every_plan(seeds):
    content, files, manifest = seeds
    assert manifest["docs"] == len(content.plans)
    assert len(files["docs.bin"]) == 12 * len(content.plans)
    shard = manifest["shard"]
    rows = [
        row
        for m in range(0, len(content.plans), shard)
        for row in json.loads(files[f"m{m // shard}.json"])
    ]
    by_id = list(reversed(content.plans))  # oldest first
    assert [r[0] for r in rows] == [p.slug for p in by_id]
    at = [p.slug for p in by_id].index("ldld-long-bien-32-kh-2023")
    assert rows[at][2] == by_id[at].meta.number
    assert rows[at][4] == "LĐLĐ quận Long Biên"


def test_prefix_vocabulary_lists_words_by_their_first_letters(seeds):
    _, files, manifest = seeds
    vocab = json.loads(files[f"v{fnv1a('th') % manifest['vocab']}.json"])
    words = dict(vocab["th"])
    assert {"thi", "thuong"} <= set(words)
    assert words["thi"] == manifest["docs"]


def test_written_index_is_named_by_its_content(tmp_path: Path):
    content = load_content(CONTENT)
    first = json.loads(write_index(content, tmp_path / "a").read_text(encoding="utf-8"))
    second = json.loads(write_index(content, tmp_path / "b").read_text(encoding="utf-8"))
    assert first["dir"] == second["dir"]
    assert (tmp_path / "a" / "tim-kiem" / first["dir"] / "docs.bin").is_file()


def test_the_index_folder_is_named_alike_whatever_order_its_files_come_in(tmp_path: Path):
    files, manifest = index_files(load_content(CONTENT))
    names = list(files)
    assert names == sorted(names)  # the builder hands them over in name order

    def handing(order):
        def produce(sink):
            for name in order:
                sink(name, files[name])
            return dict(manifest)

        return produce

    in_order = json.loads(write_streamed(handing(names), tmp_path / "a").read_bytes())
    reversed_ = json.loads(write_streamed(handing(names[::-1]), tmp_path / "b").read_bytes())
    assert in_order["dir"] == reversed_["dir"]
    for name in names:
        assert (tmp_path / "b" / "tim-kiem" / reversed_["dir"] / name).read_bytes() == files[name]


def _folded_whole(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


FOLDING_CASES = [
    "thi đua – “khen thưởng” đoàn viên (lao động giỏi), 15/9/2024: 100% …",
    "İstanbul đua",  # "i̇" once lower-cased: a combining dot between two letters
    "x\u0301y đua",  # a mark left alone by NFC, inside a word once folded
    "क़ानून đua",  # folds to a letter followed by a mark: two words
    "a\u00b4b ≠ a=\u0338b",  # an acute accent sign; a mark that composes with "="
    "ﬁn Å\u212b ǅ",
    "",
]


@pytest.mark.parametrize("text", FOLDING_CASES)
def test_words_folded_one_by_one_equal_the_text_folded_whole(text):
    lowered = text.lower()
    assert folded_words(lowered, _WORD_RE.findall(lowered)) == _folded_whole(lowered)


# Vietnamese letters, the characters between them and what could upset
# folding word by word (marks, letters that fold to two characters), mixed
# with any character at all.
_FOLDING_ALPHABET = st.one_of(
    st.sampled_from(list("aăâđeêioôơuưyAĂĐƯ ạảấầẩẫậđờởợ.,;:-–“”…()/%\n\u0301\u0307\u0323İ≠=")),
    st.characters(codec="utf-8"),
)


@given(st.text(alphabet=_FOLDING_ALPHABET, max_size=40))
def test_words_folded_one_by_one_equal_the_text_folded_whole_for_any_text(text):
    lowered = text.lower()
    assert folded_words(lowered, _WORD_RE.findall(lowered)) == _folded_whole(lowered)


def test_the_seed_plans_take_the_fast_folding_path():
    for plan in load_content(CONTENT).plans:
        lowered = plan.body.lower()
        assert _PLAIN_GAPS_RE.search(lowered) is None, plan.slug
        assert folded_words(lowered, _WORD_RE.findall(lowered)) == _folded_whole(lowered)


def test_characters_allowed_between_words_never_change_or_combine_in_folding():
    """What `folded_words` relies on: a character it allows between words
    has no decomposition, combines with no neighbour, and no canonical
    composition pairs it with a word's letter."""
    word = re.compile(r"\w")
    allowed = [c for c in map(chr, range(sys.maxunicode + 1)) if not _PLAIN_GAPS_RE.match(c)]
    gaps = {c for c in allowed if not word.match(c)}
    assert {"-", "–", "“", "”", "…", " ", "\n"} <= gaps
    for c in gaps:
        assert unicodedata.normalize("NFD", c) == c == unicodedata.normalize("NFC", c)
        assert unicodedata.combining(c) == 0 and not "\u0300" <= c <= "\u036f"
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            first, second = (chr(int(part, 16)) for part in parts)
            assert second not in gaps
            if first in gaps:  # "=" + U+0338: the mark is not allowed between words
                assert _PLAIN_GAPS_RE.match(second)


def test_lead_prefers_the_purpose_over_the_legal_grounds():
    body = (
        "Căn cứ Kế hoạch số 105/KH-LĐLĐ của Ban Thường vụ.\n\n"
        "## I. MỤC ĐÍCH, YÊU CẦU\n\n"
        "1\\. Tổng kết, đánh giá kết quả các phong trào thi đua.\n"
    )
    assert lead(body) == "Tổng kết, đánh giá kết quả các phong trào thi đua."
    assert lead("Chỉ một đoạn.") == "Chỉ một đoạn."
    assert lead(" ".join(["từ"] * 50), limit=3) == "từ từ từ…"


def test_the_preview_build_writes_the_index_after_mkdocs(tmp_path: Path, monkeypatch):
    # `sitegen serve` runs MkDocs without `sitegen build`: the hook writes the index.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from sitegen.build import CONFIG_FILE

    monkeypatch.setenv("SITEGEN_CONTENT_DIR", str(CONTENT))
    build(load_config(config_file=str(CONFIG_FILE), site_dir=str(tmp_path / "site")))
    manifest = json.loads((tmp_path / "site/tim-kiem/chi-muc.json").read_text(encoding="utf-8"))
    assert manifest["docs"] == 5


def _texts(value: object):
    """Every string a loaded plan holds."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for field in value.__dict__.values():
            yield from _texts(field)
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)


def test_handing_the_plans_to_the_index_child_leaves_their_texts_as_they_were(tmp_path: Path):
    # Pickling a str makes CPython keep a UTF-8 copy inside it (its size
    # grows): the plans live to the end of the build, so the child is
    # handed entries that carry the plans' own strings encoded.
    content = load_content(CONTENT)
    texts = [text for plan in content.plans for text in _texts(plan)]
    assert any(not text.isascii() for text in texts)
    sizes = [sys.getsizeof(text) for text in texts]
    site = tmp_path / "site"
    start_indexing(content, Path(tempfile.mkdtemp(dir=tmp_path))).finish(site)
    assert [sys.getsizeof(text) for text in texts] == sizes
    files, manifest = index_files(content)
    written = json.loads((site / "tim-kiem" / "chi-muc.json").read_bytes())
    assert written == {**manifest, "dir": written["dir"]}
    for name, data in files.items():
        assert (site / "tim-kiem" / written["dir"] / name).read_bytes() == data


def test_the_builder_holds_the_latest_postings_only_and_writes_the_same_index(
    tmp_path: Path, monkeypatch
):
    content = load_content(CONTENT)
    files, manifest = index_files(content)
    monkeypatch.setattr(search, "SPILL_POSTINGS", 300)  # fewer than one plan's
    builder = search.IndexBuilder(spill_dir=tmp_path)
    for plan in reversed(content.plans):
        builder.add(plan)
        assert builder.spellings == builder.pairs == {}  # written aside
    assert len(builder._spills) == len(content.plans)
    spilled = builder.files()
    assert spilled == (files, manifest)
    assert list(tmp_path.iterdir()) == []  # the builder's files had no name
