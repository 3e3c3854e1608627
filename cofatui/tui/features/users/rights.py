"""Personnaliser (seed "Personnalisation du contrat", issue 16 item 5): the rights of a
user on the contracts ticked — full, read only, or customised with none / read only /
full for each section (the ``Section`` enum's ten). The levels of the sections can be
chosen only with customised rights; what is sent is what the repository stores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, RadioButton, RadioSet, Static

from cofatui.enums import Rights
from cofatui.i18n import t
from cofatui.rules.users import LEVELS, RIGHTS, SECTIONS
from cofatui.tui.features.users.wording import (
    level_label,
    rights_label,
    section_label,
    sections_levels,
)
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.styles import DIALOGS_TCSS

RightsChoice = tuple[str, dict[str, str]]


class Levels(RadioSet):
    """A radio set whose highlight starts on the choice made (Textual's starts on the
    first button): left and right move from what is chosen."""

    def on_focus(self) -> None:
        # On focus, not mount: the set learns which button is pressed only once the
        # buttons' first changes are handled, after it is mounted.
        if self.pressed_index >= 0:
            self._selected = self.pressed_index


class RightsDialog(Dialog[RightsChoice | None]):
    """Dismissed with ``(rights, sections)``: the sections at a level other than none,
    for customised rights; none otherwise."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    RightsDialog #users-rights { width: 84; height: auto; max-height: 95%; }
    RightsDialog #rights { height: auto; width: auto; layout: horizontal; }
    RightsDialog #users-sections { height: auto; max-height: 14; }
    RightsDialog .users-section { height: 1; }
    RightsDialog .users-section > Label { width: 26; }
    RightsDialog .users-section > RadioSet {
        layout: horizontal; height: 1; width: auto; border: none; padding: 0;
    }
    RightsDialog .users-section > RadioSet:focus { background: $accent 20%; }
    RightsDialog .users-section > RadioSet > RadioButton { margin: 0 2 0 0; width: auto; }
    RightsDialog #users-sections.-off { opacity: 60%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "users_ui.key.cancel", id="users.rights.cancel"),
        Binding("ctrl+s", "submit", "users_ui.key.save", id="users.rights.save"),
    ]

    def __init__(self, who: str, policies: Sequence[str], rights: str | None,
                 sections: Mapping[str, str]) -> None:
        super().__init__()
        self.who = who
        self.policies = list(policies)
        self.rights = rights if rights in {r.value for r in RIGHTS} else Rights.FULL.value
        self.levels = sections_levels(sections)
        self._preset = rights == Rights.CUSTOM  # the stored sections are the start

    def compose(self) -> ComposeResult:
        custom = self.rights == Rights.CUSTOM
        with Vertical(id="users-rights", classes="dialog"):
            yield Label(t("users_ui.rights_title", name=self.who,
                          policies=", ".join(self.policies)),
                        classes="dialog-title", markup=False)
            yield Static(t("users_ui.rights_help"), classes="form-info", markup=False)
            yield FormField(t("users_ui.rights_field"), Levels(
                *[Choice(rights_label(r), value=r.value == self.rights, id=f"rights-{r.value}")
                  for r in RIGHTS], id="rights"), "rights")
            yield Label(t("users_ui.sections"), classes="section-title")
            # Not a stop of its own for Tab: Tab goes from one section's levels to the next.
            with VerticalScroll(id="users-sections", classes="" if custom else "-off",
                                can_focus=False):
                for section in SECTIONS:
                    with Horizontal(classes="users-section"):
                        yield Label(section_label(section), markup=False)
                        yield Levels(*[
                            Choice(level_label(level), value=self.levels[section] == level,
                                   id=f"section-{section}-{level}")
                            for level in LEVELS], id=f"section-{section}", disabled=not custom)
            yield Static("", id="users-rights-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("users_ui.confirm"), variant="primary", id="confirm")
                yield Button(t("users_ui.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#rights", RadioSet).focus()

    def chosen_rights(self) -> str:
        pressed = self.query_one("#rights", RadioSet).pressed_button
        return (pressed.id or "").removeprefix("rights-") if pressed else self.rights

    def chosen_sections(self) -> dict[str, str]:
        levels: dict[str, str] = {}
        for section in SECTIONS:
            pressed = self.query_one(f"#section-{section}", RadioSet).pressed_button
            levels[section] = ((pressed.id or "").rpartition("-")[2] if pressed
                               else self.levels[section])
        return levels

    @on(RadioSet.Changed, "#rights")
    def _rights_changed(self) -> None:
        custom = self.chosen_rights() == Rights.CUSTOM
        self.query_one("#users-sections").set_class(not custom, "-off")
        for section in SECTIONS:
            self.query_one(f"#section-{section}", RadioSet).disabled = not custom
        if custom and not self._preset:
            # Customising starts from the rights the user has (full or read-only in
            # every section), so that "claims read-only" is one change, not ten. By a
            # timer: while this radio set's change is handled, Textual holds back the
            # buttons' changes, and the sections' radio sets would not see them.
            self._preset = True
            self.set_timer(0.01, self._preset_sections)

    def _preset_sections(self) -> None:
        level = "full" if self.rights == Rights.FULL else "read_only"
        for section in SECTIONS:
            self.query_one(f"#section-{section}-{level}", RadioButton).value = True

    def submit(self) -> None:
        rights = self.chosen_rights()
        sections = ({s: level for s, level in self.chosen_sections().items() if level != "none"}
                    if rights == Rights.CUSTOM else {})
        self.dismiss((rights, sections))


__all__ = ["RightsChoice", "RightsDialog"]
