"""One invoice's exported file (issue 19 items 3, 4): the Chorus Pro constraints
checked at their fields first (``rules/chorus_export.py``), then the file made by the
pure writers — the Factur-X (PDF/A-3 with ``factur-x.xml``), the CII XML alone, or the
human-readable PDF alone — and its size checked against Chorus Pro's 10 MB.

Shared by ``repo.chorus_facturx.export`` and the selection's export job, so that one
invoice is exported one way whatever asked for it."""

from __future__ import annotations

from cofatui.enums import FacturxFormat
from cofatui.errors import ValidationFailed
from cofatui.repository.sql.chorus_facturx_mapping import export_file_name
from cofatui.rules.facturx_model import FacturxInvoice
from cofatui.schemas_facturx import FacturxFile

PDF_TYPE = "application/pdf"
XML_TYPE = "application/xml"
#: Format → (extension, media type).
KINDS: dict[FacturxFormat, tuple[str, str]] = {
    FacturxFormat.FACTURX: (".pdf", PDF_TYPE),
    FacturxFormat.XML: (".xml", XML_TYPE),
    FacturxFormat.PDF: (".pdf", PDF_TYPE),
}


def _check(invoice: FacturxInvoice, file_size: int | None = None) -> None:
    from cofatui.rules.chorus_export import constraints

    errors = constraints(invoice, file_size)
    if errors:
        raise ValidationFailed(errors)


def _content(invoice: FacturxInvoice, fmt: FacturxFormat, language: str) -> bytes:
    # Imported here: the writers load fonts, ICC profiles and the XSD, which a process
    # that never exports (the TUI on a remote server) need not pay for at start.
    if fmt is FacturxFormat.XML:
        from cofatui.formats.facturx_xml import build_xml

        return build_xml(invoice)
    if fmt is FacturxFormat.PDF:
        from cofatui.formats.facturx_pdf import render_pdf

        return render_pdf(invoice, language)
    from cofatui.formats.facturx import build_facturx

    return build_facturx(invoice, language)


def make_file(invoice: FacturxInvoice, fmt: FacturxFormat, language: str) -> FacturxFile:
    """The file of ``invoice`` in ``fmt``. Raises ValidationFailed at each field the
    Chorus Pro constraints refuse (``chorus_facturx.*``), at ``file`` when too large."""
    _check(invoice)
    content = _content(invoice, fmt, language)
    _check(invoice, len(content))
    extension, media_type = KINDS[fmt]
    return FacturxFile(file_name=export_file_name(invoice.number, extension),
                       media_type=media_type, content=content)
