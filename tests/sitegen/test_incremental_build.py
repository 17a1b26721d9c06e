"""`sitegen build --cache`: a build that reuses the previous one ends equal to a full build.

After each change (none, an edit, an addition, a removal, a new day, a
renamed issuing body, a changed original text) the cached build's folder is
compared, every file byte for byte (sitemap, search index, feed and
calendars included), with a fresh full build of the same content on the same
day; and the files it did not need to make are left as they were.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
from paths import CONTENT
from sitegen import outputs
from sitegen.build import build_site
from sitegen.errors import ContentError
from sitegen.ical import plan_events as events
from sitegen.incremental import STATE_FILE


def files_of(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


def numbered(n: int) -> tuple[tuple[str, str], ...]:
    return (("12/KH-LĐLĐ", f"{n}/KH-LĐLĐ"), ("thi đua năm 2024", f"thi đua năm 2024 đợt {n}"))


class Cached:
    """One site folder built again and again with its cache, compared each
    time with a full build of the same content."""

    def __init__(self, content: Path, tmp_path: Path) -> None:
        self.content = content
        self.tmp_path = tmp_path
        self.site = tmp_path / "build" / "site"
        self.cache = tmp_path / "build" / "cache"
        self.fulls = 0

    def build(self) -> str:
        return build_site(self.content, self.site, cache_dir=self.cache)

    def assert_same_as_full_build(self) -> None:
        self.fulls += 1
        full = self.tmp_path / f"full-{self.fulls}" / "site"
        build_site(self.content, full)
        built, cached = files_of(full), files_of(self.site)
        assert sorted(cached) == sorted(built)
        assert [name for name in built if built[name] != cached[name]] == []

    def inode(self, name: str) -> int:
        return os.stat(self.site / name).st_ino


def test_cached_builds_after_each_change_equal_a_full_build(
    tree, tmp_path, settings, monkeypatch, caplog
):
    for n in range(1, 4):
        tree.plan(f"ke-hoach-{n}", edits=numbered(n))
    site = Cached(tree.root, tmp_path)
    assert "dựng lại" not in site.build()  # no cache yet: everything
    assert (site.cache / STATE_FILE).is_file()
    page_3 = "ke-hoach/ke-hoach-3/index.html"
    untouched = site.inode(page_3)

    # nothing changed: nothing is made again
    assert site.build().endswith("(dựng lại 0 tệp, xóa 0 tệp)")
    site.assert_same_as_full_build()

    # an edit: the title and the body of one plan
    tree.plan(
        "ke-hoach-2",
        edits=(*numbered(2), ("Nội dung kế hoạch.", "Giữ gìn an toàn vệ sinh lao động.")),
    )
    made = []  # the plans whose calendar events are made, not read back
    monkeypatch.setattr(
        outputs, "plan_events", lambda plan, s: made.append(plan.slug) or events(plan, s)
    )
    assert "dựng lại" in site.build()
    assert made == ["ke-hoach-2"]
    monkeypatch.setattr(outputs, "plan_events", events)
    site.assert_same_as_full_build()
    assert site.inode(page_3) == untouched
    # the theme's templates it compiled, kept for the next builds
    compiled = {p.name: p.stat().st_mtime_ns for p in (site.cache / "templates").iterdir()}
    assert len(compiled) >= 5

    # an addition
    tree.plan("ke-hoach-4", edits=numbered(4))
    site.build()
    assert (site.site / "ke-hoach" / "ke-hoach-4" / "index.html").is_file()
    site.assert_same_as_full_build()
    # read back, not compiled and written again
    again = {p.name: p.stat().st_mtime_ns for p in (site.cache / "templates").iterdir()}
    assert again.items() >= compiled.items()

    # a removal
    (tree.root / "plans" / "ke-hoach-1.md").unlink()
    assert site.build().endswith("xóa 2 tệp)")  # its page and its calendar
    assert not (site.site / "ke-hoach" / "ke-hoach-1").exists()
    assert not (site.site / "lich" / "ke-hoach-1.ics").exists()
    site.assert_same_as_full_build()

    # a plan added among older ones, then one moved by a corrected date of
    # issue: the index is patched, every later plan's id moved
    caplog.set_level(logging.INFO, logger="sitegen.build")
    caplog.clear()
    tree.plan("ke-hoach-25", edits=numbered(25))  # between 2 and 3 (same day, by name)
    site.build()
    site.assert_same_as_full_build()
    tree.plan("ke-hoach-3", edits=(*numbered(3), ("issued: 2024-03-05", "issued: 2024-01-05")))
    site.build()
    site.assert_same_as_full_build()
    assert caplog.text.count("Chỉ mục tìm kiếm: đã vá") == 2

    # a much longer plan moves the plans' average length: every score moves, the
    # index is written in full (and the previous one's folder goes)
    caplog.clear()
    long_body = " ".join(["Thi đua lao động giỏi, lao động sáng tạo."] * 400)
    tree.plan("ke-hoach-5", edits=(*numbered(5), ("Nội dung kế hoạch.", long_body)))
    site.build()
    assert "Chỉ mục tìm kiếm: đã tạo lại toàn bộ" in caplog.text
    site.assert_same_as_full_build()

    # a new day, no change: the call closed on 15/11 (statuses, countdowns)
    monkeypatch.setenv("SITEGEN_TODAY", "2024-11-20")
    site.build()
    page = (site.site / page_3).read_text(encoding="utf-8")
    assert "Đã hết hạn nhận hồ sơ" in page
    site.assert_same_as_full_build()

    # a renamed issuing body: every plan shows it
    issuers = tree.root / "issuers.yml"
    issuers.write_text(
        issuers.read_text(encoding="utf-8").replace("quận A\n", "quận A mới\n", 1),
        encoding="utf-8",
    )
    site.build()
    assert "quận A mới" in (site.site / page_3).read_text(encoding="utf-8")
    site.assert_same_as_full_build()


def test_a_changed_original_text_is_checked_again(tmp_path, settings):
    """A plan file unchanged but its original text (sources/…) changed: the
    cached plan is not trusted, the body is compared with the new text."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("README.md"))
    site = Cached(root, tmp_path)
    site.build()
    source = root / "sources" / "hdtdkt-long-bien-32-kh-2021.txt"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("vui tươi, phấn khởi", "vui tươi, sôi nổi", 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        site.build()
    assert any("sôi nổi" in problem.format() for problem in raised.value.problems)


def test_a_cache_that_cannot_be_trusted_makes_a_full_build(tree, tmp_path, settings, monkeypatch):
    tree.plan("ke-hoach-1", edits=numbered(1))
    site = Cached(tree.root, tmp_path)
    site.build()

    # other settings (the nomination app's address is on every plan page)
    monkeypatch.setenv("SITEGEN_FORMS_URL", "https://nop.example.org")
    assert "dựng lại" not in site.build()
    site.assert_same_as_full_build()

    # a damaged cache file
    (site.cache / STATE_FILE).write_bytes(b"not a pickle")
    assert "dựng lại" not in site.build()
    site.assert_same_as_full_build()

    # a damaged search index in the site folder: written again in full
    for postings in (site.site / "tim-kiem").rglob("t*.bin"):
        postings.write_bytes(b"\xff")
    tree.plan("ke-hoach-1", edits=(*numbered(1), ("Nội dung kế hoạch.", "Nội dung đã sửa.")))
    assert "dựng lại" in site.build()
    site.assert_same_as_full_build()

    # a failed build leaves no cache: the next one builds everything
    tree.plan("ke-hoach-2", edits=(("issuer: ldld-a", "issuer: khong-co"),))
    with pytest.raises(ContentError):
        site.build()
    assert not (site.cache / STATE_FILE).exists()
    (tree.root / "plans" / "ke-hoach-2.md").unlink()
    assert "dựng lại" not in site.build()
    site.assert_same_as_full_build()

    # a site folder that is not the one the cache describes
    other = Cached(tree.root, tmp_path / "other")
    other.cache = site.cache
    assert "dựng lại" not in other.build()


def test_a_cached_build_does_without_what_it_reads_ahead(
    tree, tmp_path, settings, monkeypatch, caplog
):
    """The previous site calendar (each unchanged plan's events) and the
    hashes a child works out ahead are shortcuts: without them the build
    reads each plan's own calendar and hashes the files itself."""
    from sitegen import build

    for n in range(1, 4):
        tree.plan(f"ke-hoach-{n}", edits=numbered(n))
    site = Cached(tree.root, tmp_path)
    site.build()

    # a site calendar that is not the one the previous build wrote
    (site.site / "lich" / "tat-ca.ics").write_bytes(b"BEGIN:VCALENDAR\r\n")
    tree.plan("ke-hoach-2", edits=(*numbered(2), ("Nội dung kế hoạch.", "Nội dung đã sửa.")))
    assert "dựng lại" in site.build()
    site.assert_same_as_full_build()

    # the child that hashes the files fails
    def fails(root: Path) -> dict[str, bytes]:
        raise OSError("không đọc được")

    monkeypatch.setattr(build, "hash_content", fails)
    tree.plan("ke-hoach-3", edits=(*numbered(3), ("Nội dung kế hoạch.", "Nội dung mới.")))
    with caplog.at_level(logging.WARNING, logger="sitegen.build"):
        assert "dựng lại" in site.build()
    assert "Không băm trước được" in caplog.text
    site.assert_same_as_full_build()


def test_hashes_worked_out_ahead_are_the_loads_own(tmp_path):
    from sitegen.loader import LoadCache, hash_content

    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    hashed = hash_content(root)
    stamped = [root / "issuers.yml", *(root / "plans").glob("*.md"), *(root / "sources").iterdir()]
    assert len(stamped) > 10
    assert hashed == {str(p.resolve()): LoadCache(by_content=True).stamp(p) for p in stamped}


def test_plans_taken_from_the_state_are_the_plans_kept(tmp_path):
    """The state's own way of pickling models gives back equal plans, with
    the fields they were given, their issuing bodies shared."""
    from sitegen import incremental
    from sitegen.loader import LoadCache, load_content

    plans = load_content(CONTENT).plans
    state = incremental.Kept("f", str(tmp_path), LoadCache(), {"x.md": plans[0]}, plans)
    incremental._dump(state, tmp_path / "state")
    taken = incremental._load(tmp_path / "state")
    assert isinstance(taken, incremental.Kept)
    assert taken.plans == plans and taken.plans is not plans
    for kept, plan in zip(taken.plans, plans, strict=True):
        assert kept.model_fields_set == plan.model_fields_set
        # shared, as the loader's models share them
        assert kept.meta.__pydantic_fields_set__ is plan.meta.__pydantic_fields_set__
        assert kept.model_dump() == plan.model_dump()
        assert kept.body == plan.body
    assert taken.keys["x.md"] is taken.plans[0]
    by_key = {}
    for plan in taken.plans:
        assert by_key.setdefault(plan.issuer.key, plan.issuer) is plan.issuer
