"""The claim wizard's data and steps (SPEC §6, seed 000 "Nouvelle déclaration"): what the
user typed (:class:`WizardState`, saved as a draft), the widgets of each step, the checks
made before leaving a step, the review and the :class:`ClaimCreate` sent at the end.

Steps: own reference (and insured or uninsured debt when the contract has the option) →
the debtor's address or a different billing address → the invoicing company (a partner
named in the policy) → the contact in charge → the reason → the insurer's intervention,
its consequences and an optional alternative contact → invoices → payments and credit
notes → comments (≤ 900 characters) → review → confirmation of the intervention (only
when one is requested).

The alternative contact is sent in fields of its own (``alt_contact_*``), only with an
intervention request; the comments hold what the user wrote and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, RadioSet, Static, TextArea

from cofatui.enums import ClaimReason
from cofatui.errors import FieldError
from cofatui.i18n import format_amount, format_date, t
from cofatui.i18n.messages import Term, render
from cofatui.rules import addresses
from cofatui.rules import claims as rules
from cofatui.rules import extensions as extension_rules
from cofatui.rules.deadlines import days_left, earliest_deadline, merge_shifts
from cofatui.schemas import (
    ClaimCreate,
    CompanyPublic,
    ContractPublic,
    CurrencyAmount,
    ExtensionPublic,
    InvoiceLine,
    PaymentLine,
)
from cofatui.tui.features.claims.currency_totals import amounts_text, per_currency
from cofatui.tui.features.claims.line_dialogs import invoice_label, invoice_total
from cofatui.tui.kit.drafts import draft_lines
from cofatui.tui.kit.form import FormField
from cofatui.tui.kit.lines import Choice, LineContext, Tick, format_user_date, line_errors
from cofatui.tui.kit.wording import plural
from cofatui.tui.safe import clean, plain

STEPS = ("reference", "address", "partner", "contact", "reason", "intervention", "invoices",
         "payments", "comments", "review", "confirm")
DISPUTES = (ClaimReason.COMMERCIAL_DISPUTE.value, ClaimReason.TECHNICAL_DISPUTE.value)
DRAFT_VERSION = 1

#: Radio sets of the wizard: set id → state attribute.
CHOICES = {"insured": "insured", "billing": "billing", "partner": "partner", "reason": "reason",
           "intervention": "intervention"}
#: Where a field of the repository's errors is typed.
FIELD_STEP = {"own_reference": "reference", "billing": "address", "invoicing_partner": "partner",
              "contact": "contact", "reason": "reason", "intervention": "intervention",
              "alt_contact": "intervention", "invoices": "invoices", "payments": "payments",
              "comments": "comments", "confirmed": "confirm"}


@dataclass
class WizardState:
    """Everything the user typed, as the draft keeps it."""

    step: str = "reference"
    insured: str = "yes"
    own_reference: str = ""
    billing: str = "same"
    billing_address: str = ""
    billing_postal_code: str = ""
    billing_city: str = ""
    billing_country: str = ""
    partner: str = "self"
    invoicing_partner: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    reason: str = ""
    intervention: str = ""
    alt_contact_name: str = ""
    alt_contact_email: str = ""
    alt_contact_phone: str = ""
    invoices: list[InvoiceLine] = field(default_factory=list)
    payments: list[PaymentLine] = field(default_factory=list)
    comments: str = ""
    confirmed: bool = False

    def to_payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"version": DRAFT_VERSION}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("invoices", "payments"):
                value = [line.model_dump(mode="json") for line in value]
            out[f.name] = value
        return out

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> WizardState:
        """A draft back; what cannot be read (an older or damaged draft) is left out."""
        state = cls()
        for f in fields(state):
            if f.name not in payload:
                continue
            value = payload[f.name]
            if f.name == "invoices":
                state.invoices = draft_lines(InvoiceLine, value)
            elif f.name == "payments":
                state.payments = draft_lines(PaymentLine, value)
            elif f.name == "confirmed":
                state.confirmed = bool(value)
            elif isinstance(value, str):
                setattr(state, f.name, value)
        if state.step not in STEPS:
            state.step = "reference"
        return state


@dataclass(frozen=True)
class WizardContext:
    contract: ContractPublic
    company: CompanyPublic
    today: date
    date_order: str
    #: days the buyer's active extension of due date moved each invoice (by number)
    shifts: Mapping[str, int] = field(default_factory=dict)

    def lines(self, invoices: Sequence[InvoiceLine]) -> LineContext:
        return LineContext(today=self.today, currency=self.contract.currency,
                           date_order=self.date_order,
                           max_declaration_days=self.contract.max_declaration_days,
                           invoices=tuple((i.number, invoice_label(i)) for i in invoices),
                           shifts=self.shifts)


def due_date_shifts(extensions: Sequence[ExtensionPublic]) -> dict[str, int]:
    """What the buyer's extensions did to its invoices' due dates, by the rules the
    repository checks a claim against (only an active one moves anything)."""
    return merge_shifts(*(extension_rules.active_extension_shifts(
        [extension_rules.ExtensionInvoice(i.number, i.invoice_date, i.due_date, i.amount)
         for i in e.invoices],
        [extension_rules.PlanLine(p.due_date, p.amount) for p in e.plan], e.status)
        for e in extensions))


def active_steps(state: WizardState) -> list[str]:
    return [s for s in STEPS if s != "confirm" or state.intervention == "yes"]


# --- derived texts ----------------------------------------------------------------------------


def alt_contact_sent(state: WizardState) -> bool:
    """The alternative contact goes with an intervention request only."""
    return state.intervention == "yes"


def comments_counter(state: WizardState) -> Text:
    used = len(state.comments.strip())
    text = Text(t("claim_wizard.comments.counter", n=used, max=rules.MAX_COMMENT),
                style="bold" if used > rules.MAX_COMMENT else "")
    if used > rules.MAX_COMMENT:
        text.append("  ⚠ ")
        text.append(plural("claim_wizard.comments.too_long", count=used - rules.MAX_COMMENT))
    return text


def consequence(state: WizardState) -> Text:
    """What the intervention means for this reason (seed 000, "Demande d'intervention")."""
    if state.intervention == "no":
        return Text(t("claim_wizard.intervention.no_consequence"))
    if state.intervention != "yes":
        return Text(t("claim_wizard.intervention.choose"))
    if state.reason in DISPUTES:
        key = "claim_wizard.intervention.dispute"
    elif state.reason == ClaimReason.INSOLVENCY.value:
        key = "claim_wizard.intervention.insolvency"
    else:
        key = "claim_wizard.intervention.undisputed"
    return Text("⚠ " + t(key), style="bold")


def deadline_text(state: WizardState, ctx: WizardContext) -> Text:
    """The declaration deadline: the first of the invoices' deadlines to pass, each the
    invoice date + the contract's delay, moved by the buyer's active extension of due
    date on that invoice (what the repository checks)."""
    days = ctx.contract.max_declaration_days
    first = earliest_deadline(((i.number, i.invoice_date) for i in state.invoices), days,
                              ctx.shifts)
    if first is None:
        text = Text(t("claim_wizard.deadline.none", days=days))
        moved = sorted(n for n, shift in ctx.shifts.items() if shift)
        if moved:
            text.append(" ")
            text.append_text(plain(render("claim_wizard.deadline.extension",
                                          {"count": len(moved), "numbers": ", ".join(moved)})))
        return text
    deadline, number, invoice_date = first
    left = days_left(deadline, ctx.today)
    shift = ctx.shifts.get(number.strip(), 0)
    counted = "common.count.days" if left < 0 else "common.count.days_left"
    params: dict[str, object] = {"date": format_date(deadline),
                                 "n": Term.of(counted, count=abs(left)),
                                 "invoice": format_date(invoice_date), "days": days}
    if shift:
        params.update(number=number, moved=Term.of("common.count.days", count=shift))
    key = ("late" if left < 0 else "left") + ("_moved" if shift else "")
    # The invoice number is typed data: shown literally.
    line = plain(render(f"claim_wizard.deadline.{key}", params))
    text = Text("⚠ " if left < 0 else "◴ ").append_text(line)
    if left <= 15:
        text.stylize("bold")
    return text


def invoices_summary(lines: list[InvoiceLine]) -> Text:
    # Totals per currency ("€1,435.50 + US$500.00"): never one sum across currencies.
    total = per_currency((i.currency, invoice_total(i)) for i in lines)
    return Text(plural("claim_wizard.invoices.summary", count=len(lines),
                       total=amounts_text(total)))


def claim_balances(state: WizardState) -> list[CurrencyAmount]:
    """Invoices less payments, per currency; the claims department converts them into
    the contract's currency with a recorded exchange rate."""
    return per_currency([*((i.currency, invoice_total(i)) for i in state.invoices),
                         *((p.currency, -p.amount) for p in state.payments)])


