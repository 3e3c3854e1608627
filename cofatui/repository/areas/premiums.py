"""``repo.premiums``: premium terms and price lists, premium notices and their payments
(issue 20 item 2; the seeds are silent, this is our choice).

Insurer staff (role ``underwriter``) set terms and prices and issue notices; a
policyholder with full rights in the accounting section types in a notice received on
paper and records payments. A payment writes its proposed entry in the same
transaction (when the contract has books). Everything is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from cofatui.schemas import Page, Seek

if TYPE_CHECKING:  # the schemas load with the backend that uses them, not at start-up
    from cofatui.schemas_accounting import (
        NoticeAdjustment,
        NoticeCreate,
        NoticeFilter,
        NoticePublic,
        NoticeSchedule,
        PaymentCreate,
        PaymentPublic,
        PremiumPricePublic,
        PremiumPriceSet,
        PremiumTermsPublic,
        PremiumTermsSet,
        ServicesBilling,
    )


@runtime_checkable
class PremiumsArea(Protocol):
    def terms(self, contract_id: int) -> PremiumTermsPublic | None:
        """The contract's premium terms, None when not set. Raises: NotFound."""
        ...

    def set_terms(self, data: PremiumTermsSet) -> PremiumTermsPublic:
        """Raises: Forbidden (not insurer staff); NotFound; Conflict; ValidationFailed
        (``instalments`` not 1/2/4/12, amounts below zero, ``currency``)."""
        ...

    def prices(self, contract_id: int) -> list[PremiumPricePublic]:
        """Raises: NotFound."""
        ...

    def set_price(self, data: PremiumPriceSet) -> PremiumPricePublic | None:
        """Set (None: removed, a zero price) a product code's price.

        Raises: Forbidden; NotFound; ValidationFailed (``code`` not an information
        product nor ``FEE``; ``price`` below zero; ``vat_rate`` outside 0–100)."""
        ...

    def notices(self, flt: NoticeFilter, offset: int = 0,
                limit: int = 100, seek: Seek | None = None) -> Page[NoticePublic]:
        """Notices of the contracts I may read (accounting section), due date first.
        With ``seek`` the page is read by key (``offset`` ignored) and not counted
        (``total`` -1); every page carries its first/last cursors.

        Raises: NotFound (a contract I may not read); ValidationFailed (a cursor not
        made by this list, at ``cursor``)."""
        ...

    def notice(self, notice_id: int) -> NoticePublic:
        """Raises: NotFound."""
        ...

    def create_notice(self, data: NoticeCreate) -> NoticePublic:
        """A manual notice (insurer staff) or a typed paper one (policyholder).

        Raises: Forbidden; NotFound; ValidationFailed (per field, ``lines.<n>.<field>``
        for a line; a typed notice without its number); RuleViolation
        (``premiums.number_taken``)."""
        ...

    def issue_schedule(self, data: NoticeSchedule) -> list[NoticePublic]:
        """The provisional instalments of one insurance year (insurer staff).

        Raises: Forbidden; NotFound; RuleViolation (``premiums.no_terms``,
        ``premiums.not_an_anniversary``, ``premiums.schedule_exists``)."""
        ...

    def issue_adjustment(self, data: NoticeAdjustment) -> NoticePublic:
        """The adjustment of a past insurance year (insurer staff).

        Raises: Forbidden; NotFound; ValidationFailed (``turnover`` below zero);
        RuleViolation (``premiums.no_terms``, ``premiums.year_not_over``,
        ``premiums.adjustment_exists``)."""
        ...

    def bill_services(self, data: ServicesBilling) -> list[NoticePublic]:
        """Gather the month's delivered information products and intervention fees
        (insurer staff; also the monthly job). Idempotent per month.

        Raises: Forbidden; NotFound; RuleViolation (``premiums.month_not_over``)."""
        ...

    def cancel_notice(self, notice_id: int, version: int) -> NoticePublic:
        """Withdraw an unpaid notice (insurer staff; a typed one: its typist's side).

        Raises: Forbidden; NotFound; Conflict; RuleViolation (``premiums.notice_paid``)."""
        ...

    def pay(self, data: PaymentCreate) -> PaymentPublic:
        """Record a payment of whole notices (see ``PaymentCreate``) and, when the
        contract has books, its proposed entry in the same transaction.

        Raises: Forbidden (read-only, no accounting section); NotFound (a notice I may
        not read); ValidationFailed (``eur_amount`` missing for a foreign currency or
        of the wrong sign; ``notice_ids``); RuleViolation (``premiums.notice_not_due``:
        paid or cancelled; ``premiums.mixed_currencies``; ``premiums.mixed_contracts``)."""
        ...

    def payments(self, contract_id: int, offset: int = 0,
                 limit: int = 100, seek: Seek | None = None) -> Page[PaymentPublic]:
        """The contract's payments, latest paid first. With ``seek`` the page is read
        by key (``offset`` ignored) and not counted (``total`` -1); every page carries
        its first/last cursors.

        Raises: NotFound; ValidationFailed (a cursor not made by this list, at
        ``cursor``)."""
        ...
