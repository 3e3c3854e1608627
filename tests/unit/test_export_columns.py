"""The custom exports' column catalogue (issue 15 item 1): every key of the issue, in
both categories, with both labels and the type that decides how it is written."""

from __future__ import annotations

import pytest

from cofatui.enums import ExportCategory, ExportColumnType
from cofatui.rules.export_columns import (
    catalogue,
    column,
    column_label,
    custom_field_slot,
    default_columns,
    group_label,
    headers,
    is_known,
)

PORTFOLIO_KEYS = [
    "contract", "company_name", "company_name_local", "address", "postal_code", "city",
    "region", "country", "easy_number", "coface_reference", "legal_identifier",
    "establishment", "phone", "dra", "dra_date",
    "client_reference", "outstanding_amount", "internal_credit_limit",
    "custom_field_1", "custom_field_2", "custom_field_3", "custom_field_4", "custom_field_5",
    "products", "product_code", "product_name", "family", "status", "requested_amount",
    "decided_amount", "currency", "requested_at", "decided_at", "effective_date", "end_date",
    "guarantor_name", "guarantor_easy_number", "clause", "comment", "decided_by", "monitored",
    "updated_at",
    "claim_status", "claim_intervention", "claim_collector", "claim_insured",
]
CLAIMS_KEYS = [
    "contract", "debtor_name", "country", "easy_number", "client_reference", "claim_reference",
    "own_reference", "claim_status", "reason", "insured", "intervention_requested", "collector",
    "currency", "claim_amount", "covered_amount", "calculated_indemnity", "indemnity_date",
    "submitted_at", "invoice_count", "claims_count", "updated_at",
]


@pytest.mark.parametrize(("category", "keys"), [(ExportCategory.PORTFOLIO, PORTFOLIO_KEYS),
                                                (ExportCategory.CLAIMS, CLAIMS_KEYS)])
def test_every_key_of_the_issue_is_in_the_catalogue_once(category: ExportCategory,
                                                          keys: list[str]) -> None:
    found = [c.key for c in catalogue(category)]
    assert sorted(found) == sorted(keys)
    assert len(set(found)) == len(found)
    for spec in catalogue(category):
        assert spec.label("en") and spec.label("fr")
        assert group_label(spec.group, "en") != spec.group
        assert group_label(spec.group, "fr") != spec.group


@pytest.mark.parametrize("key", ["contract", "easy_number", "client_reference",
                                 "coface_reference", "legal_identifier", "postal_code",
                                 "phone", "guarantor_easy_number"])
def test_identifiers_are_codes_written_as_text(key: str) -> None:
    assert column(ExportCategory.PORTFOLIO, key).type is ExportColumnType.CODE


@pytest.mark.parametrize("key", ["contract", "easy_number", "client_reference",
                                 "claim_reference", "own_reference"])
def test_claim_identifiers_are_codes(key: str) -> None:
    assert column(ExportCategory.CLAIMS, key).type is ExportColumnType.CODE


def test_amounts_and_dates_are_typed() -> None:
    p, c = ExportCategory.PORTFOLIO, ExportCategory.CLAIMS
    for key in ("outstanding_amount", "internal_credit_limit", "requested_amount",
                "decided_amount"):
        assert column(p, key).type is ExportColumnType.AMOUNT
    for key in ("claim_amount", "covered_amount", "calculated_indemnity"):
        assert column(c, key).type is ExportColumnType.AMOUNT
    for key in ("dra_date", "effective_date", "end_date"):
        assert column(p, key).type is ExportColumnType.DATE
    for key in ("requested_at", "decided_at", "updated_at"):
        assert column(p, key).type is ExportColumnType.DATETIME
    assert column(c, "indemnity_date").type is ExportColumnType.DATE
    assert column(c, "submitted_at").type is ExportColumnType.DATETIME


def test_unknown_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        column(ExportCategory.CLAIMS, "products")  # a portfolio column only
    assert not is_known(ExportCategory.CLAIMS, "products")
    assert is_known(ExportCategory.PORTFOLIO, "products")


def test_portfolio_default_is_the_simple_export() -> None:
    # jobs/exports.portfolio_export_columns, less the favourite star.
    assert default_columns(ExportCategory.PORTFOLIO) == [
        "company_name", "city", "country", "easy_number", "client_reference", "dra",
        "products", "decided_amount", "currency", "status", "claim_status",
        "claim_intervention", "claim_insured", "claim_collector", "updated_at"]


def test_claims_default_is_the_claims_portfolio() -> None:
    keys = default_columns(ExportCategory.CLAIMS)
    assert keys[:2] == ["debtor_name", "country"]
    assert {"claims_count", "claim_reference", "claim_status", "collector", "claim_amount",
            "currency", "calculated_indemnity", "updated_at"} <= set(keys)
    for category in ExportCategory:
        for key in default_columns(category):
            column(category, key)


def test_default_columns_is_a_copy() -> None:
    default_columns(ExportCategory.CLAIMS).clear()
    assert default_columns(ExportCategory.CLAIMS)


def test_custom_field_slot() -> None:
    assert custom_field_slot("custom_field_3") == 3
    assert custom_field_slot("custom_field_x") is None
    assert custom_field_slot("client_reference") is None


def test_custom_field_label_is_the_contracts_name_or_generic() -> None:
    spec = column(ExportCategory.PORTFOLIO, "custom_field_3")
    assert column_label(spec, "en", {}) == "Custom field 3"
    assert column_label(spec, "fr", {}) == "Champ personnalisé 3"
    assert column_label(spec, "fr", {3: {"Secteur"}}) == "Secteur"
    assert column_label(spec, "en", {3: {"Secteur", " ", ""}}) == "Secteur"
    assert column_label(spec, "en", {3: {"Secteur", "Région"}}) == "Custom field 3"
    assert column_label(spec, "fr", {3: {"Secteur", "Région"}}) == "Champ personnalisé 3"
    assert column_label(spec, "en", {2: {"Secteur"}}) == "Custom field 3"


def test_headers_in_the_asked_order_and_language() -> None:
    keys = ["easy_number", "company_name", "custom_field_1"]
    assert headers(ExportCategory.PORTFOLIO, keys, "fr", {1: ["Zone"]}) == [
        "EasyNumber", "Raison sociale", "Zone"]
    assert headers(ExportCategory.PORTFOLIO, keys, "en") == [
        "EasyNumber", "Company name", "Custom field 1"]
