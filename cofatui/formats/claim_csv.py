"""Invoice and payment CSV imports of a claim (SPEC §6, seed 000 "importation de
factures / des paiements"), and their downloadable templates.

A file is either **refused whole** (:class:`ImportRefused`, with the reason) when it is
badly structured — empty, not text, no ``;`` at all, more than 100 lines, most lines
with the wrong number of columns: the import pipeline's reading and structural steps
(:mod:`cofatui.formats.imports`), with this module's words — or **read line by line**:
every line becomes a :class:`ParsedLine` holding its raw cells, the values read from
them (None where a cell is faulty) and the faulty fields as ``FieldError(field=column,
code, params, line=line number in the file)``; the notes on the file are
:class:`Note` codes too. The UI shows the lines as an editable grid;
after the user edits a cell it calls :func:`revalidate_invoice` /
:func:`revalidate_payment` for that one line and puts the result back with
``replace_line``. The lines are handed over only when every one is valid
(``to_invoice_inputs()`` / ``to_payment_inputs()``): an import is all-or-nothing, never
a partial list.

Format (the spec wins over the seed where they differ):

- ``;``-separated; invoices have 7 columns — type (AG, IN, PLP, OUB), reference (digits
  only), invoice date, initial due date, currency, amount **including** tax, tax —,
  payments 5 — type (CN, SE), invoice reference(s) separated by commas, date, currency,
  amount including tax. Every column is mandatory (tax 0 when there is none).
- An invoice's amount is its total, tax included, and the tax is part of it (seed 000
  "Montant total de la facture (toutes taxes incluses)"): a tax above the amount, equal
  to it, or above what is left without it is an error at the tax cell; the invoice
  line handed over holds the amount excluding tax, derived (amount − tax), as the form
  types it.
- At most 100 data lines. Blank lines, and lines of separators only (what a
  spreadsheet writes for an empty row), are ignored and not counted.
- An optional header: the first non-blank line is a header when its first cell is a
  column name (``Type``, ``type de facture``, ``Invoice type``… — any case, see
  ``HEADER_WORDS``); it is skipped and not counted.
- One extra empty column at the end of a line (a trailing ``;``) is tolerated.
- Types are case-insensitive (the seed writes ``In``). Currencies are ISO 4217 codes
  (lower case accepted). Amounts: see :mod:`cofatui.formats.claim_cells`.
- Dates: the seed says mm/dd/yyyy but its example is dd/mm/yyyy, so both are read, and
  also year-first ``yyyy-mm-dd``. A day over 12 tells the order; the order most lines
  show is the file's order (``date_order_used``), and a line that can only be read the
  other way gets an error at that date. When no date tells (every one could be read
  both ways), the user's ``date_order`` setting decides and a note says so
  (``date_order_source == "setting"``). A tie between lines also falls to the setting.
- Encoding: UTF-8 with or without byte-order mark, else Windows-1252 (a note says so);
  CRLF, LF or CR line ends (:mod:`cofatui.formats.csv_lines`).
- The claim rules on dates (invoice or payment date not in the future, due date not
  before the invoice date) are checked at import too when ``today`` is given, with the
  refusals of :mod:`cofatui.rules.claims`; ``known_invoices`` does the same for the
  invoices a payment names.

``FieldError.field`` is a column name (``INVOICE_COLUMNS`` / ``PAYMENT_COLUMNS``), or
``"line"`` for a fault of the whole line (number of columns, quoting). The same invoice
(type and reference) or the same payment (type, references, date, currency, amount)
twice in a file is an error at the second one (``file_errors``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Generic, Literal, Self, TypeVar

from cofatui.enums import InvoiceType, PaymentType
from cofatui.errors import FieldError, ValidationFailed, message_text
from cofatui.formats import imports
from cofatui.formats.claim_cells import (
    AMOUNT,
    INVOICE_REFERENCE,
    ORDER_PATTERN,
    TAX,
    CellError,
    DateOrder,
    DateReading,
    currency_precision,
    read_amount,
    read_currency,
    read_date,
    read_digits,
    read_reference_list,
    read_type,
)
from cofatui.formats.csv_lines import BLANKS, ImportRefused, decode
from cofatui.i18n.messages import Term
from cofatui.rules.claims import (
    MAX_REFERENCE,
    InvoiceInput,
    PaymentInput,
    invoice_line_refusals,
    payment_key,
    payment_line_refusals,
)

__all__ = [
    "COLUMN_LABELS",
    "HEADER_WORDS",
    "INVOICE_COLUMNS",
    "MAX_LINES",
    "PAYMENT_COLUMNS",
    "DateOrder",
    "DateOrderSource",
    "ImportRefused",
    "InvoiceImport",
    "Note",
    "ParsedLine",
    "PaymentImport",
    "invoice_template",
    "parse_invoices",
    "parse_payments",
    "payment_template",
    "revalidate_invoice",
    "revalidate_payment",
]

MAX_LINES = 100
INVOICE_COLUMNS = ("type", "reference", "invoice_date", "due_date", "currency", "amount", "tax")
PAYMENT_COLUMNS = ("type", "references", "date", "currency", "amount")
HEADER_WORDS = frozenset({
    "type", "types", "code", "type de facture", "type de paiement", "type de demande",
    "type de demandes", "invoice type", "payment type",
})
#: Every column, as the refusals name it.
COLUMN_LABELS = {column: Term(f"errors.imports.column.{column}") for column in (
    "type", "reference", "references", "invoice_date", "due_date", "date", "currency",
    "amount", "tax")}
DateOrderSource = Literal["data", "setting", "not_needed"]

R = TypeVar("R", InvoiceInput, PaymentInput)

_INVOICE_TYPES = Term("errors.imports.types.invoice")
_PAYMENT_TYPES = Term("errors.imports.types.payment")
#: The date orders, as the refusals and notes name them.
_PATTERN = {order: Term(f"errors.imports.pattern.{order}") for order in ORDER_PATTERN}


@dataclass(frozen=True)
class Note:
    """Something the user should know about how a file was read: a code and its
    parameters; ``str()`` is the note in the UI language."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, language: str | None = None) -> str:
        return message_text(self.code, self.params, language)

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class ParsedLine(Generic[R]):
    """One data line of an import, ready for an editable grid."""

    line_no: int  # in the file, 1-based, as an editor counts (header and blanks included)
    cells: list[str]  # the raw cells, stripped (their number may be wrong: see errors)
    values: dict[str, Any]  # column → value read (str, date, Decimal, tuple) or None
    errors: list[FieldError]
    record: R | None  # the line as the claim rules take it, when it has no error

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_at(self, column: str) -> str | None:
        return next((e.message for e in self.errors if e.field == column), None)


