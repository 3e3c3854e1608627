"""``repo.chorus_invoices``: Chorus Pro invoices (issue 18 items 4–10; SPEC §9; seeds
003 and 004): entry and deposit, the technical checks at deposit, the recipient's moves
and the supplier's answers as the table of ``rules/chorus_states.py`` allows them,
dashboards, search, anomalies and the returns pop-up.

Who reads what: a supplier user (issued space, attachment valid today) the invoices of
their structure; a recipient user (received space on a public structure) those
addressed to it, never drafts nor non-compliant ones. Anything else is ``NotFound``.
Every move is one transaction with its history row, its audit row and its
notifications (and mail, per subscription, through the outbox); a stale ``version``
gets ``Conflict``.

Refusals are coded: ``chorus.*`` for what the pure rules refuse (the state table, the
fields, the files), ``chorus_invoices.*`` for what only the stored data can tell;
the failed technical checks are stored as codes with parameters and read back as
``ChorusReasonPublic`` in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.enums import ChorusSpace
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import (
    ChorusAnomaly,
    ChorusCompletion,
    ChorusCorrection,
    ChorusDashboard,
    ChorusDraftUpdate,
    ChorusFilePublic,
    ChorusInvoiceCreate,
    ChorusInvoiceDetail,
    ChorusInvoiceRef,
    ChorusInvoiceRow,
    ChorusInvoiceSearch,
    ChorusPaymentModeChange,
    ChorusProcess,
)
from cofatui.schemas_company_info import UploadedFile


@runtime_checkable
class ChorusInvoicesArea(Protocol):
    # --- entry and deposit ----------------------------------------------------------
    def create(self, data: ChorusInvoiceCreate, pdf: UploadedFile | None = None,
               files: Sequence[UploadedFile] = (), *, signed: bool = False,
               submit: bool = True) -> ChorusInvoiceDetail:
        """Entry (no ``pdf``) or deposit (``pdf`` is the main document; ``signed``
        says it is a signed PDF). ``submit`` False keeps a draft; True deposits it: the
        technical checks run in the same transaction and it ends made available or
        non-compliant with its reasons (both are a success: read ``state``).

        Raises: Forbidden (no issued space on the supplier structure, valid today);
        NotFound (no such supplier structure); RuleViolation
        ``chorus_invoices.billing_mandate_missing`` (entry by form without mandate),
        ``chorus_invoices.number_taken`` (drafts included), ``chorus.works_frame`` (a works
        frame: "Factures de travaux"); ValidationFailed at the field: number (empty,
        over 20, not printable), frame, SIRETs, dates (invoice date in the future, due
        before invoice), currency, payment mode (missing on a 380, present on a 381),
        ``iban`` (a transfer needs a valid one), ``origin_invoice_id`` (a 381 without
        one), ``lines.N.*`` (quantity, price, exempt without reason), ``pdf`` (not a
        PDF by content, encrypted, unreadable, over 10 MB), ``files.N`` (Chorus Pro's
        limits: name ≤ 50 with extension, listed extension, content matching it, not
        empty, ≤ 10 MB) and ``files`` (over 120 MB per invoice)."""
        ...

    def update_draft(self, invoice_id: int, data: ChorusDraftUpdate) -> ChorusInvoiceDetail:
        """Raises: NotFound; Forbidden; RuleViolation ``chorus_invoices.not_a_draft``; the
        validation of ``create``; Conflict."""
        ...

    def delete_draft(self, invoice_id: int, version: int) -> None:
        """Raises: NotFound; Forbidden; RuleViolation ``chorus_invoices.not_a_draft``;
        Conflict."""
        ...

    def submit(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
        """Deposit a draft ("Valider et envoyer" then "Confirmer et envoyer"): the
        checks run as in ``create``. Raises: as ``update_draft``, and
        ``chorus_invoices.billing_mandate_missing`` for an entry."""
        ...

    def add_files(self, invoice_id: int, files: Sequence[UploadedFile]) -> ChorusInvoiceDetail:
        """Attach files to a draft, a non-compliant, to-recycle or suspended invoice
        of mine (checksum kept). Raises: NotFound; Forbidden; RuleViolation
        ``chorus_invoices.files_closed`` (another state); ValidationFailed as ``create``."""
        ...

    def file_content(self, invoice_id: int, file_id: int) -> tuple[ChorusFilePublic, bytes]:
        """Raises: NotFound (the invoice, or the file, not visible to me)."""
        ...

    # --- reading ----------------------------------------------------------------------
    def get(self, invoice_id: int) -> ChorusInvoiceDetail:
        """The detail with lines, VAT, totals, files, history and the moves and
        actions open to me. Raises: NotFound ``chorus_invoices.invoice_not_found``."""
        ...

    def dashboard(self, side: ChorusSpace,
                  structure_id: int | None = None) -> ChorusDashboard:
        """A count per state on one side, for one of my structures or all of them.
        Raises: NotFound (a structure I hold no such space on)."""
        ...

    def search(self, criteria: ChorusInvoiceSearch, offset: int = 0,
               limit: int = 100, seek: Seek | None = None) -> Page[ChorusInvoiceRow]:
        """One page, newest deposit first (drafts, never deposited, after); by key when
        ``seek`` is given (``offset`` then ignored), with the page's cursors. Raises:
        NotFound (a structure I hold no such space on); ValidationFailed (a range
        upside down)."""
        ...

    def anomalies(self, structure_id: int | None = None, offset: int = 0,
                  limit: int = 100, seek: Seek | None = None) -> Page[ChorusAnomaly]:
        """My issued invoices now non-compliant, to recycle, suspended or rejected,
        newest change first, with the recipient's comment (seed 003 §XVIII); by key
        when ``seek`` is given.
        Raises: NotFound (a structure I hold no issued space on)."""
        ...

    def returns(self) -> list[ChorusInvoiceRef]:
        """The home pop-up (seed 004 "cas particulier"): my issued invoices rejected
        or suspended since I last acknowledged, newest first.
        Raises: nothing beyond the common ones (Unavailable)."""
        ...

    def acknowledge_returns(self) -> None:
        """The pop-up was read: ``returns`` is empty until the next return.
        Raises: nothing beyond the common ones (Unavailable)."""
        ...

    # --- the recipient's moves --------------------------------------------------------
    def process(self, invoice_id: int, data: ChorusProcess) -> ChorusInvoiceDetail:
        """A move by the recipient, as the table allows it now.

        Raises: NotFound; Forbidden (a supplier, or no received space);
        RuleViolation ``chorus.move_not_allowed`` (params: from, to),
        ``chorus.payment_in_progress_not_reported``, ``chorus.credit_note_issued``
        (undoing a rejection after a 381); ValidationFailed at ``comment``
        (``chorus.comment_required``; over 255), ``reason`` (given to a move that is no
        suspension); Conflict."""
        ...

    # --- the supplier's answers -------------------------------------------------------
    def correct(self, invoice_id: int, data: ChorusCorrection) -> ChorusInvoiceDetail:
        """Correct a non-compliant or to-recycle invoice and deposit it again, number
        kept; the checks run again. Raises: NotFound; Forbidden; RuleViolation
        ``chorus.move_not_allowed``, ``chorus_invoices.field_locked`` (a field the table keeps,
        params: field); ValidationFailed as ``create``; Conflict."""
        ...

    def complete(self, invoice_id: int, data: ChorusCompletion,
                 files: Sequence[UploadedFile] = ()) -> ChorusInvoiceDetail:
        """Complete a suspended invoice: at least one new file unless it was
        suspended as received too early. Raises: NotFound; Forbidden; RuleViolation
        ``chorus.move_not_allowed``, ``chorus.attachment_required``; ValidationFailed
        at ``files``; Conflict."""
        ...

    def change_payment_mode(self, invoice_id: int,
                            data: ChorusPaymentModeChange) -> ChorusInvoiceDetail:
        """A rejected invoice paid by direct debit becomes a transfer (seed 003 §IX).
        Raises: NotFound; Forbidden; RuleViolation ``chorus.move_not_allowed``;
        ValidationFailed ``iban``; Conflict."""
        ...

    def credit_note(self, invoice_id: int) -> ChorusInvoiceDetail:
        """Issue the 381 that invalidates this invoice (its totals, its parties),
        deposited at once; the recipient may then account for both or reject both.
        Raises: NotFound; Forbidden; RuleViolation ``chorus_invoices.credit_note_exists``,
        ``chorus_invoices.credit_note_not_allowed`` (a draft, a non-compliant invoice or a
        381)."""
        ...

    def reissue(self, invoice_id: int, number: str) -> ChorusInvoiceDetail:
        """Copy an invoice into a new draft with a new number, linked to the one it
        replaces. Raises: NotFound; Forbidden; RuleViolation ``chorus_invoices.number_taken``;
        ValidationFailed ``number``."""
        ...
