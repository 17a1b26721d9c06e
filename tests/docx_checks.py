"""Reading generated .docx files: the page setup, and LibreOffice's pages for them.

python-docx cannot count pages; LibreOffice headless converts a .docx to PDF
with the same layout engine an office without Word uses. Several files go
through one LibreOffice start (a start costs seconds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SOFFICE = shutil.which("soffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true",
    reason="LibreOffice (soffice) is not installed; CI installs it and runs this test",
)


def docx_files_to_pdfs(files: dict[str, bytes], folder: Path) -> dict[str, bytes]:
    """Each named .docx as LibreOffice prints it to PDF, all in one run."""
    paths = []
    for name, data in files.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(str(path))
    subprocess.run(
        [
            SOFFICE or "soffice",
            "--headless",
            f"-env:UserInstallation=file://{folder}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *paths,
        ],
        check=True,
        capture_output=True,
        timeout=120 + 60 * len(files),
    )
    return {name: (folder / f"{name}.pdf").read_bytes() for name in files}


def docx_to_pdf(data: bytes, folder: Path) -> bytes:
    return docx_files_to_pdfs({"summary": data}, folder)["summary"]


def page_setup_mm(document: Any) -> list[int]:
    """Page width, height and the top, bottom, left and right margins in whole millimetres
    (Word stores twentieths of a point)."""
    section = document.sections[0]
    return [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
