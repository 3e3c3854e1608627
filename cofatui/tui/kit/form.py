"""Form building blocks: a labelled field with its own error line (and, for an amount, a
line echoing what was understood). What people type is read by ``tui/kit/typed_input``.

Errors are shown next to the field they concern, before anything is submitted; the
repository's ``ValidationFailed.by_field()`` is routed to the same places afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Label, Static

from cofatui.errors import CofaError, Conflict, ValidationFailed
from cofatui.i18n import t
from cofatui.tui.safe import clean

__all__ = ["FormField", "clear_errors", "show_errors"]


class FormField(Vertical):
    """``label`` above ``widget``, an error line below (empty while the value is fine).

    ``name`` is the field name the rules and the repository use (``amount``,
    ``duration_days``…); the error line's id is ``<name>-error``.
    """

    DEFAULT_CSS = """
    FormField { height: auto; }
    FormField > .form-field--label { color: $text-muted; }
    FormField > .form-field--error { color: $text-error; height: auto; min-height: 1; }
    FormField > .form-field--hint { color: $text-muted; height: auto; }
    FormField > .form-field--echo { color: $text-muted; height: 1; }
    FormField.-invalid > Input { border: tall $error; }
    """

    def __init__(self, label: str, widget: Widget, field: str, hint: str = "",
                 id: str | None = None, echo: bool = False) -> None:
        super().__init__(id=id or f"{field}-field")
        self.label = label
        self.widget = widget
        self.field = field
        self.hint = hint
        # A line under the widget saying what was understood ("= US$50,000.00").
        self.echo = echo

    def compose(self) -> ComposeResult:
        yield Label(Text(self.label), classes="form-field--label")
        yield self.widget
        if self.echo:
            yield Static("", id=f"{self.field}-echo", classes="form-field--echo", markup=False)
        if self.hint:
            yield Static(Text(self.hint), classes="form-field--hint")
        yield Static("", id=f"{self.field}-error", classes="form-field--error", markup=False)

    def set_error(self, message: str | None) -> None:
        """Show ``message`` under the field (``None`` or ``""`` clears it).

        The message may come from data (an identifier the user typed): shown literally.
        """
        line = self.query_one(f"#{self.field}-error", Static)
        line.update(Text("⚠ " + clean(message)) if message else "")
        self.set_class(bool(message), "-invalid")

    def set_label(self, label: str) -> None:
        self.label = label
        if self.is_mounted:
            self.query_one(".form-field--label", Label).update(Text(label))

    def set_echo(self, text: str) -> None:
        if self.echo and self.is_mounted:
            self.query_one(f"#{self.field}-echo", Static).update(Text(text))

    @property
    def error(self) -> str:
        line = self.query_one(f"#{self.field}-error", Static)
        return str(line.render())


def refusal(exc: CofaError, conflict_key: str) -> dict[str, str]:
    """Where a refused command's message belongs: a stale write gets the screen's
    "changed by someone else" text, field errors go to their fields, anything else to
    the form's general line (key "")."""
    if isinstance(exc, Conflict):
        return {"": t(conflict_key)}
    if isinstance(exc, ValidationFailed):
        return exc.by_field()
    return {"": str(exc)}


def show_errors(root: DOMNode, errors: Mapping[str, str], general: Static | None = None) -> None:
    """Put each message at its field; messages for fields the form does not have go to
    ``general`` (or, without it, a notification)."""
    fields = {f.field: f for f in root.query(FormField)}
    for f in fields.values():
        f.set_error(errors.get(f.field))
    other = [t("common.label.colon", label=k) + v if k else v
             for k, v in errors.items() if k not in fields]
    if other:
        text = Text(clean("; ".join(other)))
        if general is not None:
            general.update(text)
        else:
            root.app.notify(text.plain, severity="error")
    elif general is not None:
        general.update("")


def clear_errors(root: DOMNode) -> None:
    for f in root.query(FormField):
        f.set_error(None)


def first_invalid(root: DOMNode) -> Widget | None:
    for f in root.query(FormField):
        if f.has_class("-invalid"):
            return f.widget
    return None


def field(root: DOMNode, name: str) -> FormField | None:
    try:
        return root.query_one(f"#{name}-field", FormField)
    except NoMatches:
        return None
