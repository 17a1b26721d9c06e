"""Content problems: one format for every mistake an editor can make.

This module owns the `Problem` record and the exception that carries a list of
them. It must not decide what is a problem (that is the loader's job) nor print
anything (the CLI prints).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the content, located as precisely as we can."""

    path: str
    line: int | None
    field: str
    message: str

    def format(self) -> str:
        """Render as ``path:line: field: message`` (line 0 when unknown)."""
        return f"{self.path}:{self.line or 0}: {self.field}: {self.message}"


class ContentError(Exception):
    """Raised once, after every problem in the content was collected."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


def display_path(path: Path, root: Path) -> str:
    """A path as the editor knows it: relative to the content folder's parent."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)
