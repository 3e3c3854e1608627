"""Renew an ending guarantee from Home: a confirmation, then the renewal request sent in
a worker, then its outcome in the same dialog — pending with its live countdown (the
standing cover stays in force meanwhile), or decided at once by the rules. A refusal
(a request already pending, a cover that cannot be renewed, a stale version) is shown
as the one sentence the repository gave."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from cofatui.clock import SystemClock
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, t
from cofatui.schemas import EndingGuarantee, ProductPublic
from cofatui.tui.features.home.countdown import format_countdown
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.products import product_name, status_label
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean, plain

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp

__all__ = ["RenewDialog"]


class RenewDialog(Dialog[bool]):
    """Dismissed with True once a renewal was sent (Home then reloads its lists)."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    RenewDialog { align: center middle; }
    RenewDialog #renew-dialog { width: 72; height: auto; }
    RenewDialog #renew-outcome { height: auto; margin: 1 0 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "home.renew_dialog.close", id="renew.close"),
        Binding("ctrl+s", "submit", "home.renew_dialog.confirm", id="renew.confirm"),
    ]

    def __init__(self, guarantee: EndingGuarantee) -> None:
        super().__init__()
        self.guarantee = guarantee
        self.renewed: ProductPublic | None = None

    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    def compose(self) -> ComposeResult:
        g = self.guarantee
        with Vertical(id="renew-dialog", classes="dialog"):
            title = Text(t("home.renew_dialog.title", product=product_name(g.code)) + " — ")
            title.append_text(plain(g.company_name))
            yield Label(title, classes="dialog-title")
            yield Static(Text(t("home.renew_dialog.text", date=format_date(g.end_date),
                                amount=format_amount(g.decided_amount, g.currency))),
                         classes="form-info")
            yield Static("", id="renew-outcome", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("home.renew_dialog.confirm"), variant="primary", id="confirm")
                yield Button(t("home.renew_dialog.close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()
        self.set_interval(1.0, self._tick)

    def submit(self) -> None:
        button = self.query_one("#confirm", Button)
        if self.renewed is not None or button.disabled:
            return
        button.disabled = True
        self.send(self.guarantee.product_id, self.guarantee.version)

    def action_cancel(self) -> None:
        self.dismiss(self.renewed is not None)

    @work(thread=True, exclusive=True, group="home-renew")
    def send(self, product_id: int, version: int) -> None:
        try:
            product = self.cofa.repo.products.renew(product_id, version)
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._sent, product)

    def _refused(self, exc: CofaError) -> None:
        self.query_one("#confirm", Button).disabled = False
        self.query_one("#renew-outcome", Static).update(Text("⚠ " + clean(exc),
                                                             style="bold"))

    def _sent(self, product: ProductPublic) -> None:
        self.renewed = product
        self.query_one("#confirm", Button).display = False
        self.query_one("#close", Button).focus()
        self._tick()

    def _tick(self) -> None:
        if self.renewed is not None:
            self.query_one("#renew-outcome", Static).update(outcome_text(
                self.renewed, self._now()))

    def _now(self) -> datetime:
        clock = getattr(self.app, "clock", None) or SystemClock()
        return clock.now()


def outcome_text(product: ProductPublic, now: datetime) -> Text:
    """Pending: when the decision is expected, counting down; decided: what it is."""
    request = product.pending_request
    if request is not None:
        return Text(t("home.renew_dialog.pending",
                      left=format_countdown(request.expected_decision_at, now),
                      amount=format_amount(request.requested_amount, request.currency)))
    return Text(t("home.renew_dialog.decided", status=status_label(product.status),
                  amount=format_amount(product.decided_amount, product.currency),
                  date=format_date(product.end_date)))
