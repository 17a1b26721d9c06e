"""`sitegen check` compares each plan's body with its original text, word by word."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from paths import CONTENT, PROJECT
from sitegen.errors import ContentError
from sitegen.loader import load_content
from sitegen.sources import split_words

SLUG = "ldld-long-bien-32-kh-2023"


@pytest.fixture
def copy(tmp_path):
    """A copy of the real content, to be edited the way an editor slips."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root, ignore=shutil.ignore_patterns("README.md"))
    return root


def edit_plan(root, slug: str, *edits: tuple[str, str]) -> None:
    path = root / "plans" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def line_of(root, slug: str, text: str) -> int:
    """The line of the plan file where `text` is (the check must name that line)."""
    lines = (root / "plans" / f"{slug}.md").read_text(encoding="utf-8").split("\n")
    (number,) = [i for i, line in enumerate(lines, 1) if text in line]
    return number


def check(root) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitegen.cli", "check", str(root)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_seed_bodies_match_their_sources_word_for_word():
    content = load_content(CONTENT)
    for plan in content.plans:
        assert plan.source_text is not None, plan.slug
        assert plan.source_text == (CONTENT / plan.meta.source).read_text(encoding="utf-8")


def test_check_reports_dropped_added_and_changed_words_with_line(copy):
    edit_plan(
        copy,
        SLUG,
        ("huy động sức mạnh tổng hợp", "huy động sức tổng hợp"),  # a dropped word
        ("Tổ chức gặp mặt cán bộ BCH", "Tổ chức gặp mặt các cán bộ BCH"),  # an added word
        ("đến hết ngày 15/9/2023", "đến hết ngày 16/9/2023"),  # a changed number
    )
    result = check(copy)
    assert result.returncode == 1
    path = f"content/plans/{SLUG}.md"
    dropped = line_of(copy, SLUG, "huy động sức tổng hợp")
    added = line_of(copy, SLUG, "gặp mặt các cán bộ")
    changed = line_of(copy, SLUG, "đến hết ngày 16/9/2023")
    assert result.stdout.splitlines() == [
        f"{path}:{dropped}: body: thiếu “mạnh” so với văn bản gốc (văn bản gốc dòng 15)",
        f"{path}:{added}: body: thêm “các”, văn bản gốc không có",
        f"{path}:{changed}: body: văn bản gốc ghi “15/9/2023.” (văn bản gốc dòng 81), "
        "toàn văn ghi “16/9/2023.”",
        "Có 3 lỗi trong 1 tệp. Hãy sửa các lỗi trên rồi chạy lại.",
    ]


def test_check_reports_words_added_before_the_first_paragraph(copy):
    edit_plan(
        copy,
        SLUG,
        (
            "---\n\nThực hiện kế hoạch số 107-KH/QU",
            "---\n\nKính gửi: Thực hiện kế hoạch số 107-KH/QU",
        ),
    )
    with pytest.raises(ContentError) as info:
        load_content(copy)
    line = line_of(copy, SLUG, "Kính gửi: Thực hiện")
    assert [p.format() for p in info.value.problems] == [
        f"content/plans/{SLUG}.md:{line}: body: thêm “Kính gửi:”, văn bản gốc không có"
    ]


def test_check_reports_a_paragraph_dropped_at_the_end(copy):
    edit_plan(
        copy,
        SLUG,
        (
            "\n\nBan Thường vụ LĐLĐ quận Long Biên đề nghị Ban chấp hành công đoàn cơ sở triển "
            "khai thực hiện tốt kế hoạch, báo cáo kết quả thực hiện về LĐLĐ Quận Long Biên "
            "**chậm nhất ngày 18/9/2023**.",
            "",
        ),
    )
    with pytest.raises(ContentError) as info:
        load_content(copy)
    (problem,) = info.value.problems
    last = line_of(copy, SLUG, "Đề xuất các tập thể, cá nhân điển hình tiên tiến")
    assert (problem.field, problem.line) == ("body", last)
    assert problem.message.startswith("thiếu “đề nghị chấp hành cơ sở triển khai thực hiện")
    assert problem.message.endswith(
        "so với văn bản gốc (văn bản gốc dòng 135): không có trong toàn văn hay phần thông tin"
    )


def test_check_accepts_a_declared_edit_and_reports_an_unused_one(copy):
    edit_plan(
        copy,
        SLUG,
        ("đến hết ngày 15/9/2023", "đến hết ngày 16/9/2023"),
        (
            "\nsource: sources/",
            "\nedits:\n"
            '  - source: "15/9/2023."\n'
            '    body: "16/9/2023."\n'
            "    reason: Văn bản đính chính số 40/TB-LĐLĐ\n"
            '  - source: "Quận"\n'
            '    body: "quận"\n'
            "    reason: Thử\n"
            "source: sources/",
        ),
    )
    with pytest.raises(ContentError) as info:
        load_content(copy)
    line = line_of(copy, SLUG, "edits:")
    assert [p.format() for p in info.value.problems] == [
        f"content/plans/{SLUG}.md:{line}: edits[1]: không có chỗ nào trong toàn văn khác "
        "văn bản gốc đúng như khai báo này"
    ]


@pytest.mark.parametrize(
    "value, message",
    [
        ("sources/khong-co.txt", 'không có tệp "content/sources/khong-co.txt"'),
        (
            "plans/ke-hoach-a.md",
            'phải là một tệp .txt trong content/sources/: "plans/ke-hoach-a.md"',
        ),
        ("../../etc/passwd", 'phải là một tệp .txt trong content/sources/: "../../etc/passwd"'),
    ],
)
def test_check_source_must_be_a_text_in_sources(tree, value, message):
    tree.plan(edits=[("signature:", f"source: {value}\nsignature:")])
    with pytest.raises(ContentError) as info:
        load_content(tree.root)
    assert [p.format() for p in info.value.problems] == [
        f"content/plans/ke-hoach-a.md:29: source: {message}"
    ]


def test_split_words_drops_markup_but_keeps_words_and_lines():
    words = split_words("## **1. Đối tượng:**\n\n- [ldld@x.vn](mailto:ldld@x.vn) \\* *Tập thể*", 10)
    assert [(w.text, w.line) for w in words] == [
        ("1.", 10),
        ("Đối", 10),
        ("tượng:", 10),
        ("ldld@x.vn", 12),
        ("Tập", 12),
        ("thể", 12),
    ]