def payments_summary(state: WizardState, currency: str) -> Text:
    paid = per_currency((p.currency, p.amount) for p in state.payments)
    return Text(plural("claim_wizard.payments.summary", count=len(state.payments),
                       total=amounts_text(paid, empty=format_amount(Decimal(0), currency)),
                       claim=amounts_text(claim_balances(state))))


# --- the widgets of each step -----------------------------------------------------------------


def _radio(set_id: str, chosen: str, options: Sequence[tuple[str, str]]) -> RadioSet:
    return RadioSet(*[Choice(label, value=value == chosen, id=f"{set_id}-{value}")
                      for value, label in options], id=set_id)


def _input(state: WizardState, name: str, label: str, hint: str = "",
           max_length: int = 0, placeholder: str = "") -> FormField:
    return FormField(label, Input(getattr(state, name), id=name, max_length=max_length,
                                  placeholder=placeholder), name, hint=hint)


def _info(key: str, **params: object) -> Static:
    return Static(Text(t(key, **params)), classes="form-info step-intro")


def build_steps(state: WizardState, ctx: WizardContext,
                panels: dict[str, Widget]) -> list[Widget]:
    """One container per step (id ``step-<name>``); the line panels are built by the
    screen (they call back into it) and passed in."""
    company = ctx.company
    address = Text()
    address.append_text(plain(company.name, style="bold"))
    for part in (company.address, f"{company.postal_code} {company.city}".strip(),
                 company.region, company.country):
        if part:
            address.append("\n")
            address.append_text(plain(part))
    reference = [
        _info("claim_wizard.reference.intro"),
        _input(state, "own_reference", t("claim_wizard.field.own_reference"),
               hint=t("claim_wizard.reference.hint"), max_length=rules.MAX_REFERENCE),
    ]
    if ctx.contract.option_uninsured_collection:
        reference.append(FormField(t("claim_wizard.field.debt"), _radio(
            "insured", state.insured, [("yes", t("claim_wizard.debt.insured")),
                                       ("no", t("claim_wizard.debt.uninsured"))]), "insured",
            hint=t("claim_wizard.debt.hint")))
    billing_fields = Vertical(
        _input(state, "billing_address", t("claim_wizard.field.billing_address")),
        _input(state, "billing_postal_code", t("claim_wizard.field.billing_postal_code")),
        _input(state, "billing_city", t("claim_wizard.field.billing_city")),
        _input(state, "billing_country", t("claim_wizard.field.billing_country"),
               max_length=3, placeholder="FRA"),
        id="billing-fields", classes="step-sub")
    billing_fields.display = state.billing == "different"
    alt_contact = Vertical(
        Label(Text(t("claim_wizard.intervention.alt_title")), classes="section-title"),
        _input(state, "alt_contact_name", t("claim_wizard.field.contact_name")),
        _input(state, "alt_contact_email", t("claim_wizard.field.contact_email")),
        _input(state, "alt_contact_phone", t("claim_wizard.field.contact_phone")),
        id="alt-contact", classes="step-sub")
    alt_contact.display = state.intervention == "yes"
    partner_field = _input(state, "invoicing_partner", t("claim_wizard.field.invoicing_partner"),
                           hint=t("claim_wizard.partner.hint"))
    partner_field.display = state.partner == "partner"
    comments = TextArea(state.comments, id="comments", soft_wrap=True)
    steps: dict[str, list[Widget]] = {
        "reference": reference,
        "address": [
            _info("claim_wizard.address.intro"),
            Static(address, id="debtor-address", classes="debtor-address"),
            FormField(t("claim_wizard.field.billing"), _radio(
                "billing", state.billing, [("same", t("claim_wizard.address.same")),
                                           ("different", t("claim_wizard.address.different"))]),
                "billing"),
            billing_fields,
        ],
        "partner": [
            _info("claim_wizard.partner.intro"),
            FormField(t("claim_wizard.field.partner"), _radio(
                "partner", state.partner, [("self", t("claim_wizard.partner.self")),
                                           ("partner", t("claim_wizard.partner.partner"))]),
                "partner"),
            partner_field,
        ],
        "contact": [
            _info("claim_wizard.contact.intro"),
            _input(state, "contact_name", t("claim_wizard.field.contact_name")),
            _input(state, "contact_email", t("claim_wizard.field.contact_email")),
            _input(state, "contact_phone", t("claim_wizard.field.contact_phone")),
        ],
        "reason": [
            _info("claim_wizard.reason.intro"),
            FormField(t("claim_wizard.field.reason"), _radio(
                "reason", state.reason,
                [(r.value, t(f"claim_wizard.reason.{r.value}")) for r in ClaimReason]),
                "reason"),
        ],
        "intervention": [
            _info("claim_wizard.intervention.intro"),
            FormField(t("claim_wizard.field.intervention"), _radio(
                "intervention", state.intervention,
                [("no", t("claim_wizard.intervention.no")),
                 ("yes", t("claim_wizard.intervention.yes"))]), "intervention"),
            Static(consequence(state), id="intervention-consequence", classes="consequence"),
            alt_contact,
        ],
        "invoices": [_info("claim_wizard.invoices.intro"), panels["invoices"]],
        "payments": [_info("claim_wizard.payments.intro"), panels["payments"]],
        "comments": [
            _info("claim_wizard.comments.intro"),
            FormField(t("claim_wizard.field.comments"), comments, "comments"),
            Static(comments_counter(state), id="comments-counter", markup=False),
        ],
        "review": [VerticalScroll(Static(Text(), id="review-text", markup=False),
                                  id="review-scroll")],
        "confirm": [
            Static(Text(), id="confirm-text", classes="consequence"),
            FormField(t("claim_wizard.field.confirmed"), Tick(
                t("claim_wizard.confirm.checkbox"), state.confirmed, id="confirmed"),
                "confirmed"),
        ],
    }
    return [Vertical(*widgets, id=f"step-{name}", classes="wizard-step")
            for name, widgets in steps.items()]


