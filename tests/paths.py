"""Where the tests find the project's files."""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CONTENT = PROJECT / "content"
SEEDS = PROJECT.parent / "shared" / "seeds"
