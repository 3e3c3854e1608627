"""The documents sent (issue 17 item 5, seed "Documents téléchargés") on every backend:
a tab only when the contract has documents of its kind that the user may read; reading
needs read rights on the owner's section; another contract's document is missing; the
bytes and their type come back exactly as stored."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from cofatui.enums import DocumentSource
from cofatui.errors import Forbidden, NotFound, ValidationFailed
from cofatui.models import CompanyInformation, Document, TurnoverDeclaration
from cofatui.repository.base import Repository
from cofatui.repository.http import HttpRepository
from cofatui.repository.sql.document_store import keep_document
from cofatui.schemas import ClaimCreate, InvoiceLine
from cofatui.schemas_documents import DocumentFilter
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW, TODAY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CSV = b"EasyNumber;Amount\n00000000000002;1200.00\n"

CLAIMS, INFO, TURNOVER = (DocumentSource.CLAIMS, DocumentSource.COMPANY_INFORMATION,
                          DocumentSource.TURNOVER)


def claim_document(backend: Backend, company: str = "beta", name: str = "invoice.pdf") -> int:
    alice = backend.open("alice")
    claim = alice.claims.submit(ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids[company], reason="insolvency",
        invoices=[InvoiceLine(type="IN", number="1001", invoice_date=TODAY - timedelta(days=40),
                              due_date=TODAY - timedelta(days=10), currency="EUR",
                              amount_excl_tax=Decimal("1000.00"), tax=Decimal("200.00"))]))
    return alice.claims.add_document(claim.id, name, PDF, "other").id


def _document(s: Session, **fields: Any) -> int:
    content: bytes = fields.pop("content")
    row = Document(size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                   created_by="alice", **fields)
    return keep_document(s, row, content)


def info_document(backend: Backend, contract: str = "A", company: str = "alpha",
                  status: str = "analysed", name: str = "balance.csv",
                  minutes: int = 0) -> tuple[int, int]:
    """A company-information submission with one CSV file: (submission id, document id)."""
    with Session(backend.engine) as s:
        submission = CompanyInformation(
            contract_id=backend.ids[contract], company_id=backend.ids[company],
            form="transmission", info_type="aged_balance", description="", status=status,
            created_at=NOW, created_by="alice")
        s.add(submission)
        s.flush()
        assert submission.id is not None
        doc = _document(s, source=INFO.value, contract_id=backend.ids[contract],
                        company_id=backend.ids[company], submission_id=submission.id,
                        filename=name, content_type="text/csv", category="aged_balance",
                        created_at=NOW - timedelta(minutes=minutes), content=CSV)
        s.commit()
        return submission.id, doc


def turnover_document(backend: Backend) -> tuple[int, int]:
    with Session(backend.engine) as s:
        declaration = TurnoverDeclaration(
            contract_id=backend.ids["A"], period_start=date(2026, 1, 1),
            period_end=date(2026, 6, 30), label="S1 2026", basis="sales", breakdown="debtor",
            due_date=date(2026, 7, 30), status="sent")
        s.add(declaration)
        s.flush()
        assert declaration.id is not None
        doc = _document(s, source=TURNOVER.value, contract_id=backend.ids["A"],
                        declaration_id=declaration.id, filename="import.csv",
                        content_type="text/csv", category="import", created_at=NOW,
                        content=CSV)
        s.commit()
        return declaration.id, doc


def tab(repo: Repository, contract_id: int, source: DocumentSource, **kw: Any) -> list[str]:
    return [r.filename for r in repo.documents.rows(
        contract_id, DocumentFilter(source=source, **kw)).items]


def test_a_tab_appears_only_when_the_contract_has_documents_of_its_kind(
        backend: Backend) -> None:
    alice, a = backend.open("alice"), backend.ids["A"]
    assert alice.documents.sources(a) == []
    claim_document(backend)
    assert alice.documents.sources(a) == [CLAIMS]
    info_document(backend)
    turnover_document(backend)
    assert alice.documents.sources(a) == [CLAIMS, INFO, TURNOVER]
    # Contract B has none of them: no tab there.
    assert backend.open("bob").documents.sources(backend.ids["B"]) == []


def test_rows_carry_the_owner_its_outcome_and_company_never_the_bytes(
        backend: Backend) -> None:
    a = backend.ids["A"]
    claim_doc = claim_document(backend)
    submission, info_doc = info_document(backend, status="not_compatible")
    declaration, turnover_doc = turnover_document(backend)
    alice = backend.open("alice")
    [claim_row] = alice.documents.rows(a, DocumentFilter(source=CLAIMS)).items
    assert (claim_row.id, claim_row.filename, claim_row.content_type, claim_row.size) == \
        (claim_doc, "invoice.pdf", "application/pdf", len(PDF))
    assert claim_row.company_name == "Beta Maschinenbau GmbH"
    assert claim_row.outcome == "pending"  # the claim as submitted
    [info_row] = alice.documents.rows(a, DocumentFilter(source=INFO)).items
    assert (info_row.id, info_row.owner_id, info_row.outcome, info_row.easy_number) == \
        (info_doc, submission, "not_compatible", "00000000000001")
    [turnover_row] = alice.documents.rows(a, DocumentFilter(source=TURNOVER)).items
    assert (turnover_row.id, turnover_row.owner_id, turnover_row.outcome) == \
        (turnover_doc, declaration, "sent")
    assert (turnover_row.period_start, turnover_row.period_end) == \
        (date(2026, 1, 1), date(2026, 6, 30))
    assert "content" not in turnover_row.model_dump()


def test_a_tab_is_paged_sorted_and_filtered(backend: Backend) -> None:
    a = backend.ids["A"]
    for minutes, (company, name) in enumerate([("alpha", "b-report.pdf"),
                                               ("gamma", "a-balance.csv"),
                                               ("beta", "c-accounts.csv")]):
        info_document(backend, company=company, name=name, minutes=minutes)
    alice = backend.open("alice")
    # Newest first by default.
    assert tab(alice, a, INFO) == ["b-report.pdf", "a-balance.csv", "c-accounts.csv"]
    assert tab(alice, a, INFO, sort="filename", descending=False) == \
        ["a-balance.csv", "b-report.pdf", "c-accounts.csv"]
    assert tab(alice, a, INFO, sort="company", descending=False) == \
        ["b-report.pdf", "c-accounts.csv", "a-balance.csv"]  # Alpha, Beta, Gamma
    assert tab(alice, a, INFO, text="TESSILE") == ["a-balance.csv"]
    assert tab(alice, a, INFO, text="accounts") == ["c-accounts.csv"]
    assert tab(alice, a, INFO, company_id=backend.ids["alpha"]) == ["b-report.pdf"]
    page = alice.documents.rows(a, DocumentFilter(source=INFO), offset=1, limit=1)
    assert ([r.filename for r in page.items], page.total) == (["a-balance.csv"], 3)
    with pytest.raises(ValidationFailed) as refused:
        alice.documents.rows(a, DocumentFilter(source=INFO, sort="content"))
    assert refused.value.errors[0].code == "documents.unknown_sort"


def test_reading_needs_read_rights_on_the_owners_section(backend: Backend) -> None:
    """carol's customised rights name no claims, company-information or turnover
    section: she sees no tab, and neither the list nor the bytes of a claim's file."""
    a = backend.ids["A"]
    claim_doc = claim_document(backend)
    _, info_doc = info_document(backend)
    carol = backend.open("carol")
    assert carol.documents.sources(a) == []
    with pytest.raises(Forbidden) as refused:
        carol.documents.content(claim_doc)
    assert refused.value.code == "access.no_section_access"
    with pytest.raises(Forbidden):
        carol.documents.content(info_doc)
    with pytest.raises(Forbidden):
        carol.documents.rows(a, DocumentFilter(source=CLAIMS))
    # A read-only user reads them all.
    reader = backend.open("reader")
    assert reader.documents.sources(a) == [CLAIMS, INFO]
    assert reader.documents.content(claim_doc)[1] == PDF


