"""Bulk orders: running one order line (issue 14, item 6).

Each line runs in its own transaction, through the same product commands as NEW
ACTION (``_request_in``, ``_modify_in``, ``_delete_in``, ``_stop_monitoring_in``: the
commands' bodies, run in the line's unit of work), which also updates the portfolio
entry's client reference and outstanding amount, writes an audit entry naming the
import and the line, and stores the line's result. A line that fails leaves nothing
but its result, written in a transaction of its own after the failed one rolled back.

Refusals are mapped to the seed's codes (:func:`refusal`); a stale version is tried
once more; an unexpected exception is ``technical_error`` with an incident id in the
log, and the import goes on. In a check the line runs the same way and its
transaction is rolled back: everything is checked on current data, nothing is
ordered.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from cofatui.enums import ProductStatus
from cofatui.errors import CofaError, Conflict, Forbidden, Unavailable, ValidationFailed
from cofatui.formats.bulk_orders import ERROR, OK, LineError, OrderLine, RejectedLine
from cofatui.formats.imports import LineProblem
from cofatui.i18n.messages import encode_params
from cofatui.models import BulkImport, BulkLine, Job, PortfolioEntry, Product, ProductEvent
from cofatui.repository.sql.bulk_resolve import Resolved
from cofatui.repository.sql.engine import translated_errors
from cofatui.repository.sql.search import search_key
from cofatui.rules import products as product_rules
from cofatui.schemas import ProductPublic, ProductRequest
from cofatui.schemas_jobs import JobStatus

if TYPE_CHECKING:
    from cofatui.repository.sql import SqlRepository

log = logging.getLogger(__name__)

#: Eligibility refusals of an order (``rules.products.eligibility``) other than the
#: ones the seed names apart.
_NOT_ELIGIBLE = frozenset({"products.already_ordered", "products.ecl_needs_no_cover",
                           "products.ecl_refused_recently", "products.topliner_quote_open",
                           "products.topliner_needs_refusal", "products.topliner_unpaid"})
#: The command refuses the action itself on this product.
_ACTION_REFUSED = frozenset({"products.delete_monitored", "products.no_monitoring"})
_SEED_KEYS = {"products.cover_exists": "one_insurance_credit_per_company",
              "portfolio.full": "portfolio_limit_reached",
              "products.not_in_contract": "product_not_supported"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a line came to: OK with its product (and maybe a note), or an error."""

    status: str
    error: LineError | None = None
    product: ProductPublic | None = None
    note: LineProblem | None = None


