"""Nominations: the public forms, the preview, sending, and the private edit link.

This package owns what a grassroots union does: fill the form of a call
(forms.py), have it checked against the plan (criteria.py) and laid out on one
A4 page (summary.py, pdf.py, docx_export.py, photos.py), keep drafts
(drafts.py) and send them once (operations.py). views.py is the HTTP adapter.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("nominations", __name__)

from . import views  # noqa: E402, F401  (the views register themselves on bp)