@dataclass(frozen=True)
class _ClaimImport(Generic[R]):
    lines: list[ParsedLine[R]]
    encoding: str  # "utf-8", "utf-8-sig" or "cp1252"
    has_header: bool
    date_order_used: DateOrder
    date_order_source: DateOrderSource
    notes: list[Note] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return all(line.ok for line in self.lines) and not self.file_errors

    @property
    def file_errors(self) -> list[FieldError]:
        """Faults between lines (an invoice listed twice), recomputed from the current
        lines, so a correction put back with ``replace_line`` clears or raises them."""
        return []

    @property
    def errors(self) -> list[FieldError]:
        """Every fault, line by line (a line's own faults, then those between lines)."""
        found = [e for line in self.lines for e in line.errors] + self.file_errors
        return sorted(found, key=lambda e: e.line or 0)

    def records(self) -> list[R]:
        """Every line's record, or ``ValidationFailed`` with every error: never a part."""
        errors = self.errors
        if errors:
            raise ValidationFailed(errors)
        return [line.record for line in self.lines if line.record is not None]

    def replace_line(self, line: ParsedLine[R]) -> Self:
        """A copy with the line of the same ``line_no`` replaced (after a correction)."""
        if not any(old.line_no == line.line_no for old in self.lines):
            raise ValueError(f"No line {line.line_no} in this import")
        lines = [line if old.line_no == line.line_no else old for old in self.lines]
        return dataclasses.replace(self, lines=lines)


