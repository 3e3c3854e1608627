"""What to write for one event key, given what is booked for it (issue 20 item 6):
post only the difference, so reruns and a second server add nothing.

Lines are compared as their net per (account, auxiliary, currency): EUR debit − credit
and the signed Montantdevise. Then:

- booked net == desired net → nothing;
- proposed entries are replaced (deleted, then the desired posting net of what is
  validated is posted);
- a validated entry is never touched: when the validated net differs from the desired
  one, a reversal of the validated net and the new posting are written, dated
  ``correction_date`` when that is later than the event date.

``desired`` must already carry the final account numbers (the books' overrides
applied), as the booked lines do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from cofatui.enums import AccountingEventKind, EntryStatus, Journal
from cofatui.rules.ledger_labels import reversal_label
from cofatui.rules.ledger_model import Posting, PostingLine

__all__ = ["BookedPosting", "PostingPlan", "net_of", "plan"]

_Key = tuple[str, str, str]  # account, aux_num, currency
_Net = dict[_Key, tuple[Decimal, Decimal]]  # EUR, currency amount (signed: debit > 0)


@dataclass(frozen=True)
class BookedPosting:
    """An entry already written for the event key. The descriptive fields are needed
    only to reverse a validated entry when the event no longer applies (no desired
    posting to copy them from)."""

    entry_id: int
    revision: int
    status: EntryStatus
    lines: tuple[PostingLine, ...]
    event_key: str = ""
    event_kind: AccountingEventKind = AccountingEventKind.REVERSAL
    journal: Journal = Journal.OTHER
    entry_date: date = date.min
    piece_ref: str = ""
    piece_date: date = date.min
    label: str = ""
    source_kind: str = ""
    source_id: int = 0


@dataclass(frozen=True)
class PostingPlan:
    delete: tuple[int, ...] = ()  # proposed entry ids to delete
    reverse: Posting | None = None  # reversal of the validated net
    post: Posting | None = None

    @property
    def empty(self) -> bool:
        return not self.delete and self.reverse is None and self.post is None


def net_of(lines: Iterable[PostingLine]) -> _Net:
    """Net per (account, aux_num, currency), zero EUR nets dropped."""
    net: dict[_Key, tuple[Decimal, Decimal]] = {}
    for line in lines:
        key = (line.account, line.aux_num, line.currency)
        sign = 1 if line.debit else -1
        eur, cur = net.get(key, (Decimal(0), Decimal(0)))
        net[key] = (eur + line.debit - line.credit,
                    cur + sign * (line.currency_amount or Decimal(0)))
    # A currency residue without EUR cannot be booked (a line needs an EUR amount).
    return {k: v for k, v in net.items() if v[0] != 0}


def _lines(booked: Iterable[BookedPosting]) -> list[PostingLine]:
    return [line for b in booked for line in b.lines]


def _reversal(validated: Sequence[BookedPosting], template: Posting | None,
              on: date) -> Posting | None:
    """The entry cancelling the validated net: each net line on the other side."""
    net = net_of(_lines(validated))
    last = validated[-1]
    labels = {(ln.account, ln.aux_num, ln.currency): ln for b in validated for ln in b.lines}
    base_label = template.label if template is not None else last.label
    text = reversal_label(base_label)
    lines: list[PostingLine] = []
    for key, (eur, cur) in net.items():
        seen = labels[key]
        lines.append(PostingLine(
            account=key[0], debit=-eur if eur < 0 else Decimal(0),
            credit=eur if eur > 0 else Decimal(0), label=text, aux_num=key[1],
            aux_label=seen.aux_label, currency_amount=abs(cur) if cur and key[2] else None,
            currency=key[2] if cur and key[2] else ""))
    if len(lines) < 2:
        return None
    if template is not None:
        return replace(template, event_kind=AccountingEventKind.REVERSAL, label=text,
                       entry_date=max(on, template.entry_date), lines=tuple(lines))
    return Posting(
        event_key=last.event_key, event_kind=AccountingEventKind.REVERSAL,
        journal=last.journal, entry_date=max(on, last.entry_date), piece_ref=last.piece_ref,
        piece_date=last.piece_date, label=text, source_kind=last.source_kind,
        source_id=last.source_id, lines=tuple(lines))


def plan(desired: Posting | None, booked: Sequence[BookedPosting], *,
         correction_date: date) -> PostingPlan:
    """What to delete and write so that the booked net becomes ``desired``'s."""
    want = net_of(desired.lines) if desired is not None else {}
    if net_of(_lines(booked)) == want:
        return PostingPlan()
    proposed = tuple(b.entry_id for b in booked if b.status is EntryStatus.PROPOSED)
    validated = [b for b in booked if b.status is EntryStatus.VALIDATED]
    validated_net = net_of(_lines(validated))
    if validated_net == want:
        return PostingPlan(delete=proposed)
    if not validated_net:
        return PostingPlan(delete=proposed, post=desired)
    reverse = _reversal(validated, desired, correction_date)
    post = None
    if desired is not None:
        post = replace(desired, entry_date=max(correction_date, desired.entry_date))
    return PostingPlan(delete=proposed, reverse=reverse, post=post)
