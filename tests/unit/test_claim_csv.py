"""Invoice and payment CSV imports of a claim (SPEC §6, seed 000).

The fuzz tests at the end run ``COFATUI_FUZZ_EXAMPLES`` generated files per test (300 by
default, the quick mode CI runs). The full run, at least 10 000 files for each parser
and each generator::

    COFATUI_FUZZ_EXAMPLES=10000 python -m pytest -p no:cacheprovider \
        tests/unit/test_claim_csv.py -k fuzz
"""

from __future__ import annotations

import os
import re
from datetime import date
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cofatui.errors import CofaError, ValidationFailed
from cofatui.formats.claim_csv import (
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
    ImportRefused,
    InvoiceImport,
    PaymentImport,
    invoice_template,
    parse_invoices,
    parse_payments,
    payment_template,
    revalidate_invoice,
    revalidate_payment,
)
from cofatui.rules.claims import InvoiceInput

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SEED_LINE = "In;1234;22/08/2015;11/10/2015;USD;1526.23;0"
GOOD = "IN;{ref};22/08/2015;11/10/2015;EUR;100.00;20.00"


def invoices(*lines: str, sep: str = "\n", **kw: Any) -> InvoiceImport:
    return parse_invoices(sep.join(lines).encode(), **kw)


def payments(*lines: str, **kw: Any) -> PaymentImport:
    return parse_payments("\n".join(lines).encode(), **kw)


def refused(data: bytes, parser: Any = parse_invoices) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        parser(data)
    return caught.value


def errors_of(imp: InvoiceImport | PaymentImport) -> list[tuple[int | None, str, str]]:
    return [(e.line, e.field, e.message) for e in imp.errors]


def only_error(imp: InvoiceImport | PaymentImport) -> tuple[int | None, str, str]:
    found = errors_of(imp)
    assert len(found) == 1, found
    return found[0]


# --- the seed's examples and the templates -----------------------------------------------

def test_seed_example_invoice_line_is_read_as_dd_mm_yyyy_with_type_in_any_case() -> None:
    imp = parse_invoices((FIXTURES / "claim_invoices_sample.csv").read_bytes())
    [line] = imp.to_invoice_inputs()
    assert (line.type, line.number, line.currency) == ("IN", "1234", "USD")
    assert (line.invoice_date, line.due_date) == (date(2015, 8, 22), date(2015, 10, 11))
    assert (line.amount_excl_tax, line.tax) == (Decimal("1526.23"), Decimal(0))
    assert imp.date_order_used == "DMY" and imp.date_order_source == "data"
    assert any("dd/mm/yyyy" in str(note) and "22/08/2015" in str(note) for note in imp.notes)
    assert [note.code for note in imp.notes] == ["imports.note_order_file"]
    assert "jj/mm/aaaa, l’ordre de ce fichier (ligne 1" in imp.notes[0].text("fr")


def test_seed_example_line_decides_dd_mm_even_when_the_setting_says_mm_dd() -> None:
    imp = invoices(SEED_LINE, date_order="MDY")
    assert imp.is_valid and imp.date_order_used == "DMY" and imp.date_order_source == "data"


def test_payment_sample_is_read() -> None:
    imp = parse_payments((FIXTURES / "claim_payments_sample.csv").read_bytes())
    lines = imp.to_payment_inputs()
    assert [(p.type, tuple(p.invoice_references), p.amount) for p in lines] == [
        ("CN", ("1234",), Decimal("126.23")), ("SE", ("1234",), Decimal("1400.00"))]
    assert lines[0].payment_date == date(2015, 9, 15)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_templates_have_a_header_and_an_example_the_parser_accepts(language: str) -> None:
    inv = invoice_template(language)
    pay = payment_template(language)
    for data in (inv, pay):
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == 2
    inv_import, pay_import = parse_invoices(inv), parse_payments(pay)
    assert inv_import.has_header and pay_import.has_header
    assert len(inv_import.to_invoice_inputs()) == 1 == len(pay_import.to_payment_inputs())
    assert inv_import.encoding == "utf-8-sig"


# --- encodings, line ends, separators, blank lines, header -------------------------------

def test_byte_order_mark_is_accepted_and_reported() -> None:
    imp = parse_invoices(b"\xef\xbb\xbf" + SEED_LINE.encode())
    assert imp.is_valid and imp.encoding == "utf-8-sig"
    assert imp.lines[0].cells[0] == "In"


def test_windows_1252_is_the_fallback_and_is_said() -> None:
    data = ("Type;Référence;Date;Échéance;Devise;Montant;Taxes\r\n" + SEED_LINE).encode("cp1252")
    imp = parse_invoices(data)
    assert imp.is_valid and imp.encoding == "cp1252" and imp.has_header
    assert any("Windows-1252" in str(note) for note in imp.notes)
    assert imp.notes[0].code == "imports.note_cp1252"


@pytest.mark.parametrize("end", ["\r\n", "\r", "\n"])
def test_crlf_cr_and_lf_line_ends_give_the_same_lines(end: str) -> None:
    imp = invoices(GOOD.format(ref=1), GOOD.format(ref=2), "", GOOD.format(ref=3), sep=end)
    assert [line.line_no for line in imp.lines] == [1, 2, 4]
    assert [i.number for i in imp.to_invoice_inputs()] == ["1", "2", "3"]


