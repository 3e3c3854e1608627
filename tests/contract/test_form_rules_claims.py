"""Every check of the claim forms holds at the server (issue 13 item 4): an invalid claim
declaration, additional declaration or indemnity gets, on every backend, exactly the
field errors — (field, line, code) — the claim rules return for it, and nothing is
written; the wizard shows the same refusals at the fields of its steps.

The expected errors are computed from the rules (``rules.claims``, ``rules.addresses``),
never written out, so a rule the repository forgets to call shows up as a difference."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from cofatui.errors import FieldError, ValidationFailed
from cofatui.models import Claim, ClaimDeclaration, ClaimInvoice, ClaimPayment, Contract
from cofatui.repository.sql.claim_submission import claim_form
from cofatui.rules import addresses
from cofatui.rules import claims as rules
from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    IndemnityUpdate,
    InvoiceLine,
    PaymentLine,
)
from cofatui.tui.features.claims.wizard_steps import (
    WizardContext,
    WizardState,
    check_step,
    step_of,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

Refusal = tuple[str, int | None, str]


def invoice(**changes: object) -> InvoiceLine:
    values: dict[str, object] = dict(
        type="IN", number="1001", invoice_date=TODAY - timedelta(days=40),
        due_date=TODAY - timedelta(days=10), currency="EUR",
        amount_excl_tax=Decimal("1000.00"), tax=Decimal("200.00"))
    values.update(changes)
    return InvoiceLine.model_validate(values)


def payment(**changes: object) -> PaymentLine:
    values: dict[str, object] = dict(
        type="SE", invoice_references=["1001"], payment_date=TODAY - timedelta(days=5),
        currency="EUR", amount=Decimal("100.00"))
    values.update(changes)
    return PaymentLine.model_validate(values)


def claim_data(backend: Backend, **changes: object) -> ClaimCreate:
    values: dict[str, object] = dict(
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        billing_address="12 Hafenstraße", billing_postal_code="20457", billing_city="Hamburg",
        billing_country="DEU", contact_name="Alice", contact_email="alice@example.test",
        contact_phone="+33 1 23 45 67 89", invoices=[invoice()], payments=[payment()])
    values.update(changes)
    return ClaimCreate.model_validate(values)


#: One invalid input per form check of the wizard (case id → changes to a valid claim).
CLAIM_CASES: dict[str, dict[str, object]] = {
    "country_not_in_table": {"billing_country": "FRX"},
    "country_lower_case": {"billing_country": "fra"},
    "country_alpha2": {"billing_country": "FR"},
    "billing_without_city": {"billing_city": ""},
    "billing_address_too_long": {"billing_address": "x" * 301},
    "billing_city_too_long": {"billing_city": "x" * 101},
    "postal_code_too_long": {"billing_postal_code": "1" * 21},
    "postal_code_chars": {"billing_postal_code": "75008!"},
    "only_a_country": {"billing_address": "", "billing_postal_code": "", "billing_city": "",
                       "billing_country": "FRX"},
    "partner_too_long": {"invoicing_partner": "P" * 201},
    "contact_email": {"contact_email": "alice@example"},
    "contact_phone_letters": {"contact_phone": "call me"},
    "contact_name_too_long": {"contact_name": "A" * 121},
    "alt_contact_without_intervention": {"alt_contact_name": "Zoé"},
    "own_reference_too_long": {"own_reference": "R" * 36},
    "comments_too_long": {"comments": "c" * 901},
    "currency_unknown": {"invoices": [invoice(currency="XYZ")]},
    "currency_gold": {"invoices": [invoice(currency="XAU")]},
    "currency_withdrawn": {"invoices": [invoice(currency="FRF")]},
    "invoice_date_too_early": {"invoices": [invoice(invoice_date=date(1999, 12, 31))]},
    "invoice_date_future": {"invoices": [invoice(invoice_date=TODAY + timedelta(days=1),
                                                 due_date=TODAY + timedelta(days=30))]},
    "due_date_decades_later": {"invoices": [invoice(due_date=date(2205, 1, 1))]},
    "amount_zero": {"invoices": [invoice(amount_excl_tax=Decimal(0), tax=Decimal(0))]},
    "amount_too_many_decimals": {"invoices": [invoice(amount_excl_tax=Decimal("10.005"))]},
    "amount_yen_decimals": {"invoices": [invoice(currency="JPY",
                                                 amount_excl_tax=Decimal("1000.5"),
                                                 tax=Decimal(0))],
                            "payments": []},
    "amount_not_storable": {"invoices": [invoice(amount_excl_tax=Decimal(10) ** 15)]},
    "total_not_storable": {"invoices": [invoice(number=str(n), tax=Decimal(0),
                                                amount_excl_tax=Decimal(6) * 10 ** 14)
                                        for n in (1, 2)], "payments": []},
    "second_line_bad": {"invoices": [invoice(), invoice(number="1002", currency="eur")]},
    "payment_currency": {"payments": [payment(currency="XYZ")]},
    "payment_date_too_early": {"payments": [payment(payment_date=date(1990, 1, 1))]},
    "payment_amount_decimals": {"payments": [payment(amount=Decimal("1.234"))]},
    "payment_references_too_long": {
        "invoices": [invoice(number=f"{n:035d}", tax=Decimal(0)) for n in range(1, 16)],
        "payments": [payment(invoice_references=[f"{n:035d}" for n in range(1, 16)])]},
}


def counts(backend: Backend) -> tuple[int, ...]:
    with Session(backend.engine) as s:
        return tuple(s.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (Claim, ClaimDeclaration, ClaimInvoice, ClaimPayment))


def max_declaration_days(backend: Backend) -> int:
    with Session(backend.engine) as s:
        contract = s.get(Contract, backend.ids["A"])
        assert contract is not None
        return contract.max_declaration_days


def triples(errors: list[FieldError]) -> set[Refusal]:
    return {(e.field, e.line, e.code) for e in errors}


def expected_claim_errors(backend: Backend, data: ClaimCreate) -> list[FieldError]:
    form = claim_form(data, [rules.InvoiceInput(**i.model_dump()) for i in data.invoices],
                      [rules.PaymentInput(**p.model_dump()) for p in data.payments])
    # No extension on this debtor: nothing moves the deadline.
    return rules.claim_errors(form, backend.clock.today(), max_declaration_days(backend))


def test_the_valid_claim_of_these_cases_is_accepted(backend: Backend) -> None:
    data = claim_data(backend)
    assert expected_claim_errors(backend, data) == []
    claim = backend.open("alice").claims.submit(data)
    detail = backend.open("alice").claims.detail(claim.id)
    assert (detail.billing_country, detail.billing_city) == ("DEU", "Hamburg")


@pytest.mark.validation_table("case")
@pytest.mark.parametrize("case", sorted(CLAIM_CASES))
def test_invalid_claim_gets_the_rules_field_errors_and_writes_nothing(
        backend: Backend, case: str) -> None:
    data = claim_data(backend, **CLAIM_CASES[case])
    expected = expected_claim_errors(backend, data)
    assert expected, f"{case}: the rules accept it"
    before = counts(backend)
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(data)
    assert triples(err.value.errors) == triples(expected)
    assert counts(backend) == before


def test_billing_country_frx_is_refused_with_the_reference_table_code(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(claim_data(backend, billing_country="FRX"))
    [refusal] = err.value.errors
    assert (refusal.field, refusal.code, refusal.params) == (
        "billing_country", "claims_addresses.unknown_country", {"code": "FRX"})


#: Cases whose fields the wizard's steps check (address, partner, contact, reference).
WIZARD_STEP_CASES = [case for case, changes in CLAIM_CASES.items()
                     if not {"invoices", "payments", "comments", "alt_contact_name"} & set(changes)]


@pytest.mark.validation_table("case")
@pytest.mark.parametrize("case", WIZARD_STEP_CASES)
def test_the_wizard_shows_the_rules_refusal_at_the_field(backend: Backend, case: str) -> None:
    """The same refusals, at the wizard's step that holds the field, worded alike."""
    data = claim_data(backend, **CLAIM_CASES[case])
    alice = backend.open("alice")
    contract = next(c for c in alice.contracts() if c.id == backend.ids["A"])
    ctx = WizardContext(contract, alice.companies.get(backend.ids["beta"]),
                        backend.clock.today(), "DMY")
    different = any((data.billing_address, data.billing_postal_code, data.billing_city,
                     data.billing_country))
    state = WizardState(
        own_reference=data.own_reference, billing="different" if different else "same",
        billing_address=data.billing_address, billing_postal_code=data.billing_postal_code,
        billing_city=data.billing_city, billing_country=data.billing_country,
        partner="partner" if data.invoicing_partner else "self",
        invoicing_partner=data.invoicing_partner, contact_name=data.contact_name,
        contact_email=data.contact_email, contact_phone=data.contact_phone,
        reason=data.reason)
    expected = expected_claim_errors(backend, data)
    for refusal in expected:
        shown = check_step(step_of(refusal.field), state, ctx).fields
        if refusal.field == "billing_country" and data.billing_country.islower():
            # The wizard upper-cases what is typed: "fra" is sent as FRA, a country.
            assert "billing_country" not in shown
            continue
        assert shown.get(refusal.field) == refusal.message, case


