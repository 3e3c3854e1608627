"""``repo.company_info``: information a policyholder sends on a company (issue 17
item 4, SPEC §7), negative information or an information transmission with its files,
and the underwriter's outcome (analysed, not compatible, already known), each
notified to the contract. A submission never changes once sent, but for its outcome.
Section ``company_information``; only underwriters decide and see the queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoFilter,
    CompanyInfoIn,
    CompanyInfoPublic,
    UploadedFile,
)


@runtime_checkable
class CompanyInfoArea(Protocol):
    def send(self, data: CompanyInfoIn,
             files: Sequence[UploadedFile]) -> CompanyInfoPublic:
        """Send it (status in progress, with its notification), files stored with
        their checksum, in one transaction.

        Raises: Forbidden (no write access to ``company_information``); NotFound (no
        such company); ValidationFailed (at the field: a missing nature, date or
        description, a description over 2 000 characters, a type missing, a closing
        date missing for accounts, no file or more than 10 for a transmission; at
        ``files.N``: a kind not accepted — named by what it is —, over 10 MB, a macro
        workbook, a workbook too large once decompressed; at ``files``: over 50 MB in
        all)."""
        ...

    def submissions(self, flt: CompanyInfoFilter | None = None, offset: int = 0,
                    limit: int = 100, seek: Seek | None = None) -> Page[CompanyInfoPublic]:
        """One contract's submissions (``flt.contract_id``, mandatory: the API lists
        them per contract), newest first; by offset, or by key as ``seek`` says.
        Raises: ValidationFailed (no contract given; a cursor not of this list, at
        ``cursor``); Forbidden (a contract not mine,
        or no read access to the section)."""
        ...

    def get(self, submission_id: int) -> CompanyInfoPublic:
        """Raises: NotFound ``company_info.not_found`` (none, or not mine);
        Forbidden (no read access to the section)."""
        ...

    def decide(self, submission_id: int, data: CompanyInfoDecision) -> CompanyInfoPublic:
        """The outcome, notified to the contract.

        Raises: Forbidden (not an underwriter); NotFound; ValidationFailed (outcome
        in progress); RuleViolation ``company_info.already_decided``; Conflict."""
        ...

    def queue(self, flt: CompanyInfoFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[CompanyInfoPublic]:
        """The back office: submissions across policyholders, oldest first (in
        progress unless ``flt.status`` says otherwise); by offset, or by key as
        ``seek`` says. Raises: Forbidden (not an underwriter); ValidationFailed (a
        cursor not of this list, at ``cursor``)."""
        ...
