"""What every document of the dossier does to its facts first: Unicode NFC.

The forms store NFC already; the documents normalise again so that text
reaching them by another road (an import, a script, a test) prints and
sorts the same, and the PDF's extractable text is the NFC a search expects.
"""

from __future__ import annotations

import dataclasses

from sitegen.text import nfc

from ..facts import DossierFacts, Nominee, Unit


def _nfc_strings(value):
    changes = {
        field.name: nfc(getattr(value, field.name))
        for field in dataclasses.fields(value)
        if isinstance(getattr(value, field.name), str)
    }
    return dataclasses.replace(value, **changes)


def normalised(facts: DossierFacts) -> DossierFacts:
    """The facts with every text of the unit and the nominees in NFC."""
    unit: Unit = _nfc_strings(facts.unit)
    nominees: tuple[Nominee, ...] = tuple(_nfc_strings(n) for n in facts.nominees)
    return dataclasses.replace(facts, unit=unit, nominees=nominees, reference=nfc(facts.reference))