def test_additional_declaration_gets_the_rules_field_errors(backend: Backend) -> None:
    alice = backend.open("alice")
    claim = alice.claims.submit(claim_data(backend))
    bad = AdditionalDeclaration(
        invoices=[invoice(number="2001", currency="FRF"),
                  invoice(number="2002", due_date=date(2205, 1, 1)),
                  invoice()],  # already in the claim
        payments=[payment(invoice_references=["2001"], amount=Decimal("0.001"))],
        contact_name="Bob", contact_phone="ask the front desk")
    existing = [rules.InvoiceInput(**i.model_dump()) for i in claim_data(backend).invoices]
    new = [rules.InvoiceInput(**i.model_dump()) for i in bad.invoices]
    today = backend.clock.today()
    expected = [
        *rules.invoice_errors(new, today, max_declaration_days(backend), existing=existing),
        *rules.payment_errors([rules.PaymentInput(**p.model_dump()) for p in bad.payments],
                              {"1001", "2001", "2002"}, today,
                              existing=[rules.PaymentInput(**payment().model_dump())]),
        *addresses.contact_errors("contact_", bad.contact_name, bad.contact_email,
                                  bad.contact_phone)]
    assert {(f, c) for f, _, c in triples(expected)} >= {
        ("invoices[1].currency", "currencies.not_in_use"),
        ("invoices[2].due_date", rules.DUE_TOO_FAR),
        ("invoices[3].number", rules.INVOICE_ALREADY_DECLARED),
        ("payments[1].amount", "common.max_decimals"),
        ("contact_phone", "claims_addresses.phone_chars")}
    before = counts(backend)
    with pytest.raises(ValidationFailed) as err:
        alice.claims.add_declaration(claim.id, bad, claim.version)
    assert triples(err.value.errors) == triples(expected)
    assert counts(backend) == before


