"""A small content folder written in a test's tmp_path (issuers, a plan template)."""

from __future__ import annotations

import textwrap
from pathlib import Path

ISSUERS = """\
ldld-a:
  name: Liên đoàn Lao động quận A
  short_name: LĐLĐ quận A
  parent: LĐLĐ THÀNH PHỐ B
  place: Quận A
  email: ldld.a@example.org
ldld-c:
  name: Liên đoàn Lao động tỉnh C
  short_name: LĐLĐ tỉnh C
"""

PLAN = """\
---
number: 12/KH-LĐLĐ
issuer: ldld-a
place: Quận A
issued: 2024-03-05
title: Phát động thi đua năm 2024
period:
  start: 2024-03-10
  end: 2024-12-31
deadlines:
  - what: Gửi báo cáo
    due: 2024-06-30 16:00
    email: vp@example.org
nominations:
  - key: cap-quan
    title: Khen thưởng cấp quận
    subjects: [individual]
    deadline: 2024-11-15 16:00
    categories:
      - key: doi-tuong-1
        name: Đối tượng 1
        subject: individual
        description: Có ít nhất 03 sáng kiến.
        criteria:
          min_initiatives: 3
          min_total_benefit: 60000000
recipients:
  - Lưu VP
signature:
  on_behalf: TM. BAN THƯỜNG VỤ
  role: CHỦ TỊCH
  name: Nguyễn Văn A
---
## I. MỤC ĐÍCH

Nội dung kế hoạch.
"""


class Tree:
    """A small content folder written in tmp_path for one test."""

    def __init__(self, root: Path):
        self.root = root
        (root / "plans").mkdir(parents=True)
        self.write("issuers.yml", ISSUERS)

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def plan(
        self, slug: str = "ke-hoach-a", edits: tuple[tuple[str, str], ...] = (), text: str = PLAN
    ) -> Path:
        """Write PLAN (or `text`) with each (old, new) replacement applied once."""
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new, 1)
        return self.write(f"plans/{slug}.md", text)
