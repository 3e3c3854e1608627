"""The extension of due date form (SPEC §5; seed 001 "Demander une prorogation
d'échéance"): identification (reason for non-payment, currency — it applies to the whole
form), invoiced deliveries (typed, or imported with the claim invoice CSV format) and the
requested payment plan (new due dates and amounts whose total must equal the invoices'
total: both totals and the difference are shown live). Under them, the rule of the
maximum credit duration (DMC), with this form's dates: within it the extension is yours
to grant and is recorded at once; beyond it, or when the cover was terminated or the
buyer is in default, the request waits for the insurer.

The same form modifies an active extension (a new plan).

What is typed is kept as a draft (``repo.drafts.save("extension", "<contract>:<company>",
…)``, ``…:<extension>`` for a modification) once the typing pauses, restored when the form
is opened again on the same buyer, deleted once the request is sent or the user discards
it on leaving.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from cofatui.enums import ACTIVE_COVER_STATUSES, ProductStatus
from cofatui.errors import CofaError, Conflict, FieldError, ValidationFailed
from cofatui.i18n import format_amount, format_date, get_language, t
from cofatui.i18n.messages import Term, render
from cofatui.rules import extensions as rules
from cofatui.schemas import (
    CompanyPublic,
    ContractPublic,
    ExtensionCreate,
    ExtensionInvoiceLine,
    ExtensionPublic,
    InvoiceLine,
    PlanLineInput,
    ProductPublic,
)
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.drafts import FormDraft, draft_lines, leave_form
from cofatui.tui.kit.form import FormField, field, show_errors
from cofatui.tui.kit.line_import import save_template, start_import
from cofatui.tui.kit.lines import (
    CSS,
    LineContext,
    RowsPanel,
    date_pattern,
    format_user_date,
    line_errors,
    parse_user_date,
)
from cofatui.tui.kit.products import app_clock, cofa
from cofatui.tui.kit.typed_input import money_text, parse_rounded_amount
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

EXT_CSS: list[str | PurePath] = [*CSS, "extensions.tcss"]
REASONS = ("cash_flow", "commercial_dispute", "technical_dispute", "seasonal",
           "customer_default", "other")
COVER_CODES = ("CRL", "ECL", "RLI", "TOPLINER")
DRAFT_KIND = "extension"
DRAFT_VERSION = 1


def draft_key(contract_id: int, company_id: int, extension_id: int | None = None) -> str:
    base = f"{contract_id}:{company_id}"
    return base if extension_id is None else f"{base}:{extension_id}"


@dataclass(frozen=True)
class BuyerFacts:
    """What the DMC rule needs to know of the buyer under this contract."""

    cover_terminated: bool = False
    in_default: bool = False


def buyer_facts(company: CompanyPublic, products: Sequence[ProductPublic]) -> BuyerFacts:
    """Terminated: covers exist, none is active and one was terminated; in default: DRA 0
    (as the repository decides)."""
    covers = [p.status for p in products if p.code in COVER_CODES]
    terminated = bool(covers) and not any(s in ACTIVE_COVER_STATUSES for s in covers) \
        and ProductStatus.TERMINATED in covers
    return BuyerFacts(terminated, company.dra == 0)


def _invoices(lines: Sequence[ExtensionInvoiceLine]) -> list[rules.ExtensionInvoice]:
    return [rules.ExtensionInvoice(i.number, i.invoice_date, i.due_date, i.amount) for i in lines]


def _plan(lines: Sequence[PlanLineInput]) -> list[rules.PlanLine]:
    return [rules.PlanLine(p.due_date, p.amount) for p in lines]


def dmc_text(invoices: Sequence[ExtensionInvoiceLine], plan: Sequence[PlanLineInput],
             dmc_days: int, facts: BuyerFacts) -> Text:
    """The DMC rule with this form's dates (``rules.extensions.extension_needs_request``);
    its own words in English, the same decision in the catalog's words otherwise."""
    intro = Text(t("extensions.dmc.intro", days=dmc_days) + "\n", style="dim")
    if not invoices or not plan:
        intro.append(t("extensions.dmc.waiting"))
        return intro
    earliest = min(invoices, key=lambda i: i.invoice_date)
    last = max(p.due_date for p in plan)
    try:
        needed, why = rules.extension_needs_request(earliest.invoice_date, last, dmc_days,
                                                    facts.cover_terminated, facts.in_default)
    except ValidationFailed as exc:
        intro.append("⚠ " + "; ".join(e.message for e in exc.errors))
        return intro
    end = rules.dmc_end(earliest.invoice_date, dmc_days)
    if get_language() != "en":
        if facts.cover_terminated:
            why = t("extensions.dmc.terminated")
        elif facts.in_default:
            why = t("extensions.dmc.default")
        elif needed:
            why = render("extensions.dmc.beyond", {
                "date": format_date(last), "end": format_date(end), "days": dmc_days,
                "n": Term.of("common.count.days", count=(last - end).days)})
        else:
            why = t("extensions.dmc.within", date=format_date(last), end=format_date(end),
                    days=dmc_days)
    intro.append(("⚠ " if needed else "✓ ") + clean(why), style="bold" if needed else "")
    intro.append("\n")
    intro.append(t("extensions.dmc.needs_request") if needed else t("extensions.dmc.free"))
    return intro