@dataclass(frozen=True)
class InvoiceImport(_ClaimImport[InvoiceInput]):
    def to_invoice_inputs(self) -> list[InvoiceInput]:
        return self.records()

    @property
    def file_errors(self) -> list[FieldError]:
        """The same type and reference twice is one invoice declared twice (an IN and a
        PLP line may share a reference: interest on that invoice)."""
        def key(line: ParsedLine[InvoiceInput]) -> tuple[str, str] | None:
            type_, reference = line.values.get("type"), line.values.get("reference")
            return None if type_ is None or reference is None else (type_, reference)

        return _repeated(self.lines, key, "reference", "imports.same_invoice_as")


@dataclass(frozen=True)
class PaymentImport(_ClaimImport[PaymentInput]):
    def to_payment_inputs(self) -> list[PaymentInput]:
        return self.records()

    @property
    def file_errors(self) -> list[FieldError]:
        """The same payment twice (type, references, date, currency and amount): the
        file would count it twice."""
        def key(line: ParsedLine[PaymentInput]) -> Any:
            return payment_key(line.record) if line.record is not None else None

        return _repeated(self.lines, key, "amount", "imports.same_payment_as")


def _repeated(lines: Sequence[ParsedLine[Any]], key: Callable[[ParsedLine[Any]], Any],
              column: str, code: str) -> list[FieldError]:
    """An error ``code`` at ``column`` of every line whose key an earlier line has (None:
    not compared, a faulty line); parameter ``first``: that earlier line."""
    first: dict[Any, int] = {}
    errors: list[FieldError] = []
    for line in lines:
        k = key(line)
        if k is None:
            continue
        if k in first:
            errors.append(FieldError(column, code, {"first": first[k]}, line=line.line_no))
        else:
            first[k] = line.line_no
    return errors


# --- one kind of file: columns, cell readers, record builder ------------------------------

@dataclass(frozen=True)
class _Kind(Generic[R]):
    name: str  # "invoice" or "payment"
    columns: tuple[str, ...]
    date_columns: tuple[str, ...]
    read: Callable[[list[str], str, Collection[str] | None], tuple[dict[str, Any],
                                                                     dict[str, FieldError]]]
    build: Callable[[dict[str, Any]], R]
    problems: Callable[[R, date | None], list[FieldError]]
    attribute_column: dict[str, str]
    structure: imports.Structure  # the pipeline's structural step, with the claim's words

    @property
    def a_line(self) -> Term:
        return _a_line(self.name)

    @property
    def labels(self) -> list[Term]:
        return _labels(self.columns)


def _a_line(name: str) -> Term:
    """``an invoice line``, ``a payment line``."""
    return Term(f"errors.imports.a_line.{name}")


def _labels(columns: tuple[str, ...]) -> list[Term]:
    return [COLUMN_LABELS[c] for c in columns]


@dataclass(frozen=True)
class _Wording(imports.Wording):
    """The claim files' refusals name their kind of line and guess the mistake (the
    other kind of file, a decimal comma become a separator)."""

    name: str  # "invoice" or "payment"
    columns: tuple[str, ...]
    other: str  # the other kind of claim file, and its number of columns
    other_columns: int

    def empty(self, has_header: bool) -> ImportRefused:
        return ImportRefused("imports.no_line_header_only" if has_header else "imports.no_line",
                             reason="empty", kind=self._kind)

    def too_many_lines(self, count: int, limit: int) -> ImportRefused:
        return ImportRefused("imports.claim_too_many_lines", reason="too_many_lines",
                             max=limit, kind=self._kind)

    def wrong_columns(self, common: int, expected: int) -> ImportRefused:
        code = ("imports.claim_wrong_columns_other_file" if common == self.other_columns
                else "imports.claim_wrong_columns_comma" if common > len(self.columns)
                else "imports.claim_wrong_columns")
        return ImportRefused(code, reason="columns", found=common, a_line=_a_line(self.name),
                             count=expected, labels=_labels(self.columns),
                             other=Term(f"errors.imports.a_file.{self.other}"))

    @property
    def _kind(self) -> Term:
        return Term(f"errors.imports.kind.{self.name}")


