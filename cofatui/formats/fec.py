"""The FEC, "fichier des écritures comptables" (art. A47 A-1 LPF, BOFiP
BOI-CF-IOR-60-40-20; issue 20 item 9): the file a set of books hands the tax office.

- **Writer** (:func:`write_fec`): streams lines to a temporary file beside the target,
  then renames it, so a reader never sees half a file and memory stays flat at a
  million lines. The first line holds the 18 column names; one separator per file (tab
  by default, ``|`` on request); ISO-8859-15 without BOM; CRLF after every line;
  dates AAAAMMJJ; amounts with a decimal comma and 2 decimals, no sign, ``0,00`` on
  the empty side. A tab, ``|``, CR, LF or control character inside a value becomes a
  space; a character ISO-8859-15 lacks is transliterated ("Ł" → "L"), else "?".
- **Reader-checker** (:func:`read_fec`): strict, for these rules — the tests read every
  file the writer makes with it, and a user may check a file with it. The first
  breach raises :class:`FecError` with the line (1: the header), the column name and
  a code (``errors.fec.<code>``).

Pure: no repository, no database. The caller gives the lines in validation order (the
opening entry first); the reader checks that order back (EcritureNum 1, 2, … with each
entry's lines together) and that each entry balances."""

from __future__ import annotations

import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from cofatui.errors import CofaError

#: The 18 columns, in order (art. A47 A-1 LPF).
COLUMNS: tuple[str, ...] = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise")
#: ``FecRequest.separator`` → the character.
SEPARATORS: dict[str, str] = {"tab": "\t", "pipe": "|"}
ENCODING = "iso8859_15"
EOL = b"\r\n"
_CENT = Decimal("0.01")
#: Characters with no decomposition that NFKD cannot bring back to Latin-9.
_TRANSLIT = str.maketrans({
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T",
    "ŧ": "t", "Ŀ": "L", "ŀ": "l", "ſ": "s", "ƒ": "f",
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‹": "<",
    "›": ">", "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...", "•": "-",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "⁄": "/"})
