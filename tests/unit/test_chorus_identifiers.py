"""rules.chorus_identifiers (issue 18 item 1): a SIRET typed with spaces is the same
structure; a mistyped digit is refused at the field; La Poste's establishments pass;
the VAT number must be the SIRET's company's; an IBAN is checked as a bank would."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn

from cofatui.errors import ValidationFailed
from cofatui.rules.chorus_identifiers import check_vat, clean_iban, clean_siret, siren_of

DIGITS = "0123456789"
LA_POSTE = "356000000"


def _refusal(call: object, *args: str, **kwargs: str) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        call(*args, **kwargs)  # type: ignore[operator]
    (error,) = refused.value.errors
    return error.field, error.code


@st.composite
def sirets(draw: st.DrawFn) -> str:
    """A valid SIRET: a SIREN with its Luhn key, then the establishment and the key."""
    body = draw(st.text(DIGITS, min_size=8, max_size=8))
    siren = body + luhn.calc_check_digit(body)
    assume(siren != LA_POSTE)
    rest = siren + draw(st.text(DIGITS, min_size=4, max_size=4))
    return rest + luhn.calc_check_digit(rest)


# Timing is never what is tested; a busy machine must not fail it.
@settings(deadline=None)
@given(sirets(), st.lists(st.sampled_from([" ", "  ", "\t", ".", "-", ""]),
                          min_size=14, max_size=14))
def test_a_siret_typed_with_spaces_is_kept_as_14_digits(siret: str,
                                                        cuts: list[str]) -> None:
    spaced = "".join(ch + cut for ch, cut in zip(siret, cuts, strict=True))
    assert clean_siret(f" {spaced} ") == siret


@settings(deadline=None)
@given(sirets(), st.integers(0, 13), st.integers(1, 9))
def test_one_mistyped_digit_is_refused_at_the_field(siret: str, position: int,
                                                    shift: int) -> None:
    digit = str((int(siret[position]) + shift) % 10)
    wrong = siret[:position] + digit + siret[position + 1:]
    assume(not wrong.startswith(LA_POSTE))  # La Poste's rule is a sum, not Luhn
    assert _refusal(clean_siret, wrong, "recipient_siret") == \
        ("recipient_siret", "chorus.siret_invalid")


def test_la_postes_establishments_pass_though_luhn_fails() -> None:
    # Seed: "Luhn with La Poste's exception": the digits' sum is a multiple of 5.
    establishment = "35600000012346"
    assert not luhn.is_valid(establishment)
    assert sum(map(int, establishment)) % 5 == 0
    assert clean_siret("356 000 000 12346") == establishment
    assert clean_siret("35600000000048") == "35600000000048"  # the head office: Luhn
    assert _refusal(clean_siret, "35600000012347")[1] == "chorus.siret_invalid"


@pytest.mark.parametrize("typed", ["3351710960003", "335171096000355", "3351710960003a",
                                   "３３５１７１０９６００035", "33517109600036"])
def test_not_fourteen_ascii_digits_or_a_wrong_key_is_refused(typed: str) -> None:
    assert _refusal(clean_siret, typed) == ("siret", "chorus.siret_invalid")


def test_a_blank_siret_is_missing() -> None:
    assert _refusal(clean_siret, "  ") == ("siret", "chorus.siret_required")


def test_the_seeds_sofaxis_siret_is_valid() -> None:
    assert clean_siret("335 171 096 00035") == "33517109600035"


def _vat_of(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


@settings(deadline=None)
@given(sirets())
def test_the_vat_number_of_the_sirets_siren_is_accepted_in_any_typing(siret: str) -> None:
    vat = _vat_of(siren_of(siret))
    assert check_vat(vat, siret) == vat
    loose = "fr " + vat[2:4] + " " + vat[4:7] + " " + vat[7:]
    assert check_vat(loose, siret) == vat
    assert check_vat(vat[2:], siret) == vat  # without the country prefix


@settings(deadline=None)
@given(sirets(), sirets())
def test_another_companys_vat_number_is_refused(siret: str, other: str) -> None:
    assume(siren_of(siret) != siren_of(other))
    assert _refusal(check_vat, _vat_of(siren_of(other)), siret) == \
        ("vat_number", "chorus.vat_not_siren")


@settings(deadline=None)
@given(sirets(), st.integers(1, 96))
def test_a_wrong_vat_key_is_refused(siret: str, shift: int) -> None:
    vat = _vat_of(siren_of(siret))
    wrong = f"FR{(int(vat[2:4]) + shift) % 97:02d}{vat[4:]}"
    assert _refusal(check_vat, wrong, siret) == ("vat_number", "chorus.vat_invalid")


def test_no_vat_number_is_no_vat_number() -> None:
    assert check_vat("  ", "33517109600035") == ""


@st.composite
def ibans(draw: st.DrawFn) -> str:
    # Countries whose BBAN is all digits and has no national key stdnum checks.
    country, length = draw(st.sampled_from([("FR", 23), ("DE", 18)]))
    bban = draw(st.text(DIGITS, min_size=length, max_size=length))
    number = str(stdnum_iban.calc_check_digits(country + "00" + bban))
    return country + number + bban


@settings(deadline=None)
@given(ibans())
def test_an_iban_in_groups_of_four_is_kept_compact(iban: str) -> None:
    grouped = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    assert clean_iban(grouped.lower()) == iban


@settings(deadline=None)
@given(ibans(), st.data())
def test_one_mistyped_iban_digit_is_refused(iban: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(4, len(iban) - 1))
    shift = data.draw(st.integers(1, 9))
    wrong = iban[:position] + str((int(iban[position]) + shift) % 10) + iban[position + 1:]
    assert _refusal(clean_iban, wrong) == ("iban", "chorus.iban_invalid")


def test_a_blank_iban_is_missing_and_garbage_is_invalid() -> None:
    assert _refusal(clean_iban, "") == ("iban", "chorus.iban_required")
    assert _refusal(clean_iban, "FR76 not an iban") == ("iban", "chorus.iban_invalid")
