"""``repo.turnover``: turnover declarations (issue 17 items 2–3, SPEC §7). An
underwriter issues a request for a contract and a period (with its notification and
three reminder jobs, in one transaction); the policyholder fills it in line by line or
by import, saves it (status New, editable) and sends it (Sent, frozen). Sections: the
policyholder needs ``turnover`` (read to see, full to edit and send); only underwriters
issue, cancel and list across contracts."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_turnover import (
    TurnoverDeclarationPublic,
    TurnoverFilter,
    TurnoverLinePublic,
    TurnoverRequestIn,
    TurnoverUpdate,
)


@runtime_checkable
class TurnoverArea(Protocol):
    # ----------------------------------------------------------- insurer side

    def request(self, data: TurnoverRequestIn) -> TurnoverDeclarationPublic:
        """Issue a request (status new) with its notification and reminder jobs.

        Raises: Forbidden ``access.underwriters_only`` (not an underwriter); NotFound
        (no such contract); ValidationFailed (end before start, due date before the
        period's end, a reminder in the past or after due + 60 days, a label too long);
        RuleViolation ``turnover.period_overlaps`` (params ``label``: the request whose
        period overlaps, not cancelled)."""
        ...

    def cancel(self, declaration_id: int, version: int) -> TurnoverDeclarationPublic:
        """Withdraw a request that is not sent; its pending reminders are skipped.

        Raises: Forbidden (not an underwriter); NotFound; RuleViolation
        ``turnover.already_sent`` / ``turnover.already_cancelled``; Conflict (version)."""
        ...

    def requests(self, flt: TurnoverFilter | None = None, offset: int = 0,
                 limit: int = 100, seek: Seek | None = None
                 ) -> Page[TurnoverDeclarationPublic]:
        """The back office: requests across contracts, the latest due first, with
        their days late; by offset, or by key as ``seek`` says.

        Raises: Forbidden (not an underwriter); ValidationFailed (a cursor not of this
        list, at ``cursor``)."""
        ...

    # ----------------------------------------------------------- policyholder side

    def declarations(self, contract_id: int, offset: int = 0, limit: int = 100,
                     seek: Seek | None = None) -> Page[TurnoverDeclarationPublic]:
        """A contract's declarations (seed "Liste des déclarations"), newest period
        first; by offset, or by key as ``seek`` says. Raises: Forbidden (not attached,
        or no read access to ``turnover``); ValidationFailed (a cursor not of this
        list, at ``cursor``)."""
        ...

    def get(self, declaration_id: int) -> TurnoverDeclarationPublic:
        """Raises: NotFound ``turnover.not_found`` (none, or a contract not mine);
        Forbidden (no read access to ``turnover``)."""
        ...

    def lines(self, declaration_id: int, offset: int = 0, limit: int = 50,
              text: str | None = None, seek: Seek | None = None
              ) -> Page[TurnoverLinePublic]:
        """One page of the grid, by name (per debtor) or country code, filtered by
        ``text`` (in the name, EasyNumber or country). A new declaration is
        pre-filled on first read: per debtor, the portfolio companies with an
        insurance cover; per country, their countries. With ``seek`` the page is read
        by key (``offset`` ignored); every page carries its cursors and its count.

        Raises: NotFound; Forbidden; ValidationFailed (a cursor not of this list, at
        ``cursor``)."""
        ...

    def update(self, declaration_id: int, data: TurnoverUpdate) -> TurnoverDeclarationPublic:
        """Save: upsert the lines given (``amount`` None clears one; a line naming a
        company or country not yet in the grid adds it), the contact and "nothing to
        declare". The declaration stays new.

        Raises: NotFound; Forbidden (no write access to ``turnover``);
        ValidationFailed (one ``FieldError`` per bad line, at ``lines.N.amount`` etc.:
        a negative amount, more than 2 decimals, an unknown currency, an unknown
        EasyNumber or country, a line of the other breakdown, a line named twice);
        RuleViolation ``turnover.already_sent`` / ``turnover.cancelled``;
        RuleViolation ``turnover.nothing_to_declare_with_amounts``; Conflict
        (version)."""
        ...

    def send(self, declaration_id: int, version: int) -> TurnoverDeclarationPublic:
        """Send: lines without an amount are sent as 0; the declaration becomes sent
        (``sent_at``, ``sent_by``) and frozen. Of two racing sends exactly one wins.

        Raises: NotFound; Forbidden; RuleViolation ``turnover.already_sent`` /
        ``turnover.cancelled``; Conflict (version)."""
        ...

    def import_file(self, declaration_id: int, file_name: str,
                    content: bytes) -> ImportResultPublic:
        """Import an XLSX or CSV (``EasyNumber;Nom;Pays;Montant;Devise`` per debtor,
        ``Pays;Montant;Devise`` per country), all or nothing, with a result per line;
        applied, the file is kept as a document of the declaration.

        Raises: NotFound; Forbidden; RuleViolation ``turnover.already_sent`` /
        ``turnover.cancelled``. A refused file or line is in the result, not raised."""
        ...

    def template(self, declaration_id: int, fmt: str) -> bytes:
        """The import template (``xlsx`` or ``csv``) of the declaration's breakdown,
        pre-filled with its lines. Raises: NotFound; Forbidden; ValidationFailed
        (another format)."""
        ...

    def attach(self, declaration_id: int, file_name: str, content: bytes) -> int:
        """Attach a supporting document (checked by content as company information's
        files); returns its document id. Raises: NotFound; Forbidden;
        ValidationFailed (a kind not accepted, too large); RuleViolation
        ``turnover.already_sent``."""
        ...
