"""The import pipeline's reading and structural steps: arbitrary bytes give a read file
or one of the documented refusals, nothing else; structure refusals say why."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.errors import message_text
from cofatui.formats import imports
from cofatui.formats.import_kinds import CLIENT_REFERENCES
from cofatui.formats.imports import REFUSALS, ImportRefused, check_lines, read_file, summarise

HEADER = b"EasyNumber;Client reference\r\n"


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=2000) | st.builds(lambda b: HEADER + b, st.binary(max_size=2000)))
def test_arbitrary_bytes_read_or_are_refused_with_a_documented_reason(data: bytes) -> None:
    try:
        read = read_file(data, CLIENT_REFERENCES)
    except ImportRefused as exc:
        assert exc.reason in REFUSALS
        assert str(exc)
        return
    valid, refused = check_lines(read, CLIENT_REFERENCES)
    assert len(valid) + len(refused) == read.total >= 1
    assert all(o.status == imports.ERROR and o.code for o in refused)


@given(st.lists(st.tuples(st.text("0123456789", min_size=1, max_size=14),
                          st.text(max_size=40).filter(lambda t: "\n" not in t
                                                      and "\r" not in t)), max_size=30))
def test_every_data_line_gets_exactly_one_outcome(rows: list[tuple[str, str]]) -> None:
    text = "EasyNumber;Client reference\n" + "".join(
        f'{easy};"{ref.replace(chr(34), chr(34) * 2)}"\n' for easy, ref in rows)
    try:
        read = read_file(text.encode(), CLIENT_REFERENCES)
    except ImportRefused as exc:
        assert exc.reason in REFUSALS
        return
    valid, refused = check_lines(read, CLIENT_REFERENCES)
    numbers = sorted([v.line_no for v in valid] + [o.line_no for o in refused])
    assert len(numbers) == len(set(numbers)) == read.total


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (HEADER, "empty"),
    (b"Company;Client reference\nx;y\n", "unknown_column"),
    (b"EasyNumber\n123\n", "missing_column"),
    (b"EasyNumber;easy_number;Client reference\n1;1;x\n", "duplicate_column"),
    (b"\xff\xfeE\x00a\x00", "utf16"),
    (b"EasyNumber;Client reference\n1;\x00\n", "binary"),
    (b"x" * (CLIENT_REFERENCES.max_bytes + 1), "too_large"),
])
def test_structure_refusals_name_their_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ImportRefused) as caught:
        read_file(data, CLIENT_REFERENCES)
    assert caught.value.reason == reason


def test_encodings_bom_utf8_and_windows_1252_are_read() -> None:
    for data, encoding in ((b"\xef\xbb\xbf" + HEADER + "1;Café\n".encode(), "utf-8-sig"),
                           (HEADER + "1;Café\n".encode(), "utf-8"),
                           (HEADER + "1;Café\n".encode("cp1252"), "cp1252")):
        read = read_file(data, CLIENT_REFERENCES)
        assert read.encoding == encoding
        assert read.lines[0].values == {"easy_number": "1", "client_reference": "Café"}


def test_line_problems_are_coded_and_numbered_as_an_editor_does() -> None:
    data = (HEADER + b"\n1;ok\n;missing\n2;" + b"x" * 36 + b"\n3;a;b\n4;\"open\n")
    read = read_file(data, CLIENT_REFERENCES)
    valid, refused = check_lines(read, CLIENT_REFERENCES)
    assert [v.line_no for v in valid] == [3]
    assert sorted((o.line_no, o.code) for o in refused) == [
        (4, "imports.easy_number_missing"), (5, "imports.reference_too_long"),
        (6, "imports.cell_count"), (7, "imports.quote_not_closed")]
    too_long = next(o for o in refused if o.line_no == 5)
    assert too_long.params == {"max": 35, "length": 36}
    assert too_long.message == "The client reference has at most 35 characters."  # for scripts
    assert message_text(too_long.code, too_long.params, "fr") == \
        "La référence client a au plus 35 caractères."


def test_summary_status() -> None:
    ok, err, skip = (imports.LineOutcome(1, imports.OK), imports.LineOutcome(2, imports.ERROR),
                     imports.LineOutcome(3, imports.NOT_APPLIED))
    assert summarise([ok, ok])[0] == imports.SUCCEEDED
    assert summarise([ok, err])[0] == imports.PARTIALLY_SUCCEEDED
    assert summarise([err, skip])[0] == imports.FAILED
