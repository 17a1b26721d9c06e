"""Where the tests find the project's files (never outside the repository)."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"
SOURCES = CONTENT / "sources"