def totals_text(invoices: Sequence[ExtensionInvoiceLine], plan: Sequence[PlanLineInput],
                currency: str) -> Text:
    due = sum((i.amount for i in invoices), Decimal(0))
    planned = sum((p.amount for p in plan), Decimal(0))
    gap = planned - due
    out = Text(t("extensions.totals", invoices=format_amount(due, currency),
                 plan=format_amount(planned, currency)))
    out.append("   ")
    if gap == 0 and invoices:
        out.append("✓ " + t("extensions.totals_equal"), style="bold")
    else:
        out.append("⚠ " + t("extensions.totals_gap", gap=format_amount(gap, currency)),
                   style="bold")
    return out


# --- line dialogs -----------------------------------------------------------------------------


class _SimpleLineDialog(Dialog[Any]):
    CSS_PATH = EXT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "extensions.key.cancel", id="ext_line.cancel"),
        Binding("ctrl+s", "submit", "extensions.key.save_line", id="ext_line.save"),
    ]
    TITLE_KEY = ""
    FIELDS: tuple[str, ...] = ()

    def __init__(self, order: str, currency: str, line: Any | None) -> None:
        super().__init__()
        self.order = order
        self.currency = currency
        self.line = line

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog line-dialog"):
            yield Label(Text(t(self.TITLE_KEY)), classes="dialog-title")
            with Grid(classes="line-grid"):
                for name in self.FIELDS:
                    is_date = name.endswith("date")
                    label = t(f"extensions.field.{name}", pattern=date_pattern(self.order),
                              currency=self.currency)
                    if name == "amount":  # echoes what it understood, in the form's currency
                        yield AmountField(label, name, self.currency,
                                          getattr(self.line, name, None))
                        continue
                    yield FormField(label, Input(self._initial_text(name), id=name,
                                                 placeholder=date_pattern(self.order)
                                                 if is_date else ""), name)
            yield Static("", id="line-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("extensions.button.save_line"), variant="primary", id="save")
                yield Button(t("extensions.button.cancel"), id="cancel")

    def _initial_text(self, name: str) -> str:
        if self.line is None:
            return ""
        value = getattr(self.line, name)
        if isinstance(value, date):
            return format_user_date(value, self.order)
        if isinstance(value, Decimal):
            return money_text(value)
        return str(value)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def parsed(self) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in self.FIELDS:
            raw = self.query_one(f"#{name}", Input).value
            try:
                if name.endswith("date"):
                    values[name] = parse_user_date(raw, self.order)
                elif name == "amount":
                    values[name] = parse_rounded_amount(raw, self.currency)
                else:
                    values[name] = raw.strip()
            except ValueError as exc:
                errors[name] = str(exc)
                continue
            if values[name] in (None, ""):
                errors[name] = t("claim_wizard.rule.mandatory")
            elif name == "amount" and values[name] <= 0:
                errors[name] = t("claim_wizard.rule.above_zero")
        return values, errors

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, str]]:
        raise NotImplementedError

    def submit(self) -> None:
        values, errors = self.parsed()
        line, more = (None, {}) if errors else self.build(values)
        errors.update(more)
        show_errors(self, errors, self.query_one("#line-error", Static))
        if line is not None and not errors:
            self.dismiss(line)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input is list(self.query(Input))[-1]:
            self.submit()
        else:
            self.focus_next()