def test_mixed_line_ends_and_a_final_line_end_add_no_line() -> None:
    imp = parse_invoices((GOOD.format(ref=1) + "\r\n" + GOOD.format(ref=2) + "\r"
                          + GOOD.format(ref=3) + "\n").encode())
    assert [line.line_no for line in imp.lines] == [1, 2, 3] and imp.is_valid


def test_one_trailing_separator_is_tolerated() -> None:
    imp = invoices(GOOD.format(ref=1) + ";", GOOD.format(ref=2))
    assert imp.is_valid and imp.lines[0].cells == imp.lines[1].cells[:1] + imp.lines[0].cells[1:]


def test_two_trailing_separators_are_a_wrong_column_count_on_that_line() -> None:
    imp = invoices(GOOD.format(ref=1) + ";;", GOOD.format(ref=2), GOOD.format(ref=3))
    assert only_error(imp)[:2] == (1, "line")
    assert "9 columns" in only_error(imp)[2]


def test_blank_lines_and_rows_of_separators_are_ignored_but_counted_in_line_numbers() -> None:
    imp = invoices("", GOOD.format(ref=1), "   ", ";;;;;;", GOOD.format(ref=2), "")
    assert [line.line_no for line in imp.lines] == [2, 5] and imp.is_valid


@pytest.mark.parametrize("header", [
    "Type;Reference;Date;Due date;Currency;Amount;Tax",
    "type;reference;invoice_date;due_date;currency;amount;tax",
    "TYPE DE FACTURE;Numéro de facture;Date;Date d'échéance initiale;Devise;Montant;Taxes",
])
def test_a_header_line_is_recognised_by_its_first_cell_and_skipped(header: str) -> None:
    imp = invoices(header, SEED_LINE)
    assert imp.has_header and len(imp.lines) == 1 and imp.lines[0].line_no == 2 and imp.is_valid


def test_only_the_first_line_can_be_a_header() -> None:
    imp = invoices(SEED_LINE, "Type;Reference;Date;Due date;Currency;Amount;Tax")
    assert not imp.has_header and imp.lines[1].error_at("type") is not None
    assert {e.line for e in imp.errors} == {2}


def test_quoted_cells_are_unquoted() -> None:
    imp = invoices('"IN";"1234";"22/08/2015";11/10/2015;"USD";"1526,23";"0"')
    assert imp.to_invoice_inputs()[0].amount_excl_tax == Decimal("1526.23")


def test_an_unclosed_quote_is_an_error_on_its_line() -> None:
    imp = invoices(GOOD.format(ref=1), 'IN;"1234;22/08/2015;11/10/2015;USD;1;0')
    line, field, message = only_error(imp)
    assert (line, field) == (2, "line") and "quote" in message


# --- amounts -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "suggestion"), [
    ("1 526,23", "1526.23"), ("1,526.23", "1526.23"), ("1.526,23", "1526.23"),
    ("1.526.000", "1526000"), ("1\u00a0526,23", "1526.23"), ("1'526.23", "1526.23"),
    ("1,526", "1526"), ("2.500", "2500"), ("12 345 678", "12345678"),
])
def test_thousands_separators_are_refused_at_the_amount_with_the_number_to_write(
        text: str, suggestion: str) -> None:
    imp = invoices(f"IN;1234;22/08/2015;11/10/2015;EUR;{text};0")
    line, field, message = only_error(imp)
    assert (line, field) == (1, "amount")
    assert "thousands" in message and suggestion in message


def test_thousands_separators_are_refused_in_the_tax_and_payment_amount_too() -> None:
    assert only_error(invoices("IN;1;22/08/2015;11/10/2015;EUR;10;1 000,00"))[1] == "tax"
    assert only_error(payments("SE;1;22/08/2015;EUR;1,000.50"))[1] == "amount"


@pytest.mark.parametrize(("text", "currency", "value"), [
    ("1526.23", "EUR", "1526.23"), ("1526,23", "EUR", "1526.23"), ("0,5", "EUR", "0.5"),
    ("1234", "EUR", "1234"), ("1.526", "KWD", "1.526"), ("1,526", "KWD", "1.526"),
    ("1526", "JPY", "1526"), ("0.125", "KWD", "0.125"),
])
def test_a_single_decimal_separator_dot_or_comma_is_accepted(text: str, currency: str,
                                                             value: str) -> None:
    imp = invoices(f"IN;1234;22/08/2015;11/10/2015;{currency};{text};0")
    assert imp.to_invoice_inputs()[0].amount_excl_tax == Decimal(value)


@pytest.mark.parametrize(("text", "currency", "words"), [
    ("1234.567", "EUR", "at most 2 decimals"), ("1526.5", "JPY", "at most 0 decimals"),
    ("€ 12", "EUR", "currency"), ("12 EUR", "EUR", "currency"), ("1e5", "EUR", "Not an amount"),
    ("NaN", "EUR", "Not an amount"), (".5", "EUR", "Not an amount"),
    ("1234567890123", "EUR", "Too large"), ("", "EUR", "Mandatory"),
    ("0", "EUR", "above 0"), ("-5", "EUR", "above 0"), ("٣", "EUR", "Not an amount"),
])
def test_bad_amounts_are_reported_at_the_cell(text: str, currency: str, words: str) -> None:
    _line, field, message = only_error(invoices(f"IN;1;22/08/2015;11/10/2015;{currency};{text};0"))
    assert field == "amount" and words in message


