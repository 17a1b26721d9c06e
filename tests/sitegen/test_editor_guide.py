"""The complete example in content/README.md is a valid plan."""

from __future__ import annotations

import re
import shutil

from paths import CONTENT
from sitegen.loader import load_content


def test_editor_guide_example_loads(tmp_path):
    guide = (CONTENT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```markdown\n(.*?)```", guide, flags=re.DOTALL)
    root = tmp_path / "content"
    (root / "plans").mkdir(parents=True)
    shutil.copy(CONTENT / "issuers.yml", root / "issuers.yml")
    (root / "plans" / "vi-du.md").write_text(example, encoding="utf-8")
    (plan,) = load_content(root).plans
    nomination = plan.nomination("cap-quan")
    assert [c.name for c in nomination.categories] == ["Tập thể", "Đối tượng 1"]
    assert nomination.categories[1].criteria.min_total_benefit == 60_000_000
    assert plan.meta.recipients[-1] == "Lưu: VP."
