"""The editors' preview updates only what a change touches, and ends equal to a full build.

After an edit, an addition and a removal, every file the preview holds (plan
pages, listings, home, search index, feed, calendars) is compared byte for
byte with a fresh `sitegen build` of the same content. The sitemap is left
as the preview's first build wrote it (see sitegen.build.Preview).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitegen.build import Preview, build_site

SETTINGS = {
    "SITEGEN_TODAY": "2024-04-01",
    "SITEGEN_SITE_URL": "https://thidua.example.org/",
    "SITEGEN_FORMS_URL": "https://hoso.example.org",
}
NOT_UPDATED = {"sitemap.xml", "sitemap.xml.gz"}


@pytest.fixture
def settings(monkeypatch):
    for name, value in SETTINGS.items():
        monkeypatch.setenv(name, value)


def files_of(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in NOT_UPDATED
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
    changed, removed = preview.update()
    assert "ke-hoach/ke-hoach-2.md" in changed
    assert "ke-hoach/ke-hoach-1.md" not in changed
    assert "lich/ke-hoach-2.ics" in changed
    assert "lich/ke-hoach-1.ics" not in changed
    assert removed == []
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-1")

    # an addition
    tree.plan("ke-hoach-4", edits=numbered(4))
    changed, removed = preview.update()
    assert {"ke-hoach/ke-hoach-4.md", "lich/ke-hoach-4.ics"} <= set(changed)
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-2")

    # a removal
    (tree.root / "plans" / "ke-hoach-1.md").unlink()
    changed, removed = preview.update()
    assert {"ke-hoach/ke-hoach-1.md", "lich/ke-hoach-1.ics"} <= set(removed)
    assert not (preview.site_dir / "ke-hoach" / "ke-hoach-1").exists()
    assert_same_as_full_build(preview, tree.root, tmp_path / "full-3")


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