def test_tax_is_mandatory_and_may_be_zero_but_not_negative() -> None:
    assert "write 0" in only_error(invoices("IN;1;22/08/2015;11/10/2015;EUR;10;"))[2]
    assert invoices("IN;1;22/08/2015;11/10/2015;EUR;10;0").is_valid
    assert only_error(invoices("IN;1;22/08/2015;11/10/2015;EUR;10;-1"))[1:] == (
        "tax", "Must not be negative")


# --- the amount includes the tax (seed 000 "toutes taxes incluses") ------------------------

def test_tax_greater_than_the_amount_is_refused_at_the_tax_cell() -> None:
    imp = invoices(GOOD.format(ref=1), "IN;2;22/08/2015;11/10/2015;EUR;100;150")
    line, field, message = only_error(imp)
    assert (line, field) == (2, "tax")
    assert "150" in message and "more than the amount (100)" in message
    assert "tax included" in message
    with pytest.raises(ValidationFailed):
        imp.to_invoice_inputs()


def test_tax_equal_to_the_amount_or_above_what_is_left_without_it_is_refused_at_the_tax_cell(
        ) -> None:
    assert only_error(invoices("IN;1;22/08/2015;11/10/2015;EUR;100;100"))[1:2] == ("tax",)
    _line, field, message = only_error(invoices("IN;1;22/08/2015;11/10/2015;EUR;100;60"))
    assert field == "tax" and "amount excluding tax (40" in message
    assert invoices("IN;1;22/08/2015;11/10/2015;EUR;100;50").is_valid


def test_the_amount_excluding_tax_of_an_imported_line_is_derived_from_the_amount() -> None:
    [line] = invoices("IN;1;22/08/2015;11/10/2015;EUR;1200.00;200.00").to_invoice_inputs()
    assert (line.amount_excl_tax, line.tax) == (Decimal("1000.00"), Decimal("200.00"))
    [seed] = invoices(SEED_LINE).to_invoice_inputs()
    assert (seed.amount_excl_tax, seed.tax) == (Decimal("1526.23"), Decimal(0))


def test_a_faulty_amount_does_not_put_a_tax_error_on_a_good_tax_cell() -> None:
    imp = invoices("IN;1;22/08/2015;11/10/2015;EUR;1 200;200")
    assert [field for _, field, _ in errors_of(imp)] == ["amount"]


@pytest.mark.parametrize(("language", "amount", "tax"), [
    ("en", "Amount incl. tax", "Tax included in the amount"),
    ("fr", "Montant TTC", "Taxes comprises dans le montant"),
])
def test_the_invoice_template_says_the_amount_includes_the_tax(language: str, amount: str,
                                                                tax: str) -> None:
    headings = invoice_template(language).decode("utf-8-sig").splitlines()[0].split(";")
    assert headings[5:] == [amount, tax]


def test_the_same_payment_twice_in_a_file_is_flagged_at_the_second() -> None:
    imp = payments("SE;1234;30/09/2015;EUR;100.00", "CN;1234;30/09/2015;EUR;100.00",
                   "SE;1234;30/09/2015;EUR;100", "SE;1234,1235;01/10/2015;EUR;5",
                   "SE;1235, 1234;01/10/2015;EUR;5.00")
    assert errors_of(imp) == [
        (3, "amount", "Same type, references, date and amount as line 1"),
        (5, "amount", "Same type, references, date and amount as line 4")]
    fixed = imp.replace_line(revalidate_payment(["SE", "1234", "30/09/2015", "EUR", "101"], 3,
                                                imp.date_order_used))
    assert [e.line for e in fixed.errors] == [5]


# --- dates ---------------------------------------------------------------------------------

AMBIGUOUS = "IN;1;03/04/2015;05/06/2015;EUR;10;0"


@pytest.mark.parametrize(("order", "expected"), [("DMY", date(2015, 4, 3)),
                                                  ("MDY", date(2015, 3, 4))])
def test_ambiguous_dates_follow_the_configured_order_and_it_is_reported(order: str,
                                                                        expected: date) -> None:
    imp = invoices(AMBIGUOUS, date_order=order)
    assert imp.to_invoice_inputs()[0].invoice_date == expected
    assert imp.date_order_used == order and imp.date_order_source == "setting"
    pattern = "dd/mm/yyyy" if order == "DMY" else "mm/dd/yyyy"
    assert any("Every date could be read" in str(n) and f"as {pattern}, your date setting" in
               str(n) for n in imp.notes)


def test_a_day_over_12_decides_the_order_of_the_whole_file() -> None:
    imp = invoices(AMBIGUOUS, "IN;2;10/25/2015;11/30/2015;EUR;10;0", date_order="DMY")
    assert imp.date_order_used == "MDY" and imp.date_order_source == "data"
    assert imp.to_invoice_inputs()[0].invoice_date == date(2015, 3, 4)
    assert any("mm/dd/yyyy" in str(n) and "line 2" in str(n) for n in imp.notes)


