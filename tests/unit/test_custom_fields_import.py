"""The custom-field import's reading (issue 16 item 8, acceptance "hypothesis … on the
import parsers"): whatever the file, only documented refusals and line errors; BOM,
CRLF, Windows-1252, padding, duplicates, ``-``, empty cells, 100 000 and 100 001 lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.formats import custom_field_import as fmt
from cofatui.formats import imports as pipeline

COLUMNS = fmt.columns_for({1: ("Segment", "text"), 2: ("Last review", "date"),
                           3: ("Score", "number")})
HEADER = "EasyNumber;Référence client;Montant total de l'encours;Segment;Last review;Score"
#: Every code a line of this import may get (the pipeline's, the EasyNumber's, ours).
LINE_CODES = {"imports.easy_number_missing", "identifiers.easy_number_digits",
              "identifiers.easy_number_too_long", "custom_fields.import_not_an_amount",
              "custom_fields.import_negative", "custom_fields.import_not_a_date",
              "custom_fields.import_not_a_number", "custom_fields.import_text",
              "custom_fields.import_repeated", "common.max_decimals",
              "input.number_too_large", "imports.cell_count", "errors.imports.quote_not_closed",
              "errors.imports.text_after_quote", "imports.quote_not_closed",
              "imports.text_after_quote"}


def read(data: bytes) -> tuple[pipeline.ReadFile, list[pipeline.DataLine],
                               list[pipeline.LineOutcome]]:
    spec = fmt.import_spec(COLUMNS)
    found = pipeline.read_file(data, spec)
    valid, refused = pipeline.check_lines(found, spec)
    return found, valid, refused


easy = st.integers(min_value=1, max_value=10**14 - 1)
reference = st.text(st.characters(codec="cp1252", exclude_categories=("Cc", "Cs")),
                    max_size=35).map(str.strip).filter(lambda s: s not in ("-",)
                                                        and ";" not in s and '"' not in s)
day = st.dates(min_value=date(1900, 1, 1))
Row = tuple[int, str, Decimal | None, str, date | None, str]
amount = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    numbers = draw(st.lists(easy, min_size=1, max_size=30, unique=True))
    out: list[Row] = []
    for number in numbers:
        out.append((number, draw(reference), draw(st.none() | amount),
                    draw(st.sampled_from(["", "-", "Retail", "Gros œuvre"])),
                    draw(st.none() | day), draw(st.sampled_from(["", "-", "12,5", "-3",
                                                                 "1 000.25"]))))
    return out


@settings(max_examples=60, deadline=None)
@given(rows(), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
       st.sampled_from(["\n", "\r\n"]), st.booleans(), st.booleans())
def test_valid_files_read_the_same_in_every_encoding(table: list[Row], encoding: str,
                                                     newline: str, pad: bool,
                                                     iso: bool) -> None:
    lines = [HEADER]
    for number, ref, money, segment, when, score in table:
        shown = str(number).zfill(14) if pad else str(number)
        date_text = "" if when is None else (when.isoformat() if iso
                                             else when.strftime("%d/%m/%Y"))
        money_text = "" if money is None else str(money).replace(".", ",")
        lines.append(";".join((shown, ref, money_text, segment, date_text, score)))
    data = (newline.join(lines) + newline).encode(encoding)
    found, valid, refused = read(data)
    assert refused == []
    assert found.encoding in ("utf-8", "utf-8-sig", "cp1252")
    for line, (number, ref, money, segment, when, score) in zip(valid, table, strict=True):
        got = fmt.line_changes(line.values, COLUMNS)
        assert not isinstance(got, pipeline.LineProblem)
        key, changes = got
        assert key == str(number).zfill(14)
        assert changes.get("client_reference", "") == ref  # empty: unchanged
        assert changes.get("outstanding_amount") == money
        if segment == "-":
            assert changes["custom_field_1"] is None  # "-" erases
        elif segment:
            assert changes["custom_field_1"] == segment
        else:
            assert "custom_field_1" not in changes
        assert changes.get("custom_field_2") == (None if when is None else when.isoformat())
        expected_score = {"": "absent", "-": None, "12,5": "12.5", "-3": "-3",
                          "1 000.25": "1000.25"}[score]
        assert changes.get("custom_field_3", "absent") == expected_score


@settings(max_examples=40, deadline=None)
@given(st.lists(easy, min_size=2, max_size=20), st.data())
def test_a_repeated_easy_number_is_that_lines_error(numbers: list[int],
                                                    data: st.DataObject) -> None:
    again = data.draw(st.sampled_from(numbers))
    padded = data.draw(st.booleans())
    body = [f"{n};x" for n in numbers] + [f"{str(again).zfill(14) if padded else again};y"]
    _, valid, refused = read(("EasyNumber;Segment\n" + "\n".join(body)).encode())
    firsts = {n: i for i, n in reversed(list(enumerate([*numbers, again])))}
    repeated = {i + 2 for i, n in enumerate([*numbers, again]) if firsts[n] != i}
    assert {o.line_no for o in refused} == repeated
    assert {o.code for o in refused} == {"custom_fields.import_repeated"}
    assert len(valid) == len(numbers) + 1 - len(repeated)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(
    lambda s: ("EasyNumber;Segment;Last review;Score;Outstanding amount\n" + s).encode()))
def test_any_file_gets_only_documented_refusals(data: bytes) -> None:
    try:
        _, valid, refused = read(data)
    except pipeline.ImportRefused as exc:
        assert exc.reason in pipeline.REFUSALS
        return
    assert {o.code for o in refused} <= LINE_CODES, {o.code for o in refused}
    for line in valid:  # what passed the check applies as a change set
        assert not isinstance(fmt.line_changes(line.values, COLUMNS), pipeline.LineProblem)


@pytest.mark.parametrize("cell", ["banana", "31/02/2026", "2026-13-01", "12/2026"])
def test_bad_dates(cell: str) -> None:
    _, _, refused = read(f"EasyNumber;Last review\n1;{cell}\n".encode())
    assert [o.code for o in refused] == ["custom_fields.import_not_a_date"]


def test_amounts_and_numbers() -> None:
    _, _, refused = read(b"EasyNumber;Outstanding amount;Score\n1;-5;1\n2;1,2345;2\n"
                         b"3;x;1\n4;1;1e5\n")
    assert [(o.line_no, o.code) for o in refused] == [
        (2, "custom_fields.import_negative"), (3, "common.max_decimals"),
        (4, "custom_fields.import_not_an_amount"), (5, "custom_fields.import_not_a_number")]


def test_text_limits() -> None:
    _, _, refused = read(("EasyNumber;Client reference;Segment\n"
                          f"1;{'r' * 36};\n2;;{'s' * 201}\n3;{'r' * 35};{'s' * 200}\n").encode())
    assert [(o.line_no, o.code) for o in refused] == [
        (2, "custom_fields.import_text"), (3, "custom_fields.import_text")]


def test_the_seed_template_is_read() -> None:
    data = (fmt.template() + "12345;REF;100\n").encode("cp1252")
    found, valid, refused = read(data)
    assert found.encoding == "cp1252" and refused == []
    assert fmt.line_changes(valid[0].values, COLUMNS) == (
        "00000000012345", {"client_reference": "REF", "outstanding_amount": Decimal(100)})


def test_100_000_lines_are_read_and_100_001_refused() -> None:
    body = "".join(f"{n};v\r\n" for n in range(1, 100_001))
    _, valid, refused = read(("EasyNumber;Segment\r\n" + body).encode())
    assert (len(valid), refused) == (100_000, [])
    with pytest.raises(pipeline.ImportRefused) as too_many:
        read(("EasyNumber;Segment\r\n" + body + "100001;v\r\n").encode())
    assert too_many.value.reason == "too_many_lines"
