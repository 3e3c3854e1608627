"""The extension form's validations walked through the repository on every backend
(issue 13 item 4): each invalid request, new plan or counter-plan is refused with the
same (field, line, code) set as ``rules.extensions`` gives the form, and nothing is
written. Among them the issue's own example: a currency ``XYZ`` on an invoice dated
next year, which the server used to accept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.errors import FieldError, ValidationFailed
from cofatui.models import Extension, ExtensionInvoice, ExtensionPlanLine
from cofatui.rules import extensions as rules
from cofatui.schemas import (
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionInvoiceLine,
    PlanLineInput,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY

INVOICE_DATE = TODAY - timedelta(days=30)
DUE = TODAY + timedelta(days=15)
TERMS = rules.ContractTerms(dmc_days=90)  # contract A's

Key = tuple[str, int | None, str]


@dataclass(frozen=True)
class Case:
    """A change to a valid request and a code it must bring (so no case passes by
    finding nothing)."""

    change: Callable[[ExtensionCreate], ExtensionCreate]
    expected: Key


def valid(backend: Backend) -> ExtensionCreate:
    return ExtensionCreate(
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="Cash shortage",
        currency="EUR",
        invoices=[ExtensionInvoiceLine(number="F-1", invoice_date=INVOICE_DATE, due_date=DUE,
                                       amount=Decimal("600.00")),
                  ExtensionInvoiceLine(number="F-2", invoice_date=INVOICE_DATE, due_date=DUE,
                                       amount=Decimal("400.50"))],
        plan=[PlanLineInput(due_date=DUE + timedelta(days=20), amount=Decimal("1000.50"))])


def invoice(data: ExtensionCreate, line: int, **values: object) -> ExtensionCreate:
    invoices = list(data.invoices)
    invoices[line - 1] = invoices[line - 1].model_copy(update=values)
    return data.model_copy(update={"invoices": invoices})


def plan(*lines: tuple[date, str]) -> Callable[[ExtensionCreate], ExtensionCreate]:
    return lambda data: data.model_copy(update={"plan": [
        PlanLineInput(due_date=d, amount=Decimal(a)) for d, a in lines]})


def currency(code: str) -> Callable[[ExtensionCreate], ExtensionCreate]:
    return lambda data: data.model_copy(update={"currency": code})


NEXT_YEAR = date(TODAY.year + 1, TODAY.month, min(TODAY.day, 28))

CASES = {
    "unknown currency": Case(currency("XYZ"), ("currency", None, "money.unknown_currency")),
    "lower-case currency": Case(currency("eur"), ("currency", None, "money.unknown_currency")),
    "gold is no currency": Case(currency("XAU"), ("currency", None, "money.unknown_currency")),
    "withdrawn currency": Case(currency("FRF"), ("currency", None, "currencies.not_in_use")),
    "XYZ on an invoice of next year": Case(
        lambda d: invoice(currency("XYZ")(d), 2, invoice_date=NEXT_YEAR,
                          due_date=NEXT_YEAR + timedelta(days=10)),
        ("invoices[2].invoice_date", 2, "extensions.invoice_in_future")),
    "original due date beyond the DMC": Case(
        lambda d: invoice(d, 2, due_date=INVOICE_DATE + timedelta(days=91)),
        ("invoices[2].due_date", 2, "extensions.due_beyond_dmc")),
    "due before the invoice": Case(
        lambda d: invoice(d, 1, due_date=INVOICE_DATE - timedelta(days=1)),
        ("invoices[1].due_date", 1, "claims.due_before_invoice")),
    "invoice number too long": Case(lambda d: invoice(d, 2, number="F" * 36),
                                    ("invoices[2].number", 2, "common.too_long")),
    "invoice number blank": Case(lambda d: invoice(d, 1, number="  "),
                                 ("invoices[1].number", 1, "common.mandatory")),
    "invoice number twice": Case(lambda d: invoice(d, 2, number="F-1"),
                                 ("invoices[2].number", 2, "extensions.invoice_twice")),
    "amount zero": Case(lambda d: invoice(d, 1, amount=Decimal(0)),
                        ("invoices[1].amount", 1, "common.above_zero")),
    "amount negative": Case(lambda d: invoice(d, 2, amount=Decimal("-400.50")),
                            ("invoices[2].amount", 2, "common.above_zero")),
    "a thousandth of a euro": Case(lambda d: invoice(d, 1, amount=Decimal("600.005")),
                                   ("invoices[1].amount", 1, "common.max_decimals")),
    "half a yen": Case(
        lambda d: plan((DUE + timedelta(days=20), "1000.5"))(
            invoice(invoice(currency("JPY")(d), 1, amount=Decimal("600")), 2,
                    amount=Decimal("400.5"))),
        ("invoices[2].amount", 2, "common.max_decimals")),
    "no invoice": Case(lambda d: d.model_copy(update={"invoices": []}),
                       ("invoices", None, "extensions.no_invoice")),
    "no plan": Case(plan(), ("plan", None, "extensions.no_plan")),
    "plan short": Case(plan((DUE + timedelta(days=20), "1000.00")),
                       ("plan", None, "extensions.plan_missing")),
    "new due date three years ahead": Case(
        plan((DUE + timedelta(days=5), "500.50"), (TODAY + timedelta(days=3 * 365), "500.00")),
        ("plan[2].due_date", 2, "extensions.plan_date_too_far")),
    "new due dates out of order": Case(
        plan((DUE + timedelta(days=30), "500.50"), (DUE + timedelta(days=5), "500.00")),
        ("plan[2].due_date", 2, "extensions.dates_out_of_order")),
    "plan amount with three decimals": Case(
        plan((DUE + timedelta(days=5), "500.505"), (DUE + timedelta(days=9), "499.995")),
        ("plan[1].amount", 1, "common.max_decimals")),
    "no reason": Case(lambda d: d.model_copy(update={"reason": " "}),
                      ("reason", None, "extension_requests.give_reason")),
    "reason too long": Case(lambda d: d.model_copy(update={"reason": "r" * 501}),
                            ("reason", None, "common.too_long")),
}


def keys(errors: list[FieldError]) -> set[Key]:
    return {(e.field, e.line, e.code) for e in errors}


def form_rule(data: ExtensionCreate) -> set[Key]:
    """What the form shows for ``data`` (``ExtensionFormScreen.rule_errors``)."""
    return keys(rules.request_errors(
        data.reason, data.currency,
        [rules.ExtensionInvoice(i.number, i.invoice_date, i.due_date, i.amount)
         for i in data.invoices],
        [rules.PlanLine(p.due_date, p.amount) for p in data.plan], TODAY, TERMS))


def rows(backend: Backend) -> tuple[int, int, int]:
    with Session(backend.engine) as s:
        return tuple(  # type: ignore[return-value]
            int(s.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (Extension, ExtensionInvoice, ExtensionPlanLine))


def test_the_valid_request_is_accepted(backend: Backend) -> None:
    data = valid(backend)
    assert form_rule(data) == set()
    assert backend.open("alice").extensions.request(data).status == "active"


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(CASES))
def test_an_invalid_request_is_refused_as_the_form_shows_it(backend: Backend, name: str) -> None:
    case = CASES[name]
    data = case.change(valid(backend))
    expected = form_rule(data)
    assert case.expected in expected
    before = rows(backend)
    with pytest.raises(ValidationFailed) as refused:
        backend.open("alice").extensions.request(data)
    assert keys(refused.value.errors) == expected
    assert rows(backend) == before


PLAN_CASES = {
    "too far": ([(TODAY + timedelta(days=800), "1000.50")], "extensions.plan_date_too_far"),
    "not after the original due dates": ([(DUE, "1000.50")], "extensions.due_date_not_after"),
    "three decimals": ([(DUE + timedelta(days=9), "1000.499"), (DUE + timedelta(days=19),
                                                                "0.001")],
                       "common.max_decimals"),
    "short": ([(DUE + timedelta(days=9), "1000")], "extensions.plan_missing"),
}


def plan_rule(lines: list[PlanLineInput]) -> set[Key]:
    data = valid_invoices()
    return keys(rules.plan_errors(data, [rules.PlanLine(p.due_date, p.amount) for p in lines],
                                  "EUR", TODAY))


def valid_invoices() -> list[rules.ExtensionInvoice]:
    return [rules.ExtensionInvoice("F-1", INVOICE_DATE, DUE, Decimal("600.00")),
            rules.ExtensionInvoice("F-2", INVOICE_DATE, DUE, Decimal("400.50"))]


def plan_lines(lines: list[tuple[date, str]]) -> list[PlanLineInput]:
    return [PlanLineInput(due_date=d, amount=Decimal(a)) for d, a in lines]


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(PLAN_CASES))
def test_a_new_plan_is_checked_like_the_form_does(backend: Backend, name: str) -> None:
    lines, code = PLAN_CASES[name]
    alice = backend.open("alice")
    active = alice.extensions.request(valid(backend))
    new = plan_lines(lines)
    expected = plan_rule(new)
    assert code in {c for _, _, c in expected}
    before = rows(backend)
    with pytest.raises(ValidationFailed) as refused:
        alice.extensions.modify(active.id, new, active.version)
    assert keys(refused.value.errors) == expected
    assert rows(backend) == before
    [again] = alice.extensions.rows(backend.ids["A"], backend.ids["beta"])
    assert again.version == active.version and again.plan == active.plan


@pytest.mark.validation_table("name")
@pytest.mark.parametrize("name", sorted(PLAN_CASES))
def test_a_counter_plan_is_checked_like_the_form_does(backend: Backend, name: str) -> None:
    lines, code = PLAN_CASES[name]
    beyond = valid(backend).model_copy(update={"plan": plan_lines(
        [(DUE + timedelta(days=60), "500.50"), (DUE + timedelta(days=90), "500.00")])})
    pending = backend.open("alice").extensions.request(beyond)
    assert pending.status == "pending"
    counter = plan_lines(lines)
    expected = plan_rule(counter)
    before = rows(backend)
    with pytest.raises(ValidationFailed) as refused:
        backend.open("uw").extensions.decide(pending.id, ExtensionDecisionInput(
            decision="accept_other_plan", plan=counter), pending.version)
    assert keys(refused.value.errors) == expected and code in {c for _, _, c in expected}
    assert rows(backend) == before
    [still] = backend.open("alice").extensions.rows(backend.ids["A"], backend.ids["beta"])
    assert still.status == "pending" and still.version == pending.version
