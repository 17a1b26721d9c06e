"""What the office downloads as archives: dossiers as they were sent, in ZIPs.

This module owns the office's archives: one dossier's sending in a folder of
its own, or every sent dossier of a call, one folder each, beside the call's
danh sách. Each folder holds exactly the files `dossiers.packaging.sending_files`
gives for the sending (the files of its office mail, under the mail's names),
and no path is written twice. The danh sách itself, and its defence against
formula injection, belong to `dossiers.documents.roster`. Generators return
bytes; they must not query the database (the operations pass the rows in).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from ..dossiers.packaging import Attachment
from ..mail.notifications import ascii_filename
from ..store.models import Dossier, DossierSending


def dossier_folder(dossier: Dossier, sending: DossierSending) -> str:
    """'CDCS-Cong-ty-Binh-Minh-D4K7Q2XA-lan-2': ASCII, unique by the dossier's reference."""
    return ascii_filename(
        dossier.union_name, dossier.reference, f"lan {sending.number}", extension=""
    ).rstrip(".")


def render_zip(
    folders: Sequence[tuple[str, Sequence[Attachment]]],
    loose: Sequence[tuple[str, bytes]] = (),
) -> bytes:
    """Each folder with its files under their own names, then the loose files at the top."""
    out = io.BytesIO()
    written: set[str] = set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        paths = [
            (f"{folder}/{item.filename}", item.content)
            for folder, files in folders
            for item in files
        ]
        for path, content in [*paths, *loose]:
            if path in written:
                raise ValueError(f"{path} would be written twice into the ZIP")
            written.add(path)
            archive.writestr(path, content)
    return out.getvalue()
