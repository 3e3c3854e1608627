"""Bulk orders, the pure part (issue 14 items 1, 2, 3 and 5): named cases.

The seed's 13 examples (``fixtures/bulk_orders_sample.csv``) at the format level, each
code the format produces, the file-level refusals and their limits, the encodings and
line ends, the duplicate step and the totals. Results that need the database
(company_not_found…) belong to the repository's tests.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from cofatui.formats.bulk_orders import (
    FIELDS,
    MAX_FILE_BYTES,
    MAX_ORDER_LINES,
    REFUSALS,
    BulkFile,
    Candidate,
    ImportRefused,
    LineError,
    OrderLine,
    RejectedLine,
    TextLine,
    check_line,
    line_message,
    line_messages,
    not_processed,
    plan_runs,
    raw_company_key,
    read_orders,
    totals,
)
from cofatui.formats.bulk_orders import refusal as refusal_message
from cofatui.i18n.messages import has_entry
from cofatui.rules.money import Money

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "bulk_orders_sample.csv"
PACKAGE = ROOT / "cofatui" / "formats" / "bulk_orders"
GOOD = "FRA;00000012354897;;;REF-1;CCO;C;10000;15000;"


def line(text: str, currency: str = "EUR") -> OrderLine | RejectedLine:
    return check_line(TextLine(1, text), currency)


def order(text: str, currency: str = "EUR") -> OrderLine:
    found = line(text, currency)
    assert isinstance(found, OrderLine), found
    return found


def error(text: str, currency: str = "EUR") -> LineError:
    found = line(text, currency)
    assert isinstance(found, RejectedLine), found
    return found.error


def refusal(data: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        read_orders(data, "EUR")
    assert caught.value.reason in REFUSALS
    return caught.value


def by_line(found: BulkFile) -> dict[int, OrderLine | RejectedLine]:
    return {entry.line_no: entry for entry in found.lines}


# --- the seed's examples ----------------------------------------------------------------

#: The issue's table: the line's outcome on the demo, in contract 1234567.
SAMPLE_RESULTS = {1: "duplicate_company", 2: "product_not_allowed_on_operation",
                  3: "duplicate_company", 4: "duplicate_company", 5: "duplicate_company",
                  6: "duplicate_company", 7: None, 8: "duplicate_company",
                  9: "duplicate_company", 10: "duplicate_company", 11: None,
                  12: "duplicate_company", 13: None}

#: How the demo resolves the seed's companies (issue 14, item 9): a stand-in for the
#: database, to run the duplicate step on company keys as the repository will.
DEMO_COMPANIES = {("FRA", "", "00000012354897"): 1, ("FRA", "SIREN", "657898456"): 1,
                  ("FRA", "SIREN", "957854658"): 2, ("FRA", "CRScny", "100156874"): 3,
                  ("FRA", "SIREN", "958478954"): 4, ("FRA", "", "00000056487951"): 5,
                  ("DEU", "HRN_DEU", "HRB 97512"): 6}


def test_the_sample_is_read_line_by_line_with_the_seed_values() -> None:
    found = read_orders(SAMPLE.read_bytes(), "EUR")
    lines = by_line(found)
    assert sorted(lines) == list(range(1, 14)) and found.total == 13
    first = lines[1]
    assert isinstance(first, OrderLine)
    assert (first.country, first.product, first.action) == ("FRA", "CCO", "C")
    assert first.amount == Money(Decimal(10000), "EUR")
    assert first.outstanding == Money(Decimal(15000), "EUR")
    assert first.client_reference == "41105654" and first.operation == 0
    assert first.identification.identifier_type == "SIREN"
    assert first.identification.identifier_value == "657898456"
    # The seed's SIREN fails its check digit: the format does not require it.
    assert first.identification.easy_number is None
    assert first.text == SAMPLE.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize("number", range(1, 14))
def test_each_sample_line_gives_its_format_level_outcome(number: int) -> None:
    entry = by_line(read_orders(SAMPLE.read_bytes(), "EUR"))[number]
    if number == 2:
        assert isinstance(entry, RejectedLine)
        assert entry.error.key == "product_not_allowed_on_operation"
        assert entry.error.field == "operation"
        assert entry.error.detail.params["operation"] == "1"
    else:
        assert isinstance(entry, OrderLine), entry


def test_the_sample_lines_get_the_issue_results_once_companies_are_resolved() -> None:
    found = read_orders(SAMPLE.read_bytes(), "EUR")
    candidates = [Candidate.of(o, DEMO_COMPANIES[raw_company_key(o)]) for o in found.orders]
    plan = plan_runs(candidates)
    results: dict[int, str | None] = {entry.line_no: entry.error.key for entry in found.rejected}
    results |= {number: e.key for number, e in plan.refused.items()}
    results |= {number: None for number in plan.run_order}
    assert results == SAMPLE_RESULTS
    assert plan.run_order == (7, 11, 13)


def test_raw_keys_find_the_duplicates_visible_without_the_database() -> None:
    found = read_orders(SAMPLE.read_bytes(), "EUR")
    plan = plan_runs(Candidate.of(o, raw_company_key(o)) for o in found.orders)
    # Line 1 names by SIREN the company lines 3 to 6 name by EasyNumber: only the
    # database knows they are one.
    assert sorted(plan.refused) == [3, 4, 5, 6, 8, 9, 10, 12]
    assert plan.run_order == (1, 7, 11, 13)
    detail = plan.refused[8].detail
    assert detail.code == "bulk.duplicate" and detail.params["lines"] == ["9"]
    assert plan.refused[3].detail.params["lines"] == ["4", "5", "6"]


def test_spaces_around_fields_are_trimmed_but_kept_inside_values() -> None:
    spaced = "FRA  ;  00000012354897  ;  SIREN  ;  657898456  ;  41105654  ;  CRL  ;  C  ;" \
             "  10000  ;  15000  ;  1"
    found = order(spaced)
    assert found.fields[1] == "00000012354897" and found.operation == 1
    german = order("DEU;;HRN_DEU;HRB 97512;;CRL;D;;;")
    assert german.identification.identifier_value == "HRB 97512"
    assert german.fields[3] == "HRB 97512"


# --- encodings, line ends, blank lines --------------------------------------------------

def test_a_byte_order_mark_is_not_part_of_the_first_line() -> None:
    found = read_orders(b"\xef\xbb\xbf" + GOOD.encode() + b"\n", "EUR")
    first = found.lines[0]
    assert isinstance(first, OrderLine) and first.text == GOOD and first.country == "FRA"


def test_crlf_and_lf_line_ends_are_both_read() -> None:
    data = (GOOD + "\r\n" + GOOD.replace("CCO", "ROM").replace(";C;10000", ";C;")
            + "\n" + GOOD.replace("CCO", "RSC").replace(";C;10000", ";C;") + "\r\n")
    found = read_orders(data.encode(), "EUR")
    assert [(e.line_no, type(e).__name__) for e in found.lines] == [
        (1, "OrderLine"), (2, "OrderLine"), (3, "OrderLine")]
    assert all("\r" not in e.text and "\r" not in "".join(e.fields) for e in found.lines)


def test_blank_lines_are_skipped_and_lines_keep_their_physical_numbers() -> None:
    data = f"\n   \n{GOOD}\n\t\n;;;;;;;;;\n ; ;\nFRA;;;\n\n{GOOD}\n\n".encode()
    found = read_orders(data, "EUR")
    assert [e.line_no for e in found.lines] == [3, 7, 9]
    wrong = by_line(found)[7]
    assert isinstance(wrong, RejectedLine) and wrong.error.key == "wrong_field_count"


def test_a_line_that_is_not_utf8_is_that_lines_error_shown_as_windows_1252() -> None:
    data = GOOD.encode() + b"\nFRA;;SIREN;957854658;Soci\xe9t\xe9;CCO;C;10000;;\n"
    found = by_line(read_orders(data, "EUR"))
    assert isinstance(found[1], OrderLine)
    second = found[2]
    assert isinstance(second, RejectedLine)
    assert second.error.key == "non_ascii_line"
    assert second.error.detail.code == "bulk.not_utf8"
    assert second.error.detail.params == {"position": 26, "byte": "0xE9"}
    assert "Société" in second.text


def test_utf8_accents_are_refused_by_line_naming_the_character() -> None:
    found = error("FRA;;SIREN;957854658;Société;CCO;C;10000;;")
    assert found.key == "non_ascii_line" and found.detail.code == "bulk.non_ascii"
    assert found.detail.params == {"position": 26, "character": "é", "point": "U+00E9"}


# --- the file refused whole -------------------------------------------------------------

def test_a_file_of_exactly_5_mib_is_read_and_one_byte_more_is_data_too_large() -> None:
    head = (GOOD + "\n").encode()
    exact = head + b" " * (MAX_FILE_BYTES - len(head))
    assert len(exact) == 5 * 1024 * 1024
    assert read_orders(exact, "EUR").total == 1
    refused = refusal(exact + b" ")
    assert refused.reason == "data_too_large" and refused.code == "bulk.data_too_large"
    assert refused.params == {"size": MAX_FILE_BYTES + 1, "max": MAX_FILE_BYTES}


def test_10000_order_lines_are_read_and_10001_are_too_many() -> None:
    assert MAX_ORDER_LINES == 10_000
    lines = [f"FRA;{n:014d};;;;RSC;C;;;" for n in range(1, 10_002)]
    data = ("\n".join(lines[:10_000]) + "\n\n\n").encode()
    found = read_orders(data, "EUR")
    assert found.total == 10_000 and len(found.orders) == 10_000
    refused = refusal(("\n".join(lines)).encode())
    assert refused.reason == "too_many_lines"
    assert refused.params == {"count": 10_001, "max": 10_000}


@pytest.mark.parametrize(("data", "code"), [
    (b"PK\x03\x04\x14\x00\x06\x00rest of an xlsx", "bulk.spreadsheet"),
    (b"PK\x05\x06" + b"\x00" * 18, "bulk.spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old xls", "bulk.spreadsheet"),
    ("\ufeffFRA;;;;;CCO;C;10000;;".encode("utf-16-le"), "bulk.utf16"),
    (b"\xfe\xff\x00F\x00R", "bulk.utf16"),
    (GOOD.encode() + b"\n\x00\n", "bulk.binary"),
], ids=["xlsx", "empty-zip", "xls", "utf16-le", "utf16-be", "nul"])
def test_a_file_that_is_not_text_is_refused_saying_save_it_as_csv(data: bytes,
                                                                   code: str) -> None:
    refused = refusal(data)
    assert refused.reason == "not_text" and refused.code == code
    assert "CSV" in refused.text("en") and "CSV" in refused.text("fr")


@pytest.mark.parametrize("data", [b"", b"\n\r\n  \t\n", b"\xef\xbb\xbf", b";;;;;;;;;\n;;\n"])
def test_a_file_without_an_order_line_is_refused(data: bytes) -> None:
    refused = refusal(data)
    assert refused.reason == "no_order_line" and refused.code == "bulk.empty"


def test_a_comma_separated_file_is_refused_saying_so() -> None:
    data = b"FRA,00000012354897,,,,CCO,C,10000,15000,\nFRA,,SIREN,957854658,,CCO,C,10000,,\n"
    refused = refusal(data)
    assert refused.reason == "wrong_file_format"
    assert refused.code == "bulk.no_ten_fields_commas"
    assert "“,”" in refused.text("en") and "« , »" in refused.text("fr")


def test_a_tab_separated_file_is_refused_saying_so() -> None:
    refused = refusal(GOOD.replace(";", "\t").encode())
    assert refused.code == "bulk.no_ten_fields_tabs"


def test_a_file_with_no_ten_field_line_is_refused_with_the_usual_count() -> None:
    refused = refusal(b"FRA;00000012354897;CCO;C\nFRA;1;CCO;C\nFRA;1;CCO;C;1;2\n")
    assert refused.reason == "wrong_file_format" and refused.code == "bulk.no_ten_fields"
    assert refused.params == {"found": 4}


def test_one_ten_field_line_is_enough_for_the_others_to_be_line_errors() -> None:
    found = by_line(read_orders(f"FRA;1;CCO;C\n{GOOD}\n".encode(), "EUR"))
    first = found[1]
    assert isinstance(first, RejectedLine) and first.error.key == "wrong_field_count"
    assert first.error.detail.params == {"count": 4, "separators": 3}
    assert isinstance(found[2], OrderLine)


def test_a_refused_file_is_worded_like_a_line_short_message_and_detail() -> None:
    worded = refusal_message(refusal(b"FRA;1;CCO;C\n"))
    assert worded.key == "wrong_file_format" and worded.field is None
    assert worded.message("fr") == "Format de fichier incorrect"
    assert worded.detail_text("en").startswith("No line has the 10 fields of an order")


@pytest.mark.parametrize("reason", sorted(REFUSALS))
def test_every_refusal_reason_has_a_short_message_in_both_languages(reason: str) -> None:
    message = line_message(reason)
    assert message.fr and message.en and message.fr != message.en


# --- each line code, in the order of the checks -----------------------------------------

#: (line, key, detail code, field): one case per code and detail the format produces.
CODES = [
    ("FRA;;SIREN;1;Soci\u00e9t\u00e9;CCO;C;10000;;", "non_ascii_line", "bulk.non_ascii", None),
    (GOOD + "x" * (513 - len(GOOD)), "line_too_long", "bulk.line_too_long", None),
    ('FRA;;SIREN;"957854658";;CCO;C;10000;;', "malformed_line", "bulk.quote", None),
    ("FRA;;SIREN;9578\x0254658;;CCO;C;10000;;", "malformed_line", "bulk.control_character",
     None),
    ("FRA;;SIREN;9578\t54658;;CCO;C;10000;;", "malformed_line", "bulk.tab_in_field",
     "identifier_value"),
    ("FRA;;SIREN;957854658;;CCO;C;10000;", "wrong_field_count", "bulk.field_count", None),
    ("FRA;;SIREN;957854658;;CCO;C;10000;;;", "wrong_field_count", "bulk.field_count", None),
    ("XYZ;00000012354897;;;;CCO;C;10000;;", "invalid_country_code", "bulk.country_unknown",
     "country"),
    (";00000012354897;;;;CCO;C;10000;;", "invalid_country_code", "bulk.country_missing",
     "country"),
    ("FRA;00000012354897;;;;ECL;C;10000;;", "product_not_supported", "bulk.product_not_bulk",
     "product"),
    ("FRA;00000012354897;;;;XYZ;C;10000;;", "product_not_supported",
     "bulk.product_unknown", "product"),
    ("FRA;00000012354897;;;;;C;10000;;", "product_not_supported", "bulk.product_missing",
     "product"),
    ("FRA;00000012354897;;;;CCO;X;10000;;", "invalid_action", "bulk.action_unknown",
     "action"),
    ("FRA;00000012354897;;;;CCO;;10000;;", "invalid_action", "bulk.action_missing", "action"),
    ("FRA;00000012354897;;;;CCO;S;;;", "action_not_allowed", "bulk.action_not_allowed",
     "action"),
    ("FRA;00000012354897;;;;ROM;U;;;", "action_not_allowed", "bulk.action_not_allowed",
     "action"),
    ("FRA;00000012354897;;;;CRL;C;;;", "missing_mandatory_field", "bulk.amount_missing",
     "amount"),
    ("FRA;00000012354897;;;;CCO;U;;;", "missing_mandatory_field", "bulk.amount_missing",
     "amount"),
    ("FRA;00000012354897;;;;ROM;C;10000;;", "invalid_amount", "bulk.amount_not_expected",
     "amount"),
    ("FRA;00000012354897;;;;CRL;D;10000;;", "invalid_amount", "bulk.amount_not_expected",
     "amount"),
    ("FRA;00000012354897;;;;CCO;C;1.000,00;;", "invalid_amount", "bulk.amount_format",
     "amount"),
    ("FRA;00000012354897;;;;CCO;C;10000.505;;", "invalid_amount", "bulk.amount_format",
     "amount"),
    ("FRA;00000012354897;;;;CCO;C;10 000;;", "invalid_amount", "bulk.amount_format",
     "amount"),
    ("FRA;00000012354897;;;;CCO;C;1e5;;", "invalid_amount", "bulk.amount_format", "amount"),
    ("FRA;00000012354897;;;;CCO;C;10000000000000;;", "invalid_amount",
     "bulk.amount_too_large", "amount"),
    ("FRA;00000012354897;;;;CCO;C;10000 USD;;", "invalid_currency", "bulk.currency_other",
     "amount"),
    ("FRA;00000012354897;;;;CCO;C;10000 EURO;;", "invalid_currency",
     "bulk.currency_unknown", "amount"),
    ("FRA;00000012354897;;;;CCO;C;0;;", "amount_not_positive", "bulk.amount_not_positive",
     "amount"),
    ("FRA;00000012354897;;;;CCO;C;-2000;;", "amount_not_positive",
     "bulk.amount_not_positive", "amount"),
    ("FRA;00000012354897;;;;CRL;U;999.99;;", "amount_below_minimum",
     "bulk.amount_below_minimum", "amount"),
    ("FRA;00000012354897;;;;CCO;C;10000;-1;", "invalid_amount", "bulk.outstanding_negative",
     "outstanding"),
    ("FRA;00000012354897;;;;CCO;C;10000;abc;", "invalid_amount", "bulk.amount_format",
     "outstanding"),
    ("FRA;00000012354897;;;;CCO;C;10000;15000 GBP;", "invalid_currency",
     "bulk.currency_other", "outstanding"),
    ("FRA;00000012354897;;;;CRL;C;10000;;10000", "malformed_line", "bulk.operation_format",
     "operation"),
    ("FRA;00000012354897;;;;CRL;C;10000;;-1", "malformed_line", "bulk.operation_format",
     "operation"),
    ("FRA;00000012354897;;;;RSC;C;;;2", "product_not_allowed_on_operation",
     "bulk.operation_not_crl", "operation"),
    ("FRA;00000012354897;;;" + "R" * 36 + ";CCO;C;10000;;", "client_reference_too_long",
     "bulk.client_reference_too_long", "client_reference"),
    ("FRA;;;;;CCO;C;10000;;", "missing_mandatory_field", "bulk.identification_missing",
     "easy_number"),
    ("FRA;;;957854658;;CCO;C;10000;;", "missing_mandatory_field",
     "bulk.identifier_type_missing", "identifier_type"),
    ("FRA;;SIREN;;;CCO;C;10000;;", "missing_mandatory_field", "identifiers.value_required",
     "identifier_value"),
    ("FRA;;CRScny;;;CCO;C;10000;;", "missing_mandatory_field",
     "identifiers.value_required", "identifier_value"),
    ("FRA;;RCS_FRA;" + "1" * 36 + ";;CCO;C;10000;;", "malformed_line",
     "identifiers.value_too_long", "identifier_value"),
    ("FRA;12354A97;;;;CCO;C;10000;;", "malformed_line", "identifiers.easy_number_digits",
     "easy_number"),
    ("FRA;" + "1" * 20 + ";;;;CCO;C;10000;;", "malformed_line",
     "identifiers.easy_number_too_long", "easy_number"),
    ("FRA;;HRN_DEU;HRB 97512;;CCO;C;10000;;", "identifier_type_invalid",
     "identifiers.type_unknown", "identifier_type"),
    ("FRA;;crscny;100156874;;CCO;C;10000;;", "identifier_type_invalid",
     "identifiers.type_case", "identifier_type"),
]


@pytest.mark.parametrize(("text", "key", "detail", "field"), CODES,
                         ids=[f"{c[1]}-{c[2]}" for c in CODES])
def test_each_code_with_its_detail_and_field(text: str, key: str, detail: str,
                                             field: str | None) -> None:
    found = error(text)
    assert (found.key, found.detail.code, found.field) == (key, detail, field)
    for language in ("en", "fr"):
        assert found.message(language) == line_message(key).text(language)
        shown = found.detail_text(language)
        assert shown and shown != detail and "{" not in shown


def test_the_checks_run_in_the_issue_order_the_first_failure_sets_the_code() -> None:
    # Everything wrong: the line-level check wins, then country, product, action…
    assert error("XYZ;x;;;;ECL;Q;0;-1;99999;\"").key == "malformed_line"
    assert error("XYZ;x;;;;ECL;Q;0;-1;99999").key == "invalid_country_code"
    assert error("FRA;x;;;;ECL;Q;0;-1;99999").key == "product_not_supported"
    assert error("FRA;x;;;;CCO;Q;0;-1;99999").key == "invalid_action"
    assert error("FRA;x;;;;CCO;C;0;-1;99999").key == "amount_not_positive"
    assert error("FRA;x;;;;CCO;C;1000;-1;99999").key == "invalid_amount"
    assert error("FRA;x;;;;CCO;C;1000;1;99999").key == "malformed_line"
    assert error("FRA;x;;;" + "r" * 40 + ";CCO;C;1000;1;0").key == "client_reference_too_long"
    assert error("FRA;x;;;;CCO;C;1000;1;0").key == "malformed_line"


def test_all_the_codes_of_the_format_are_covered_above() -> None:
    used = {key for _, key, _, _ in CODES}
    assert used == {"non_ascii_line", "line_too_long", "malformed_line", "wrong_field_count",
                    "invalid_country_code", "product_not_supported", "invalid_action",
                    "action_not_allowed", "missing_mandatory_field", "invalid_amount",
                    "invalid_currency", "amount_not_positive", "amount_below_minimum",
                    "product_not_allowed_on_operation", "client_reference_too_long",
                    "identifier_type_invalid"}


def test_crscny_in_lower_case_is_refused_with_a_did_you_mean_hint() -> None:
    found = error("FRA;;crscny;100156874;B41105654;CCO;C;5000;;")
    assert found.key == "identifier_type_invalid"
    assert found.detail.params["meant"] == "CRScny"
    assert "did you mean CRScny?" in found.detail_text("en")
    assert "vouliez-vous dire CRScny ?" in found.detail_text("fr")
    assert found.message("fr") == "Type d’identifiant non valide"
    exact = order("FRA;;CRScny;100156874;B41105654;CCO;C;5000;;")
    assert exact.identification.coface_reference
    assert exact.identification.identifier_value == "100156874"


def test_the_identifier_type_keeps_its_case_but_country_product_action_do_not() -> None:
    found = order("fra;;SIREN;957854658;;lcr;u;10000;;3")
    assert (found.country, found.product, found.action) == ("FRA", "CRL", "U")
    assert error("FRA;;siren;957854658;;CCO;C;10000;;").detail.code == "identifiers.type_case"
    assert order("DEU;;Akcny;12345;;RSC;C;;;").identification.identifier_type == "Akcny"


def test_an_unknown_type_lists_the_countrys_types() -> None:
    found = error("DEU;;SIREN;957854658;;CCO;C;10000;;")
    assert found.detail.params["allowed"] == ["HRN_DEU", "VAT_DEU", "Akcny", "CRScny"]


def test_the_easy_number_may_leave_out_its_leading_zeros() -> None:
    assert order("FRA;12354897;;;;RSC;C;;;").identification.easy_number == "00000012354897"
    assert order("FRA;00000012354897;;;;RSC;C;;;").identification.easy_number == \
        "00000012354897"
    branch = order("FRA;1234567890123456;;;;RSC;C;;;").identification.easy_number
    assert branch == "0001234567890123456"
    both = order("FRA;12354897;SIREN;657898456;;RSC;C;;;").identification
    assert both.easy_number == "00000012354897" and both.identifier_value == "657898456"


@pytest.mark.parametrize("written", ["10000.50", "10000,50", "10000,5", "10000.5 EUR",
                                     "10000,50eur", "010000.50"])
def test_both_decimal_separators_and_the_contract_currency_are_read(written: str) -> None:
    found = order(f"FRA;1;;;;CCO;C;{written};{written};")
    assert found.amount == Money(Decimal("10000.50"), "EUR")
    assert found.outstanding == Money(Decimal("10000.50"), "EUR")


def test_10000_usd_on_a_eur_contract_is_invalid_currency_and_fine_on_a_usd_one() -> None:
    refused = error("FRA;1;;;;CCO;C;10000 USD;;", "EUR")
    assert refused.key == "invalid_currency"
    assert refused.detail.params["found"] == "USD" and refused.detail.params["currency"] == "EUR"
    assert "USD" in refused.detail_text("fr") and "EUR" in refused.detail_text("fr")
    assert order("FRA;1;;;;CCO;C;10000 USD;;", "USD").amount == Money(Decimal(10000), "USD")


def test_decimals_follow_the_contract_currency() -> None:
    found = error("FRA;1;;;;CCO;C;10000.5;;", "JPY")
    assert (found.key, found.detail.code) == ("invalid_amount", "bulk.amount_decimals")
    assert order("FRA;1;;;;CCO;C;10000;;", "JPY").amount == Money(Decimal(10000), "JPY")


def test_the_minimum_is_1000_on_both_products_that_carry_an_amount() -> None:
    for product in ("CRL", "CCO"):
        assert order(f"FRA;1;;;;{product};C;1000;;").amount == Money(Decimal(1000), "EUR")
        assert error(f"FRA;1;;;;{product};C;999;;").key == "amount_below_minimum"
    assert error("FRA;1;;;;CCO;C;999;;").detail.params["minimum"] == Money(Decimal(1000), "EUR")


def test_an_empty_outstanding_is_unchanged_and_zero_is_zero() -> None:
    assert order("FRA;1;;;;CCO;C;10000;;").outstanding is None
    assert order("FRA;1;;;;CCO;C;10000;0;").outstanding == Money(Decimal(0), "EUR")
    assert order("FRA;1;;;;ROM;S;;-0;").outstanding == Money(Decimal(0), "EUR")


def test_operation_numbers_go_from_0_to_9999_on_crl_lines_only() -> None:
    assert order("FRA;1;;;;CRL;C;10000;;").operation == 0
    assert order("FRA;1;;;;CRL;C;10000;;9999").operation == 9999
    assert order("FRA;1;;;;LCR;D;;;0042").operation == 42
    assert order("FRA;1;;;;CCO;C;10000;;0").operation == 0
    assert error("FRA;1;;;;CRL;C;10000;;1.5").key == "malformed_line"


def test_a_client_reference_of_35_characters_is_kept_and_none_when_empty() -> None:
    assert order("FRA;1;;;" + "R" * 35 + ";RSC;C;;;").client_reference == "R" * 35
    assert order("FRA;1;;;;RSC;C;;;").client_reference is None


def test_a_line_of_512_characters_is_read_and_513_is_too_long() -> None:
    base = "FRA;1;;;;RSC;C;;;"
    padded = base + " " * (512 - len(base))
    assert order(padded).line_no == 1
    assert error(padded + " ").key == "line_too_long"


def test_each_action_allowed_by_the_table_passes() -> None:
    table = {"CRL": "CDU", "CCO": "CDU", "ROM": "CSD", "RSM": "CSD", "RLI": "CD",
             "RCO": "CD", "RSC": "CD"}
    for product, actions in table.items():
        for action in "CDUS":
            amount = "10000" if product in {"CRL", "CCO"} and action in "CU" else ""
            found = line(f"FRA;1;;;;{product};{action};{amount};;")
            assert isinstance(found, OrderLine) == (action in actions), (product, action)


# --- duplicates and run order ----------------------------------------------------------

def test_crl_lines_with_distinct_operation_numbers_run_in_ascending_order_at_the_first() -> None:
    plan = plan_runs([Candidate(1, "a", "CCO"), Candidate(2, "x", "CRL", 2),
                      Candidate(3, "b", "CCO"), Candidate(4, "x", "CRL", 1),
                      Candidate(5, "x", "CRL", 7)])
    assert plan.refused == {}
    assert plan.run_order == (1, 4, 2, 5, 3)
    group = plan.steps[1]
    assert group.lines == (4, 2, 5) and group.operations == (1, 2, 7)
    failed = group.not_run_after(2)
    assert list(failed) == [5]
    assert failed[5].key == "order_submission_failed"
    assert failed[5].detail.params == {"line": "2", "operation": "2"}
    assert "line 2" in failed[5].detail_text("en")
    assert group.not_run_after(5) == {}
    assert plan.steps[0].not_run_after(1) == {}


@pytest.mark.parametrize("operations", [(1, 1), (0, 1), (0, 0), (3, 2, 3)])
def test_any_other_crl_repetition_refuses_every_line_of_the_pair(
        operations: tuple[int, ...]) -> None:
    candidates = [Candidate(n, 9, "CRL", op) for n, op in enumerate(operations, start=1)]
    plan = plan_runs([*candidates, Candidate(10, 9, "CCO")])
    assert sorted(plan.refused) == list(range(1, len(operations) + 1))
    assert {e.detail.code for e in plan.refused.values()} == {"bulk.duplicate_operations"}
    assert plan.run_order == (10,)


def test_a_pair_repeated_with_other_actions_is_refused_whole_not_guessed() -> None:
    found = read_orders(b"FRA;1;;;;ROM;S;;;\nFRA;1;;;;ROM;D;;;\nFRA;1;;;;RSM;S;;;\n", "EUR")
    plan = plan_runs(Candidate.of(o, raw_company_key(o)) for o in found.orders)
    assert sorted(plan.refused) == [1, 2] and plan.run_order == (3,)
    assert plan.refused[1].message("fr") == \
        "L’entreprise apparaît plus d’une fois dans le fichier"
    assert "line 2" in plan.refused[1].detail_text("en")


def test_lcr_and_crl_are_one_product_and_easy_number_padding_one_company() -> None:
    found = read_orders(b"FRA;12354897;;;;LCR;C;10000;;\nFRA;00000012354897;;;;CRL;D;;;\n",
                        "EUR")
    plan = plan_runs(Candidate.of(o, raw_company_key(o)) for o in found.orders)
    assert sorted(plan.refused) == [1, 2]


# --- totals and messages ----------------------------------------------------------------

def test_totals_add_up_and_give_the_file_status() -> None:
    assert totals(["ok", "ok"]).status == "succeeded"
    mixed = totals(["ok", "error", "not_processed", "error"])
    assert (mixed.lines, mixed.ok, mixed.errors, mixed.not_processed) == (4, 1, 2, 1)
    assert mixed.status == "partially_succeeded"
    assert totals(["error", "not_processed"]).status == "failed"
    assert totals([]).status == "failed"
    with pytest.raises(KeyError):
        totals(["granted"])


def test_a_line_the_import_did_not_reach_is_not_processed() -> None:
    found = not_processed()
    assert found.key == "not_processed" and found.message("fr") == "Ligne non traitée"
    assert found.detail_text("fr") == "L’import a été annulé avant cette ligne."


def test_the_messages_are_the_seeds_then_cofatuis_own() -> None:
    keys = [m.key for m in line_messages()]
    assert len(keys) == len(set(keys)) == 36
    assert keys[-5:] == ["identifier_type_invalid", "not_processed", "not_text",
                         "no_order_line", "wrong_file_format"]
    assert line_message("duplicate_company").en == "The company appears more than once in the file"
    with pytest.raises(KeyError):
        line_message("no_such_code")


def test_every_code_of_the_package_has_both_catalog_entries_and_a_line_message() -> None:
    detail_codes: set[str] = set()
    keys: set[str] = set()
    for path in PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        detail_codes |= set(re.findall(r"\"(bulk\.[a-z_0-9]+)\"", source))
        keys |= set(re.findall(r"LineError(?:\.of)?\(\s*\"([a-z_]+)\"", source))
        keys |= set(re.findall(r"reason=\"([a-z_]+)\"", source))
    assert len(detail_codes) > 40
    for code in sorted(detail_codes):
        for language in ("en", "fr"):
            assert has_entry(f"errors.{code}", language), (code, language)
    known = {m.key for m in line_messages()}
    assert keys and keys <= known, keys - known
    for field in FIELDS:
        assert has_entry(f"errors.bulk.field.{field}", "en")
        assert has_entry(f"errors.bulk.field.{field}", "fr")
