"""Public models of Chorus Pro (issue 18, SPEC §9, seeds 003 and 004), as
``repo.chorus_directory`` and ``repo.chorus_invoices`` return and accept them on every
backend. The rules live in ``cofatui/rules/chorus_*.py`` (pure) and are enforced by the
SQL repository (``repository/sql/chorus_*.py``), which every backend goes through.

Amounts are Decimal in the invoice's ``currency`` (ISO 4217, default EUR); totals are
computed from the lines, never typed (``rules/chorus_totals.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from cofatui.enums import (
    ChorusActor,
    ChorusAttachmentStatus,
    ChorusDepositKind,
    ChorusFrame,
    ChorusInvoiceType,
    ChorusMailCategory,
    ChorusPaymentMode,
    ChorusProDeposit,
    ChorusRole,
    ChorusSpace,
    ChorusState,
    ChorusSuspensionReason,
    ChorusVatRate,
)
from cofatui.i18n.messages import decode_params, render
from cofatui.schemas import BodyInt, IsoDate, MultiLineText, Public

#: Attachment, process and answer comments (seed 003 §IV "limité à 255 caractères";
#: the same for processing comments, our choice).
COMMENT_MAX = 255
#: Chorus Pro's Factur-X allows 20 printable characters for the number.
NUMBER_MAX = 20
#: "INCONNU": the engagement is unknown (seed 003 §XV); passes the checks, highlighted.
UNKNOWN_ENGAGEMENT = "INCONNU"
#: Every public structure has this service (seed 003 §XIV).
PUBLIC_INVOICES_SERVICE = "FACTURES_PUBLIQUES"


# --- structures and services ----------------------------------------------------------


class ChorusServicePublic(Public):
    id: int
    structure_id: int
    code: str
    label: str
    active: bool
    start_date: date | None
    end_date: date | None
    engagement_required: bool
    version: int


class ChorusServiceSave(BaseModel):
    """Create (``version`` None) or change a service of a structure I manage."""

    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=100)
    label: str = Field(default="", max_length=200)
    active: StrictBool = True
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    engagement_required: StrictBool = False
    version: BodyInt | None = None


class ChorusStructurePublic(Public):
    id: int
    siret: str
    #: Raison sociale.
    name: str
    label: str
    legal_status: str
    address: str
    postal_code: str
    city: str
    country: str
    email: str
    rcs: str
    vat_number: str
    active: bool
    public: bool
    service_code_required: bool
    engagement_required: bool
    engagement_or_service_required: bool
    reports_payment_in_progress: bool
    billing_mandate_at: datetime | None
    billing_mandate_by: str
    #: What a new invoice of this supplier starts with as payment terms (issue 19).
    payment_terms_default: str = ""
    services: list[ChorusServicePublic]
    version: int


class ChorusStructureCreate(BaseModel):
    """A structure. Private: any signed-in user creates their company's and becomes its
    main manager (seed 004). Public: an operator (underwriter) only, with the fields of
    the request to the AIFE (seed 003 §III: legal status, SIRET, name, address, postal
    code, city, country, all mandatory); it gets ``FACTURES_PUBLIQUES``. The SIRET's
    typed spaces are removed; the VAT number, when given, is that of its SIREN."""

    model_config = ConfigDict(extra="forbid")
    siret: str = Field(max_length=30)
    name: str = Field(max_length=200)
    label: str = Field(default="", max_length=200)
    legal_status: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="FR", max_length=2)
    email: str = Field(default="", max_length=200)
    rcs: str = Field(default="", max_length=40)
    vat_number: str = Field(default="", max_length=20)
    public: StrictBool = False
    service_code_required: StrictBool = False
    engagement_required: StrictBool = False
    engagement_or_service_required: StrictBool = False
    reports_payment_in_progress: StrictBool = False
    payment_terms_default: str = Field(default="", max_length=255)


class ChorusStructureUpdate(BaseModel):
    """A manager's change of their structure ("Modification de la structure"); the
    SIRET changes only through ``change_siret``."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    name: str = Field(max_length=200)
    label: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="FR", max_length=2)
    email: str = Field(default="", max_length=200)
    rcs: str = Field(default="", max_length=40)
    vat_number: str = Field(default="", max_length=20)
    active: StrictBool = True
    service_code_required: StrictBool = False
    engagement_required: StrictBool = False
    engagement_or_service_required: StrictBool = False
    reports_payment_in_progress: StrictBool = False
    payment_terms_default: str = Field(default="", max_length=255)


class ChorusSiretChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    siret: str = Field(max_length=30)


