"""Indexing the built site for search with Pagefind.

This module owns how the search index is made: Pagefind, run on the built
HTML after MkDocs, indexes only the elements marked `data-pagefind-body` (the
plan pages; see overrides/main.html) with the filters, sort key and metadata
the plan template writes. Pagefind folds tone and vowel marks itself; the
folded copy of the words holding đ/Đ that the template adds (with a lower
weight, so accented queries still rank exact matches first) covers the rest.
It must not generate pages.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"


class IndexingError(RuntimeError):
    """Pagefind failed; the message carries its output."""


def index_site(site_dir: Path) -> None:
    """Write the Pagefind bundle into `site_dir/pagefind/`."""
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site_dir),
        "--output-subdir",
        BUNDLE_DIR,
        "--force-language",
        "vi",
        "--quiet",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise IndexingError(f"Pagefind thất bại ({done.returncode}):\n{done.stdout}{done.stderr}")
    log.debug("pagefind: %s", done.stdout.strip())
