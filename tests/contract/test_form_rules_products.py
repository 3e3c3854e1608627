"""The product forms' validations walked through the repository on every backend
(issue 13 item 4): an order (``POST /products``), a new amount, a transform into an
Agrément, an underwriter's decision and a TopLiner quote's answer are refused with the
same (field, line, code) set as ``rules.products`` gives the forms, and nothing is
written. Amounts are checked in the contract's currency: a yen has no decimals, and a
contract in French francs orders nothing in 2026."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.errors import FieldError, ValidationFailed
from cofatui.models import AuditEntry, Contract, DecisionRequest, PortfolioEntry, Product
from cofatui.rules import products as rules
from cofatui.schemas import ProductRequest, UnderwriterDecisionInput
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.test_products_lifecycle import alpha_increase, product
from tests.contract.test_products_topliner_quotes import quote

Key = tuple[str, int | None, str]

# An order on Epsilon (not in contract A's portfolio yet), the contract's currency, and
# a code it must bring.
ORDERS: dict[str, tuple[dict[str, object], str, str]] = {
    "Agrément below the seed's 1000": ({"code": "CRL", "amount": Decimal(999)}, "EUR",
                                       "products.amount_below_minimum"),
    "custom opinion below 1000": ({"code": "CCO", "amount": Decimal("500")}, "EUR",
                                  "products.amount_below_minimum"),
    "amount zero": ({"code": "CRL", "amount": Decimal(0)}, "EUR",
                    "products.amount_not_positive"),
    "amount negative": ({"code": "TOPLINER", "amount": Decimal(-5), "duration_days": 60},
                        "EUR", "products.amount_not_positive"),
    "amount missing": ({"code": "CRL"}, "EUR", "products.amount_mandatory"),
    "amount not storable": ({"code": "CRL", "amount": Decimal("1e13")}, "EUR",
                            "products.amount_too_large"),
    "a thousandth of a euro": ({"code": "CRL", "amount": Decimal("5000.005")}, "EUR",
                               "products.amount_decimals"),
    "half a yen": ({"code": "CRL", "amount": Decimal("5000.5")}, "JPY",
                   "products.amount_decimals"),
    "withdrawn currency": ({"code": "CRL", "amount": Decimal(5000)}, "FRF",
                           "currencies.not_in_use"),
    "TopLiner too short": ({"code": "TOPLINER", "amount": Decimal(5000), "duration_days": 29},
                           "EUR", "products.duration_range"),
    "report in Italian": ({"code": "REPORT_FULL", "language": "it"}, "EUR",
                          "products.report_language"),
    "client reference too long": ({"code": "CRL", "amount": Decimal(5000),
                                   "client_reference": "R" * 36}, "EUR", "common.too_long"),
}


def keys(errors: list[FieldError]) -> set[Key]:
    return {(e.field, e.line, e.code) for e in errors}


def contract_currency(backend: Backend, code: str) -> None:
    with Session(backend.engine) as s:
        s.execute(update(Contract).where(col(Contract.id) == backend.ids["A"])
                  .values(currency=code))
        s.commit()


def written(backend: Backend) -> tuple[int, ...]:
    """Rows an accepted command would add or change (a version moves on a change)."""
    with Session(backend.engine) as s:
        counts = [int(s.execute(select(func.count()).select_from(table)).scalar_one())
                  for table in (Product, DecisionRequest, PortfolioEntry, AuditEntry)]
        versions = int(s.execute(select(func.coalesce(func.sum(Product.version), 0)))
                       .scalar_one())
    return (*counts, versions)


def refused_keys(command: Callable[[], object]) -> set[Key]:
    with pytest.raises(ValidationFailed) as refused:
        command()
    return keys(refused.value.errors)


def assert_refused_as_the_rule_says(backend: Backend, command: Callable[[], object],
                                    rule: list[FieldError]) -> None:
    """``command`` is refused with the (field, line, code) set of ``rule`` (not empty)
    and writes nothing."""
    expected = keys(rule)
    assert expected
    before = written(backend)
    assert refused_keys(command) == expected
    assert written(backend) == before


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(ORDERS))
def test_an_invalid_order_is_refused_as_the_form_shows_it(backend: Backend, name: str) -> None:
    values, currency, code = ORDERS[name]
    contract_currency(backend, currency)
    order = ProductRequest(contract_id=backend.ids["A"], company_id=backend.ids["epsilon"],
                           **values)  # type: ignore[arg-type]
    expected = keys(rules.request_errors(rules.ProductRequestData(
        order.code, order.amount, order.duration_days, order.language,
        order.guarantor_company_id, order.client_reference, order.new_investigation,
        order.company_id, currency), TODAY))
    assert code in {c for _, _, c in expected}
    before = written(backend)
    assert refused_keys(lambda: backend.open("alice").products.request(order)) == expected
    assert written(backend) == before


def test_the_minimum_itself_is_ordered(backend: Backend) -> None:
    made = backend.open("alice").products.request(ProductRequest(
        contract_id=backend.ids["A"], company_id=backend.ids["epsilon"], code="CRL",
        amount=rules.MIN_AMOUNT))
    assert made.requested_amount == Decimal(1000)


NEW_AMOUNTS = {"below the minimum": Decimal(999), "zero": Decimal(0),
               "a thousandth": Decimal("120000.001"), "not storable": Decimal("1e15")}


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(NEW_AMOUNTS))
def test_a_new_amount_is_checked_like_the_form_does(backend: Backend, name: str) -> None:
    amount = NEW_AMOUNTS[name]
    crl = product(backend, "alpha", "CRL")
    assert_refused_as_the_rule_says(
        backend, lambda: backend.open("alice").products.modify(crl.id, amount, crl.version),
        rules.request_errors(rules.ProductRequestData("CRL", amount, currency=crl.currency)))


@pytest.mark.parametrize("amount", [None, Decimal(10), Decimal("30000.5555")])
def test_a_transform_into_an_agrement_asks_a_valid_amount(backend: Backend,
                                                          amount: Decimal | None) -> None:
    rli = product(backend, "delta", "RLI")
    assert_refused_as_the_rule_says(
        backend, lambda: backend.open("alice").products.transform(rli.id, "CRL", rli.version,
                                                                  amount),
        rules.request_errors(rules.ProductRequestData("CRL", amount, currency=rli.currency)))


DECISIONS = {
    "partial with a thousandth": UnderwriterDecisionInput(
        decision="partial", amount=Decimal("50000.005")),
    "grant of an amount not storable": UnderwriterDecisionInput(
        decision="grant", amount=Decimal("1e14")),
    "ending before it starts": UnderwriterDecisionInput(
        decision="grant", end_date=TODAY - timedelta(days=1)),
    "ending in six years": UnderwriterDecisionInput(
        decision="grant", end_date=TODAY + timedelta(days=6 * 365)),
    "partial without amount": UnderwriterDecisionInput(decision="partial"),
    "no such decision": UnderwriterDecisionInput(decision="maybe"),
    "refusal without reason": UnderwriterDecisionInput(decision="refuse", comment=" "),
}


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(DECISIONS))
def test_an_underwriters_decision_is_checked_like_the_queue_does(backend: Backend,
                                                                 name: str) -> None:
    decision = DECISIONS[name]
    asked = alpha_increase(backend)
    assert asked.pending_request is not None
    requested = asked.pending_request.requested_amount
    with pytest.raises(ValidationFailed) as rule:
        # What the queue's dialog calls (the decision takes effect today).
        rules.underwriter_decision(decision.decision, requested, decision.amount,
                                   decision.comment, effective=TODAY,
                                   end_date=decision.end_date, currency=asked.currency)
    uw = backend.open("uw")
    item = next(i for i in uw.underwriting.queue().items if i.product_id == asked.id)
    before = written(backend)
    assert refused_keys(lambda: uw.underwriting.decide(asked.id, decision, item.version)) \
        == keys(rule.value.errors)
    assert written(backend) == before


def test_a_quote_answer_must_be_one_of_the_three(backend: Backend) -> None:
    q = quote(backend)
    before = written(backend)
    assert refused_keys(lambda: backend.open("bob").products.answer_topliner_quote(
        q.id, "later", q.version)) == {("answer", None, "products.choose_answer")}
    assert written(backend) == before
