"""A delivered report reads in the language it was ordered in: the report-only catalogs
(German, Spanish) hold exactly the keys the report looks up, English and French hold
them too, and lookups and formats in a given language leave the UI language alone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cofatui.enums import Establishment, ProductStatus
from cofatui.i18n import (
    REPORT_ONLY_LANGUAGES,
    catalog,
    format_amount,
    format_date,
    get_language,
    report_catalog,
    set_language,
    t_in,
)
from cofatui.rules.products import REPORT_LANGUAGES
from cofatui.schemas import CompanyDetail, CompanyPublic, ProductPublic
from cofatui.tui.features.products import report as report_view
from cofatui.tui.features.products.report import report_keys, report_sections


@pytest.fixture(autouse=True)
def ui_in_english() -> object:
    before = get_language()
    set_language("en")
    yield
    set_language(before)


@pytest.mark.parametrize("language", REPORT_ONLY_LANGUAGES)
def test_report_only_catalog_holds_exactly_the_report_keys(language: str) -> None:
    held = set(report_catalog(language))
    needed = set(report_keys(language))
    assert sorted(needed - held) == [], f"missing in {language} (would fall back to English)"
    assert sorted(held - needed) == [], f"unused in {language}"
    assert [k for k, text in report_catalog(language).items() if not text.strip()] == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_ui_catalogs_hold_the_report_keys(language: str) -> None:
    assert sorted(report_keys(language) - set(catalog(language))) == []


def test_report_only_languages_are_the_report_languages_the_ui_lacks() -> None:
    assert set(REPORT_ONLY_LANGUAGES) | {"en", "fr"} == set(REPORT_LANGUAGES)


def test_t_in_reads_a_language_without_changing_the_ui_one() -> None:
    assert t_in("de", "report.address") == "Adresse"
    assert t_in("es", "report.address") == "Dirección"
    assert t_in("fr", "report.name") == "Raison sociale"
    assert t_in("de", "report.dra_value", dra=7) == "7 / 10"
    assert t_in("de", "home.wap_title") == t_in("en", "home.wap_title")  # English fallback
    assert get_language() == "en"


def test_dates_and_amounts_in_a_given_language() -> None:
    day = date(2026, 11, 22)
    assert format_date(day, "de") == "22.11.2026"
    assert format_date(day, "es") == "22 nov 2026"
    assert format_date(day, "fr") == "22/11/2026"
    assert format_date(day) == "22 Nov 2026"  # the UI's
    assert format_amount(Decimal(50000), "EUR", "de").replace("\xa0", " ") == "50.000,00 €"
    assert format_amount(Decimal(50000), "EUR") == "€50,000.00"


def _detail(establishment: Establishment, dra: int | None) -> CompanyDetail:
    company = CompanyPublic(
        id=1, name="Alpha", name_local="Альфа", address="1 rue", postal_code="75001",
        city="Paris", region="IDF", country="FRA", easy_number="E1", coface_reference="C1",
        establishment=establishment, head_office_id=None, phone="01", dra=dra, source="x",
        version=1)
    products = [_product(n, "CRL", status) for n, status in enumerate(ProductStatus, 10)]
    return CompanyDetail(
        company=company, contract_id=1, currency="EUR", entry_id=None, entry_version=None,
        client_reference="", outstanding_amount=None, internal_credit_limit=None,
        custom_fields={}, custom_field_names={}, favourite=False, products=products,
        claims=[], other_contracts=[], head_office_name="Alpha HQ")


def _product(pid: int, code: str, status: ProductStatus, language: str | None = None
             ) -> ProductPublic:
    return ProductPublic(
        id=pid, contract_id=1, company_id=1, code=code, status=status,
        requested_amount=None, decided_amount=Decimal(1000), currency="EUR",
        requested_at=None, decided_at=datetime(2026, 11, 22, tzinfo=UTC),
        expected_decision_at=None, effective_date=None, end_date=None,
        guarantor_company_id=None, clause="", comment="", decided_by="", monitored=False,
        updated_at=None, version=1, language=language)


@pytest.mark.parametrize("language", REPORT_LANGUAGES)
def test_the_report_looks_up_only_its_declared_keys(
        language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: set[str] = set()

    def spy(lang: str, key: str, /, **params: object) -> str:
        assert lang == language
        looked_up.add(key)
        return t_in(lang, key, **params)

    monkeypatch.setattr(report_view, "t_in", spy)
    report = _product(1, "REPORT_INSTANT", ProductStatus.GRANTED, language)
    for establishment in Establishment:
        for dra in (None, 5):
            report_sections(_detail(establishment, dra), report)
    assert looked_up and sorted(looked_up - report_keys(language)) == []


def test_a_german_report_reads_german_whatever_the_ui() -> None:
    set_language("fr")
    report = _product(1, "REPORT_INSTANT", ProductStatus.GRANTED, "de")
    sections = dict(report_sections(_detail(Establishment.BRANCH, None), report))
    assert set(sections) == {"Identität", "Adresse", "Kennungen", "Risikobewertung",
                             "Produkte aus diesem Vertrag"}
    assert ("Betriebsstätte", "Zweigniederlassung") in sections["Identität"]
    assert ("DRA", "noch nicht bewertet") in sections["Risikobewertung"]
    assert ("Land", "France (FRA)") in sections["Adresse"]  # countries: English
    products = sections["Produkte aus diesem Vertrag"]
    assert ("Kreditlimit", "erteilt 1.000,00\xa0€") in products


def test_a_report_without_language_reads_in_the_ui_language() -> None:
    set_language("fr")
    report = _product(1, "REPORT_INSTANT", ProductStatus.GRANTED, None)
    titles = [title for title, _ in report_sections(_detail(Establishment.BRANCH, 3), report)]
    assert titles[0] == "Identité" and titles[1] == "Adresse"
