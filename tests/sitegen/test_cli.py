"""`sitegen check`, `build` and `serve` as an editor runs them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

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


def test_serve_refuses_invalid_content_with_every_problem(tree):
    tree.plan(edits=[("title:", "titel:")])
    result = run("serve", "--content", str(tree.root), "--addr", "127.0.0.1:0")
    assert result.returncode == 1
    assert "titel: khóa không được hỗ trợ" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Có 2 lỗi trong 1 tệp.")


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except OSError:
        return 0, ""


def _wait_for(check, what: str, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_serve_shows_a_saved_change_an_addition_and_a_removal(tree, tmp_path):
    tree.plan("ke-hoach-a")
    temporary = tmp_path / "tmp"  # where the preview builds (TMPDIR)
    temporary.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "sitegen.cli", "serve", "--content", str(tree.root)]
    server = subprocess.Popen(
        [*command, "--addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        _wait_for(lambda: _get(base)[0] == 200, "the preview never answered")
        tree.plan("ke-hoach-a", edits=[("thi đua năm 2024", "thi đua năm 2024 đã sửa")])
        _wait_for(lambda: "đã sửa" in _get(base + "ke-hoach/ke-hoach-a/")[1], "edit not shown")
        tree.plan("ke-hoach-b", edits=[("12/KH-LĐLĐ", "13/KH-LĐLĐ")])
        _wait_for(lambda: _get(base + "ke-hoach/ke-hoach-b/")[0] == 200, "addition not shown")
        # the listings follow the page (the second part of an update)
        _wait_for(lambda: "ke-hoach-b" in _get(base + "danh-sach/")[1], "listing not updated")
        (tree.root / "plans" / "ke-hoach-b.md").unlink()
        _wait_for(lambda: _get(base + "ke-hoach/ke-hoach-b/")[0] == 404, "removal not shown")
        _wait_for(lambda: "ke-hoach-b" not in _get(base + "danh-sach/")[1], "listing kept it")
    finally:
        server.terminate()
        server.wait(timeout=30)
    # stopped like Ctrl+C: the temporary site and any index child are gone
    assert server.returncode == 0
    assert list(temporary.iterdir()) == []
