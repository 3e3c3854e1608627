"""The CSV text of a custom export on hand-built rows (issue 15), on SQLite and
PostgreSQL, through the CSV-only run's lines and the typed rows alike: the formula
guard, control characters dropped, amounts with two or three decimals and a sign,
times in the user's time zone (across a change of offset), the DRA's day, a
company's legal identifiers in the order they were added, statuses and headers in
both languages. What the speed work on the CSV lines (SQL page query, joined lines)
must keep, cell for cell."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ExportAggregation, ExportCategory
from cofatui.formats.export import write_csv, write_csv_cells
from cofatui.i18n import t_in
from cofatui.jobs.export_runs import export_columns
from cofatui.models import Company, Contract, LegalIdentifier, PortfolioEntry, Product
from cofatui.repository.sql.export_rows import (
    ExportSpec,
    export_snapshot,
    headers,
    iter_export_csv_lines,
    iter_export_rows,
)
from tests.contract.conftest import Backend

COLUMNS = ("contract", "company_name", "address", "city", "legal_identifier", "dra",
           "dra_date", "outstanding_amount", "product_code", "status", "decided_amount",
           "currency", "decided_at", "updated_at")


@pytest.fixture
def sql_backend(backend: Backend) -> Backend:
    if backend.name not in ("sqlite", "postgres"):
        pytest.skip("the rows are read on the server's database")
    return backend


def _hand_built(b: Backend) -> tuple[int, str, list[str]]:
    """A's first company rewritten with the values each rule is about; returns its
    entry id, A's policy number and the company's legal identifiers before."""
    with Session(b.engine) as s:
        entry = s.execute(select(PortfolioEntry).where(
            col(PortfolioEntry.contract_id) == b.ids["A"])
            .order_by(col(PortfolioEntry.id))).scalars().first()
        assert entry is not None and entry.id is not None
        company = s.get(Company, entry.company_id)
        assert company is not None and company.id is not None
        company_id = company.id
        company.name = "=HYPERLINK(\"x\")"
        company.address = "Rue\x1b[31m du Port\r\n2e étage"
        company.city = "\x07-Lyon"
        company.dra = 7
        company.dra_updated_at = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)
        entry.outstanding_amount = Decimal("-1234.5")
        entry.updated_at = datetime(2026, 3, 29, 1, 30, 5, tzinfo=UTC)
        before = [v for (v,) in s.execute(select(col(LegalIdentifier.value)).where(
            col(LegalIdentifier.company_id) == company_id).order_by(col(LegalIdentifier.id)))]
        # Added in this order, which is not the values' order.
        s.add(LegalIdentifier(company_id=company_id, type_code="VAT", value="Z-9"))
        s.flush()
        s.add(LegalIdentifier(company_id=company_id, type_code="DUNS", value="A-1"))
        first = s.execute(select(col(Product.id)).where(
            col(Product.contract_id) == b.ids["A"], col(Product.company_id) == company_id)
            .order_by(col(Product.id))).scalars().first()
        assert first is not None
        s.execute(update(Product).where(col(Product.id) == first).values(
            code="CRL", status="granted", decided_amount=Decimal("1000.125"),
            decided_at=datetime(2026, 10, 25, 0, 59, tzinfo=UTC)))
        policy = s.execute(select(col(Contract.policy_number))
                           .where(col(Contract.id) == b.ids["A"])).scalar_one()
        s.commit()
        return entry.id, policy, before


@pytest.mark.parametrize("language", ["en", "fr"])
def test_hand_built_row_is_written_cell_for_cell(sql_backend: Backend, tmp_path: Path,
                                                 language: str) -> None:
    b = sql_backend
    _, policy, before = _hand_built(b)
    s = ExportSpec(category=ExportCategory.PORTFOLIO, owner_id=1,
                   contract_ids=(b.ids["A"],), columns=COLUMNS,
                   aggregation=ExportAggregation.COMPANY, language=language)
    with export_snapshot(b.engine) as conn:
        heads = headers(conn, s)
        lines = write_csv_cells(tmp_path / "lines.csv", [h.label for h in heads],
                                iter_export_csv_lines(conn, s, "Europe/Paris", language,
                                                      page=2))
        typed = write_csv(tmp_path / "typed.csv", export_columns(heads),
                          iter_export_rows(conn, s, page=2), language=language,
                          time_zone="Europe/Paris")
    data = (tmp_path / "lines.csv").read_bytes()
    assert lines == typed > 1
    assert data == (tmp_path / "typed.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    header, first, *_ = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""),
                                   delimiter=";")
    assert header[1] == {"en": "Company name", "fr": "Raison sociale"}[language]
    assert first == [
        policy,
        "'=HYPERLINK(\"x\")",  # a formula is quoted with '
        "Rue[31m du Port\n2e étage",  # ESC and CR dropped, LF kept
        "'-Lyon",  # the guard looks at the text without its control characters
        ", ".join([*before, "Z-9", "A-1"]),  # in the order they were added
        "7",
        "2026-03-28",  # the DRA's day as stored (UTC)
        "-1234.50",
        "CRL",
        t_in(language, "products.status.granted"),
        "1000.125",
        "EUR",
        "2026-10-25 02:59",  # Paris, summer time until 01:00 UTC that day
        "2026-03-29 03:30:05",  # Paris, summer time from 01:00 UTC that day
    ]
