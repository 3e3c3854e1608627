"""The lifecycle checks on a standing decision (SPEC §5), one rule each."""

from __future__ import annotations

from datetime import date

import pytest

from cofatui.enums import ProductStatus
from cofatui.errors import RuleViolation
from cofatui.notification_wording import request_refused
from cofatui.rules import products as rules

GRANTED = ProductStatus.GRANTED


def existing(code: str = "CRL", status: ProductStatus = GRANTED, pending: str | None = None,
             end: date | None = None, monitored: bool = False) -> rules.ExistingProduct:
    return rules.ExistingProduct(code, status, monitored, (), pending=pending, end_date=end)


@pytest.mark.parametrize("check", [
    lambda p: rules.check_modify(p), lambda p: rules.check_transform(p, "RLI"),
    lambda p: rules.check_delete(p), lambda p: rules.check_renew(p)])
def test_the_standing_decision_does_not_change_under_a_pending_request(check) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleViolation, match="request is pending"):
        check(existing(pending="modify", end=date(2027, 1, 1)))


def test_stop_monitoring_is_refused_while_a_request_is_pending() -> None:
    with pytest.raises(RuleViolation, match="request is pending"):
        rules.check_stop_monitoring(existing("RSM", monitored=True, pending="renew"))
    rules.check_stop_monitoring(existing("RSM", monitored=True))


def test_only_a_granted_cover_that_ends_can_be_renewed() -> None:
    rules.check_renew(existing(end=date(2027, 1, 1)))
    for product in (existing(), existing(status=ProductStatus.REFUSED, end=date(2027, 1, 1)),
                    existing("RSM", end=date(2027, 1, 1))):
        with pytest.raises(RuleViolation, match="end date can be renewed"):
            rules.check_renew(product)


def test_cancelling_needs_a_pending_request() -> None:
    with pytest.raises(RuleViolation, match="No request is pending"):
        rules.check_cancel_request(existing())
    rules.check_cancel_request(existing(pending="modify"))


def test_a_renewal_runs_as_long_as_the_decision_renewed() -> None:
    assert rules.renewal_days(date(2026, 1, 1), date(2026, 3, 2), None) == 60
    assert rules.renewal_days(date(2026, 1, 1), date(2026, 3, 2), 45) == 45  # TopLiner
    assert rules.renewal_days(None, date(2026, 3, 2), None) == 365
    assert rules.renewal_days(date(2026, 3, 2), date(2026, 3, 2), None) == 1


def test_a_refusal_says_the_standing_decision_remains() -> None:
    from decimal import Decimal as D

    def request_refused_title(*args: object) -> str:
        return request_refused(*args).title("en")  # type: ignore[arg-type]

    assert request_refused_title("modify", "CRL", "EUR", D(45000), D(40000)) == \
        "Increase to €45,000.00 refused; your credit limit of €40,000.00 remains"
    assert request_refused_title("modify", "CRL", "EUR", D(30000), D(40000)) == \
        "Decrease to €30,000.00 refused; your credit limit of €40,000.00 remains"
    assert request_refused_title("renew", "TOPLINER", "EUR", D(40000), D(40000)) == \
        "Renewal of your TopLiner refused; your TopLiner of €40,000.00 remains"
    assert request_refused_title("transform", "RLI", "EUR", D(9000), D(15000), "CRL") == \
        "Transform of your @rating cover into credit limit refused; your @rating cover " \
        "of €15,000.00 remains"
