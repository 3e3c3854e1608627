"""The base of the dialogs on one registered claim: Esc cancels, Ctrl+S confirms; the
repository's answer comes back to the fields (``ValidationFailed``) or the message line.
Each dialog dismisses with the claim as the repository returned it (or None)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import (
    Button,
    Static,
)

from cofatui.errors import CofaError, Conflict, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas import (
    ClaimDetail,
)
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import show_errors
from cofatui.tui.kit.lines import (
    CSS,
)
from cofatui.tui.kit.products import cofa
from cofatui.tui.safe import clean, plain


class ClaimDialog(Dialog[Any]):
    """A dialog on one claim: Esc cancels, Ctrl+S confirms; the repository's answer comes
    back to the fields (``ValidationFailed``) or the message line."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "claims.key.cancel", id="claim_dialog.cancel"),
        Binding("ctrl+s", "submit", "claims.key.confirm", id="claim_dialog.confirm"),
    ]

    def __init__(self, detail: ClaimDetail) -> None:
        super().__init__()
        self.detail = detail
        self.claim = detail.claim

    def buttons(self, confirm: str) -> Horizontal:
        return Horizontal(Button(confirm, variant="primary", id="confirm"),
                          Button(t("claims.button.cancel"), id="cancel"),
                          classes="dialog-buttons")

    def title_text(self, key: str) -> Text:
        text = Text(t(key) + " — ")
        text.append_text(plain(self.claim.reference or f"#{self.claim.id}"))
        text.append(" · ")
        text.append_text(plain(self.claim.company_name))
        return text

    def submit(self) -> None:
        raise NotImplementedError

    def busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    def refused(self, errors: dict[str, str]) -> None:
        self.busy(False)
        show_errors(self, errors, self.query_one("#dialog-error", Static))

    def failed(self, exc: CofaError) -> None:
        self.busy(False)
        message = t("claims.error.conflict") if isinstance(exc, Conflict) else str(exc)
        self.query_one("#dialog-error", Static).update(Text("⚠ " + clean(message)))
        self.notify(clean(message), severity="error", markup=False)

    def run_command(self, command: Any) -> None:
        """Run ``command(repo)`` in a worker; dismiss with its result, or show why not."""
        self.busy(True)
        self._run(command)

    @work(thread=True, exclusive=True, group="claim-command")
    def _run(self, command: Any) -> None:
        try:
            result = command(cofa(self.app).repo)
        except ValidationFailed as exc:
            self.app.call_from_thread(self.on_validation, exc)
            return
        except CofaError as exc:
            self.app.call_from_thread(self.failed, exc)
            return
        self.app.call_from_thread(self.dismiss, result)

    def on_validation(self, exc: ValidationFailed) -> None:
        self.refused(exc.by_field())


__all__ = ["ClaimDialog"]
