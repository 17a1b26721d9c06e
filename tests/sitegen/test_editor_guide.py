"""The editors' guide (content/README.md) tells the truth: its examples run.

- The complete example plan is a valid plan.
- The worked example (section 6) runs as printed: each `console` block's command
  is run on a copy of the project's content and prints exactly the lines shown.
"""

from __future__ import annotations

import re
import shlex
import shutil

import pytest
from paths import CONTENT
from sitegen.cli import main
from sitegen.loader import load_content

GUIDE = (CONTENT / "README.md").read_text(encoding="utf-8")


def test_editor_guide_example_loads(tmp_path):
    (example,) = re.findall(r"```markdown\n(.*?)```", GUIDE, flags=re.DOTALL)
    root = tmp_path / "content"
    (root / "plans").mkdir(parents=True)
    shutil.copy(CONTENT / "issuers.yml", root / "issuers.yml")
    (root / "plans" / "vi-du.md").write_text(example, encoding="utf-8")
    (plan,) = load_content(root).plans
    nomination = plan.nomination("cap-quan")
    assert [c.name for c in nomination.categories] == ["Tập thể", "Đối tượng 1"]
    assert nomination.categories[1].criteria.min_total_benefit == 60_000_000
    assert plan.meta.recipients[-1] == "Lưu: VP."
    assert plan.body.startswith("Căn cứ Kế hoạch số 105/KH-LĐLĐ")


@pytest.mark.slow
def test_editor_guide_worked_example_prints_what_the_guide_shows(tmp_path, monkeypatch, capsys):
    sessions = re.findall(r"```console\n(.*?)```", GUIDE, flags=re.DOTALL)
    assert len(sessions) == 2
    shutil.copytree(CONTENT, tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    for session in sessions:
        command, *expected = session.rstrip("\n").split("\n")
        program, *argv = shlex.split(command.removeprefix("$ "))
        assert program == ".venv/bin/sitegen"
        main(argv)
        assert capsys.readouterr().out.rstrip("\n").split("\n") == expected
    # The guide's clean-up step leaves valid content again.
    for path in tmp_path.glob("content/*/ldld-lai-chau-141-kh-2020-2.*"):
        path.unlink()
    assert len(load_content(tmp_path / "content").plans) == 5
