"""The demo's insurance sub-ledger (issue 20 item 10 "Demo").

Both demo policyholders (one per demo contract) get a set of books with a valid SIREN
and calendar financial years: the previous year closed, the current one validated up
to the end of last month. Every kind of event appears: premium schedules paid, an
adjustment (a refund on the EUR contract, a supplement on the USD one), a USD premium
paid with the EUR the bank debited, information services and intervention fees (with
their VAT) billed every month — the last month's notice still due —, claims registered,
agreed and written off with their VAT, indemnities received, a claim declared
irrecoverable, and on the USD contract a prospection cover (indemnities, repayments,
the final balance once its amortisation ended) and an exchange cover (settlements at a
loss and at a gain against the guaranteed rate), and a TopLiner bought today whose USD
notice is still due (to pay with the EUR the bank debits). Monthly USD rates are recorded with
the source ``demo`` so that nobody takes them for the ECB's.

Everything but the rates goes through the repository, each event as of its own day
(a repository whose clock is that day): the rules, the rights and the posting engine
are the ones a user meets, and the entries are the ones they would produce. The
claims the bulk demo wrote without the repository are booked by ``generate``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col
from stdnum import luhn

from cofatui.clock import Clock, FixedClock
from cofatui.enums import ClaimStatus, CoverEventKind, CoverKind, NoticeLineRole, ProductStatus
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.models import Company, Contract, Product
from cofatui.models.claim import Claim
from cofatui.models.exchange_rate import ExchangeRate
from cofatui.repository.sql import SqlRepository
from cofatui.schemas import (
    ClaimCreate,
    ClaimStatusChange,
    IndemnityUpdate,
    InvoiceLine,
    LineValidation,
    ProductRequest,
)
from cofatui.schemas_accounting import (
    BooksCreate,
    ClaimIrrecoverable,
    CoverCreate,
    CoverEventCreate,
    FinancialYearCreate,
    IndemnityReceived,
    NoticeAdjustment,
    NoticeCreate,
    NoticeLineIn,
    NoticePublic,
    NoticeSchedule,
    PaymentCreate,
    PremiumPriceSet,
    PremiumTermsSet,
    ReceivableCreate,
    ServicesBilling,
)

#: Who sets the books up and issues the notices (insurer staff), and who pays,
#: records the covers' events and the claims' receipts (the policyholder).
STAFF, HOLDER = "underwriter", "demo"
#: The rates' source: the demo's own, labelled as such.
RATE_SOURCE = "demo"
CENT = Decimal("0.01")
#: The monthly EUR → USD demo rate: a gentle wave around 1.09.
_USD_WAVE = (Decimal("1.0850"), Decimal("1.0920"), Decimal("1.1010"), Decimal("1.0970"),
             Decimal("1.0880"), Decimal("1.0790"), Decimal("1.0730"), Decimal("1.0810"),
             Decimal("1.0900"), Decimal("1.0990"), Decimal("1.1060"), Decimal("1.0940"))


def siren(base: str) -> str:
    """A valid SIREN: 8 digits and their Luhn check digit."""
    return base + luhn.calc_check_digit(base)


@dataclass(frozen=True)
class _Holder:
    policy: str
    base: str  # the SIREN's first 8 digits
    provisional: Decimal  # annual provisional premium (EUR)
    #: The previous year's insured turnover: at 1.2 per mille, 21 600 under 24 000 gives
    #: the EUR contract a refund, 22 500 over 18 000 the USD one a supplement.
    turnover: Decimal


_HOLDERS = (
    _Holder("1234567", "40483304", Decimal("24000"), Decimal("18000000")),
    _Holder("7654321", "51280937", Decimal("18000"), Decimal("18750000")),
)


#: The price list of both contracts (EUR, excl. VAT): the custom credit opinion, billed
#: one by one, and the dispute-intervention fee, a service with its VAT (20 %). The
#: flash opinions and the DRA products are left off, as if included in the premium:
#: the demo delivers thousands of them, and a notice line each would slow the demo's
#: creation for nothing a user would see that the custom opinions do not show.
_PRICES = (("CCO", "45.00", "0"), ("FEE", "150.00", "20"))


def usd_rate(on: date) -> Decimal:
    return _USD_WAVE[(on.year * 12 + on.month) % len(_USD_WAVE)]


class _Timeline:
    """Repositories as of a day: each event is made on the day it happens (at 10:00),
    today's at the demo's own time, never after it."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self.today = clock.now().astimezone(UTC).date()

    def repo(self, login: str, on: date | None = None) -> SqlRepository:
        day = min(on or self.today, self.today)
        clock = self.clock if day == self.today else \
            FixedClock(datetime.combine(day, time(10), tzinfo=UTC))
        return SqlRepository(self.engine, login, clock)

    def past(self, day: date) -> bool:
        return day <= self.today


