"""One structural step for every import (issue 12): the claim CSV imports and the
imports described by an ImportSpec both go through ``imports.check_structure``, and a
file that is structurally wrong the same way is refused for the same reason by both;
only the sentence is each import's own."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from unittest import mock

import pytest

from cofatui.formats import imports
from cofatui.formats.claim_csv import parse_invoices, parse_payments
from cofatui.formats.import_kinds import CLIENT_REFERENCES
from cofatui.formats.imports import REFUSALS, ImportRefused, Structure, check_structure, read_file

INVOICE = "IN;{n};22/08/2015;11/10/2015;EUR;100.00;20.00"
STRICT = dataclasses.replace(CLIENT_REFERENCES, refuse_wrong_columns=True, max_lines=100)


def refusal(parse: Callable[[bytes], object], data: bytes) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        parse(data)
    assert caught.value.reason in REFUSALS
    return caught.value


def test_claim_files_and_a_generic_import_call_the_same_structural_step() -> None:
    spy = mock.Mock(wraps=check_structure)
    with mock.patch.object(imports, "check_structure", spy):
        parse_invoices(INVOICE.format(n=1).encode())
        parse_payments(b"SE;1;30/09/2015;EUR;10\n")
        read_file(b"EasyNumber;Client reference\n1;abc\n", CLIENT_REFERENCES)
    structures = [call.args[1] for call in spy.call_args_list]
    assert len(structures) == 3 and all(isinstance(s, Structure) for s in structures)
    assert [s.columns for s in structures[:2]] == [7, 5]  # positional claim columns
    assert structures[2].columns == CLIENT_REFERENCES.columns  # named by the header


def test_most_lines_of_the_wrong_width_are_the_same_refusal_for_both() -> None:
    # Three cells a line: neither an invoice line (7) nor a client reference (2).
    claim = refusal(parse_invoices, b"IN;1;x\nIN;2;y\nIN;3;z\n")
    generic = refusal(lambda b: read_file(b, STRICT),
                      b"EasyNumber;Client reference\n1;a;x\n2;b;y\n3;c;z\n")
    assert claim.reason == generic.reason == "columns"
    assert "3 columns" in str(claim) and "an invoice line has 7" in str(claim)
    assert str(generic) == "Most lines have 3 columns where this file has 2."
    # Without the option a generic import keeps a wrong width as that line's error.
    read = read_file(b"EasyNumber;Client reference\n1;a;x\n2;b\n", CLIENT_REFERENCES)
    assert [(o.line_no, o.code) for o in read.unreadable] == [(2, "imports.cell_count")]


def test_a_missing_separator_is_told_the_same_way_to_both() -> None:
    claim = refusal(parse_invoices, b"IN,1,22/08/2015,11/10/2015,EUR,100,20\n")
    generic = refusal(lambda b: read_file(b, STRICT),
                      b"EasyNumber;Client reference\n1,abc\n2,def\n")
    assert claim.reason == generic.reason == "no_separator"
    assert claim.code == generic.code == "imports.no_separator_commas"
    assert str(claim) == str(generic) == (
        "No “;” separator: the columns of an import file are separated by “;”. It seems "
        "to use “,”: replace the commas between columns by “;”.")


def test_over_the_line_limit_and_empty_files_share_their_reasons() -> None:
    lines = [INVOICE.format(n=i) for i in range(1, 102)]
    claim = refusal(parse_invoices, "\n".join(lines).encode())
    generic = refusal(lambda b: read_file(b, STRICT), b"EasyNumber;Client reference\n"
                      + b"".join(b"%d;r\n" % i for i in range(101)))
    assert claim.reason == generic.reason == "too_many_lines"
    assert "more than 100 invoice lines" in str(claim)
    assert str(generic) == "The file has 101 lines: at most 100 can be imported at once."
    for data in (b"", b"\r\n  \r\n"):
        assert refusal(parse_payments, data).reason == "empty"
        assert refusal(lambda b: read_file(b, STRICT), data).reason == "empty"


def test_a_positional_structure_finds_an_optional_header_by_its_first_cell() -> None:
    structure = Structure(columns=2, max_lines=10, header_words=frozenset({"code"}),
                          skip_empty_rows=True, trailing_empty_cell=True,
                          refuse_wrong_columns=True)
    found = check_structure("CODE;label\n;\n1;a;\n2;b\n", structure)
    assert found.header == ["CODE", "label"]
    assert [(r.line_no, r.cells) for r in found.rows] == [(3, ["1", "a", ""]), (4, ["2", "b"])]
    without = check_structure('1;a\n2;"b\n', structure)
    assert without.header is None
    assert without.rows[1].broken and without.rows[1].cells == ['2;"b']
