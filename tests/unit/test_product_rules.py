"""Product rules of SPEC §4-§5, one test per rule, named after it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from cofatui.enums import ACTIVE_COVER_STATUSES
from cofatui.enums import ProductStatus as S
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules import products as r

TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def facts(*products: tuple[str, S], **kw: object) -> r.CompanyFacts:
    return r.CompanyFacts(products=[r.ProductFact(c, s) for c, s in products], **kw)  # type: ignore[arg-type]


def test_express_agreement_only_without_other_cover() -> None:
    assert r.eligibility("ECL", facts(), TODAY).allowed
    verdict = r.eligibility("ECL", facts(("RLI", S.GRANTED)), TODAY)
    assert not verdict.allowed and verdict.reason_code == "ecl_needs_no_cover"
    assert "without other cover" in verdict.reason
    # An information product is not a cover.
    assert r.eligibility("ECL", facts(("RSM", S.GRANTED)), TODAY).allowed


def test_express_agreement_new_request_one_year_after_refusal() -> None:
    refused = r.CompanyFacts(products=[r.ProductFact("ECL", S.REFUSED,
                                                     decided_at=TODAY - timedelta(days=100))])
    verdict = r.eligibility("ECL", refused, TODAY)
    assert not verdict.allowed and verdict.reason_code == "ecl_refused_recently"
    old = r.CompanyFacts(products=[r.ProductFact("ECL", S.REFUSED,
                                                 decided_at=TODAY - timedelta(days=366))])
    assert r.eligibility("ECL", old, TODAY).allowed


def test_topliner_only_after_refusal_termination_or_reduction() -> None:
    assert not r.eligibility("TOPLINER", facts(("CRL", S.GRANTED)), TODAY).allowed
    for status in (S.REFUSED, S.TERMINATED, S.REDUCED):
        assert r.eligibility("TOPLINER", facts(("CRL", status)), TODAY).allowed


def test_topliner_refused_with_unpaid_invoice_older_than_60_days() -> None:
    assert r.eligibility("TOPLINER", facts(("CRL", S.REFUSED), oldest_unpaid_days=60),
                         TODAY).allowed
    verdict = r.eligibility("TOPLINER", facts(("CRL", S.REFUSED), oldest_unpaid_days=61), TODAY)
    assert not verdict.allowed and verdict.reason_code == "topliner_unpaid"


def test_topliner_duration_30_to_90_days() -> None:
    for days, ok in ((29, False), (30, True), (90, True), (91, False), (None, False)):
        errors = r.request_errors(r.ProductRequestData("TOPLINER", Decimal(1000), days))
        assert (not errors) is ok


def test_agrement_amount_is_mandatory_and_positive() -> None:
    assert r.request_errors(r.ProductRequestData("CRL", None))[0].field == "amount"
    assert r.request_errors(r.ProductRequestData("CRL", Decimal(0)))
    assert r.request_errors(r.ProductRequestData("CRL", Decimal("10.001")))
    assert not r.request_errors(r.ProductRequestData("CRL", Decimal("5000.50")))


def test_no_second_cover_on_a_covered_company() -> None:
    verdict = r.eligibility("CRL", facts(("RLI", S.GRANTED)), TODAY)
    assert not verdict.allowed and verdict.reason_code == "cover_exists"
    assert r.eligibility("CRL", facts(("CRL", S.DELETED)), TODAY).allowed


def test_product_not_in_contract_is_disabled() -> None:
    limited = r.CompanyFacts(allowed_codes=frozenset({"CRL"}))
    menu = r.new_action_menu(limited, TODAY)
    assert [m.code for m in menu] == ["CRL"]
    assert not r.eligibility("RSM", limited, TODAY).allowed


def test_report_language_must_be_en_fr_de_es() -> None:
    assert r.request_errors(r.ProductRequestData("REPORT_FULL", language="it"))
    assert not r.request_errors(r.ProductRequestData("REPORT_FULL", language="de"))


# The automatic decisions are the contract's tables: tests/unit/test_underwriting_rules.py.


def test_modify_only_granted_agrement_or_custom_opinion() -> None:
    r.check_modify(r.ExistingProduct("CRL", S.GRANTED))
    with pytest.raises(RuleViolation):
        r.check_modify(r.ExistingProduct("CRL", S.PENDING))
    with pytest.raises(RuleViolation):
        r.check_modify(r.ExistingProduct("RSM", S.GRANTED))


def test_no_transform_to_rating_while_topliner_active() -> None:
    r.check_transform(r.ExistingProduct("CRL", S.GRANTED), "RLI")
    r.check_transform(r.ExistingProduct("RLI", S.GRANTED), "CRL")
    with pytest.raises(RuleViolation, match="TopLiner"):
        r.check_transform(r.ExistingProduct("CRL", S.GRANTED,
                                            others=[r.ProductFact("TOPLINER", S.GRANTED)]), "RLI")
    with pytest.raises(RuleViolation):
        r.check_transform(r.ExistingProduct("CCO", S.GRANTED), "RLI")


def test_monitored_product_must_be_stopped_before_delete() -> None:
    with pytest.raises(RuleViolation, match="Stop the monitoring"):
        r.check_delete(r.ExistingProduct("RSM", S.GRANTED, monitored=True))
    r.check_delete(r.ExistingProduct("RSM", S.GRANTED, monitored=False))
    r.check_stop_monitoring(r.ExistingProduct("ROM", S.GRANTED, monitored=True))
    with pytest.raises(RuleViolation):
        r.check_stop_monitoring(r.ExistingProduct("RSC", S.GRANTED))


def test_only_pending_requests_can_be_cancelled() -> None:
    r.check_cancel_pending(r.ExistingProduct("CRL", S.PENDING))
    with pytest.raises(RuleViolation):
        r.check_cancel_pending(r.ExistingProduct("CRL", S.GRANTED))


def test_guarantor_cannot_be_the_buyer_itself() -> None:
    own = r.ProductRequestData("CRL", Decimal(1000), guarantor_company_id=7, company_id=7)
    assert [(e.field, e.message) for e in r.request_errors(own)] == [
        ("guarantor_company_id", "The guarantor cannot be the buyer itself")]
    other = r.ProductRequestData("CRL", Decimal(1000), guarantor_company_id=8, company_id=7)
    assert not r.request_errors(other)


def test_underwriter_end_date_not_before_the_effective_date() -> None:
    with pytest.raises(ValidationFailed) as err:
        r.underwriter_decision("grant", Decimal(100), None, "", effective=TODAY,
                               end_date=TODAY - timedelta(days=1))
    assert "end_date" in err.value.by_field()
    assert r.underwriter_decision("grant", Decimal(100), None, "", effective=TODAY,
                                  end_date=TODAY) == (S.GRANTED, Decimal(100))
    # A refusal has no period.
    assert r.underwriter_decision("refuse", Decimal(100), None, "no", effective=TODAY,
                                  end_date=TODAY - timedelta(days=1))[0] == S.REFUSED


def test_underwriter_refusal_needs_a_comment_and_partial_is_below_request() -> None:
    with pytest.raises(ValidationFailed):
        r.underwriter_decision("refuse", Decimal(100), None, " ")
    assert r.underwriter_decision("refuse", Decimal(100), None, "bad payer") == (S.REFUSED, None)
    assert r.underwriter_decision("grant", Decimal(100), None, "") == (S.GRANTED, Decimal(100))
    with pytest.raises(ValidationFailed):
        r.underwriter_decision("partial", Decimal(100), Decimal(100), "")
    assert r.underwriter_decision("reduce", Decimal(100), Decimal(40), "") == (S.REDUCED,
                                                                              Decimal(40))


def test_deleted_company_stays_two_years() -> None:
    assert r.deleted_company_kept_until(TODAY) == date(2028, 11, 21)


def test_credit_decision_prevails_over_rating_opinion() -> None:
    chosen = r.credit_decision_prevails([r.ProductFact("RLI", S.GRANTED),
                                         r.ProductFact("CRL", S.GRANTED)])
    assert chosen is not None and chosen.code == "CRL"


def test_absurd_amounts_are_a_field_error_not_a_crash() -> None:
    for amount in (Decimal("1e26"), Decimal("Infinity"), Decimal("NaN")):
        errors = r.request_errors(r.ProductRequestData("CRL", amount))
        assert [e.field for e in errors] == ["amount"]


# --- TopLiner quotes ---------------------------------------------------------------------


def test_topliner_becomes_quote_when_accepted_and_stays_refused_when_refused() -> None:
    for status in (S.GRANTED, S.PARTIALLY_GRANTED, S.REDUCED):
        assert r.topliner_becomes_quote("TOPLINER", status)
    assert not r.topliner_becomes_quote("TOPLINER", S.REFUSED)
    assert not r.topliner_becomes_quote("TOPLINER", S.PENDING)
    assert not r.topliner_becomes_quote("CRL", S.GRANTED)


def test_topliner_quote_is_not_a_cover() -> None:
    assert S.QUOTED not in ACTIVE_COVER_STATUSES
    assert r.credit_decision_prevails([r.ProductFact("TOPLINER", S.QUOTED)]) is None
    # The primary cover may still become an @rating cover while a TopLiner is only quoted.
    r.check_transform(r.ExistingProduct("CRL", S.GRANTED,
                                        others=[r.ProductFact("TOPLINER", S.QUOTED)]), "RLI")


def test_topliner_quote_amount_period_premium_and_validity() -> None:
    # The premium comes from the contract's tariff (test_underwriting_rules.py).
    quote = r.topliner_quote(Decimal(60000), Decimal("138.08"), 60, TODAY)
    assert quote.granted == Decimal(60000) and quote.premium == Decimal("138.08")
    assert (quote.start, quote.end) == (TODAY, TODAY + timedelta(days=60))
    assert quote.valid_until == TODAY + timedelta(days=r.TOPLINER_QUOTE_VALID_DAYS)


def test_topliner_quote_answered_refuse_new_simulation_or_buy_while_valid() -> None:
    valid = TODAY + timedelta(days=2)
    for answer in ("refuse", "new_simulation", "buy"):
        r.quote_answer(S.QUOTED, valid, answer, TODAY)
    r.quote_answer(S.QUOTED, TODAY, "buy", TODAY)  # the last valid day
    with pytest.raises(ValidationFailed):
        r.quote_answer(S.QUOTED, valid, "maybe", TODAY)
    with pytest.raises(RuleViolation, match="Only a TopLiner quote"):
        r.quote_answer(S.GRANTED, valid, "buy", TODAY)
    with pytest.raises(RuleViolation, match="expired on 21 Nov 2026") as caught:
        r.quote_answer(S.QUOTED, TODAY - timedelta(days=1), "buy", TODAY)
    assert (caught.value.code, caught.value.params) == (
        "products.quote_expired", {"ended": TODAY - timedelta(days=1)})
    assert caught.value.text("fr") == \
        "Ce devis a expiré le 21/11/2026 : demandez un nouveau TopLiner"


def test_topliner_quote_answer_buy_activates_refuse_and_new_simulation_record_a_refusal(
) -> None:
    amount = Decimal(60000)
    assert r.quote_answer_status("buy", amount, amount) == S.GRANTED
    assert r.quote_answer_status("buy", amount, Decimal(40000)) == S.PARTIALLY_GRANTED
    assert r.quote_answer_status("refuse", amount, amount) == S.REFUSED
    assert r.quote_answer_status("new_simulation", amount, amount) == S.REFUSED


def test_topliner_not_ordered_again_while_a_quote_waits() -> None:
    waiting = r.CompanyFacts(products=[
        r.ProductFact("CRL", S.REFUSED),
        r.ProductFact("TOPLINER", S.QUOTED, quote_valid_until=TODAY)])
    verdict = r.eligibility("TOPLINER", waiting, TODAY)
    assert not verdict.allowed and verdict.reason_code == "topliner_quote_open"
    # Once the quote expired, a new TopLiner may be asked for.
    assert r.eligibility("TOPLINER", waiting, TODAY + timedelta(days=1)).allowed


def test_topliner_quote_is_answered_not_deleted() -> None:
    with pytest.raises(RuleViolation, match="answered"):
        r.check_delete(r.ExistingProduct("TOPLINER", S.QUOTED))


def test_topliner_end_alert_five_days_before_the_end() -> None:
    assert r.end_alert_due("TOPLINER", TODAY + timedelta(days=5), TODAY)
    assert r.end_alert_due("TOPLINER", TODAY, TODAY)
    assert not r.end_alert_due("TOPLINER", TODAY + timedelta(days=6), TODAY)
    assert not r.end_alert_due("TOPLINER", TODAY - timedelta(days=1), TODAY)
    assert not r.end_alert_due("CRL", TODAY + timedelta(days=2), TODAY)
    assert not r.end_alert_due("TOPLINER", None, TODAY)
