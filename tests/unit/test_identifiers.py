"""EasyNumber, Coface reference and legal-identifier rules."""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui import reference
from cofatui.errors import ValidationFailed
from cofatui.rules import identifiers
from cofatui.rules.identifiers import (
    has_specific_check,
    identifier_types,
    is_branch_easy_number,
    normalize_coface_reference,
    normalize_easy_number,
    validate_legal_identifier,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=14)
branch_digits = st.text(alphabet="0123456789", min_size=15, max_size=19)


# ------------------------------------------------------------------------ EasyNumber

@given(digits)
def test_easy_number_up_to_14_digits_is_padded_to_a_14_digit_head_office(raw: str) -> None:
    value = normalize_easy_number(raw)
    assert len(value) == 14 and value.isdigit()
    assert value.endswith(raw) and int(value) == int(raw)
    assert normalize_easy_number(value) == value  # round-trips
    assert not is_branch_easy_number(raw)


@given(branch_digits)
def test_easy_number_of_15_to_19_digits_is_a_19_digit_branch(raw: str) -> None:
    value = normalize_easy_number(raw)
    assert len(value) == 19 and value.endswith(raw) and int(value) == int(raw)
    assert normalize_easy_number(value) == value
    assert is_branch_easy_number(raw)


@given(st.text(alphabet="0123456789", min_size=20, max_size=40))
def test_easy_number_longer_than_19_digits_is_refused(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_easy_number(raw)
    assert "easy_number" in caught.value.by_field()


@given(st.text())
def test_easy_number_arbitrary_text_normalises_or_raises_validation_failed(raw: str) -> None:
    try:
        value = normalize_easy_number(raw)
    except ValidationFailed as error:
        assert set(error.by_field()) == {"easy_number"}
    else:
        assert len(value) in (14, 19) and set(value) <= set("0123456789")


@pytest.mark.parametrize("raw", ["", "   ", "12a4", "12-34", "١٢٣", "²", "1.5"])
def test_easy_number_refuses_empty_and_non_digit_input(raw: str) -> None:
    with pytest.raises(ValidationFailed, match="EasyNumber"):
        normalize_easy_number(raw)


def test_easy_number_ignores_blanks_between_digits() -> None:
    assert normalize_easy_number(" 123 548 97 ") == "00000012354897"


def test_easy_number_branch_flag_overrides_the_length_inference() -> None:
    assert normalize_easy_number("12354897", branch=True) == "0000000000012354897"
    assert normalize_easy_number("12354897", branch=False) == "00000012354897"
    with pytest.raises(ValidationFailed, match="head-office EasyNumber has at most 14"):
        normalize_easy_number("1" * 15, branch=False)
    with pytest.raises(ValidationFailed, match="at most 19"):
        normalize_easy_number("1" * 20, branch=True)


# ------------------------------------------------------------------ Coface reference

def test_coface_reference_is_upper_cased_and_compacted() -> None:
    assert normalize_coface_reference("100156874") == "100156874"
    assert normalize_coface_reference(" 100 15ab7z ") == "10015AB7Z"


@pytest.mark.parametrize("raw", ["", "10015687", "1001568745", "A00156874", "10A156874",
                                 "100-15687", "100156é74"])
def test_coface_reference_needs_3_digits_then_6_letters_or_digits(raw: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        normalize_coface_reference(raw)
    assert "coface_reference" in caught.value.by_field()


@given(st.text())
def test_coface_reference_arbitrary_text_never_raises_another_error(raw: str) -> None:
    try:
        value = normalize_coface_reference(raw)
    except ValidationFailed:
        return
    assert re.fullmatch(r"[0-9]{3}[A-Z0-9]{6}", value)


# ------------------------------------------------------------------ legal identifiers

def _with_luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these sit right before the check digit
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_siren_with_a_luhn_check_digit_validates(body: str) -> None:
    siren = _with_luhn_digit(body)
    spaced = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
    assert validate_legal_identifier("FRA", "SIREN", spaced) == siren
    wrong = siren[:-1] + str((int(siren[-1]) + 1) % 10)
    with pytest.raises(ValidationFailed, match="Invalid SIREN: checksum does not match"):
        validate_legal_identifier("FRA", "SIREN", wrong)


def test_seed_sample_sirens_fail_the_luhn_check() -> None:
    # The seed's bulk-order examples use made-up SIRENs; strict validation refuses them.
    for siren in ("657898456", "957854658", "958478954"):
        with pytest.raises(ValidationFailed, match="checksum"):
            validate_legal_identifier("FRA", "SIREN", siren)


_ALL_PAIRS = [(c.code, t.code) for c in reference.countries() for t in c.identifier_types]


@given(st.sampled_from(_ALL_PAIRS), st.text(max_size=60))
def test_legal_identifier_arbitrary_text_only_raises_validation_failed(
    pair: tuple[str, str], value: str
) -> None:
    country, type_code = pair
    try:
        result = validate_legal_identifier(country, type_code, value)
    except ValidationFailed as error:
        assert set(error.by_field()) == {"legal_identifier"}
    else:
        assert result
        assert result == result.strip()


@given(st.text(max_size=12), st.text(max_size=12), st.text(max_size=40))
def test_legal_identifier_arbitrary_country_and_type_only_raise_validation_failed(
    country: str, type_code: str, value: str
) -> None:
    try:
        result = validate_legal_identifier(country, type_code, value)
    except ValidationFailed as error:
        assert set(error.by_field()) <= {"country", "legal_identifier_type", "legal_identifier"}
    else:
        assert result and result == result.strip()


def test_legal_identifier_type_must_belong_to_the_country_and_the_error_lists_allowed() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_legal_identifier("DEU", "SIREN", "552008443")
    [error] = caught.value.errors
    assert (error.field, error.code) == ("legal_identifier_type", "identifiers.type_unknown")
    assert error.params["country"] == "DEU"
    message = error.text("fr")
    assert "pour DEU" in message
    assert "HRN_DEU" in message and "VAT_DEU" in message and "Akcny" in message


def test_legal_identifier_type_codes_are_case_sensitive_with_a_hint() -> None:
    with pytest.raises(ValidationFailed, match="did you mean CRScny"):
        validate_legal_identifier("FRA", "CRSCNY", "100156874")
    with pytest.raises(ValidationFailed, match="did you mean Akcny"):
        validate_legal_identifier("DEU", "AKCNY", "12345")


def test_legal_identifier_unknown_country_is_reported_on_the_country_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_legal_identifier("XYZ", "SIREN", "552008443")
    assert "XYZ" in caught.value.by_field()["country"]


def test_coface_reference_is_a_legal_identifier_type_in_every_country() -> None:
    assert validate_legal_identifier("FRA", "CRScny", "100156874") == "100156874"
    assert validate_legal_identifier("USA", "CRScny", "840abc123") == "840ABC123"
    with pytest.raises(ValidationFailed) as caught:
        validate_legal_identifier("FRA", "CRScny", "B41105654")
    assert "legal_identifier" in caught.value.by_field()


@pytest.mark.parametrize(
    ("country", "type_code", "raw", "compact"),
    [
        ("FRA", "SIREN", "552 008 443", "552008443"),
        ("FRA", "SIRET", "732 829 320 00074", "73282932000074"),
        ("NCL", "SIREN_NCL", "552008443", "552008443"),
        ("FRA", "VAT_FRA", "FR 40 303 265 045", "FR40303265045"),
        ("FRA", "VAT_FRA", "40303265045", "FR40303265045"),
        ("DEU", "VAT_DEU", "136 695 976", "DE136695976"),
        ("DEU", "VAT_DEU", "de136695976", "DE136695976"),
        ("BEL", "VAT_BEL", "BE 0403.019.261", "BE0403019261"),
        ("GRC", "VAT_GRC", "GR094259216", "EL094259216"),
        ("ITA", "TAX_ITA", "00743110157", "00743110157"),
        ("ESP", "NIF_ESP", "ES B-58378431", "B58378431"),
        ("ES1", "NIF_ESP", "B58378431", "B58378431"),
        ("DNK", "CVR_DNK", "DK 13585628", "13585628"),
        ("AUS", "ABN_AUS", "83 914 571 673", "83914571673"),
        ("AUS", "ACN_AUS", "004 085 616", "004085616"),
        ("BRA", "CNPJ_BRA", "16.727.230/0001-97", "16727230000197"),
        ("CHL", "RUT_CHL", "76086428-5", "760864285"),
        ("MEX", "RFC_MEX", "GODE561231GR8", "GODE561231GR8"),
        ("USA", "DUN_USA", "15-048-3782", "150483782"),
        ("DEU", "HRN_DEU", "HRB 97512", "HRB 97512"),
        ("DEU", "HRN_DEU", "hrb97512", "HRB 97512"),
        ("DEU", "HRN_DEU", "Aachen HRB 44123", "Aachen HRB 44123"),
    ],
)
def test_legal_identifier_valid_values_come_back_compact(
    country: str, type_code: str, raw: str, compact: str
) -> None:
    assert validate_legal_identifier(country, type_code, raw) == compact


@pytest.mark.parametrize(
    ("country", "type_code", "raw", "reason"),
    [
        ("FRA", "SIREN", "552 008 444", "checksum does not match"),
        ("FRA", "SIREN", "55200844", "wrong length"),
        ("DEU", "VAT_DEU", "136695977", "checksum does not match"),
        ("DEU", "VAT_DEU", "BE0403019261", "wrong format"),
        ("USA", "DUN_USA", "1234567", "wrong length"),
        ("USA", "DUN_USA", "12345678X", "wrong format"),
        ("DEU", "HRN_DEU", "XYZ 97512", "wrong format"),
    ],
)
def test_legal_identifier_invalid_values_get_a_human_message(
    country: str, type_code: str, raw: str, reason: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_legal_identifier(country, type_code, raw)
    assert caught.value.by_field() == {"legal_identifier": f"Invalid {type_code}: {reason}"}


def test_legal_identifier_without_stdnum_module_gets_generic_checks_only() -> None:
    assert not has_specific_check("RCS_FRA")
    assert validate_legal_identifier("FRA", "RCS_FRA", "  RCS Paris  B 552 008 443 ") == (
        "RCS Paris B 552 008 443")
    with pytest.raises(ValidationFailed, match="at most 35 characters"):
        validate_legal_identifier("FRA", "RCS_FRA", "x" * 36)
    with pytest.raises(ValidationFailed, match="required"):
        validate_legal_identifier("FRA", "RCS_FRA", "   ")
    with pytest.raises(ValidationFailed, match="control characters"):
        validate_legal_identifier("FRA", "RCS_FRA", "RCS\tParis")
    with pytest.raises(ValidationFailed, match="control characters"):
        validate_legal_identifier("DEU", "Akcny", "AK\u200b123")


def test_every_checked_type_exists_in_the_country_table_and_its_module_imports() -> None:
    known = {t.code for c in reference.countries() for t in c.identifier_types}
    for type_code, check in identifiers._CHECKS.items():
        assert type_code in known, type_code
        assert has_specific_check(type_code)
        module = getattr(check, "module", None)
        if module is not None:
            importlib.import_module(module)


def test_identifier_types_lists_the_country_types_and_refuses_unknown_countries() -> None:
    assert [t.code for t in identifier_types("ARM")] == ["RGN_ARM", "VAT_ARM", "OKPO_ARM"]
    assert {t.code for t in identifier_types("pr1")} == {"TAX_PRT"}
    with pytest.raises(ValidationFailed) as caught:
        identifier_types("ZZZ")
    assert "country" in caught.value.by_field()
