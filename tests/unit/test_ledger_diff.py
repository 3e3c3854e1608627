"""The diff planner (issue 20 item 6): only the difference is posted, proposed entries
are replaced, validated ones are never touched but reversed, and a second plan after
applying the first gives nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.enums import AccountingEventKind, EntryStatus, Journal
from cofatui.rules.ledger_diff import BookedPosting, PostingPlan, net_of, plan
from cofatui.rules.ledger_model import Posting, PostingLine

D = Decimal
EVENT_DAY = date(2026, 2, 1)
LATER = date(2026, 5, 1)


def posting(lines: list[tuple[str, Decimal, str, Decimal | None]]) -> Posting:
    """Debit lines as given, balanced by one credit on 4687."""
    out = [PostingLine(a, amount, D(0), "Indemnité", aux, "", cur, "USD" if cur else "")
           for a, amount, aux, cur in lines]
    total = sum((ln.debit for ln in out), D(0))
    out.append(PostingLine("4687", D(0), total, "Indemnité"))
    return Posting("indemnity_agreed:1", AccountingEventKind.INDEMNITY_AGREED, Journal.OTHER,
                   EVENT_DAY, "DMS-1", EVENT_DAY, "Indemnité DMS-1", "claim", 1, tuple(out))


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999"), places=2)
desired_postings = st.none() | st.lists(
    st.tuples(st.sampled_from(["416", "654", "6817"]), amounts, st.sampled_from(["", "C1"]),
              st.none() | amounts), min_size=1, max_size=4).map(posting)


class Books:
    """What the repository does with a plan: delete proposed entries, write the rest."""

    def __init__(self) -> None:
        self.booked: list[BookedPosting] = []
        self.next_id = 1

    def apply(self, p: PostingPlan) -> None:
        self.booked = [b for b in self.booked if b.entry_id not in p.delete]
        for written in (p.reverse, p.post):
            if written is not None:
                assert written.entry_date >= EVENT_DAY
                self.booked.append(BookedPosting(
                    self.next_id, self.next_id, EntryStatus.PROPOSED, written.lines,
                    written.event_key, written.event_kind, written.journal,
                    written.entry_date, written.piece_ref, written.piece_date, written.label,
                    written.source_kind, written.source_id))
                self.next_id += 1

    def validate(self) -> None:
        self.booked = [BookedPosting(b.entry_id, b.revision, EntryStatus.VALIDATED, b.lines,
                                     b.event_key, b.event_kind, b.journal, b.entry_date,
                                     b.piece_ref, b.piece_date, b.label, b.source_kind,
                                     b.source_id) for b in self.booked]


@settings(deadline=None, max_examples=300)
@given(st.lists(st.tuples(desired_postings, st.booleans()), min_size=1, max_size=6))
def test_applying_a_plan_books_the_event_and_a_second_plan_is_empty(
        steps: list[tuple[Posting | None, bool]]) -> None:
    books = Books()
    for desired, validate_after in steps:
        validated_before = [b for b in books.booked if b.status is EntryStatus.VALIDATED]
        first = plan(desired, books.booked, correction_date=LATER)
        assert set(first.delete) <= {b.entry_id for b in books.booked
                                      if b.status is EntryStatus.PROPOSED}
        books.apply(first)
        # Validated entries are never deleted.
        assert all(b in books.booked for b in validated_before)
        want = net_of(desired.lines) if desired is not None else {}
        assert net_of(ln for b in books.booked for ln in b.lines) == want
        assert plan(desired, books.booked, correction_date=LATER).empty
        if validate_after:
            books.validate()


def test_nothing_when_booked_equals_the_event() -> None:
    p = posting([("654", D("10.00"), "", None)])
    for status in EntryStatus:
        assert plan(p, [BookedPosting(1, 1, status, p.lines)], correction_date=LATER).empty
    assert plan(None, [], correction_date=LATER).empty


def test_a_proposed_entry_is_replaced() -> None:
    old, new = posting([("654", D("10.00"), "", None)]), posting([("654", D("12.00"), "", None)])
    result = plan(new, [BookedPosting(7, 1, EntryStatus.PROPOSED, old.lines)],
                  correction_date=LATER)
    assert result == PostingPlan(delete=(7,), reverse=None, post=new)


def test_a_validated_entry_that_changed_is_reversed_and_rebooked_at_the_correction_date() -> None:
    old, new = posting([("654", D("10.00"), "", None)]), posting([("654", D("12.00"), "", None)])
    result = plan(new, [BookedPosting(7, 1, EntryStatus.VALIDATED, old.lines)],
                  correction_date=LATER)
    assert result.delete == () and result.reverse is not None and result.post is not None
    assert [(ln.account, ln.debit, ln.credit) for ln in result.reverse.lines] == [
        ("654", D(0), D("10.00")), ("4687", D("10.00"), D(0))]
    assert result.reverse.label == "Extourne Indemnité DMS-1"
    assert result.reverse.event_kind is AccountingEventKind.REVERSAL
    assert result.reverse.entry_date == result.post.entry_date == LATER
    # A correction dated before the event keeps the event's date.
    early = plan(new, [BookedPosting(7, 1, EntryStatus.VALIDATED, old.lines)],
                 correction_date=date(2026, 1, 1))
    assert early.post is not None and early.post.entry_date == EVENT_DAY


def test_an_event_that_no_longer_applies_is_reversed_from_the_booked_entry() -> None:
    old = posting([("416", D("10.00"), "C1", D("11.00"))])
    booked = BookedPosting(7, 1, EntryStatus.VALIDATED, old.lines, old.event_key,
                           old.event_kind, old.journal, old.entry_date, old.piece_ref,
                           old.piece_date, old.label, old.source_kind, old.source_id)
    result = plan(None, [booked], correction_date=LATER)
    assert result.post is None and result.reverse is not None
    assert result.reverse.event_key == "indemnity_agreed:1"
    first = result.reverse.lines[0]
    assert (first.account, first.credit, first.aux_num, first.currency_amount,
            first.currency) == ("416", D("10.00"), "C1", D("11.00"), "USD")
