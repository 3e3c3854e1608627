"""The rules of ILUs, "demandes d'engagements" (issue 17 item 6, seed 001 "DEMANDE
D'ENGAGEMENTS"): when one may be issued, when it reads as expired, and what an answer
must hold. Pure functions; ``repository/sql/ilus.py`` gathers the facts and enforces
them on every backend."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from cofatui.enums import IluStatus
from cofatui.errors import FieldError, RuleViolation, ValidationFailed
from cofatui.rules.products import ProductFact, amount_errors, credit_decision_prevails
from cofatui.schemas_ilu import COMMENT_MAX, DEFAULT_DEADLINE_DAYS

#: ``closed_reason`` of an ILU whose cover was deleted another way (NEW ACTION, a bulk
#: order...) or replaced by a transform: it closes and says so.
COVER_DELETED = "cover_deleted"
COVER_REPLACED = "cover_replaced"


def deadline(asked: date | None, today: date) -> date:
    """The answer is due on ``asked``, by default 30 days from today (our choice); a
    deadline in the past is refused at its field."""
    if asked is None:
        return today + timedelta(days=DEFAULT_DEADLINE_DAYS)
    if asked < today:
        raise ValidationFailed.at("deadline", "ilu.deadline_past", today=today)
    return asked


def the_cover(products: Sequence[ProductFact]) -> ProductFact:
    """The cover an ILU asks about: the buyer's active credit decision (a credit limit
    prevails over an @rating one, as the company page shows it)."""
    cover = credit_decision_prevails(products)
    if cover is None:
        raise RuleViolation("ilu.no_active_cover")
    return cover


def status_on(stored: IluStatus, due: date, today: date) -> IluStatus:
    """An open ILU past its deadline is expired, whether the expiry job stored it yet
    or not (the deadline day itself is still open)."""
    if stored == IluStatus.OPEN and today > due:
        return IluStatus.EXPIRED
    return stored


def check_answerable(stored: IluStatus, due: date, today: date) -> None:
    """Only an open ILU before the end of its deadline day is answered, once."""
    status = status_on(stored, due, today)
    if status == IluStatus.EXPIRED:
        raise RuleViolation("ilu.expired", deadline=due)
    if status == IluStatus.ANSWERED:
        raise RuleViolation("ilu.already_answered")
    if status == IluStatus.CLOSED:
        raise RuleViolation("ilu.closed")


def answer_errors(delete_cover: bool, real_need: Decimal | None, currency: str,
                  comment: str) -> list[FieldError]:
    """Keeping the cover, the real need is mandatory, in the cover's currency (its
    decimals), at least 0; the comment holds at most 250 characters (seed)."""
    errors: list[FieldError] = []
    if not delete_cover:
        if real_need is None:
            errors.append(FieldError("real_need", "ilu.real_need_missing"))
        elif real_need < 0:
            errors.append(FieldError("real_need", "ilu.real_need_negative"))
        elif real_need != 0:
            errors += amount_errors(real_need, currency, field="real_need")
    if len(comment) > COMMENT_MAX:
        errors.append(FieldError("comment", "ilu.comment_too_long", {"max": COMMENT_MAX}))
    return errors


def need_above_cover(real_need: Decimal | None, cover: Decimal | None) -> bool:
    """A real need above the cover: the seed asks for a modification request, the usual
    way, outside the ILU."""
    return real_need is not None and real_need > (cover or Decimal(0))