_AMOUNT = re.compile(r"\d+,\d{2}")
_DATE = re.compile(r"\d{8}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_NUMBER = re.compile(r"[1-9]\d*")
#: C0 and C1 controls (a tab is the separator: checked apart).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")
#: A value made only of these needs no work (the fast path of a million lines): the
#: printable characters of ISO-8859-15, less the two separators.
_PRINTABLE = "".join(ch for ch in bytes(range(256)).decode(ENCODING)
                     if unicodedata.category(ch)[0] != "C" and ch not in "\t|")
_SAFE = re.compile(f"[{re.escape(_PRINTABLE)}]*")


@dataclass(frozen=True, slots=True, kw_only=True)
class FecLine:
    """One line of a validated entry, as the FEC writes it."""

    journal_code: str
    journal_label: str
    number: int  # EcritureNum
    entry_date: date
    account: str
    account_label: str
    aux_num: str = ""
    aux_label: str = ""
    piece_ref: str
    piece_date: date
    label: str
    debit: Decimal
    credit: Decimal
    lettering: str = ""  # EcritureLet: no lettering in these books
    lettering_date: date | None = None
    valid_date: date
    currency_amount: Decimal | None = None  # Montantdevise, positive
    currency: str = ""  # Idevise


@dataclass(frozen=True, slots=True)
class FecSummary:
    lines: int
    entries: int
    debit: Decimal
    credit: Decimal


class FecError(CofaError):
    """A breach of the FEC rules: ``line`` (1-based, 1 the header), ``column`` (a
    column's name, "" for the whole line) and ``fec_code`` (``errors.fec.<code>``)."""

    def __init__(self, line: int, column: str, code: str) -> None:
        super().__init__(f"fec.{code}", line=line, column=column)
        self.line = line
        self.column = column
        self.fec_code = code


def file_name(siren: str, closing: date) -> str:
    """``<SIREN>FEC<AAAAMMJJ>.txt``, the closing date of the year."""
    return f"{siren}FEC{closing:%Y%m%d}.txt"


def separator_of(name: str) -> str:
    try:
        return SEPARATORS[name]
    except KeyError:
        raise ValueError(f"unknown FEC separator {name!r}") from None


# -- writing -------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def clean(value: str) -> str:
    """A value the file can hold: separators, line ends and control characters as
    spaces (whatever the file's separator, so either reading holds), Latin-9 kept,
    anything else transliterated or "?", outer spaces trimmed. Cached: account and
    journal labels repeat on every line."""
    if _SAFE.fullmatch(value):
        return value.strip()
    out: list[str] = []
    for ch in value.translate(_TRANSLIT):
        if ch in "\t|" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(" ")
        elif _latin9(ch):
            out.append(ch)
        else:
            out.append(_transliterate(ch))
    return "".join(out).strip()


def _latin9(text: str) -> bool:
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _transliterate(ch: str) -> str:
    """"Ż" → "Z", "ﬁ" → "fi"; a character with no Latin form ("東") → "?"."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", ch)
                   if not unicodedata.combining(c)).translate(_TRANSLIT)
    if bare and _latin9(bare) and all(unicodedata.category(c)[0] != "C" for c in bare):
        return bare
    return "?"


def amount(value: Decimal) -> str:
    """``1234,50``: decimal comma, 2 decimals, no sign, no thousands separator."""
    cents = value.quantize(_CENT)
    if cents < 0:
        raise ValueError(f"negative FEC amount {value}")
    return f"{abs(cents):f}".replace(".", ",")


@functools.lru_cache(maxsize=1024)  # a year has 366 days: formatted once each
def _day(value: date | None) -> str:
    return "" if value is None else f"{value:%Y%m%d}"


def header(separator: str = "\t") -> bytes:
    return separator.join(COLUMNS).encode(ENCODING) + EOL


def line_bytes(line: FecLine, separator: str = "\t") -> bytes:
    """One line, CRLF included. Pairs are written filled or empty together: an
    auxiliary without a label gets its number as label, a currency amount needs its
    currency (else a ValueError: the books' data would be wrong)."""
    aux_num = clean(line.aux_num)
    aux_label = (clean(line.aux_label) or aux_num) if aux_num else ""
    lettering = clean(line.lettering)
    if bool(lettering) != (line.lettering_date is not None):
        raise ValueError("EcritureLet and DateLet go together")
    currency = clean(line.currency)
    if (line.currency_amount is None) != (not currency):
        raise ValueError("Montantdevise and Idevise go together")
    fields = (
        _required(line.journal_code), _required(line.journal_label), str(line.number),
        _day(line.entry_date), _required(line.account), _required(line.account_label),
        aux_num, aux_label, _required(line.piece_ref), _day(line.piece_date),
        _required(line.label), amount(line.debit), amount(line.credit), lettering,
        _day(line.lettering_date), _day(line.valid_date),
        "" if line.currency_amount is None else amount(abs(line.currency_amount)),
        currency)
    return separator.join(fields).encode(ENCODING) + EOL


def _required(value: str) -> str:
    """A value the FEC requires: a label made only of what cannot be written (control
    characters, spaces) is written "?" rather than leave the column empty."""
    return clean(value) or "?"


def write_stream(out: BinaryIO, lines: Iterable[FecLine], separator: str = "\t",
                 progress: Callable[[int], None] | None = None,
                 every: int = 10_000) -> FecSummary:
    """Write the header and ``lines`` to ``out``; ``progress(lines written)`` every
    ``every`` lines (where a job may stop)."""
    if separator not in SEPARATORS.values():
        raise ValueError(f"unknown FEC separator {separator!r}")
    out.write(header(separator))
    count = entries = 0
    debit = credit = Decimal(0)
    last: int | None = None
    for line in lines:
        out.write(line_bytes(line, separator))
        count += 1
        debit += line.debit
        credit += line.credit
        if line.number != last:
            entries, last = entries + 1, line.number
        if progress is not None and count % every == 0:
            progress(count)
    return FecSummary(count, entries, debit, credit)


def write_fec(path: Path, lines: Iterable[FecLine], separator: str = "\t",
              progress: Callable[[int], None] | None = None) -> FecSummary:
    """Write the FEC at ``path``: a temporary file in the same folder (same file
    system), renamed once complete; removed if anything fails."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                     dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 16) as out:
            summary = write_stream(out, lines, separator, progress)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary


# -- reading and checking ---------------------------------------------------------------

def read_fec(source: Path | str | bytes) -> list[FecLine]:
    """Every line of an FEC, checked against the rules above; the first breach raises
    :class:`FecError`. ``source``: the file's path, or its bytes."""
    return list(iter_fec(source))


def iter_fec(source: Path | str | bytes) -> Iterator[FecLine]:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    if not data:
        raise FecError(1, "", "empty")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise FecError(1, "", "bom")
    if not data.endswith(EOL):
        raise FecError(data.count(b"\n") + 1, "", "line_end")
    rows = data[:-2].split(EOL)
    separator = _check_header(rows[0])
    checker = _Entries()
    for index, raw in enumerate(rows[1:], start=2):
        line = _parse(raw, index, separator)
        checker.add(line, index)
        yield line
    checker.finish(len(rows))


def _check_header(raw: bytes) -> str:
    if b"\r" in raw or b"\n" in raw:
        raise FecError(1, "", "line_end")
    text = raw.decode(ENCODING)
    has_tab, has_pipe = "\t" in text, "|" in text
    if has_tab == has_pipe:
        raise FecError(1, "", "separator")
    separator = "\t" if has_tab else "|"
    if tuple(text.split(separator)) != COLUMNS:
        raise FecError(1, "", "header")
    return separator


def _parse(raw: bytes, index: int, separator: str) -> FecLine:
    if not raw:
        raise FecError(index, "", "empty_line")
    if b"\r" in raw or b"\n" in raw:
        raise FecError(index, "", "line_end")
    text = raw.decode(ENCODING)
    other = "|" if separator == "\t" else "\t"
    if other in text:
        raise FecError(index, "", "separator")
    values = text.split(separator)
    if len(values) != len(COLUMNS):
        raise FecError(index, "", "column_count")
    cell = dict(zip(COLUMNS, values, strict=True))
    if _CONTROL.search(text):
        name = next(n for n, v in cell.items() if _CONTROL.search(v))
        raise FecError(index, name, "control_character")
    for name in ("JournalCode", "JournalLib", "EcritureNum", "CompteNum", "CompteLib",
                 "PieceRef", "EcritureLib", "ValidDate"):
        if not cell[name]:
            raise FecError(index, name, "required")
    if not _NUMBER.fullmatch(cell["EcritureNum"]):
        raise FecError(index, "EcritureNum", "number")
    _pair(cell, index, "CompAuxNum", "CompAuxLib")
    _pair(cell, index, "EcritureLet", "DateLet")
    _pair(cell, index, "Montantdevise", "Idevise")
    if cell["Idevise"] and not _CURRENCY.fullmatch(cell["Idevise"]):
        raise FecError(index, "Idevise", "currency")
    debit = _amount(cell, index, "Debit")
    credit = _amount(cell, index, "Credit")
    return FecLine(
        journal_code=cell["JournalCode"], journal_label=cell["JournalLib"],
        number=int(cell["EcritureNum"]), entry_date=_date(cell, index, "EcritureDate"),
        account=cell["CompteNum"], account_label=cell["CompteLib"],
        aux_num=cell["CompAuxNum"], aux_label=cell["CompAuxLib"],
        piece_ref=cell["PieceRef"], piece_date=_date(cell, index, "PieceDate"),
        label=cell["EcritureLib"], debit=debit, credit=credit,
        lettering=cell["EcritureLet"],
        lettering_date=_date(cell, index, "DateLet") if cell["DateLet"] else None,
        valid_date=_date(cell, index, "ValidDate"),
        currency_amount=_amount(cell, index, "Montantdevise") if cell["Idevise"] else None,
        currency=cell["Idevise"])


def _pair(cell: dict[str, str], index: int, first: str, second: str) -> None:
    if bool(cell[first]) != bool(cell[second]):
        raise FecError(index, second if cell[first] else first, "pair")


def _amount(cell: dict[str, str], index: int, name: str) -> Decimal:
    if not _AMOUNT.fullmatch(cell[name]):
        raise FecError(index, name, "amount")
    return Decimal(cell[name].replace(",", "."))


def _date(cell: dict[str, str], index: int, name: str) -> date:
    value = cell[name]
    if not _DATE.fullmatch(value):
        raise FecError(index, name, "date")
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise FecError(index, name, "date") from None


class _Entries:
    """Validation order: EcritureNum 1, then each next number, an entry's lines
    together, one journal and date per entry, each entry balanced; at least one line."""

    def __init__(self) -> None:
        self.number = 0
        self.first: FecLine | None = None
        self.balance = Decimal(0)
        self.last_index = 1

    def add(self, line: FecLine, index: int) -> None:
        if line.number != self.number:
            self._close()
            if line.number != self.number + 1:
                raise FecError(index, "EcritureNum", "order")
            self.number, self.first, self.balance = line.number, line, Decimal(0)
        elif self.first is not None and (line.journal_code, line.entry_date) != (
                self.first.journal_code, self.first.entry_date):
            raise FecError(index, "EcritureDate" if line.journal_code ==
                           self.first.journal_code else "JournalCode", "entry_mixed")
        self.balance += line.debit - line.credit
        self.last_index = index

    def _close(self) -> None:
        if self.first is not None and self.balance != 0:
            raise FecError(self.last_index, "Debit", "unbalanced")

    def finish(self, rows: int) -> None:
        if self.first is None:
            raise FecError(rows, "", "no_lines")
        self._close()
