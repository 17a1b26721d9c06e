"""The shape of forms_app: views are HTTP adapters and never touch the database."""

from __future__ import annotations

import ast

from paths import PROJECT

FORBIDDEN_MODULES = ("sqlalchemy", "forms_app.store")
FORBIDDEN_NAMES = {"get_session"}


def absolute(module: str | None, level: int, package: str) -> str:
    if level == 0:
        return module or ""
    base = package.split(".")[: len(package.split(".")) - level + 1]
    return ".".join([*base, module] if module else base)


def database_uses(path, root=PROJECT) -> list[str]:
    """What a module imports or calls that belongs to the database layer."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = absolute(node.module, node.level, package)
            modules = [source, *(f"{source}.{alias.name}" for alias in node.names)]
            found += [alias.name for alias in node.names if alias.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Name | ast.Attribute):
            name = node.id if isinstance(node, ast.Name) else node.attr
            found += [name] if name in FORBIDDEN_NAMES else []
            continue
        else:
            continue
        found += [
            m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_MODULES)
        ]
    return found


def test_no_view_module_touches_the_database():
    views = sorted((PROJECT / "forms_app").rglob("*views.py"))

    assert [v.relative_to(PROJECT).as_posix() for v in views] == [
        "forms_app/dossiers/views.py",
        "forms_app/nominations/views.py",
        "forms_app/office/views.py",
        "forms_app/privacy/office_views.py",
        "forms_app/privacy/views.py",
    ]
    assert {v.relative_to(PROJECT).as_posix(): database_uses(v) for v in views} == {
        v.relative_to(PROJECT).as_posix(): [] for v in views
    }


def test_the_check_sees_database_imports(tmp_path):
    sample = PROJECT / "forms_app" / "office" / "views.py"
    source = sample.read_text(encoding="utf-8")
    bad = tmp_path / "forms_app" / "office" / "views.py"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        source
        + "\nfrom ..store.database import get_session\nimport sqlalchemy.orm\n"
        + "def leak():\n    return get_session()\n",
        encoding="utf-8",
    )

    assert database_uses(bad, root=tmp_path) == [
        "get_session",
        "forms_app.store.database",
        "forms_app.store.database.get_session",
        "sqlalchemy.orm",
        "get_session",
    ]