def test_lines_contradicting_the_majority_order_are_in_error_at_the_date() -> None:
    imp = invoices("IN;1;22/08/2015;11/10/2015;EUR;10;0", "IN;2;25/08/2015;11/10/2015;EUR;10;0",
                   "IN;3;08/26/2015;10/11/2015;EUR;10;0", date_order="MDY")
    assert imp.date_order_used == "DMY" and imp.date_order_source == "data"
    line, field, message = only_error(imp)
    assert (line, field) == (3, "invoice_date")
    assert "dd/mm/yyyy" in message and "line 1" in message
    assert any("1 line can only be read the other way" in str(n) for n in imp.notes)
    assert any("1 ligne ne se lit que dans l’autre ordre" in n.text("fr") for n in imp.notes)


def test_a_line_whose_two_dates_need_different_orders_is_in_error() -> None:
    imp = invoices("IN;1;22/08/2015;11/10/2015;EUR;10;0", "IN;2;25/08/2015;10/31/2015;EUR;10;0")
    assert only_error(imp)[:2] == (2, "due_date")


def test_a_tie_between_orders_falls_to_the_setting_and_the_other_lines_are_in_error() -> None:
    imp = invoices("IN;1;22/08/2015;11/10/2015;EUR;10;0", "IN;2;08/26/2015;10/11/2015;EUR;10;0",
                   date_order="MDY")
    assert imp.date_order_used == "MDY" and imp.date_order_source == "setting"
    assert only_error(imp)[:2] == (1, "invoice_date")
    assert any("As many lines" in str(n) for n in imp.notes)


def test_iso_dates_and_equal_day_and_month_need_no_order() -> None:
    imp = invoices("IN;1;2015-08-22;2015-10-11;EUR;10;0", "IN;2;05/05/2015;2015/06/30;EUR;10;0")
    assert imp.is_valid and imp.date_order_source == "not_needed" and imp.notes == []


@pytest.mark.parametrize(("text", "words"), [
    ("22/08/15", "4 digits"), ("31/02/2015", "Not a real date"), ("2015-13-01", "Not a real"),
    ("22/08/0015", "mistyped"), ("42238", "Not a date"), ("22/08/2015 10:00", "Not a date"),
    ("", "Mandatory"), ("22/08-2015", "Not a date"), ("٢٢/٠٨/٢٠١٥", "Not a date"),
])
def test_bad_dates_are_reported_at_the_cell(text: str, words: str) -> None:
    _line, field, message = only_error(invoices(f"IN;1;{text};11/10/2015;EUR;10;0"))
    assert field == "invoice_date" and words in message


def test_date_rules_of_the_claim_are_checked_when_today_is_given() -> None:
    lines = ("IN;1;22/08/2030;11/10/2030;EUR;10;0", "IN;2;22/08/2015;11/07/2015;EUR;10;0")
    assert invoices(*lines).is_valid
    imp = invoices(*lines, today=date(2024, 1, 1))
    assert [(e.line, e.field, e.code) for e in imp.errors] == [
        (1, "invoice_date", "claims.invoice_in_future"),
        (2, "due_date", "claims.due_before_invoice")]
    assert only_error(payments("SE;1;22/08/2030;EUR;10", today=date(2024, 1, 1)))[1] == "date"


# --- codes, references, currencies ---------------------------------------------------------

@pytest.mark.parametrize("code", ["AG", "in", "In", "pLp", "OUB"])
def test_invoice_types_are_case_insensitive(code: str) -> None:
    assert invoices(f"{code};1;22/08/2015;11/10/2015;EUR;10;0").is_valid


@pytest.mark.parametrize("code", ["XX", "I N", "ın", "", "Facture"])
def test_unknown_invoice_types_are_refused_at_the_cell(code: str) -> None:
    _line, field, message = only_error(invoices(f"{code};1;22/08/2015;11/10/2015;EUR;10;0"))
    assert field == "type" and "AG" in message and "OUB" in message


@pytest.mark.parametrize("ref", ["12é", "AB12", "12-34", "１２", "١٢", "12 34", "12³"])
def test_non_digit_and_non_ascii_invoice_references_are_refused(ref: str) -> None:
    _line, field, message = only_error(invoices(f"IN;{ref};22/08/2015;11/10/2015;EUR;10;0"))
    assert field == "reference" and "digits 0-9" in message


def test_invoice_references_keep_leading_zeros_and_are_at_most_35_digits() -> None:
    assert invoices("IN;000123;22/08/2015;11/10/2015;EUR;10;0").to_invoice_inputs()[0].number \
        == "000123"
    assert only_error(invoices(f"IN;{'1' * 36};22/08/2015;11/10/2015;EUR;10;0"))[1] == "reference"


@pytest.mark.parametrize(("cell", "ok"), [("USD", True), ("usd", True), ("XYZ", False),
                                          ("EURO", False), ("€", False), ("XXX", False),
                                          ("", False)])
def test_currencies_are_iso_4217_codes(cell: str, ok: bool) -> None:
    imp = invoices(f"IN;1;22/08/2015;11/10/2015;{cell};10;0")
    assert imp.is_valid is ok
    if ok:
        assert imp.to_invoice_inputs()[0].currency == cell.upper()
    else:
        assert only_error(imp)[1] == "currency"


