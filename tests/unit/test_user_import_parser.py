"""The user import's reading (issue 16 item 6, acceptance "hypothesis … on the import
parsers"): whatever the file, only documented refusals and line errors, every line
accounted for once; the same rows read alike whatever the encoding (UTF-8, with a BOM,
Windows-1252), the line ends (CRLF, LF, CR), the padding of the cells, the order and
spelling of the columns, and as an XLSX sheet; duplicates and empty cells; 500 and 501
lines."""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui.formats import imports as pipeline
from cofatui.formats import user_import as fmt
from cofatui.formats.csv_lines import ImportRefused
from cofatui.rules.user_fields import TITLES

COLUMNS = fmt.TEMPLATE_HEADER
#: Cell values and whether the rules accept them.
TITLE = [("mr", True), ("MRS", True), ("Ms", True), ("", False), ("dr", False)]
NAME = [("Dupont", True), ("Lefèvre", True), ("d'Artagnan; fils", True),
        ('Le "Grand"', True), ("", False), ("x" * 81, False)]
PHONE = [("01 23 45 67 89", True), ("+44 20 7946 0958", True), ("06.12.34.56.78", True),
         ("12", False), ("abc", False), ("", False)]
EMAIL_LOCAL = ["a", "B", "zoé", "c.d"]
EMAIL_DOMAIN = ["example.com", "EXAMPLE.com"]
BAD_EMAIL = ["x@", "no-at", ""]
LANGUAGE = [("", True), ("en", True), ("FR", True), ("de", False)]
CONTRACT = [("", True), ("P-A", True), ("1234567", True), ("x" * 36, False)]
RIGHTS = [("", True), ("full", True), ("READ_ONLY", True), ("admin", False)]
BLANKS = ["", " ", "\t", "\u00a0", "  "]


@dataclass(frozen=True)
class Row:
    cells: dict[str, str]
    ok: bool  # every cell right (a duplicate e-mail aside)
    email_key: str | None  # the e-mail as the duplicate check compares it, when right


@st.composite
def rows(draw: st.DrawFn) -> Row:
    # Most rows are meant to be right (so that duplicates and accepted lines are common);
    # the others draw any value of each cell.
    aim_right = draw(st.integers(0, 3)) > 0
    cells: dict[str, str] = {}
    ok = True
    for key, choices in (("title", TITLE), ("last_name", NAME), ("first_name", NAME),
                         ("phone", PHONE), ("fax", PHONE), ("language", LANGUAGE),
                         ("default_contract", CONTRACT), ("rights", RIGHTS)):
        pool = [c for c in choices if c[1]] if aim_right else choices
        value, right = draw(st.sampled_from(pool))
        cells[key] = value
        ok = ok and right
    email_key = None
    if aim_right or draw(st.booleans()):
        local, domain = draw(st.sampled_from(EMAIL_LOCAL)), draw(st.sampled_from(EMAIL_DOMAIN))
        cells["email"] = f"{local}@{domain}"
        email_key = f"{local}@example.com".casefold()
    else:
        cells["email"] = draw(st.sampled_from(BAD_EMAIL))
        ok = False
    return Row(cells, ok, email_key)


@dataclass(frozen=True)
class Layout:
    """How a file writes its rows: column order and spelling, blank lines, padding,
    line ends, encoding."""

    order: tuple[str, ...]
    names: dict[str, str]
    blank_after: frozenset[int]
    padding: tuple[str, str]
    line_end: str
    encoding: str


@st.composite
def layouts(draw: st.DrawFn) -> Layout:
    order = tuple(draw(st.permutations(COLUMNS)))
    names = {key: draw(st.sampled_from([key, key.upper(), key.replace("_", " ")]))
             for key in COLUMNS}
    return Layout(order, names, frozenset(draw(st.sets(st.integers(0, 8), max_size=3))),
                  (draw(st.sampled_from(BLANKS)), draw(st.sampled_from(BLANKS))),
                  draw(st.sampled_from(["\n", "\r\n", "\r"])),
                  draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])))


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ';"') else cell


def write(data: list[Row], layout: Layout) -> tuple[bytes, list[int]]:
    """The file, and the line number of each row."""
    left, right = layout.padding
    lines = [";".join(layout.names[key] for key in layout.order)]
    numbers = []
    for i, row in enumerate(data):
        lines.append(";".join(left + quoted(row.cells[key]) + right for key in layout.order))
        numbers.append(len(lines))
        if i in layout.blank_after:
            lines.append(left)
    text = layout.line_end.join(lines) + layout.line_end
    return text.encode(layout.encoding), numbers


