"""The dossier's own documents, each a pure function of `DossierFacts`.

The Tờ trình (PDF and .docx, the same strings from `proposal`) and the danh
sách trích ngang (XLSX and CSV, the same rows from `roster`). Nothing here
reads the database, the request or the clock: the same facts give the same
documents, for the unit's downloads, the mail and the office's exports alike.
"""

from .proposal_docx import render_proposal_docx
from .proposal_pdf import render_proposal_pdf
from .roster import RosterRow, render_roster_csv, render_roster_xlsx, roster_rows

__all__ = [
    "RosterRow",
    "render_proposal_docx",
    "render_proposal_pdf",
    "render_roster_csv",
    "render_roster_xlsx",
    "roster_rows",
]
