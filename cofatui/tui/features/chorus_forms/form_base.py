"""What the entry, deposit and correction screens share: the invoice's fields and lines
loaded in a worker (my structures, the invoice when there is one), read into a
``ChorusInvoiceCreate``, the repository's refusals put at their fields (``lines.N.*``
under the lines), and what a deposit leads to: made available (told, the screen
closes) or non-compliant (its reasons, and the correction screen)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Static

from cofatui.enums import ChorusState
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas_chorus import (
    PUBLIC_INVOICES_SERVICE,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
    ChorusLineIn,
    ChorusStructurePublic,
    MyChorusStructure,
)
from cofatui.tui.features.chorus_forms.fields import InvoiceFields, supplier_options
from cofatui.tui.features.chorus_forms.lines import LinesPanel
from cofatui.tui.features.chorus_forms.recipient import RecipientPicker
from cofatui.tui.features.chorus_forms.wording import (
    reasons_text,
    state_text,
    structure_facts,
)
from cofatui.tui.kit.form import first_invalid, refusal, show_errors
from cofatui.tui.kit.header import AppHeader
from cofatui.tui.kit.products import cofa
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean

CSS_FILE = "chorus_forms.tcss"
#: What each button of the form does: the action its key runs too.
BUTTON_ACTIONS = {"validate": "validate", "draft": "save_draft", "close": "close",
                  "correct": "correct"}


def invoice_of(d: ChorusInvoiceDetail) -> ChorusInvoiceCreate:
    """An invoice read back as the forms send it (a draft reopened, a correction)."""
    return ChorusInvoiceCreate(
        number=d.number, type=d.type, frame=d.frame, supplier_siret=d.supplier_siret,
        recipient_siret=d.recipient_siret, service_code=d.service_code,
        engagement=d.engagement, market_number=d.market_number,
        invoice_date=d.invoice_date, delivery_date=d.delivery_date, due_date=d.due_date,
        currency=d.currency, payment_mode=d.payment_mode, iban=d.iban,
        payment_terms=d.payment_terms, origin_invoice_id=d.origin_invoice_id,
        lines=[ChorusLineIn(label=x.label, quantity=x.quantity, unit=x.unit,
                            unit_price=x.unit_price, vat_rate=x.vat_rate,
                            exemption_reason=x.exemption_reason) for x in d.lines])


LINE_KEY = re.compile(r"lines(?:\.(?P<dot>\d+)|\[(?P<bracket>\d+)\])(?:\.(?P<field>\w+))?")
LINE_FIELDS = frozenset({"label", "quantity", "unit", "unit_price", "vat_rate",
                         "exemption_reason"})


def split_lines(errors: dict[str, str]) -> tuple[dict[str, str], str]:
    """The refusals of the lines (``lines.3.unit_price``) apart from the others, as one
    text ("line 4, unit price: …"): they belong under the list of lines."""
    lines = {k: v for k, v in errors.items() if k == "lines" or k.startswith(("lines.", "lines["))}
    said = []
    for key, message in lines.items():
        # The rules say ``lines.0.unit_price`` (from 0), the API's input guard
        # ``lines[1].unit_price`` (from 1): both name the same cell.
        found = LINE_KEY.fullmatch(key)
        if found is None:
            said.append(message)
            continue
        n = int(found["dot"]) + 1 if found["dot"] is not None else int(found["bracket"])
        name = found["field"] or ""
        field = t(f"chorus_forms_ui.line.{name}") if name in LINE_FIELDS else name
        said.append(t("chorus_forms_ui.line_error", n=n, field=field, message=message))
    return {k: v for k, v in errors.items() if k not in lines}, "; ".join(said)


class InvoiceForm(Screen[ChorusInvoiceDetail | None]):
    """The screen; a subclass says what it loads, what it shows above the fields and
    what its buttons send."""

    CSS_PATH = CSS_FILE
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "chorus_forms_ui.key.close", id="chorus.form.close"),
        Binding("ctrl+g", "pick_recipient", "chorus_forms_ui.key.directory",
                id="chorus.form.directory", tooltip="chorus_forms_ui.key.directory_tip"),
    ]
    TITLE_KEY = "chorus_forms_ui.entry.title"

    def __init__(self) -> None:
        super().__init__()
        self.mine: list[MyChorusStructure] = []
        self.detail: ChorusInvoiceDetail | None = None
        self.busy = False

    # --- composing ----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(Text(t(self.TITLE_KEY)), id="form-title", classes="section-title")
        with VerticalScroll(id="form-body"):
            yield Static(t("common.loading"), id="form-loading")
        yield Static("", id="form-error", classes="form-error", markup=False)
        with Horizontal(id="form-buttons"):
            yield from self.buttons()
        yield Footer()

    def buttons(self) -> ComposeResult:
        """Validate and send, Save draft, Close (the correction has its own)."""
        yield Button(t("chorus_forms_ui.button.validate"), variant="primary", id="validate")
        yield Button(t("chorus_forms_ui.button.draft"), id="draft")
        yield Button(t("chorus_forms_ui.button.close"), id="close")

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        """A button of the form runs the action of its key (``validate`` is Ctrl+S's)."""
        action = BUTTON_ACTIONS.get(event.button.id or "")
        if action:
            event.stop()
            await self.run_action(action)

    def above(self) -> list[Widget]:
        """What the screen shows above the fields (the deposit's PDF, the reasons)."""
        return []

    def editable_fields(self) -> frozenset[str] | None:
        return None

    def lines_editable(self) -> bool:
        return True

    def on_mount(self) -> None:
        self.title = t(self.TITLE_KEY)
        self._load()

    def invoice_id(self) -> int | None:
        return None

    @work(thread=True, exclusive=True, group="chorus-form-load")
    def _load(self) -> None:
        repo = cofa(self.app).repo
        invoice_id = self.invoice_id()
        try:
            mine = repo.chorus_directory.mine()
            detail = repo.chorus_invoices.get(invoice_id) if invoice_id is not None else None
        except CofaError as exc:
            self.app.call_from_thread(self._error, clean(exc))
            return
        self.app.call_from_thread(self.call_later, self._loaded, mine, detail)

    async def _loaded(self, mine: list[MyChorusStructure],
                      detail: ChorusInvoiceDetail | None) -> None:
        """The body composed anew (a correction still refused shows its new reasons)."""
        self.mine, self.detail = mine, detail
        body = self.query_one("#form-body", VerticalScroll)
        await body.remove_children()
        invoice = invoice_of(detail) if detail is not None else self.initial()
        await body.mount_all([
            *self.above(),
            InvoiceFields(supplier_options(mine), cofa(self.app).settings.date_order,
                          invoice, editable=self.editable_fields(),
                          pick_recipient=self.action_pick_recipient),
            Static("", id="recipient-facts", classes="form-info", markup=False),
            LinesPanel(list(invoice.lines) if invoice else [],
                       editable=self.lines_editable()),
            *self.below(),
        ])
        self.call_after_refresh(self.ready)

    def initial(self) -> ChorusInvoiceCreate | None:
        return None

    def below(self) -> list[Widget]:
        return []

    def ready(self) -> None:
        """After the fields are mounted (a subclass preselects, focuses)."""

    # --- the recipient ------------------------------------------------------------------
    def action_pick_recipient(self) -> None:
        fields = self.query(InvoiceFields)
        if not fields or "recipient_siret" not in fields.first().editable:
            return
        self.app.push_screen(RecipientPicker(), self._recipient)

    def _recipient(self, structure: ChorusStructurePublic | None) -> None:
        if structure is None:
            return
        services = [s for s in structure.services if s.active and s.code != PUBLIC_INVOICES_SERVICE]
        code = services[0].code if structure.service_code_required and len(services) == 1 \
            else None
        self.query_one(InvoiceFields).set_recipient(structure.siret, code)
        self.query_one("#recipient-facts", Static).update(structure_facts(structure))

    # --- reading and refusals -----------------------------------------------------------
    def read_invoice(self) -> ChorusInvoiceCreate | None:
        """The invoice typed, or None with the refusals shown at their fields."""
        values, errors = self.query_one(InvoiceFields).read()
        lines = self.query_one(LinesPanel).lines
        if not lines:
            errors["lines"] = t("chorus_forms_ui.error.no_lines")
        if errors:
            self.show_refusals(errors)
            return None
        try:
            invoice = ChorusInvoiceCreate(**values, lines=lines)
        except ValidationError as exc:
            self.show_refusals({".".join(str(p) for p in e["loc"]): e["msg"]
                                for e in exc.errors()})
            return None
        self.show_refusals({})
        return invoice

    def show_refusals(self, errors: dict[str, str]) -> None:
        """Each refusal at its field, and the first one brought into sight (a form
        taller than the terminal hides the rest)."""
        others, lines = split_lines(errors)
        panel = self.query(LinesPanel)
        if panel:
            panel.first().set_error(lines)
        elif lines:
            others[""] = lines
        show_errors(self, others, self.query_one("#form-error", Static))
        invalid = first_invalid(self)
        if invalid is not None:
            invalid.focus()
            invalid.scroll_visible()
        elif lines and panel:
            panel.first().scroll_visible()

    def refused(self, exc: CofaError) -> None:
        """A refusal from the repository: nothing was recorded."""
        self.busy = False
        self.show_refusals(refusal(exc, "chorus_forms_ui.error.changed"))
        if not isinstance(exc, ValidationFailed):
            self.app.notify(clean(exc), severity="error", markup=False)

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(Text("⚠ " + message))

    # --- what a deposit leads to --------------------------------------------------------
    def deposited(self, detail: ChorusInvoiceDetail) -> None:
        """Made available: told, closed. Non-compliant: the reasons are told and the
        correction screen opens (seed 003 §VIII: corrected, the number is kept)."""
        self.busy = False
        if detail.state is ChorusState.DRAFT:
            self.app.notify(t("chorus_forms_ui.done.draft", number=clean(detail.number)),
                            markup=False)
            return
        if detail.state is ChorusState.NON_COMPLIANT:
            self.app.notify(reasons_text(detail.reasons).plain, severity="warning",
                            title=t("chorus_forms_ui.done.non_compliant",
                                    number=clean(detail.number)), markup=False, timeout=15)
            app = self.app
            self.dismiss(detail)
            # By name: the correction screen is itself an InvoiceForm (no import cycle).
            open_screen(app, "chorus_correct", detail.id)
            return
        self.app.notify(t("chorus_forms_ui.done.sent", number=clean(detail.number),
                          state=state_text(detail.state)), markup=False)
        self.dismiss(detail)

    def action_close(self) -> None:
        self.dismiss(None)

    def send(self, call: Callable[[], ChorusInvoiceDetail],
             done: Callable[[ChorusInvoiceDetail], None] | None = None) -> None:
        """Run ``call()`` (a repository write) in a worker; its result goes to ``done``
        (default :meth:`deposited`), a refusal to :meth:`refused`."""
        if self.busy:
            return
        self.busy = True
        self._send(call, done or self.deposited)

    @work(thread=True, exclusive=True, group="chorus-form-send")
    def _send(self, call: Callable[[], ChorusInvoiceDetail],
              done: Callable[[ChorusInvoiceDetail], None]) -> None:
        try:
            detail = call()
        except CofaError as exc:
            self.app.call_from_thread(self.refused, exc)
            return
        self.app.call_from_thread(done, detail)


__all__ = ["InvoiceForm", "invoice_of", "split_lines"]