def test_the_same_invoice_twice_is_an_error_but_interest_on_an_invoice_is_not() -> None:
    imp = invoices(GOOD.format(ref=1), "PLP;1;22/08/2015;11/10/2015;EUR;5;0", GOOD.format(ref=1))
    assert only_error(imp) == (3, "reference", "Same type and reference as line 1")


def test_correcting_a_duplicate_reference_clears_the_error_between_lines() -> None:
    imp = invoices(GOOD.format(ref=1), GOOD.format(ref=1))
    assert not imp.is_valid and imp.lines[1].ok  # the fault is between lines
    cells = list(imp.lines[1].cells)
    cells[1] = "2"
    fixed = imp.replace_line(revalidate_invoice(cells, 2, imp.date_order_used))
    assert fixed.is_valid and [i.number for i in fixed.to_invoice_inputs()] == ["1", "2"]


def test_every_fault_of_a_line_is_reported_at_once() -> None:
    imp = invoices("XX;1a;31/02/2015;11/10/2015;EURO;1 000;-1")
    assert [field for _, field, _ in errors_of(imp)] == [
        "type", "reference", "invoice_date", "currency", "amount", "tax"]


def test_payment_references_are_separated_by_commas() -> None:
    imp = payments("SE;1234, 1235,1236;30/09/2015;USD;10")
    assert tuple(imp.to_payment_inputs()[0].invoice_references) == ("1234", "1235", "1236")
    for bad, words in (("1234,,1235", "empty"), ("1234,", "empty"), ("12,12", "twice"),
                       ("12;13", "columns"), ("A1", "digits")):
        assert words in only_error(payments(f"SE;{bad};30/09/2015;USD;10",
                                            "SE;1;30/09/2015;USD;10",
                                            "SE;2;30/09/2015;USD;10"))[2]


def test_payment_references_are_checked_against_the_claims_invoices_when_known() -> None:
    imp = payments("SE;1234,999;30/09/2015;USD;10", known_invoices={"1234"})
    assert only_error(imp) == (1, "references", "Not an invoice of this claim: 999")


@pytest.mark.parametrize("code", ["CN", "cn", "Se"])
def test_payment_types_are_case_insensitive(code: str) -> None:
    assert payments(f"{code};1;30/09/2015;USD;10").is_valid


# --- files refused whole -------------------------------------------------------------------

def hundred(n: int) -> list[str]:
    return [GOOD.format(ref=i) for i in range(1, n + 1)]


def test_exactly_100_lines_are_accepted_with_a_header_and_blank_lines() -> None:
    imp = invoices("Type;Reference;Date;Due;Currency;Amount;Tax", *hundred(100), "", "")
    assert len(imp.to_invoice_inputs()) == 100


def test_101_lines_are_refused_whole() -> None:
    error = refused("\n".join(hundred(101)).encode())
    assert error.reason == "too_many_lines" and "100" in str(error)
    assert isinstance(error, CofaError)


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b";;;;;;\n;;;;;;;\n"])
def test_an_empty_file_is_refused(data: bytes) -> None:
    assert refused(data).reason == "empty"


def test_a_header_alone_is_refused() -> None:
    error = refused(invoice_template().split(b"\r\n")[0])
    assert error.reason == "empty" and "only a header" in str(error)


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"PK\x03\x04\x14\x00\x06\x00", b"%PDF-1.4\n\x01\x02",
    b"IN;1;22/08/2015;11/10/2015;EUR;10;\x00", bytes(range(256)),
])
def test_a_binary_file_is_refused(data: bytes) -> None:
    assert refused(data).reason == "binary"


def test_a_utf16_file_is_refused_with_a_hint() -> None:
    error = refused(SEED_LINE.encode("utf-16"))
    assert error.reason == "utf16" and "CSV UTF-8" in str(error)


def test_a_file_without_semicolons_is_refused() -> None:
    error = refused(b"IN,1234,22/08/2015,11/10/2015,USD,1526.23,0\n")
    assert error.reason == "no_separator" and "“,”" in str(error)
    assert (error.code, error.params) == ("imports.no_separator_commas", {"separator": ";"})


def test_wrong_column_count_on_most_lines_refuses_the_file() -> None:
    error = refused(b"CN;1234;15/09/2015;USD;126.23\nSE;1234;30/09/2015;USD;1400.00\n")
    assert error.reason == "columns" and "payment file" in str(error)
    error = refused(SEED_LINE.encode(), parse_payments)
    assert error.reason == "columns" and "invoice file" in str(error)


def test_wrong_column_count_on_a_minority_of_lines_is_a_line_error() -> None:
    imp = invoices(GOOD.format(ref=1), "IN;2;22/08/2015;11/10/2015;EUR;100", GOOD.format(ref=3))
    line, field, message = only_error(imp)
    assert (line, field) == (2, "line") and "6 columns" in message


def test_payment_references_split_by_semicolons_get_a_hint() -> None:
    imp = payments("SE;1;2;30/09/2015;USD;10", "SE;1;30/09/2015;USD;10", "SE;2;30/09/2015;USD;10")
    assert "separated by commas" in only_error(imp)[2]


def test_a_too_large_file_is_refused_before_reading() -> None:
    assert refused(b"x" * 2_000_000).reason == "too_large"


# --- all or nothing, and corrections in the grid -------------------------------------------

