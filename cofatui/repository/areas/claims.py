"""``repo.claims``: claims for non-payment, from declaration to indemnity: the
policyholder's side (submit, list, the claims portfolio by debtor, detail, additional
declarations, documents) and the claims handler's (the queue of every policyholder's
claims, line validation, status, indemnity).

Commands take the claim's ``version`` the caller read: a stale one raises
``Conflict``; a read-only contract raises ``Forbidden``."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import (
    AdditionalDeclaration,
    ClaimCreate,
    ClaimDetail,
    ClaimPublic,
    ClaimQueueFilter,
    ClaimQueueItem,
    ClaimStatusChange,
    DebtorClaimsRow,
    DocumentPublic,
    IndemnityUpdate,
    LineValidation,
    Page,
    Seek,
)


@runtime_checkable
class ClaimsArea(Protocol):
    # --- the policyholder -------------------------------------------------------------
    def submit(self, data: ClaimCreate) -> ClaimPublic:
        """Declare a claim (or save it as a draft claim).

        Raises: Forbidden (read-only, or no write access to claims); NotFound (no such
        company); ValidationFailed (faulty lines, one FieldError per line and field);
        RuleViolation (the declaration deadline has passed, no cover on the debtor,
        a currency without a rate)."""
        ...

    def rows(self, contract_id: int, offset: int = 0, limit: int = 100,
             seek: Seek | None = None) -> Page[ClaimPublic]:
        """The contract's claims, the latest updated first. With ``seek`` the page is
        read by key (``offset`` ignored) and not counted (``total`` -1); every page
        carries its cursors.

        Raises: Forbidden (not attached, or no access to claims); ValidationFailed (a
        cursor not made by this list, at ``cursor``)."""
        ...

    def portfolio(self, contract_id: int, text: str | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[DebtorClaimsRow]:
        """The contract's claims grouped by debtor, each with its latest claim, the
        latest updated first; ``text`` searches debtor names, references and claim
        numbers. By offset, or by key as ``seek`` says (not counted: total -1).

        Raises: Forbidden (not attached, or no access to claims); ValidationFailed (a
        cursor not of this list, at ``cursor``)."""
        ...

    def detail(self, claim_id: int) -> ClaimDetail:
        """The claim with its lines, declarations, documents and assessment.

        Raises: NotFound (no such claim on my contracts)."""
        ...

    def add_declaration(self, claim_id: int, data: AdditionalDeclaration,
                        version: int) -> ClaimPublic:
        """More invoices or payments on a registered claim.

        Raises: NotFound; Forbidden; Conflict; ValidationFailed (faulty lines);
        RuleViolation (a closed claim, a deadline passed)."""
        ...

    def add_document(self, claim_id: int, filename: str, content: bytes, category: str,
                     comment: str = "") -> DocumentPublic:
        """Attach a document to the claim.

        Raises: NotFound; Forbidden; ValidationFailed (an empty or too large file, a
        forbidden type, an unknown category)."""
        ...

    # --- the claims handler -----------------------------------------------------------
    def queue(self, flt: ClaimQueueFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[ClaimQueueItem]:
        """Registered claims of every policyholder, oldest submission first (open ones
        unless a status is chosen). With ``seek`` the page is read by key (``offset``
        ignored) and not counted (``total`` -1); every page carries its cursors.

        Raises: Forbidden (not a claims handler); ValidationFailed (an amount bound
        without a currency or a contract; a cursor not made by this list, at
        ``cursor``)."""
        ...

    def validate_lines(self, claim_id: int, lines: LineValidation,
                       version: int) -> ClaimPublic:
        """Accept or reject the claim's invoice lines.

        Raises: Forbidden (not a claims handler); NotFound; Conflict; ValidationFailed
        (unknown lines); RuleViolation (a closed claim)."""
        ...

    def set_status(self, claim_id: int, change: ClaimStatusChange,
                   version: int) -> ClaimPublic:
        """Move the claim along its statuses.

        Raises: Forbidden (not a claims handler); NotFound; Conflict; RuleViolation (a
        move the status rules do not allow)."""
        ...

    def set_indemnity(self, claim_id: int, update: IndemnityUpdate,
                      version: int) -> ClaimPublic:
        """Record the indemnity decided on the claim.

        Raises: Forbidden (not a claims handler); NotFound; Conflict; ValidationFailed
        (a negative amount); RuleViolation (above what the cover allows, a closed
        claim)."""
        ...
