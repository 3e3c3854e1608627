"""The ECB "eurofxref" CSV: daily and historical shapes, N/A, trailing separators, a byte
order mark, and bad files refused whole with the line of each fault."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import ValidationFailed
from cofatui.formats.ecb_rates import MAX_ERRORS, parse_ecb_rates, read_ecb_rates

# As the ECB publishes them (shortened to a few currencies).
DAILY = ("Date, USD, JPY, BGN, GBP, \n"
         "04 December 2026, 1.0560, 158.51, 1.9558, 0.83020, \n")
HISTORICAL = ("Date,USD,JPY,CYP,GBP,\n"
              "2026-12-04,1.0560,158.51,N/A,0.83020,\n"
              "2026-12-03,1.0512,157.9,N/A,0.8299,\n"
              "1999-01-04,1.1789,133.73,0.58231,0.7111,\n")


def rates_of(text: str) -> dict[tuple[date, str], Decimal]:
    return {(r.on, r.currency): r.rate for r in parse_ecb_rates(text).rates}


def test_daily_file_reads_its_written_date_and_every_currency() -> None:
    parsed = parse_ecb_rates(DAILY)
    assert parsed.days == 1
    assert parsed.currencies == ("USD", "JPY", "BGN", "GBP")
    assert rates_of(DAILY) == {
        (date(2026, 12, 4), "USD"): Decimal("1.0560"),
        (date(2026, 12, 4), "JPY"): Decimal("158.51"),
        (date(2026, 12, 4), "BGN"): Decimal("1.9558"),
        (date(2026, 12, 4), "GBP"): Decimal("0.83020"),
    }


def test_historical_file_skips_na_cells_and_keeps_each_line_number() -> None:
    parsed = parse_ecb_rates(HISTORICAL)
    assert parsed.days == 3
    assert parsed.not_quoted == 2  # CYP before it joined
    got = rates_of(HISTORICAL)
    assert (date(2026, 12, 4), "CYP") not in got
    assert got[(date(1999, 1, 4), "CYP")] == Decimal("0.58231")
    assert got[(date(2026, 12, 3), "JPY")] == Decimal("157.9")
    assert {r.line for r in parsed.rates if r.on == date(1999, 1, 4)} == {4}


def test_byte_order_mark_and_windows_line_ends_are_read() -> None:
    data = ("\ufeff" + HISTORICAL).replace("\n", "\r\n").encode("utf-8")
    assert rates_of(HISTORICAL) == {(r.on, r.currency): r.rate
                                    for r in read_ecb_rates(data).rates}


def test_lines_without_trailing_separator_and_blank_lines_are_read() -> None:
    text = "Date,USD,JPY\n\n2026-12-04,1.0560,158.51\n\n"
    assert rates_of(text) == {(date(2026, 12, 4), "USD"): Decimal("1.0560"),
                              (date(2026, 12, 4), "JPY"): Decimal("158.51")}


def test_empty_cell_is_no_rate_like_na() -> None:
    parsed = parse_ecb_rates("Date,USD,JPY,\n2026-12-04,,158.51,\n")
    assert parsed.not_quoted == 1
    assert [r.currency for r in parsed.rates] == ["JPY"]


def errors_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        parse_ecb_rates(text)
    return [(e.line, e.field, e.message) for e in failed.value.errors]


@pytest.mark.parametrize("text", ["", "\n\n", "\ufeff"])
def test_empty_file_is_refused(text: str) -> None:
    assert errors_of(text) == [(None, "file", "The file is empty")]


def test_a_file_that_is_not_the_ecb_csv_is_refused_at_its_first_line() -> None:
    [(line, _field, message)] = errors_of("type;number;date\nIN;1;01/02/2026\n")
    assert line == 1 and "ECB header" in message


def test_header_faults_are_named() -> None:
    errors = errors_of("Date,USD,usd,USD,EUR\n2026-12-04,1,1,1,1\n")
    assert [(line, field) for line, field, _ in errors] == [(1, "usd"), (1, "USD"), (1, "EUR")]


def test_header_without_days_is_refused() -> None:
    assert errors_of("Date,USD,\n") == [(None, "file", "The file has a header but no day "
                                                        "of rates")]


def test_bad_lines_are_reported_with_their_line_and_column() -> None:
    errors = errors_of("Date,USD,JPY,\n"
                       "2026-12-04,1.0560,158.51,\n"
                       "2026-12-03,abc,-1,\n"
                       "31 Febtember 2026,1,1,\n"
                       "2026-12-02,1.05,\n"
                       "2026-12-04,1.06,158,\n")
    assert [(line, field) for line, field, _ in errors] == [
        (3, "USD"), (3, "JPY"), (4, "Date"), (5, ""), (6, "Date")]
    assert "“abc” is not a rate" in errors[0][2]
    assert "already given on line 2" in errors[4][2]


def test_zero_and_exponent_notation_are_not_rates() -> None:
    assert [field for _, field, _ in errors_of("Date,USD,JPY\n2026-12-04,0,1e3\n")] == [
        "USD", "JPY"]


def test_errors_stop_at_a_readable_number() -> None:
    text = "Date,USD\n" + "".join(f"2026-01-{d:02d},x\n" for d in range(1, 31))
    assert len(errors_of(text)) == MAX_ERRORS


def test_bytes_that_are_not_utf8_are_refused_with_a_sentence() -> None:
    with pytest.raises(ValidationFailed) as failed:
        read_ecb_rates(b"Date,USD\n2026-12-04,1.05\xff\n")
    assert "not UTF-8" in str(failed.value)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
days = st.dates(min_value=date(1999, 1, 4), max_value=date(2030, 12, 31))
values = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999"), places=4)


@given(st.dictionaries(days, st.tuples(values, st.one_of(st.none(), values)), min_size=1,
                       max_size=20), st.booleans(), st.booleans())
def test_any_file_written_in_either_shape_reads_back(
        table: dict[date, tuple[Decimal, Decimal | None]], daily: bool, bom: bool) -> None:
    sep = ", " if daily else ","
    lines = [sep.join(["Date", "USD", "JPY"]) + sep]
    for on, (usd, jpy) in table.items():
        when = f"{on.day:02d} {MONTHS[on.month - 1]} {on.year}" if daily else on.isoformat()
        lines.append(sep.join([when, f"{usd:f}", "N/A" if jpy is None else f"{jpy:f}"]) + sep)
    text = ("\ufeff" if bom else "") + "\n".join(lines) + "\n"
    expected = {(on, "USD"): usd for on, (usd, _) in table.items()}
    expected |= {(on, "JPY"): jpy for on, (_, jpy) in table.items() if jpy is not None}
    parsed = read_ecb_rates(text.encode())
    assert {(r.on, r.currency): r.rate for r in parsed.rates} == expected
    assert parsed.days == len(table)
    assert parsed.not_quoted == sum(1 for _, jpy in table.values() if jpy is None)