class ExtensionInvoiceDialog(_SimpleLineDialog):
    TITLE_KEY = "extensions.invoice_title"
    FIELDS = ("number", "invoice_date", "due_date", "amount")

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, str]]:
        if values["due_date"] < values["invoice_date"]:
            return None, {"due_date": t("claim_wizard.rule.due_before_invoice")}
        return ExtensionInvoiceLine(**values), {}


class PlanLineDialog(_SimpleLineDialog):
    TITLE_KEY = "extensions.plan_title"
    FIELDS = ("due_date", "amount")

    def build(self, values: dict[str, Any]) -> tuple[Any | None, dict[str, str]]:
        return PlanLineInput(**values), {}


def invoice_columns(order: str) -> list[Column]:
    return [
        Column("number", t("extensions.col.number"), 0, render=lambda i: plain(i.number)),
        Column("invoice_date", t("extensions.col.invoice_date"), 12,
               render=lambda i: format_user_date(i.invoice_date, order)),
        Column("due_date", t("extensions.col.due_date"), 12,
               render=lambda i: format_user_date(i.due_date, order)),
        Column("amount", t("extensions.col.amount"), 14, align="right",
               render=lambda i: money_text(i.amount)),
    ]


def plan_columns(order: str) -> list[Column]:
    return [
        Column("due_date", t("extensions.col.new_due_date"), 0,
               render=lambda p: format_user_date(p.due_date, order)),
        Column("amount", t("extensions.col.amount"), 14, align="right",
               render=lambda p: money_text(p.amount)),
    ]


# --- the form ---------------------------------------------------------------------------------


