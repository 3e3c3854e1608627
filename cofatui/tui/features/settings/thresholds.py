"""The notification thresholds of the settings screen (issue 16 item 9): one per
contract × product type × increase/decrease, typed in the contract's currency (DRA
points for RSM), kept by the account. With several contracts a selector above the table
says whose thresholds are shown; each contract's typed values are kept while another is
shown."""

from __future__ import annotations

from decimal import Decimal

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from cofatui import reference
from cofatui.i18n import get_language, t
from cofatui.rules import thresholds as rules
from cofatui.schemas import ContractAccess
from cofatui.schemas_preferences import ThresholdPublic
from cofatui.tui.kit.typed_input import TypedInputError, parse_amount, typed_amount
from cofatui.tui.safe import clean, plain

Key = tuple[str, str]  # (product code, direction)


def product_label(code: str) -> str:
    if code == rules.CLAIM:
        return t("preferences_ui.claim_indemnity")
    product = reference.product(code)
    name = product.display_name(get_language()) if product else code
    return f"{clean(name)} ({clean(code)})"


class ThresholdTable(Vertical):
    """Inputs ``#threshold-<CODE>-<direction>`` for the contract shown."""

    def __init__(self, contracts: list[ContractAccess], currencies: dict[int, str],
                 saved: list[ThresholdPublic], current: int | None) -> None:
        super().__init__(id="thresholds")
        self.contracts = contracts
        self.currencies = currencies
        ids = [c.contract_id for c in contracts]
        self.shown: int | None = current if current in ids else (ids[0] if ids else None)
        self.texts: dict[int, dict[Key, str]] = {cid: {} for cid in ids}
        for th in saved:
            if th.contract_id in self.texts:
                self.texts[th.contract_id][(th.product_code, th.direction)] = \
                    typed_amount(th.amount)

    def compose(self) -> ComposeResult:
        if len(self.contracts) > 1:
            yield Select([(plain(c.policy_number), c.contract_id) for c in self.contracts],
                         value=self.shown if self.shown is not None else Select.NULL,
                         allow_blank=False, compact=True, id="threshold-contract")
        with Horizontal(classes="threshold-row threshold-head"):
            yield Label(t("settings.threshold.product"), classes="threshold-product")
            for kind in rules.DIRECTIONS:
                yield Label(t(f"settings.threshold.{kind}"), classes="threshold-amount")
        for code in rules.CODES:
            with Horizontal(classes="threshold-row"):
                yield Label(f"{product_label(code)} · {self._unit(code)}",
                            classes="threshold-product", markup=False)
                for kind in rules.DIRECTIONS:
                    yield Input(self._text(code, kind), compact=True,
                                placeholder=t("settings.threshold.every_change"),
                                classes="threshold-amount", id=f"threshold-{code}-{kind}")

    def _unit(self, code: str) -> str:
        if rules.in_points(code):
            return t("preferences_ui.dra_points")
        return self.currencies.get(self.shown or -1, "")

    def _text(self, code: str, kind: str) -> str:
        return self.texts.get(self.shown or -1, {}).get((code, kind), "")

    def _keep_typed(self) -> None:
        if self.shown is None or not self.is_mounted:
            return
        for field in self.query(".threshold-row Input").results(Input):
            _, code, kind = (field.id or "").split("-", 2)
            self.texts[self.shown][(code, kind)] = field.value

    @on(Select.Changed, "#threshold-contract")
    async def _contract_changed(self, event: Select.Changed) -> None:
        event.stop()
        if not isinstance(event.value, int) or event.value == self.shown:
            return
        self._keep_typed()
        self.shown = event.value
        await self.recompose()

    def collect(self) -> tuple[list[ThresholdPublic], str | None]:
        """Every contract's thresholds, or the first message of what is refused."""
        self._keep_typed()
        out: list[ThresholdPublic] = []
        names = {c.contract_id: c.policy_number for c in self.contracts}
        for cid, typed in self.texts.items():
            currency = self.currencies.get(cid, "")
            for (code, kind), text in sorted(typed.items()):
                where = f"{names[cid]} · {code}"
                points = rules.in_points(code)
                try:
                    amount = parse_amount(text, None if points else currency,
                                          decimals=0 if points else None)
                except TypedInputError as exc:
                    return out, f"{where}: {exc}"
                if amount is None:
                    continue
                problems = rules.threshold_errors("", code, kind, amount)
                if problems:
                    return out, f"{where}: {problems[0].text()}"
                out.append(ThresholdPublic(contract_id=cid, product_code=code,
                                           direction=kind,  # type: ignore[arg-type]
                                           amount=Decimal(amount),
                                           currency="" if points else currency))
        return out, None


__all__ = ["ThresholdTable", "product_label"]
