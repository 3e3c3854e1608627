"""The two forms of seed 001 "Envoyer des informations sur une entreprise", and the
choice between them:

- "Déclaration d'information négative": the nature (commercial or financial), the date
  of the event, the amount at stake (optional, Money), a description (mandatory, at
  most 2 000 characters) and optional documents;
- "Transmission d'informations sur une entreprise": one of the seed's seven types, for
  accounts their closing date and whether they are complete, a comment (at most 1 000
  characters), "ask for a DRA review", and 1 to 10 documents.

What cannot be read (a date, an amount) is refused at its field before sending; the
rest is the server's to check, its refusals shown at their fields."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioSet, Select, Static

from cofatui.enums import ACCOUNTS_TYPES, CompanyInfoForm, CompanyInfoType, NegativeNature
from cofatui.i18n import t
from cofatui.schemas_company_info import COMMENT_MAX, DESCRIPTION_MAX, CompanyInfoIn
from cofatui.tui.features.company_info.form_base import CountedText, Subject, SubmissionForm
from cofatui.tui.features.company_info.wording import type_options
from cofatui.tui.kit.amount_field import AmountField
from cofatui.tui.kit.choices import Choice, Tick
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern


class FormChoiceDialog(Dialog[CompanyInfoForm | None]):
    """Which form: negative information or an information transmission (seed: "Deux
    types de formulaires … sont disponibles"), each with the seed's description."""

    CSS_PATH = [DIALOGS_TCSS, "company_info.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "company_info_ui.key.cancel", id="company_info.choice.cancel"),
        Binding("n", "choose('negative')", "company_info_ui.key.negative",
                id="company_info.choice.negative"),
        Binding("t", "choose('transmission')", "company_info_ui.key.transmission",
                id="company_info.choice.transmission"),
    ]

    def __init__(self, subject: Subject) -> None:
        super().__init__()
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ci-choice"):
            yield Label(Text(t("company_info_ui.send_title")), classes="dialog-title")
            yield Static(self.subject.line(), id="ci-subject")
            for form in CompanyInfoForm:
                yield Button(t(f"company_info_ui.form.{form}"), id=f"form-{form}",
                             classes="ci-choice-button")
                yield Static(Text(t(f"company_info_ui.form_help.{form}")),
                             classes="form-info ci-choice-help")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("company_info_ui.button.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#form-negative", Button).focus()

    @on(Button.Pressed, ".ci-choice-button")
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose((event.button.id or "").removeprefix("form-"))

    def action_choose(self, form: str) -> None:
        self.dismiss(CompanyInfoForm(form))


class NegativeForm(SubmissionForm):
    TITLE_KEY = "company_info_ui.form.negative"
    FILES_HINT = "company_info_ui.files.hint_optional"

    def fields(self) -> ComposeResult:
        yield FormField(t("company_info_ui.field.nature"), RadioSet(
            *[Choice(t(f"company_info_ui.nature.{n}"), id=f"nature-{n}")
              for n in NegativeNature], id="nature", compact=True), "nature")
        yield FormField(t("company_info_ui.field.event_date"), Input(
            id="event_date", placeholder=date_pattern(self._order()), compact=True),
            "event_date")
        with Horizontal(classes="ci-money"):
            yield AmountField(t("company_info_ui.field.amount"), "amount",
                              self.subject.currency, id="amount-field", compact=True,
                              placeholder=t("company_info_ui.placeholder.amount"))
            yield FormField(t("company_info_ui.field.currency"), Input(
                self.subject.currency, id="currency", max_length=3, compact=True), "currency")
        yield CountedText(t("company_info_ui.field.description"), "description",
                          DESCRIPTION_MAX, t("company_info_ui.placeholder.description"))

    def on_mount(self) -> None:
        self.query_one("#nature", RadioSet).focus()

    @on(Input.Changed, "#currency")
    def _currency(self, event: Input.Changed) -> None:
        code = event.value.strip().upper() or None
        self.query_one("#amount-field", AmountField).set_currency(
            code, t("company_info_ui.field.amount"))

    def read(self) -> tuple[CompanyInfoIn | None, dict[str, str]]:
        errors: dict[str, str] = {}
        pressed = self.query_one("#nature", RadioSet).pressed_button
        nature = (pressed.id or "").removeprefix("nature-") if pressed else None
        event_date = self._date("event_date", errors)
        try:
            amount = self.query_one("#amount-field", AmountField).read()
        except TypedInputError as exc:
            errors["amount"] = str(exc)
            amount = None
        currency = self.query_one("#currency", Input).value.strip().upper() or None
        if errors:
            return None, errors
        s = self.subject
        return CompanyInfoIn.model_validate({
            "contract_id": s.contract_id, "company_id": s.company_id,
            "form": CompanyInfoForm.NEGATIVE, "nature": nature, "event_date": event_date,
            "amount": amount, "currency": currency if amount is not None else None,
            "description": self.query_one(CountedText).value}), {}


class TransmissionForm(SubmissionForm):
    TITLE_KEY = "company_info_ui.form.transmission"
    FILES_HINT = "company_info_ui.files.hint_required"

    def fields(self) -> ComposeResult:
        yield FormField(t("company_info_ui.field.info_type"), Select(
            type_options(), prompt=t("company_info_ui.choose_type"), id="info_type",
            compact=True),
            "info_type")
        with Vertical(id="ci-accounts"):
            yield FormField(t("company_info_ui.field.closing_date"), Input(
                id="closing_date", placeholder=date_pattern(self._order()), compact=True),
                "closing_date")
            yield FormField(t("company_info_ui.field.complete"), Tick(
                t("company_info_ui.complete_tick"), id="complete", compact=True), "complete")
        yield CountedText(t("company_info_ui.field.comment"), "comment", COMMENT_MAX)
        yield FormField(t("company_info_ui.field.dra_review"), Tick(
            t("company_info_ui.dra_review_tick"), id="dra_review", compact=True),
            "dra_review")

    def on_mount(self) -> None:
        self.query_one("#info_type", Select).focus()
        self._accounts()

    @on(Select.Changed, "#info_type")
    def _accounts(self) -> None:
        """Closing date and completeness are asked for accounts only."""
        self.query_one("#ci-accounts").display = self._type() in ACCOUNTS_TYPES

    def _type(self) -> CompanyInfoType | None:
        value = self.query_one("#info_type", Select).value
        return CompanyInfoType(value) if isinstance(value, str) else None

    def read(self) -> tuple[CompanyInfoIn | None, dict[str, str]]:
        errors: dict[str, str] = {}
        info_type = self._type()
        accounts = info_type in ACCOUNTS_TYPES
        closing = self._date("closing_date", errors) if accounts else None
        if errors:
            return None, errors
        s = self.subject
        return CompanyInfoIn.model_validate({
            "contract_id": s.contract_id, "company_id": s.company_id,
            "form": CompanyInfoForm.TRANSMISSION, "info_type": info_type,
            "closing_date": closing,
            "complete": self.query_one("#complete", Tick).value if accounts else None,
            "comment": self.query_one(CountedText).value,
            "dra_review": self.query_one("#dra_review", Tick).value}), {}


FORMS: dict[CompanyInfoForm, type[SubmissionForm]] = {
    CompanyInfoForm.NEGATIVE: NegativeForm, CompanyInfoForm.TRANSMISSION: TransmissionForm}

__all__ = ["FORMS", "FormChoiceDialog", "NegativeForm", "TransmissionForm"]
