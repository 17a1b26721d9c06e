"""Plan bodies go through cmark with GitHub's extensions, freed after use."""

from __future__ import annotations

import cmarkgfm
import pytest
from paths import CONTENT
from sitegen.pages import gfm_to_html

SAMPLE = (
    "## I. MỤC ĐÍCH\n\n| Năm | Đơn vị |\n|---|---|\n| 2024 | ~~CĐCS~~ www.example.org |\n\n"
    "- [x] đã gửi\n- [ ] chưa gửi\n\n```text\nmã\n```\n\n<script>alert(1)</script>\n"
)


@pytest.mark.parametrize(
    "text",
    [SAMPLE, *(p.read_text(encoding="utf-8") for p in sorted((CONTENT / "plans").glob("*.md")))],
)
def test_gfm_to_html_renders_as_cmarkgfm_does(text):
    assert gfm_to_html(text) == cmarkgfm.github_flavored_markdown_to_html(text)


def test_the_last_block_is_split_from_the_body_at_its_top_level_tag():
    from sitegen.pages import render_body, split_last_block

    body, _ = render_body(
        "Đoạn một,  \nxuống dòng **đậm**.\n\n---\n\n- mục\n- mục hai\n\nNơi nhận:  \nLưu VP <b>\n"
    )
    before, last = split_last_block(body)
    assert before + last == body
    assert last.startswith("<p>Nơi nhận:<br />")
    assert before.endswith("</ul>\n")
    assert split_last_block(render_body("Một đoạn.")[0])[0] == ""