def _structure(name: str, columns: tuple[str, ...], other: str,
               other_columns: tuple[str, ...]) -> imports.Structure:
    """Positional columns, an optional header found by ``HEADER_WORDS``, empty rows and
    a trailing ``;`` tolerated, most lines of the wrong width refuse the file."""
    return imports.Structure(
        columns=len(columns), max_lines=MAX_LINES, header_words=HEADER_WORDS,
        skip_empty_rows=True, trailing_empty_cell=True, refuse_wrong_columns=True,
        wording=_Wording(name, columns, other, len(other_columns)))


def _read_cell(values: dict[str, Any], errors: dict[str, FieldError], column: str,
               reader: Callable[[], Any]) -> None:
    try:
        values[column] = reader()
    except CellError as exc:
        values[column] = None
        errors[column] = FieldError(column, exc.code, exc.params)


def _read_invoice(cells: list[str], default_currency: str, known: Collection[str] | None
                  ) -> tuple[dict[str, Any], dict[str, FieldError]]:
    values: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    codes = tuple(InvoiceType.__members__)
    _read_cell(values, errors, "type", lambda: read_type(cells[0], codes, _INVOICE_TYPES))
    _read_cell(values, errors, "reference",
               lambda: read_digits(cells[1], INVOICE_REFERENCE, MAX_REFERENCE))
    _read_cell(values, errors, "invoice_date", lambda: read_date(cells[2]))
    _read_cell(values, errors, "due_date", lambda: read_date(cells[3]))
    _read_cell(values, errors, "currency", lambda: read_currency(cells[4], default_currency))
    currency = values["currency"]
    precision = currency_precision(currency) if currency else 2
    _read_cell(values, errors, "amount",
               lambda: read_amount(cells[5], precision, currency, AMOUNT))
    _read_cell(values, errors, "tax", lambda: read_amount(cells[6], precision, currency, TAX))
    if "amount" not in errors and "tax" not in errors:
        problem = tax_problem(values["amount"], values["tax"])
        if problem:
            errors["tax"] = problem
    return values, errors


def tax_problem(amount: Decimal, tax: Decimal) -> FieldError | None:
    """What is wrong with a tax that is part of ``amount`` (the total including tax), a
    refusal of the ``tax`` cell; None when the amount excluding tax (amount − tax) can
    be derived. Signs are the line rules' business."""
    if amount <= 0 or tax < 0:
        return None
    if tax > amount:
        return FieldError("tax", "imports.tax_above_amount", {"tax": tax, "amount": amount})
    if tax == amount:
        return FieldError("tax", "imports.tax_equals_amount")
    if tax > amount - tax:
        return FieldError("tax", "imports.tax_above_excluding",
                          {"tax": tax, "excluding": amount - tax})
    return None


def _read_payment(cells: list[str], default_currency: str, known: Collection[str] | None
                  ) -> tuple[dict[str, Any], dict[str, FieldError]]:
    values: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    codes = tuple(PaymentType.__members__)
    _read_cell(values, errors, "type", lambda: read_type(cells[0], codes, _PAYMENT_TYPES))
    _read_cell(values, errors, "references", lambda: read_reference_list(cells[1],
                                                                         MAX_REFERENCE))
    refs = values["references"]
    if refs and known is not None:
        unknown = [r for r in refs if r not in known]
        if unknown:
            errors["references"] = FieldError("references", "imports.not_in_claim",
                                              {"invoices": unknown, "count": len(unknown)})
    _read_cell(values, errors, "date", lambda: read_date(cells[2]))
    _read_cell(values, errors, "currency", lambda: read_currency(cells[3], default_currency))
    currency = values["currency"]
    precision = currency_precision(currency) if currency else 2
    _read_cell(values, errors, "amount",
               lambda: read_amount(cells[4], precision, currency, AMOUNT))
    return values, errors


def _build_invoice(v: dict[str, Any]) -> InvoiceInput:
    # The file's amount includes the tax; the claim's line holds it excluding tax.
    return InvoiceInput(type=v["type"], number=v["reference"], invoice_date=v["invoice_date"],
                        due_date=v["due_date"], currency=v["currency"],
                        amount_excl_tax=v["amount"] - v["tax"], tax=v["tax"])