class ExtensionFormScreen(Dialog[ExtensionPublic | None]):
    """Request an extension (``existing`` None) or a new plan for an active one."""

    CSS_PATH = EXT_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "extensions.key.cancel", id="ext_form.cancel"),
        Binding("ctrl+s", "submit", "extensions.key.submit", id="ext_form.submit",
                tooltip="extensions.key.submit_tip"),
    ]

    def __init__(self, contract: ContractPublic, company: CompanyPublic, facts: BuyerFacts,
                 existing: ExtensionPublic | None = None) -> None:
        super().__init__()
        self.contract = contract
        self.company = company
        self.facts = facts
        self.existing = existing
        self.invoices: list[ExtensionInvoiceLine] = list(existing.invoices) if existing else []
        self.plan: list[PlanLineInput] = list(existing.plan) if existing else []
        self.currency = existing.currency if existing else contract.currency
        self.draft = FormDraft(self, DRAFT_KIND, draft_key(
            contract.id, company.id, existing.id if existing else None), self.payload,
            note_id="ext-draft")
        self.restored = False

    @property
    def order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        order = self.order
        modifying = self.existing is not None
        with Vertical(classes="dialog", id="extension-dialog"):
            title = Text(t("extensions.modify_title" if modifying else "extensions.title") + " — ")
            title.append_text(plain(self.company.name))
            yield Label(title, classes="dialog-title")
            with VerticalScroll(id="extension-body"):
                yield Label(Text(t("extensions.section.identification")),
                            classes="section-title")
                with Horizontal(id="extension-identification"):
                    yield FormField(t("extensions.field.reason"), Select(
                        [(t(f"extensions.reason.{r}"), r) for r in REASONS],
                        prompt=t("extensions.choose_reason"), id="reason",
                        disabled=modifying), "reason")
                    yield FormField(t("extensions.field.detail"), Input(
                        self.existing.reason if self.existing else "", id="detail",
                        max_length=200, disabled=modifying), "detail")
                    yield FormField(t("extensions.field.currency"), Input(
                        self.currency, id="currency", max_length=3, disabled=modifying),
                        "currency")
                yield Label(Text(t("extensions.section.invoices")), classes="section-title")
                yield RowsPanel(invoice_columns(order), self.invoices, self._invoice_editor,
                                importer=None if modifying else self._import,
                                template=None if modifying
                                else (lambda: save_template(self.app, "invoice")),
                                id="ext-invoices")
                yield Label(Text(t("extensions.section.plan")), classes="section-title")
                yield RowsPanel(plan_columns(order), self.plan, self._plan_editor,
                                id="ext-plan")
            yield Static("", id="ext-totals", markup=False)
            yield Static("", id="ext-dmc", markup=False)
            yield Static("", id="dialog-error", classes="form-error", markup=False)
            yield Static("", id="ext-draft", classes="form-info", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("extensions.button.modify" if modifying
                               else "extensions.button.send"), variant="primary", id="submit")
                yield Button(t("extensions.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        if self.existing is not None:
            self.query_one("#ext-invoices", RowsPanel).disabled = True
            self.query_one("#ext-plan", RowsPanel).focus_list()
        else:
            self.query_one("#reason", Select).focus()
        self._refresh()
        self.draft.open(self._restore)

    # --- the draft ----------------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        reason = self.query_one("#reason", Select).value
        return {"version": DRAFT_VERSION,
                "reason": reason if isinstance(reason, str) else "",
                "detail": self.query_one("#detail", Input).value,
                "currency": self.query_one("#currency", Input).value,
                "invoices": [line.model_dump(mode="json") for line in self.invoices],
                "plan": [line.model_dump(mode="json") for line in self.plan]}

    def _restore(self, found: dict[str, Any]) -> None:
        self.restored = True
        if self.existing is None:
            if found.get("reason") in REASONS:
                self.query_one("#reason", Select).value = found["reason"]
            for name in ("detail", "currency"):
                if isinstance(found.get(name), str):
                    self.query_one(f"#{name}", Input).value = found[name]
            self.invoices = draft_lines(ExtensionInvoiceLine, found.get("invoices"))
            self.query_one("#ext-invoices", RowsPanel).set_lines(self.invoices)
        self.plan = draft_lines(PlanLineInput, found.get("plan"))
        self.query_one("#ext-plan", RowsPanel).set_lines(self.plan)
        self._refresh()
        self.query_one("#ext-draft", Static).update(Text(t("extensions.draft_restored")))

    @on(Input.Changed)
    @on(Select.Changed)
    def _typed(self) -> None:
        self.draft.changed()

    # --- lines --------------------------------------------------------------------------------
    def _invoice_editor(self, line: ExtensionInvoiceLine | None, _index: int | None) -> Screen[Any]:
        return ExtensionInvoiceDialog(self.order, self.currency, line)

    def _plan_editor(self, line: PlanLineInput | None, _index: int | None) -> Screen[Any]:
        return PlanLineDialog(self.order, self.currency, line)

    def _import(self, done: Any) -> None:
        ctx = LineContext(today=app_clock(self.app).today(), currency=self.currency,
                          date_order=self.order)

        def imported(lines: list[InvoiceLine]) -> None:
            other = sorted({line.currency for line in lines} - {self.currency})
            if other:
                self.notify(t("extensions.import_currency", currency=self.currency,
                              other=", ".join(other)), severity="error", markup=False)
                return
            done([ExtensionInvoiceLine(number=line.number, invoice_date=line.invoice_date,
                                       due_date=line.due_date,
                                       amount=line.amount_excl_tax + line.tax)
                  for line in lines])

        start_import(self.app, "invoice", ctx, imported,
                     existing=[("IN", i.number) for i in self.invoices])

    @on(RowsPanel.Changed)
    def _lines_changed(self, event: RowsPanel.Changed) -> None:
        if event.panel.id == "ext-invoices":
            self.invoices = list(event.panel.lines)
        else:
            self.plan = list(event.panel.lines)
        self._refresh()
        self.draft.changed()

    @on(Input.Changed, "#currency")
    def _currency(self, event: Input.Changed) -> None:
        self.currency = event.value.strip().upper() or self.contract.currency
        self._refresh()

    def rule_errors(self, reason: str) -> list[FieldError]:
        """What the repository will check, with the same rules: a whole request, or a new
        plan against the invoices already recorded (in the extension's currency)."""
        today = app_clock(self.app).today()
        invoices, plan = _invoices(self.invoices), _plan(self.plan)
        if self.existing is not None:
            return rules.plan_errors(invoices, plan, self.currency, today)
        return rules.request_errors(reason, self.currency, invoices, plan, today,
                                    rules.ContractTerms(self.contract.dmc_days))

    def _refresh(self) -> None:
        self.query_one("#ext-totals", Static).update(
            totals_text(self.invoices, self.plan, self.currency))
        self.query_one("#ext-dmc", Static).update(
            dmc_text(self.invoices, self.plan, self.contract.dmc_days, self.facts))
        errors = self.rule_errors(self._reason_text())
        self.query_one("#ext-invoices", RowsPanel).set_errors(line_errors(errors, "invoices"))
        self.query_one("#ext-plan", RowsPanel).set_errors(line_errors(errors, "plan"))
        # The currency is checked as it is typed; the reason waits for the sending.
        currency = field(self, "currency")
        if currency is not None:
            currency.set_error(next((e.message for e in errors if e.field == "currency"), None))

    def _reason_text(self) -> str:
        reason = self.query_one("#reason", Select).value
        detail = self.query_one("#detail", Input).value.strip()
        label = t(f"extensions.reason.{reason}") if isinstance(reason, str) else ""
        return f"{label} — {detail}" if label and detail else label or detail

    # --- sending ------------------------------------------------------------------------------
    def read(self) -> tuple[ExtensionCreate | None, dict[str, str]]:
        errors: dict[str, str] = {}
        reason = self.query_one("#reason", Select).value
        if self.existing is None and reason is Select.NULL:
            errors["reason"] = t("extensions.choose_reason")
        text = self._reason_text()
        found = self.rule_errors(text)
        for e in found:
            if "[" not in e.field:
                errors.setdefault(e.field, e.message)
        if any("[" in e.field for e in found):
            errors.setdefault("", plural("claim_wizard.error.lines",
                                         count=len([e for e in found if "[" in e.field])))
        if errors:
            return None, errors
        return ExtensionCreate(contract_id=self.contract.id, company_id=self.company.id,
                               reason=text, currency=self.currency, invoices=self.invoices,
                               plan=self.plan), {}

    def _show(self, errors: dict[str, str]) -> None:
        general = self.query_one("#dialog-error", Static)
        mapped = {("" if k in ("plan", "invoices") else k): v for k, v in errors.items()}
        show_errors(self, mapped, general)

    def submit(self) -> None:
        data, errors = self.read()
        if data is None:
            self._show(errors)
            return
        self._show({})
        self.query_one("#submit", Button).disabled = True
        self._send(data)

    @work(thread=True, exclusive=True, group="extension-send")
    def _send(self, data: ExtensionCreate) -> ExtensionPublic | None:
        repo = cofa(self.app).repo
        try:
            if self.existing is not None:
                result = repo.extensions.modify(self.existing.id, data.plan, self.existing.version)
            else:
                result = repo.extensions.request(data)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._refused, exc)
            return None
        except CofaError as exc:
            message = t("extensions.conflict") if isinstance(exc, Conflict) else str(exc)
            self.app.call_from_thread(self._failed, message)
            return None
        self.draft.sent()
        return result

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Dismissed once the sending worker is over (not from inside it: the screen's
        workers are cancelled when it goes)."""
        if event.worker.group == "extension-send" and event.state == WorkerState.SUCCESS \
                and event.worker.result is not None:
            self.dismiss(event.worker.result)

    def _refused(self, exc: ValidationFailed) -> None:
        self.query_one("#submit", Button).disabled = False
        self.query_one("#ext-invoices", RowsPanel).set_errors(line_errors(exc.errors, "invoices"))
        self.query_one("#ext-plan", RowsPanel).set_errors(line_errors(exc.errors, "plan"))
        self._show({k: v for k, v in exc.by_field().items() if "[" not in k})

    def _failed(self, message: str) -> None:
        self.query_one("#submit", Button).disabled = False
        self.query_one("#dialog-error", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def action_cancel(self) -> None:
        """Leave: what was typed is kept, discarded or the user stays (asked first)."""
        leave_form(self, self.draft, "extensions.leave_title", "extensions.leave_text")


__all__ = ["BuyerFacts", "ExtensionFormScreen", "ExtensionInvoiceDialog", "PlanLineDialog",
           "buyer_facts", "dmc_text", "draft_key", "plan_columns", "totals_text"]
