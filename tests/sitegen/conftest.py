from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from content_tree import Tree

# A build's settings pinned through the environment (mkdocs.yml reads them).
SITE_SETTINGS = {
    "SITEGEN_TODAY": "2024-04-01",
    "SITEGEN_SITE_URL": "https://thidua.example.org/",
    "SITEGEN_FORMS_URL": "https://hoso.example.org",
}


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SITE_SETTINGS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path / "content")


@pytest.fixture
def import_root(tmp_path: Path) -> Path:
    """An empty content folder with the project's issuing bodies, to import into."""
    from paths import CONTENT

    root = tmp_path / "content"
    (root / "plans").mkdir(parents=True)
    shutil.copy(CONTENT / "issuers.yml", root / "issuers.yml")
    return root
