"""The claims handler's queue (SPEC §1 "Arbitrage"): the registered claims of every
policyholder, oldest first, beside the product requests and the extensions.

Paged by offset over ``ix_claim_open_queue`` (the open claims by submission time, a
partial index) or ``ix_claim_status_submitted`` (one status): a page reads a range of
the index, and past the middle the page is read from the other end, so the End key
does not skip the whole queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from cofatui.enums import Role
from cofatui.errors import Forbidden, ValidationFailed
from cofatui.models import Claim, Company, Contract
from cofatui.repository.base import MAX_PAGE
from cofatui.repository.sql.core import SqlArea
from cofatui.repository.sql.paging import SortKey, encode_cursor, seek_rows
from cofatui.rules import claims as rules
from cofatui.schemas import ClaimQueueFilter, ClaimQueueItem, Page, Seek

__all__ = ["ClaimsQueue"]

#: The open claims, written as the partial index's WHERE (``models.claim``): a planner
#: uses a partial index only for a query that says the same, in literals, not parameters.
OPEN = text("status IN (" + ", ".join(f"'{s.value}'" for s in rules.QUEUE_OPEN_STATUSES)
            + ")")


def _conditions(flt: ClaimQueueFilter) -> list[Any]:
    cond: list[Any] = [Claim.status == flt.status.value] if flt.status else [OPEN]
    if flt.contract_id is not None:
        cond.append(Claim.contract_id == flt.contract_id)
    if flt.intervention_requested is not None:
        cond.append(Claim.intervention_requested.is_(flt.intervention_requested))
    if flt.currency:
        cond.append(Claim.currency == flt.currency.upper())
    if flt.amount_min is not None:
        cond.append(Claim.claim_amount >= flt.amount_min)
    if flt.amount_max is not None:
        cond.append(Claim.claim_amount <= flt.amount_max)
    return cond


#: The queue's order: oldest submission first. A queued claim is a registered one, so
#: submitted_at is never NULL (``_item`` relies on it too): the bare column keeps the
#: queue's indexes usable.
QUEUE_ORDER = (SortKey(Claim.submitted_at, datetime), SortKey(Claim.id, int))


def _keys(s: Session, cond: list[Any], offset: int, limit: int, total: int) -> list[int]:
    """The page's claim ids, oldest first; past the middle read from the newest end."""
    if offset >= total:
        return []
    if offset > total // 2:
        end = min(total, offset + limit)
        ids = s.execute(select(Claim.id).where(*cond)
                        .order_by(Claim.submitted_at.desc(), Claim.id.desc())
                        .offset(total - end).limit(end - offset)).scalars()
        return list(ids)[::-1]
    return list(s.execute(select(Claim.id).where(*cond)
                          .order_by(Claim.submitted_at, Claim.id)
                          .offset(offset).limit(limit)).scalars())


class ClaimsQueue(SqlArea):
    def queue(self, flt: ClaimQueueFilter | None = None, offset: int = 0,
              limit: int = 100, seek: Seek | None = None) -> Page[ClaimQueueItem]:
        """Registered claims of every policyholder, oldest submission first; for the
        claims handlers (underwriter role) only. A page read by key is not counted."""
        if self.principal.role != Role.UNDERWRITER:
            raise Forbidden("access.handlers_see_queue")
        flt = flt or ClaimQueueFilter()
        errors = rules.queue_filter_errors(flt.status, flt.contract_id, flt.amount_min,
                                           flt.amount_max, flt.currency)
        if errors:
            raise ValidationFailed(errors)
        limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
        cond = _conditions(flt)
        with self._uow() as s:
            if seek is None:
                total = s.execute(select(func.count()).select_from(Claim).where(*cond)
                                  ).scalar_one()
                keys = _keys(s, cond, offset, limit, total)
            else:
                total = -1
                found = seek_rows(s, select(Claim.id, Claim.submitted_at).where(*cond),
                                  QUEUE_ORDER, seek, 0, limit,
                                  lambda row: (row.submitted_at, row.id))
                keys = [row.id for row in found.rows]
            rows = s.execute(
                select(Claim, Contract.policy_number, Contract.policyholder, Company.name,
                       Company.country)
                .join(Contract, Contract.id == Claim.contract_id)
                .join(Company, Company.id == Claim.company_id)
                .where(Claim.id.in_(keys or [-1]))).all()
            by_id = {row[0].id: row for row in rows}
            items = [_item(*by_id[k]) for k in keys if k in by_id]
            ends = ((encode_cursor((items[0].submitted_at, items[0].claim_id)),
                     encode_cursor((items[-1].submitted_at, items[-1].claim_id)))
                    if items else (None, None))
            return Page(items=items, offset=0 if seek else offset, limit=limit,
                        total=total, first_cursor=ends[0], last_cursor=ends[1])


def _item(claim: Claim, policy_number: str, policyholder: str, company_name: str,
          country: str) -> ClaimQueueItem:
    assert claim.id is not None and claim.submitted_at is not None
    return ClaimQueueItem(
        claim_id=claim.id, reference=claim.reference, contract_id=claim.contract_id,
        policy_number=policy_number, policyholder=policyholder, company_id=claim.company_id,
        company_name=company_name, country=country, status=claim.status, reason=claim.reason,
        intervention_requested=claim.intervention_requested, currency=claim.currency,
        claim_amount=claim.claim_amount, submitted_at=claim.submitted_at,
        updated_at=claim.updated_at, version=claim.version)
