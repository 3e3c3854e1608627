"""Extensions of due date around the form (SPEC §5; seed 001 pp. 32-33):

- :class:`ExtensionsScreen`: a buyer's extensions under the contract — request one (N,
  only while none is pending or active), cancel a pending one (C), modify an active one
  (M), see one in full (Enter). Opened from the company's NEW ACTION menu.
- :class:`ExtensionQueueScreen` (underwriter): the pending extensions of every contract,
  oldest first; Enter opens :class:`ExtensionDecisionScreen`: accept as proposed, accept
  with another plan, or refuse with a comment. The decision moves the claim deadline and
  notifies the policyholder.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, RadioSet, Static

from cofatui.enums import ExtensionStatus
from cofatui.errors import CofaError, Conflict, NotFound, RuleViolation, ValidationFailed
from cofatui.i18n import format_amount, format_date, t
from cofatui.rules import extensions as rules
from cofatui.schemas import (
    CompanyPublic,
    ContractPublic,
    ExtensionDecisionInput,
    ExtensionPublic,
    PlanLineInput,
)
from cofatui.tui.features.extensions.form import (
    EXT_CSS,
    BuyerFacts,
    ExtensionFormScreen,
    PlanLineDialog,
    buyer_facts,
    plan_columns,
    totals_text,
)
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.lines import Choice, RowsPanel, line_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain


def status_label(status: str) -> str:
    return t(f"extensions.status.{status}")


def plan_text(plan: Sequence[PlanLineInput], currency: str) -> str:
    return ", ".join(f"{format_date(p.due_date)} {format_amount(p.amount, currency)}"
                     for p in plan)


def extension_columns(with_company: bool = False) -> list[Column]:
    columns = [
        Column("status", t("extensions.col.status"), 10, render=lambda e: status_label(e.status)),
        Column("created", t("extensions.col.created"), 11,
               render=lambda e: format_date(e.created_at)),
        Column("total", t("extensions.col.total"), 13, align="right",
               render=lambda e: format_amount(e.total, e.currency)),
        Column("plan", t("extensions.col.plan"), 0, render=lambda e: plan_text(e.plan, e.currency)),
        Column("deadline", t("extensions.col.deadline"), 14,
               render=lambda e: format_date(e.declaration_deadline)),
        Column("decided_by", t("extensions.col.decided_by"), 14,
               render=lambda e: plain(e.decided_by)),
    ]
    if with_company:
        columns.insert(1, Column("company", t("extensions.col.company"), 22,
                                 render=lambda e: plain(e.company_name)))
    return columns


def extension_text(e: ExtensionPublic) -> Text:
    """One extension in full, as the details and the decision show it."""
    out = Text()

    def row(label: str, value: str) -> None:
        out.append(f"{label}: ", style="bold")
        out.append_text(plain(value or "—"))
        out.append("\n")

    row(t("extensions.col.company"), e.company_name)
    row(t("extensions.col.status"), status_label(e.status))
    row(t("extensions.field.reason"), e.reason)
    row(t("extensions.col.total"), format_amount(e.total, e.currency))
    out.append(t("extensions.section.invoices") + "\n", style="bold underline")
    for i in e.invoices:
        out.append("  • ")
        out.append_text(plain(i.number))
        out.append(f"  {format_date(i.invoice_date)} → {format_date(i.due_date)}  "
                   f"{format_amount(i.amount, e.currency)}\n")
    out.append(t("extensions.proposed_plan") + "\n", style="bold underline")
    for p in e.proposed_plan:
        out.append(f"  • {format_date(p.due_date)}  {format_amount(p.amount, e.currency)}\n")
    if e.plan != e.proposed_plan:
        out.append(t("extensions.plan_in_force") + "\n", style="bold underline")
        for p in e.plan:
            out.append(f"  • {format_date(p.due_date)}  {format_amount(p.amount, e.currency)}\n")
    row(t("extensions.col.deadline"), format_date(e.declaration_deadline))
    if e.decided_by:
        row(t("extensions.col.decided_by"), f"{e.decided_by} {format_date(e.decided_at)}")
    row(t("extensions.comment"), e.comment)
    return out


class ExtensionInfoDialog(Dialog[None]):
    CSS_PATH = EXT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "extensions.key.close", id="ext_info.close"),
    ]

    def __init__(self, extension: ExtensionPublic) -> None:
        super().__init__()
        self.extension = extension

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ext-info-dialog"):
            yield Label(Text(t("extensions.info_title")), classes="dialog-title")
            yield VerticalScroll(Static(extension_text(self.extension), markup=False))
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("extensions.button.close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()


# --- the buyer's extensions -------------------------------------------------------------------


class ExtensionsScreen(Screen[None]):
    CSS_PATH = EXT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "extensions.key.back", id="extensions.back"),
        Binding("n", "new", "extensions.key.new", id="extensions.new",
                tooltip="extensions.key.new_tip"),
        Binding("c", "cancel_extension", "extensions.key.cancel_extension",
                id="extensions.cancel"),
        Binding("m", "modify", "extensions.key.modify", id="extensions.modify"),
        Binding("ctrl+r", "reload", "extensions.key.reload", id="extensions.reload"),
    ]

    def __init__(self, contract_id: int, company_id: int, open_form: bool = True) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.company_id = company_id
        self.open_form = open_form
        self.contract: ContractPublic | None = None
        self.company: CompanyPublic | None = None
        self.facts = BuyerFacts()
        self.items: list[ExtensionPublic] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(t("common.loading")), id="ext-header", markup=False)
        yield VirtualList(extension_columns(), id="extensions")
        yield Static("", id="ext-rule", classes="form-info", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "extensions.list_title"
        self.query_one("#extensions", VirtualList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="extensions-load")
    def load(self) -> None:
        repo = cofa(self.app).repo
        try:
            contract = next((c for c in repo.contracts() if c.id == self.contract_id), None)
            if contract is None:
                raise NotFound(t("claim_wizard.error.no_contract"))
            company = repo.companies.get(self.company_id)
            try:
                products = repo.products.company_detail(self.contract_id, self.company_id).products
            except CofaError:
                products = []  # no cover rights: the DMC rule alone decides on screen
            items = repo.extensions.rows(self.contract_id, self.company_id)
        except CofaError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, contract, company, buyer_facts(company, products),
                                  items)

    def _failed(self, message: str) -> None:
        self.query_one("#ext-header", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def _loaded(self, contract: ContractPublic, company: CompanyPublic, facts: BuyerFacts,
                items: list[ExtensionPublic]) -> None:
        self.contract, self.company, self.facts, self.items = contract, company, facts, items
        header = Text(t("extensions.list_for") + " ")
        header.append_text(plain(company.name, style="bold"))
        header.append("  · ")
        header.append(t("extensions.contract_terms", policy=clean(contract.policy_number),
                        dmc=contract.dmc_days, days=contract.max_declaration_days))
        self.query_one("#ext-header", Static).update(header)
        self.query_one("#extensions", VirtualList).set_source(ListSource(items))
        self.query_one("#ext-rule", Static).update(Text(
            t("extensions.rules_hint") if items else t("extensions.none_yet")))
        self.refresh_bindings()
        if self.open_form and not self._blocking():
            self.open_form = False
            self.action_new()
        self.open_form = False

    def _blocking(self) -> ExtensionPublic | None:
        return next((e for e in self.items if e.status in rules.BLOCKING_STATUSES), None)

    def _current(self) -> ExtensionPublic | None:
        return cast(ExtensionPublic | None, self.query_one("#extensions", VirtualList).cursor_row)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.contract is None and action in ("new", "cancel_extension", "modify"):
            return None
        current = self._current() if self.is_mounted else None
        if action == "new":
            return None if self._blocking() else True
        if action == "cancel_extension":
            return True if current and current.status == ExtensionStatus.PENDING else None
        if action == "modify":
            return True if current and current.status == ExtensionStatus.ACTIVE else None
        return True

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(ExtensionInfoDialog(cast(ExtensionPublic, event.row)))

    def _after(self, result: ExtensionPublic | None) -> None:
        if result is None:
            return
        if result.status == ExtensionStatus.ACTIVE:
            self.notify(t("extensions.granted", date=format_date(result.declaration_deadline)),
                        markup=False)
        else:
            self.notify(t("extensions.pending"), markup=False)
        self.load()

    def action_new(self) -> None:
        if self.contract is None or self.company is None:
            return
        blocking = self._blocking()
        if blocking is not None:
            self.notify(t("extensions.one_per_buyer", status=status_label(blocking.status)),
                        severity="warning", markup=False)
            return
        self.app.push_screen(ExtensionFormScreen(self.contract, self.company, self.facts),
                             self._after)

    def action_modify(self) -> None:
        current = self._current()
        if self.contract is None or self.company is None or current is None:
            return
        if current.status != ExtensionStatus.ACTIVE:
            self.notify(t("extensions.only_active"), severity="warning", markup=False)
            return
        self.app.push_screen(ExtensionFormScreen(self.contract, self.company, self.facts,
                                                 current), self._after)

    def action_cancel_extension(self) -> None:
        current = self._current()
        if current is None:
            return
        if current.status != ExtensionStatus.PENDING:
            self.notify(t("extensions.only_pending"), severity="warning", markup=False)
            return
        self._cancel(current)

    @work(thread=True, exclusive=True, group="extension-cancel")
    def _cancel(self, extension: ExtensionPublic) -> None:
        try:
            cofa(self.app).repo.extensions.cancel(extension.id, extension.version)
        except CofaError as exc:
            message = t("extensions.conflict") if isinstance(exc, Conflict) else str(exc)
            self.app.call_from_thread(self.notify, clean(message), severity="error",
                                      markup=False)
            return
        self.app.call_from_thread(self.notify, t("extensions.cancelled"), markup=False)
        self.app.call_from_thread(self.load)

    def action_reload(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)


# --- the underwriter's queue ------------------------------------------------------------------


class ExtensionQueueScreen(Screen[None]):
    CSS_PATH = EXT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "extensions.key.reload", id="extension_queue.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="ext-queue-count", markup=False)
        yield VirtualList(extension_columns(with_company=True), id="extension-queue")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "extensions.queue_title"
        self.query_one("#extension-queue", VirtualList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="extension-queue")
    def load(self) -> None:
        repo = cofa(self.app).repo
        pending: list[ExtensionPublic] = []
        try:
            for access in cofa(self.app).principal.contracts:
                pending += [e for e in repo.extensions.rows(access.contract_id)
                            if e.status == ExtensionStatus.PENDING]
        except CofaError as exc:
            self.app.call_from_thread(self._show, [], str(exc))
            return
        pending.sort(key=lambda e: (e.created_at is None, e.created_at, e.id))
        self.app.call_from_thread(self._show, pending, "")

    def _show(self, items: list[ExtensionPublic], error: str) -> None:
        self.query_one("#ext-queue-count", Static).update(
            Text("⚠ " + clean(error)) if error
            else Text(plural("extensions.queue_count", count=len(items))))
        self.query_one("#extension-queue", VirtualList).set_source(ListSource(items))

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        def decided(result: ExtensionPublic | None) -> None:
            if result is not None:
                self.notify(t("extensions.decided", status=status_label(result.status),
                              date=format_date(result.declaration_deadline)), markup=False)
                self.load()

        self.app.push_screen(ExtensionDecisionScreen(cast(ExtensionPublic, event.row)), decided)

    def action_reload(self) -> None:
        self.load()


class ExtensionDecisionScreen(Dialog[ExtensionPublic | None]):
    """Accept as proposed, accept with another plan (typed below), or refuse (say why)."""

    CSS_PATH = EXT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "extensions.key.cancel", id="ext_decision.cancel"),
        Binding("ctrl+s", "submit", "extensions.key.decide", id="ext_decision.submit"),
    ]

    def __init__(self, extension: ExtensionPublic) -> None:
        super().__init__()
        self.extension = extension
        self.plan: list[PlanLineInput] = list(extension.plan)

    def compose(self) -> ComposeResult:
        e = self.extension
        order = cofa(self.app).settings.date_order
        with Vertical(classes="dialog", id="ext-decision-dialog"):
            title = Text(t("extensions.decision_title") + " — ")
            title.append_text(plain(e.company_name))
            yield Label(title, classes="dialog-title")
            with VerticalScroll(id="ext-decision-body"):
                yield Static(extension_text(e), markup=False)
                yield FormField(t("extensions.field.decision"), RadioSet(
                    Choice(t("extensions.decision.accept"), value=True, id="d-accept"),
                    Choice(t("extensions.decision.accept_other_plan"),
                                id="d-accept_other_plan"),
                    Choice(t("extensions.decision.refuse"), id="d-refuse"),
                    id="decision"), "decision")
                other = Vertical(
                    Label(Text(t("extensions.other_plan")), classes="section-title"),
                    RowsPanel(plan_columns(order), self.plan, self._plan_editor,
                              id="decision-plan"),
                    Static(totals_text(e.invoices, self.plan, e.currency), id="decision-totals",
                           markup=False),
                    id="other-plan")
                other.display = False
                yield other
                yield FormField(t("extensions.comment"), Input(id="comment", max_length=500),
                                "comment", hint=t("extensions.comment_hint"))
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("extensions.button.decide"), variant="primary", id="submit")
                yield Button(t("extensions.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#decision", RadioSet).focus()

    def _plan_editor(self, line: PlanLineInput | None, _index: int | None) -> Screen[Any]:
        return PlanLineDialog(cofa(self.app).settings.date_order, self.extension.currency, line)

    def _decision(self) -> str:
        pressed = self.query_one("#decision", RadioSet).pressed_button
        return (pressed.id or "").removeprefix("d-") if pressed else "accept"

    @on(RadioSet.Changed, "#decision")
    def _chosen(self) -> None:
        self.query_one("#other-plan").display = self._decision() == "accept_other_plan"

    @on(RowsPanel.Changed)
    def _plan_changed(self, event: RowsPanel.Changed) -> None:
        self.plan = list(event.panel.lines)
        e = self.extension
        self.query_one("#decision-totals", Static).update(
            totals_text(e.invoices, self.plan, e.currency))

    def submit(self) -> None:
        decision = self._decision()
        comment = self.query_one("#comment", Input).value.strip()
        errors: dict[str, str] = {}
        if decision == "refuse" and not comment:
            errors["comment"] = t("extensions.why_refused")
        if errors:
            show_errors(self, errors, self.query_one("#dialog-error", Static))
            return
        data = ExtensionDecisionInput(decision=decision, comment=comment,
                                      plan=self.plan if decision == "accept_other_plan" else [])
        self.query_one("#submit", Button).disabled = True
        self._send(data)

    @work(thread=True, exclusive=True, group="extension-decide")
    def _send(self, data: ExtensionDecisionInput) -> None:
        e = self.extension
        try:
            result = cofa(self.app).repo.extensions.decide(e.id, data, e.version)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except (RuleViolation, Conflict, CofaError) as exc:
            message = t("extensions.conflict") if isinstance(exc, Conflict) else str(exc)
            self.app.call_from_thread(self._refused, ValidationFailed({"": message}))
            return
        self.app.call_from_thread(self.dismiss, result)

    def _refused(self, exc: ValidationFailed) -> None:
        self.query_one("#submit", Button).disabled = False
        self.query_one("#decision-plan", RowsPanel).set_errors(line_errors(exc.errors, "plan"))
        fields = {("" if k == "plan" else k): v for k, v in exc.by_field().items()
                  if "[" not in k}
        show_errors(self, fields, self.query_one("#dialog-error", Static))


__all__ = ["ExtensionDecisionScreen", "ExtensionInfoDialog", "ExtensionQueueScreen",
           "ExtensionsScreen", "extension_columns", "extension_text"]
