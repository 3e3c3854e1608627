"""The TopLiner quote (SPEC §5; seed 001 "Garantie TopLiner"): when the insurer accepts
a TopLiner, a window shows the amount requested, the validity period, the amount
granted and the amount invoiced (the premium), each with its currency, and offers
three answers:

- Refuse: the refusal is recorded;
- New simulation: the refusal is recorded and the form opens again with the values
  typed before;
- Buy: the order is recorded and final; the cover starts today for its duration.

Closing the window answers nothing: the quote waits in the company detail (its
product actions offer the same answers) until it expires. The screen returns a
:class:`QuoteAnswer` (or None when closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, t
from cofatui.rules.products import QUOTE_ANSWERS
from cofatui.schemas import CompanyDetail, ProductPublic, ProductRequest
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import refusal, show_errors
from cofatui.tui.kit.products import cofa, product_marker
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import plain


@dataclass(frozen=True)
class QuoteAnswer:
    answer: str  # refuse | new_simulation | buy
    product: ProductPublic


def quote_facts(p: ProductPublic) -> Text:
    """The four figures of the quote, labels dim, values literal."""
    period = ""
    if p.effective_date is not None and p.end_date is not None:
        period = t("products.quote.period_value", start=format_date(p.effective_date),
                   end=format_date(p.end_date), days=p.duration_days or "")
    lines = [
        (t("products.quote.requested"), format_amount(p.requested_amount, p.currency)),
        (t("products.quote.period"), period),
        (t("products.quote.granted"), format_amount(p.decided_amount, p.currency)),
        (t("products.quote.premium"), format_amount(p.premium, p.currency)),
        (t("products.quote.valid_until"), format_date(p.quote_valid_until)),
    ]
    width = max(len(label) for label, _ in lines) + 2
    out = Text()
    for label, value in lines:
        out.append(f"{label}:".ljust(width), style="dim")
        out.append_text(plain(value, style="bold"))
        out.append("\n")
    out.rstrip()
    return out


def simulation_request(p: ProductPublic) -> ProductRequest:
    """The values of a refused quote, to fill the form of a new simulation."""
    return ProductRequest(contract_id=p.contract_id, company_id=p.company_id, code=p.code,
                          amount=p.requested_amount, duration_days=p.duration_days)


class QuoteScreen(Dialog[QuoteAnswer | None]):
    CSS_PATH = [DIALOGS_TCSS, "products.tcss"]

    # Every button is an answer (``action_answer``).
    SUBMIT_BUTTONS: ClassVar[frozenset[str]] = frozenset()
    CANCEL_BUTTONS: ClassVar[frozenset[str]] = frozenset()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.quote_later", id="quote.later"),
        Binding("r", "answer('refuse')", "products.key.quote_refuse", id="quote.refuse"),
        Binding("n", "answer('new_simulation')", "products.key.quote_new_simulation",
                id="quote.new_simulation", tooltip="products.key.quote_new_simulation_tip"),
        Binding("b", "answer('buy')", "products.key.quote_buy", id="quote.buy",
                tooltip="products.key.quote_buy_tip"),
    ]

    def __init__(self, product: ProductPublic, detail: CompanyDetail) -> None:
        super().__init__()
        self.product = product
        self.detail = detail
        self.sending = False

    def compose(self) -> ComposeResult:
        p = self.product
        with Vertical(id="quote-dialog", classes="dialog"):
            title = Text.assemble(product_marker(p.code), " ", t("products.quote.title"), " — ")
            title.append_text(plain(self.detail.company.name))
            yield Label(title, classes="dialog-title")
            yield Static(Text(t("products.quote.accepted",
                                date=format_date(p.quote_valid_until))), classes="form-info")
            yield Static(quote_facts(p), id="quote-facts", markup=False)
            yield Static(Text(t("products.quote.buy_note")), classes="form-info")
            yield Static("", id="quote-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("products.action.quote_refuse"), variant="error",
                             id="quote_refuse")
                yield Button(t("products.action.quote_new_simulation"),
                             id="quote_new_simulation")
                yield Button(t("products.action.quote_buy"), variant="primary", id="quote_buy")

    def on_mount(self) -> None:
        self.query_one("#quote_buy", Button).focus()

    def action_answer(self, answer: str) -> None:
        if answer not in QUOTE_ANSWERS or self.sending:
            return
        self.sending = True
        for button in self.query(Button):
            button.disabled = True
        self.query_one("#quote-error", Static).update(Text(t("products.quote.sending")))
        self.send(answer)

    @work(thread=True, exclusive=True, group="topliner-quote")
    def send(self, answer: str) -> None:
        p = self.product
        try:
            product = cofa(self.app).repo.products.answer_topliner_quote(p.id, answer, p.version)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, refusal(exc, "products.error.conflict"))
            return
        self.app.call_from_thread(self.dismiss, QuoteAnswer(answer, product))

    def _refused(self, errors: dict[str, str]) -> None:
        self.sending = False
        for button in self.query(Button):
            button.disabled = False
        show_errors(self, errors, self.query_one("#quote-error", Static))

    def action_cancel(self) -> None:
        if not self.sending:
            self.dismiss(None)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_answer((event.button.id or "").removeprefix("quote_"))


def quote_outcome_text(outcome: QuoteAnswer) -> str:
    """What the company detail says once the answer is recorded."""
    p = outcome.product
    if outcome.answer == "buy":
        return t("products.quote.bought", amount=format_amount(p.decided_amount, p.currency),
                 date=format_date(p.end_date))
    if outcome.answer == "new_simulation":
        return t("products.quote.simulate")
    return t("products.quote.refused")


__all__ = ["QuoteAnswer", "QuoteScreen", "quote_facts", "quote_outcome_text",
           "simulation_request"]
