"""The order form of every NEW ACTION product (SPEC §5; seed 001 "Demander une
garantie", "Produits d'information"): one screen whose fields follow the product.

- Agrément (CRL): amount, guarantor (EasyNumber, or found with the company search),
  client reference;
- @rating cover (RLI), Express agreement (ECL): confirm (client reference optional);
- TopLiner: amount and duration (30–90 days), with the current cover as a reminder
  (filled with the previous values for a new simulation after a quote);
- DRA flash / with monitoring, @rating opinion flash / with monitoring: confirm;
- custom credit opinion (CCO): amount;
- reports: language (English, French, German, Spanish); the full report is delivered
  at once (the date of the last update is shown) or after a new investigation.

Each field is checked as it is typed with ``rules.products.request_errors`` and its
message shows under it; the repository's answer (``ValidationFailed`` per field, a
rule's refusal, a lack of rights) comes back to the same places. Returns the
requested :class:`ProductPublic` (or None when cancelled).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet, Select, Static

from cofatui.enums import ProductStatus
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import format_amount, format_date, get_language, t
from cofatui.rules.identifiers import normalize_easy_number
from cofatui.rules.products import (
    AMOUNT_CODES,
    IMMEDIATE_CODES,
    REPORT_CODES,
    REPORT_LANGUAGES,
    TOPLINER_MAX_DAYS,
    TOPLINER_MIN_DAYS,
    ProductRequestData,
    request_errors,
)
from cofatui.schemas import (
    CompanyDetail,
    CompanyPublic,
    CompanySearch,
    ProductPublic,
    ProductRequest,
)
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.choices import Choice
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, first_invalid, show_errors
from cofatui.tui.kit.products import (
    app_clock,
    cofa,
    product_marker,
    product_name,
    status_label,
)
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import parse_whole_number, typed_amount
from cofatui.tui.navigation import open_screen
from cofatui.tui.safe import clean, plain

GUARANTOR_CODES = frozenset({"CRL"})
CLIENT_REFERENCE_CODES = frozenset({"CRL", "RLI", "ECL"})
FIELD_OF = {"guarantor_company_id": "guarantor", "legal_identifier": "guarantor"}


def last_report_update(detail: CompanyDetail) -> str:
    """When the company's report information was last delivered to this contract."""
    dates = [p.decided_at for p in detail.products
             if p.code in REPORT_CODES and p.decided_at is not None
             and p.status != ProductStatus.PENDING]
    return format_date(max(dates)) if dates else t("products.no_previous_report")