class ChorusMandate(BaseModel):
    """Sign (``signed`` True) or withdraw the billing mandate."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    signed: StrictBool


class ChorusDirectoryFilter(BaseModel):
    """The directory (public structures) or, with ``public`` None, every structure."""

    text: str = Field(default="", max_length=200, description="SIRET or name contains")
    public: StrictBool | None = True
    active: StrictBool | None = None


class MyChorusStructure(Public):
    """A structure I am attached to (approved, valid today), with my role and spaces."""

    attachment_id: int
    structure: ChorusStructurePublic
    role: ChorusRole
    spaces: list[ChorusSpace]
    valid_from: date
    valid_until: date | None


# --- attachments and managers -------------------------------------------------------------


class ChorusAttachmentRequest(BaseModel):
    """"Demander un rattachement" (seed 003 §IV)."""

    model_config = ConfigDict(extra="forbid")
    structure_id: BodyInt
    valid_from: IsoDate | None = None  # None: today
    valid_until: IsoDate | None = None  # not before valid_from
    comment: MultiLineText = Field(max_length=COMMENT_MAX)  # mandatory


class ChorusAttachmentPublic(Public):
    id: int
    structure_id: int
    structure_siret: str
    structure_name: str
    structure_active: bool
    structure_public: bool
    user_id: int
    login: str
    last_name: str
    first_name: str
    contact_email: str
    user_status: str
    status: ChorusAttachmentStatus
    role: ChorusRole
    spaces: list[ChorusSpace]
    valid_from: date
    valid_until: date | None
    comment: str
    requested_at: datetime | None
    requested_by: str
    decided_at: datetime | None
    decided_by: str
    decision_comment: str
    version: int


class ChorusAttachmentDecision(BaseModel):
    """A manager's answer: approve with the spaces granted, or refuse with a comment."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    approve: StrictBool
    spaces: list[ChorusSpace] = Field(default_factory=list)
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)


class ChorusAttachmentChange(BaseModel):
    """A manager changes an approved attachment: role (secondary manager or user),
    spaces, end of validity. The main role moves only by ``hand_over_main``."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    role: ChorusRole
    spaces: list[ChorusSpace]
    valid_until: IsoDate | None = None


class ChorusColleagueCreate(BaseModel):
    """A manager creates a colleague's account, attached at once (seed 004)."""

    model_config = ConfigDict(extra="forbid")
    structure_id: BodyInt
    title: str = Field(description="mr, mrs or ms")
    last_name: str = Field(max_length=80)
    first_name: str = Field(max_length=80)
    email: str = Field(max_length=200)
    contact_email: str = Field(default="", max_length=200)
    language: str = Field(default="fr", max_length=2)
    role: ChorusRole = ChorusRole.USER
    spaces: list[ChorusSpace] = Field(default_factory=lambda: [ChorusSpace.ISSUED])
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None


class ChorusAttachmentRemoval(BaseModel):
    """Remove several attachments of one user at once (seed 004, V1.3.5)."""

    model_config = ConfigDict(extra="forbid")
    user_id: BodyInt
    attachment_ids: list[BodyInt] = Field(min_length=1, max_length=500)


# --- my account -------------------------------------------------------------------------


class ChorusSubscriptionPublic(Public):
    category: ChorusMailCategory
    enabled: bool


class ChorusAccountPublic(Public):
    """"Mon compte": who I am, where I am mailed, what I subscribed to."""

    user_id: int
    login: str
    title: str
    last_name: str
    first_name: str
    email: str
    contact_email: str
    address: str
    address_complement1: str
    address_complement2: str
    postal_code: str
    city: str
    country: str
    subscriptions: list[ChorusSubscriptionPublic]
    version: int


class ChorusAccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    contact_email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=200)
    address_complement1: str = Field(default="", max_length=200)
    address_complement2: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="", max_length=2)


class ChorusSubscriptionsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subscriptions: dict[ChorusMailCategory, StrictBool]


# --- invoices -------------------------------------------------------------------------


class ChorusLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(max_length=200)
    quantity: Decimal
    unit: str = Field(default="", max_length=20)
    unit_price: Decimal = Field(description="excl. tax")
    vat_rate: ChorusVatRate
    exemption_reason: str = Field(default="", max_length=200)


