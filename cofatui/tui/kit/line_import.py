"""Invoice and payment CSV imports of a claim (SPEC §6, seed 000): choose the file, see
every line in an editable grid, correct the faulty cells, add the lines — all of them or
none — and save the templates.

- A badly structured file is refused whole: :class:`ImportFileDialog` stays open with
  the reason under the path (``ImportRefused`` from ``formats.claim_csv``).
- Otherwise :class:`ImportGridScreen` shows each line with its cells; a faulty cell reads
  ``⚠ value`` (no colour needed) and every fault is listed by line and column in the side
  panel. The line under the cursor is edited in the row of fields below the grid; each
  change revalidates that one line (``revalidate_invoice`` / ``revalidate_payment``, with
  the file's date order). "Add" is enabled only when every line is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from cofatui import locations
from cofatui.errors import CofaError, FieldError, ValidationFailed
from cofatui.formats.claim_csv import (
    COLUMN_LABELS,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
    DateOrder,
    ImportRefused,
    InvoiceImport,
    ParsedLine,
    PaymentImport,
    invoice_template,
    parse_invoices,
    parse_payments,
    payment_template,
    revalidate_invoice,
    revalidate_payment,
)
from cofatui.i18n import get_language, t
from cofatui.i18n.messages import Term, render
from cofatui.rules.claims import InvoiceInput, PaymentInput, payment_key
from cofatui.schemas import InvoiceLine, PaymentLine
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.lines import CSS, LineContext
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.local_files import deliver, local_path
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

MAX_FILE_BYTES = 2 * 1024 * 1024  # a 100-line import file is a few kilobytes
AnyImport = InvoiceImport | PaymentImport


def column_label(column: str) -> str:
    return t(f"claim_import.column.{column}") if column in COLUMN_LABELS else column


# --- choosing files ---------------------------------------------------------------------------


class _PathDialog(Dialog[Any]):
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claim_import.key.cancel", id="claim_file.cancel"),
    ]

    def __init__(self, title: str, hint: str, default: str, button: str) -> None:
        super().__init__()
        self.dialog_title = title
        self.hint = hint
        self.default = default
        self.button = button

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog file-dialog"):
            yield Label(Text(self.dialog_title), classes="dialog-title")
            yield Static(Text(self.hint), classes="form-info")
            yield Label(Text(t("claim_import.path")))
            # The folder is typed already: what the user types goes after it.
            yield Input(self.default, id="path", select_on_focus=False)
            yield Static("", id="path-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.button, variant="primary", id="go")
                yield Button(t("claim_import.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        field = self.query_one("#path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def path(self) -> Path | None:
        """The typed path (None: nothing typed); refused outside a web session's folder."""
        raw = self.query_one("#path", Input).value.strip()
        return local_path(raw) if raw else None

    def fail(self, message: str) -> None:
        self.query_one("#go", Button).disabled = False
        self.query_one("#path-error", Static).update(Text("⚠ " + clean(message)))
        self.query_one("#path", Input).focus()

    @on(Input.Changed, "#path")
    def _typed(self) -> None:
        self.query_one("#path-error", Static).update("")

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        try:
            path = self.path()
        except ValidationFailed as exc:
            self.fail(str(exc))
            return
        if path is None:
            self.fail(t("claim_import.error.no_path"))
            return
        self.query_one("#go", Button).disabled = True
        self.run(path)

    def run(self, path: Path) -> None:
        raise NotImplementedError


class ImportFileDialog(_PathDialog):
    """Reads and parses the file in a worker; a refused file keeps the dialog open with
    the reason. Dismisses with whatever ``load(data)`` returned."""

    def __init__(self, kind: str, load: Callable[[bytes], Any], default: str = "") -> None:
        super().__init__(t(f"claim_import.open_title.{kind}"), t(f"claim_import.open_hint.{kind}"),
                         default or str(Path.cwd()) + "/", t("claim_import.button.open"))
        self.load = load

    def run(self, path: Path) -> None:
        self._read(path)

    @work(thread=True, exclusive=True, group="claim-import-read")
    def _read(self, path: Path) -> None:
        try:
            if not path.is_file():
                raise CofaError(t("claim_import.error.not_a_file", path=str(path)))
            if path.stat().st_size > MAX_FILE_BYTES:
                raise CofaError(t("claim_import.error.too_large"))
            result = self.load(path.read_bytes())
        except ImportRefused as exc:
            self.app.call_from_thread(self.fail, t("claim_import.refused", reason=str(exc)))
            return
        except CofaError as exc:
            self.app.call_from_thread(self.fail, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self.fail, t("claim_import.error.unreadable",
                                                   reason=exc.strerror or str(exc)))
            return
        self.app.call_from_thread(self.dismiss, (path, result))


