"""Chorus Pro (issue 18, SPEC §9, seeds 003 and 004): the structures of the directory
and their services, the users attached to them, the invoices a supplier deposits for
a public recipient, their lines and their history, and what a user subscribed to.

Chorus rights come from attachments only, never from insurance contracts: a supplier
user sees the invoices of the structures whose *issued* space they hold, a recipient
user those of the public structures whose *received* space they hold, between the
attachment's validity dates.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Index, UniqueConstraint, func, literal_column, text
from sqlmodel import Field, SQLModel

from cofatui.models.base import money_field, timestamp_field, version_column

_structure_version = version_column()


class ChorusStructure(SQLModel, table=True):
    """A "fiche structure" (seed 003 §XI) with its directory parameters (seed 004)."""

    __tablename__ = "chorus_structure"
    __table_args__ = (
        # The directory: public structures by name.
        Index("ix_chorus_structure_public_name", "public", "name", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    siret: str = Field(max_length=14, unique=True)
    #: Raison sociale.
    name: str = Field(max_length=200)
    #: Libellé de la structure ("" = the name).
    label: str = Field(default="", max_length=200)
    #: Statut juridique (asked of a public structure's creation, seed 003 §III).
    legal_status: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="FR", max_length=2)
    email: str = Field(default="", max_length=200)
    rcs: str = Field(default="", max_length=40)
    vat_number: str = Field(default="", max_length=13)
    active: bool = True
    public: bool = False
    # Directory parameters (seed 004 "annuaire").
    service_code_required: bool = False
    engagement_required: bool = False
    #: At least one of a service code or an engagement.
    engagement_or_service_required: bool = False
    #: The structure reports "payment in progress" (MISE_EN_PAIEMENT).
    reports_payment_in_progress: bool = False
    #: The billing mandate (prerequisite to entry by form): when and who.
    billing_mandate_at: datetime | None = timestamp_field()
    billing_mandate_by: str = Field(default="", max_length=80)
    #: The payment terms a new invoice of this supplier starts with (issue 19 item 2:
    #: French invoices state late-payment penalties and the 40 € recovery indemnity).
    payment_terms_default: str = Field(default="", max_length=255)
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_structure_version)
    __mapper_args__ = {"version_id_col": _structure_version}


_service_version = version_column()


class ChorusService(SQLModel, table=True):
    """A service of a structure; every public structure has ``FACTURES_PUBLIQUES``."""

    __tablename__ = "chorus_service"
    __table_args__ = (UniqueConstraint("structure_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    structure_id: int = Field(foreign_key="chorus_structure.id")
    code: str = Field(max_length=100)
    label: str = Field(default="", max_length=200)
    active: bool = True
    start_date: date | None = None
    end_date: date | None = None
    #: The service requires an engagement even when its structure does not.
    engagement_required: bool = False
    version: int = Field(default=1, sa_column=_service_version)
    __mapper_args__ = {"version_id_col": _service_version}


_attachment_version = version_column()


class ChorusAttachment(SQLModel, table=True):
    """A user's attachment to a structure, from the request (pending) to the decision;
    the rights it gives hold only between ``valid_from`` and ``valid_until``."""

    __tablename__ = "chorus_attachment"
    __table_args__ = (
        # One live (pending or approved) attachment per user and structure.
        Index("uq_chorus_attachment_live", "user_id", "structure_id", unique=True,
              sqlite_where=text("status IN ('pending', 'approved')"),
              postgresql_where=text("status IN ('pending', 'approved')")),
        # Exactly one main manager per structure, whatever races.
        Index("uq_chorus_attachment_main", "structure_id", unique=True,
              sqlite_where=text("status = 'approved' AND role = 'main_manager'"),
              postgresql_where=text("status = 'approved' AND role = 'main_manager'")),
        Index("ix_chorus_attachment_structure", "structure_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    structure_id: int = Field(foreign_key="chorus_structure.id")
    #: ``ChorusAttachmentStatus``.
    status: str = Field(default="pending", max_length=10)
    #: ``ChorusRole``.
    role: str = Field(default="user", max_length=20)
    space_issued: bool = False
    space_received: bool = False
    valid_from: date
    valid_until: date | None = None
    #: The requester's comment (mandatory, ≤ 255).
    comment: str = Field(default="", max_length=255)
    requested_at: datetime | None = timestamp_field()
    requested_by: str = Field(default="", max_length=80)
    decided_at: datetime | None = timestamp_field()
    decided_by: str = Field(default="", max_length=80)
    decision_comment: str = Field(default="", max_length=255)
    version: int = Field(default=1, sa_column=_attachment_version)
    __mapper_args__ = {"version_id_col": _attachment_version}


_invoice_version = version_column()


class ChorusInvoice(SQLModel, table=True):
    __tablename__ = "chorus_invoice"
    __table_args__ = (
        # "Unique per supplier" (our choice), drafts included.
        UniqueConstraint("supplier_structure_id", "number"),
        # Dashboards: a count per state, one index range per structure and side.
        Index("ix_chorus_invoice_supplier_state", "supplier_structure_id", "state",
              "deposited_at", "id"),
        Index("ix_chorus_invoice_recipient_state", "recipient_structure_id", "state",
              "deposited_at", "id"),
        # Search and lists newest deposit first (keyset on deposited_at, id).
        Index("ix_chorus_invoice_supplier_deposited", "supplier_structure_id",
              "deposited_at", "id"),
        Index("ix_chorus_invoice_recipient_deposited", "recipient_structure_id",
              "deposited_at", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    #: ≤ 20 printable characters; never changes once deposited.
    number: str = Field(max_length=20)
    #: ``ChorusInvoiceType``: "380" or "381".
    type: str = Field(default="380", max_length=3)
    #: ``ChorusFrame``.
    frame: str = Field(default="A1", max_length=3)
    #: ``ChorusDepositKind``.
    deposit_kind: str = Field(default="entry", max_length=12)
    supplier_structure_id: int = Field(foreign_key="chorus_structure.id")
    #: As the supplier typed it; ``recipient_structure_id`` is the directory's structure
    #: of that SIRET when there is one (None: ``recipient_unknown`` at deposit).
    recipient_siret: str = Field(max_length=14)
    recipient_structure_id: int | None = Field(default=None,
                                               foreign_key="chorus_structure.id")
    service_code: str = Field(default="", max_length=100)
    #: Engagement or purchase-order number; ``INCONNU`` passes and is highlighted.
    engagement: str = Field(default="", max_length=50)
    market_number: str = Field(default="", max_length=50)
    invoice_date: date
    delivery_date: date | None = None
    due_date: date | None = None
    currency: str = Field(default="EUR", max_length=3)
    #: ``ChorusPaymentMode``; "" on a 381.
    payment_mode: str = Field(default="", max_length=12)
    iban: str = Field(default="", max_length=34)
    payment_terms: str = Field(default="", max_length=255)
    # Computed from the lines (rules/chorus_totals.py), never typed.
    total_excl_tax: Decimal = money_field(nullable=False, default=Decimal(0))
    total_vat: Decimal = money_field(nullable=False, default=Decimal(0))
    total_incl_tax: Decimal = money_field(nullable=False, default=Decimal(0))
    #: Incl. tax, or 0 in frame A2 (already paid).
    amount_due: Decimal = money_field(nullable=False, default=Decimal(0))
    #: ``ChorusState``.
    state: str = Field(default="draft", max_length=30)
    #: A 381: the invoice it invalidates.
    origin_invoice_id: int | None = Field(default=None, foreign_key="chorus_invoice.id",
                                          index=True)
    #: A re-issued invoice: the one it replaces.
    replaces_invoice_id: int | None = Field(default=None, foreign_key="chorus_invoice.id",
                                            index=True)
    #: ``ChorusSuspensionReason`` while suspended (and after, for the record).
    suspension_reason: str = Field(default="", max_length=20)
    mandate_number: str = Field(default="", max_length=50)
    #: The last move's comment (the anomalies list shows the recipient's).
    last_comment: str = Field(default="", max_length=255)
    #: The main document (a deposited PDF); None for an invoice typed in the form.
    #: No foreign key: ``document.chorus_invoice_id`` already points back here, and a
    #: cycle of keys would leave no order to create or drop the two tables in.
    main_document_id: int | None = None
    #: Σ attachment sizes in bytes (the lists' "Taille PJ").
    attachments_size: int = 0
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)
    #: The first deposit (kept through corrections).
    deposited_at: datetime | None = timestamp_field()
    state_changed_at: datetime | None = timestamp_field()
    # The real Chorus Pro, through the connector (issue 19 item 6); empty otherwise.
    #: ``ChorusProDeposit``.
    cpp_deposit: str = Field(default="", max_length=12)
    #: numeroFluxDepot, once deposited.
    cpp_flux_number: str = Field(default="", max_length=60)
    #: identifiantFactureCPP, once integrated.
    cpp_invoice_id: str = Field(default="", max_length=40)
    #: The last Chorus Pro status code read (kept raw, even one we do not map).
    cpp_status: str = Field(default="", max_length=60)
    #: Chorus Pro's last refusal (a ``libelle``), shown on the invoice.
    cpp_error: str = Field(default="", max_length=1000)
    cpp_synced_at: datetime | None = timestamp_field()
    version: int = Field(default=1, sa_column=_invoice_version)
    __mapper_args__ = {"version_id_col": _invoice_version}


def number_key(number: ColumnElement[str]) -> ColumnElement[str]:
    """An invoice number up to case and spaces (the ``duplicate_number`` check), written
    with literals so that a query's expression is the index's to the letter."""
    return func.upper(func.replace(number, literal_column("' '"), literal_column("''")))


_invoice = ChorusInvoice.__table__  # type: ignore[attr-defined]
# duplicate_number at deposit: one probe of the supplier's numbers (migration 0033).
Index("ix_chorus_invoice_number_key", _invoice.c.supplier_structure_id,
      number_key(_invoice.c.number))


class ChorusInvoiceLine(SQLModel, table=True):
    __tablename__ = "chorus_invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="chorus_invoice.id")
    position: int
    label: str = Field(max_length=200)
    quantity: Decimal = money_field(nullable=False)
    unit: str = Field(default="", max_length=20)
    unit_price: Decimal = money_field(nullable=False)
    #: ``ChorusVatRate``.
    vat_rate: str = Field(max_length=6)
    exemption_reason: str = Field(default="", max_length=200)
    #: quantity × unit price, rounded to the cent.
    amount_excl_tax: Decimal = money_field(nullable=False)


class ChorusInvoiceEvent(SQLModel, table=True):
    """One row per move, read by both sides (and the audit log has its own)."""

    __tablename__ = "chorus_invoice_event"
    __table_args__ = (Index("ix_chorus_invoice_event_invoice", "invoice_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="chorus_invoice.id")
    at: datetime | None = timestamp_field()
    actor: str = Field(max_length=10)  # ChorusActor
    login: str = Field(default="", max_length=80)
    from_state: str = Field(default="", max_length=30)
    to_state: str = Field(max_length=30)
    comment: str = Field(default="", max_length=255)
    #: JSON list of ``{"code", "params"}``: the failed technical checks.
    reasons: str = Field(default="[]", max_length=4000)
    suspension_reason: str = Field(default="", max_length=20)
    mandate_number: str = Field(default="", max_length=50)


class ChorusSubscription(SQLModel, table=True):
    """A user's e-mail choice per ``ChorusMailCategory``; no row = the default."""

    __tablename__ = "chorus_subscription"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    category: str = Field(max_length=20, primary_key=True)
    enabled: bool


