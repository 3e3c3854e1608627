"""The posting engine (issue 20 items 5–6): from an event's source (a premium payment,
a claim, a cover event) to proposed entries, idempotently.

Each event has a stable key (``rules.ledger_model.event_key``). ``book_source`` reads
the source's facts, builds what the event says (``rules.ledger_postings``), gives it
the books' account numbers and the year its date falls in, compares it with what is
booked for the key (``rules.ledger_diff.plan``) and writes only the difference: a new
entry, a proposed entry replaced, or a validated one reversed and posted again. It
runs in the transaction of the write that changed the source, so entries commit or
roll back with their event. ``generate`` does the same over every source of a set of
books, a chunk per transaction: history from before the books, events that waited for
a rate or a year. Reruns and a second server add nothing; the unique ``(books, key,
revision)`` backs that up when two writers race (the loser retries once and finds
nothing left to post)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cofatui.enums import AccountingEventKind, ClaimStatus, EntryStatus
from cofatui.errors import Conflict, Forbidden
from cofatui.i18n.messages import render
from cofatui.models import AccountingWait, Claim, CoverEvent, OtherCover, PremiumPayment
from cofatui.repository.sql import ledger_facts
from cofatui.repository.sql.ledger_write import (
    Booked,
    BooksContext,
    EntryBatch,
    booked_by_key,
    books_context,
    books_id_of_contract,
    delete_proposed,
    record_wait,
    write_entry,
)
from cofatui.rules import ledger_diff, ledger_postings
from cofatui.rules.ledger_model import (
    ClaimFacts,
    CoverEventFacts,
    PaymentFacts,
    Posting,
    Waiting,
)
from cofatui.schemas_accounting import GenerateResult, WaitPublic

if TYPE_CHECKING:
    from cofatui.repository.sql.core import SqlCore
    from cofatui.repository.sql.ledger import SqlLedger
    from cofatui.rules import ledger_diff

__all__ = ["CHUNK", "SOURCE_KINDS", "PostResult", "book_source", "generate", "generate_for",
           "waits"]

#: The sources events come from (``JournalEntry.source_kind``).
SOURCE_KINDS = ("payment", "cover_event", "claim")
#: Sources per generate transaction: short enough not to hold the write lock long.
CHUNK = 500
NO_YEAR = "accounting.no_year"


@dataclass(frozen=True)
class PostResult:
    """What booking did: entries posted for new events, proposed entries replaced (or
    withdrawn), validated entries reversed, events left waiting."""

    posted: int = 0
    replaced: int = 0
    reversed: int = 0
    waiting: int = 0

    def __add__(self, other: PostResult) -> PostResult:
        return PostResult(self.posted + other.posted, self.replaced + other.replaced,
                          self.reversed + other.reversed, self.waiting + other.waiting)

    def public(self) -> GenerateResult:
        return GenerateResult(posted=self.posted, replaced=self.replaced,
                              reversed=self.reversed, waiting=self.waiting)


class _Poster:
    """Books sources of one set of books in one session (one transaction).

    ``savepoints``: inside another write's transaction (``book_source``), a unique-key
    clash (another writer posted the same difference first) undoes this source alone in
    its savepoint, which is then read and booked again: the winner's entries are booked
    by then, so nothing or only what is still missing is posted. ``generate`` instead
    retries its whole chunk in a new transaction (two statements less per source)."""

    def __init__(self, s: Session, context: BooksContext, today: date, now: datetime, *,
                 savepoints: bool = True) -> None:
        self.s, self.context, self.today, self.now = s, context, today, now
        self.savepoints = savepoints
        self.payments: dict[int, PaymentFacts] = {}
        self.cover_events: dict[int, CoverEventFacts] = {}
        self.claims: dict[int, ClaimFacts] = {}
        self.waiting_sources: set[int] = set()
        # Generate writes a chunk's entries at once (nothing in a chunk reads them back:
        # each source is booked once, from what was booked before the chunk).
        self.batch: EntryBatch | None = None if savepoints else EntryBatch()

    def book(self, source_kind: str, sources: Sequence[tuple[int, int]]) -> PostResult:
        """Book ``sources`` (id, contract id) of one kind: what is booked, the facts
        of payments and cover events and the waits are read for all of them at once."""
        s, ids = self.s, [source_id for source_id, _ in sources]
        booked = booked_by_key(s, self.context.books_id, source_kind, ids)
        if source_kind == "payment":
            self.payments = ledger_facts.payment_facts_many(s, ids)
        elif source_kind == "cover_event":
            self.cover_events = ledger_facts.cover_event_facts_many(s, ids)
        elif source_kind == "claim" and self.batch is not None:
            # Generate: a chunk's claims read at once (seven queries, not seven each).
            self.claims = ledger_facts.claim_facts_many(s, ids)
        self.waiting_sources = set(s.execute(select(AccountingWait.source_id).where(
            AccountingWait.books_id == self.context.books_id,
            AccountingWait.source_kind == source_kind,
            AccountingWait.source_id.in_(ids))).scalars())
        total = PostResult()
        for source_id, contract_id in sources:
            total += self._book_one(source_kind, source_id, contract_id,
                                    booked.get(source_id, {}))
        if self.batch is not None:
            self.batch.write(s)
        return total

    def _book_one(self, source_kind: str, source_id: int, contract_id: int,
                  booked: Booked) -> PostResult:
        if not self.savepoints:
            return self._apply(source_kind, source_id, contract_id, booked)
        for attempt in (1, 2):
            savepoint = self.s.begin_nested()
            try:
                result = self._apply(source_kind, source_id, contract_id, booked)
                self.s.flush()
                savepoint.commit()
                return result
            except IntegrityError:
                savepoint.rollback()
                if attempt == 2:
                    raise
                booked = booked_by_key(self.s, self.context.books_id, source_kind,
                                       [source_id]).get(source_id, {})
        raise AssertionError("unreachable")

    def _desired(self, source_kind: str, source_id: int) -> list[Posting | Waiting]:
        s, context = self.s, self.context
        if source_kind == "payment":
            payment = self.payments.get(source_id)
            if payment is None or not payment.lines:
                return []
            posting = ledger_postings.payment_posting(payment, context.chart_for(payment.paid_on))
            return [posting] if posting is not None else []
        if source_kind == "cover_event":
            event = self.cover_events.get(source_id)
            if event is None:
                return []
            return [ledger_postings.cover_event_posting(
                event, context.chart_for(event.event_date))]
        if source_kind == "claim":
            claim = self.claims.get(source_id) if self.batch is not None \
                else ledger_facts.claim_facts(s, source_id)
            if claim is None:
                return []
            return list(ledger_postings.claim_postings(claim, context.chart_for, self.today))
        raise ValueError(f"unknown source kind {source_kind!r}")

    def _apply(self, source_kind: str, source_id: int, contract_id: int,
               booked: Booked) -> PostResult:
        context = self.context
        result = PostResult()
        seen: set[str] = set()
        waiting: list[Waiting] = []
        for item in self._desired(source_kind, source_id):
            seen.add(item.event_key)
            if isinstance(item, Waiting):
                waiting.append(item)
                continue
            placed = self._placed(item)
            if isinstance(placed, Waiting):
                waiting.append(placed)
                continue
            result += self._post(context.finalised(placed), booked.get(item.event_key, []),
                                 contract_id)
        # What was booked for an event that no longer applies (an indemnity withdrawn, a
        # claim cancelled before it was agreed) is withdrawn or reversed.
        for key, entries in booked.items():
            if key not in seen and entries:
                result += self._post(None, entries, contract_id)
        for wait in waiting:
            record_wait(self.s, context.books_id, wait, self.now)
        if source_id in self.waiting_sources:
            self._clear_waits(source_kind, source_id, {w.event_key for w in waiting})
        return dataclasses.replace(result, waiting=result.waiting + len(waiting))

    def _placed(self, posting: Posting) -> Posting | Waiting:
        """``posting`` dated in the year that takes it: its own date in an open year,
        the next open year's first day when its year is closed; a wait without one."""
        found = self.context.year_for(posting.entry_date)
        if found is None:
            return Waiting(event_key=posting.event_key, event_kind=posting.event_kind,
                           source_kind=posting.source_kind, source_id=posting.source_id,
                           event_date=posting.entry_date, code=NO_YEAR,
                           params={"on": posting.entry_date.isoformat()})
        _, entry_date = found
        if entry_date != posting.entry_date:
            return dataclasses.replace(posting, entry_date=entry_date)
        return posting

    def _post(self, desired: Posting | None, booked: list[ledger_diff.BookedPosting],
              contract_id: int) -> PostResult:
        from cofatui.rules import ledger_diff

        plan = ledger_diff.plan(desired, booked, correction_date=self.today)
        if not (plan.delete or plan.reverse or plan.post):
            return PostResult()
        deleted = delete_proposed(self.s, plan.delete)
        revision = max((b.revision for b in booked), default=0)
        reversed_count = 0
        reverses_id = next((b.entry_id for b in reversed(booked)
                            if b.status == EntryStatus.VALIDATED), None)
        for posting in (plan.reverse, plan.post):
            if posting is None:
                continue
            placed = self._placed(posting)
            if isinstance(placed, Waiting):
                # The correction's own date has no year: book it on the event's year.
                placed = posting
            found = self.context.year_for(placed.entry_date)
            if found is None:
                continue
            revision += 1
            fields: dict[str, Any] = dict(
                revision=revision, contract_id=contract_id,
                reverses_id=reverses_id if posting is plan.reverse else None)
            if self.batch is not None:
                self.batch.add(self.context, found[0], placed, **fields)
            else:
                write_entry(self.s, self.context, found[0], placed, **fields)
            if posting is plan.reverse:
                reversed_count += 1
        posted = 1 if plan.post is not None and not deleted else 0
        replaced = deleted if deleted else 0
        return PostResult(posted=posted, replaced=replaced, reversed=reversed_count)

    def _clear_waits(self, source_kind: str, source_id: int, keep: set[str]) -> None:
        cond = [AccountingWait.books_id == self.context.books_id,
                AccountingWait.source_kind == source_kind,
                AccountingWait.source_id == source_id]
        if keep:
            cond.append(AccountingWait.event_key.not_in(sorted(keep)))
        self.s.execute(delete(AccountingWait).where(*cond))


