"""The declaration (seed "DÉCLARATION D'ACTIVITÉ OU DE CHIFFRE D'AFFAIRES", issue 17
item 3): the identification (notification, contract, period, basis, breakdown, due date,
contact in charge), the lines as an editable grid in pages of 50, the totals per
currency, "nothing to declare", Save (stays New) and Send (frozen afterwards).

Only the lines changed are saved (:mod:`.edits`); a save refused because someone else
saved meanwhile keeps what was typed and says so. A Sent or Cancelled declaration, or
one the user may only read, opens read-only with its totals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Footer, Input, Static
from textual.worker import get_current_worker

from cofatui.enums import Role, Section, TurnoverBasis, TurnoverStatus
from cofatui.errors import CofaError, Conflict, RuleViolation, ValidationFailed
from cofatui.i18n import format_date, format_datetime, t
from cofatui.repository.every_row import every_row
from cofatui.schemas import Page, Seek
from cofatui.schemas_turnover import (
    GRID_PAGE,
    TurnoverContact,
    TurnoverDeclarationPublic,
    TurnoverLineIn,
    TurnoverLinePublic,
    TurnoverUpdate,
)
from cofatui.tui.features.turnover import files
from cofatui.tui.features.turnover.dialogs import AddLineDialog, ContactDialog, SendDialog
from cofatui.tui.features.turnover.edits import Edits
from cofatui.tui.features.turnover.grid import Grid, GridRow, header_cells
from cofatui.tui.features.turnover.line_pages import LinePages
from cofatui.tui.features.turnover.wording import (
    basis_text,
    breakdown_text,
    period_text,
    status_text,
    totals_text,
)
from cofatui.tui.kit.delays import DELAYS
from cofatui.tui.kit.dialog import ConfirmScreen
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.rights import write_refused
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean

CSS: list[str | PurePath] = [DIALOGS_TCSS, "turnover.tcss"]
#: How many lines without an amount the send confirmation names (then "and N more").
UNFILLED_SHOWN = 12
#: The page read when looking for lines (unfilled, with an outstanding): a few reads.
SCAN_PAGE = 500

Loaded = tuple[TurnoverDeclarationPublic, Page[TurnoverLinePublic]]


def open_turnover_declaration(app: App[Any], declaration_id: int,
                              callback: Callable[[Any], Any] | None = None) -> None:
    """Opener ``turnover_declaration``: read the declaration and its first page in a
    worker, then push the screen already filled (a refusal is shown, nothing opens)."""
    repo = cofa(app).repo

    def fetch() -> None:
        try:
            # The lines first: a New declaration is pre-filled on its first read, and
            # the declaration read after counts those lines.
            page = repo.turnover.lines(declaration_id, 0, GRID_PAGE)
            declaration = repo.turnover.get(declaration_id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(app.push_screen, DeclarationScreen(declaration, page),
                                 callback)

    app.run_worker(fetch, thread=True, group="open-turnover", exclusive=True,
                   exit_on_error=False)


class DeclarationScreen(Screen[None]):
    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "turnover_ui.key.save", id="turnover.save",
                tooltip="turnover_ui.key.save_tip"),
        Binding("f9", "send", "turnover_ui.key.send", id="turnover.send",
                tooltip="turnover_ui.key.send_tip"),
        # Priority: the grid's scroll area would take them to scroll.
        Binding("pageup", "page(-1)", "turnover_ui.key.page_up", id="turnover.page_up",
                priority=True, show=False),
        Binding("pagedown", "page(1)", "turnover_ui.key.page_down", id="turnover.page_down",
                priority=True, show=False),
        Binding("f5", "add_line", "turnover_ui.key.add", id="turnover.add",
                tooltip="turnover_ui.key.add_tip"),
        Binding("ctrl+b", "copy_outstanding", "turnover_ui.key.copy_outstanding",
                id="turnover.copy_outstanding", tooltip="turnover_ui.key.copy_outstanding_tip"),
        Binding("ctrl+l", "currency", "turnover_ui.key.currency", id="turnover.currency",
                tooltip="turnover_ui.key.currency_tip", show=False),
        Binding("f7", "import", "turnover_ui.key.import", id="turnover.import",
                tooltip="turnover_ui.key.import_tip"),
        Binding("f8", "template", "turnover_ui.key.template", id="turnover.template",
                tooltip="turnover_ui.key.template_tip"),
        Binding("f10", "attach", "turnover_ui.key.attach", id="turnover.attach",
                tooltip="turnover_ui.key.attach_tip"),
        Binding("ctrl+r", "reload", "turnover_ui.key.reload", id="turnover.reload",
                tooltip="turnover_ui.key.reload_tip", show=False),
    ]
    #: Actions that change the declaration: not offered once it is frozen.
    WRITES: ClassVar[frozenset[str]] = frozenset(
        {"save", "send", "add_line", "copy_outstanding", "currency", "import", "attach"})

    def __init__(self, declaration: TurnoverDeclarationPublic,
                 first: Page[TurnoverLinePublic] | None = None) -> None:
        super().__init__()
        self.declaration = declaration
        self.edits = Edits()
        self.page = 0
        self.read_pages = LinePages()
        if first is not None:
            self.read_pages.keep(0, first)
        self.total = first.total if first is not None else 0
        self.lines: list[TurnoverLinePublic] = list(first.items) if first is not None else []
        self.text = ""
        self._generation = 0
        self._filter_timer: Timer | None = None
        self._nothing_shown = declaration.nothing_to_declare

    # --- what may be done -----------------------------------------------------------------
    @property
    def read_only_reason(self) -> str:
        """Why the declaration cannot be changed here ("" when it can)."""
        d = self.declaration
        if d.status != TurnoverStatus.NEW:
            return status_text(d.status)
        principal = cofa(self.app).principal
        if principal.role == Role.UNDERWRITER:
            return t("turnover_ui.read_only_underwriter")
        refused = write_refused(principal, d.contract_id, Section.TURNOVER)
        return str(refused) if refused is not None else ""

    @property
    def frozen(self) -> bool:
        return bool(self.read_only_reason)

    @property
    def outstanding(self) -> bool:
        return self.declaration.basis == TurnoverBasis.OUTSTANDING

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.WRITES and self.frozen:
            return False  # frozen: the keys that would change it are not offered
        return action != "copy_outstanding" or self.outstanding

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        d = self.declaration
        yield AppHeader()
        yield Static(self._identification(), id="tv-ident", markup=False)
        with Horizontal(id="tv-contact-bar"):
            yield Static(self._contact_text(), id="tv-contact", markup=False)
            yield Button(t("turnover_ui.modify"), id="tv-contact-modify", compact=True)
        with Horizontal(id="tv-bar"):
            yield Input(placeholder=t("turnover_ui.filter_placeholder"), id="filter")
            yield Static("", id="tv-page", markup=False)
        with Horizontal(id="tv-head"):
            for cls, title in header_cells(d.breakdown, self.outstanding):
                yield Static(title, classes=cls, markup=False)
        yield Grid(d.breakdown, self.outstanding)
        yield Static("", id="tv-message", markup=False)
        with Horizontal(id="tv-bottom"):
            yield Checkbox(t("turnover_ui.nothing_to_declare"), d.nothing_to_declare,
                           id="tv-nothing")
            yield Static("", id="tv-totals", markup=False)
            yield Button(t("turnover_ui.save"), id="tv-save")
            yield Button(t("turnover_ui.send"), variant="primary", id="tv-send")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "turnover_ui.declaration_title"
        self._show()
        rows = self.query_one(Grid).rows()
        if not self.frozen and self.lines:
            rows[0].focus_amount()
        else:
            self.query_one("#filter", Input).focus()

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        self._show()

    def _identification(self) -> Text:
        d = self.declaration
        text = Text()
        facts = [
            (t("turnover_ui.notification"),
             t("turnover_ui.notification_no", id=d.notification_id)
             if d.notification_id is not None else "—"),
            (t("turnover_ui.contract"), d.policy_number),
            (t("turnover_ui.period"), period_text(d)),
            (t("turnover_ui.basis_label"), basis_text(d.basis)),
            (t("turnover_ui.breakdown_label"), breakdown_text(d.breakdown)),
            (t("turnover_ui.due_date"), format_date(d.due_date)),
            (t("turnover_ui.status_label"), status_text(d.status)),
        ]
        if d.sent_at is not None:
            facts.append((t("turnover_ui.sent"), t("turnover_ui.sent_by",
                                                    when=format_datetime(d.sent_at),
                                                    who=d.sent_by)))
        for n, (label, value) in enumerate(facts):
            text.append(t("common.label.colon", label=label), style="dim")
            text.append(clean(value), style="bold" if n in (2, 6) else "")
            text.append("\n" if n in (2, 5) else "   ")
        return text

    def _contact_text(self) -> Text:
        c = self.declaration.contact
        text = Text(t("common.label.colon", label=t("turnover_ui.contact")), style="dim")
        text.append(clean(" · ".join(x for x in (c.name, c.phone, c.email) if x) or "—"))
        return text

    def _show(self) -> None:
        """Paint the page, the counts and the totals from what is read and typed."""
        self.query_one(Grid).show(self.lines, self.edits, self.frozen)
        self._show_counts()
        frozen = self.frozen
        for widget_id in ("#tv-save", "#tv-send", "#tv-contact-modify"):
            self.query_one(widget_id, Button).display = not frozen
        self.query_one("#tv-nothing", Checkbox).disabled = frozen
        if frozen:
            self._message(t("turnover_ui.read_only", reason=self.read_only_reason),
                          error=False)
        self.refresh_bindings()

    def _show_counts(self) -> None:
        d = self.declaration
        pages = self.pages
        shown = Text(t("turnover_ui.page", page=min(self.page + 1, pages), pages=pages))
        shown.append("  ·  " + plural("turnover_ui.lines", count=d.line_count))
        shown.append("  ·  " + plural("turnover_ui.filled",
                                      count=self.edits.filled(d.filled_count)))
        if self.text:
            shown.append("  ·  " + plural("turnover_ui.matching", count=self.total))
        self.query_one("#tv-page", Static).update(shown)
        totals = Text(t("common.label.colon", label=t("turnover_ui.totals")), style="dim")
        totals.append(totals_text(self.edits.totals(d.totals)), style="bold")
        if self.edits:
            totals.append("  " + plural("turnover_ui.unsaved", count=len(self.edits)),
                          style="italic")
        self.query_one("#tv-totals", Static).update(totals)

    def _message(self, text: str, error: bool = True) -> None:
        line = self.query_one("#tv-message", Static)
        line.update(Text(clean(text)))
        line.set_class(error, "-error")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // GRID_PAGE))

    # --- paging and filter ----------------------------------------------------------------
    def action_page(self, delta: int) -> None:
        target = self.page + delta
        if 0 <= target < self.pages:
            self.load_page(target)

    def load_page(self, page: int) -> None:
        self._generation += 1
        self._read_page(self._generation, page, self.text, self.read_pages.seek_for(page))

    @work(thread=True, exclusive=True, group="turnover-page")
    def _read_page(self, generation: int, page: int, text: str, seek: Seek | None) -> None:
        try:
            found = cofa(self.app).repo.turnover.lines(self.declaration.id, page * GRID_PAGE,
                                                       GRID_PAGE, text or None, seek)
        except CofaError as exc:
            self.app.call_from_thread(self._message, clean(exc))
            return
        self.app.call_from_thread(self._page_read, generation, page, found)

    def _page_read(self, generation: int, page: int, found: Page[TurnoverLinePublic]) -> None:
        if generation != self._generation:
            return  # a later page or filter was asked for meanwhile
        moved = page != self.page
        self.page, self.total, self.lines = page, found.total, list(found.items)
        self.read_pages.keep(page, found)
        focused_row = self.query_one(Grid).focused_row()
        self._show()
        if moved:
            self.query_one(Grid).scroll_home(animate=False)
        if moved and focused_row is not None and self.lines and not self.frozen:
            # PgDn from the grid: on to the first amount of the new page.
            self.query_one(Grid).rows()[0].focus_amount()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(DELAYS.filter_debounce, self._apply_filter)

    def _apply_filter(self) -> None:
        self.text = self.query_one("#filter", Input).value.strip()
        self.read_pages.clear()
        self.load_page(0)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        rows = self.query_one(Grid).rows()
        if self.lines and not self.frozen:
            rows[0].focus_amount()

    # --- typing in the grid ---------------------------------------------------------------
    @on(Input.Changed, ".tv-amount")
    @on(Input.Changed, ".tv-currency")
    def _typed(self, event: Input.Changed) -> None:
        row = event.input.parent
        if not isinstance(row, GridRow) or row.line is None or self.frozen:
            return
        line = row.line
        is_amount = event.input.has_class("tv-amount")
        if is_amount and event.value == self.edits.amount_text(line):
            return  # the page being filled, not a key typed
        if not is_amount and event.value.upper() == self.edits.currency(line):
            return
        error = (self.edits.set(line, text=event.value) if is_amount
                 else self.edits.set(line, currency=event.value))
        row.set_class(bool(error), "-invalid")
        row.set_class(line.id in self.edits.by_id, "-dirty")
        self._message(error) if error else self._message("", error=False)
        self._show_counts()

    def on_grid_row_move(self, event: GridRow.Move) -> None:
        rows = self.query_one(Grid).rows()
        target = event.index + event.delta
        if 0 <= target < len(self.lines):
            rows[target].focus_amount()
        elif target >= len(self.lines) and self.page + 1 < self.pages:
            self.load_page(self.page + 1)
        elif target < 0 and self.page > 0:
            self.load_page(self.page - 1)

    def on_descendant_focus(self, event: object) -> None:
        row = self.query_one(Grid).focused_row()
        if row is not None and row.line is not None:
            error = self.edits.error(row.line)
            if error:
                self._message(error)

    def action_currency(self) -> None:
        row = self.query_one(Grid).focused_row()
        if row is not None and row.line is not None:
            row.focus_currency()

    # --- nothing to declare -------------------------------------------------------------
    @on(Checkbox.Changed, "#tv-nothing")
    def _nothing(self, event: Checkbox.Changed) -> None:
        if event.value == self._nothing_shown:
            return
        if event.value and self.edits.any_amount(self.declaration.totals):
            # The repository refuses it too (same code): said here before Save.
            self._message(str(RuleViolation("turnover.nothing_to_declare_with_amounts")))
            event.checkbox.value = False
            return
        self._nothing_shown = event.value
        self._message("", error=False)

    # --- save and send ------------------------------------------------------------------
    def action_save(self) -> None:
        self._save(then_send=False)

    def _save(self, then_send: bool) -> None:
        if self.frozen:
            return
        faulty = self.edits.faulty()
        if faulty:
            # Named, since the line may sit on another page than the one shown.
            first = faulty[0].line
            self._message(plural("turnover_ui.faulty", count=len(faulty),
                                 line=first.company_name or first.country,
                                 error=faulty[0].error))
            return
        nothing = self.query_one("#tv-nothing", Checkbox).value
        changed = bool(self.edits) or nothing != self.declaration.nothing_to_declare
        if not changed:
            if then_send:
                self._prepare_send()
            else:
                self.notify(t("turnover_ui.nothing_changed"), markup=False)
            return
        self._set_busy(True)
        self._write(TurnoverUpdate(version=self.declaration.version, nothing_to_declare=nothing,
                                   lines=self.edits.to_save()), then_send)

    @work(thread=True, exclusive=True, group="turnover-write")
    def _write(self, data: TurnoverUpdate, then_send: bool) -> None:
        try:
            saved = cofa(self.app).repo.turnover.update(self.declaration.id, data)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc, data.lines)
            return
        self.app.call_from_thread(self._saved, saved, then_send)

    def _saved(self, saved: TurnoverDeclarationPublic, then_send: bool) -> None:
        self.declaration = saved
        self.edits.clear()
        self._set_busy(False)
        self._message("", error=False)
        if then_send:
            self._prepare_send()
        else:
            self.notify(t("turnover_ui.saved"), markup=False)
        self.load_page(self.page)

    def _refused(self, exc: CofaError, sent: list[TurnoverLineIn] | None = None) -> None:
        self._set_busy(False)
        if isinstance(exc, Conflict):
            self._message(t("turnover_ui.conflict"))
            return
        if isinstance(exc, ValidationFailed) and sent:
            # ``lines.N.amount``: N is the line's place in what was sent.
            edits = list(self.edits.by_id.values())
            for field, text in exc.by_field().items():
                parts = field.split(".")
                if parts[0] == "lines" and len(parts) > 1 and parts[1].isdigit() \
                        and int(parts[1]) < len(edits):
                    edits[int(parts[1])].error = text
            self._show()
        self._message(clean(exc))
        if isinstance(exc, RuleViolation) and exc.code in {"turnover.already_sent",
                                                           "turnover.cancelled"}:
            self.action_reload()

    def _set_busy(self, busy: bool) -> None:
        for widget_id in ("#tv-save", "#tv-send"):
            self.query_one(widget_id, Button).disabled = busy

    def action_send(self) -> None:
        self._save(then_send=True)

    def _prepare_send(self) -> None:
        self._set_busy(True)
        self._unfilled(self.declaration)

    @work(thread=True, exclusive=True, group="turnover-write")
    def _unfilled(self, d: TurnoverDeclarationPublic) -> None:
        """The names of the first lines without an amount (they are sent as 0)."""
        missing = d.line_count - d.filled_count
        names: list[str] = []
        try:
            for line in self._every_line(d.id) if missing else ():
                if line.amount is None:
                    names.append(line.company_name or line.country)
                    if len(names) == UNFILLED_SHOWN:
                        break
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._confirm_send, missing, names[:UNFILLED_SHOWN])

    def _every_line(self, declaration_id: int) -> Iterator[TurnoverLinePublic]:
        """The declaration's lines in grid order, SCAN_PAGE at a time, each page read
        after the last line of the one before (by key: no deep OFFSET)."""
        area = cofa(self.app).repo.turnover
        return every_row(lambda seek, limit: area.lines(declaration_id, 0, limit, None, seek),
                         SCAN_PAGE)

    def _confirm_send(self, missing: int, names: list[str]) -> None:
        self._set_busy(False)
        question = t("turnover_ui.send_question", period=period_text(self.declaration))
        unfilled = plural("turnover_ui.send_unfilled", count=missing) if missing else ""
        more = (plural("turnover_ui.and_more", count=missing - len(names))
                if missing > len(names) else "")

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_busy(True)
                self._send(self.declaration.id, self.declaration.version)

        self.app.push_screen(SendDialog(question, unfilled, names, more), answered)

    @work(thread=True, exclusive=True, group="turnover-write")
    def _send(self, declaration_id: int, version: int) -> None:
        try:
            sent = cofa(self.app).repo.turnover.send(declaration_id, version)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._sent, sent)

    def _sent(self, sent: TurnoverDeclarationPublic) -> None:
        self.declaration = sent
        self._set_busy(False)
        self.query_one("#tv-ident", Static).update(self._identification())
        self.notify(t("turnover_ui.sent_done", totals=totals_text(sent.totals)),
                    markup=False)
        self.load_page(self.page)
        self._show()
        self.query_one("#filter", Input).focus()

    # --- reload, contact, lines ---------------------------------------------------------
    def action_reload(self) -> None:
        self._reread()

    @work(thread=True, exclusive=True, group="turnover-read")
    def _reread(self) -> None:
        try:
            d = cofa(self.app).repo.turnover.get(self.declaration.id)
        except CofaError as exc:
            self.app.call_from_thread(self._message, clean(exc))
            return
        self.app.call_from_thread(self._reread_done, d)

    def _reread_done(self, d: TurnoverDeclarationPublic) -> None:
        self.declaration = d
        self._nothing_shown = d.nothing_to_declare
        self.query_one("#tv-nothing", Checkbox).value = d.nothing_to_declare
        self.query_one("#tv-ident", Static).update(self._identification())
        self.query_one("#tv-contact", Static).update(self._contact_text())
        self._message(plural("turnover_ui.reloaded", count=len(self.edits))
                      if self.edits else "", error=False)
        self.load_page(self.page)

    @on(Button.Pressed, "#tv-contact-modify")
    def _modify_contact(self) -> None:
        def chosen(contact: TurnoverContact | None) -> None:
            if contact is not None:
                self._set_busy(True)
                self._write_other(TurnoverUpdate(
                    version=self.declaration.version, contact=contact,
                    nothing_to_declare=self.declaration.nothing_to_declare))

        self.app.push_screen(ContactDialog(self.declaration.contact), chosen)

    def action_add_line(self) -> None:
        def chosen(line: TurnoverLineIn | None) -> None:
            if line is not None:
                self._set_busy(True)
                self._write_other(TurnoverUpdate(
                    version=self.declaration.version, lines=[line],
                    nothing_to_declare=self.declaration.nothing_to_declare))

        self.app.push_screen(AddLineDialog(self.declaration.breakdown,
                                           self.declaration.currency), chosen)

    @work(thread=True, exclusive=True, group="turnover-write")
    def _write_other(self, data: TurnoverUpdate) -> None:
        """A save of the contact or of a line added, apart from the lines typed (kept)."""
        try:
            saved = cofa(self.app).repo.turnover.update(self.declaration.id, data)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._other_saved, saved, bool(data.lines))

    def _other_saved(self, saved: TurnoverDeclarationPublic, added: bool) -> None:
        self.declaration = saved
        self._set_busy(False)
        self.query_one("#tv-contact", Static).update(self._contact_text())
        self.notify(t("turnover_ui.line_added" if added else "turnover_ui.contact_saved"),
                    markup=False)
        self._show_counts()
        if added:
            self.load_page(self.page)

    @on(Button.Pressed, "#tv-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#tv-send")
    def _send_pressed(self) -> None:
        self.action_send()

    # --- the outstanding column ---------------------------------------------------------
    def action_copy_outstanding(self) -> None:
        if self.outstanding and not self.frozen:
            self._outstanding_lines(self.declaration)

    @work(thread=True, exclusive=True, group="turnover-read")
    def _outstanding_lines(self, d: TurnoverDeclarationPublic) -> None:
        try:
            found = [x for x in self._every_line(d.id)
                     if x.amount is None and x.outstanding is not None]
        except CofaError as exc:
            self.app.call_from_thread(self._message, clean(exc))
            return
        self.app.call_from_thread(self._copy_outstanding, found)

    def _copy_outstanding(self, lines: list[TurnoverLinePublic]) -> None:
        copied = 0
        for line in lines:
            if line.id not in self.edits.by_id and line.outstanding is not None:
                self.edits.set_amount(line, line.outstanding)
                copied += 1
        self.notify(plural("turnover_ui.outstanding_copied", count=copied), markup=False)
        self._show()

    # --- files --------------------------------------------------------------------------
    def action_import(self) -> None:
        if self.edits:
            self.notify(t("turnover_ui.save_before_import"), severity="warning", markup=False)
            return
        files.pick_import(self)

    def action_template(self) -> None:
        files.save_template(self)

    def action_attach(self) -> None:
        files.pick_attachment(self)

    def imported(self) -> None:
        """After an import applied: the declaration and its page read again."""
        self._reread()

    # --- leaving --------------------------------------------------------------------------
    def can_leave(self) -> bool:
        """Esc with unsaved lines asks first (the app calls this before going back)."""
        if not self.edits:
            return True

        def answered(yes: bool | None) -> None:
            if yes:
                self.edits.clear()
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen(plural("turnover_ui.leave_unsaved",
                                                  count=len(self.edits)),
                                           yes=t("turnover_ui.leave"), danger=True), answered)
        return False


__all__ = ["DeclarationScreen", "open_turnover_declaration"]