class ChorusAccount(SQLModel, table=True):
    """Per-user Chorus state: when the returns pop-up was last acknowledged."""

    __tablename__ = "chorus_account"
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    returns_acknowledged_at: datetime | None = timestamp_field()


_connector_version = version_column()


class ChorusConnector(SQLModel, table=True):
    """A structure's link to the real Chorus Pro through PISTE (issue 19 item 6), edited
    by its managers. The technical account's password is never stored: ``password_ref``
    is a reference (``env:NAME`` or ``keyring:SERVICE/USER``) resolved by the process
    that runs the jobs."""

    __tablename__ = "chorus_connector"
    structure_id: int = Field(foreign_key="chorus_structure.id", primary_key=True)
    enabled: bool = False
    #: Chorus Pro's "compte technique" login.
    login: str = Field(default="", max_length=200)
    password_ref: str = Field(default="", max_length=200)
    #: The technical account's password expires: managers are told 15 days before.
    password_expires_on: date | None = None
    #: When the managers were last told of the expiry (told once per expiry date).
    expiry_notified_for: date | None = None
    updated_at: datetime | None = timestamp_field()
    updated_by: str = Field(default="", max_length=80)
    version: int = Field(default=1, sa_column=_connector_version)
    __mapper_args__ = {"version_id_col": _connector_version}
