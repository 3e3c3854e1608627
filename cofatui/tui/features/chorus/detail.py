"""One invoice (issue 18 item 11): its fields, lines, VAT per rate, totals, files and
history, the failed checks of a non-compliant one, and the keys of exactly the moves and
answers the table offers the reader now (``detail.moves``, ``detail.actions``): the
recipient processes it; the supplier corrects, completes, changes the payment mode,
issues the credit note, re-issues, submits or deletes a draft.

Opened by name: ``open_screen(app, "chorus_invoice", invoice_id)`` reads it in a worker,
then pushes the screen (a notification's target opens it the same way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from cofatui.enums import ChorusPaymentMode
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_datetime, format_number, t
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.tui.features.chorus.chorus_pro import chorus_pro_text, send_or_refresh
from cofatui.tui.features.chorus.links import open_link
from cofatui.tui.features.chorus.wording import (
    attachments_size,
    facts,
    state_label,
    state_text,
    type_label,
)
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

Done = Callable[[Any], Any] | None

#: The supplier's answers and their keys, in the order the footer shows them.
ANSWERS: dict[str, str] = {"correct": "c", "complete": "o", "change_payment_mode": "b",
                           "credit_note": "k", "reissue": "e", "submit": "s",
                           "delete": "delete"}


def open_chorus_invoice(app: App[Any], invoice_id: int, *, callback: Done = None) -> None:
    """Read the invoice in a worker, then push its detail; a refusal (not found, not
    mine) is told in a notification."""
    def fetch() -> None:
        try:
            detail = cofa(app).repo.chorus_invoices.get(invoice_id)
        except CofaError as exc:
            app.call_from_thread(app.notify, clean(exc), severity="error", markup=False)
            return
        app.call_from_thread(app.push_screen, InvoiceDetailScreen(detail), callback)

    app.run_worker(fetch, thread=True, group="open-chorus-invoice", exclusive=True,
                   exit_on_error=False)


def _table(*titles: str, right: tuple[int, ...] = ()) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, expand=False,
                  header_style="bold")
    for index, title in enumerate(titles):
        table.add_column(title, justify="right" if index in right else "left")
    return table


def lines_table(d: ChorusInvoiceDetail) -> Table:
    table = _table(t("chorus_ui.line.label"), t("chorus_ui.line.quantity"),
                   t("chorus_ui.line.unit"), t("chorus_ui.line.unit_price"),
                   t("chorus_ui.line.vat"), t("chorus_ui.line.amount"), right=(1, 3, 5))
    for line in d.lines:
        vat = t("chorus_ui.vat.exempt", reason=line.exemption_reason) \
            if line.vat_rate.value == "exempt" else f"{line.vat_rate.value} %"
        table.add_row(plain(line.label), format_number(line.quantity), plain(line.unit),
                      format_amount(line.unit_price, d.currency), plain(vat),
                      format_amount(line.amount_excl_tax, d.currency))
    return table


def totals_table(d: ChorusInvoiceDetail) -> Table:
    table = _table(t("chorus_ui.vat.rate"), t("chorus_ui.vat.base"), t("chorus_ui.vat.amount"),
                   right=(1, 2))
    for vat in d.vat:
        rate = t("chorus_ui.vat.exempt_rate") if vat.vat_rate.value == "exempt" \
            else f"{vat.vat_rate.value} %"
        table.add_row(rate, format_amount(vat.base, d.currency),
                      format_amount(vat.amount, d.currency))
    table.add_row(Text(t("chorus_ui.total.excl"), style="bold"),
                  format_amount(d.total_excl_tax, d.currency), "")
    table.add_row(Text(t("chorus_ui.total.vat"), style="bold"), "",
                  format_amount(d.total_vat, d.currency))
    table.add_row(Text(t("chorus_ui.total.incl"), style="bold"), "",
                  Text(format_amount(d.total_incl_tax, d.currency), style="bold"))
    if d.amount_due != d.total_incl_tax:
        table.add_row(Text(t("chorus_ui.total.due"), style="bold"), "",
                      format_amount(d.amount_due, d.currency))
    return table


def files_table(d: ChorusInvoiceDetail) -> RenderableType:
    if not d.files:
        return Text(t("chorus_ui.files.none"), style="dim")
    table = _table(t("chorus_ui.files.name"), t("chorus_ui.files.kind"),
                   t("chorus_ui.files.size"), t("chorus_ui.files.added"), right=(2,))
    for f in d.files:
        table.add_row(plain(f.filename), t(f"chorus_ui.files.{f.category}"),
                      attachments_size(f.size),
                      plain(f"{format_datetime(f.created_at)} — {f.created_by}"))
    return Group(table, Text(t("chorus_ui.files.total", size=attachments_size(
        d.attachments_size)), style="dim"))


def history_table(d: ChorusInvoiceDetail) -> Table:
    table = _table(t("chorus_ui.history.at"), t("chorus_ui.history.who"),
                   t("chorus_ui.history.move"), t("chorus_ui.history.comment"))
    for event in d.history:
        move = Text()
        if event.from_state is not None and event.from_state != event.to_state:
            move.append(state_label(event.from_state) + " → ")
        move.append_text(state_text(event.to_state))
        said = [event.comment] if event.comment else []
        said += [f"• {r.text()}" for r in event.reasons]
        if event.suspension_reason is not None:
            said.append(t(f"chorus_ui.reason.{event.suspension_reason.value}"))
        if event.mandate_number:
            said.append(t("chorus_ui.history.mandate", number=event.mandate_number))
        who = t(f"chorus_ui.actor.{event.actor.value}")
        table.add_row(format_datetime(event.at), plain(f"{who} {event.login}".strip()),
                      move, plain("\n".join(said)))
    return table


def reasons_text(d: ChorusInvoiceDetail) -> Text:
    out = Text(t("chorus_ui.reasons_title") + "\n", style="bold")
    for reason in d.reasons:
        out.append("⚠ ", style="bold")
        out.append_text(plain(reason.text()))
        out.append("\n")
    out.rstrip()
    return out


class InvoiceDetailScreen(Screen[None]):
    CSS_PATH = "chorus.tcss"
    TITLE = "chorus_ui.detail_title"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "process", "chorus_ui.key.process", id="chorus.detail.process",
                tooltip="chorus_ui.key.process_tip"),
        Binding("c", "answer('correct')", "chorus_ui.key.correct", id="chorus.detail.correct"),
        Binding("o", "answer('complete')", "chorus_ui.key.complete",
                id="chorus.detail.complete"),
        Binding("b", "answer('change_payment_mode')", "chorus_ui.key.payment_mode",
                id="chorus.detail.payment_mode"),
        Binding("k", "answer('credit_note')", "chorus_ui.key.credit_note",
                id="chorus.detail.credit_note"),
        Binding("e", "answer('reissue')", "chorus_ui.key.reissue", id="chorus.detail.reissue"),
        Binding("m", "edit_draft", "chorus_ui.key.edit_draft", id="chorus.detail.edit_draft"),
        Binding("s", "answer('submit')", "chorus_ui.key.submit", id="chorus.detail.submit"),
        Binding("delete", "answer('delete')", "chorus_ui.key.delete", id="chorus.detail.delete"),
        Binding("ctrl+r", "reload", "chorus_ui.key.reload", id="chorus.detail.reload"),
        # issue 19: the Factur-X export, and the connector's send and refresh
        Binding("x", "export", "chorus_facturx_ui.key.export", id="chorus.detail.export",
                tooltip="chorus_facturx_ui.key.export_tip"),
        Binding("g", "chorus_pro('send')", "chorus_facturx_ui.key.send",
                id="chorus.detail.send"),
        Binding("u", "chorus_pro('refresh')", "chorus_facturx_ui.key.refresh",
                id="chorus.detail.refresh"),
    ]

    def __init__(self, detail: ChorusInvoiceDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with VerticalScroll(id="chorus-detail"):
            yield Static(self._title(), id="chorus-detail-title", classes="section-title")
            yield Static(facts(self.detail), id="chorus-facts")
            yield Static(chorus_pro_text(self.detail.chorus_pro), id="chorus-pro")
            yield Static(reasons_text(self.detail), id="chorus-reasons")
            yield Static(Text(t("chorus_ui.section.lines")), classes="section-title")
            yield Static(lines_table(self.detail), id="chorus-lines")
            yield Static(Text(t("chorus_ui.section.totals")), classes="section-title")
            yield Static(totals_table(self.detail), id="chorus-totals")
            yield Static(Text(t("chorus_ui.section.files")), classes="section-title")
            yield Static(files_table(self.detail), id="chorus-files")
            yield Static(Text(t("chorus_ui.section.history")), classes="section-title")
            yield Static(history_table(self.detail), id="chorus-history")
        yield Footer()

    def _title(self) -> Text:
        d = self.detail
        title = Text(f"{type_label(d.type)} ")
        title.append_text(plain(d.number, style="bold"))
        title.append(" — ")
        title.append_text(state_text(d.state, with_code=True))
        return title

    def on_mount(self) -> None:
        self._show(self.detail)
        self.query_one("#chorus-detail").focus()

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
        self._show(self.detail)

    def _show(self, detail: ChorusInvoiceDetail) -> None:
        """Everything from ``detail`` (a move answers the invoice as it now is)."""
        self.detail = detail
        self.query_one("#chorus-detail-title", Static).update(self._title())
        self.query_one("#chorus-facts", Static).update(facts(detail))
        panel = self.query_one("#chorus-pro", Static)
        panel.update(chorus_pro_text(detail.chorus_pro))
        panel.display = detail.chorus_pro is not None
        reasons = self.query_one("#chorus-reasons", Static)
        reasons.update(reasons_text(detail))
        reasons.display = bool(detail.reasons)
        self.query_one("#chorus-lines", Static).update(lines_table(detail))
        self.query_one("#chorus-totals", Static).update(totals_table(detail))
        self.query_one("#chorus-files", Static).update(files_table(detail))
        self.query_one("#chorus-history", Static).update(history_table(detail))
        self.refresh_bindings()

    # --- what the table offers ------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "process":  # the connector in play: the recipient is in Chorus Pro
            return bool(self.detail.moves) and self.detail.chorus_pro is None
        if action == "chorus_pro" and parameters:
            return str(parameters[0]) in self.detail.actions
        if action == "edit_draft":  # a draft of mine: the entry form, saved again
            return "submit" in self.detail.actions
        if action == "answer" and parameters:
            return str(parameters[0]) in self.detail.actions
        return True

    def action_export(self) -> None:
        open_screen(self.app, "chorus_facturx_export", self.detail.id, self.detail.number)

    def action_chorus_pro(self, what: str) -> None:
        if what in self.detail.actions:
            send_or_refresh(self.app, self.detail, what, self._show)

    def action_process(self) -> None:
        if self.detail.moves and self.detail.chorus_pro is None:
            open_screen(self.app, "chorus_process", self.detail, callback=self._moved)

    def action_answer(self, name: str) -> None:
        if name not in self.detail.actions:
            return
        if name == "correct":
            open_link(self.app, "chorus_correct", self.detail.id,
                      callback=lambda _done: self.action_reload())
        elif name == "credit_note" or name == "submit" or name == "delete":
            open_screen(self.app, "chorus_confirm_answer", self.detail, name,
                        callback=self._answered)
        elif name == "change_payment_mode" and \
                self.detail.payment_mode == ChorusPaymentMode.PRELEVEMENT:
            open_screen(self.app, "chorus_payment_mode", self.detail, callback=self._moved)
        elif name == "complete":
            open_screen(self.app, "chorus_complete", self.detail, callback=self._moved)
        elif name == "reissue":
            open_screen(self.app, "chorus_reissue", self.detail, callback=self._answered)

    def action_edit_draft(self) -> None:
        if "submit" in self.detail.actions:
            open_link(self.app, "chorus_entry", draft_id=self.detail.id,
                      callback=lambda _done: self.action_reload())

    def _moved(self, detail: ChorusInvoiceDetail | None) -> None:
        if detail is not None:
            self._show(detail)

    def _answered(self, result: tuple[str, ChorusInvoiceDetail | None] | None) -> None:
        """A confirmed answer: a new invoice (credit note, re-issue) opens; a deleted
        draft closes this screen; a submitted one shows what the checks said."""
        if result is None:
            return
        name, made = result
        if name == "delete":
            self.dismiss(None)
            return
        if made is None:
            return
        if made.id == self.detail.id:
            self._show(made)
            return
        self.action_reload()
        self.app.push_screen(InvoiceDetailScreen(made))

    def action_reload(self) -> None:
        self._reload(self.detail.id)

    @work(thread=True, exclusive=True, group="chorus-detail-reload")
    def _reload(self, invoice_id: int) -> None:
        try:
            detail = cofa(self.app).repo.chorus_invoices.get(invoice_id)
        except CofaError as exc:
            self.app.call_from_thread(self.notify, clean(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, detail)


__all__ = ["InvoiceDetailScreen", "open_chorus_invoice"]
