"""``repo.ilus``: ILUs, "demandes d'engagements" (issue 17 item 6, SPEC §7). An
underwriter asks the real need on one covered buyer; the policyholder answers once
(payment experience, then delete the cover or declare the need), before the deadline.
Section ``ilu`` (deleting the cover also needs ``cover`` full)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.enums import IluView
from cofatui.schemas import Page, Seek
from cofatui.schemas_ilu import IluAnswer, IluCreate, IluPublic


@runtime_checkable
class IlusArea(Protocol):
    def create(self, data: IluCreate) -> IluPublic:
        """Issue one, with its notification (product code ``ILU``).

        Raises: Forbidden (not an underwriter); ValidationFailed at ``contract_id`` /
        ``company_id`` (no such contract or company) or ``deadline`` (in the past);
        RuleViolation ``ilu.no_active_cover`` (the buyer has no active cover under the
        contract); RuleViolation ``ilu.already_open``."""
        ...

    def ilus(self, contract_id: int, view: IluView = IluView.ACTIVE,
             company_id: int | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[IluPublic]:
        """A contract's ILUs: active (open, soonest deadline first) or closed
        (answered, expired, closed; newest first); by offset, or by key as ``seek``
        says. Raises: Forbidden (not attached, or no read access to ``ilu``);
        ValidationFailed (a cursor not of this list, at ``cursor``)."""
        ...

    def get(self, ilu_id: int) -> IluPublic:
        """Raises: NotFound ``ilu.not_found``; Forbidden."""
        ...

    def answer(self, ilu_id: int, data: IluAnswer) -> IluPublic:
        """Answer and close it. With ``delete_cover``, the cover is deleted under the
        normal deletion rules in the same transaction; if that deletion is refused,
        nothing is recorded.

        Raises: NotFound; Forbidden (no write access to ``ilu``, or to ``cover`` when
        deleting); RuleViolation ``ilu.expired`` / ``ilu.already_answered`` /
        ``ilu.closed``; ValidationFailed (``real_need`` missing, negative or with more
        than 2 decimals when keeping the cover; comment over 250 characters); the
        deletion's own RuleViolation; Conflict (version)."""
        ...

    def issued(self, offset: int = 0, limit: int = 100,
               view: IluView | None = None, seek: Seek | None = None) -> Page[IluPublic]:
        """The back office: ILUs issued across contracts, newest first, with their
        answers; by offset, or by key as ``seek`` says. Raises: Forbidden (not an
        underwriter); ValidationFailed (a cursor not of this list, at ``cursor``)."""
        ...
