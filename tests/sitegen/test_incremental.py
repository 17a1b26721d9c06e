"""The editors' preview updates only what a change touches, and ends equal to a full build.

After an edit, an addition and a removal, every file the preview holds (plan
pages, listings, home, sitemap, search index, feed, calendars) is compared
byte for byte with a fresh `sitegen build` of the same content.
"""

from __future__ import annotations

import time
from pathlib import Path

from sitegen.build import Preview, build_site


def files_of(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


def assert_same_as_full_build(preview: Preview, content: Path, out: Path) -> None:
    preview.wait_for_index()
    build_site(content, out)
    built, previewed = files_of(out), files_of(preview.site_dir)
    assert sorted(previewed) == sorted(built)
    assert [name for name in built if built[name] != previewed[name]] == []


def numbered(n: int) -> tuple[tuple[str, str], ...]:
    return (("12/KH-LĐLĐ", f"{n}/KH-LĐLĐ"), ("thi đua năm 2024", f"thi đua năm 2024 đợt {n}"))


def test_preview_after_edit_addition_and_removal_equals_a_full_build(tree, tmp_path, settings):
    for n in range(1, 4):
        tree.plan(f"ke-hoach-{n}", edits=numbered(n))
    preview = Preview(tree.root, tmp_path / "preview" / "site")
    preview.build()
    preview.wait_for_index()

    # an edit: the title and the body of one plan
    tree.plan(
        "ke-hoach-2",
        edits=(*numbered(2), ("Nội dung kế hoạch.", "Giữ gìn an toàn vệ sinh lao động.")),
    )
    # first the plan's page, then (in a thread) what shows it among others
    assert preview.update() == (["ke-hoach/ke-hoach-2.md"], [])
    changed, removed = preview.wait()
    assert "lich/ke-hoach-2.ics" in changed
    assert "lich/ke-hoach-1.ics" not in changed
    assert removed == []
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-1")

    # an addition
    tree.plan("ke-hoach-4", edits=numbered(4))
    assert preview.update() == (["ke-hoach/ke-hoach-4.md"], [])
    assert "lich/ke-hoach-4.ics" in preview.wait()[0]
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-2")

    # a removal
    (tree.root / "plans" / "ke-hoach-1.md").unlink()
    assert preview.update() == ([], ["ke-hoach/ke-hoach-1.md"])
    assert not (preview.site_dir / "ke-hoach" / "ke-hoach-1").exists()
    assert "lich/ke-hoach-1.ics" in preview.wait()[1]
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-3")


def test_a_save_during_the_second_part_of_an_update_ends_equal_to_a_full_build(
    tree, tmp_path, settings
):
    """A new save stops the listings' update of the previous one wherever it
    is; the next update makes what it left."""
    for n in range(1, 6):
        tree.plan(f"ke-hoach-{n}", edits=numbered(n))
    preview = Preview(tree.root, tmp_path / "preview" / "site")
    preview.build()
    for n in range(6, 10):  # additions in quick succession
        tree.plan(f"ke-hoach-{n}", edits=numbered(n))
        assert preview.update() == ([f"ke-hoach/ke-hoach-{n}.md"], [])
    (tree.root / "plans" / "ke-hoach-6.md").unlink()
    assert preview.update() == ([], ["ke-hoach/ke-hoach-6.md"])
    assert_same_as_full_build(preview, tree.root, tmp_path / "full")


def test_a_plan_page_follows_the_plans_it_is_related_to(tree, tmp_path, settings):
    """A plan's page names the plans related to it either way: when one of
    them is renumbered, or names it, or stops naming it, the page is made again."""

    def relating(n: int, relation: str | None, number: str = "") -> None:
        link = f"related:\n  - plan: ke-hoach-1\n    relation: {relation}\n"
        edits = [*numbered(n), (f"{n}/KH-LĐLĐ", f"{number or n}/KH-LĐLĐ")]
        if relation:
            edits.append(("signature:\n", link + "signature:\n"))
        tree.plan(f"ke-hoach-{n}", edits=tuple(edits))

    tree.plan("ke-hoach-1", edits=numbered(1))
    relating(2, "Cùng đợt")
    preview = Preview(tree.root, tmp_path / "preview" / "site")
    preview.build()
    page = preview.site_dir / "ke-hoach" / "ke-hoach-1" / "index.html"
    assert "Cùng đợt" in page.read_text(encoding="utf-8")

    relating(2, "Cùng đợt", number="22")  # renumbered
    changed, _ = preview.update()
    assert set(changed) == {"ke-hoach/ke-hoach-1.md", "ke-hoach/ke-hoach-2.md"}
    assert "22/KH-LĐLĐ" in page.read_text(encoding="utf-8")
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-1")

    relating(3, "Tiếp nối")  # a new plan names it
    changed, _ = preview.update()
    assert set(changed) == {"ke-hoach/ke-hoach-1.md", "ke-hoach/ke-hoach-3.md"}
    assert "Tiếp nối" in page.read_text(encoding="utf-8")
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-2")

    relating(2, None)  # stops naming it
    changed, _ = preview.update()
    assert set(changed) == {"ke-hoach/ke-hoach-1.md", "ke-hoach/ke-hoach-2.md"}
    assert "Cùng đợt" not in page.read_text(encoding="utf-8")
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-3")


def test_the_browsers_are_told_to_reload_once_the_listings_are_written(tree, tmp_path, settings):
    tree.plan("ke-hoach-1", edits=numbered(1))
    listing = tmp_path / "preview" / "site" / "danh-sach" / "index.html"
    seen: list[bool] = []
    preview = Preview(
        tree.root,
        tmp_path / "preview" / "site",
        on_ready=lambda: seen.append("ke-hoach-2" in listing.read_text(encoding="utf-8")),
    )
    preview.build()
    tree.plan("ke-hoach-2", edits=numbered(2))
    assert preview.update() == (["ke-hoach/ke-hoach-2.md"], [])
    preview.wait()
    assert seen == [True]
    assert preview.update() == ([], [])  # nothing changed: no reload
    preview.wait_for_index()
    assert seen == [True]


def test_preview_keeps_the_last_good_site_while_a_plan_has_problems(tree, tmp_path, settings):
    tree.plan("ke-hoach-1", edits=numbered(1))
    preview = Preview(tree.root, tmp_path / "preview" / "site")
    preview.build()
    page = preview.site_dir / "ke-hoach" / "ke-hoach-1" / "index.html"
    before = page.read_bytes()
    tree.plan("ke-hoach-1", edits=(*numbered(1), ("issued: 2024-03-05", "issued: 2024-02-30")))
    assert preview.update() == ([], [])
    assert page.read_bytes() == before
    preview.wait_for_index()


def test_an_unchanged_content_updates_nothing(tree, tmp_path, settings):
    tree.plan("ke-hoach-1", edits=numbered(1))
    preview = Preview(tree.root, tmp_path / "preview" / "site")
    preview.build()
    assert preview.update() == ([], [])
    preview.wait_for_index()


def test_a_build_lets_go_of_each_plans_calendar_events_once_both_calendars_have_them(tree):
    from sitegen.ical import generate_plan_calendar, generate_site_calendar, plan_events
    from sitegen.loader import load_content
    from sitegen.outputs import EventCache
    from sitegen.settings import settings_for_day

    for n in range(1, 4):
        tree.plan(f"ke-hoach-{n}", edits=numbered(n))
    content = load_content(tree.root)
    settings = settings_for_day(None)
    build, preview = EventCache(uses=2), EventCache()
    for cache in (build, preview):
        site = generate_site_calendar(content, settings, cache.events)
        assert site == generate_site_calendar(content, settings)
        assert len(cache) == 3
    for plan in content.plans:
        made = generate_plan_calendar(plan, settings, build.events(plan, settings))
        assert made == generate_plan_calendar(plan, settings, plan_events(plan, settings))
        preview.events(plan, settings)
    assert len(build) == 0
    assert len(preview) == 3


def test_the_live_reload_server_shows_a_new_version_when_told(tmp_path):
    """`sitegen serve`'s hook into MkDocs' server: outside a build, the site's
    version moves (browsers waiting on it reload); during one, the build's end does it."""
    from mkdocs.livereload import LiveReloadServer
    from sitegen.build import _Reload

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        reload = _Reload()
        reload.server = server
        before = server._visible_epoch
        time.sleep(0.01)
        reload()
        assert server._visible_epoch > before
        assert server._wanted_epoch == server._visible_epoch
        server._wanted_epoch += 1000  # a build is running
        during = server._visible_epoch
        reload()
        assert server._visible_epoch == during
    finally:
        server.server_close()
