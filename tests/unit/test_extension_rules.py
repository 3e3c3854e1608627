"""Extension of due date (prorogation d'échéance): SPEC §5 and seed 001 pp. 32-33."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.enums import ClaimStatus, ExtensionStatus
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules.deadlines import claim_declaration_deadline
from cofatui.rules.extensions import (
    ExtensionInvoice,
    PlanLine,
    check_can_cancel,
    check_can_modify,
    check_no_open_claim,
    check_one_extension_per_buyer,
    dmc_end,
    extension_needs_request,
    plan_errors,
    plan_needs_request,
    shifted_declaration_deadline,
)

INVOICES = [
    ExtensionInvoice("1001", date(2024, 1, 10), date(2024, 3, 10), Decimal("1000.10")),
    ExtensionInvoice("1002", date(2024, 1, 20), date(2024, 3, 20), Decimal("500.20")),
]
PLAN = [PlanLine(date(2024, 4, 15), Decimal("750.15")), PlanLine(date(2024, 5, 15),
                                                                  Decimal("750.15"))]


def fields(errors: list) -> list[str]:  # type: ignore[type-arg]
    return [e.field for e in errors]


def test_a_plan_equal_to_the_invoices_is_accepted() -> None:
    assert plan_errors(INVOICES, PLAN) == []


def test_plan_total_must_equal_the_invoices_total_exactly() -> None:
    short = [PLAN[0], PlanLine(PLAN[1].due_date, Decimal("750.14"))]
    [error] = plan_errors(INVOICES, short)
    assert error.field == "plan"
    assert error.code == "extensions.plan_missing"
    assert error.params == {"planned": Decimal("1500.29"), "due": Decimal("1500.30"),
                            "gap": Decimal("0.01")}
    assert error.text("en") == \
        "The plan totals 1,500.29 but the invoices total 1,500.30: 0.01 missing"
    assert error.text("fr").endswith("il manque 0,01")
    over = [PLAN[0], PlanLine(PLAN[1].due_date, Decimal("750.16"))]
    assert "0.01 too much" in plan_errors(INVOICES, over)[0].text("en")


def test_plan_total_is_exact_in_decimal_where_floats_would_drift() -> None:
    invoices = [ExtensionInvoice(str(i), date(2024, 1, 1), date(2024, 2, 1), Decimal("0.10"))
                for i in range(3)]
    assert plan_errors(invoices, [PlanLine(date(2024, 3, 1), Decimal("0.30"))]) == []
    assert 0.1 + 0.1 + 0.1 != 0.3  # what Decimal spares us


def test_plan_dates_must_be_after_the_original_due_dates() -> None:
    early = [PlanLine(date(2024, 3, 15), Decimal("750.15")), PLAN[1]]
    [error] = plan_errors(INVOICES, early)
    assert (error.field, error.line) == ("plan[1].due_date", 1)
    assert error.params == {"latest": date(2024, 3, 20)}  # the latest original due date
    assert "20/03/2024" in error.text("fr")
    same_day = [PlanLine(date(2024, 3, 20), Decimal("750.15")), PLAN[1]]
    assert fields(plan_errors(INVOICES, same_day)) == ["plan[1].due_date"]


def test_plan_dates_must_be_in_order() -> None:
    reversed_plan = [PLAN[1], PLAN[0]]
    [error] = plan_errors(INVOICES, reversed_plan)
    assert error.field == "plan[2].due_date" and "in order" in error.message
    twice = [PLAN[0], PlanLine(PLAN[0].due_date, Decimal("750.15"))]
    assert "merge" in plan_errors(INVOICES, twice)[0].message


def test_plan_and_invoice_amounts_must_be_above_zero() -> None:
    invoices = [*INVOICES, ExtensionInvoice("1003", date(2024, 1, 1), date(2024, 2, 1),
                                            Decimal(0))]
    plan = [*PLAN, PlanLine(date(2024, 6, 1), Decimal("-1"))]
    found = fields(plan_errors(invoices, plan))
    assert "invoices[3].amount" in found and "plan[3].amount" in found


def test_invoices_are_mandatory_unique_and_due_after_their_date() -> None:
    assert fields(plan_errors([], PLAN)) == ["invoices"]
    assert fields(plan_errors(INVOICES, [])) == ["plan"]
    dup = [INVOICES[0], INVOICES[0]]
    assert "invoices[2].number" in fields(plan_errors(dup, [PlanLine(date(2024, 4, 1),
                                                                     Decimal("2000.20"))]))
    backwards = [ExtensionInvoice("9", date(2024, 2, 1), date(2024, 1, 1), Decimal(5))]
    assert fields(plan_errors(backwards, [PlanLine(date(2024, 3, 1), Decimal(5))])) == [
        "invoices[1].due_date"]


@given(cents=st.lists(st.integers(1, 10**9), min_size=1, max_size=10),
       parts=st.integers(1, 12))
def test_plan_total_rule_accepts_any_exact_split_of_the_invoices(cents: list[int],
                                                                 parts: int) -> None:
    invoices = [ExtensionInvoice(str(i), date(2024, 1, 1), date(2024, 2, 1),
                                 Decimal(c).scaleb(-2)) for i, c in enumerate(cents)]
    total = sum(cents)
    shares = [total // parts] * parts
    shares[-1] += total - sum(shares)
    plan = [PlanLine(date(2024, 3, 1) + timedelta(days=30 * i), Decimal(s).scaleb(-2))
            for i, s in enumerate(shares) if s > 0]
    assert plan_errors(invoices, plan) == []
    plan[-1] = PlanLine(plan[-1].due_date, plan[-1].amount + Decimal("0.01"))
    assert fields(plan_errors(invoices, plan)) == ["plan"]


@pytest.mark.parametrize("status", ["pending", "active"])
def test_one_extension_per_buyer_while_one_is_pending_or_active(status: str) -> None:
    with pytest.raises(RuleViolation, match=f"already {status}"):
        check_one_extension_per_buyer(["refused", status])


def test_one_extension_per_buyer_refused_or_cancelled_ones_do_not_count() -> None:
    check_one_extension_per_buyer([])
    check_one_extension_per_buyer([ExtensionStatus.REFUSED, ExtensionStatus.CANCELLED])


def test_only_pending_extensions_can_be_cancelled() -> None:
    check_can_cancel("pending")
    for status in ("active", "refused", "cancelled"):
        with pytest.raises(RuleViolation, match="Only a pending"):
            check_can_cancel(status)


def test_only_active_extensions_can_be_modified() -> None:
    check_can_modify("active")
    for status in ("pending", "refused", "cancelled"):
        with pytest.raises(RuleViolation, match="Only an active"):
            check_can_modify(status)


@pytest.mark.parametrize("status", [ClaimStatus.PENDING, ClaimStatus.ACCEPTED,
                                    ClaimStatus.REJECTED])
def test_no_extension_after_a_claim(status: ClaimStatus) -> None:
    with pytest.raises(RuleViolation, match="collection department"):
        check_no_open_claim([ClaimStatus.CLOSED, status])


def test_no_extension_after_a_claim_final_claims_and_drafts_do_not_block() -> None:
    check_no_open_claim([ClaimStatus.CLOSED, ClaimStatus.CANCELLED, ClaimStatus.DRAFT])


def test_dmc_end_counts_the_maximum_credit_duration_from_the_invoice_date() -> None:
    assert dmc_end(date(2024, 1, 31), 30) == date(2024, 3, 1)
    with pytest.raises(ValidationFailed):
        dmc_end(date(2024, 1, 31), 0)


def test_extension_within_the_dmc_needs_no_request() -> None:
    needed, why = extension_needs_request(date(2024, 1, 1), date(2024, 3, 1), 90, False, False)
    assert not needed and "freely" in why and "2024-03-31" in why
    on_last_day, _ = extension_needs_request(date(2024, 1, 1), date(2024, 3, 31), 90, False,
                                             False)
    assert not on_last_day


def test_extension_beyond_the_dmc_needs_the_request() -> None:
    needed, why = extension_needs_request(date(2024, 1, 1), date(2024, 4, 2), 90, False, False)
    assert needed and "2 days beyond" in why and "2024-03-31" in why


def test_extension_after_a_terminated_cover_needs_the_request_even_within_the_dmc() -> None:
    needed, why = extension_needs_request(date(2024, 1, 1), date(2024, 2, 1), 90, True, False)
    assert needed and "terminated" in why


def test_extension_for_a_buyer_in_default_needs_the_request_even_within_the_dmc() -> None:
    needed, why = extension_needs_request(date(2024, 1, 1), date(2024, 2, 1), 90, False, True)
    assert needed and "default" in why


def test_extension_needs_request_refuses_a_new_due_date_before_the_invoice() -> None:
    with pytest.raises(ValidationFailed):
        extension_needs_request(date(2024, 1, 1), date(2023, 12, 1), 90, False, False)


def test_plan_needs_request_compares_the_last_plan_date_with_the_earliest_invoice() -> None:
    # DMC 120 days: the earliest invoice (10 Jan) ends on 9 May; the plan's last date is
    # 15 May, within the second invoice's DMC (19 May) but not the first's.
    needed, why = plan_needs_request(INVOICES, PLAN, 120, False, False)
    assert needed and "2024-05-09" in why
    assert not plan_needs_request(INVOICES, PLAN, 130, False, False)[0]


def test_the_decision_moves_the_declaration_deadline_when_active() -> None:
    # First instalment 15 April: invoice 1001 (due 10 March) moves 36 days,
    # invoice 1002 (due 20 March) moves 26 days; the earliest deadline binds.
    without = min(claim_declaration_deadline(i.invoice_date, 150) for i in INVOICES)
    moved = shifted_declaration_deadline(INVOICES, PLAN, 150, "active")
    assert moved == without + timedelta(days=36)
    assert moved == date(2024, 1, 10) + timedelta(days=150 + 36)


@pytest.mark.parametrize("status", ["pending", "refused", "cancelled"])
def test_the_declaration_deadline_stays_unless_the_extension_is_active(status: str) -> None:
    assert shifted_declaration_deadline(INVOICES, PLAN, 150, status) == date(2024, 6, 8)


def test_the_deadline_never_moves_back_for_a_counter_plan_before_a_due_date() -> None:
    counter = [PlanLine(date(2024, 3, 1), Decimal("1500.30"))]  # before both due dates
    assert shifted_declaration_deadline(INVOICES, counter, 150, "active") == date(2024, 6, 8)
