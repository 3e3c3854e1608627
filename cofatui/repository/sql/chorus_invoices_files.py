"""The files of an invoice as the pure rules accept them, paired with their bytes for
``chorus_invoices_store.keep_files``: the deposited PDF (``formats/chorus_pdf.py``) and
the attachments within Chorus Pro's limits (``rules/chorus_files.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from cofatui.rules.attachments import Attachment
from cofatui.rules.chorus_files import check_chorus_files
from cofatui.schemas_company_info import UploadedFile

Accepted = tuple[Attachment, bytes]


def accept_pdf(pdf: UploadedFile | None) -> Accepted | None:
    """The main document, or None for an invoice typed in the form. Raises
    ValidationFailed at ``pdf``."""
    if pdf is None:
        return None
    # Imported here: pypdf costs a tenth of a second that start-up never needs.
    from cofatui.formats.chorus_pdf import check_invoice_pdf

    return check_invoice_pdf(pdf.name, pdf.content), pdf.content


def accept_files(files: Sequence[UploadedFile], *, stored_bytes: int = 0) -> list[Accepted]:
    """``files`` added to an invoice already holding ``stored_bytes``. Raises
    ValidationFailed at ``files.N`` and ``files``."""
    accepted = check_chorus_files([(f.name, f.content) for f in files],
                                  stored_bytes=stored_bytes)
    return [(a, f.content) for a, f in zip(accepted, files, strict=True)]