class ProductFormScreen(Dialog[ProductPublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "products.tcss"]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "products.key.cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "products.key.confirm", id="form.submit",
                tooltip="products.key.confirm_tip"),
        Binding("ctrl+g", "find_guarantor", "products.key.guarantor", id="form.guarantor",
                show=False),
    ]

    def __init__(self, code: str, detail: CompanyDetail,
                 initial: ProductRequest | None = None) -> None:
        super().__init__()
        self.code = code
        self.detail = detail
        # A new TopLiner simulation keeps the values typed before (seed 001).
        self.initial = initial
        self.guarantor: CompanyPublic | None = None
        self.attempted = False

    # --- layout --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        code = self.code
        with Vertical(id="form-dialog", classes="dialog"):
            title = Text.assemble(product_marker(code), " ", product_name(code), " — ")
            title.append_text(plain(self.detail.company.name))
            yield Label(title, classes="dialog-title")
            yield Static(Text(t(f"products.describe.{code}")), classes="form-info")
            with VerticalScroll():
                if code == "TOPLINER":
                    yield Static(self._current_cover(), id="current-cover", classes="form-info")
                if code in AMOUNT_CODES:
                    yield AmountField(t("products.field.amount", currency=self._currency()),
                                      "amount", self._currency(), self._initial_amount(),
                                      placeholder=typed_amount(Decimal(50000)))
                if code == "TOPLINER":
                    yield FormField(t("products.field.duration"), Input(
                        self._initial("duration_days"), id="duration_days",
                        placeholder=f"{TOPLINER_MIN_DAYS}–{TOPLINER_MAX_DAYS}"),
                        "duration_days", hint=t("products.duration_hint",
                                                low=TOPLINER_MIN_DAYS, high=TOPLINER_MAX_DAYS))
                if code in GUARANTOR_CODES:
                    with Horizontal(classes="choice-row"):
                        yield FormField(t("products.field.guarantor"), Input(
                            id="guarantor", placeholder=t("products.guarantor_placeholder")),
                            "guarantor", hint=t("products.guarantor_hint"))
                        yield Button(t("products.button.find"), id="find-guarantor")
                    yield Static("", id="guarantor-name", classes="form-info", markup=False)
                if code in CLIENT_REFERENCE_CODES:
                    yield FormField(t("products.field.client_reference"), Input(
                        self.detail.client_reference, id="client_reference", max_length=35),
                        "client_reference")
                if code in REPORT_CODES:
                    yield FormField(t("products.field.language"), Select(
                        [(t(f"products.language.{lang}"), lang) for lang in REPORT_LANGUAGES],
                        value=self._default_language(), id="language", allow_blank=False),
                        "language")
                if code == "REPORT_FULL":
                    with RadioSet(id="delivery"):
                        yield Choice(t("products.delivery.immediate",
                                            date=last_report_update(self.detail)),
                                          value=True, id="delivery-immediate")
                        yield Choice(t("products.delivery.investigation"),
                                          id="delivery-investigation")
            yield Static(Text(t("products.immediate") if code in IMMEDIATE_CODES
                              else t("products.maybe_pending")), classes="form-info",
                         id="decision-hint")
            yield Static("", id="form-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("products.button.confirm"), variant="primary", id="submit")
                yield Button(t("products.button.cancel"), id="cancel")

    def _initial(self, name: str) -> str:
        value = getattr(self.initial, name, None) if self.initial is not None else None
        return "" if value is None else str(value)

    def _initial_amount(self) -> Decimal | None:
        return self.initial.amount if self.initial is not None else None

    def _currency(self) -> str:
        """The contract's: a request is made in it, whatever its products were in."""
        return self.detail.currency

    def _default_language(self) -> str:
        language = get_language()
        return language if language in REPORT_LANGUAGES else "en"

    def _current_cover(self) -> Text:
        covers = [p for p in self.detail.products if p.code in ("CRL", "RLI", "ECL")]
        # The reminder is the cover that was refused, terminated or reduced, if any.
        covers.sort(key=lambda p: p.status not in (ProductStatus.REFUSED,
                                                   ProductStatus.TERMINATED,
                                                   ProductStatus.REDUCED))
        if not covers:
            return Text(t("products.no_current_cover"))
        p = covers[0]
        return Text(t("products.current_cover", product=product_name(p.code),
                      status=status_label(p.status), date=format_date(p.decided_at),
                      amount=format_amount(p.decided_amount, p.currency)))

    def on_mount(self) -> None:
        first = next(iter(self.query("Input, Select, RadioSet")), None)
        (first or self.query_one("#submit", Button)).focus()

    @on(RadioSet.Changed, "#delivery")
    def _delivery_changed(self, event: RadioSet.Changed) -> None:
        later = event.pressed.id == "delivery-investigation"
        self.query_one("#decision-hint", Static).update(Text(
            t("products.investigation_later") if later else t("products.immediate")))

    # --- reading and checking --------------------------------------------------------------
    def _value(self, widget_id: str) -> str:
        found = self.query(f"#{widget_id}")
        if not found:
            return ""
        widget = found.first()
        if isinstance(widget, Input):
            return widget.value.strip()
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        return ""

    def read(self) -> tuple[ProductRequest | None, dict[str, str], str | None]:
        """The request, the messages per field, and an EasyNumber still to look up."""
        errors: dict[str, str] = {}
        amount: Decimal | None = None
        days: int | None = None
        if self.query("#amount-field"):
            try:
                amount = self.query_one("#amount-field", AmountField).read()
            except ValueError as exc:
                errors["amount"] = str(exc)
        try:
            days = parse_whole_number(self._value("duration_days"))
        except ValueError as exc:
            errors["duration_days"] = str(exc)
        language = self._value("language") or None
        investigation = False
        if self.code == "REPORT_FULL":
            pressed = self.query_one("#delivery", RadioSet).pressed_button
            investigation = pressed is not None and pressed.id == "delivery-investigation"
        reference = self._value("client_reference")
        # The repository's rules: amounts in the contract's currency (its decimals, the
        # seed's minimum), that currency still in use today.
        data = ProductRequestData(self.code, amount, days, language, None, reference,
                                  investigation, currency=self.detail.currency)
        for error in request_errors(data, app_clock(self.app).today()):
            errors.setdefault(FIELD_OF.get(error.field, error.field), error.message)
        lookup: str | None = None
        typed = self._value("guarantor")
        if typed and (self.guarantor is None or typed != self.guarantor.easy_number):
            try:
                lookup = normalize_easy_number(typed)
            except ValidationFailed as exc:
                errors["guarantor"] = "; ".join(e.message for e in exc.errors)
        if typed and self._is_buyer(lookup):
            errors["guarantor"] = t("underwriting.guarantor_is_buyer")
        if errors:
            return None, errors, None
        request = ProductRequest(
            contract_id=self.detail.contract_id, company_id=self.detail.company.id,
            code=self.code, amount=amount, duration_days=days, language=language,
            guarantor_company_id=self.guarantor.id if self.guarantor and typed else None,
            client_reference=reference, new_investigation=investigation)
        return request, {}, lookup

    @on(Input.Changed)
    def _live_check(self, event: Input.Changed) -> None:
        """Check as the user types: the field being typed in, every field once the user
        has tried to submit."""
        if event.input.id == "guarantor" and self.guarantor is not None \
                and event.value.strip() != self.guarantor.easy_number:
            self.guarantor = None
            self.query_one("#guarantor-name", Static).update("")
        _, errors, _ = self.read()
        if self.attempted:
            show_errors(self, errors, self.query_one("#form-error", Static))
            return
        name = event.input.id or ""
        for f in self.query(FormField):
            if f.field == name:
                f.set_error(errors.get(name) if event.value.strip() else None)

    # --- actions -------------------------------------------------------------------------
    def submit(self) -> None:
        self.attempted = True
        request, errors, lookup = self.read()
        show_errors(self, errors, self.query_one("#form-error", Static))
        if request is None:
            widget = first_invalid(self)
            if widget is not None:
                widget.focus()
            return
        self.query_one("#submit", Button).disabled = True
        self.query_one("#form-error", Static).update(Text(t("products.sending")))
        self.send(request, lookup)

    @work(thread=True, exclusive=True, group="product-request")
    def send(self, request: ProductRequest, lookup: str | None) -> None:
        repo = cofa(self.app).repo
        try:
            if lookup is not None:
                found = repo.companies.search(CompanySearch(easy_number=lookup), 0, 1).items
                if not found:
                    self.app.call_from_thread(self._refused, {
                        "guarantor": t("products.error.no_guarantor", easy=lookup)})
                    return
                if found[0].id == request.company_id:
                    self.app.call_from_thread(self._refused, {
                        "guarantor": t("underwriting.guarantor_is_buyer")})
                    return
                self.guarantor = found[0]
                request = request.model_copy(update={"guarantor_company_id": found[0].id})
                self.app.call_from_thread(self._show_guarantor, found[0])
            product = repo.products.request(request)
        except ValidationFailed as exc:
            fields = {FIELD_OF.get(k, k): v for k, v in exc.by_field().items()}
            self.app.call_from_thread(self._refused, fields)
            return
        except CofaError as exc:
            self.app.call_from_thread(self._refused, {"": str(exc)})
            return
        self.app.call_from_thread(self.dismiss, product)

    def _refused(self, errors: dict[str, Any]) -> None:
        self.query_one("#submit", Button).disabled = False
        show_errors(self, errors, self.query_one("#form-error", Static))
        if "" in errors:
            self.notify(clean(errors[""]), severity="error", markup=False)

    def _is_buyer(self, easy_number: str | None) -> bool:
        """Is the guarantor typed or picked the company asked about? (SPEC §5: a guarantor
        is another company; the repository refuses it too.)"""
        buyer = self.detail.company
        if easy_number is not None:
            return easy_number == buyer.easy_number
        return self.guarantor is not None and self.guarantor.id == buyer.id

    def action_find_guarantor(self) -> None:
        if self.code not in GUARANTOR_CODES:
            return
        def picked(company: CompanyPublic | None) -> None:
            if company is not None:
                self.query_one("#guarantor", Input).value = company.easy_number
                self._show_guarantor(company)

        open_screen(self.app, "company_search", pick=True,
                    country=self.detail.company.country, callback=picked)

    def _show_guarantor(self, company: CompanyPublic) -> None:
        self.guarantor = company
        text = Text("✓ ")
        text.append_text(plain(f"{company.name} — {company.city} ({company.country})"))
        self.query_one("#guarantor-name", Static).update(text)

    @on(Button.Pressed, "#find-guarantor")
    def _find_pressed(self) -> None:
        self.action_find_guarantor()


__all__ = ["ProductFormScreen", "last_report_update"]