def test_another_contracts_document_is_missing(backend: Backend) -> None:
    claim_doc = claim_document(backend)
    bob = backend.open("bob")
    for document_id in (claim_doc, 999_999):
        with pytest.raises(NotFound) as missing:
            bob.documents.content(document_id)
        assert missing.value.code == "documents.not_found"
    with pytest.raises(Forbidden):
        bob.documents.sources(backend.ids["A"])
    with pytest.raises(Forbidden):
        bob.documents.rows(backend.ids["A"], DocumentFilter(source=CLAIMS))


def test_the_content_is_the_stored_bytes_and_type(backend: Backend) -> None:
    claim_doc = claim_document(backend)
    _, info_doc = info_document(backend, name="balance é.csv")
    alice = backend.open("alice")
    row, content = alice.documents.content(claim_doc)
    assert (row.id, row.content_type, row.source, content) == \
        (claim_doc, "application/pdf", CLAIMS, PDF)
    row, content = alice.documents.content(info_doc)
    assert (row.filename, row.content_type, content) == ("balance é.csv", "text/csv", CSV)


@pytest.mark.parametrize("backend", ["http"], indirect=True)
def test_the_content_route_sends_the_stored_type_unsniffed_under_a_safe_name(
        backend: Backend) -> None:
    _, info_doc = info_document(backend, name='evil"\r\nX-Injected: 1.csv')
    repo = backend.open("alice")
    assert isinstance(repo, HttpRepository)
    response = repo._call("GET", f"/documents/{info_doc}/content")
    assert response.content == CSV
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-content-type-options"] == "nosniff"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="evil_')
    assert "x-injected" not in response.headers
    assert "\r" not in disposition and "\n" not in disposition
