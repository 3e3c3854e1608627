"""Two imports of one Factur-X at once (issue 19 item 5): on PostgreSQL both may pass the
duplicate check before either writes. The database's unique keys keep the first; the
second file is refused with a coded reason, alone — the rest of its batch is imported
and nothing of it is written. The race is made certain by letting the second import
skip the check (as if it had run before the first one's commit)."""

from __future__ import annotations

import pytest

from cofatui.repository.sql import chorus_facturx_import
from cofatui.schemas_company_info import UploadedFile
from cofatui.schemas_facturx import FacturxImportStatus
from tests.contract.chorus_dataset import PA_USER
from tests.contract.conftest import Backend
from tests.contract.facturx_samples import facturx_file, facturx_invoice, written
from tests.contract.sql_only import sql_backend  # noqa: F401  (the SQL backends only)

GOOD = facturx_file()


def test_the_second_of_two_simultaneous_imports_is_refused_alone(
        backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    pa = backend.open(PA_USER)
    [first] = pa.chorus_facturx.import_files([UploadedFile(name="a.pdf",
                                                           content=GOOD)]).outcomes
    assert first.status is FacturxImportStatus.IMPORTED and first.invoice is not None
    before = written(backend)
    standing = pa.chorus_invoices.get(first.invoice.id)
    monkeypatch.setattr(chorus_facturx_import, "_check_duplicate", lambda *args: None)
    other = facturx_file(facturx_invoice("FX-OTHER-1"))
    batch = pa.chorus_facturx.import_files([UploadedFile(name="again.pdf", content=GOOD),
                                            UploadedFile(name="other.pdf", content=other)])
    again, imported = batch.outcomes
    assert again.status is FacturxImportStatus.REFUSED and again.invoice is None
    assert [r.code for r in again.reasons] == ["chorus_facturx_repo.imported_meanwhile"]
    assert first.invoice.number in again.reasons[0].message
    assert imported.status is FacturxImportStatus.IMPORTED
    invoices, structures, _ = written(backend)
    assert (invoices, structures) == (before[0] + 1, before[1])
    assert pa.chorus_invoices.get(first.invoice.id) == standing  # the first is untouched