class ChorusInvoiceCreate(BaseModel):
    """An invoice as the entry form, the deposit form, the API and ``cofatui chorus
    invoice deposit FILE`` give it (a sample: ``fixtures/chorus_invoice.json``).
    A 381 names ``origin_invoice_id`` and carries no payment mode; the supplier must
    be a structure whose issued space I hold."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(max_length=40)
    type: ChorusInvoiceType = ChorusInvoiceType.INVOICE
    frame: str = Field(default=ChorusFrame.A1.value, max_length=5,
                       description="A1 or A2; works frames are refused")
    supplier_siret: str = Field(max_length=30)
    recipient_siret: str = Field(max_length=30)
    service_code: str = Field(default="", max_length=100)
    engagement: str = Field(default="", max_length=50)
    market_number: str = Field(default="", max_length=50)
    invoice_date: IsoDate
    delivery_date: IsoDate | None = None  # None: the invoice date
    due_date: IsoDate | None = None
    currency: str = Field(default="EUR", max_length=3)
    payment_mode: ChorusPaymentMode | None = None
    iban: str = Field(default="", max_length=50)
    payment_terms: str = Field(default="", max_length=255)
    origin_invoice_id: BodyInt | None = None
    lines: list[ChorusLineIn] = Field(min_length=1, max_length=1000)


class ChorusDraftUpdate(BaseModel):
    """A draft saved again (every field; the number may still change)."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    invoice: ChorusInvoiceCreate


class ChorusCorrection(BaseModel):
    """The supplier's answer to a non-compliant or to-recycle invoice: only what the
    table allows (to recycle: recipient SIRET, service code, engagement, market number;
    non-compliant: those and the rest but the number). ``None`` keeps a field."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    recipient_siret: str | None = Field(default=None, max_length=30)
    service_code: str | None = Field(default=None, max_length=100)
    engagement: str | None = Field(default=None, max_length=50)
    market_number: str | None = Field(default=None, max_length=50)
    #: Non-compliant only: the whole invoice again (its number is kept whatever given).
    invoice: ChorusInvoiceCreate | None = None
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)


class ChorusProcess(BaseModel):
    """A recipient's move (the "traiter" list, seed 003 §X)."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    state: ChorusState
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)
    #: Suspension only; defaults to missing documents.
    reason: ChorusSuspensionReason | None = None
    #: Mandated only, optional.
    mandate_number: str = Field(default="", max_length=50)


class ChorusCompletion(BaseModel):
    """The supplier completes a suspended invoice (the new files come with it)."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    comment: MultiLineText = Field(default="", max_length=COMMENT_MAX)


class ChorusPaymentModeChange(BaseModel):
    """A rejected invoice: PRELEVEMENT → VIREMENT only (seed 003 §IX)."""

    model_config = ConfigDict(extra="forbid")
    version: BodyInt
    iban: str = Field(max_length=50)


class ChorusReasonPublic(Public):
    """A failed technical check: its code, its parameters (as
    ``i18n.messages.encode_params`` writes them) and its message in the account's
    language. A screen words it in its own language with :meth:`text`."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    message: str

    def text(self, language: str | None = None) -> str:
        """The reason in ``language`` (default: the UI's)."""
        code = self.code if "." in self.code else f"chorus.check.{self.code}"  # issue 19
        return render(f"errors.{code}", decode_params(self.params), language)


class ChorusLinePublic(Public):
    position: int
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: ChorusVatRate
    exemption_reason: str
    amount_excl_tax: Decimal


class ChorusVatPublic(Public):
    """One VAT rate's base and amount (BR-CO-17: base × rate rounded to the cent)."""

    vat_rate: ChorusVatRate
    base: Decimal
    amount: Decimal


class ChorusFilePublic(Public):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    #: "main" (the deposited PDF) or "attachment".
    category: str
    created_at: datetime | None
    created_by: str


class ChorusEventPublic(Public):
    id: int
    at: datetime | None
    actor: ChorusActor
    login: str
    from_state: ChorusState | None
    to_state: ChorusState
    comment: str
    reasons: list[ChorusReasonPublic]
    suspension_reason: ChorusSuspensionReason | None
    mandate_number: str


class ChorusMoveOption(Public):
    """A move the reader may make now, as the table allows it."""

    state: ChorusState
    chorus_status: str
    comment_required: bool


class ChorusProLink(Public):
    """Where an invoice stands with the real Chorus Pro, through the connector (issue 19
    item 6)."""

    deposit: ChorusProDeposit
    #: numeroFluxDepot, identifiantFactureCPP and the last status code read (raw).
    flux_number: str
    invoice_id: str
    status: str
    #: Chorus Pro's last refusal (its ``libelle``).
    error: str
    synced_at: datetime | None