def _build_payment(v: dict[str, Any]) -> PaymentInput:
    return PaymentInput(type=v["type"], invoice_references=v["references"],
                        payment_date=v["date"], currency=v["currency"], amount=v["amount"])


_INVOICES: _Kind[InvoiceInput] = _Kind(
    "invoice", INVOICE_COLUMNS, ("invoice_date", "due_date"), _read_invoice, _build_invoice,
    invoice_line_refusals,
    {"type": "type", "number": "reference", "invoice_date": "invoice_date",
     "due_date": "due_date", "currency": "currency", "amount_excl_tax": "amount",
     "tax": "tax"},
    _structure("invoice", INVOICE_COLUMNS, "payment", PAYMENT_COLUMNS),
)
_PAYMENTS: _Kind[PaymentInput] = _Kind(
    "payment", PAYMENT_COLUMNS, ("date",), _read_payment, _build_payment,
    payment_line_refusals,
    {"type": "type", "invoice_references": "references", "payment_date": "date",
     "currency": "currency", "amount": "amount"},
    _structure("payment", PAYMENT_COLUMNS, "invoice", INVOICE_COLUMNS),
)


# --- public entry points ------------------------------------------------------------------

def parse_invoices(data: bytes, *, date_order: DateOrder = "DMY", default_currency: str = "EUR",
                   today: date | None = None) -> InvoiceImport:
    """Read an invoice import file; raises :class:`ImportRefused` when it is refused whole."""
    return _parse(InvoiceImport, _INVOICES, data, date_order, default_currency, today, None)


def parse_payments(data: bytes, *, date_order: DateOrder = "DMY", default_currency: str = "EUR",
                   today: date | None = None,
                   known_invoices: Collection[str] | None = None) -> PaymentImport:
    """Read a payment import file; ``known_invoices``, when given, are the references a
    payment may name (the claim's invoices)."""
    return _parse(PaymentImport, _PAYMENTS, data, date_order, default_currency, today,
                  known_invoices)


def revalidate_invoice(cells: Sequence[str], line_no: int, date_order: DateOrder, *,
                       default_currency: str = "EUR",
                       today: date | None = None) -> ParsedLine[InvoiceInput]:
    """Read one corrected line again, with the file's date order (``date_order_used``)."""
    return _revalidate(_INVOICES, cells, line_no, date_order, default_currency, today, None)


def revalidate_payment(cells: Sequence[str], line_no: int, date_order: DateOrder, *,
                       default_currency: str = "EUR", today: date | None = None,
                       known_invoices: Collection[str] | None = None,
                       ) -> ParsedLine[PaymentInput]:
    return _revalidate(_PAYMENTS, cells, line_no, date_order, default_currency, today,
                       known_invoices)


# --- the file ------------------------------------------------------------------------------

@dataclass
class _Pending:
    """A line between reading its cells and knowing the file's date order."""

    line_no: int
    cells: list[str]
    values: dict[str, Any]
    errors: dict[str, FieldError]
    line_error: FieldError | None = None


ImportT = TypeVar("ImportT", InvoiceImport, PaymentImport)
# line number, cells, why the cells cannot be read (a refusal of the whole line)
_Row = tuple[int, list[str], FieldError | None]


def _parse(result: type[ImportT], kind: _Kind[Any], data: bytes, configured: DateOrder,
           default_currency: str, today: date | None,
           known: Collection[str] | None) -> ImportT:
    if configured not in ORDER_PATTERN:
        raise ValueError(f"date_order must be DMY or MDY, not {configured!r}")
    text = decode(data)
    rows, has_header = _data_rows(text.text, kind)
    pending = [_read_line(kind, line_no, cells, default_currency, known, broken)
               for line_no, cells, broken in rows]
    order, source, why, note = _decide_order(pending, kind, configured)
    lines = [_finish(kind, p, order, why, today) for p in pending]
    notes: list[Note] = []
    if text.encoding == "cp1252":
        notes.append(Note("imports.note_cp1252"))
    if has_header:
        notes.append(Note("imports.note_header_skipped"))
    if note:
        notes.append(note)
    return result(lines=lines, encoding=text.encoding, has_header=has_header,
                  date_order_used=order, date_order_source=source, notes=notes)


