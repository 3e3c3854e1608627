"""Every input is checked once, at the SQL repository, whichever backend (issue 13
item 4): a text with NUL, a control character, a lone surrogate or a direction
override, a number no column can store, a JSON document too deep to be read back, all
come back as :class:`ValidationFailed` naming the field as the API names it, with the
same code on SQLite, PostgreSQL and over HTTP, and nothing is written.

Before: a NUL or BEL in a company name was stored, a lone surrogate gave a 500,
``amount_min=1e308`` a 400 "database error", a NUL in the portfolio's text filter a
422 with no field, and a draft 500 levels deep was saved and never read back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import Claim, Company, Draft, Job, PortfolioEntry
from cofatui.rules.json_depth import MAX_JSON_DEPTH
from cofatui.schemas import (
    ClaimCreate,
    CompanyCreate,
    InvoiceLine,
    PortfolioCriteria,
    PortfolioEntryUpdate,
)
from tests.contract import dataset
from tests.contract.conftest import Backend


def rows(backend: Backend, model: type) -> int:
    with Session(backend.engine) as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def refusals(raised: pytest.ExceptionInfo[ValidationFailed]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in raised.value.errors]


def company(**changes: Any) -> CompanyCreate:
    base = CompanyCreate(name="Hygiène SARL", address="1 rue de la Paix", city="Paris",
                         postal_code="75002", country="FRA")
    return base.model_copy(update=changes)


@pytest.mark.parametrize(("field", "value", "code"), [
    ("name", "a\x00b", "input.control_character"),
    ("name", "a\x07b", "input.control_character"),
    ("name", "a\ud800b", "input.invalid_unicode"),
    ("name", "evil\u202ecod.exe", "input.direction_control"),
    ("address", "1 rue\n2e étage", "input.line_break"),
    ("city", "x" * 5000, "common.too_long"),
])
def test_a_company_with_a_bad_text_is_refused_at_the_field(backend: Backend, field: str,
                                                           value: str, code: str) -> None:
    before = rows(backend, Company)
    with pytest.raises(ValidationFailed) as raised:
        backend.open("alice").companies.create(company(**{field: value}))
    assert (field, code) in refusals(raised)
    assert rows(backend, Company) == before


def test_an_id_beyond_any_column_is_refused_at_the_field(backend: Backend) -> None:
    before = rows(backend, Company)
    with pytest.raises(ValidationFailed) as raised:
        backend.open("alice").companies.create(company(head_office_id=2**40))
    assert refusals(raised) == [("head_office_id", "input.number_out_of_range")]
    assert rows(backend, Company) == before


@pytest.mark.parametrize(("criteria", "expected"), [
    (PortfolioCriteria(text="a\x00b"), ("text", "input.control_character")),
    (PortfolioCriteria(amount_min=Decimal("1e308")), ("amount_min", "input.number_too_large")),
    (PortfolioCriteria(amount_max=Decimal("-1e20")), ("amount_max", "input.number_too_large")),
    (PortfolioCriteria(custom_field_slot=2**40, custom_field_value="x"),
     ("custom_field_slot", "input.number_out_of_range")),
    (PortfolioCriteria(name="\ud83d"), ("name", "input.invalid_unicode")),
])
def test_a_bad_portfolio_filter_is_a_field_error(backend: Backend, criteria: PortfolioCriteria,
                                                 expected: tuple[str, str]) -> None:
    with pytest.raises(ValidationFailed) as raised:
        backend.open("alice").portfolio.rows(backend.ids["A"], criteria)
    assert refusals(raised) == [expected]


def test_a_clean_filter_still_finds_rows(backend: Backend) -> None:
    page = backend.open("alice").portfolio.rows(
        backend.ids["A"], PortfolioCriteria(text="alp", amount_min=Decimal("0.001")))
    assert page.total >= 0


def test_an_amount_with_too_many_decimals_is_not_rounded_away(backend: Backend) -> None:
    repo = backend.open("alice")
    entry = repo.portfolio.rows(backend.ids["A"]).items[0]
    with pytest.raises(ValidationFailed) as raised:
        repo.portfolio.update_entry(entry.entry_id, PortfolioEntryUpdate(
            outstanding_amount=Decimal("10.0005")), entry.version)
    assert refusals(raised) == [("outstanding_amount", "common.max_decimals")]
    assert raised.value.errors[0].params == {"count": 3}
    with Session(backend.engine) as s:
        stored = s.get(PortfolioEntry, entry.entry_id)
        assert stored is not None and stored.version == entry.version


def test_claim_lines_are_named_by_line(backend: Backend) -> None:
    line = InvoiceLine(type="IN", number="A-1", invoice_date=dataset.TODAY - timedelta(days=40),
                       due_date=dataset.TODAY - timedelta(days=10), currency="EUR",
                       amount_excl_tax=Decimal("100.00"))
    claim = ClaimCreate(contract_id=backend.ids["A"], company_id=backend.ids["alpha"],
                        reason="insolvency", comments="Two lines\n\tand a tab are fine",
                        invoices=[line, line.model_copy(update={
                            "number": "A\x002", "amount_excl_tax": Decimal("1e16")})])
    before = rows(backend, Claim)
    with pytest.raises(ValidationFailed) as raised:
        backend.open("alice").claims.submit(claim)
    assert [(e.field, e.code, e.line) for e in raised.value.errors] == [
        ("invoices[2].number", "input.control_character", 2),
        ("invoices[2].amount_excl_tax", "input.number_too_large", 2)]
    assert rows(backend, Claim) == before


def test_a_plain_amount_must_be_a_number(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as raised:
        backend.open("alice").products.modify(backend.ids["p_alpha_crl"], Decimal("NaN"), 1)
    assert refusals(raised) == [("amount", "input.not_finite")]


def nested(depth: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"leaf": "x"}
    for _ in range(depth - 1):
        doc = {"a": doc}
    return doc


def test_a_draft_too_deep_to_read_back_is_refused(backend: Backend) -> None:
    repo = backend.open("alice")
    with pytest.raises(ValidationFailed) as raised:
        repo.drafts.save("claim", "deep", nested(500))
    assert [code for _, code in refusals(raised)] == ["input.too_deep"]
    assert refusals(raised)[0][0].startswith("payload.a.a.")
    assert rows(backend, Draft) == 0
    assert repo.drafts.load("claim", "deep") is None
    # At the limit, it is saved and read back whole.
    repo.drafts.save("claim", "deep", nested(MAX_JSON_DEPTH))
    assert repo.drafts.load("claim", "deep") == nested(MAX_JSON_DEPTH)


def test_a_draft_keeps_its_comments_but_not_control_characters(backend: Backend) -> None:
    repo = backend.open("alice")
    payload = {"comments": "line 1\r\nline 2\tcolumn", "lines": [{"amount": "12.50"}]}
    repo.drafts.save("claim", "k", payload)
    assert repo.drafts.load("claim", "k") == payload
    with pytest.raises(ValidationFailed) as raised:
        repo.drafts.save("claim", "k", {"lines": [{"number": "1"}, {"number": "\x1b[2J"}]})
    assert refusals(raised) == [("payload.lines[2].number", "input.control_character")]
    assert repo.drafts.load("claim", "k") == payload


def test_a_job_s_parameters_are_checked_before_it_is_queued(backend: Backend) -> None:
    before = rows(backend, Job)
    with pytest.raises(ValidationFailed) as raised:
        backend.open("alice").jobs.queue("export.notifications",
                                         {"filter": {"text": "a\x00b"}, "format": "csv"})
    assert refusals(raised) == [("params.filter.text", "input.control_character")]
    assert rows(backend, Job) == before
