"""The PDF deposited as a Chorus Pro invoice's main document (issue 18 item 5; seed
004 "Le mode Portail": "déposer une facture au format PDF").

A PDF by its content (not its name), that pypdf opens and that is not encrypted — the
portal reads it, so an encrypted or broken file would be deposited only to bounce —
and at most 10 MB. It is stored under its name with a ``.pdf`` extension, shortened to
the portal's 50 characters.

This is the seam for Factur-X (a later issue): reading the invoice's data out of the
PDF's embedded XML would start here.
"""

from __future__ import annotations

import hashlib
import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from cofatui.errors import ValidationFailed
from cofatui.rules.attachments import PDF, Attachment, attachment_name
from cofatui.rules.chorus_files import MAX_FILE_BYTES, MAX_NAME_CHARS

__all__ = ["check_invoice_pdf"]

_PDF_SIGNATURE = b"%PDF-"
# pypdf logs a warning on every oddity of a file it still reads; in the TUI that text
# would land on the screen. Its errors still go through.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _opens(content: bytes) -> tuple[bool, bool]:
    """(opens, encrypted). pypdf raises many kinds of errors on broken input: any of
    them means the portal could not read the file either."""
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return True, True
        return len(reader.pages) > 0, False
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError, AssertionError, ZeroDivisionError):
        return False, False


def _stored_name(name: str) -> str:
    full = attachment_name(name or "facture", PDF)
    if len(full) <= MAX_NAME_CHARS:
        return full
    stem, extension = full[:-len(".pdf")], full[-len(".pdf"):]
    return stem[:MAX_NAME_CHARS - len(extension)].rstrip(" .") + extension


def check_invoice_pdf(name: str, content: bytes, *, field: str = "pdf") -> Attachment:
    """The deposited PDF: its name to store, media type, size and SHA-256. Raises
    ValidationFailed at ``field``: ``chorus.file_empty``, ``chorus.file_too_large``,
    ``chorus.pdf_not_pdf`` (the content is no PDF), ``chorus.pdf_encrypted``,
    ``chorus.pdf_unreadable`` (pypdf cannot open it, or it has no page)."""
    if not content:
        raise ValidationFailed.at(field, "chorus.file_empty")
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed.at(field, "chorus.file_too_large",
                                  megabytes=MAX_FILE_BYTES // (1024 * 1024))
    # Some writers put a few bytes before the header; readers accept it in the first KiB.
    if _PDF_SIGNATURE not in content[:1024]:
        raise ValidationFailed.at(field, "chorus.pdf_not_pdf")
    opens, encrypted = _opens(content)
    if encrypted:
        raise ValidationFailed.at(field, "chorus.pdf_encrypted")
    if not opens:
        raise ValidationFailed.at(field, "chorus.pdf_unreadable")
    return Attachment(_stored_name(name.strip()), PDF.media_type, size=len(content),
                      sha256=hashlib.sha256(content).hexdigest(), label=PDF.label)
