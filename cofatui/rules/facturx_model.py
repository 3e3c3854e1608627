"""The invoice as Factur-X sees it (issue 19): plain data between the repository, which
fills it from a Chorus Pro invoice and its two structures, and the pure writers and
readers of ``formats/facturx_*.py``.

Amounts are Decimal in ``currency``, never floats; the totals are those the repository
computed from the lines (``rules/chorus_totals.py``), written as they are: the writers
do not recompute them, and ``rules/en16931.py`` checks them on every XML written or
read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cofatui.enums import ChorusInvoiceType, ChorusPaymentMode, ChorusVatRate


@dataclass(frozen=True)
class FacturxParty:
    """A seller (BG-4) or a buyer (BG-7): the SIRET is the legal identifier, scheme
    ``0009`` (BT-30, BT-47)."""

    name: str
    siret: str
    vat_number: str = ""  # BT-31 (seller) / BT-48 (buyer)
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"


@dataclass(frozen=True)
class FacturxLine:
    """BG-25: BT-126 position, BT-153 label, BT-129 quantity, BT-130 unit (UN/ECE rec.
    20, ``C62`` when none), BT-146 unit price, BT-151/152 VAT, BT-131 net amount."""

    position: int
    label: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: ChorusVatRate
    amount_excl_tax: Decimal
    unit: str = ""
    exemption_reason: str = ""  # BT-120 of an exempt (E) line's rate


@dataclass(frozen=True)
class FacturxVat:
    """BG-23: one VAT category and rate with its base (BT-116) and amount (BT-117)."""

    vat_rate: ChorusVatRate
    base: Decimal
    amount: Decimal
    exemption_reason: str = ""


@dataclass(frozen=True)
class FacturxInvoice:
    number: str  # BT-1
    type: ChorusInvoiceType  # BT-3
    invoice_date: date  # BT-2
    currency: str  # BT-5
    seller: FacturxParty
    buyer: FacturxParty
    lines: tuple[FacturxLine, ...]
    vat: tuple[FacturxVat, ...]
    total_excl_tax: Decimal  # BT-106 = BT-109 (no allowances nor charges)
    total_vat: Decimal  # BT-110
    total_incl_tax: Decimal  # BT-112
    amount_due: Decimal  # BT-115 (0 in frame A2: BT-113 = BT-112)
    frame: str = "A1"
    delivery_date: date | None = None  # BT-72; None: the invoice date
    due_date: date | None = None  # BT-9
    service_code: str = ""  # BT-10 BuyerReference
    engagement: str = ""  # BT-13 purchase order reference
    market_number: str = ""  # BT-12 contract reference
    payment_mode: ChorusPaymentMode | None = None  # BT-81 (UNTDID 4461)
    iban: str = ""  # BT-84
    payment_terms: str = ""  # BT-20
    origin_number: str = ""  # BT-25 (a 381)
    origin_date: date | None = None  # BT-26

    @property
    def prepaid(self) -> Decimal:
        """BT-113: what was paid already (the whole invoice in frame A2)."""
        return self.total_incl_tax - self.amount_due


#: What a received Factur-X declares as its profile (``facturx.get_level``).
ACCEPTED_LEVELS = frozenset({"basic", "en16931", "extended"})


@dataclass(frozen=True)
class ReadFacturx:
    """A Factur-X read back (``formats/facturx_read.py``): the invoice, its declared
    level and the XML as it was embedded (kept, hashed, shown)."""

    invoice: FacturxInvoice
    level: str
    xml: bytes
    #: Anything of the XML we do not map but a reader should see (kept for the
    #: history line), e.g. allowances; empty for what we wrote ourselves.
    notes: tuple[str, ...] = field(default_factory=tuple)
