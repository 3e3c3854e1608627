"""The NEW ACTION menu (SPEC §3 item 5, §5): every product the contract offers on this
company, grouped by family; those the rules forbid right now are shown disabled with
the reason. Returns the chosen product code (or None)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cofatui.i18n import t
from cofatui.schemas import NewActionItem
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.products import (
    family_of,
    family_tag,
    product_marker,
    product_name,
    reason_text,
)
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import plain

FAMILY_ORDER = ("insurance", "information", "unpaid_services")


def option_text(item: NewActionItem) -> Text:
    out = Text()
    marker = product_marker(item.code)
    marker.pad_right(max(0, 16 - len(marker)))
    out.append_text(marker)
    out.append(product_name(item.code), style="" if item.allowed else "dim")
    if not item.allowed:
        out.append("\n  ")
        out.append("✗ " + reason_text(item.reason_code, item.reason), style="italic")
    return out


class NewActionScreen(Dialog[str | None]):
    CSS_PATH = [DIALOGS_TCSS, "products.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.cancel", id="new_action.cancel"),
    ]

    def __init__(self, items: Sequence[NewActionItem], company_name: str) -> None:
        super().__init__()
        self.items = list(items)
        self.company_name = company_name

    def compose(self) -> ComposeResult:
        with Vertical(id="new-action-dialog", classes="dialog"):
            title = Text(t("products.new_action_title") + " — ")
            title.append_text(plain(self.company_name))
            yield Label(title, classes="dialog-title")
            options: list[Option | None] = []
            for family in FAMILY_ORDER:
                items = [i for i in self.items if family_of(i.code) == family]
                if not items:
                    continue
                if options:
                    options.append(None)
                options.append(Option(family_tag(family), id=f"family-{family}", disabled=True))
                options += [Option(option_text(i), id=i.code, disabled=not i.allowed)
                            for i in items]
            if not self.items:
                yield Static(Text(t("products.nothing_available")), classes="form-info")
            yield OptionList(*options, id="new-action-list")
            yield Static(Text(t("products.new_action_help")), classes="form-info")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        first = next((n for n, i in enumerate(self._enabled()) if i), None)
        if first is not None:
            options.highlighted = first

    def _enabled(self) -> list[bool]:
        options = self.query_one(OptionList)
        return [not options.get_option_at_index(n).disabled
                for n in range(options.option_count)]

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and not event.option.id.startswith("family-"):
            self.dismiss(event.option.id)