def sheet(data: list[Row]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, COLUMNS)
    for i, row in enumerate(data, start=1):
        ws.write_row(i, 0, [row.cells[key] for key in COLUMNS])
    book.close()
    return out.getvalue()


Outcome = tuple[int, str, tuple[str, ...]]


def outcomes(content: bytes) -> tuple[list[fmt.UserLine], list[Outcome]]:
    found = fmt.read(content)
    valid, refused = fmt.check_lines(found, "fr")
    return valid, sorted((o.line_no, o.code, tuple(o.params.get("columns", ())))
                         for o in refused)


def expected(data: list[Row], numbers: list[int]) -> tuple[list[int], list[int]]:
    """The line numbers accepted and refused: a row with a wrong cell, or whose e-mail
    an earlier accepted row has."""
    seen: set[str] = set()
    accepted, refused = [], []
    for row, number in zip(data, numbers, strict=True):
        if row.ok and row.email_key not in seen:
            assert row.email_key is not None
            seen.add(row.email_key)
            accepted.append(number)
        else:
            refused.append(number)
    return accepted, refused


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=8), layouts())
def test_every_line_is_accepted_or_refused_with_a_documented_code(
        data: list[Row], layout: Layout) -> None:
    content, numbers = write(data, layout)
    valid, refused = outcomes(content)
    accepted, wrong = expected(data, numbers)
    assert [u.line_no for u in valid] == accepted
    assert [line_no for line_no, _, _ in refused] == wrong
    for _, code, columns in refused:
        assert code in fmt.LINE_CODES
        assert set(columns) <= set(COLUMNS)
        assert (code == "user_import.invalid_fields") == bool(columns)
    for user in valid:
        assert user.fields.title in TITLES and user.fields.language in ("en", "fr")
        assert user.rights in fmt.RIGHTS
        assert user.fields.phone.startswith("+") and user.fields.phone[1:].isdigit()
        assert user.fields.last_name == user.fields.last_name.strip() and user.fields.last_name
    keys = [u.email.casefold() for u in valid]
    assert len(keys) == len(set(keys))
    # the same rows, canonically written, read alike
    plain, plain_numbers = write(data, Layout(COLUMNS, {k: k for k in COLUMNS}, frozenset(),
                                              ("", ""), "\n", "utf-8"))
    renumber = dict(zip(numbers, plain_numbers, strict=True))
    again_valid, again_refused = outcomes(plain)
    assert [u.line_no for u in again_valid] == [renumber[u.line_no] for u in valid]
    assert again_refused == [(renumber[n], c, cols) for n, c, cols in refused]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=6))
def test_a_sheet_reads_like_its_csv(data: list[Row]) -> None:
    content, _ = write(data, Layout(COLUMNS, {k: k for k in COLUMNS}, frozenset(),
                                    ("", ""), "\n", "utf-8"))
    assert outcomes(sheet(data)) == outcomes(content)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=200).map(
    lambda t: ("title;last_name;first_name;phone;fax;email\n" + t).encode("utf-8")))
def test_any_bytes_are_refused_with_a_documented_reason_or_read(content: bytes) -> None:
    try:
        found = fmt.read(content)
    except ImportRefused as exc:
        assert exc.reason in fmt.REFUSALS
        return
    valid, refused = fmt.check_lines(found, "en")
    assert len(valid) + len(refused) == found.total
    assert {o.code for o in refused} <= fmt.LINE_CODES


def test_duplicates_empty_cells_and_padding() -> None:
    content = ("\ufeff title ; last_name;first_name;phone;fax;email;language;"
               "default_contract;rights\r\n"
               " mr ;\u00a0Dupont ;Jean;01 23 45 67 89;01 23 45 67 80; a@example.com ;;;\r\n"
               "\r\n"
               "mr;Dupond;Jean;01 23 45 67 89;01 23 45 67 80;A@EXAMPLE.COM;;;\r\n"
               ";;;;;;;;\r\n").encode()
    valid, refused = outcomes(content)
    assert [(u.line_no, u.fields.last_name, u.email, u.fields.language, u.rights)
            for u in valid] == [(2, "Dupont", "a@example.com", "fr", "full")]
    assert refused == [
        (4, "user_import.duplicate_email", ()),
        (5, "user_import.invalid_fields",
         ("title", "last_name", "first_name", "phone", "fax", "email"))]


