"""The technical checks a deposited invoice goes through (issue 18 item 6; seed 003
§VIII "Non conforme non intégré", §XIV, §XV), pure: the repository reads a snapshot of
the directory in the deposit's transaction and calls :func:`technical_checks`; no
reason → *made available*, any → *non-compliant, not integrated* with every reason.

The seeds name the missing service code or engagement, the "factures publiques"
service used by a supplier and the inactive recipient; the other reasons are our
choice. ``INCONNU`` as the engagement passes (§XV) and is highlighted to the recipient.

A reason is ``(code, params)``; it is worded by the catalog as ``chorus.check.<code>``
(:func:`reason_message_code`), and the codes themselves are what the API and the CLI
print (``reasons[code, message]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from cofatui.enums import ChorusInvoiceType
from cofatui.rules.chorus_invoice import CheckedInvoice
from cofatui.schemas_chorus import PUBLIC_INVOICES_SERVICE

__all__ = ["CHECK_CODES", "CheckFailure", "DepositedInvoice", "DirectorySnapshot",
           "ServiceSnapshot", "StructureSnapshot", "reason_message_code",
           "technical_checks"]

#: Every reason, in the order they are reported.
CHECK_CODES: tuple[str, ...] = (
    "recipient_unknown",
    "recipient_inactive",
    "supplier_inactive",
    "public_invoices_code_by_private_supplier",
    "service_code_missing",
    "service_unknown",
    "service_inactive",
    "engagement_missing",
    "engagement_or_service_missing",
    "duplicate_number",
    "credit_note_origin_invalid",
)


def reason_message_code(code: str) -> str:
    """The catalog code that words a reason: ``chorus.check.<code>``."""
    return f"chorus.check.{code}"


@dataclass(frozen=True)
class CheckFailure:
    """One failing reason: ``code`` among :data:`CHECK_CODES`, ``params`` for its
    message (plain JSON values: strings)."""

    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def message_code(self) -> str:
        return reason_message_code(self.code)


@dataclass(frozen=True)
class ServiceSnapshot:
    code: str
    active: bool = True
    start_date: date | None = None
    end_date: date | None = None
    engagement_required: bool = False

    def valid_on(self, day: date) -> bool:
        """Active, and ``day`` within its dates (either may be open)."""
        return self.active and (self.start_date is None or self.start_date <= day) \
            and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True)
class StructureSnapshot:
    """What the checks read of a structure (``ChorusStructurePublic`` has it all)."""

    active: bool = True
    public: bool = False
    service_code_required: bool = False
    engagement_required: bool = False
    engagement_or_service_required: bool = False
    services: tuple[ServiceSnapshot, ...] = ()

    def service(self, code: str) -> ServiceSnapshot | None:
        return next((s for s in self.services if s.code == code), None)


@dataclass(frozen=True)
class DirectorySnapshot:
    """The directory as the deposit's transaction reads it.

    ``recipient``: the structure of the recipient SIRET, None when there is none;
    ``duplicate_number``: another deposited invoice of the supplier has the number;
    ``origin_valid``: for a 381, its origin is an invoice (380) of the same supplier
    and recipient that the recipient has and that no other 381 invalidates."""

    supplier: StructureSnapshot
    recipient: StructureSnapshot | None
    duplicate_number: bool = False
    origin_valid: bool = True


@dataclass(frozen=True)
class DepositedInvoice:
    """What the checks read of the invoice (the stored row, after any correction)."""

    type: ChorusInvoiceType
    service_code: str
    engagement: str

    @classmethod
    def of(cls, invoice: CheckedInvoice) -> DepositedInvoice:
        return cls(invoice.type, invoice.service_code, invoice.engagement)


def _service_reasons(invoice: DepositedInvoice, recipient: StructureSnapshot,
                     supplier: StructureSnapshot, today: date) -> list[CheckFailure]:
    code = invoice.service_code.strip()
    if not code:
        return [CheckFailure("service_code_missing")] if recipient.service_code_required \
            else []
    if code == PUBLIC_INVOICES_SERVICE and not supplier.public:
        # Seed 003 §XIV: this code is for public bodies only, "directement rejetée".
        return [CheckFailure("public_invoices_code_by_private_supplier", {"code": code})]
    service = recipient.service(code)
    if service is None:
        return [CheckFailure("service_unknown", {"code": code})]
    if not service.valid_on(today):
        return [CheckFailure("service_inactive", {"code": code})]
    return []


def _engagement_reasons(invoice: DepositedInvoice,
                        recipient: StructureSnapshot) -> list[CheckFailure]:
    engagement = invoice.engagement.strip()
    if engagement:  # INCONNU included (seed 003 §XV)
        return []
    service = recipient.service(invoice.service_code.strip())
    if recipient.engagement_required or (service is not None and service.engagement_required):
        return [CheckFailure("engagement_missing")]
    if recipient.engagement_or_service_required and not invoice.service_code.strip():
        return [CheckFailure("engagement_or_service_missing")]
    return []


def technical_checks(invoice: DepositedInvoice, directory: DirectorySnapshot,
                     today: date) -> list[CheckFailure]:
    """Every failing reason of a deposit, in :data:`CHECK_CODES` order; empty: the
    invoice is made available. ``today`` is the injected clock's (a service's
    dates)."""
    reasons: list[CheckFailure] = []
    recipient = directory.recipient
    if recipient is None or not recipient.public:
        reasons.append(CheckFailure("recipient_unknown"))
    elif not recipient.active:
        reasons.append(CheckFailure("recipient_inactive"))
    if not directory.supplier.active:
        reasons.append(CheckFailure("supplier_inactive"))
    if recipient is not None and recipient.public:
        reasons += _service_reasons(invoice, recipient, directory.supplier, today)
        reasons += _engagement_reasons(invoice, recipient)
    elif invoice.service_code.strip() == PUBLIC_INVOICES_SERVICE \
            and not directory.supplier.public:
        reasons.append(CheckFailure("public_invoices_code_by_private_supplier",
                                    {"code": PUBLIC_INVOICES_SERVICE}))
    if directory.duplicate_number:
        reasons.append(CheckFailure("duplicate_number"))
    if invoice.type is ChorusInvoiceType.CREDIT_NOTE and not directory.origin_valid:
        reasons.append(CheckFailure("credit_note_origin_invalid"))
    order = {code: index for index, code in enumerate(CHECK_CODES)}
    return sorted(reasons, key=lambda reason: order[reason.code])