class SaveFileDialog(_PathDialog):
    """Writes ``content`` where the user says (default: the exports directory); asks for a
    second press before replacing a file."""

    def __init__(self, title: str, content: bytes, default: Path) -> None:
        super().__init__(title, t("claim_import.save_hint"), str(default),
                         t("claim_import.button.save"))
        self.content = content
        self._confirmed: Path | None = None

    def run(self, path: Path) -> None:
        if path.exists() and self._confirmed != path:
            self._confirmed = path
            self.fail(t("claim_import.error.exists"))
            return
        self.write(path)

    @work(thread=True, exclusive=True, group="claim-template-write")
    def write(self, path: Path) -> None:
        try:
            if path.is_dir():
                raise CofaError(t("claim_import.error.is_directory"))
            locations.ensure_dir(path.parent)
            path.write_bytes(self.content)
        except CofaError as exc:
            self.app.call_from_thread(self.fail, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self.fail, t("claim_import.error.unwritable",
                                                   reason=exc.strerror or str(exc)))
            return
        self.app.call_from_thread(self._written, path)

    def _written(self, path: Path) -> None:
        deliver(self.app, path)
        self.dismiss(path)


def save_template(app: App[Any], kind: str) -> None:
    """Ask where to save the invoice or payment template, write it, say where it went."""
    content = invoice_template(get_language()) if kind == "invoice" \
        else payment_template(get_language())
    default = locations.exports_dir() / f"claim_{kind}_template.csv"

    def saved(path: Path | None) -> None:
        if path is not None:
            app.notify(t("claim_import.template_saved", path=str(path)), markup=False)

    app.push_screen(SaveFileDialog(t(f"claim_import.template_title.{kind}"), content, default),
                    saved)


# --- the grid ---------------------------------------------------------------------------------


def _cell(line: ParsedLine[Any], *, index: int, column: str) -> Text:
    raw = line.cells[index] if index < len(line.cells) else ""
    if line.error_at(column) or (index == 0 and line.error_at("line")):
        return Text("⚠" + clean(raw), style="bold red3")
    return plain(raw)