def test_optional_columns_may_be_left_out_and_labels_named_in_french() -> None:
    content = ("Civilité;Nom;Prénom;Téléphone;Fax;E-mail\n"
               "Mme;Durand;Marie;01 23 45 67 89;01 23 45 67 80;m@example.com\n"
               ).encode("cp1252")
    found = fmt.read(content)
    assert found.encoding == "cp1252"
    valid, refused = fmt.check_lines(found, "en")  # the French civilité read as its code
    assert not refused and (valid[0].fields.title, valid[0].fields.language) == ("mrs", "en")
    content = content.replace(b"Mme;", b"Dr;")
    valid, refused = fmt.check_lines(fmt.read(content), "en")
    assert [(o.code, o.params["columns"]) for o in refused] == \
        [("user_import.invalid_fields", ["title"])]


@pytest.mark.parametrize("count, refused", [(500, False), (501, True)])
def test_at_most_500_lines(count: int, refused: bool) -> None:
    rows_ = "".join(f"mr;N{i};P;01 23 45 67 89;01 23 45 67 80;u{i}@example.com;;;\n"
                    for i in range(count))
    content = ("title;last_name;first_name;phone;fax;email;language;default_contract;"
               "rights\n" + rows_).encode()
    if refused:
        with pytest.raises(ImportRefused) as caught:
            fmt.read(content)
        assert (caught.value.reason, caught.value.params["count"]) == ("too_many_lines", 501)
        return
    valid, bad = fmt.check_lines(fmt.read(content), "en")
    assert (len(valid), bad) == (500, [])


def test_hostile_sheets_are_refused_whole() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (fmt.MAX_XLSX_INFLATED + 1))
    for content, reason in ((bomb.getvalue(), "sheet_too_large"),
                            (b"PK\x03\x04garbage", "sheet_unreadable"),
                            (b"PK\x03\x04" + bytes(fmt.MAX_XLSX_BYTES), "too_large")):
        with pytest.raises(ImportRefused) as caught:
            fmt.read(content)
        assert caught.value.reason == reason
    # a row far down the sheet: refused rather than read through empty rows
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, COLUMNS)
    ws.write(fmt.MAX_SHEET_ROWS + 5, 0, "mr")
    book.close()
    with pytest.raises(ImportRefused) as caught:
        fmt.read(out.getvalue())
    assert caught.value.reason == "sheet_too_long"


def test_templates_read_back_as_an_empty_file() -> None:
    for content in (fmt.template_csv(), fmt.template_xlsx()):
        with pytest.raises(ImportRefused) as caught:
            fmt.read(content)
        assert caught.value.code == "imports.header_only"


def test_sheet_cells_read_as_text() -> None:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet()
    ws.write_row(0, 0, COLUMNS)
    ws.write_row(1, 0, ["mr", "Line\nBreak", "Jean", 33123456789, 33123456780.0,
                        "j@example.com", "en", 1234567, "full"])
    book.close()
    valid, refused = outcomes(out.getvalue())
    assert refused == []
    assert (valid[0].fields.last_name, valid[0].fields.phone, valid[0].default_contract) == \
        ("Line Break", "+33123456789", "1234567")


def test_random_column_order_keeps_the_values_in_their_columns() -> None:
    order = list(COLUMNS)
    random.Random(4).shuffle(order)
    values = {"title": "ms", "last_name": "Martin", "first_name": "Zoé",
              "phone": "+44 20 7946 0958", "fax": "01 23 45 67 80", "email": "z@example.com",
              "language": "en", "default_contract": "P-A", "rights": "read_only"}
    content = (";".join(order) + "\n" + ";".join(values[k] for k in order) + "\n").encode()
    found = fmt.read(content)
    valid, _ = fmt.check_lines(found, "fr")
    user, fields = valid[0], valid[0].fields
    assert (fields.title, fields.last_name, fields.first_name, fields.phone, fields.fax,
            fields.language, user.default_contract, user.rights) == (
        "ms", "Martin", "Zoé", "+442079460958", "+33123456780", "en", "P-A", "read_only")
    assert isinstance(found, pipeline.ReadFile)