def populate(engine: Engine, clock: Clock,
             report: Callable[[str, int, int], None] | None = None) -> None:
    """Add the demo's books (see the module) to a database holding the demo data."""
    today = clock.now().astimezone(UTC).date()
    timeline = _Timeline(engine, clock)
    previous = today.year - 1
    _record_rates(engine, date(previous, 1, 1), today)
    with Session(engine) as s:
        contracts = dict(s.execute(select(Contract.policy_number, Contract.id)
                                   .where(col(Contract.policy_number).in_(
                                       [h.policy for h in _HOLDERS]))).all())
        names = dict(s.execute(select(Contract.id, Contract.policyholder)).all())
    for index, holder in enumerate(_HOLDERS):
        contract_id = contracts[holder.policy]
        books_id = _books(timeline, holder, contract_id, names[contract_id], previous)
        _premiums(timeline, holder, contract_id, previous, usd=index == 1)
        if index == 1:
            _prospection(timeline, contract_id, previous)
            _exchange(timeline, contract_id, previous)
            _topliner(timeline, contract_id)
        _previous_year_claims(timeline, contract_id, previous, usd=index == 1)
        _claims(timeline, contract_id, usd=index == 1)
        _services(timeline, contract_id, previous)
        _close(timeline, books_id, previous)
        if report is not None:
            report("accounting", index + 1, len(_HOLDERS))


def _record_rates(engine: Engine, first: date, today: date) -> None:
    """A EUR → USD rate on the first of every month up to today (source ``demo``)."""
    rows, day = [], first
    now = datetime.combine(today, time(6), tzinfo=UTC)
    while day <= today:
        rows.append(ExchangeRate(base="EUR", quote="USD", rate=usd_rate(day), rate_date=day,
                                 source=RATE_SOURCE, recorded_at=now))
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    with Session(engine) as s:
        s.add_all(rows)
        s.commit()


def _books(t: _Timeline, holder: _Holder, contract_id: int, name: str, previous: int) -> int:
    staff = t.repo(STAFF, date(previous, 1, 2))
    books = staff.books.create(BooksCreate(
        siren=siren(holder.base), name=name, contract_ids=[contract_id],
        first_year_start=date(previous, 1, 1), first_year_end=date(previous, 12, 31)))
    staff.books.add_year(FinancialYearCreate(books_id=books.id,
                                             end=date(previous + 1, 12, 31)))
    return books.id


def _pay(t: _Timeline, contract_id: int, notices: list[NoticePublic], *,
         eur: Decimal | None = None, delay: int = 0) -> None:
    for notice in notices:
        paid_on = notice.due_date + timedelta(days=delay)
        if not t.past(paid_on):
            continue
        amount = eur if notice.currency != "EUR" else None
        if notice.currency != "EUR" and amount is None:
            amount = (notice.total / usd_rate(paid_on)).quantize(CENT)
        t.repo(HOLDER, paid_on).premiums.pay(PaymentCreate(
            contract_id=contract_id, paid_on=paid_on, notice_ids=[notice.id],
            eur_amount=amount))


def _premiums(t: _Timeline, holder: _Holder, contract_id: int, previous: int, *,
              usd: bool) -> None:
    start = date(previous, 1, 1)
    t.repo(STAFF, start).premiums.set_terms(PremiumTermsSet(
        contract_id=contract_id, year_start=start, provisional_premium=holder.provisional,
        instalments=4, rate_per_mille=Decimal("1.2"),
        minimum_premium=holder.provisional / 2))
    for code, price, vat in _PRICES:
        t.repo(STAFF, start).premiums.set_price(PremiumPriceSet(
            contract_id=contract_id, code=code, price=Decimal(price),
            vat_rate=Decimal(vat)))
    for year in (previous, previous + 1):
        first = date(year, 1, 1)
        notices = t.repo(STAFF, first).premiums.issue_schedule(
            NoticeSchedule(contract_id=contract_id, year_start=first))
        _pay(t, contract_id, notices, delay=3)
        # The exchange and prospection covers' premiums, billed in USD on the USD
        # contract: paid with the EUR the bank debited.
        if usd:
            issued = date(year, 2, 10)
            if t.past(issued):
                notice = t.repo(STAFF, issued).premiums.create_notice(NoticeCreate(
                    contract_id=contract_id, period_start=first,
                    period_end=date(year, 12, 31), due_date=issued + timedelta(days=30),
                    currency="USD", lines=[
                        NoticeLineIn(role=NoticeLineRole.EXCHANGE,
                                     label="Prime assurance change", amount_excl_tax=Decimal(
                                         "1450.00")),
                        NoticeLineIn(role=NoticeLineRole.PROSPECTION,
                                     label="Prime assurance prospection",
                                     amount_excl_tax=Decimal("980.00"))]))
                _pay(t, contract_id, [notice])
    # The adjustment of the previous year, once its turnover is known: a refund when
    # rate × turnover is under the provisional premiums, a supplement otherwise.
    adjusted = date(previous + 1, 2, 20)
    if t.past(adjusted):
        notice = t.repo(STAFF, adjusted).premiums.issue_adjustment(NoticeAdjustment(
            contract_id=contract_id, year_start=start, turnover=holder.turnover))
        _pay(t, contract_id, [notice])


