"""What can be done with a product already on a company (SPEC §5; seed 001 "Modifier
ou transformer votre demande"): show its whole decision (guarantor, clause, comment,
dates), modify the amount, transform Agrément ↔ @rating cover, delete or cancel it
(after a confirmation), stop its monitoring, list its history, open a delivered report,
answer a TopLiner quote still valid (refuse, new simulation, buy). Also the countdown
shown when a request goes pending.

Each dialog returns the changed :class:`ProductPublic` (or None) so the company detail
reloads and reports the outcome the same way as for a new request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.enums import ACTIVE_COVER_STATUSES, ProductStatus
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, format_datetime, t
from cofatui.rules.products import (
    AMOUNT_CODES,
    COVER_CODES,
    MONITORED_CODES,
    REPORT_CODES,
    REPORT_LANGUAGES,
    ProductRequestData,
    quote_open,
    request_errors,
)
from cofatui.schemas import CompanyDetail, ProductEventPublic, ProductPublic
from cofatui.tui.features.products.report import ReportScreen
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.delivered import delivered_facts
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import refusal, show_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import (
    app_clock,
    cofa,
    countdown_text,
    product_marker,
    product_name,
    seconds_left,
    status_label,
)
from cofatui.tui.kit.requests import request_text, waiting_until
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain

CSS: list[str | PurePath] = [DIALOGS_TCSS, "products.tcss"]
ENDED = frozenset({ProductStatus.DELETED, ProductStatus.EXPIRED, ProductStatus.REPLACED})
# A refused request never covered anything: there is nothing left to cancel or delete.
NOTHING_TO_END = ENDED | {ProductStatus.REFUSED}


QUOTE_ACTIONS = ("quote_refuse", "quote_new_simulation", "quote_buy")


def available_actions(product: ProductPublic, today: date) -> list[str]:
    """The buttons worth showing; the repository still decides (and says why not)."""
    if product.status == ProductStatus.QUOTED:
        # A quote is answered, not changed; once expired only its history is left.
        valid = quote_open(product.status, product.quote_valid_until, today)
        return [*(QUOTE_ACTIONS if valid else ()), "history"]
    actions: list[str] = []
    if product.pending_request is not None or product.status == ProductStatus.PENDING:
        # A request waits: it can be withdrawn; the standing decision cannot change
        # meanwhile (delete is shown disabled with the reason, see blocked_actions).
        actions.append("cancel_request")
    else:
        active = product.status in ACTIVE_COVER_STATUSES
        if product.code in ("CRL", "CCO") and active:
            actions.append("modify")
        if product.code in ("CRL", "RLI") and active:
            actions.append("transform")
        if product.code in COVER_CODES and active and product.end_date is not None:
            actions.append("renew")
        if product.code in MONITORED_CODES and product.monitored:
            actions.append("stop_monitoring")
        elif product.status not in NOTHING_TO_END:
            actions.append("delete")
    if product.code in REPORT_CODES and product.status not in (ProductStatus.PENDING,
                                                              ProductStatus.REFUSED):
        actions.append("report")
    actions.append("history")
    return actions


def blocked_actions(product: ProductPublic) -> list[str]:
    """Actions shown disabled, with the reason: deleting a standing decision while a
    request on it is pending (SPEC §5)."""
    if product.pending_request is not None and product.status != ProductStatus.PENDING \
            and product.status not in ENDED:
        return ["delete"]
    return []


class ProductActionsScreen(Dialog[ProductPublic | None]):
    CSS_PATH = CSS

    # Every button is an action of the product (``perform``), Close included.
    SUBMIT_BUTTONS: ClassVar[frozenset[str]] = frozenset()
    CANCEL_BUTTONS: ClassVar[frozenset[str]] = frozenset()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.close", id="actions.close"),
        Binding("t", "do('transform')", "products.action.transform", id="actions.transform"),
        Binding("d", "do('delete')", "products.action.delete", id="actions.delete"),
        Binding("c", "do('cancel_request')", "products.action.cancel_request",
                id="actions.cancel_request"),
        Binding("w", "do('renew')", "lifecycle.action.renew", id="actions.renew"),
        Binding("s", "do('stop_monitoring')", "products.action.stop_monitoring",
                id="actions.stop_monitoring"),
        Binding("h", "do('history')", "products.action.history", id="actions.history"),
        Binding("r", "do('report')", "products.action.report", id="actions.report"),
        Binding("x", "do('quote_refuse')", "products.key.quote_refuse",
                id="actions.quote_refuse"),
        Binding("n", "do('quote_new_simulation')", "products.key.quote_new_simulation",
                id="actions.quote_new_simulation",
                tooltip="products.key.quote_new_simulation_tip"),
        Binding("b", "do('quote_buy')", "products.key.quote_buy", id="actions.quote_buy",
                tooltip="products.key.quote_buy_tip"),
    ]

    def __init__(self, product: ProductPublic, detail: CompanyDetail,
                 answered: Callable[[str, ProductPublic], None] | None = None,
                 amount: Decimal | None = None) -> None:
        super().__init__()
        self.product = product
        self.detail = detail
        # The new amount pre-filled (an ILU's real need above the cover leads here).
        self.amount = amount
        # Told of a quote's answer (the company detail opens a new simulation's form).
        self.answered = answered

    def _actions(self) -> list[str]:
        return available_actions(self.product, app_clock(self.app).today())

    def compose(self) -> ComposeResult:
        p = self.product
        actions = self._actions()
        with Vertical(id="actions-dialog", classes="dialog"):
            title = Text.assemble(product_marker(p.code), " ", product_name(p.code), " — ")
            title.append_text(plain(self.detail.company.name))
            yield Label(title, classes="dialog-title")
            yield Static(self._facts(), id="product-facts", markup=False)
            if "modify" in actions:
                with Horizontal(classes="choice-row"):
                    yield AmountField(t("products.field.new_amount", currency=p.currency),
                                      "amount", p.currency, self.amount)
                    yield Button(t("products.action.modify"), id="modify")
            if "transform" in actions and p.code == "RLI":  # into an Agrément: an amount
                with Horizontal(classes="choice-row"):
                    yield AmountField(t("lifecycle.field.transform_amount",
                                        currency=p.currency), "amount", p.currency,
                                      input_id="transform-amount", id="transform-amount-field")
            blocked = blocked_actions(p)
            if blocked:
                yield Static(Text(t("lifecycle.blocked.request_pending")), id="blocked",
                             classes="form-info")
            yield Static("", id="actions-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for action in actions:
                    if action == "modify":
                        continue
                    label = t("lifecycle.action.renew") if action == "renew" \
                        else t(f"products.action.{action}")
                    if action == "transform":
                        label = t("products.action.transform_to",
                                  target=product_name("RLI" if p.code == "CRL" else "CRL"))
                    if action == "delete" and p.code == "RLI":
                        label = t("products.action.cancel_cover")
                    yield Button(label, id=action,
                                 variant="error" if action in ("delete", "cancel_request",
                                                               "quote_refuse")
                                 else "primary" if action == "quote_buy" else "default")
                for action in blocked:
                    yield Button(t(f"products.action.{action}"), id=action, disabled=True,
                                 tooltip=t("lifecycle.blocked.request_pending"))
                yield Button(t("products.button.close"), id="close")

    def _facts(self) -> Text:
        p = self.product
        now = app_clock(self.app).now()
        lines: list[tuple[str, str]] = [
            (t("products.fact.status"), status_label(p.status)
             + (f" — {t('products.monitored')}" if p.monitored else "")),
            (t("products.fact.requested"), format_amount(p.requested_amount, p.currency)),
            (t("products.fact.decided"), format_amount(p.decided_amount, p.currency)),
            (t("products.fact.requested_at"), format_datetime(p.requested_at)),
            (t("products.fact.decided_at"), format_datetime(p.decided_at)),
            (t("products.fact.decided_by"), p.decided_by),
            (t("products.fact.effective"), format_date(p.effective_date)),
            (t("products.fact.end"), format_date(p.end_date)),
            (t("products.fact.clause"), p.clause),
            (t("underwriting.fact.reason") if p.decided_by.startswith("rule:")
             else t("products.fact.comment"), p.comment),
        ]
        waiting = waiting_until(p)
        if p.pending_request is not None and p.status != ProductStatus.PENDING:
            asked = p.pending_request
            lines.append((t("lifecycle.fact.request"), request_text(
                asked.kind, asked.requested_amount, asked.currency, asked.target_code)))
        if waiting is not None:
            lines.append((t("products.fact.expected"), format_datetime(waiting)
                          + "  " + countdown_text(waiting, now)))
        if p.code in REPORT_CODES and p.language in REPORT_LANGUAGES:
            lines.append((t("products.fact.language"), t(f"products.language.{p.language}")))
        if p.guarantor_company_id is not None:
            lines.append((t("products.fact.guarantor"), f"#{p.guarantor_company_id}"))
        if p.duration_days is not None:
            lines.append((t("products.fact.duration"), t("home.days", count=p.duration_days)))
        if p.premium is not None:
            lines.append((t("products.fact.premium"), format_amount(p.premium, p.currency)))
        lines += delivered_facts(p)  # DRA and its date, opinion, insured percentage
        if p.status == ProductStatus.QUOTED:
            lines.append((t("products.fact.quote_valid_until"),
                          format_date(p.quote_valid_until)
                          if quote_open(p.status, p.quote_valid_until, now.date())
                          else t("products.fact.quote_expired",
                                 date=format_date(p.quote_valid_until))))
        out = Text()
        for label, value in lines:
            if value:
                out.append(f"{label}: ", style="dim")
                out.append_text(plain(value))
                out.append("\n")
        return out

    def on_mount(self) -> None:
        if self.product.guarantor_company_id is not None:
            self._load_guarantor(self.product.guarantor_company_id)

    @work(thread=True, exclusive=True, group="product-guarantor")
    def _load_guarantor(self, company_id: int) -> None:
        try:
            company = cofa(self.app).repo.companies.get(company_id)
        except CofaError:
            return
        facts = self._facts()
        facts.append(f"{t('products.fact.guarantor_name')}: ", style="dim")
        facts.append_text(plain(f"{company.name} — {company.easy_number}"))
        self.app.call_from_thread(self.query_one("#product-facts", Static).update, facts)

    # --- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A key shows in the footer (and works) only when this product offers the action.
        if action == "do" and parameters:
            return str(parameters[0]) in self._actions()
        return True

    def action_do(self, action: str) -> None:
        if action in self._actions() and not self.query(Button).first().disabled:
            self.perform(action)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.perform(event.button.id or "")

    @on(Input.Submitted)
    def _amount_submitted(self, event: Input.Submitted) -> None:
        """Enter in an amount field does what its button does: the field beside
        "Request this amount" modifies, the one above "Transform" transforms."""
        event.stop()
        self.perform("transform" if event.input.id == "transform-amount" else "modify")

    def perform(self, action: str) -> None:
        p = self.product
        if action == "close":
            self.action_cancel()
        elif action == "modify":
            amount = self._checked_amount(
                "#amount-field", p.code if p.code in AMOUNT_CODES else "CRL")
            if amount is None:
                return
            self.run(lambda repo: repo.products.modify(p.id, amount, p.version))
        elif action == "transform":
            target = "RLI" if p.code == "CRL" else "CRL"
            into = self._transform_amount() if target == "CRL" else None
            if target == "CRL" and into is None:
                return
            # Into @rating the amount is the grid's, not the credit limit's: say so first.
            question = t("lifecycle.confirm.transform_to_rating") if target == "RLI" \
                else t("products.confirm.transform", target=product_name(target))
            self.confirm(question,
                         lambda repo: repo.products.transform(p.id, target, p.version, into))
        elif action == "renew":
            self.confirm(t("lifecycle.confirm.renew", product=product_name(p.code)),
                         lambda repo: repo.products.renew(p.id, p.version))
        elif action == "cancel_request":
            key = "products.confirm.cancel_request" if p.status == ProductStatus.PENDING \
                else "lifecycle.confirm.cancel_request"
            self.confirm(t(key, product=product_name(p.code)),
                         lambda repo: repo.products.cancel_request(p.id, p.version))
        elif action == "delete":
            self.confirm(t("products.confirm.delete", product=product_name(p.code)),
                         lambda repo: repo.products.delete(p.id, p.version))
        elif action == "stop_monitoring":
            self.confirm(t("products.confirm.stop_monitoring"),
                         lambda repo: repo.products.stop_monitoring(p.id, p.version))
        elif action in QUOTE_ACTIONS:
            answer = action.removeprefix("quote_")
            self.run(lambda repo: repo.products.answer_topliner_quote(p.id, answer, p.version),
                     answer)
        elif action == "history":
            self.app.push_screen(HistoryScreen(p))
        elif action == "report":
            self.app.push_screen(ReportScreen(self.detail, p))

    def _error(self) -> Static:
        return self.query_one("#actions-error", Static)

    def _transform_amount(self) -> Decimal | None:
        """The amount asked for an Agrément replacing an @rating cover (None: refused at
        the field)."""
        return self._checked_amount("#transform-amount-field", "CRL")

    def _checked_amount(self, field_id: str, code: str) -> Decimal | None:
        """The amount typed in ``field_id`` for a ``code`` request, checked by the rule the
        repository applies (a minimum, the currency's decimals); None: refused at the
        field."""
        try:
            amount = self.query_one(field_id, AmountField).read()
        except ValueError as exc:
            show_errors(self, {"amount": str(exc)}, self._error())
            return None
        if amount is None or amount <= 0:
            show_errors(self, {"amount": t("products.error.amount_positive")}, self._error())
            return None
        errors = request_errors(ProductRequestData(code, amount,
                                                   currency=self.product.currency))
        if errors:
            show_errors(self, {"amount": errors[0].message}, self._error())
            return None
        show_errors(self, {}, self._error())
        return amount

    def confirm(self, question: str, command: Callable[..., ProductPublic]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.run(command)

        self.app.push_screen(ConfirmScreen(question), answered)

    def run(self, command: Callable[..., ProductPublic], answer: str = "") -> None:
        for button in self.query(Button):
            button.disabled = True
        self._run(command, answer)

    @work(thread=True, exclusive=True, group="product-action")
    def _run(self, command: Callable[..., ProductPublic], answer: str = "") -> None:
        try:
            product = command(cofa(self.app).repo)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "products.error.conflict"))
            return
        self.app.call_from_thread(self._done, product, answer)

    def _done(self, product: ProductPublic, answer: str) -> None:
        if answer and self.answered is not None:
            self.dismiss(None)
            self.answered(answer, product)
        else:
            self.dismiss(product)

    def _refused(self, errors: dict[str, str]) -> None:
        for button in self.query(Button):
            button.disabled = False
        show_errors(self, errors, self._error())


class HistoryScreen(Dialog[None]):
    """Every event of a product, oldest first (seed 001 "Historique")."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.close", id="history.close"),
    ]

    def __init__(self, product: ProductPublic) -> None:
        super().__init__()
        self.product = product

    def compose(self) -> ComposeResult:
        p = self.product
        with Vertical(id="history-dialog", classes="dialog"):
            yield Label(Text.assemble(t("products.history_title"), " — ",
                                      product_marker(p.code), " ", product_name(p.code)),
                        classes="dialog-title")
            yield VirtualList([
                Column("at", t("products.hist.at"), 17, render=lambda e: format_datetime(e.at)),
                Column("action", t("products.hist.action"), 16,
                       render=lambda e: t(f"products.event.{e.action}")),
                Column("status", t("products.hist.status"), 17,
                       render=lambda e: status_label(e.status)),
                Column("amount", t("products.hist.amount"), 14, align="right",
                       render=lambda e: format_amount(e.amount, p.currency)),
                Column("actor", t("products.hist.actor"), 16, render=lambda e: plain(e.actor)),
                Column("comment", t("products.hist.comment"), 0,
                       render=lambda e: plain(e.comment)),
            ], row_key=lambda e: id(e), id="history")
            yield Static("", id="history-error", classes="form-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="product-history")
    def load(self) -> None:
        try:
            events = cofa(self.app).repo.products.history(self.product.id)
        except CofaError as exc:
            self.app.call_from_thread(self.query_one("#history-error", Static).update,
                                      Text("⚠ " + clean(exc)))
            return
        self.app.call_from_thread(self._loaded, events)

    def _loaded(self, events: list[ProductEventPublic]) -> None:
        self.query_one(VirtualList).set_source(ListSource(events))


class PendingScreen(Dialog[None]):
    """A request went pending: the estimated response time, counting down every second
    (the clock only: no repository call), ending in a "done" message. Closing it does
    not stop anything: the company detail and the home screen keep counting."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.close", id="pending.close"),
        Binding("enter", "cancel", "products.key.close", id="pending.ok", show=False),
    ]

    def __init__(self, product: ProductPublic) -> None:
        super().__init__()
        self.product = product
        self.done = False
        # Held rather than queried: the first tick runs from on_mount, and a screen
        # torn down while it mounts (the app quitting at that moment) has lost its
        # children by then, so a query raised NoMatches out of the app.
        self.countdown = Static("", id="pending-countdown", markup=False)

    def compose(self) -> ComposeResult:
        p = self.product
        with Vertical(id="pending-dialog", classes="dialog"):
            yield Label(Text.assemble(product_marker(p.code), " ", product_name(p.code), " — ",
                                      t("products.pending_title")), classes="dialog-title")
            key = "products.pending_report" if p.code in REPORT_CODES else "products.pending_text"
            yield Static(Text(t(key, when=format_datetime(waiting_until(p)))),
                         classes="form-info")
            yield self.countdown
            yield Static(Text(t("products.pending_background")), classes="form-info")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("products.button.close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)
        self.query_one("#close", Button).focus()

    def tick(self) -> None:
        now = app_clock(self.app).now()
        left = seconds_left(waiting_until(self.product), now)
        label = self.countdown
        if left is not None and left <= 0:
            if not self.done:
                self.done = True
                label.update(Text(t("products.pending_done")))
            return
        label.update(Text(t("products.pending_left", time=countdown_text(
            waiting_until(self.product), now))))