def test_an_invalid_import_gives_no_lines_but_every_error() -> None:
    imp = invoices(GOOD.format(ref=1), "IN;2;22/08/2015;11/10/2015;EUR;0;0", "IN;x;...;;EUR;1;0")
    assert not imp.is_valid
    with pytest.raises(ValidationFailed) as caught:
        imp.to_invoice_inputs()
    assert len(caught.value.errors) == len(imp.errors) == 4
    assert {e.line for e in caught.value.errors} == {2, 3}


def test_a_corrected_line_is_revalidated_alone_and_put_back() -> None:
    imp = invoices(GOOD.format(ref=1), "IN;2;03/04/2015;05/06/2015;EUR;1 000;0",
                   "IN;3;25/08/2015;11/10/2015;EUR;10;0")
    assert imp.date_order_used == "DMY"
    bad = imp.lines[1]
    assert bad.error_at("amount") is not None and bad.values["invoice_date"] == date(2015, 4, 3)
    cells = list(bad.cells)
    cells[INVOICE_COLUMNS.index("amount")] = "1000"
    fixed = revalidate_invoice(cells, bad.line_no, imp.date_order_used)
    assert fixed.ok and fixed.line_no == 2 and fixed.record is not None
    assert fixed.record.invoice_date == date(2015, 4, 3)
    corrected = imp.replace_line(fixed)
    assert corrected.is_valid and not imp.is_valid
    # GOOD's 100.00 includes its 20.00 of tax.
    assert [i.amount_excl_tax for i in corrected.to_invoice_inputs()] == [
        Decimal("80.00"), Decimal(1000), Decimal(10)]


def test_revalidation_keeps_the_files_order_and_says_so() -> None:
    line = revalidate_invoice(["IN", "1", "08/25/2015", "10/11/2015", "EUR", "1", "0"], 7, "DMY")
    assert line.errors[0].line == 7 and line.errors[0].field == "invoice_date"
    assert "dd/mm/yyyy, the order used for this file" in line.errors[0].message


def test_revalidation_reports_a_wrong_number_of_cells() -> None:
    line = revalidate_payment(["SE", "1", "30/09/2015", "USD"], 3, "DMY")
    assert [(e.field, e.line) for e in line.errors] == [("line", 3)]
    ok = revalidate_payment([" se ", "1, 2", "30/09/2015", "usd", "10,5"], 3, "DMY",
                            known_invoices={"1", "2"})
    assert ok.record is not None and ok.record.amount == Decimal("10.5")


def test_replace_line_refuses_a_line_number_that_is_not_in_the_import() -> None:
    imp = invoices(GOOD.format(ref=1))
    with pytest.raises(ValueError):
        imp.replace_line(revalidate_invoice(imp.lines[0].cells, 99, "DMY"))


# --- fuzzing -------------------------------------------------------------------------------