class ChorusInvoiceRow(Public):
    """A line of the lists (seed 003 §X columns)."""

    id: int
    number: str
    type: ChorusInvoiceType
    frame: str
    supplier_structure_id: int
    supplier_siret: str
    supplier_name: str
    recipient_siret: str
    recipient_name: str
    service_code: str
    engagement: str
    invoice_date: date
    deposited_at: datetime | None
    state_changed_at: datetime | None
    currency: str
    total_excl_tax: Decimal
    total_incl_tax: Decimal
    state: ChorusState
    chorus_status: str
    attachments_size: int
    #: The last move's comment (the anomalies list).
    last_comment: str
    version: int


class ChorusInvoiceDetail(Public):
    id: int
    number: str
    type: ChorusInvoiceType
    frame: str
    deposit_kind: ChorusDepositKind
    supplier_structure_id: int
    supplier_siret: str
    supplier_name: str
    recipient_siret: str
    recipient_structure_id: int | None
    recipient_name: str
    service_code: str
    engagement: str
    #: ``INCONNU``: highlighted to the recipient.
    engagement_unknown: bool
    market_number: str
    invoice_date: date
    delivery_date: date | None
    due_date: date | None
    currency: str
    payment_mode: ChorusPaymentMode | None
    iban: str
    payment_terms: str
    lines: list[ChorusLinePublic]
    vat: list[ChorusVatPublic]
    total_excl_tax: Decimal
    total_vat: Decimal
    total_incl_tax: Decimal
    amount_due: Decimal
    state: ChorusState
    chorus_status: str
    #: Why it is non-compliant (the last deposit's failed checks); empty otherwise.
    reasons: list[ChorusReasonPublic]
    origin_invoice_id: int | None
    origin_number: str
    #: The 381 that invalidates it, if any.
    credit_note_id: int | None
    replaces_invoice_id: int | None
    replaced_by_id: int | None
    suspension_reason: ChorusSuspensionReason | None
    mandate_number: str
    files: list[ChorusFilePublic]
    attachments_size: int
    history: list[ChorusEventPublic]
    #: The moves the reader may make now (``process``), from the table.
    moves: list[ChorusMoveOption]
    #: The supplier answers open to the reader now: among "correct", "complete",
    #: "change_payment_mode", "credit_note", "reissue", "delete", "submit".
    actions: list[str]
    created_at: datetime | None
    created_by: str
    deposited_at: datetime | None
    state_changed_at: datetime | None
    version: int
    #: None: the connector is not in play for this invoice (issue 19 item 6). When it
    #: is, the recipient is outside cofatui: ``moves`` is empty.
    chorus_pro: ChorusProLink | None = None


class ChorusInvoiceSearch(BaseModel):
    """Search (seed 004 "Rechercher") on one side, every criterion optional."""

    side: ChorusSpace = ChorusSpace.ISSUED
    structure_id: int | None = None  # None: all my structures on that side
    states: list[ChorusState] = Field(default_factory=list)
    deposited_from: IsoDate | None = None
    deposited_to: IsoDate | None = None
    changed_from: IsoDate | None = None
    changed_to: IsoDate | None = None
    supplier: str = Field(default="", max_length=200, description="SIRET or name")
    recipient: str = Field(default="", max_length=200, description="SIRET or name")
    service_code: str = Field(default="", max_length=100)
    number: str = Field(default="", max_length=40, description="contains")
    type: ChorusInvoiceType | None = None
    frame: str = Field(default="", max_length=5)
    engagement: str = Field(default="", max_length=50)
    amount_min: Decimal | None = None  # incl. tax
    amount_max: Decimal | None = None


class ChorusStateCount(Public):
    state: ChorusState
    chorus_status: str
    count: int


class ChorusDashboard(Public):
    """"Tableau de bord": a count per state, every state listed (0 included)."""

    side: ChorusSpace
    structure_id: int | None
    counts: list[ChorusStateCount]
    total: int


class ChorusAnomaly(Public):
    """"Anomalies" (seed 003 §XVIII): a returned or non-compliant invoice of mine."""

    invoice_id: int
    number: str
    state: ChorusState
    chorus_status: str
    #: The anomaly: the state's code, or the failed checks' codes for non-compliant.
    anomaly: str
    at: datetime | None
    recipient_siret: str
    recipient_name: str
    comment: str


class ChorusInvoiceRef(Public):
    """An invoice for the home pop-up: rejected or suspended since acknowledged."""

    id: int
    number: str
    state: ChorusState
    chorus_status: str
    recipient_name: str
    comment: str
    at: datetime | None
