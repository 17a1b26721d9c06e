"""The Tờ trình as a PDF: its content laid out with the app's print machinery.

This module owns handing `proposal.build_proposal`'s strings to the
template `dossier_documents/proposal.html` (autoescaped) and its stylesheet,
through `nominations.pdf` (shipped fonts, asset-only fetcher, one render at a
time, the stylesheet parsed once per process). It must not word anything
itself.
"""

from __future__ import annotations

from typing import Any

from ...nominations import pdf
from ..facts import DossierFacts
from .proposal import MOTTO, NATION, TABLE_HEADERS, build_proposal

TEMPLATE = "dossier_documents/proposal.html"
STYLESHEET = "dossier_documents/proposal.css"


def proposal_html(facts: DossierFacts) -> str:
    return pdf.render_template(
        TEMPLATE, p=build_proposal(facts), nation=NATION, motto=MOTTO, headers=TABLE_HEADERS
    )


def layout_proposal(facts: DossierFacts) -> Any:
    """The laid-out document (its `pages` tell the page count without writing a PDF)."""
    return pdf.layout_html(proposal_html(facts), STYLESHEET)


def render_proposal_pdf(facts: DossierFacts) -> bytes:
    return pdf.write_pdf(layout_proposal(facts))