@pytest.mark.parametrize(("update", "field"), [
    (IndemnityUpdate(covered_amount=Decimal(-1)), "covered_amount"),
    (IndemnityUpdate(calculated_indemnity=Decimal(10) ** 15), "calculated_indemnity"),
    (IndemnityUpdate(calculated_indemnity=Decimal("12.3456")), "calculated_indemnity"),
    (IndemnityUpdate(indemnity_date=date(1999, 1, 1)), "indemnity_date"),
    (IndemnityUpdate(indemnity_date=TODAY + timedelta(days=400)), "indemnity_date"),
    (IndemnityUpdate(collector="nobody"), "collector"),
])
def test_indemnity_update_gets_the_rules_field_errors(
        backend: Backend, update: IndemnityUpdate, field: str) -> None:
    claim = backend.open("alice").claims.submit(claim_data(backend))
    typed = {k: v for k, v in (("covered_amount", update.covered_amount),
                               ("calculated_indemnity", update.calculated_indemnity))
             if v is not None}
    expected = rules.indemnity_errors(typed, update.indemnity_date, update.collector, "EUR",
                                      backend.clock.today())
    assert [e.field for e in expected] == [field]
    with pytest.raises(ValidationFailed) as err:
        backend.open("uw").claims.set_indemnity(claim.id, update, claim.version)
    assert triples(err.value.errors) == triples(expected)
    assert backend.open("alice").claims.detail(claim.id).claim.calculated_indemnity is None


def column_length(table: str, column: str) -> int:
    length = getattr(SQLModel.metadata.tables[table].c[column].type, "length", None)
    assert isinstance(length, int), f"{table}.{column}"
    return length


def test_the_rules_lengths_are_the_columns_lengths() -> None:
    """A text the rules accept always fits its column (PostgreSQL refuses a longer one)."""
    assert {part: column_length("claim", f"billing_{part}")
            for part in addresses.BILLING_LIMITS} == addresses.BILLING_LIMITS
    assert column_length("claim", "invoicing_partner") == addresses.PARTNER_LIMIT
    for prefix in ("contact_", "alt_contact_"):
        assert {part: column_length("claim_declaration", f"{prefix}{part}")
                for part in addresses.CONTACT_LIMITS} == addresses.CONTACT_LIMITS
    assert column_length("claim_payment", "invoice_references") == rules.MAX_PAYMENT_REFERENCES
    assert column_length("claim", "own_reference") == rules.MAX_REFERENCE
    assert column_length("claim_declaration", "comments") == rules.MAX_COMMENT