class _Checked(Exception):
    """Leaves a check's transaction without committing, carrying what the line did."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("check")
        self.outcome = outcome


def refusal(exc: CofaError) -> LineError:
    """A product command's refusal as the line's code, its detail the command's own
    message (item 6's mapping)."""
    code, params = exc.code, dict(exc.params)
    if isinstance(exc, ValidationFailed) and exc.errors:
        code, params = exc.errors[0].code, dict(exc.errors[0].params)
    if isinstance(exc, Forbidden) or code in _ACTION_REFUSED:
        key = "action_not_allowed"
    elif code in _SEED_KEYS:
        key = _SEED_KEYS[code]
    elif code in _NOT_ELIGIBLE:
        key = "product_not_allowed_on_company"
    else:
        key = "order_submission_failed"
    return LineError(key, LineProblem(code, params))


#: PostgreSQL: a line's commit does not wait for its WAL record to reach the disk
#: (one fsync per line, 4 ms and more on a busy disk, was most of a run). The line is
#: still all or nothing, and seen by others once committed; only a crash of the
#: database server itself may lose the last fraction of a second of committed lines,
#: each with its result, so the resumed job runs them again (it runs every line
#: without a result, and none twice). Set per transaction (``SET LOCAL``): the pooled
#: connection keeps the server's setting for everything else.
_NO_WAIT_FOR_FLUSH = text("SET LOCAL synchronous_commit = off")

#: The import's job shows its progress at least this often while lines run.
PROGRESS_SECONDS = 0.5


#: The product a U, D or S line acts on (built once).
_LIVE = select(Product).where(
    Product.contract_id == bindparam("contract_id"),
    Product.company_id == bindparam("company_id"), Product.code == bindparam("code"),
    Product.status.in_([st.value for st in product_rules.LIVE_STATUSES])
).order_by(Product.id.desc())

_PROGRESS = update(Job).where(
    Job.id == bindparam("job_id"), Job.status == JobStatus.RUNNING.value).values(
    progress_done=bindparam("done"), progress_total=bindparam("total"))


class JobProgress:
    """The import job's progress (``job.progress_done``), written in the transaction
    that stores a line's result, at most every :data:`PROGRESS_SECONDS`. The worker's
    heartbeat writes it too, but only every second and in a transaction of its own,
    which on SQLite waits for the lock the lines take one after the other; written
    here it costs one UPDATE in a transaction that is open anyway."""

    def __init__(self, job_id: int | None) -> None:
        self.job_id = job_id
        self.written = float("-inf")  # the first result writes it at once

    def write(self, s: Session, done: int, total: int) -> None:
        now = time.monotonic()
        if self.job_id is None or now - self.written < PROGRESS_SECONDS:
            return
        self.written = now
        s.connection().execute(_PROGRESS, {"job_id": self.job_id, "done": done,
                                           "total": total})


class LineRunner:
    """Runs the lines of one import for the import's user (``root``).

    The contract's row and decision tables are read once for the run
    (:class:`~cofatui.repository.sql.product_commands.ContractFacts`), not by every
    line: each line still reads the company, its products, claims and portfolio entry
    in its own transaction, where the rules look at them."""

    def __init__(self, root: SqlRepository, bulk: BulkImport,
                 progress: JobProgress | None = None) -> None:
        self.root = root
        self.bulk = bulk
        assert bulk.id is not None
        self.import_id: int = bulk.id
        self.progress = progress or JobProgress(None)
        with root._uow() as s:
            self.facts = root.products._contract_facts(s, bulk.contract_id)
            s.expunge(self.facts.contract)  # read after the transaction ends
        self._conn: Connection | None = None
        self._postgresql = False

    def __enter__(self) -> LineRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._conn is not None:
            self._conn.info["write"] = False
            self._conn.close()
            self._conn = None

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One line's write transaction, as the repository's unit of work makes them
        (committed on success, rolled back on any error, database errors translated),
        on a connection the run checks out once: on PostgreSQL every checkout of a
        pooled connection costs a round trip to test it."""
        if self._conn is None:
            self._conn = self.root.engine.connect()
            self._postgresql = self._conn.dialect.name == "postgresql"
            self._conn.info["write"] = True  # SQLite: BEGIN IMMEDIATE
        with translated_errors(), Session(bind=self._conn, expire_on_commit=False) as s, \
                self.root._principal_read_in(s):
            if self._postgresql:
                s.execute(_NO_WAIT_FOR_FLUSH)
            yield s
            s.commit()

    # --- running -------------------------------------------------------------------
    def run(self, order: OrderLine, company: Resolved, done: int = 0, total: int = 0) -> str:
        """Run the line and store its result (see the module's docstring); returns
        the line's status. ``done`` of ``total`` lines had a result before it."""
        outcome: Outcome | None = None
        for attempt in (1, 2):
            try:
                with self._transaction() as s:
                    result = self._execute(s, order, company)
                    if self.bulk.check:
                        raise _Checked(result)
                    self._store(s, order, company, result)
                    self.progress.write(s, done + 1, total)
                return result.status
            except _Checked as checked:
                outcome = checked.outcome
                break
            except Conflict as exc:
                if attempt == 1:
                    continue
                outcome = Outcome(ERROR, LineError(
                    "order_submission_failed",
                    LineProblem("bulk_imports.stale", {"reason": exc.code})))
            except Unavailable:
                raise  # the database is away: the job is tried again and resumes here
            except CofaError as exc:
                outcome = Outcome(ERROR, refusal(exc))
                break
            except Exception:
                incident = uuid.uuid4().hex[:12]
                log.exception("bulk import %s, line %s: incident %s", self.import_id,
                              order.line_no, incident)
                outcome = Outcome(ERROR, LineError(
                    "technical_error",
                    LineProblem("bulk_imports.technical_error", {"incident": incident})))
                break
        assert outcome is not None
        with self._transaction() as s:
            self._store(s, order, company, outcome)
            self.progress.write(s, done + 1, total)
        return outcome.status

    def _execute(self, s: Session, order: OrderLine, company: Resolved) -> Outcome:
        products = self.root.products
        contract_id = self.bulk.contract_id
        note: LineProblem | None = None
        if order.action == "C":
            product = products._request_in(s, ProductRequest(
                contract_id=contract_id, company_id=company.id, code=order.product,
                amount=order.amount.amount if order.amount else None,
                client_reference=order.client_reference or ""), self.facts)
        else:
            products._lock_entry(s, contract_id, company.id)
            live = s.execute(_LIVE, {"contract_id": contract_id, "company_id": company.id,
                                     "code": order.product}).scalars().first()
            if live is None:
                ended = self._ended_by_stop(s, order, company) if order.action == "D" \
                    else None
                if ended is None:
                    return Outcome(ERROR, LineError.of(
                        "action_not_allowed", "bulk_imports.no_live_product", "action",
                        product=order.product, action=order.action))
                product, note = ended, LineProblem("bulk_imports.ended_by_stop", {})
            else:
                assert live.id is not None
                if order.action == "U":
                    assert order.amount is not None
                    product = products._modify_in(s, live.id, order.amount.amount,
                                                  live.version)
                elif order.action == "D":
                    product = products._delete_in(s, live.id, live.version)
                else:
                    product = products._stop_monitoring_in(s, live.id, live.version)
        # Every command touched the portfolio entry; a D after an S ran none.
        self._entry(s, order, company, touched=note is None)
        return Outcome(OK, product=product, note=note)

    def _ended_by_stop(self, s: Session, order: OrderLine,
                       company: Resolved) -> ProductPublic | None:
        """A D after an S: the monitored product already ended when its monitoring was
        stopped (SPEC §5), which is what the D asked for."""
        if order.product not in product_rules.MONITORED_CODES:
            return None
        last = s.execute(select(Product).where(
            Product.contract_id == self.bulk.contract_id, Product.company_id == company.id,
            Product.code == order.product, Product.status == ProductStatus.DELETED.value)
            .order_by(Product.updated_at.desc(), Product.id.desc())).scalars().first()
        if last is None:
            return None
        action = s.execute(select(ProductEvent.action).where(
            ProductEvent.product_id == last.id).order_by(ProductEvent.id.desc())
            .limit(1)).scalar()
        return ProductPublic.model_validate(last) if action == "stop_monitoring" else None

    def _entry(self, s: Session, order: OrderLine, company: Resolved, *,
               touched: bool) -> None:
        """The client reference and outstanding amount the line gives, in the line's
        transaction, and the audit entry naming the import and the line. ``touched``:
        the command already marked the entry updated (one UPDATE, not two)."""
        changes: dict[str, list[object]] = {
            "line": [None, order.line_no], "action": [None, order.action],
            "product": [None, order.product]}
        if order.client_reference is not None or order.outstanding is not None \
                or not touched:
            entry = s.execute(select(PortfolioEntry).where(
                PortfolioEntry.contract_id == self.bulk.contract_id,
                PortfolioEntry.company_id == company.id)).scalars().first()
            if entry is not None:
                self._change_entry(entry, order, company, changes, touched)
        self.root._audit(s, "bulk_order", "bulk_import", self.import_id, changes,
                         self.bulk.contract_id)

    def _change_entry(self, entry: PortfolioEntry, order: OrderLine, company: Resolved,
                      changes: dict[str, list[object]], touched: bool) -> None:
        before = len(changes)
        if order.client_reference is not None \
                and order.client_reference != entry.client_reference:
            changes["client_reference"] = [entry.client_reference, order.client_reference]
            entry.client_reference = order.client_reference
            entry.search_text = search_key(company.name, order.country,
                                           company.easy_number, order.client_reference)
        if order.outstanding is not None \
                and order.outstanding.amount != entry.outstanding_amount:
            changes["outstanding_amount"] = [entry.outstanding_amount,
                                             order.outstanding.amount]
            entry.outstanding_amount = order.outstanding.amount
        if len(changes) > before or not touched:
            entry.updated_at = self.root.clock.now()

    # --- results -------------------------------------------------------------------
    def _store(self, s: Session, order: OrderLine, company: Resolved | None,
               outcome: Outcome) -> None:
        product = outcome.product
        status, expected, amount = _product_state(product)
        problem = outcome.error.detail if outcome.error is not None else outcome.note
        row = _line_row(self.import_id, order, outcome.status, outcome.error, company)
        row.update(detail_code=problem.code if problem else None,
                   detail_params=_params(problem),
                   product_id=product.id if product else None, product_status=status,
                   expected_decision_at=expected, amount=amount,
                   currency=product.currency if product else None)
        store_rows(s, [row])


_LINE_INSERT = insert(BulkLine)


def store_rows(s: Session, rows: list[dict[str, Any]]) -> None:
    """Insert line results as plain rows (one statement for many), on the session's
    connection: a result is written once and never read back in the same
    transaction, so it needs neither an ORM object nor a flush before it."""
    if rows:
        s.connection().execute(_LINE_INSERT, rows)


def error_row(import_id: int, line: OrderLine | RejectedLine, error: LineError,
              company: Resolved | None = None, *, status: str = ERROR) -> dict[str, Any]:
    """The result of a line that does not run: refused by the format checks, not
    resolved, a duplicate, not run after its group failed, or not processed."""
    return _line_row(import_id, line, status, error, company)


def store_error(s: Session, import_id: int, line: OrderLine | RejectedLine,
                error: LineError, company: Resolved | None = None, *,
                status: str = ERROR) -> None:
    store_rows(s, [error_row(import_id, line, error, company, status=status)])


def _line_row(import_id: int, line: OrderLine | RejectedLine, status: str,
              error: LineError | None, company: Resolved | None) -> dict[str, Any]:
    """A ``bulk_line`` row with every column, so that all rows of a statement match."""
    order = line if isinstance(line, OrderLine) else None
    return dict(
        import_id=import_id, line_no=line.line_no, text=line.text, status=status,
        code=error.key if error else None,
        detail_code=error.detail.code if error else None,
        detail_params=_params(error.detail if error else None),
        field=error.field if error else None,
        company_id=company.id if company else None,
        company_name=company.name if company else None,
        easy_number=company.easy_number if company else None,
        product=order.product if order else None, action=order.action if order else None,
        product_id=None, product_status=None, expected_decision_at=None, amount=None,
        currency=None)


def _params(problem: LineProblem | None) -> str:
    return json.dumps(encode_params(problem.params)) if problem else "{}"


def _product_state(product: ProductPublic | None
                   ) -> tuple[str | None, datetime | None, Decimal | None]:
    """The product's status as the line shows it: a request pending on it (an amount
    asked) shows pending with its expected date and the amount asked."""
    if product is None:
        return None, None, None
    pending = product.pending_request
    if pending is not None and pending.status == "pending":
        return "pending", pending.expected_decision_at, pending.requested_amount
    amount = product.decided_amount if product.decided_amount is not None \
        else product.requested_amount
    return product.status.value, product.expected_decision_at, amount