FUZZ = settings(max_examples=int(os.environ.get("COFATUI_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
MAX_FUZZ_LINES = 12  # and, one file in 20, 100 or 101 lines
CURRENCIES = {"EUR": 2, "USD": 2, "GBP": 2, "CHF": 2, "JPY": 0, "KWD": 3}
LINE_END = re.compile(r"\r\n|\r|\n")


def non_blank_lines(data: bytes) -> int:
    """Lines holding something other than blanks, separators and quotes, counted
    independently of the parser (header included)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return sum(1 for line in LINE_END.split(text)
               if line.replace(";", "").replace('"', "").strip(" \t\u00a0\u202f\u2007\ufeff"))


def check_import(imp: InvoiceImport | PaymentImport, data: bytes, amount_col: int) -> None:
    columns = INVOICE_COLUMNS if isinstance(imp, InvoiceImport) else PAYMENT_COLUMNS
    for line in imp.lines:
        assert all(e.line == line.line_no and e.field in (*columns, "line") for e in line.errors)
        assert (line.record is None) == bool(line.errors)
    records: list[Any]
    if imp.is_valid:
        records = (imp.to_invoice_inputs() if isinstance(imp, InvoiceImport)
                   else imp.to_payment_inputs())
        assert len(records) == len(imp.lines) == non_blank_lines(data) - imp.has_header
        cell_total = sum((Decimal(line.cells[amount_col].replace(",", "."))
                          for line in imp.lines), Decimal(0))
        # An invoice's amount cell includes its tax: the line holds the rest.
        amounts = [r.amount_excl_tax + r.tax if isinstance(r, InvoiceInput) else r.amount
                   for r in records]
        assert sum(amounts, Decimal(0)) == cell_total
        assert all(isinstance(a, Decimal) and a > 0 for a in amounts)
        assert all(0 <= r.tax <= r.amount_excl_tax for r in records
                   if isinstance(r, InvoiceInput))
    else:
        with pytest.raises(ValidationFailed) as caught:
            imp.to_invoice_inputs() if isinstance(imp, InvoiceImport) else imp.to_payment_inputs()
        assert caught.value.errors == imp.errors


def amount_text(draw: Any, precision: int, allow_zero: bool = False) -> tuple[Decimal, str]:
    units = draw(st.integers(min_value=0 if allow_zero else 1, max_value=10**9))
    value = Decimal(units).scaleb(-draw(st.integers(min_value=0, max_value=precision)))
    text = f"{value:f}"
    return value, text.replace(".", ",") if draw(st.booleans()) else text


def date_text(draw: Any, value: date, order: str) -> str:
    style = draw(st.sampled_from(["padded", "padded", "bare", "dots", "iso"]))
    if style == "iso":
        return value.isoformat()
    first, second = (value.day, value.month) if order == "DMY" else (value.month, value.day)
    if style == "bare":
        return f"{first}/{second}/{value.year}"
    sep = "." if style == "dots" else "/"
    return f"{first:02}{sep}{second:02}{sep}{value.year}"


BAD_CELLS = {
    "type": ["XX", "I N", "ın", "", "INV"],
    "reference": ["12é", "A1", "", "1 2", "１２", "12-3"],
    "references": ["12,,13", "", "1a", "12,", "7,7"],
    "date": ["31/02/2015", "22/08/15", "2015-13-01", "", "hier", "00/00/2015"],
    "currency": ["EURO", "€", "XTS", "", "E1R", "ZZZ"],
    "amount": ["1 526,23", "1,526.23", "1.526,23", "1.526.000", "", "0", "-5", "abc", "1e3",
               "€5"],
    "tax": ["1 000,00", "-1", "", "x", "2.000,5"],
}


@st.composite
def structured_file(draw: Any, payments_file: bool) -> tuple[bytes, dict[str, Any]]:
    """A well-formed file of random valid lines, rendered with the variations the format
    allows, then perhaps perturbed so that it must be refused or reported."""
    columns = PAYMENT_COLUMNS if payments_file else INVOICE_COLUMNS
    order = draw(st.sampled_from(["DMY", "MDY"]))
    n = draw(st.integers(min_value=1, max_value=MAX_FUZZ_LINES))
    if draw(st.integers(0, 19)) == 0:
        n = draw(st.sampled_from([100, 101]))
    refs = [draw(st.integers(min_value=0, max_value=10**9)) * 1000 + i for i in range(1, n + 1)]
    rows: list[list[str]] = []
    expected: list[dict[str, Any]] = []
    dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
    for index, ref in enumerate(refs):
        if index >= MAX_FUZZ_LINES:  # a long file repeats the first rows, with new references
            row, want = list(rows[index % MAX_FUZZ_LINES]), dict(expected[index % MAX_FUZZ_LINES])
            if payments_file:
                # Ends in 9, unlike the first rows' references: never the same payment.
                row[1], want["refs"] = str(ref * 10 + 9), (str(ref * 10 + 9),)
            else:
                row[1], want["ref"] = str(ref), str(ref)
            rows.append(row)
            expected.append(want)
            continue
        currency = draw(st.sampled_from(sorted(CURRENCIES)))
        precision = CURRENCIES[currency]
        amount, amount_cell = amount_text(draw, precision)
        day = draw(dates)
        cur_cell = draw(st.sampled_from([currency, currency.lower()]))
        if payments_file:
            ref_list = [str(ref * 10 + j) for j in range(draw(st.integers(1, 3)))]
            joiner = draw(st.sampled_from([",", ", "]))
            type_ = draw(st.sampled_from(["CN", "SE", "cn", "Se"]))
            rows.append([type_, joiner.join(ref_list), date_text(draw, day, order), cur_cell,
                         amount_cell])
            expected.append({"amount": amount, "date": day, "refs": tuple(ref_list)})
        else:
            due = draw(dates)
            # The tax is part of the amount and at most what is left without it.
            rate = draw(st.sampled_from(["0", "0.055", "0.1", "0.2", "0.21", "0.5"]))
            tax = (amount * Decimal(rate)).quantize(Decimal(1).scaleb(-precision),
                                                      rounding=ROUND_DOWN)
            tax_cell = f"{tax:f}".replace(".", ",") if draw(st.booleans()) else f"{tax:f}"
            type_ = draw(st.sampled_from(["AG", "IN", "PLP", "OUB", "In", "plp"]))
            rows.append([type_, str(ref), date_text(draw, day, order),
                         date_text(draw, due, order), cur_cell, amount_cell, tax_cell])
            expected.append({"amount": amount, "date": day, "due": due, "tax": tax,
                             "ref": str(ref)})
    perturbed: list[tuple[int, str]] = []  # (row index, column or "line")
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2]))):
        i = draw(st.integers(0, n - 1))
        what = draw(st.sampled_from([*columns, "line"]))
        if what == "line":
            if (i, "line") in perturbed:
                continue
            if draw(st.booleans()):
                rows[i] = rows[i][:-1]
            else:
                rows[i] = [*rows[i], "x"]
        else:
            col = columns.index(what)
            if col >= len(rows[i]):
                continue
            key = "date" if what.endswith("date") else what
            rows[i][col] = draw(st.sampled_from(BAD_CELLS[key]))
        perturbed.append((i, what))
    # rendering
    lines_out: list[str] = []
    header = draw(st.booleans())
    if header:
        lines_out.append(("type;" if draw(st.booleans()) else "Type;") + ";".join(columns[1:]))
    data_rows: list[int] = []  # output line number of each row
    for index, row in enumerate(rows):
        if index >= MAX_FUZZ_LINES:
            lines_out.append(";".join(row))
            data_rows.append(len(lines_out))
            continue
        for _ in range(draw(st.integers(0, 1)) if draw(st.integers(0, 4)) == 0 else 0):
            lines_out.append(draw(st.sampled_from(["", "  ", ";;;;;"])))
        cells = []
        for cell in row:
            if draw(st.integers(0, 9)) == 0:
                cell = f'"{cell}"'
            if draw(st.integers(0, 9)) == 0:
                cell = f" {cell} "
            cells.append(cell)
        text = ";".join(cells) + (";" if draw(st.integers(0, 5)) == 0 else "")
        lines_out.append(text)
        data_rows.append(len(lines_out))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(lines_out) + (end if draw(st.booleans()) else "")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    return data, {"order": order, "rows": expected, "perturbed": perturbed,
                  "line_nos": data_rows, "configured": draw(st.sampled_from(["DMY", "MDY"]))}


def check_structured(imp: InvoiceImport | PaymentImport | None, spec: dict[str, Any]) -> None:
    perturbed = spec["perturbed"]
    if len(spec["rows"]) > 100:
        assert imp is None  # refused whole, whatever else is wrong
        return
    if not perturbed:
        assert imp is not None and imp.is_valid, imp and imp.errors
        assert [line.line_no for line in imp.lines] == spec["line_nos"]
        records: list[Any] = (imp.to_invoice_inputs() if isinstance(imp, InvoiceImport)
                              else imp.to_payment_inputs())
        if imp.date_order_used != spec["order"]:
            assert imp.date_order_source in ("setting", "not_needed")
        for record, want in zip(records, spec["rows"], strict=True):
            if isinstance(imp, InvoiceImport):
                assert (record.number, record.amount_excl_tax, record.tax) == (
                    want["ref"], want["amount"] - want["tax"], want["tax"])
                dates: tuple[date, ...] = (record.invoice_date, record.due_date)
                wanted: tuple[date, ...] = (want["date"], want["due"])
            else:
                assert (tuple(record.invoice_references), record.amount) == (
                    want["refs"], want["amount"])
                dates, wanted = (record.payment_date,), (want["date"],)
            if imp.date_order_used == spec["order"]:
                assert dates == wanted
        return
    if imp is None:
        return  # refused whole: acceptable for a perturbed file
    assert not imp.is_valid
    by_line = {line.line_no: line for line in imp.lines}
    for i, what in perturbed:
        line = by_line[spec["line_nos"][i]]
        assert line.errors, (what, line)


def run_parser(parser: Any, data: bytes, configured: str) -> Any:
    try:
        imp = parser(data, date_order=configured)
    except ImportRefused as exc:
        assert str(exc) and exc.reason
        event(f"refused: {exc.reason}")
        return None
    event("valid" if imp.is_valid else "reported")
    return imp


@st.composite
def mutated_file(draw: Any) -> bytes:
    """A structured file (of either kind) with a few bytes flipped, deleted or inserted."""
    data = bytearray(draw(structured_file(payments_file=draw(st.booleans())))[0])
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "delete", "insert"]))
        if op == "flip":
            data[at] = draw(st.integers(0, 255))
        elif op == "delete":
            del data[at]
        else:
            data[at:at] = draw(st.sampled_from([b";", b"\r", b"\n", b"\x00", b"\xff", b",",
                                                b'"', b" ", b"\xc3", b"9", b"/", b"."]))
    return bytes(data)


random_bytes = st.one_of(
    st.binary(max_size=3000),
    st.lists(st.sampled_from([b";", b"\r\n", b"\n", b"\r", b"IN", b"SE", b"1234", b"22/08/2015",
                              b"2015-08-22", b"USD", b"1526,23", b"0", b" ", b'"', b",",
                              b"\xef\xbb\xbf", b"\xe9", b"\xc3\xa9", b"\x00", b"Type"]),
             max_size=200).map(b"".join),
    mutated_file(),
)


@FUZZ
@given(data=random_bytes, configured=st.sampled_from(["DMY", "MDY"]))
def test_fuzz_invoice_parser_on_random_bytes(data: bytes, configured: str) -> None:
    imp = run_parser(parse_invoices, data, configured)
    if imp is not None:
        check_import(imp, data, INVOICE_COLUMNS.index("amount"))


@FUZZ
@given(data=random_bytes, configured=st.sampled_from(["DMY", "MDY"]))
def test_fuzz_payment_parser_on_random_bytes(data: bytes, configured: str) -> None:
    imp = run_parser(parse_payments, data, configured)
    if imp is not None:
        check_import(imp, data, PAYMENT_COLUMNS.index("amount"))


@FUZZ
@given(case=structured_file(payments_file=False))
def test_fuzz_invoice_parser_on_perturbed_csv(case: tuple[bytes, dict[str, Any]]) -> None:
    data, spec = case
    imp = run_parser(parse_invoices, data, spec["configured"])
    if imp is not None:
        check_import(imp, data, INVOICE_COLUMNS.index("amount"))
    check_structured(imp, spec)


@FUZZ
@given(case=structured_file(payments_file=True))
def test_fuzz_payment_parser_on_perturbed_csv(case: tuple[bytes, dict[str, Any]]) -> None:
    data, spec = case
    imp = run_parser(parse_payments, data, spec["configured"])
    if imp is not None:
        check_import(imp, data, PAYMENT_COLUMNS.index("amount"))
    check_structured(imp, spec)
