"""``repo.chorus_facturx`` on SQL (issue 19 items 1–5): the area object, composing
the export (``chorus_facturx_export``: one invoice, a selection as a job) and the
import of received files (``chorus_facturx_import``)."""

from __future__ import annotations

from cofatui.repository.sql.chorus_facturx_export import FacturxExport
from cofatui.repository.sql.chorus_facturx_import import FacturxImport


class SqlChorusFacturx(FacturxExport, FacturxImport):
    """Factur-X of Chorus Pro invoices for the repository's principal."""
