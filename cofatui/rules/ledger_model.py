"""The plain data between the SQL repository and the posting rules (issue 20 item 5):
the *facts* the repository reads about an event's source, and the *postings* the
rules build from them (``rules/ledger_postings.py``). Pure: no I/O, no ORM.

A ``Posting`` is balanced by construction: building one whose debits and credits
differ, or with a negative amount, raises ``UnbalancedPosting`` (a bug, never a user
error). Accounts are the mapping's standard numbers (``reference/accounting.json``);
the repository applies the books' overrides when it writes the lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from cofatui.enums import AccountingEventKind, ClaimStatus, CoverEventKind, Journal
from cofatui.rules.exchange_rates import ExchangeRate

__all__ = [
    "ClaimFacts", "ClaimInvoiceFacts", "ClaimPaymentFacts", "CoverEventFacts",
    "NoticeLineFacts", "PaymentFacts", "Posting", "PostingLine", "UnbalancedPosting",
    "Waiting", "event_key",
]

CENT = Decimal("0.01")


class UnbalancedPosting(ValueError):
    """A posting whose lines do not balance, or hold a negative or sub-cent amount."""


def event_key(kind: AccountingEventKind, source_id: int) -> str:
    """The stable key of an event: ``<kind>:<source id>`` (a claim's events share its
    id, each kind once; a payment's and a cover event's are their own ids)."""
    return f"{kind.value}:{source_id}"


@dataclass(frozen=True)
class PostingLine:
    account: str  # the mapping's number, before the books' overrides
    debit: Decimal  # EUR, >= 0, whole cents; exactly one of debit/credit is non-zero
    credit: Decimal
    label: str  # French (EcritureLib of the line)
    aux_num: str = ""  # the debtor on 411/416: its client reference, else EasyNumber
    aux_label: str = ""
    currency_amount: Decimal | None = None  # Montantdevise (> 0) of a foreign source
    currency: str = ""  # Idevise: set exactly when currency_amount is


@dataclass(frozen=True)
class Posting:
    """One entry to book for one event (its key). Raises ``UnbalancedPosting`` when
    built unbalanced."""

    event_key: str
    event_kind: AccountingEventKind
    journal: Journal
    entry_date: date
    piece_ref: str
    piece_date: date
    label: str
    source_kind: str  # claim, payment, cover_event, year
    source_id: int
    lines: tuple[PostingLine, ...]

    def __post_init__(self) -> None:
        if len(self.lines) < 2:
            raise UnbalancedPosting(f"{self.event_key}: fewer than two lines")
        debit = credit = Decimal(0)
        for line in self.lines:
            for amount in (line.debit, line.credit):
                if amount < 0 or amount != amount.quantize(CENT):
                    raise UnbalancedPosting(f"{self.event_key}: amount {amount}")
            if (line.debit == 0) == (line.credit == 0):
                raise UnbalancedPosting(f"{self.event_key}: a line needs one side")
            if (line.currency_amount is None) != (line.currency == ""):
                raise UnbalancedPosting(f"{self.event_key}: Montantdevise without Idevise")
            if line.currency_amount is not None and line.currency_amount <= 0:
                raise UnbalancedPosting(f"{self.event_key}: Montantdevise not positive")
            debit += line.debit
            credit += line.credit
        if debit != credit:
            raise UnbalancedPosting(f"{self.event_key}: debit {debit} != credit {credit}")

    @property
    def total(self) -> Decimal:
        return sum((line.debit for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class Waiting:
    """An event that cannot be booked yet: a coded message (``accounting.no_rate``:
    ``{"currency": "USD", "on": "2026-03-31"}``)."""

    event_key: str
    event_kind: AccountingEventKind
    source_kind: str
    source_id: int
    event_date: date
    code: str
    params: dict[str, Any] = field(default_factory=dict)


# --- facts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeLineFacts:
    role: str  # ``NoticeLineRole``
    label: str
    amount_excl_tax: Decimal  # in the notice's currency; < 0 on a refund
    tax: Decimal


@dataclass(frozen=True)
class PaymentFacts:
    """A premium payment of whole notices of one currency: D 6166… / C 512 (refunds
    reversed). ``eur_amount`` is what the bank moved (its rate)."""

    payment_id: int
    paid_on: date
    bank_account: str  # the books' (or the one chosen): the mapping's 512 replaced
    currency: str
    amount: Decimal  # net, in ``currency``
    eur_amount: Decimal  # net, EUR, same sign as ``amount``
    notice_numbers: tuple[str, ...]
    lines: tuple[NoticeLineFacts, ...]  # every line of every notice settled


@dataclass(frozen=True)
class ClaimInvoiceFacts:
    invoice_id: int
    number: str
    currency: str
    amount_excl_tax: Decimal
    tax: Decimal


@dataclass(frozen=True)
class ClaimPaymentFacts:
    """A payment or credit note on the claim; ``allocations``: invoice id → amount."""

    payment_id: int
    type: str  # ``PaymentType``: CN credit note, SE settlement
    currency: str
    amount: Decimal
    allocations: dict[int, Decimal]


@dataclass(frozen=True)
class ClaimFacts:
    """Everything a claim's events need. Amounts of the claim itself
    (``covered_amount``, ``calculated_indemnity``) are in ``currency`` (the
    contract's); invoices and payments keep their own."""

    claim_id: int
    reference: str  # DMS-2026-000046: PieceRef
    debtor_name: str  # the Latin name
    debtor_aux: str  # client reference, else EasyNumber
    status: ClaimStatus
    submitted_on: date | None
    status_on: date | None
    currency: str
    insured: bool
    covered_amount: Decimal | None
    calculated_indemnity: Decimal | None
    indemnity_date: date | None
    indemnity_received_on: date | None
    indemnity_received_eur: Decimal | None
    irrecoverable_on: date | None
    vat_recoverable: bool
    invoices: tuple[ClaimInvoiceFacts, ...]
    payments: tuple[ClaimPaymentFacts, ...]
    #: Recorded rates of the currencies in play (``rules.exchange_rates``); the rules
    #: take the latest on or before the event date, at most 31 days old.
    rates: Sequence[ExchangeRate] = ()


@dataclass(frozen=True)
class CoverEventFacts:
    """A prospection or exchange cover event."""

    event_id: int
    kind: CoverEventKind
    event_date: date
    cover_reference: str
    cover_currency: str
    eur_amount: Decimal  # what the bank moved
    #: Exchange settlement: the receivable settled, at its booked and guaranteed rates
    #: (1 EUR = rate currency) and the covered share (percent).
    currency_amount: Decimal | None = None
    receivable_reference: str = ""
    debtor: str = ""
    debtor_aux: str = ""
    booked_rate: Decimal | None = None
    guaranteed_rate: Decimal | None = None
    covered_share: Decimal = Decimal(100)

