"""The packaged reference tables hold everything the seeds list, attached correctly.

The seed tables are parsed again here, independently of the JSON, so a lost row or an
identifier attached to the wrong country shows up as a failing test.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from cofatui import reference

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.skip(f"seed {prefix} not found beside the repository ({SEEDS})")
    return found[0].read_text(encoding="utf-8")


def _country_table() -> str:
    text = _seed("001")
    start = text.index("LISTE DES CODES ISO")
    end = text.index("Compagnie Fran", start)
    # The one broken code of the table; the JSON reads it as RGN_CZE.
    return text[start:end].replace("RGN_ CZE", "RGN_CZE").replace("CZE / ", "CZE ")


_ID_CODE = re.compile(r"(?<!\S)([A-Z]+_[A-Z0-9]+|SIREN|Akcny)(?!\S)")
_COUNTRY_CODE = re.compile(r"[A-Z][A-Z0-9]{2}")


def _seed_rows() -> list[tuple[str | None, str]]:
    """(country code or None, identifier code) for each row of the seed's table.

    The first code on a line is the identifier (labels may repeat it, e.g. "SIREN
    NUMERO SIREN"); the token before it, when a name precedes, is the country code.
    """
    rows: list[tuple[str | None, str]] = []
    for line in _country_table().splitlines():
        match = _ID_CODE.search(line)
        if match is None:
            continue
        before = line[: match.start()].split()
        country = before[-1] if len(before) >= 2 and _COUNTRY_CODE.fullmatch(before[-1]) \
            else None
        rows.append((country, match.group(1)))
    return rows


def _seed_identifier_codes() -> Counter[str]:
    return Counter(code for _, code in _seed_rows())


def _seed_country_codes() -> list[str]:
    return [country for country, _ in _seed_rows() if country is not None]


def _in_seed_pairs() -> list[tuple[str, str]]:
    return [(c.code, t.code) for c in reference.countries() for t in c.identifier_types
            if t.in_seed]


def test_every_seed_country_is_in_the_table_once() -> None:
    seed_codes = _seed_country_codes()
    table_codes = [c.code for c in reference.countries()]
    assert len(seed_codes) == 153
    assert sorted(table_codes) == sorted(seed_codes)
    assert len(set(table_codes)) == len(table_codes)


def test_every_seed_identifier_type_is_in_the_table_as_often_as_the_seed_lists_it() -> None:
    seed = _seed_identifier_codes()
    table = Counter(code for _, code in _in_seed_pairs())
    assert sum(seed.values()) == 241
    assert table == seed
    # Codes are unique per country; only the seed's "possessions" reuse a code.
    repeated = {code for code, n in table.items() if n > 1}
    assert repeated == {"TAX_PRT", "NIF_ESP"}
    assert len(set(_in_seed_pairs())) == len(_in_seed_pairs())


def test_identifier_printed_on_a_country_row_belongs_to_that_country() -> None:
    pairs = set(_in_seed_pairs())
    for country, code in _seed_rows():
        if country is not None:
            assert (country, code) in pairs


@pytest.mark.parametrize(
    ("type_code", "country_code"),
    [
        ("RGN_ARM", "ARM"), ("VAT_BLR", "BLR"), ("RGN_CHN", "CHN"), ("RCS_IDN", "IDN"),
        ("TAX_ITA", "ITA"), ("RGN_HRV", "HRV"), ("VAT_BGR", "BGR"), ("IR_SVK", "SVK"),
        ("RCS_KOR", "KOR"), ("RGN_MNE", "MNE"), ("SIREN", "FRA"), ("HRN_DEU", "DEU"),
        ("Akcny", "DEU"), ("JUCESP_BRA", "BRA"), ("TEIK_NUM", "JPN"), ("TVA_MAR", "MAR"),
        ("VAT_TJK", "TJK"), ("VAT_KAZ", "KAZ"), ("VAT_KGZ", "KGZ"), ("VAT_CZE", "CZE"),
        ("RGN_CZE", "CZE"), ("TAX_BFA", "BFA"), ("VAT_RUS", "RUS"), ("VAT_SVN", "SVN"),
        ("VAT_TKM", "TKM"), ("VAT_UZB", "UZB"), ("RCS_MAR", "MAR"), ("VAT_MKD", "MKD"),
        ("TAX_PRT", "PR1"), ("NIF_ESP", "ES1"),
    ],
)
def test_misaligned_identifier_rows_belong_to_the_country_of_their_code(
    type_code: str, country_code: str
) -> None:
    owners = {c for c, t in _in_seed_pairs() if t == type_code}
    assert country_code in owners
    # Misaligned rows never also end up under the neighbouring country.
    if type_code not in {"TAX_PRT", "NIF_ESP"}:
        assert owners == {country_code}


def test_identifier_codes_with_a_country_suffix_sit_under_that_country() -> None:
    codes = {c.code for c in reference.countries()}
    for country_code, type_code in _in_seed_pairs():
        suffix = type_code.rsplit("_", 1)[-1]
        if suffix in codes and country_code not in {"PR1", "ES1"}:
            assert suffix == country_code, (type_code, country_code)


def test_france_and_germany_have_their_identifier_types() -> None:
    france = reference.country("FRA")
    germany = reference.country("DEU")
    assert france is not None and germany is not None
    assert {"SIREN", "RCS_FRA", "VAT_FRA"} <= {t.code for t in france.identifier_types}
    assert {t.code for t in germany.identifier_types} == {"HRN_DEU", "VAT_DEU", "Akcny"}
    siret = france.identifier_type("SIRET")
    assert siret is not None and not siret.in_seed


def test_special_country_codes_are_present_with_their_names() -> None:
    names = {f"AR{i}": None for i in range(1, 8)}
    for code in [*names, "PR1", "ES1", "DN1", "GB2", "NZ1", "US1", "SCG"]:
        found = reference.country(code)
        assert found is not None, code
        assert found.iso_numeric is None and found.iso_alpha2 is None
    ar3 = reference.country("AR3")
    assert ar3 is not None and ar3.name == "Dubai"
    bih = reference.country("BIH")
    assert bih is not None and bih.name == "Bosnia and Herzegovina"
    gb2 = reference.country("GB2")
    assert gb2 is not None and gb2.name == "Possession of G.B. in America"


def test_real_countries_carry_iso_numeric_and_alpha2_codes() -> None:
    france = reference.country("fra")
    assert france is not None
    assert (france.iso_alpha2, france.iso_numeric, france.name_fr) == ("FR", "250", "France")
    germany = reference.country(" deu ")
    assert germany is not None and germany.name_fr == "Allemagne"
    for c in reference.countries():
        if c.iso_numeric is not None:
            assert re.fullmatch(r"[0-9]{3}", c.iso_numeric), c.code
            assert c.iso_alpha2 is not None and re.fullmatch(r"[A-Z]{2}", c.iso_alpha2)
        assert c.name_fr


def test_unknown_country_code_finds_nothing() -> None:
    assert reference.country("XYZ") is None


def test_reference_accessors_are_cached() -> None:
    assert reference.countries() is reference.countries()
    assert reference.products() is reference.products()
    assert reference.bulk_errors() is reference.bulk_errors()


# ------------------------------------------------------------------------- products

def _seed_product_codes() -> dict[str, str]:
    text = _seed("001")
    block = text[text.index("Code de correspondance produit/action"):]
    block = block[: block.index("Les actions possibles")]
    return {m.group(2): m.group(1).strip()
            for m in re.finditer(r"^n (.+?) : ([A-Z]{3})\s*$", block, re.MULTILINE)}


def test_every_seed_product_code_resolves_with_its_french_name() -> None:
    seed = _seed_product_codes()
    assert len(seed) == 8
    for code, name_fr in seed.items():
        found = reference.product(code)
        assert found is not None, code
        assert found.name_fr == name_fr
    # The seed writes LCR in this list and CRL in its table: both are the Agrément.
    lcr, crl = reference.product("LCR"), reference.product("crl")
    assert lcr is not None and lcr is crl and lcr.code == "CRL"


def test_seed_actions_are_all_known() -> None:
    text = _seed("001")
    block = text[text.index("Les actions possibles sur les produits"):]
    block = block[: block.index("Les codes de produit et les codes")]
    seed = dict(re.findall(r"^n (.+?) : ([A-Z])\s*$", block, re.MULTILINE))
    assert seed == {"Commander": "C", "Supprimer": "D", "Mettre à jour": "U",
                    "Interrompre": "S"}
    for name_fr, code in seed.items():
        action = reference.product_action(code)
        assert action is not None and action.name_fr == name_fr


@pytest.mark.parametrize(
    ("code", "actions", "family", "amount_required", "monitored"),
    [
        ("RLI", ("C", "D"), "insurance", False, False),
        ("CRL", ("C", "D", "U"), "insurance", True, False),
        ("RCO", ("C", "D"), "information", False, False),
        ("ROM", ("C", "S", "D"), "information", False, True),
        ("CCO", ("C", "D", "U"), "information", True, False),
        ("RSC", ("C", "D"), "information", False, False),
        ("RSM", ("C", "S", "D"), "information", False, True),
        ("ECL", (), "insurance", False, False),
    ],
)
def test_bulk_product_action_table_matches_the_seed(
    code: str, actions: tuple[str, ...], family: str, amount_required: bool, monitored: bool
) -> None:
    found = reference.product(code)
    assert found is not None
    assert set(found.bulk_actions) == set(actions)
    assert found.bulk == bool(actions)
    assert (found.family, found.amount_required, found.monitored) == (
        family, amount_required, monitored)


def test_non_bulk_products_exist_in_their_families() -> None:
    families = {f.code for f in reference.product_families()}
    assert families == {"insurance", "information", "unpaid_services"}
    expected = {"TOPLINER": "insurance", "REPORT_INSTANT": "information",
                "REPORT_FULL": "information", "REPORT_CREDIT": "information",
                "EXTENSION": "unpaid_services", "CLAIM": "unpaid_services"}
    for code, family in expected.items():
        found = reference.product(code)
        assert found is not None and found.family == family and not found.bulk
    for p in reference.products():
        assert p.family in families
        assert set(p.bulk_actions) <= {a.code for a in reference.product_actions()}


# ---------------------------------------------------------------------- bulk errors

def _normalise(text: str) -> str:
    return " ".join(text.split())


def test_bulk_error_messages_cover_the_seed_list_in_order() -> None:
    text = _seed("001")
    start = text.index("toutes les lignes en erreur.") + len("toutes les lignes en erreur.")
    block = _normalise(text[start: text.index("CAUSES POSSIBLES")])
    for message in reference.bulk_errors():
        wanted = _normalise(message.fr)
        at = block.find(wanted)
        if at < 0 and wanted.endswith(")"):
            # The seed drops the closing parenthesis of its last message.
            wanted = wanted[:-1]
            at = block.find(wanted)
        assert at >= 0, message.fr
        # In the seed's order: only bullets may stand before the message.
        assert set(block[:at].split()) <= {"n"}, (message.key, block[:at])
        block = block[at + len(wanted):]
    assert set(block.split()) <= {"n"}, block


def test_bulk_error_keys_are_stable_snake_case_with_english_text() -> None:
    keys = [e.key for e in reference.bulk_errors()]
    assert len(keys) == len(set(keys)) == 31
    for e in reference.bulk_errors():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", e.key)
        assert e.en and e.en != e.fr
    message = reference.bulk_error("contract_number_too_long")
    assert message.fr == "Numéro de contrat trop long (maximum 35 caractères)"
    assert message.text("fr") == message.fr and message.text("en") == message.en
    assert reference.bulk_error("too_many_lines").fr == "Trop de lignes dans le fichier"
    with pytest.raises(KeyError):
        reference.bulk_error("no_such_error")


# ------------------------------------------------------------------------- fixtures

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_bulk_order_sample_lines_are_the_seed_examples_with_ten_fields() -> None:
    text = _seed("001")
    lines = (FIXTURES / "bulk_orders_sample.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 13
    squeezed = re.sub(r"\s*;\s*", ";", text)
    for line in lines:
        assert line.count(";") == 9, line
        assert line in squeezed, line


def test_claim_invoice_sample_is_the_seed_example_row() -> None:
    text = _seed("000")
    line = (FIXTURES / "claim_invoices_sample.csv").read_text(encoding="utf-8").strip()
    assert line.split(";") == text[text.index("In 1234"):].split("\n")[0].split()