def _services(t: _Timeline, contract_id: int, previous: int) -> None:
    """Information products and intervention fees, one notice per month that had any
    (after the claims, so that last year's intervention is billed), settled a quarter
    at a time (one payment for fewer postings: the demo stays quick); last month's,
    billed on the first of this one, is still due."""
    month, this_month = date(previous, 1, 1), date(t.today.year, t.today.month, 1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    unpaid: list[NoticePublic] = []
    while month < this_month:
        after = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        billed = t.repo(STAFF, after).premiums.bill_services(
            ServicesBilling(contract_id=contract_id, month=month))
        if after == this_month:
            break
        unpaid += billed
        if unpaid and (month.month % 3 == 0 or after == last_month):
            paid_on = max(n.due_date for n in unpaid) + timedelta(days=5)
            if t.past(paid_on):
                t.repo(HOLDER, paid_on).premiums.pay(PaymentCreate(
                    contract_id=contract_id, paid_on=paid_on,
                    notice_ids=[n.id for n in unpaid]))
                unpaid = []
        month = after


def _prospection(t: _Timeline, contract_id: int, previous: int) -> None:
    """An older cover in amortisation (repayments, then its final balance once the
    amortisation ended) and a recent one still in its guarantee (indemnities)."""
    old = t.repo(HOLDER, date(previous, 1, 5)).covers.create(CoverCreate(
        contract_id=contract_id, kind=CoverKind.PROSPECTION,
        reference=f"PROS-{previous - 1}-01", currency="EUR",
        start=date(previous - 1, 1, 1), end=date(previous + 1, 6, 30),
        guarantee_end=date(previous, 6, 30), amortisation_end=date(previous + 1, 6, 30)))
    new = t.repo(HOLDER, date(previous, 1, 5)).covers.create(CoverCreate(
        contract_id=contract_id, kind=CoverKind.PROSPECTION,
        reference=f"PROS-{previous}-02", currency="EUR", start=date(previous, 1, 1),
        end=date(previous + 6, 12, 31), guarantee_end=date(previous + 2, 12, 31),
        amortisation_end=date(previous + 6, 12, 31)))
    # The old cover: 18 000 received, 6 200 + 4 100 repaid, the 7 700 left is the
    # final balance once the amortisation ended.
    events = [(old.id, CoverEventKind.PROSPECTION_INDEMNITY, date(previous, 3, 15), "18000"),
              (new.id, CoverEventKind.PROSPECTION_INDEMNITY, date(previous, 10, 15), "15000"),
              (old.id, CoverEventKind.PROSPECTION_REPAYMENT, date(previous, 10, 31), "6200"),
              (old.id, CoverEventKind.PROSPECTION_REPAYMENT, date(previous + 1, 3, 31),
               "4100"),
              (new.id, CoverEventKind.PROSPECTION_INDEMNITY, date(previous + 1, 4, 15),
               "12500"),
              (old.id, CoverEventKind.PROSPECTION_BALANCE, date(previous + 1, 7, 15), "7700")]
    for cover_id, kind, day, eur in events:
        if t.past(day):
            t.repo(HOLDER, day).covers.record_event(CoverEventCreate(
                cover_id=cover_id, kind=kind, event_date=day, eur_amount=Decimal(eur)))


def _exchange(t: _Timeline, contract_id: int, previous: int) -> None:
    """Two USD receivables under a guaranteed rate: one settled at a loss (the cover
    pays the difference), one at a gain (owed back to the insurer)."""
    cover = t.repo(HOLDER, date(previous, 1, 5)).covers.create(CoverCreate(
        contract_id=contract_id, kind=CoverKind.EXCHANGE, reference=f"CHG-{previous}-01",
        currency="USD", start=date(previous, 1, 1), end=date(previous + 1, 12, 31),
        guaranteed_rate=Decimal("1.08")))
    deals = [("INV-US-0418", "Harbor Foods Inc.", "HARBOR", "48000", "1.0950",
              date(previous, 2, 15), date(previous, 5, 15), "1.1200"),
             ("INV-US-0733", "Lakeside Tools LLC", "LAKESIDE", "36000", "1.0900",
              date(previous + 1, 1, 20), date(previous + 1, 4, 20), "1.0500")]
    for ref, debtor, aux, amount, booked, booked_on, settled_on, market in deals:
        if not t.past(booked_on):
            continue
        receivable = t.repo(HOLDER, booked_on).covers.add_receivable(ReceivableCreate(
            cover_id=cover.id, reference=ref, debtor=debtor, debtor_aux=aux,
            amount=Decimal(amount), booked_rate=Decimal(booked), booked_on=booked_on))
        if t.past(settled_on):
            t.repo(HOLDER, settled_on).covers.record_event(CoverEventCreate(
                cover_id=cover.id, kind=CoverEventKind.EXCHANGE_SETTLEMENT,
                event_date=settled_on, currency_amount=Decimal(amount),
                eur_amount=(Decimal(amount) / Decimal(market)).quantize(CENT),
                receivable_id=receivable.id))


def _topliner(t: _Timeline, contract_id: int) -> None:
    """A TopLiner ordered and bought today by the holder, as in the order form: the
    contract's tariff prices the quote in the cover's currency (USD here), and buying it
    issues its notice, left due. A buyer whose credit limit was refused and whose DRA
    lets the tables quote at once."""
    with Session(t.engine) as s:
        quoted = select(Product.company_id).where(col(Product.contract_id) == contract_id,
                                                  col(Product.code) == "TOPLINER")
        candidates = s.execute(
            select(Product.company_id).distinct()
            .join(Company, col(Company.id) == col(Product.company_id))
            .where(col(Product.contract_id) == contract_id,
                   col(Product.code).in_(("CRL", "RLI", "ECL")),
                   col(Product.status).in_(("refused", "reduced", "terminated")),
                   col(Company.dra) >= 3, col(Product.company_id).not_in(quoted))
            .order_by(col(Product.company_id)).limit(5)).scalars().all()
    repo = t.repo(HOLDER)
    for company_id in candidates:
        try:
            product = repo.products.request(ProductRequest(
                contract_id=contract_id, company_id=company_id, code="TOPLINER",
                amount=Decimal("40000"), duration_days=60))
        except (ValidationFailed, RuleViolation):
            continue  # not eligible after all (an unpaid invoice, a quote open)
        if product.status == ProductStatus.QUOTED:
            repo.products.answer_topliner_quote(product.id, "buy", product.version)
            return


def _claims(t: _Timeline, contract_id: int, *, usd: bool) -> None:
    """Indemnities received for a few agreed claims of each year, and one closed claim
    with nothing paid declared irrecoverable; ``generate`` books the rest."""
    with Session(t.engine) as s:
        agreed = s.execute(
            select(Claim.id, Claim.indemnity_date, Claim.calculated_indemnity)
            .where(col(Claim.contract_id) == contract_id,
                   col(Claim.status).in_([ClaimStatus.ACCEPTED.value,
                                          ClaimStatus.CLOSED.value]),
                   col(Claim.indemnity_date).is_not(None),
                   col(Claim.calculated_indemnity).is_not(None))
            .order_by(col(Claim.indemnity_date), col(Claim.id))).all()
        unpaid = s.execute(
            select(Claim.id, Claim.updated_at)
            .where(col(Claim.contract_id) == contract_id,
                   col(Claim.status) == ClaimStatus.CLOSED.value,
                   col(Claim.calculated_indemnity).is_(None))
            .order_by(col(Claim.id)).limit(1)).all()
    per_year: dict[int, int] = {}
    for claim_id, agreed_on, indemnity in agreed:
        received_on = agreed_on + timedelta(days=21)
        if not t.past(received_on) or per_year.get(received_on.year, 0) >= 3:
            continue
        per_year[received_on.year] = per_year.get(received_on.year, 0) + 1
        eur = (indemnity / usd_rate(received_on)).quantize(CENT) if usd else indemnity
        repo = t.repo(HOLDER, received_on)
        version = repo.claim_accounting.get(claim_id).version
        repo.claim_accounting.record_received(claim_id, IndemnityReceived(
            received_on=received_on, eur_amount=eur, version=version))
    for claim_id, updated in unpaid:
        on = min(t.today, (updated or datetime.combine(t.today, time())).date()
                 + timedelta(days=30))
        repo = t.repo(HOLDER, on)
        version = repo.claim_accounting.get(claim_id).version
        repo.claim_accounting.declare_irrecoverable(claim_id, ClaimIrrecoverable(
            on=on, version=version))


def _previous_year_claims(t: _Timeline, contract_id: int, previous: int, *,
                          usd: bool) -> None:
    """The bulk demo's claims are all recent: two claims of last year made through the
    repository, so that last year's books have claim events too — one agreed (written
    off with its VAT on the EUR contract) and its indemnity received, one cancelled. In
    December, so that the demo's notifications still span a year at most."""
    currency = "USD" if usd else "EUR"
    with Session(t.engine) as s:
        debtors = s.execute(
            select(Product.company_id, Company.country)
            .join(Company, col(Company.id) == col(Product.company_id))
            .where(col(Product.contract_id) == contract_id, col(Product.code) == "CRL",
                   col(Product.status) == "granted",
                   col(Product.company_id).not_in(select(Claim.company_id).where(
                       col(Claim.contract_id) == contract_id)))
            # A French debtor first: its invoice carries VAT, written off with it.
            .order_by(col(Company.country) != "FRA", col(Product.decided_amount).desc(),
                      col(Product.company_id))
            .limit(2)).all()
    for (company_id, country), (filed, cancelled) in zip(
            debtors, ((date(previous, 12, 1), None),
                      (date(previous, 12, 2), date(previous, 12, 8))), strict=False):
        tax = Decimal("2400") if country == "FRA" and not usd else Decimal(0)
        # The agreed claim asks for the insurer's intervention: its fee is billed.
        claim = t.repo(HOLDER, filed).claims.submit(ClaimCreate(
            contract_id=contract_id, company_id=company_id, reason="insolvency",
            intervention_requested=cancelled is None,
            contact_name="Camille Martin", contact_email="camille.martin@example.com",
            invoices=[InvoiceLine(type="IN", number=f"F-{previous}-{company_id:04d}",
                                  invoice_date=filed - timedelta(days=64),
                                  due_date=filed - timedelta(days=49), currency=currency,
                                  amount_excl_tax=Decimal("12000"), tax=tax)]))
        handler = t.repo(STAFF, cancelled or filed + timedelta(days=2))
        if cancelled is not None:
            handler.claims.set_status(claim.id, ClaimStatusChange(
                status=ClaimStatus.CANCELLED, comment="Paid by the debtor"), claim.version)
            continue
        detail = handler.claims.detail(claim.id)
        made = handler.claims.validate_lines(claim.id, LineValidation(
            invoice_ids=[i.id for i in detail.invoices]), claim.version)
        made = handler.claims.set_status(claim.id, ClaimStatusChange(
            status=ClaimStatus.ACCEPTED), made.version)
        agreed_on = filed + timedelta(days=9)
        made = t.repo(STAFF, agreed_on).claims.set_indemnity(
            claim.id, IndemnityUpdate(indemnity_date=agreed_on), made.version)
        received_on = agreed_on + timedelta(days=21)
        indemnity = made.calculated_indemnity or Decimal(0)
        if indemnity > 0:
            repo = t.repo(HOLDER, received_on)
            repo.claim_accounting.record_received(claim.id, IndemnityReceived(
                received_on=received_on, version=repo.claim_accounting.get(claim.id).version,
                eur_amount=(indemnity / usd_rate(received_on)).quantize(CENT) if usd
                else indemnity))


def _close(t: _Timeline, books_id: int, previous: int) -> None:
    """Book what the bulk demo wrote without the repository, close the previous year
    (validating it whole), validate the current one up to the end of last month."""
    staff = t.repo(STAFF)
    staff.ledger.generate(books_id)
    year = next(y for y in staff.books.get(books_id).years if y.start.year == previous)
    staff.ledger.close_year(year.id, year.version)
    last_month_end = date(t.today.year, t.today.month, 1) - timedelta(days=1)
    if last_month_end.year > previous:
        staff.ledger.validate(books_id, last_month_end)