def book_source(s: Session, core: SqlCore, source_kind: str, source_id: int) -> PostResult:
    """Book what the source's events say now, in ``s``'s transaction (the write that
    changed the source). Nothing when its contract has no books."""
    contract_id = ledger_facts.contract_of(s, source_kind, source_id)
    if contract_id is None:
        return PostResult()
    books_id = books_id_of_contract(s, contract_id)
    if books_id is None:
        return PostResult()
    context = books_context(s, books_id)
    assert context is not None
    return _Poster(s, context, core.clock.today(), core.clock.now()).book(
        source_kind, [(source_id, contract_id)])


# --- generate -----------------------------------------------------------------------------


def _sources(s: Session, source_kind: str, contract_ids: list[int]) -> list[tuple[int, int]]:
    """Every source of the contracts: (id, contract id), oldest first."""
    if source_kind == "payment":
        query = select(PremiumPayment.id, PremiumPayment.contract_id).where(
            PremiumPayment.contract_id.in_(contract_ids)).order_by(PremiumPayment.id)
    elif source_kind == "cover_event":
        query = select(CoverEvent.id, OtherCover.contract_id).join(
            OtherCover, OtherCover.id == CoverEvent.cover_id).where(
            OtherCover.contract_id.in_(contract_ids)).order_by(CoverEvent.id)
    else:
        query = select(Claim.id, Claim.contract_id).where(
            Claim.contract_id.in_(contract_ids),
            Claim.status != ClaimStatus.DRAFT.value).order_by(Claim.id)
    return [(row[0], row[1]) for row in s.execute(query).all()]


