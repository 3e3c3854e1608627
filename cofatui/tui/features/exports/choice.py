"""A short choice in a dialog: the portfolio's "simple or custom export", the format of
a file to download. Keys 1, 2, 3… pick an option at once; Enter picks the highlighted
one; Esc leaves without choosing."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from cofatui.i18n import t
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.styles import DIALOGS_TCSS


class ChoiceDialog(Dialog[str | None]):
    """Dismisses with the id of the option chosen, or None."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    ChoiceDialog { align: center middle; }
    ChoiceDialog > Vertical { width: 86; height: auto; border: round $accent;
                              background: $surface; padding: 0 1; }
    ChoiceDialog #choice-title { text-style: bold; margin-bottom: 1; }
    ChoiceDialog #choice-hint { color: $text-muted; margin-top: 1; }
    ChoiceDialog OptionList { height: auto; max-height: 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="choice.cancel"),
        Binding("1", "pick(0)", "exports_ui.bind.pick_1", id="choice.pick_1"),
        Binding("2", "pick(1)", "exports_ui.bind.pick_2", id="choice.pick_2"),
        Binding("3", "pick(2)", "exports_ui.bind.pick_3", id="choice.pick_3"),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]], hint: str = "") -> None:
        super().__init__()
        self.choice_title = title
        self.options = options
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-dialog"):
            yield Static(Text(self.choice_title), id="choice-title")
            yield OptionList(*[Option(Text(f"{n}  {label}"), id=key)
                               for n, (key, label) in enumerate(self.options, 1)],
                             id="choice-list")
            yield Static(Text(self.hint or t("exports_ui.choice_hint")), id="choice-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys of the options there are show in the footer."""
        if action == "pick" and parameters:
            return isinstance(parameters[0], int) and parameters[0] < len(self.options)
        return True

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.options):
            self.dismiss(self.options[index][0])

    @on(OptionList.OptionSelected, "#choice-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class ExportChoiceDialog(ChoiceDialog):
    """The portfolio's (and the claims portfolio's) Export: the simple export as
    displayed, in XLSX or CSV, or a custom export (Tools › Exports, a new scenario)."""

    def __init__(self, custom: bool = True) -> None:
        options = [("xlsx", t("exports_ui.choice.simple_xlsx")),
                   ("csv", t("exports_ui.choice.simple_csv"))]
        if custom:
            options.append(("custom", t("exports_ui.choice.custom")))
        super().__init__(t("exports_ui.choice.title"), options)


__all__ = ["ChoiceDialog", "ExportChoiceDialog"]