def _data_rows(text: str, kind: _Kind[Any]) -> tuple[list[_Row], bool]:
    """The data lines' cells, after the pipeline's structural step (which refuses a file
    whole) run with the kind's :class:`~cofatui.formats.imports.Structure`."""
    found = imports.check_structure(text, kind.structure)
    rows: list[_Row] = [
        (row.line_no, row.cells,
         None if row.broken is None else
         FieldError("line", "imports.line_unreadable", {"problem": Term(f"errors.{row.broken}")}))
        for row in found.rows]
    return rows, found.header is not None


def _read_line(kind: _Kind[Any], line_no: int, cells: list[str], default_currency: str,
               known: Collection[str] | None, broken: FieldError | None = None) -> _Pending:
    if broken is not None:
        return _Pending(line_no, cells, {}, {}, broken)
    if len(cells) == len(kind.columns) + 1 and cells[-1] == "":
        cells = cells[:-1]
    if len(cells) != len(kind.columns):
        references = kind is _PAYMENTS and len(cells) > len(kind.columns) and all(
            c.isascii() and c.isdigit() for c in cells[1:2 + len(cells) - 5])
        return _Pending(line_no, cells, {}, {}, FieldError(
            "line", "imports.line_columns_references" if references else "imports.line_columns",
            {"found": len(cells), "a_line": kind.a_line, "count": len(kind.columns),
             "labels": kind.labels}))
    values, errors = kind.read(cells, default_currency, known)
    return _Pending(line_no, cells, values, errors)


def _decide_order(pending: list[_Pending], kind: _Kind[Any], configured: DateOrder
                  ) -> tuple[DateOrder, DateOrderSource, Term, Note | None]:
    """The file's date order, how it was decided, the words that explain it in an error,
    and the note for the user (None when there is nothing to say)."""
    evidence: dict[DateOrder, list[tuple[int, str]]] = {"DMY": [], "MDY": []}
    ambiguous = False
    for p in pending:
        seen: set[DateOrder] = set()
        for column in kind.date_columns:
            reading = p.values.get(column)
            if not isinstance(reading, DateReading):
                continue
            ambiguous = ambiguous or reading.ambiguous
            only = reading.only
            if only and only not in seen:
                seen.add(only)
                evidence[only].append((p.line_no, p.cells[kind.columns.index(column)]))
    dmy, mdy = len(evidence["DMY"]), len(evidence["MDY"])
    if dmy != mdy:
        order: DateOrder = "DMY" if dmy > mdy else "MDY"
        line_no, sample = evidence[order][0]
        why = Term.of("errors.imports.order.file", pattern=_PATTERN[order], line=line_no,
                      sample=sample)
        other = dmy if order == "MDY" else mdy
        note = (Note("imports.note_order_file_others", {"order": why, "count": other}) if other
                else Note("imports.note_order_file", {"order": why}))
        return order, "data", why, note
    pattern = _PATTERN[configured]
    setting = Term.of("errors.imports.order.setting", pattern=pattern)
    if dmy:
        return configured, "setting", setting, Note("imports.note_order_tie",
                                                    {"pattern": pattern})
    if ambiguous:
        return configured, "setting", setting, Note("imports.note_order_ambiguous",
                                                    {"pattern": pattern})
    return configured, "not_needed", setting, None