# --- checks -----------------------------------------------------------------------------------


@dataclass
class StepErrors:
    fields: dict[str, str] = field(default_factory=dict)
    lines: dict[str, dict[int, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or any(self.lines.values()))


def _invoice_inputs(state: WizardState) -> list[rules.InvoiceInput]:
    return [rules.InvoiceInput(**i.model_dump()) for i in state.invoices]


def payment_inputs(lines: Sequence[PaymentLine]) -> list[rules.PaymentInput]:
    return [rules.PaymentInput(**p.model_dump()) for p in lines]


def check_step(name: str, state: WizardState, ctx: WizardContext) -> StepErrors:
    """What stops the user from leaving ``name`` forward (field → message, line errors)."""
    out = StepErrors()
    errors = out.fields
    # The repository's rules, on the values as build_claim sends them.
    if name == "address" and state.billing == "different":
        _route_fields(errors, addresses.billing_errors(*billing_sent(state), different=True))
    elif name == "partner" and state.partner == "partner":
        _route_fields(errors, addresses.partner_errors(partner_sent(state), named=True))
    elif name == "contact":
        # A contact to reach is the wizard's own demand (seed 000); the shapes and
        # lengths are the repository's.
        sent = contact_sent(state, "contact_")
        _route_fields(errors, [*addresses.contact_errors("contact_", *sent),
                               *addresses.contact_required_errors("contact_", *sent)])
    elif name in ("reference", "reason"):
        _route_fields(errors, [e for e in rules.header_errors(
            state.reason, "", state.own_reference.strip()) if step_of(e.field) == name])
    elif name == "intervention":
        if state.intervention not in ("yes", "no"):
            errors["intervention"] = t("claim_wizard.error.choose_intervention")
        elif alt_contact_sent(state):
            _route_fields(errors, rules.alt_contact_errors(*contact_sent(state, "alt_contact_"),
                                                           intervention=True))
    elif name == "invoices":
        # The repository's rules: the deadline moved by the buyer's active extension,
        # an invoice listed twice.
        found = rules.invoice_errors(_invoice_inputs(state), ctx.today,
                                     ctx.contract.max_declaration_days, shifts=ctx.shifts)
        _route(out, found, "invoices")
    elif name == "payments":
        found = rules.payment_errors(payment_inputs(state.payments),
                                     {i.number for i in state.invoices}, ctx.today)
        _route(out, found, "payments")
    elif name == "comments" and len(state.comments.strip()) > rules.MAX_COMMENT:
        errors["comments"] = plural("claim_wizard.comments.too_long",
                                    count=len(state.comments.strip()) - rules.MAX_COMMENT)
    elif name == "confirm" and not state.confirmed:
        errors["confirmed"] = t("claim_wizard.error.confirm")
    return out


def _route_fields(errors: dict[str, str], found: Sequence[FieldError]) -> None:
    for e in found:
        errors.setdefault(e.field, e.message)


def _route(out: StepErrors, found: Sequence[FieldError], prefix: str) -> None:
    per_line = line_errors(found, prefix)
    if per_line:
        out.lines[prefix] = per_line
    for e in found:
        if e.field == prefix:
            out.fields[prefix] = e.message


def step_of(field_name: str) -> str:
    """The step where a field of the repository's errors is typed."""
    for prefix, step in FIELD_STEP.items():
        if field_name.startswith(prefix):
            return step
    return "review"


def split_errors(found: Sequence[FieldError]) -> dict[str, StepErrors]:
    """The repository's errors, per step."""
    out: dict[str, StepErrors] = {}
    for prefix in ("invoices", "payments"):
        lines = line_errors(found, prefix)
        if lines:
            out.setdefault(prefix, StepErrors()).lines[prefix] = lines
    for e in found:
        step = step_of(e.field)
        if "[" in e.field:
            continue
        out.setdefault(step, StepErrors()).fields[e.field or "general"] = e.message
    return out


# --- what is sent -----------------------------------------------------------------------------


def billing_sent(state: WizardState) -> tuple[str, str, str, str]:
    """Street, postal code, city and country as sent: blank for the debtor's address."""
    if state.billing != "different":
        return "", "", "", ""
    return (state.billing_address.strip(), state.billing_postal_code.strip(),
            state.billing_city.strip(), state.billing_country.strip().upper())


def partner_sent(state: WizardState) -> str:
    return state.invoicing_partner.strip() if state.partner == "partner" else ""


def contact_sent(state: WizardState, prefix: str) -> tuple[str, str, str]:
    """Name, e-mail and phone of the contact (``prefix`` ``contact_``) or of the
    alternative one (``alt_contact_``, sent only with an intervention request)."""
    if prefix == "alt_contact_" and not alt_contact_sent(state):
        return "", "", ""
    name, email, phone = (getattr(state, f"{prefix}{part}").strip()
                          for part in ("name", "email", "phone"))
    return name, email, phone


def build_claim(state: WizardState, ctx: WizardContext) -> ClaimCreate:
    address, postal_code, city, country = billing_sent(state)
    name, email, phone = contact_sent(state, "contact_")
    alt_name, alt_email, alt_phone = contact_sent(state, "alt_contact_")
    return ClaimCreate(
        contract_id=ctx.contract.id, company_id=ctx.company.id,
        own_reference=state.own_reference.strip(),
        insured=state.insured != "no" or not ctx.contract.option_uninsured_collection,
        reason=state.reason, intervention_requested=state.intervention == "yes",
        billing_address=address, billing_postal_code=postal_code, billing_city=city,
        billing_country=country, invoicing_partner=partner_sent(state),
        contact_name=name, contact_email=email, contact_phone=phone,
        alt_contact_name=alt_name, alt_contact_email=alt_email, alt_contact_phone=alt_phone,
        comments=state.comments.strip(),
        invoices=list(state.invoices), payments=list(state.payments))


def review_text(state: WizardState, ctx: WizardContext) -> Text:
    """Everything that will be sent, as the user will read it once more."""
    out = Text()
    currency = ctx.contract.currency

    def row(label_key: str, value: str | Text) -> None:
        out.append(f"{t(label_key)}: ", style="bold")
        out.append_text(value if isinstance(value, Text) else plain(value))
        out.append("\n")

    company = ctx.company
    row("claim_wizard.review.debtor", f"{company.name} — {company.easy_number} ({company.country})")
    if ctx.contract.option_uninsured_collection:
        row("claim_wizard.review.debt", t("claim_wizard.debt.insured") if state.insured != "no"
            else t("claim_wizard.debt.uninsured"))
    row("claim_wizard.review.own_reference", state.own_reference or "—")
    billing = ", ".join(p for p in (state.billing_address, state.billing_postal_code,
                                    state.billing_city, state.billing_country.upper()) if p)
    row("claim_wizard.review.billing", t("claim_wizard.address.same")
        if state.billing != "different" else billing)
    row("claim_wizard.review.partner", t("claim_wizard.partner.self") if state.partner != "partner"
        else state.invoicing_partner)
    row("claim_wizard.review.contact", " · ".join(
        p for p in (state.contact_name, state.contact_email, state.contact_phone) if p))
    row("claim_wizard.review.reason", t(f"claim_wizard.reason.{state.reason}")
        if state.reason else "—")
    row("claim_wizard.review.intervention", t("claim_wizard.intervention.yes")
        if state.intervention == "yes" else t("claim_wizard.intervention.no"))
    if alt_contact_sent(state):
        row("claim_wizard.review.alt_contact", " · ".join(
            p.strip() for p in (state.alt_contact_name, state.alt_contact_email,
                                state.alt_contact_phone) if p.strip()) or "—")
    out.append("\n")
    out.append_text(invoices_summary(state.invoices))
    out.append("\n")
    order = ctx.date_order
    for line in state.invoices[:12]:
        out.append("  • ")
        out.append_text(plain(f"{line.type} {line.number}"))
        out.append(f"  {format_user_date(line.invoice_date, order)} → "
                   f"{format_user_date(line.due_date, order)}  "
                   f"{format_amount(invoice_total(line), line.currency)}\n")
    if len(state.invoices) > 12:
        out.append("  " + t("claim_wizard.review.more", n=len(state.invoices) - 12) + "\n")
    out.append_text(payments_summary(state, currency))
    out.append("\n")
    for p in state.payments[:8]:
        out.append(f"  • {p.type} {format_user_date(p.payment_date, order)}  "
                   f"{format_amount(p.amount, p.currency)}  ")
        out.append_text(plain(", ".join(p.invoice_references) or "—"))
        out.append("\n")
    if len(state.payments) > 8:
        out.append("  " + t("claim_wizard.review.more", n=len(state.payments) - 8) + "\n")
    out.append("\n")  # the deadline is under every step already: not repeated here
    out.append(f"{t('claim_wizard.review.comments')}:\n", style="bold")
    comments = state.comments.strip()
    out.append_text(Text("\n".join(clean(line) for line in comments.split("\n")) or "—"))
    return out


__all__ = ["CHOICES", "STEPS", "StepErrors", "WizardContext", "WizardState", "active_steps",
           "alt_contact_sent", "build_claim", "build_steps", "check_step", "comments_counter",
           "consequence", "deadline_text", "due_date_shifts", "invoices_summary", "payment_inputs",
           "payments_summary", "review_text", "split_errors", "step_of"]
