"""The claims handler's queue (SPEC §1 "Arbitrage", §6): the registered claims of every
policyholder, oldest submission first, beside the product requests (the underwriting
queue, key ``c`` there) and the extensions of due date.

Filters: status (the open claims unless one is chosen), contract, intervention
requested, and the claim amount from / to — in one currency (a contract has one; else
choose it), since amounts of different currencies are never compared. A filter that
cannot be read says so under the bar, at its field, and the list keeps its rows. Enter
opens the claim detail with the handler's actions; the list reloads when it closes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, Static

from cofatui.enums import ClaimStatus
from cofatui.errors import CofaError
from cofatui.i18n import format_amount, format_date, t
from cofatui.rules import claims as rules
from cofatui.schemas import ClaimQueueFilter, ClaimQueueItem, ContractPublic
from cofatui.tui.features.claims.detail import ClaimDetailScreen
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.paged_source import PagedSource
from cofatui.tui.kit.products import age_text, app_clock, cofa
from cofatui.tui.kit.styles import LINES_TCSS, QUEUE_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, parse_amount
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

CSS: list[str | PurePath] = [QUEUE_TCSS, LINES_TCSS]

#: Which widget holds each filter field.
FIELD_WIDGET = {"amount_min": "#cq-min", "amount_max": "#cq-max", "currency": "#cq-currency",
                "status": "#filter"}


def claims_queue_columns(screen: Screen[Any]) -> list[Column]:
    def now() -> Any:
        return app_clock(screen.app).now()

    return [
        Column("age", t("claims_queue.col.age"), 10, align="right",
               render=lambda i: age_text(i.submitted_at, now())),
        Column("submitted", t("claims_queue.col.submitted"), 11,
               render=lambda i: format_date(i.submitted_at)),
        Column("policy", t("claims_queue.col.policy"), 8, render=lambda i: plain(i.policy_number)),
        Column("policyholder", t("claims_queue.col.policyholder"), 12,
               render=lambda i: plain(i.policyholder)),
        Column("debtor", t("claims_queue.col.debtor"), 0, render=lambda i: plain(i.company_name)),
        Column("country", t("claims_queue.col.country"), 4),
        Column("reference", t("claims_queue.col.reference"), 16,
               render=lambda i: plain(i.reference or "")),
        Column("status", t("claims_queue.col.status"), 10,
               render=lambda i: t(f"claims.status.{i.status.value}")),
        Column("intervention", t("claims_queue.col.intervention"), 5,
               render=lambda i: "✓" if i.intervention_requested else "—"),
        Column("amount", t("claims_queue.col.amount"), 16, align="right",
               render=lambda i: format_amount(i.claim_amount, i.currency)
               if i.claim_amount is not None else "—"),
    ]


def status_options() -> list[tuple[str, str]]:
    return [(t(f"claims.status.{s.value}"), s.value) for s in ClaimStatus
            if s != ClaimStatus.DRAFT]


class ClaimsQueueScreen(Screen[None]):
    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reload", "claims_queue.key.reload", id="claims_queue.reload",
                tooltip="claims_queue.key.reload_tip"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.contracts: list[ContractPublic] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="claims-queue-bar"):
            yield Select(status_options(), prompt=t("claims_queue.open_claims"),
                         id="filter")  # "/" focuses it
            yield Select([], prompt=t("claims_queue.all_contracts"), id="cq-contract",
                         type_to_search=True)
            yield Select([("✓ " + t("claims_queue.intervention.yes"), "yes"),
                          ("— " + t("claims_queue.intervention.no"), "no")],
                         prompt=t("claims_queue.intervention.any"), id="cq-intervention")
            yield Input(placeholder=t("claims_queue.amount_min"), id="cq-min")
            yield Input(placeholder=t("claims_queue.amount_max"), id="cq-max")
            yield Select([], prompt=t("claims_queue.any_currency"), id="cq-currency")
        yield Static("", id="claims-queue-error", classes="form-error", markup=False)
        yield Static("", id="claims-queue-count", markup=False)
        yield VirtualList(claims_queue_columns(self), row_key=lambda i: i.claim_id,
                          id="claims-queue")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "claims_queue.title"
        self.query_one("#claims-queue", VirtualList).focus()
        self.load_contracts()
        self.reload()
        self.set_interval(1.0, self._tick)

    async def on_language_changed(self, _message: object) -> None:
        await self.recompose()
        self._show_contracts()
        self.reload()

    def _tick(self) -> None:
        self.query_one("#claims-queue", VirtualList).refresh()

    # --- the filter --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="claims-queue-contracts")
    def load_contracts(self) -> None:
        try:
            contracts = cofa(self.app).repo.contracts()
        except CofaError as exc:
            self.app.call_from_thread(self._show_error, t("claims_queue.error.contracts",
                                                          reason=str(exc)))
            return
        self.app.call_from_thread(self._contracts_loaded, contracts)

    def _contracts_loaded(self, contracts: list[ContractPublic]) -> None:
        self.contracts = contracts
        self._show_contracts()

    def _show_contracts(self) -> None:
        self.query_one("#cq-contract", Select).set_options(
            [(f"{c.policy_number} — {clean(c.policyholder)}", c.id) for c in self.contracts])
        self.query_one("#cq-currency", Select).set_options(
            [(code, code) for code in sorted({c.currency for c in self.contracts})])

    def _choice(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    def _contract_currency(self, contract_id: int | None) -> str | None:
        return next((c.currency for c in self.contracts if c.id == contract_id), None)

    def read_filter(self) -> tuple[ClaimQueueFilter | None, dict[str, str]]:
        """The filter typed, or the message of each field that cannot be read."""
        errors: dict[str, str] = {}
        contract_id = self._choice("#cq-contract")
        currency = self._choice("#cq-currency") or self._contract_currency(contract_id)
        bounds: dict[str, Decimal | None] = {}
        for name, selector in (("amount_min", "#cq-min"), ("amount_max", "#cq-max")):
            try:
                bounds[name] = parse_amount(self.query_one(selector, Input).value, currency)
            except TypedInputError as exc:
                errors[name] = str(exc)
        status = self._choice("#filter")
        intervention = self._choice("#cq-intervention")
        if not errors:
            for e in rules.queue_filter_errors(status, contract_id, bounds["amount_min"],
                                               bounds["amount_max"], currency):
                errors.setdefault(e.field, e.message)
        if errors:
            return None, errors
        return ClaimQueueFilter(
            status=status, contract_id=contract_id,
            intervention_requested=None if intervention is None else intervention == "yes",
            amount_min=bounds["amount_min"], amount_max=bounds["amount_max"],
            currency=self._choice("#cq-currency")), {}

    def _show_filter_errors(self, errors: dict[str, str]) -> None:
        for name, selector in FIELD_WIDGET.items():
            self.query_one(selector, Widget).set_class(name in errors, "-invalid")
        text = Text()
        for name, message in errors.items():
            if text:
                text.append("   ")
            text.append(f"⚠ {t(f'claims_queue.field.{name}')}: ", style="bold")
            text.append_text(plain(message))
        self.query_one("#claims-queue-error", Static).update(text)

    def _show_error(self, message: str) -> None:
        self.query_one("#claims-queue-error", Static).update(Text("⚠ " + clean(message)))

    # --- the list ---------------------------------------------------------------------------
    def reload(self, keep_position: bool = False) -> None:
        flt, errors = self.read_filter()
        self._show_filter_errors(errors)
        if flt is None:
            return  # the rows of the last good filter stay
        lst = self.query_one("#claims-queue", VirtualList)
        cursor = lst.cursor
        repo = cofa(self.app).repo
        lst.set_source(PagedSource(
            lambda offset, limit: repo.claims.queue(flt, offset, limit), self._failed,
            fetch_seek=lambda seek, limit: repo.claims.queue(flt, 0, limit, seek)))
        if keep_position:
            lst.cursor = cursor

    def _failed(self, exc: CofaError) -> None:
        self.app.call_from_thread(self._show_error, str(exc))

    def on_virtual_list_count_changed(self, event: VirtualList.CountChanged) -> None:
        self.query_one("#claims-queue-count", Static).update(
            Text(plural("claims_queue.count", count=event.total or 0)))

    @on(Input.Changed, "#cq-min")
    @on(Input.Changed, "#cq-max")
    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted)
    def _filter_done(self) -> None:
        self.query_one("#claims-queue", VirtualList).focus()

    def on_virtual_list_row_activated(self, event: VirtualList.RowActivated) -> None:
        item = cast(ClaimQueueItem, event.row)
        self.app.push_screen(ClaimDetailScreen(item.claim_id),
                             lambda _result: self.reload(keep_position=True))

    def action_reload(self) -> None:
        self.reload(keep_position=True)


__all__ = ["ClaimsQueueScreen", "claims_queue_columns"]
