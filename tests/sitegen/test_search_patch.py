"""The search index patched in place equals the index written in full.

A content of synthetic plans is indexed, changed (an edit, a new plan, a
removed plan, anywhere in the order), and its index patched: where the
patch says it could be done, every file (names and bytes, the manifest and
the hashed folder's name) equals a full index of the new content; where it
could not, the old index is left as it was.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path

from content_tree import PLAN, Tree
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from paths import CONTENT
from sitegen.loader import load_content
from sitegen.models import pack_text
from sitegen.search import INDEX_DIR, MANIFEST, write_index
from sitegen.search_patch import patch_index

SYLLABLES = [
    "thi",
    "đua",
    "khen",
    "thưởng",
    "công",
    "đoàn",
    "đoàn",
    "viên",
    "lao",
    "động",
    "sáng",
    "tạo",
    "giỏi",
    "năm",
    "kế",
    "hoạch",
    "phong",
    "trào",
    "cơ",
    "sở",
    "người",
    "hồ",
    "sơ",
    "gửi",
    "hạn",
    "đưa",
    "ban",
    "chấp",
    "hành",
    "tổ",
    "chức",
    "an",
    "toàn",
    "vệ",
    "sinh",
    "văn",
    "hóa",
    "đời",
    "sống",
    "việc",
    "làm",
    "nữ",
    "công",
    "chăm",
    "lo",
    "phúc",
    "lợi",
    "học",
    "tập",
    "nâng",
    "cao",
    "trình",
    "độ",
    "kỹ",
    "năng",
]
WORDS_PER_PLAN = 300


def body(seed: int, words: int = WORDS_PER_PLAN) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(SYLLABLES) for _ in range(words)) + "."


def write_plan(tree: Tree, n: int, day: int, text: str | None = None) -> None:
    """Plan n, issued on `day` of 2024 (its place in the order), with a body."""
    issued = f"2024-{1 + day // 28:02d}-{1 + day % 28:02d}"
    tree.plan(
        f"ke-hoach-{n:03d}",
        edits=(
            ("12/KH-LĐLĐ", f"{n}/KH-LĐLĐ"),
            ("issued: 2024-03-05", f"issued: {issued}"),
            ("thi đua năm 2024", f"thi đua đợt {n}"),
            ("Nội dung kế hoạch.", text if text is not None else body(n)),
        ),
        text=PLAN.replace("2024-11-15 16:00", "2025-11-15 16:00"),
    )


def index_of(site: Path) -> dict[str, bytes]:
    root = site / INDEX_DIR
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def patched_or_untouched(tree: Tree, tmp_path: Path, change) -> bool:
    """Index the tree, apply `change`, patch; check the outcome either way."""
    before = load_content(tree.root)
    site = tmp_path / "patched"
    write_index(before, site)
    old = index_of(site)
    change()
    after = load_content(tree.root)
    patched = patch_index(site, before.plans, after.plans)
    if not patched:
        assert index_of(site) == old
        return False
    full = tmp_path / "full"
    write_index(after, full)
    assert index_of(site) == index_of(full)
    return True


def planted(tree: Tree, count: int = 30) -> None:
    for n in range(count):
        write_plan(tree, n, day=2 * n + 2)


def test_an_edit_in_the_middle_is_patched(tree, tmp_path):
    planted(tree)
    text = body(12)
    word = text.split()[5]
    edited = text.replace(f" {word} ", " sửa ", 1)  # the same length
    assert patched_or_untouched(tree, tmp_path, lambda: write_plan(tree, 12, 26, edited))


def test_a_new_newest_plan_is_patched(tree, tmp_path):
    planted(tree)
    assert patched_or_untouched(tree, tmp_path, lambda: write_plan(tree, 99, 200))


def test_removing_the_newest_plan_is_patched(tree, tmp_path):
    planted(tree)
    newest = tree.root / "plans" / "ke-hoach-029.md"
    assert patched_or_untouched(tree, tmp_path, newest.unlink)


def test_a_plan_added_among_older_ones_is_patched(tree, tmp_path):
    planted(tree)
    assert patched_or_untouched(tree, tmp_path, lambda: write_plan(tree, 99, 1))


def test_a_title_edit_is_patched(tree, tmp_path):
    planted(tree)
    path = tree.root / "plans" / "ke-hoach-012.md"
    edited = path.read_text(encoding="utf-8").replace("thi đua đợt 12", "thi đua đợt mười", 1)
    assert patched_or_untouched(tree, tmp_path, lambda: path.write_text(edited, encoding="utf-8"))


def test_a_newest_plan_of_a_new_issuer_is_patched(tree, tmp_path):
    planted(tree)

    def add() -> None:
        write_plan(tree, 99, 200)
        path = tree.root / "plans" / "ke-hoach-099.md"
        text = path.read_text(encoding="utf-8").replace("issuer: ldld-a", "issuer: ldld-c", 1)
        path.write_text(text, encoding="utf-8")

    assert patched_or_untouched(tree, tmp_path, add)
    manifest = json.loads((tmp_path / "patched" / INDEX_DIR / MANIFEST).read_text("utf-8"))
    assert len(manifest["issuers"]) == 2


def test_removing_a_plan_in_the_middle_is_patched(tree, tmp_path):
    planted(tree)
    assert patched_or_untouched(tree, tmp_path, (tree.root / "plans" / "ke-hoach-012.md").unlink)


def test_a_plan_moved_in_the_order_is_patched(tree, tmp_path):
    """A corrected date of issue moves the plan among the others."""
    planted(tree)
    assert patched_or_untouched(tree, tmp_path, lambda: write_plan(tree, 5, 41))


def test_edits_of_the_seed_content_are_patched(tmp_path):
    """The project's own plans: a body and a title edited (a word replaced,
    so the reference length stays), each patched exactly."""
    content = load_content(CONTENT)
    plans = list(content.plans)
    middle = len(plans) // 2
    plan = plans[middle]

    def replaced(text: str) -> str:
        word = next(w for w in text.split() if w.isalpha() and len(w) > 3)
        return re.sub(rf"\b{re.escape(word)}\b", "sửa", text, count=1)

    title = replaced(plan.meta.title or "")
    edits = {
        "body": plan.model_copy(update={"packed_body": pack_text(replaced(plan.body))}),
        "title": plan.model_copy(update={"meta": plan.meta.model_copy(update={"title": title})}),
    }
    write_index(content, tmp_path / "unchanged")
    for kind, edited in edits.items():
        after = replace(content, plans=(*plans[:middle], edited, *plans[middle + 1 :]))
        site, full = tmp_path / kind / "patched", tmp_path / kind / "full"
        write_index(content, site)
        assert patch_index(site, content.plans, after.plans), kind
        write_index(after, full)
        assert index_of(site) == index_of(full), kind
        assert index_of(site) != index_of(tmp_path / "unchanged"), kind


def test_nothing_changed_is_a_patch_that_writes_nothing(tree, tmp_path):
    planted(tree, 5)
    content = load_content(tree.root)
    write_index(content, tmp_path / "site")
    manifest = (tmp_path / "site" / INDEX_DIR / MANIFEST).read_bytes()
    assert patch_index(tmp_path / "site", content.plans, content.plans)
    assert (tmp_path / "site" / INDEX_DIR / MANIFEST).read_bytes() == manifest


CHANGES = st.lists(
    st.tuples(
        st.sampled_from(["edit", "add", "remove"]),
        st.integers(0, 40),  # which plan (edit, remove) or which day (add)
        st.integers(0, 10_000),  # the new body's seed
        st.integers(WORDS_PER_PLAN - 40, WORDS_PER_PLAN + 40),  # its length
    ),
    min_size=1,
    max_size=3,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=CHANGES)
def test_any_change_is_patched_exactly_or_left_to_a_full_index(tmp_path_factory, changes):
    tmp_path = tmp_path_factory.mktemp("patch")
    tree = Tree(tmp_path / "content")
    planted(tree, 20)
    days = {n: 2 * n + 2 for n in range(20)}

    def change() -> None:
        for kind, which, seed, words in changes:
            if kind == "add":
                n = 100 + len(days)
                days[n] = 2 * which + 1  # between two plans, or after the newest
                write_plan(tree, n, days[n], body(seed, words))
            elif days:
                n = sorted(days)[which % len(days)]
                if kind == "edit":
                    write_plan(tree, n, days[n], body(seed, words))
                else:
                    (tree.root / "plans" / f"ke-hoach-{n:03d}.md").unlink()
                    del days[n]

    event("patched" if patched_or_untouched(tree, tmp_path, change) else "written in full")


def test_the_manifest_keeps_what_a_patch_needs(tree, tmp_path):
    planted(tree, 3)
    write_index(load_content(tree.root), tmp_path)
    manifest = json.loads((tmp_path / INDEX_DIR / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["length"] > 3 * WORDS_PER_PLAN and manifest["bytes"] > 0


# Plans made in memory, enough of them for sparse postings whose gaps cross
# 127 (a delta of two bytes) and words half the plans hold (where the dense
# and the sparse forms are about the same size, so a move can flip them).
MANY = 300
FAR = ["xa", "cách", "thưa"]  # held every 126, 127 and 128 plans


def many_plans(count: int = MANY) -> list:
    """`count` plans, newest first (the site's order), from one seed plan."""
    base = load_content(CONTENT).plans[0]
    return [made_plan(base, n) for n in reversed(range(count))]


def made_plan(base, n: int, seed: int | None = None, words: int = 120):
    rng = random.Random(n if seed is None else seed)
    text = [rng.choice(SYLLABLES) for _ in range(words)]
    text += [w for w, every in zip(FAR, (126, 127, 128), strict=True) if n % every == 0]
    text += ["nửa"] if rng.random() < 0.5 else []
    text += ["chẵn"] if n % 2 == 0 else []
    meta = base.meta.model_copy(update={"title": f"Kế hoạch số {n}"})
    return base.model_copy(
        update={"slug": f"ke-hoach-{n:04d}", "meta": meta, "packed_body": pack_text(" ".join(text))}
    )


def patched_equals_full(tmp_path: Path, before: list, after: list) -> bool:
    content = load_content(CONTENT)
    site = tmp_path / "patched"
    write_index(replace(content, plans=tuple(before)), site)
    old = index_of(site)
    if not patch_index(site, before, after):
        assert index_of(site) == old
        return False
    write_index(replace(content, plans=tuple(after)), tmp_path / "full")
    assert index_of(site) == index_of(tmp_path / "full")
    return True


def test_moved_ids_cross_a_two_byte_delta(tmp_path):
    """A plan added between two plans 127 apart makes their delta 128 (two
    bytes); one removed between plans 128 apart makes it 127."""
    plans = many_plans()
    base = plans[0]
    added = [*plans[: MANY - 60], made_plan(base, 1000), *plans[MANY - 60 :]]
    assert patched_equals_full(tmp_path / "add", plans, added)
    removed = plans[: MANY - 60] + plans[MANY - 59 :]
    assert patched_equals_full(tmp_path / "remove", plans, removed)


def test_a_move_can_make_dense_postings_sparse(tmp_path):
    """ "chẵn" is held by every other plan: dense, one byte shorter than
    sparse. A plan added second oldest makes both forms the same length,
    and then the sparse one is written, as a full index does."""
    plans = many_plans()
    added = [*plans[:-1], made_plan(plans[0], 1001), plans[-1]]
    assert patched_equals_full(tmp_path, plans, added)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "remove", "move", "edit"]),
        st.integers(0, MANY),  # where
        st.integers(0, MANY),  # where to (a move)
        st.integers(0, 10_000),  # a new body's seed
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_plans_added_removed_or_moved_anywhere_are_patched_exactly(tmp_path_factory, ops):
    before = many_plans()
    after = list(before)
    base = before[0]
    for kind, where, to, seed in ops:
        at = where % len(after)
        if kind == "add":
            after.insert(where % (len(after) + 1), made_plan(base, 5000 + seed, seed))
        elif kind == "remove" and len(after) > 1:
            del after[at]
        elif kind == "move":
            after.insert(to % len(after), after.pop(at))
        elif kind == "edit":
            n = int(after[at].slug.rsplit("-", 1)[1])
            after[at] = made_plan(base, n, seed)
    event(
        "patched"
        if patched_equals_full(tmp_path_factory.mktemp("many"), before, after)
        else "written in full"
    )
