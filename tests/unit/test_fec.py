"""The FEC writer and its strict reader-checker (issue 20 item 9): what the tax office's
tools rely on — the header, one separator, ISO-8859-15 without BOM, CRLF, AAAAMMJJ,
amounts with a decimal comma — and that hostile labels still give a valid file."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.formats import fec
from cofatui.formats.fec import FecError, FecLine

JOURNALS = {"AN": "À-nouveaux", "BQ": "Banque", "OD": "Opérations diverses"}
GOLDEN = Path(__file__).parent / "golden" / "fec_demo.txt"
HOSTILE = ("tab\there", "pipe|here", "cr\rlf\nboth\r\n", "bell\x07nul\x00del\x7f",
           "[bold]x[/]", "Żółć", "東京", "€ Œuvre Ÿ", "\u2028sep\u2029", "zero\u200bwidth")


def entry(number: int, day: date, amount: str, *, journal: str = "BQ",
          label: str = "Prime Coface PRM-2026-000001", aux: str = "",
          currency: str = "") -> list[FecLine]:
    money = Decimal(amount)
    common = dict(journal_code=journal, journal_label=JOURNALS[journal], number=number,
                  entry_date=day, piece_ref=f"PRM-{number}", piece_date=day, label=label,
                  valid_date=date(2026, 12, 31))
    return [
        FecLine(account="6166", account_label="Primes d'assurance-crédit", debit=money,
                credit=Decimal(0), aux_num=aux, aux_label=f"{aux} Dupont SA" if aux else "",
                currency_amount=Decimal("110.5") if currency else None, currency=currency,
                **common),  # type: ignore[arg-type]
        FecLine(account="512", account_label="Banque", debit=Decimal(0), credit=money,
                **common),  # type: ignore[arg-type]
    ]


def fixed_lines() -> list[FecLine]:
    return [*entry(1, date(2026, 1, 1), "1500", journal="AN", label="À-nouveaux 2026"),
            *entry(2, date(2026, 3, 31), "1234.5", aux="C-0042", currency="USD"),
            *entry(3, date(2026, 4, 2), "0.07", label="Indemnité Coface DMS-2026-000046")]


def written(lines: list[FecLine], separator: str = "\t") -> bytes:
    out = io.BytesIO()
    fec.write_stream(out, lines, separator)
    return out.getvalue()


# --- the file's form -------------------------------------------------------------------


def test_fixed_lines_give_the_golden_file() -> None:
    data = written(fixed_lines())
    if os.environ.get("COFATUI_WRITE_GOLDEN"):  # after a deliberate change of format
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()


def test_the_golden_file_reads_back_as_its_lines() -> None:
    assert fec.read_fec(GOLDEN.read_bytes()) == fixed_lines()


def test_header_amounts_dates_and_line_ends() -> None:
    data = written(fixed_lines())
    rows = data.split(b"\r\n")
    assert rows[0].decode() == "\t".join(fec.COLUMNS) and len(fec.COLUMNS) == 18
    assert rows[-1] == b"" and b"" not in rows[:-1]  # CRLF after every line, no empty one
    assert b"\n" not in data.replace(b"\r\n", b"")
    fourth = rows[3].decode("iso8859_15").split("\t")
    assert fourth[3] == "20260331" and fourth[11] == "1234,50" and fourth[12] == "0,00"
    assert fourth[6:8] == ["C-0042", "C-0042 Dupont SA"] and fourth[16:] == ["110,50", "USD"]
    fifth = rows[4].decode("iso8859_15").split("\t")
    assert fifth[6:8] == ["", ""] and fifth[16:] == ["", ""]  # pairs empty together


def test_pipe_separator_is_the_only_one() -> None:
    data = written(fixed_lines(), "|")
    assert b"\t" not in data
    assert fec.read_fec(data) == fixed_lines()


def test_encoding_is_latin9_without_bom() -> None:
    data = written(entry(1, date(2026, 1, 5), "10", label="Réglé € Œuvre"))
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "Réglé € Œuvre".encode("iso8859_15") in data


def test_file_name_has_siren_and_closing_date() -> None:
    assert fec.file_name("732829320", date(2025, 12, 31)) == "732829320FEC20251231.txt"


# --- hostile labels ----------------------------------------------------------------------


@pytest.mark.parametrize("label", HOSTILE)
@pytest.mark.parametrize("separator", ["\t", "|"])
def test_a_hostile_label_still_gives_a_valid_file(label: str, separator: str) -> None:
    lines = entry(1, date(2026, 2, 1), "99.99", label=label, aux=label)
    back = fec.read_fec(written(lines, separator))
    assert len(back) == 2
    for value in (back[0].label, back[0].aux_num, back[0].aux_label):
        assert not any(c in value for c in "\t|\r\n\x00\x07\x7f")


def test_transliteration() -> None:
    assert fec.clean("Żółć") == "Zólc"  # ó is Latin-9, Ż/ć decompose, ł from the table
    assert fec.clean("東京") == "??"
    assert fec.clean("[bold]x[/]") == "[bold]x[/]"  # markup is text in a FEC
    assert fec.clean("a\tb|c\r\nd") == "a b c  d"


# --- write to a path -----------------------------------------------------------------------


def test_write_fec_renames_a_complete_file(tmp_path: Path) -> None:
    target = tmp_path / fec.file_name("732829320", date(2026, 12, 31))
    summary = fec.write_fec(target, fixed_lines())
    assert (summary.lines, summary.entries) == (6, 3)
    assert summary.debit == summary.credit == Decimal("2734.57")
    assert fec.read_fec(target) == fixed_lines()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> object:
        yield from fixed_lines()
        raise RuntimeError("the database went away")

    target = tmp_path / "x.txt"
    with pytest.raises(RuntimeError):
        fec.write_fec(target, broken())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


# --- the checker refuses what breaks the rules -------------------------------------------


GOOD = written(fixed_lines())


@pytest.mark.parametrize(("data", "line", "column", "code"), [
    (b"", 1, "", "empty"),
    (b"\xef\xbb\xbf" + GOOD, 1, "", "bom"),
    (GOOD[:-2], 7, "", "line_end"),
    (GOOD.replace(b"\r\n", b"\n", 1), 1, "", "line_end"),
    (GOOD.replace(b"JournalLib", b"JournalLabel"), 1, "", "header"),
    (GOOD + b"\r\n", 8, "", "empty_line"),
    (GOOD.replace(b"1234,50", b"1234.50"), 4, "Debit", "amount"),
    (GOOD.replace(b"1234,50", b"1 234,50"), 4, "Debit", "amount"),
    (GOOD.replace(b"20260331", b"2026-03-31", 1), 4, "EcritureDate", "date"),
    (GOOD.replace(b"20260331", b"20260231", 1), 4, "EcritureDate", "date"),
    (GOOD.replace(b"\tUSD", b"\t"), 4, "Idevise", "pair"),
    (GOOD.replace(b"C-0042 Dupont SA", b""), 4, "CompAuxLib", "pair"),
    (GOOD.replace(b"\tUSD", b"\tusd"), 4, "Idevise", "currency"),
    (GOOD.replace(b"Indemnit\xe9", b"Indem|nit\xe9", 1), 6, "", "separator"),
    (GOOD.replace(b"Indemnit\xe9", b"Indem\x01nit\xe9", 1), 6, "EcritureLib",
     "control_character"),
    (GOOD.replace(b"\t2\t", b"\t4\t"), 4, "EcritureNum", "order"),
    (GOOD.replace(b"\t1\t", b"\t0\t"), 2, "EcritureNum", "number"),
    (GOOD.replace(b"0,07\t0,00", b"0,08\t0,00"), 7, "Debit", "unbalanced"),
    (fec.header(), 1, "", "no_lines"),
])
def test_the_checker_names_line_column_and_code(data: bytes, line: int, column: str,
                                                 code: str) -> None:
    with pytest.raises(FecError) as caught:
        fec.read_fec(data)
    assert (caught.value.line, caught.value.column, caught.value.fec_code) == (line, column,
                                                                             code)
    assert caught.value.code == f"fec.{code}"


def test_the_checker_refuses_an_entry_over_two_dates() -> None:
    lines = entry(1, date(2026, 1, 1), "5")
    mixed = [lines[0], replace(lines[1], entry_date=date(2026, 1, 2))]
    with pytest.raises(FecError) as caught:
        fec.read_fec(written(mixed))
    assert (caught.value.line, caught.value.fec_code) == (3, "entry_mixed")


# --- round trip -----------------------------------------------------------------------------

_text = st.text(max_size=30)
_cents = st.integers(min_value=0, max_value=10**11).map(lambda c: Decimal(c) / 100)


@st.composite
def _entries(draw: st.DrawFn) -> list[FecLine]:
    lines: list[FecLine] = []
    day = date(2026, 1, 1)
    for number in range(1, draw(st.integers(1, 6)) + 1):
        day += timedelta(days=draw(st.integers(0, 40)))
        amounts = draw(st.lists(_cents, min_size=1, max_size=3))
        label, aux = draw(_text), draw(_text)
        currency = draw(st.sampled_from(["", "USD", "GBP"]))
        common = dict(journal_code="OD", journal_label="Opérations diverses",
                      number=number, entry_date=day, piece_ref=f"P{number}",
                      piece_date=day, label=label, valid_date=date(2027, 1, 15))
        for index, money in enumerate(amounts):
            lines.append(FecLine(account=f"41{index}", account_label="Clients",
                                 aux_num=aux, aux_label=draw(_text), debit=money,
                                 credit=Decimal(0),
                                 currency_amount=money if currency else None,
                                 currency=currency, **common))  # type: ignore[arg-type]
        lines.append(FecLine(account="416", account_label="Clients douteux",
                             debit=Decimal(0), credit=sum(amounts, Decimal(0)),
                             **common))  # type: ignore[arg-type]
    return lines


@settings(max_examples=60, deadline=None)
@given(lines=_entries(), pipe=st.booleans())
def test_round_trip_keeps_numbers_dates_amounts_and_clean_text(lines: list[FecLine],
                                                               pipe: bool) -> None:
    back = fec.read_fec(written(lines, "|" if pipe else "\t"))
    assert len(back) == len(lines)
    for mine, read in zip(lines, back, strict=True):
        assert (read.number, read.entry_date, read.account, read.debit, read.credit,
                read.valid_date, read.currency_amount, read.currency) == (
            mine.number, mine.entry_date, mine.account, mine.debit, mine.credit,
            mine.valid_date, mine.currency_amount, mine.currency)
        assert read.label == (fec.clean(mine.label) or "?")
        assert read.aux_num == fec.clean(mine.aux_num)
        assert bool(read.aux_label) == bool(read.aux_num)