def generate(core: SqlCore, books_ids: Iterable[int], *,
             chunk: int = CHUNK) -> PostResult:
    """Book what is missing in each set of books: every payment, cover event and
    registered claim of its contracts, ``chunk`` sources per transaction (a long run
    never holds the write lock for long, and what is done stays done)."""
    total = PostResult()
    for books_id in books_ids:
        with core._uow() as s:
            context = books_context(s, books_id)
            if context is None or not context.contract_ids:
                continue
            work = [(kind, _sources(s, kind, context.contract_ids)) for kind in SOURCE_KINDS]
        for kind, sources in work:
            for start in range(0, len(sources), chunk):
                total += _generate_chunk(core, books_id, kind, sources[start:start + chunk])
    return total


def _generate_chunk(core: SqlCore, books_id: int, kind: str,
                    sources: Sequence[tuple[int, int]]) -> PostResult:
    """One chunk in one transaction; when another writer posted the same difference
    first (the unique event key and revision), the chunk is read and booked again
    once: the other writer's entries are booked by then."""
    for attempt in (1, 2):
        try:
            with core._uow(write=True) as s:
                context = books_context(s, books_id)
                assert context is not None
                return _Poster(s, context, core.clock.today(), core.clock.now(),
                               savepoints=False).book(kind, sources)
        except Conflict:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def generate_for(ledger: SqlLedger, books_id: int | None) -> GenerateResult:
    """``repo.ledger.generate``: the books given (full accounting rights on each of
    its contracts), or every set the user may write."""
    from cofatui.repository.sql import books_access

    core = ledger.root
    with core._uow() as s:
        if books_id is not None:
            books_access.require_books(s, core, books_id, write=True)
            targets = [books_id]
        else:
            targets = []
            for readable in books_access.readable_books_ids(s, core):
                try:
                    books_access.require_books(s, core, readable, write=True)
                except Forbidden:  # read-only books are skipped, not refused
                    continue
                targets.append(readable)
    total = PostResult()
    for target in targets:  # each set of books audited with what it got
        result = generate(core, [target])
        with core._uow(write=True) as s:
            core._audit(s, "generate_entries", "books", target,
                        {"posted": [None, result.posted], "replaced": [None, result.replaced],
                         "reversed": [None, result.reversed],
                         "waiting": [None, result.waiting]})
        total += result
    return total.public()


def waits(ledger: SqlLedger, books_id: int) -> list[WaitPublic]:
    """``repo.ledger.waits``: the events of the books not booked yet and why, worded in
    the reader's language, oldest event first."""
    from cofatui.repository.sql import books_access

    core = ledger.root
    language = core.principal.language
    with core._uow() as s:
        books_access.require_books(s, core, books_id, write=False)
        rows = s.execute(select(AccountingWait).where(AccountingWait.books_id == books_id)
                         .order_by(AccountingWait.event_date, AccountingWait.id)).scalars()
        out = []
        for row in rows:
            params = json.loads(row.params or "{}")
            out.append(WaitPublic(
                books_id=books_id, event_key=row.event_key,
                event_kind=AccountingEventKind(row.event_kind), source_kind=row.source_kind,
                source_id=row.source_id, event_date=row.event_date, code=row.code,
                params=params, message=render(f"errors.{row.code}", params, language),
                since=row.since))
        return out
