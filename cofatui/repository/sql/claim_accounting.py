"""``repo.claim_accounting`` on SQL (issue 20 item 5): what the books need of a claim
beyond the claim itself — the indemnity as the bank credited it, a closed claim
declared irrecoverable, and the "VAT recoverable" switch of its write-off.

The policyholder records these with write access to the accounting section of the
claim's contract; a claim the user may not read there is not found. Each change moves
the claim's version (the claim screens detect it) and, when the contract has books,
books the claim's entries in the same transaction (proposed, or a reversal and a new
entry when the booked ones are validated: ``ledger_post.book_source``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ClaimStatus, Section
from cofatui.errors import Conflict, FieldError, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Claim
from cofatui.repository.sql.books_access import books_of_contract
from cofatui.repository.sql.core import SqlArea
from cofatui.rules.ledger_model import CENT
from cofatui.schemas_accounting import (
    ClaimAccountingPublic,
    ClaimIrrecoverable,
    ClaimVatSwitch,
    IndemnityReceived,
)

SECTION = Section.ACCOUNTING
CLAIM_NOT_FOUND = "claim_accounting.claim_not_found"
#: A claim whose indemnity is agreed: accepted, or closed after it (issue 20 item 5).
_WITH_INDEMNITY = (ClaimStatus.ACCEPTED.value, ClaimStatus.CLOSED.value)


def _public(claim: Claim) -> ClaimAccountingPublic:
    assert claim.id is not None
    return ClaimAccountingPublic(
        claim_id=claim.id, status_on=claim.status_on,
        indemnity_received_on=claim.indemnity_received_on,
        indemnity_received_eur=claim.indemnity_received_eur,
        irrecoverable_on=claim.irrecoverable_on, vat_recoverable=claim.vat_recoverable,
        version=claim.version)


def has_indemnity(claim: Claim) -> bool:
    return (claim.status in _WITH_INDEMNITY and claim.calculated_indemnity is not None
            and claim.indemnity_date is not None)


class SqlClaimAccounting(SqlArea):
    """``repo.claim_accounting`` on SQL."""

    def get(self, claim_id: int) -> ClaimAccountingPublic:
        with self._uow() as s:
            return _public(self._claim(s, claim_id))

    def record_received(self, claim_id: int, data: IndemnityReceived) -> ClaimAccountingPublic:
        today = self.clock.now().date()
        errors: list[FieldError] = []
        if data.eur_amount <= 0 or data.eur_amount != data.eur_amount.quantize(CENT):
            errors.append(FieldError("eur_amount", "claim_accounting.amount_invalid"))
        if data.received_on > today:
            errors.append(FieldError("received_on", "claim_accounting.in_future"))
        if errors:
            raise ValidationFailed(errors)
        with self._uow(write=True) as s:
            claim = self._claim(s, claim_id, data.version)
            if not has_indemnity(claim):
                raise RuleViolation("claim_accounting.no_indemnity", reference=claim.reference)
            assert claim.indemnity_date is not None
            if data.received_on < claim.indemnity_date:
                raise RuleViolation("claim_accounting.before_indemnity",
                                    indemnity_date=claim.indemnity_date)
            return self._change(s, claim, "claim_accounting.record_received",
                                {"indemnity_received_on": data.received_on,
                                 "indemnity_received_eur": data.eur_amount})

    def declare_irrecoverable(self, claim_id: int,
                              data: ClaimIrrecoverable) -> ClaimAccountingPublic:
        if data.on > self.clock.now().date():
            raise ValidationFailed.at("on", "claim_accounting.in_future")
        with self._uow(write=True) as s:
            claim = self._claim(s, claim_id, data.version)
            if claim.status != ClaimStatus.CLOSED.value:
                raise RuleViolation("claim_accounting.not_closed", reference=claim.reference)
            if has_indemnity(claim):
                raise RuleViolation("claim_accounting.has_indemnity",
                                    reference=claim.reference)
            return self._change(s, claim, "claim_accounting.declare_irrecoverable",
                                {"irrecoverable_on": data.on})

    def set_vat_recoverable(self, claim_id: int, data: ClaimVatSwitch) -> ClaimAccountingPublic:
        with self._uow(write=True) as s:
            claim = self._claim(s, claim_id, data.version)
            return self._change(s, claim, "claim_accounting.set_vat_recoverable",
                                {"vat_recoverable": data.vat_recoverable})

    # ------------------------------------------------------------------ helpers
    def _change(self, s: Session, claim: Claim, operation: str,
                values: Mapping[str, Any]) -> ClaimAccountingPublic:
        """Apply, audit and book: nothing changes (not even the version) when the values
        are those the claim already has."""
        changes = {k: [getattr(claim, k), v] for k, v in values.items()
                   if getattr(claim, k) != v}
        if changes:
            for key, value in values.items():
                setattr(claim, key, value)
            claim.updated_at = self.clock.now()
            s.flush()
            self._audit(s, operation, "claim", claim.id, changes, claim.contract_id)
            if books_of_contract(s, claim.contract_id) is not None:
                from cofatui.repository.sql.ledger_post import book_source

                assert claim.id is not None
                book_source(s, self.root, "claim", claim.id)
        return _public(claim)

    def _claim(self, s: Session, claim_id: int, version: int | None = None) -> Claim:
        """The claim, read (``version`` None) or row-locked for a write checked against
        ``version``. NotFound when not readable in the accounting section; Forbidden
        when readable but not writable."""
        query = select(Claim).where(col(Claim.id) == claim_id)
        if version is not None:
            query = query.with_for_update()
        claim = s.execute(query).scalars().first()
        if claim is None or not self._readable([claim.contract_id], SECTION):
            raise NotFound(CLAIM_NOT_FOUND, claim_id=claim_id)
        if version is not None:
            self._require_write(claim.contract_id, SECTION)
            if claim.version != version:
                raise Conflict("claim_accounting.claim_changed", reference=claim.reference)
        return claim