def _finish(kind: _Kind[R], p: _Pending, order: DateOrder, why: Term,
            today: date | None) -> ParsedLine[R]:
    if p.line_error is not None:
        return ParsedLine(p.line_no, p.cells, dict.fromkeys(kind.columns),
                          [_on_line(p.line_error, p.line_no)], None)
    values = dict(p.values)
    errors = dict(p.errors)
    for column in kind.date_columns:
        reading = values.get(column)
        if isinstance(reading, DateReading):
            values[column] = reading.in_order(order)
            if values[column] is None:
                text = p.cells[kind.columns.index(column)]
                errors[column] = FieldError(column, "imports.date_not_in_order",
                                            {"value": text, "order": why})
    # The line rules run even when some cells are faulty, on stand-ins for those cells,
    # so that every fault shows at once; a rule's message never replaces a cell's own.
    candidate = kind.build(_with_stand_ins(kind, values, errors))
    for problem in kind.problems(candidate, today):
        errors.setdefault(kind.attribute_column[problem.field], problem)
    record = None if errors else candidate
    field_errors = [_on_line(errors[c], p.line_no, c) for c in kind.columns if c in errors]
    return ParsedLine(p.line_no, p.cells, values, field_errors, record)


def _on_line(error: FieldError, line_no: int, column: str | None = None) -> FieldError:
    """``error`` at ``column`` (default: its own field) of the file's line ``line_no``."""
    return FieldError(column or error.field, error.code, error.params, line=line_no)


_STAND_INS: dict[str, Any] = {
    "reference": "0", "references": ("0",), "currency": "EUR",
    "amount": Decimal(1), "tax": Decimal(0),
}


def _with_stand_ins(kind: _Kind[Any], values: dict[str, Any],
                    errors: dict[str, FieldError]) -> dict[str, Any]:
    """Values where every faulty cell holds a harmless stand-in (a missing date takes the
    line's other date, so that no rule between two dates fires on a stand-in)."""
    if not errors:
        return values
    out = dict(values)
    known = [values[c] for c in kind.date_columns if c not in errors]
    for column in errors:
        if column in kind.date_columns:
            out[column] = known[0] if known else date(2000, 1, 1)
        else:
            out[column] = _STAND_INS[column] if column != "type" else (
                "IN" if kind is _INVOICES else "SE")
    if kind is _INVOICES and "amount" in errors and "tax" not in errors:
        # The tax is part of the amount: a stand-in amount leaves more than the real
        # tax excluding tax, so only the tax's own rules (its sign) speak about it.
        out["amount"] = 2 * max(values["tax"], Decimal(0)) + 1
    return out


def _revalidate(kind: _Kind[R], cells: Sequence[str], line_no: int, order: DateOrder,
                default_currency: str, today: date | None,
                known: Collection[str] | None) -> ParsedLine[R]:
    if order not in ORDER_PATTERN:
        raise ValueError(f"date_order must be DMY or MDY, not {order!r}")
    stripped = [str(c).strip(BLANKS) for c in cells]
    pending = _read_line(kind, line_no, stripped, default_currency, known)
    return _finish(kind, pending, order,
                   Term.of("errors.imports.order.used", pattern=_PATTERN[order]), today)


# --- templates -----------------------------------------------------------------------------

_TEMPLATE_HEADINGS = {
    ("invoice", "en"): "Type;Reference;Invoice date;Initial due date;Currency;"
                       "Amount incl. tax;Tax included in the amount",
    ("invoice", "fr"): "Type;Référence;Date;Date d'échéance initiale;Devise;Montant TTC;"
                       "Taxes comprises dans le montant",
    ("payment", "en"): "Type;Invoice references;Date;Currency;Amount incl. tax",
    ("payment", "fr"): "Type;Référence(s) de facture;Date;Devise;Montant TTC",
}
_TEMPLATE_EXAMPLE = {
    "invoice": "IN;1234;22/08/2015;11/10/2015;USD;1526.23;0",  # seed 000's example line
    "payment": "SE;1234;30/09/2015;USD;1526.23",
}


def _template(kind: str, language: str) -> bytes:
    headings = _TEMPLATE_HEADINGS.get((kind, language)) or _TEMPLATE_HEADINGS[(kind, "en")]
    # UTF-8 with a byte-order mark and CRLF: what Excel opens without mangling accents.
    return ("\ufeff" + headings + "\r\n" + _TEMPLATE_EXAMPLE[kind] + "\r\n").encode("utf-8")


def invoice_template(language: str = "en") -> bytes:
    """A header line and the seed's example line (a day over 12 shows dd/mm/yyyy)."""
    return _template("invoice", language)


def payment_template(language: str = "en") -> bytes:
    return _template("payment", language)
