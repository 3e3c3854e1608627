"""The claim declaration rules of SPEC §6, one test per rule (cofatui/rules/claims.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cofatui.enums import ClaimStatus
from cofatui.errors import FieldError, RuleViolation
from cofatui.rules import claims as rules
from cofatui.rules.claims import InvoiceInput, PaymentInput

TODAY = date(2026, 11, 22)


def invoice(**changes: object) -> InvoiceInput:
    values: dict[str, object] = dict(type="IN", number="1001", invoice_date=TODAY - timedelta(30),
                                     due_date=TODAY - timedelta(1), currency="EUR",
                                     amount_excl_tax=Decimal("1000.00"), tax=Decimal("200.00"))
    values.update(changes)
    return InvoiceInput(**values)  # type: ignore[arg-type]


def payment(**changes: object) -> PaymentInput:
    values: dict[str, object] = dict(type="SE", invoice_references=["1001"],
                                     payment_date=TODAY - timedelta(2), currency="EUR",
                                     amount=Decimal("600.00"))
    values.update(changes)
    return PaymentInput(**values)  # type: ignore[arg-type]


def fields(errors: list) -> set[str]:  # type: ignore[type-arg]
    return {e.field for e in errors}


def codes(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors]


def test_one_pending_or_rejected_claim_per_debtor() -> None:
    for blocking in (ClaimStatus.PENDING, ClaimStatus.REJECTED, ClaimStatus.ACCEPTED):
        with pytest.raises(RuleViolation, match="still open") as caught:
            rules.check_one_open_claim_per_debtor([ClaimStatus.CLOSED, blocking])
        assert caught.value.code == "claims.open_claim_on_debtor"


def test_new_claim_allowed_when_all_others_are_closed_or_cancelled() -> None:
    rules.check_one_open_claim_per_debtor([ClaimStatus.CLOSED, ClaimStatus.CANCELLED])
    rules.check_one_open_claim_per_debtor([ClaimStatus.DRAFT])  # a draft blocks nothing
    rules.check_one_open_claim_per_debtor([])


def test_invoice_date_not_in_the_future() -> None:
    future = invoice(invoice_date=TODAY + timedelta(1), due_date=TODAY + timedelta(31))
    assert ("invoice_date", rules.INVOICE_IN_FUTURE) in codes(rules.invoice_line_refusals(future,
                                                                                    TODAY))
    today_line = invoice(invoice_date=TODAY, due_date=TODAY + timedelta(30))
    assert rules.invoice_line_refusals(today_line, TODAY) == []


def test_due_date_not_before_the_invoice_date() -> None:
    line = invoice(due_date=TODAY - timedelta(31))
    assert ("due_date", rules.DUE_BEFORE_INVOICE) in codes(rules.invoice_line_refusals(line, TODAY))
    same_day = invoice(due_date=TODAY - timedelta(30))
    assert rules.invoice_line_refusals(same_day, TODAY) == []


def test_declaration_within_the_contracts_maximum_delay() -> None:
    on_time = invoice(invoice_date=TODAY - timedelta(150), due_date=TODAY - timedelta(120))
    late = invoice(invoice_date=TODAY - timedelta(151), due_date=TODAY - timedelta(120))
    assert rules.invoice_errors([on_time], TODAY, 150) == []
    errors = rules.invoice_errors([late], TODAY, 150)
    assert fields(errors) == {"invoices[1].invoice_date"}
    assert errors[0].code == "claims.deadline_passed" and errors[0].line == 1
    assert errors[0].params == {"deadline": TODAY - timedelta(1), "days": 150}
    assert errors[0].text("fr") == (
        "Trop tard pour déclarer : la date limite était le "
        f"{(TODAY - timedelta(1)).strftime('%d/%m/%Y')} (150 jours après la date de facture)")


def test_at_least_one_invoice() -> None:
    assert fields(rules.invoice_errors([], TODAY, 150)) == {"invoices"}


def test_invoice_type_number_currency_and_amounts() -> None:
    line = invoice(type="XX", number=" ", currency="eur", amount_excl_tax=Decimal(0),
                   tax=Decimal("-1"))
    assert {p.field for p in rules.invoice_line_refusals(line, None)} == \
        {"type", "number", "currency", "amount_excl_tax", "tax"}


def test_payment_date_not_in_the_future_and_invoices_must_be_known() -> None:
    line = payment(payment_date=TODAY + timedelta(1), invoice_references=["1001", "9999"])
    errors = rules.payment_errors([line], {"1001"}, TODAY)
    assert fields(errors) == {"payments[1].payment_date", "payments[1].invoice_references"}
    assert [e.params["invoices"] for e in errors if e.code == "claims.unknown_invoice"] == [
        ["9999"]]
    assert any("9999" in e.message for e in errors)


def test_comments_at_most_900_characters() -> None:
    assert rules.header_errors("insolvency", "x" * 900, "") == []
    errors = rules.header_errors("insolvency", "x" * 901, "")
    assert fields(errors) == {"comments"} and errors[0].params == {"max": 900, "length": 901}
    assert "901 typed" in errors[0].text("en") and "901 saisis" in errors[0].text("fr")


def test_reason_is_one_of_the_listed_reasons() -> None:
    assert fields(rules.header_errors("bored", "", "")) == {"reason"}


def test_contact_email_shape_and_lengths() -> None:
    assert rules.contact_errors("contact_", "Camille", "camille@example.fr", "+33 1") == []
    errors = rules.contact_errors("contact_", "n" * 121, "not-an-email", "1" * 41)
    assert fields(errors) == {"contact_name", "contact_email", "contact_phone"}


def test_alternative_contact_needs_a_name_and_an_intervention() -> None:
    assert rules.alt_contact_errors("", "", "", intervention=False) == []
    assert fields(rules.alt_contact_errors("", "a@b.fr", "", intervention=True)) == \
        {"alt_contact_name"}
    refused = rules.alt_contact_errors("Léa", "", "", intervention=False)
    assert [e.code for e in refused] == [rules.ALT_CONTACT_WITHOUT_INTERVENTION]
    assert rules.alt_contact_errors("Léa", "lea@example.fr", "", intervention=True) == []


def test_claim_amount_is_exact_and_never_negative() -> None:
    lines = [invoice(amount_excl_tax=Decimal("0.10"), tax=Decimal("0.20")) for _ in range(10)]
    assert rules.claim_amount(lines, [payment(amount=Decimal("0.30"))]) == Decimal("2.70")
    assert rules.claim_amount(lines, [payment(amount=Decimal("99"))]) == Decimal(0)


def test_tax_more_than_the_amount_excluding_tax_is_refused() -> None:
    line = invoice(number="1002", amount_excl_tax=Decimal(100), tax=Decimal(150))
    assert codes(rules.invoice_line_refusals(line, TODAY)) == [("tax", rules.TAX_ABOVE_AMOUNT)]
    assert rules.invoice_line_refusals(invoice(amount_excl_tax=Decimal(100),
                                               tax=Decimal(100)), TODAY) == []
    errors = rules.invoice_errors([invoice(), line], TODAY, 150)
    assert [(e.field, e.line) for e in errors] == [("invoices[2].tax", 2)]


def test_declaration_deadline_moved_by_an_active_extension_of_due_date() -> None:
    late = invoice(number="1001", invoice_date=TODAY - timedelta(160),
                   due_date=TODAY - timedelta(130))
    assert fields(rules.invoice_errors([late], TODAY, 150)) == {"invoices[1].invoice_date"}
    # The extension moved 1001's due date 10 days: declared on the last day, in time.
    assert rules.invoice_errors([late], TODAY, 150, shifts={"1001": 10}) == []
    assert rules.invoice_errors([late], TODAY, 150, shifts={"1001": 9})[0].code == \
        "claims.deadline_passed_moved"
    # Another invoice's extension moves nothing here.
    assert fields(rules.invoice_errors([late], TODAY, 150, shifts={"1002": 60})) == {
        "invoices[1].invoice_date"}
    assert "moved by the extension" in rules.invoice_errors(
        [late], TODAY, 150, shifts={"1001": 5})[0].text("en")


def test_an_invoice_declared_twice_or_already_in_the_claim_is_flagged() -> None:
    interest = invoice(type="PLP", amount_excl_tax=Decimal(10), tax=Decimal(0))
    errors = rules.invoice_errors([invoice(), interest, invoice()], TODAY, 150)
    assert [(e.field, e.code, e.params, e.line) for e in errors] == [
        ("invoices[3].number", "claims.same_invoice_as", {"first": 1}, 3)]
    assert errors[0].text("en") == "Same type and number as line 1"
    errors = rules.invoice_errors([interest], TODAY, 150, existing=[invoice(type="PLP")])
    assert [(e.field, e.code) for e in errors] == [
        ("invoices[1].number", rules.INVOICE_ALREADY_DECLARED)]


def test_a_payment_or_credit_note_already_in_the_claim_is_flagged() -> None:
    before = [payment(invoice_references=["1001", "1002"]), payment(type="CN")]
    again = payment(invoice_references=["1002", "1001"], amount=Decimal("600.0"))
    other_day = payment(invoice_references=["1001", "1002"], payment_date=TODAY)
    other_amount = payment(type="CN", amount=Decimal("600.01"))
    errors = rules.payment_errors([again, other_day, other_amount], {"1001", "1002"}, TODAY,
                                  existing=before)
    assert [(e.field, e.code, e.line) for e in errors] == [
        ("payments[1].amount", rules.PAYMENT_ALREADY_DECLARED, 1)]


def test_the_same_payment_twice_in_one_declaration_is_flagged() -> None:
    errors = rules.payment_errors([payment(), payment(type="CN"), payment()], {"1001"}, TODAY)
    assert [(e.field, e.code, e.params) for e in errors] == [
        ("payments[3].amount", "claims.same_payment_as", {"first": 1})]


def test_claims_queue_filter_amounts_need_one_currency_and_an_order() -> None:
    def errors(**kw: object) -> dict[str, str]:
        values: dict[str, object] = dict(status=None, contract_id=None, amount_min=None,
                                         amount_max=None, currency=None)
        values.update(kw)
        return {e.field: e.code
                for e in rules.queue_filter_errors(**values)}  # type: ignore[arg-type]

    assert errors() == {}
    assert errors(amount_min=Decimal(1)) == {"currency": rules.QUEUE_AMOUNT_CURRENCY}
    assert errors(amount_max=Decimal(1), contract_id=3) == {}  # one contract, one currency
    assert errors(amount_min=Decimal(2), amount_max=Decimal(1), currency="EUR") == {
        "amount_max": rules.QUEUE_AMOUNT_ORDER}
    assert errors(amount_min=Decimal(-1), currency="EUR") == {
        "amount_min": "common.not_negative"}
    assert errors(amount_max=Decimal(10) ** 15, currency="EUR") == {
        "amount_max": rules.QUEUE_AMOUNT_TOO_LARGE}
    assert errors(status="draft") == {"status": rules.QUEUE_DRAFT}
    assert errors(currency="euro") == {"currency": "common.currency_invalid"}
