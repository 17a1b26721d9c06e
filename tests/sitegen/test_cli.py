"""`sitegen check` and `sitegen build` as an editor runs them."""

from __future__ import annotations

import subprocess
import sys

from paths import CONTENT, PROJECT


def run(*args: str, cwd=PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitegen.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_seed_content_exits_0():
    result = run("check", str(CONTENT))
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("Nội dung hợp lệ: 5 kế hoạch, 5 cơ quan")


def test_check_prints_every_problem_then_summary(tree):
    tree.plan("ke-hoach-a", edits=[("issued: 2024-03-05", "issued: 2023-02-30")])
    tree.plan("ke-hoach-b", edits=[("email: vp@example.org", "email: vp@")])
    result = run("check", str(tree.root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        'content/plans/ke-hoach-a.md:5: issued: ngày không tồn tại: "2023-02-30"',
        'content/plans/ke-hoach-b.md:13: deadlines[0].email: địa chỉ email không hợp lệ: "vp@"',
        "Có 2 lỗi trong 2 tệp. Hãy sửa các lỗi trên rồi chạy lại.",
    ]


def test_build_refuses_invalid_content_and_writes_nothing(tree, tmp_path):
    tree.plan(edits=[("title:", "titel:")])
    out = tmp_path / "out"
    result = run("build", "--content", str(tree.root), "--out", str(out))
    assert result.returncode == 1
    assert "titel: khóa không được hỗ trợ" in result.stdout
    assert not out.exists()


def test_build_small_tree(tree, tmp_path):
    tree.plan()
    out = tmp_path / "out"
    result = run("build", "--content", str(tree.root), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "ke-hoach" / "ke-hoach-a" / "index.html").read_text(encoding="utf-8")
    assert "Phát động thi đua năm 2024" in page
    assert '<p class="vb-dateline">Quận A, ngày 05 tháng 3 năm 2024</p>' in page
