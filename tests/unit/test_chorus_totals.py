"""rules.chorus_totals (issue 18 item 4, EN 16931 BR-CO-17): the totals a recipient
pays are computed from the lines, exactly, VAT rounded once per rate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import ChorusFrame, ChorusVatRate
from cofatui.rules.chorus_totals import compute_totals, line_amount


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    vat_rate: ChorusVatRate


def _half_up(value: Fraction, decimals: int = 2) -> Fraction:
    """Round half away from zero with fractions: an oracle independent of Decimal."""
    scale = 10 ** decimals
    scaled = abs(value) * scale
    whole = int(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Fraction(whole if value >= 0 else -whole, scale)


_RATES = {ChorusVatRate.STANDARD: Fraction(20), ChorusVatRate.INTERMEDIATE: Fraction(10),
          ChorusVatRate.REDUCED: Fraction(11, 2), ChorusVatRate.SUPER_REDUCED:
          Fraction(21, 10), ChorusVatRate.ZERO: Fraction(0), ChorusVatRate.EXEMPT: Fraction(0)}

lines = st.builds(
    Line,
    quantity=st.decimals(min_value=Decimal("-9999"), max_value=Decimal("9999"), places=3),
    unit_price=st.decimals(min_value=Decimal(0), max_value=Decimal("999999"), places=3),
    vat_rate=st.sampled_from(list(ChorusVatRate)))


# Timing is never what is tested; a busy machine must not fail it.
@settings(deadline=None)
@given(st.lists(lines, min_size=1, max_size=30))
def test_totals_are_exact_and_vat_is_rounded_once_per_rate(items: list[Line]) -> None:
    totals = compute_totals(items)
    amounts = [_half_up(Fraction(x.quantity) * Fraction(x.unit_price)) for x in items]
    assert [Fraction(a) for a in totals.line_amounts] == amounts
    bases: dict[ChorusVatRate, Fraction] = {}
    for item, amount in zip(items, amounts, strict=True):
        bases[item.vat_rate] = bases.get(item.vat_rate, Fraction(0)) + amount
    assert {v.vat_rate: Fraction(v.base) for v in totals.vat} == bases
    assert {v.vat_rate: Fraction(v.amount) for v in totals.vat} == {
        rate: _half_up(base * _RATES[rate] / 100) for rate, base in bases.items()}
    assert Fraction(totals.total_excl_tax) == sum(amounts)
    assert totals.total_vat == sum(v.amount for v in totals.vat)
    assert totals.total_incl_tax == totals.total_excl_tax + totals.total_vat
    assert totals.amount_due == totals.total_incl_tax
    # Amounts are in cents: what is stored and shown is what was added.
    for value in (totals.total_excl_tax, totals.total_vat, totals.total_incl_tax):
        assert value.as_tuple().exponent == -2


@settings(deadline=None)
@given(st.lists(lines, min_size=1, max_size=10), st.randoms())
def test_the_lines_order_does_not_change_the_totals(items: list[Line], rnd: object) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    first, second = compute_totals(items), compute_totals(shuffled)
    assert (first.total_excl_tax, first.total_vat, first.total_incl_tax, first.vat) == \
        (second.total_excl_tax, second.total_vat, second.total_incl_tax, second.vat)


@settings(deadline=None)
@given(st.lists(lines, min_size=1, max_size=10))
def test_an_invoice_already_paid_a2_has_nothing_due(items: list[Line]) -> None:
    paid = compute_totals(items, frame=ChorusFrame.A2)
    assert paid.amount_due == 0
    assert paid.total_incl_tax == compute_totals(items).total_incl_tax


def test_br_co_17_vat_on_the_base_not_a_sum_of_rounded_lines() -> None:
    # Three lines of 0.05 at 5.5 %: 0.00275 each would round to 0.00 three times;
    # on the base 0.15 the VAT is 0.00825 → 0.01.
    items = [Line(Decimal(1), Decimal("0.05"), ChorusVatRate.REDUCED)] * 3
    totals = compute_totals(items)
    assert totals.vat[0].base == Decimal("0.15")
    assert totals.vat[0].amount == Decimal("0.01")
    assert totals.total_incl_tax == Decimal("0.16")


def test_rounding_is_half_up_on_lines_and_vat() -> None:
    assert line_amount(Decimal(1), Decimal("0.125")) == Decimal("0.13")
    assert line_amount(Decimal(-1), Decimal("0.125")) == Decimal("-0.13")
    totals = compute_totals([Line(Decimal(1), Decimal("0.05"), ChorusVatRate.INTERMEDIATE)])
    assert totals.vat[0].amount == Decimal("0.01")  # 0.005 → 0.01


def test_one_entry_per_rate_in_rate_order_exempt_apart_from_zero() -> None:
    items = [Line(Decimal(2), Decimal(10), ChorusVatRate.EXEMPT),
             Line(Decimal(1), Decimal(100), ChorusVatRate.STANDARD),
             Line(Decimal(1), Decimal(5), ChorusVatRate.ZERO),
             Line(Decimal(3), Decimal(10), ChorusVatRate.STANDARD)]
    totals = compute_totals(items)
    assert [(v.vat_rate, v.base, v.amount) for v in totals.vat] == [
        (ChorusVatRate.STANDARD, Decimal("130.00"), Decimal("26.00")),
        (ChorusVatRate.ZERO, Decimal("5.00"), Decimal("0.00")),
        (ChorusVatRate.EXEMPT, Decimal("20.00"), Decimal("0.00"))]
    assert totals.total_incl_tax == Decimal("181.00")


def test_a_readjustment_with_a_negative_total_stays_negative() -> None:
    # Seed 003 §XXI: a "réajustement" with a negative total is a 380.
    totals = compute_totals([Line(Decimal(-2), Decimal("12.50"), ChorusVatRate.STANDARD)])
    assert (totals.total_excl_tax, totals.total_vat, totals.total_incl_tax) == \
        (Decimal("-25.00"), Decimal("-5.00"), Decimal("-30.00"))


def test_a_currency_without_cents_rounds_to_units() -> None:
    totals = compute_totals([Line(Decimal(3), Decimal("333.5"), ChorusVatRate.REDUCED)],
                            currency="JPY")
    assert totals.total_excl_tax == Decimal(1001)  # 1000.5 → 1001
    assert totals.total_vat == Decimal(55)  # 55.055 → 55