class ImportGridScreen(Dialog[list[Any] | None]):
    """Every line of an import with its cells; correct them, then add all the lines."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claim_import.key.cancel", id="claim_grid.cancel"),
        Binding("ctrl+s", "submit", "claim_import.key.add", id="claim_grid.add",
                tooltip="claim_import.key.add_tip"),
        Binding("ctrl+n", "next_error", "claim_import.key.next_error",
                id="claim_grid.next_error"),
    ]

    def __init__(self, kind: str, imported: AnyImport, file_name: str, ctx: LineContext,
                 existing: Collection[Any] = (),
                 known_invoices: Sequence[str] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.imported: AnyImport = imported
        self.file_name = file_name
        self.ctx = ctx
        self.existing = set(existing)
        self.known_invoices = list(known_invoices) if known_invoices is not None else None
        self.columns = INVOICE_COLUMNS if kind == "invoice" else PAYMENT_COLUMNS
        self.source = ListSource(imported.lines)

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="grid-dialog"):
            title = Text(plural(f"claim_import.grid_title.{self.kind}", count=len(self.lines)))
            title.append(" — ")
            title.append_text(plain(self.file_name))
            yield Label(title, classes="dialog-title")
            yield Static(self._notes(), id="grid-notes", classes="form-info", markup=False)
            yield Static("", id="grid-summary", markup=False)
            with Horizontal(id="grid-body"):
                yield VirtualList(self._grid_columns(), self.source, id="grid",
                                  row_key=lambda line: line.line_no)
                with VerticalScroll(id="grid-side"):
                    yield Label(Text(t("claim_import.side_title")), classes="section-title")
                    yield Static("", id="grid-errors", markup=False)
            yield Label("", id="editor-title", classes="section-title")
            with Horizontal(id="grid-editor"):
                for column in self.columns:
                    with Vertical(classes=f"cell-field field-{column}"):
                        yield Label(Text(column_label(column)), id=f"label-{column}")
                        yield Input(id=f"cell-{column}", compact=True)
            yield Static("", id="grid-line-errors", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("", variant="primary", id="add")
                yield Button(t("claim_import.button.cancel"), id="cancel")

    def _grid_columns(self) -> list[Column]:
        columns = [
            Column("line_no", t("claim_import.col.line"), 4, align="right",
                   render=lambda line: str(line.line_no)),
            Column("ok", "", 1, render=self._mark),
        ]
        widths = {"type": 4, "reference": 0, "references": 0, "invoice_date": 11,
                  "due_date": 11, "date": 11, "currency": 4, "amount": 11, "tax": 8}
        for index, column in enumerate(self.columns):
            columns.append(Column(column, t(f"claim_import.short.{column}"), widths[column],
                                  align="right" if column in ("amount", "tax") else "left",
                                  render=partial(_cell, index=index, column=column)))
        return columns

    @property
    def lines(self) -> list[ParsedLine[Any]]:
        return cast(list[ParsedLine[Any]], self.imported.lines)

    def _mark(self, line: ParsedLine[Any]) -> str:
        return "✗" if self._errors_of(line) else "✓"

    def _notes(self) -> Text:
        notes = [clean(n) for n in self.imported.notes]
        if self.kind == "invoice":
            notes.insert(0, t("claim_import.amount_note"))
        return Text("\n".join(notes)) if notes else Text(t("claim_import.no_notes"))

    def on_mount(self) -> None:
        grid = self.query_one("#grid", VirtualList)
        self.watch(grid, "cursor", self._cursor_moved, init=False)
        first = next((n for n, line in enumerate(self.lines) if self._errors_of(line)), 0)
        grid.cursor = first
        grid.focus()
        self._refresh()
        self._load_editor(first)

    # --- errors -------------------------------------------------------------------------------
    def _extra_errors(self, line: ParsedLine[Any]) -> list[FieldError]:
        """Faults the file cannot know: an invoice (type and reference) or a payment
        (type, references, date, amount) already in the declaration or the claim."""
        if not self.existing:
            return []
        if self.kind == "invoice":
            if (line.values.get("type"), line.values.get("reference")) in self.existing:
                return [FieldError("reference", "claim_import.already_declared",
                                   line=line.line_no)]
        elif line.record is not None and payment_key(line.record) in self.existing:
            return [FieldError("amount", "claim_import.payment_already_declared",
                               line=line.line_no)]
        return []

    def _errors_of(self, line: ParsedLine[Any]) -> list[FieldError]:
        between = [e for e in self.imported.file_errors if e.line == line.line_no]
        return [*line.errors, *between, *self._extra_errors(line)]

    def all_errors(self) -> list[FieldError]:
        return [e for line in self.lines for e in self._errors_of(line)]

    @property
    def is_valid(self) -> bool:
        return not self.all_errors()

    # --- showing ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        errors = self.all_errors()
        bad_lines = {e.line for e in errors}
        total = len(self.lines)
        summary = Text()
        if errors:
            summary.append("✗ ", style="bold")
            summary.append(render("claim_import.summary_errors", {
                "bad": Term.of("common.count.lines", count=len(bad_lines)),
                "errors": Term.of("common.count.faults", count=len(errors)),
                "good": Term.of("common.count.valid", count=total - len(bad_lines))}))
        else:
            summary.append("✓ ", style="bold")
            summary.append(t("claim_import.summary_valid", n=total))
        self.query_one("#grid-summary", Static).update(summary)
        current = self._current()
        listing = Text()
        for e in errors:
            marker = "› " if current is not None and e.line == current.line_no else "  "
            listing.append(marker)
            listing.append(t("claim_import.error_at", line=e.line or "",
                             column=column_label(e.field) if e.field != "line"
                             else t("claim_import.whole_line")), style="bold")
            listing.append(" ")
            listing.append_text(plain(e.message))
            listing.append("\n")
        self.query_one("#grid-errors", Static).update(
            listing if errors else Text(t("claim_import.no_errors")))
        add = self.query_one("#add", Button)
        add.label = plural("claim_import.button.add", count=total)
        add.disabled = not self.is_valid
        self.query_one("#grid", VirtualList).refresh()

    def _current(self) -> ParsedLine[Any] | None:
        index = self.query_one("#grid", VirtualList).cursor
        lines = self.lines
        return lines[index] if 0 <= index < len(lines) else None

    def _cursor_moved(self, index: int) -> None:
        self._load_editor(index)
        self._refresh()

    def _load_editor(self, index: int) -> None:
        lines = self.lines
        if not 0 <= index < len(lines):
            return
        line = lines[index]
        self.query_one("#editor-title", Label).update(
            Text(t("claim_import.editor_title", line=line.line_no)))
        for n, column in enumerate(self.columns):
            field = self.query_one(f"#cell-{column}", Input)
            value = line.cells[n] if n < len(line.cells) else ""
            if field.value != value:
                field.value = value
        self._show_line_errors(line)

    def _show_line_errors(self, line: ParsedLine[Any]) -> None:
        errors = self._errors_of(line)
        for column in self.columns:
            bad = any(e.field == column for e in errors)
            self.query_one(f"#cell-{column}", Input).set_class(bad, "-invalid")
            label = column_label(column)
            self.query_one(f"#label-{column}", Label).update(
                Text(("⚠ " if bad else "") + label, style="bold" if bad else ""))
        text = Text()
        for e in errors:
            where = column_label(e.field) if e.field != "line" else t("claim_import.whole_line")
            text.append("⚠ " + t("common.label.colon", label=where), style="bold")
            text.append_text(plain(e.message))
            text.append("\n")
        text.rstrip()
        self.query_one("#grid-line-errors", Static).update(text if errors else Text(
            t("claim_import.line_ok")))

    # --- editing ------------------------------------------------------------------------------
    @on(Input.Changed)
    def _cell_edited(self, event: Input.Changed) -> None:
        if not (event.input.id or "").startswith("cell-"):
            return
        line = self._current()
        if line is None:
            return
        cells = [self.query_one(f"#cell-{c}", Input).value for c in self.columns]
        if cells == [*line.cells[:len(self.columns)],
                     *[""] * (len(self.columns) - len(line.cells))] and not line.error_at("line"):
            return
        self.imported = self.imported.replace_line(self.revalidate(cells, line.line_no))
        self.source.rows = list(self.lines)
        self.query_one("#grid", VirtualList).refresh_data()
        self._show_line_errors(self._current() or line)
        self._refresh()

    def revalidate(self, cells: list[str], line_no: int) -> ParsedLine[Any]:
        order = self.imported.date_order_used
        if self.kind == "invoice":
            return revalidate_invoice(cells, line_no, order, default_currency=self.ctx.currency,
                                      today=self.ctx.today)
        return revalidate_payment(cells, line_no, order, default_currency=self.ctx.currency,
                                  today=self.ctx.today, known_invoices=self.known_invoices)

    @on(Input.Submitted)
    def _cell_done(self, event: Input.Submitted) -> None:
        if (event.input.id or "").startswith("cell-"):
            self.query_one("#grid", VirtualList).focus()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        line = event.row
        errors = self._errors_of(line)
        column = next((e.field for e in errors if e.field in self.columns), self.columns[0])
        self.query_one(f"#cell-{column}", Input).focus()

    # --- actions ------------------------------------------------------------------------------
    def action_next_error(self) -> None:
        lines = self.lines
        grid = self.query_one("#grid", VirtualList)
        start = grid.cursor
        for step in range(1, len(lines) + 1):
            index = (start + step) % len(lines)
            if self._errors_of(lines[index]):
                grid.cursor = index
                grid.focus()
                return
        self.notify(t("claim_import.no_errors"), markup=False)

    def submit(self) -> None:
        if not self.is_valid:
            self.notify(t("claim_import.fix_first"), severity="warning", markup=False)
            return
        records = self.imported.records()
        self.dismiss([to_line(r) for r in records])


def to_line(record: InvoiceInput | PaymentInput) -> InvoiceLine | PaymentLine:
    if isinstance(record, InvoiceInput):
        return InvoiceLine(type=record.type, number=record.number,
                           invoice_date=record.invoice_date, due_date=record.due_date,
                           currency=record.currency, amount_excl_tax=record.amount_excl_tax,
                           tax=record.tax)
    return PaymentLine(type=record.type, invoice_references=list(record.invoice_references),
                       payment_date=record.payment_date, currency=record.currency,
                       amount=record.amount)


# --- the whole flow ---------------------------------------------------------------------------


def start_import(app: App[Any], kind: str, ctx: LineContext, done: Callable[[list[Any]], None],
                 existing: Collection[Any] = (),
                 known_invoices: Sequence[str] | None = None) -> None:
    """File → (refused whole, or) the grid → ``done(lines)`` with every line or none.

    ``existing``: the lines already declared, as keys — (type, number) of invoices,
    ``rules.claims.payment_key`` of payments —; the same line in the file is a fault."""
    order: DateOrder = "MDY" if ctx.date_order == "MDY" else "DMY"

    def load(data: bytes) -> AnyImport:
        if kind == "invoice":
            return parse_invoices(data, date_order=order, default_currency=ctx.currency,
                                  today=ctx.today)
        return parse_payments(data, date_order=order, default_currency=ctx.currency,
                              today=ctx.today, known_invoices=known_invoices)

    def chosen(result: tuple[Path, AnyImport] | None) -> None:
        if result is None:
            return
        path, imported = result

        def added(lines: list[Any] | None) -> None:
            if lines:
                done(lines)

        app.push_screen(ImportGridScreen(kind, imported, path.name, ctx, existing,
                                         known_invoices), added)

    app.push_screen(ImportFileDialog(kind, load), chosen)


__all__ = ["ImportFileDialog", "ImportGridScreen", "SaveFileDialog", "save_template",
           "start_import", "to_line"]
