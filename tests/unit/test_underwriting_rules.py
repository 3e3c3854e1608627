"""The contract's decision tables (SPEC §4, ``rules.underwriting``), one test per rule,
named after it. The default tables are those every contract starts with."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cofatui.enums import ProductStatus as S
from cofatui.rules import underwriting as uw

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
DRA_DAY = date(2026, 11, 2)
TABLES = uw.Tables(uw.DEFAULT_RULES, uw.DEFAULT_BANDS, Decimal(90))


def buyer(dra: int | None, **kw: object) -> uw.Buyer:
    return uw.Buyer(dra, DRA_DAY, **kw)  # type: ignore[arg-type]


def decide(code: str, dra: int | None, amount: int | None = None, days: int | None = None,
           tables: uw.Tables = TABLES, **kw: object) -> uw.Decision:
    asked = uw.Asked(code, None if amount is None else Decimal(amount), days)
    return uw.automatic_decision(asked, buyer(dra, **kw), tables, NOW)


def test_rating_cover_amount_from_the_dra_grid() -> None:
    for dra, amount in ((3, 10000), (4, 10000), (6, 25000), (8, 50000), (10, 100000)):
        decision = decide("RLI", dra)
        assert decision.immediate and decision.status == S.GRANTED
        assert decision.amount == Decimal(amount)
        assert decision.decided_by == "rule:rating-grid"


def test_rating_cover_refused_below_the_threshold_dra_with_the_reason() -> None:
    for dra in (1, 2):
        decision = decide("RLI", dra)
        assert decision.immediate and decision.status == S.REFUSED
        assert decision.amount is None
        assert decision.decided_by == "rule:rating-threshold"
        assert decision.comment == "An @rating cover needs a DRA of 3 or more."


def test_rating_cover_refused_on_a_buyer_in_default() -> None:
    decision = decide("RLI", 0)
    assert decision.status == S.REFUSED and decision.decided_by == "rule:rating-default"
    assert "default (DRA 0)" in decision.comment


def test_rating_cover_waits_for_an_underwriter_when_the_dra_is_unknown() -> None:
    decision = decide("RLI", None)
    assert not decision.immediate and decision.status == S.PENDING
    assert decision.expected_at == NOW + timedelta(hours=1)  # the product's quickest rule


def test_express_agreement_gives_the_contract_amount_and_insured_percentage() -> None:
    decision = decide("ECL", 7)
    assert decision.status == S.GRANTED and decision.decided_by == "rule:express"
    assert decision.amount == Decimal(20000)
    assert decision.insured_percentage == Decimal(90)  # the contract's, the rule names none
    own = uw.Tables([uw.Rule("express-80", "ECL", amount_from="fixed", amount=Decimal(15000),
                             insured_percentage=Decimal(80))], (), Decimal(90))
    decision = decide("ECL", 7, tables=own)
    assert (decision.amount, decision.insured_percentage) == (Decimal(15000), Decimal(80))


def test_express_agreement_refused_by_dra_default_or_unpaid_invoices() -> None:
    assert decide("ECL", 4).decided_by == "rule:express-threshold"
    assert decide("ECL", 0).decided_by == "rule:express-default"
    unpaid = decide("ECL", 9, unpaid=True)
    assert unpaid.status == S.REFUSED and unpaid.decided_by == "rule:express-unpaid"
    assert unpaid.comment == "The buyer has unpaid invoices declared: no Express agreement."


def test_rule_country_condition() -> None:
    tables = uw.Tables([uw.Rule("no-express-here", "ECL", 1, countries=frozenset({"RUS"}),
                                decision="refused", reason="Not offered in this country."),
                        *uw.DEFAULT_RULES], uw.DEFAULT_BANDS)
    assert decide("ECL", 9, tables=tables, country="RUS").decided_by == "rule:no-express-here"
    assert decide("ECL", 9, tables=tables, country="FRA").decided_by == "rule:express"


def test_credit_limit_immediate_when_small_relative_to_dra() -> None:
    tables = uw.Tables([uw.Rule("small-good", "CRL", min_dra=6, max_amount=Decimal(50000),
                                response_hours=24)])
    quick = decide("CRL", 7, 20000, tables=tables)
    assert quick.immediate and quick.decided_by == "rule:small-good"
    assert quick.amount == Decimal(20000)  # the amount asked for
    for pending in (decide("CRL", 7, 80000, tables=tables), decide("CRL", 4, 20000,
                                                                     tables=tables)):
        assert not pending.immediate and pending.status == S.PENDING
        assert pending.expected_at == NOW + timedelta(hours=24)


def test_request_without_rule_waits_48_hours() -> None:
    decision = decide("CCO", 9, 1000, tables=uw.Tables())
    assert not decision.immediate and decision.expected_at == NOW + timedelta(hours=48)


def test_rules_tried_by_priority() -> None:
    tables = uw.Tables([uw.Rule("late", "CCO", 20), uw.Rule("early", "CCO", 10)])
    assert decide("CCO", 5, 100, tables=tables).decided_by == "rule:early"


def test_rule_with_dra_bound_never_applies_to_an_unknown_dra() -> None:
    tables = uw.Tables([uw.Rule("any", "CCO", min_dra=0)])
    assert not decide("CCO", None, 100, tables=tables).immediate
    assert decide("CCO", None, 100, tables=uw.Tables([uw.Rule("any", "CCO")])).immediate


def test_topliner_priced_by_the_tariff_of_the_buyers_dra() -> None:
    decision = decide("TOPLINER", 4, 60000, 60)
    assert decision.status == S.GRANTED and decision.decided_by == "rule:topliner-online"
    assert decision.amount == Decimal(60000)
    # 60,000 x 1.80 % a year x 60 / 365, half up to the cent.
    assert decision.premium == Decimal("177.53")
    # DRA 9: 0.60 % a year; 100,000 for 90 days: 147.95.
    assert decide("TOPLINER", 9, 100000, 90).premium == Decimal("147.95")


def test_topliner_premium_never_below_the_minimum() -> None:
    assert decide("TOPLINER", 9, 10000, 30).premium == Decimal(100)


def test_topliner_beyond_the_online_limit_or_tariff_waits_for_an_underwriter() -> None:
    assert decide("TOPLINER", 5, 150000, 60).status == S.PENDING  # above 100,000
    assert decide("TOPLINER", 2, 50000, 60).status == S.PENDING  # no band for DRA 2
    refused = decide("TOPLINER", 0, 50000, 60)
    assert refused.status == S.REFUSED and refused.decided_by == "rule:topliner-default"


def test_topliner_accepted_by_an_underwriter_outside_the_tariff() -> None:
    bands = uw.DEFAULT_BANDS
    # In the tariff: its band's rate.
    assert uw.topliner_price_beyond_tariff(Decimal(60000), 60, 4, bands) == Decimal("177.53")
    # DRA 2 has no band: the riskiest band's rate (1.80 %).
    assert uw.topliner_price_beyond_tariff(Decimal(60000), 60, 2, bands) == Decimal("177.53")
    # No tariff at all: the fallback rate, 2.40 %.
    assert uw.topliner_price_beyond_tariff(Decimal(60000), 60, 2, ()) == Decimal("236.71")


@given(st.integers(1, 10_000_000), st.integers(30, 90), st.integers(3, 10))
def test_topliner_premium_grows_with_amount_and_duration(amount: int, days: int,
                                                         dra: int) -> None:
    price = uw.topliner_price(Decimal(amount), days, dra, uw.DEFAULT_BANDS)
    assert price is not None and price >= Decimal(100)
    assert price == price.quantize(Decimal("0.01"))
    longer = uw.topliner_price(Decimal(amount), days + 1, dra, uw.DEFAULT_BANDS)
    more = uw.topliner_price(Decimal(amount + 1000), days, dra, uw.DEFAULT_BANDS)
    assert longer is not None and more is not None and longer >= price and more >= price


def test_dra_flash_delivers_the_dra_and_its_date() -> None:
    for code in ("RSC", "RSM"):
        decision = decide(code, 8)
        assert decision.status == S.GRANTED
        assert (decision.delivered_dra, decision.delivered_dra_on) == (8, DRA_DAY)
        assert decision.amount is None
    assert decide("RSC", 0).delivered_dra == 0  # a defaulted buyer's DRA is delivered too
    assert not decide("RSC", None).immediate  # nothing to deliver yet


def test_opinion_amount_from_the_dra_grid() -> None:
    for code in ("RCO", "ROM"):
        decision = decide(code, 8)
        assert decision.status == S.GRANTED and decision.opinion_amount == Decimal(50000)
        assert decision.amount is None  # an opinion, not a cover
        negative = decide(code, 2)
        assert negative.status == S.GRANTED and negative.opinion_amount == Decimal(0)


def test_reports_delivered_at_once_by_the_report_rule() -> None:
    for code in ("REPORT_INSTANT", "REPORT_FULL", "REPORT_CREDIT"):
        decision = decide(code, None)
        assert decision.immediate and decision.decided_by == "rule:reports"


def test_granting_rule_that_cannot_compute_its_amount_does_not_apply() -> None:
    tables = uw.Tables([uw.Rule("grid", "RLI", 10, amount_from="dra_band"),
                        uw.Rule("fallback", "RLI", 20, amount_from="fixed",
                                amount=Decimal(5000))],
                       [uw.DraBand(5, 10, Decimal(30000))])
    assert decide("RLI", 7, tables=tables).decided_by == "rule:grid"
    assert decide("RLI", 3, tables=tables).decided_by == "rule:fallback"


def test_every_decision_records_its_rule() -> None:
    asks = [("RLI", 8, None, None), ("RLI", 2, None, None), ("ECL", 6, None, None),
            ("ECL", 0, None, None), ("RCO", 5, None, None), ("ROM", 1, None, None),
            ("RSC", 4, None, None), ("RSM", 9, None, None), ("TOPLINER", 5, 20000, 45),
            ("TOPLINER", 0, 20000, 45), ("REPORT_FULL", 3, None, None)]
    names = {r.name for r in uw.DEFAULT_RULES}
    for code, dra, amount, days in asks:
        decision = decide(code, dra, amount, days)
        assert decision.immediate, code
        assert decision.decided_by.removeprefix("rule:") in names, (code, decision)
        if decision.status == S.REFUSED:
            assert decision.comment, (code, dra)


def test_monitoring_update_shows_the_new_value() -> None:
    dra = uw.monitoring_update("RSM", buyer(3), TABLES)
    assert dra is not None and (dra.delivered_dra, dra.delivered_dra_on) == (3, DRA_DAY)
    opinion = uw.monitoring_update("ROM", buyer(6), TABLES)
    assert opinion is not None and opinion.opinion_amount == Decimal(25000)
    assert uw.monitoring_update("CCO", buyer(3), TABLES) is None


def test_underwriter_delivery_of_an_information_product() -> None:
    assert uw.delivery("RSC", buyer(6), TABLES).delivered_dra == 6
    assert uw.delivery("RCO", buyer(6), TABLES).opinion_amount == Decimal(25000)
    assert uw.delivery("RCO", buyer(6), TABLES, Decimal(12000)).opinion_amount == \
        Decimal(12000)  # the underwriter's own amount prevails
