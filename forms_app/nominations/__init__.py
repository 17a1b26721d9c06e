"""Nominations: one nominee of a dossier, from its form to its place in the dossier.

This package owns what a grassroots union does for each nominee: fill the
summary form of the dossier's call (forms.py), have it checked against the plan
(criteria.py) and laid out on one A4 page (summary.py, pdf.py, docx_export.py,
photos.py), keep drafts (drafts.py) and save them into the dossier once
(operations.py). The dossier itself, its documents and its sending are in
dossiers/. views.py is the HTTP adapter (and the start page listing the calls).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("nominations", __name__)

from . import views  # noqa: E402, F401  (the views register themselves on bp)
