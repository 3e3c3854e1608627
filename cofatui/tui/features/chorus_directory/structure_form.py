"""Create my company's private structure (seed 004: I become its main manager) or change
one I manage ("Modification de la structure", seed 003 §XI: only a private structure
changes its SIRET; the directory parameters of seed 004). A SIRET already known is no
error to fix: the structure exists, and the dialog offers the attachment request."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError, NotFound, RuleViolation
from cofatui.i18n import t
from cofatui.schemas_chorus import (
    ChorusSiretChange,
    ChorusStructureCreate,
    ChorusStructurePublic,
    ChorusStructureUpdate,
)
from cofatui.tui.features.chorus_directory.attachment import (
    AttachmentRequestDialog,
    KnownStructure,
)
from cofatui.tui.kit.choices import Tick
from cofatui.tui.kit.dialog import ConfirmScreen, Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean

TEXTS = {
    "siret": 30,
    "name": 200,
    "label": 200,
    "address": 200,
    "postal_code": 10,
    "city": 100,
    "country": 2,
    "email": 200,
    "rcs": 40,
    "vat_number": 20,
}
MANDATORY = frozenset({"siret", "name"})
PARAMETERS = (
    "service_code_required",
    "engagement_required",
    "engagement_or_service_required",
    "reports_payment_in_progress",
)
#: The code of "this SIRET is known" (its params name the structure).
EXISTS = "chorus_directory.structure_exists"


def existing_id(exc: RuleViolation) -> int | None:
    """The known structure's id among the refusal's parameters."""
    for key in ("structure_id", "id"):
        value = exc.params.get(key)
        if isinstance(value, int):
            return value
    return next((v for v in exc.params.values() if isinstance(v, int)), None)


class StructureDialog(Dialog[ChorusStructurePublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus_directory.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.structure.cancel"),
        Binding("ctrl+s", "submit", "common.save", id="chorus.structure.save"),
    ]

    def __init__(self, structure: ChorusStructurePublic | None = None) -> None:
        super().__init__()
        self.structure = structure
        #: What a "structure exists" refusal said of it (its id, SIRET and name).
        self.known: dict[str, object] = {}

    def compose(self) -> ComposeResult:
        s = self.structure
        title = (
            "chorus_directory_ui.structure.create"
            if s is None
            else "chorus_directory_ui.structure.edit"
        )
        with Vertical(classes="dialog", id="structure-dialog"):
            yield Label(Text(t(title)), classes="dialog-title")
            with VerticalScroll(id="structure-body"), Grid(id="structure-grid"):
                for name, size in TEXTS.items():
                    value = (
                        str(getattr(s, name))
                        if s is not None
                        else ("FR" if name == "country" else "")
                    )
                    label = t(f"chorus_directory_ui.field.{name}") + (
                        " *" if name in MANDATORY else ""
                    )
                    disabled = name == "siret" and s is not None and s.public
                    yield FormField(
                        label,
                        Input(value, id=name, max_length=size, compact=True, disabled=disabled),
                        name,
                    )
                # issue 19: what a new invoice of this supplier starts with as payment
                # terms (French invoices state the penalties and the 40 € indemnity)
                yield FormField(
                    t("chorus_facturx_ui.field.payment_terms_default"),
                    Input(s.payment_terms_default if s is not None else "",
                          id="payment_terms_default", max_length=255, compact=True),
                    "payment_terms_default",
                )
                if s is not None:
                    yield Tick(t("chorus_directory_ui.field.active"), s.active, id="active")
                    for name in PARAMETERS:
                        yield Tick(
                            t(f"chorus_directory_ui.param.{name}"), bool(getattr(s, name)), id=name
                        )
            yield Static("", id="structure-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("common.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#siret" if self.structure is None else "#name", Input).focus()

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {n: self.query_one(f"#{n}", Input).value.strip() for n in TEXTS}
        values["country"] = values["country"].upper()
        values["payment_terms_default"] = self.query_one(
            "#payment_terms_default", Input).value.strip()
        return values

    def submit(self) -> None:
        values = self._values()
        errors = {n: t("chorus_directory_ui.error.required") for n in MANDATORY if not values[n]}
        show_errors(self, errors, self.query_one("#structure-error", Static))
        if errors:
            return
        for button in self.query(Button):
            button.disabled = True
        if self.structure is None:
            self._create(ChorusStructureCreate(**values))
            return
        s = self.structure
        siret = values.pop("siret")
        ticks = {n: self.query_one(f"#{n}", Tick).value for n in ("active", *PARAMETERS)}
        self._update(s, siret if siret != s.siret and not s.public else None, {**values, **ticks})

    @work(thread=True, exclusive=True, group="chorus-structure-save")
    def _create(self, data: ChorusStructureCreate) -> None:
        try:
            made = cofa(self.app).repo.chorus_directory.create_structure(data)
        except RuleViolation as exc:
            if exc.code == EXISTS:
                self.known = exc.params
                self.app.call_from_thread(self._exists, existing_id(exc), str(exc))
                return
            self.app.call_from_thread(self._refused, exc)
            return
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._done, made.structure)

    @work(thread=True, exclusive=True, group="chorus-structure-save")
    def _update(self, s: ChorusStructurePublic, siret: str | None, values: dict[str, Any]) -> None:
        area = cofa(self.app).repo.chorus_directory
        try:
            version = s.version
            if siret is not None:
                version = area.change_siret(
                    s.id, ChorusSiretChange(version=version, siret=siret)
                ).version
            changed = area.update_structure(s.id, ChorusStructureUpdate(version=version, **values))
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._done, changed)

    def _refused(self, exc: CofaError) -> None:
        for button in self.query(Button):
            button.disabled = False
        show_errors(
            self,
            refusal(exc, "chorus_directory_ui.error.changed"),
            self.query_one("#structure-error", Static),
        )

    def _done(self, structure: ChorusStructurePublic) -> None:
        self.app.notify(
            t("chorus_directory_ui.structure.saved", name=clean(structure.name)), markup=False
        )
        self.dismiss(structure)

    # --- a known SIRET: request an attachment instead -----------------------------------
    def _exists(self, structure_id: int | None, message: str) -> None:
        """The SIRET is known: offer to request an attachment to that structure."""
        for button in self.query(Button):
            button.disabled = False
        self.query_one("#structure-error", Static).update(Text("⚠ " + clean(message)))
        if structure_id is None:
            return

        def chosen(yes: bool | None) -> None:
            if yes:
                self._open_request(structure_id)

        self.app.push_screen(
            ConfirmScreen(
                t("chorus_directory_ui.structure.exists_question"),
                yes=t("chorus_directory_ui.button.request"),
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="chorus-structure-known")
    def _open_request(self, structure_id: int) -> None:
        known: ChorusStructurePublic | KnownStructure
        try:
            known = cofa(self.app).repo.chorus_directory.structure(structure_id)
        except NotFound:
            # A private structure I am not attached to: what the refusal named of it.
            known = KnownStructure(
                structure_id, str(self.known.get("siret", "")), str(self.known.get("name", ""))
            )
        except CofaError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._request, known)

    def _request(self, known: ChorusStructurePublic | KnownStructure) -> None:
        app = self.app
        self.dismiss(None)
        app.push_screen(AttachmentRequestDialog(known))


__all__ = ["EXISTS", "StructureDialog", "existing_id"]
