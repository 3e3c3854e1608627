"""The states of a Chorus Pro invoice and who may move it where (issue 18 item 7, seed
003 §VIII–§XXIII), as data: one :class:`Move` per row of the table. Screens, the API
and the CLI offer exactly what :func:`recipient_moves` and :func:`supplier_actions`
return; the SQL repository calls :func:`check_process` before it writes.

Our choices where the seeds are silent: the processing states only move forward;
returns (to recycle, suspended, rejected) stop once mandated; undoing a rejection needs
a comment; "received too early" needs no new attachment to complete; comments are at
most 255 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cofatui.enums import (
    CHORUS_CODES,
    ChorusActor,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusState,
    ChorusSuspensionReason,
)
from cofatui.errors import FieldError, RuleViolation, ValidationFailed

S = ChorusState

#: Processing order: a recipient only moves forward along it.
PROCESSING: tuple[ChorusState, ...] = (S.SERVICE_DONE, S.MANDATED,
                                       S.MADE_AVAILABLE_ACCOUNTANT, S.ACCOUNTED,
                                       S.PAYMENT_IN_PROGRESS)
#: What the recipient returns to the supplier, with a comment.
RETURNS: frozenset[ChorusState] = frozenset({S.TO_RECYCLE, S.SUSPENDED, S.REJECTED})
#: What a recipient never sees.
HIDDEN_FROM_RECIPIENT: frozenset[ChorusState] = frozenset({S.DRAFT, S.NON_COMPLIANT})
#: The supplier's "anomalies" list (seed 003 §XVIII).
ANOMALIES: frozenset[ChorusState] = frozenset({S.NON_COMPLIANT, S.TO_RECYCLE, S.SUSPENDED,
                                               S.REJECTED})
COMMENT_MAX = 255


class Comment(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


class SupplierAction(StrEnum):
    """The supplier's answers (issue 18 item 8), offered per state by the table."""

    SUBMIT = "submit"  # deposit a draft
    DELETE = "delete"  # delete a draft
    CORRECT = "correct"  # non-compliant or to recycle → deposited again, number kept
    COMPLETE = "complete"  # suspended → completed
    CHANGE_PAYMENT_MODE = "change_payment_mode"  # rejected: PRELEVEMENT → VIREMENT
    CREDIT_NOTE = "credit_note"  # issue the 381 that invalidates it
    REISSUE = "reissue"  # copy into a new draft with a new number


@dataclass(frozen=True)
class Move:
    """One row of the table: from any of ``sources`` to any of ``targets``, by
    ``actor``. ``targets`` empty: an answer that keeps the state (the payment mode)."""

    seed: str  # the seed chapter the row comes from
    sources: frozenset[ChorusState]
    targets: frozenset[ChorusState]
    actor: ChorusActor
    comment: Comment
    action: SupplierAction | None = None  # the supplier answer the row is
    forward_only: bool = False  # processing states: only later ones


def _f(*states: ChorusState) -> frozenset[ChorusState]:
    return frozenset(states)


TABLE: tuple[Move, ...] = (
    # — → draft (entry or deposit); drafts may be deleted.
    Move("004 Le mode Portail", _f(S.DRAFT), _f(), ChorusActor.SUPPLIER, Comment.NONE,
         SupplierAction.DELETE),
    # draft, non-compliant → deposited → made available / non-compliant (§VIII).
    Move("003 §VIII", _f(S.DRAFT), _f(S.DEPOSITED), ChorusActor.SUPPLIER, Comment.NONE,
         SupplierAction.SUBMIT),
    Move("003 §VIII", _f(S.NON_COMPLIANT), _f(S.DEPOSITED), ChorusActor.SUPPLIER,
         Comment.OPTIONAL, SupplierAction.CORRECT),
    Move("003 §VIII", _f(S.DEPOSITED), _f(S.MADE_AVAILABLE, S.NON_COMPLIANT),
         ChorusActor.SYSTEM, Comment.NONE),
    # Returns: to recycle, suspended, rejected, with a comment (§IX, §XII, §XIX, §XXII).
    Move("003 §IX §XII §XIX §XXII", _f(S.MADE_AVAILABLE, S.COMPLETED, S.SERVICE_DONE),
         RETURNS, ChorusActor.RECIPIENT, Comment.REQUIRED),
    # Any forward jump from made available or completed (§XXIII).
    Move("003 §XXIII", _f(S.MADE_AVAILABLE, S.COMPLETED), frozenset(PROCESSING),
         ChorusActor.RECIPIENT, Comment.OPTIONAL),
    # Along the processing states, forward only.
    Move("003 §XXIII", frozenset(PROCESSING[:-1]), frozenset(PROCESSING[1:]),
         ChorusActor.RECIPIENT, Comment.OPTIONAL, forward_only=True),
    # To recycle → deposited again by the supplier, number kept (§XII, §XVI).
    Move("003 §XII §XVI", _f(S.TO_RECYCLE), _f(S.DEPOSITED), ChorusActor.SUPPLIER,
         Comment.OPTIONAL, SupplierAction.CORRECT),
    # Suspended → completed by the supplier (§XIX).
    Move("003 §XIX", _f(S.SUSPENDED), _f(S.COMPLETED), ChorusActor.SUPPLIER,
         Comment.OPTIONAL, SupplierAction.COMPLETE),
    # Undoing a mistaken rejection (§X), while no 381 invalidates it.
    Move("003 §X", _f(S.REJECTED),
         _f(S.MADE_AVAILABLE, S.SUSPENDED, S.TO_RECYCLE, *PROCESSING),
         ChorusActor.RECIPIENT, Comment.REQUIRED),
    # Rejected: the supplier only turns a direct debit into a transfer (§IX), then
    # issues a 381 and a new invoice.
    Move("003 §IX", _f(S.REJECTED), _f(), ChorusActor.SUPPLIER, Comment.NONE,
         SupplierAction.CHANGE_PAYMENT_MODE),
)

#: States a 381 may be issued against (the recipient has it; §IX, §XX).
CREDITABLE: frozenset[ChorusState] = frozenset(set(ChorusState) - {S.DRAFT, S.NON_COMPLIANT,
                                                                    S.DEPOSITED})


def chorus_status(state: ChorusState) -> str:
    return CHORUS_CODES[state]


@dataclass(frozen=True)
class MoveOption:
    state: ChorusState
    comment_required: bool


def recipient_moves(state: ChorusState, *, reports_payment_in_progress: bool,
                    credit_note_issued: bool) -> list[MoveOption]:
    """The moves a recipient may make from ``state`` now, in the table's order of
    targets (``ChorusState`` order). Undoing a rejection stops once a 381 invalidates
    it; "payment in progress" needs a structure that reports it."""
    found: dict[ChorusState, bool] = {}
    for move in TABLE:
        if move.actor is not ChorusActor.RECIPIENT or state not in move.sources:
            continue
        if state is S.REJECTED and credit_note_issued:
            continue
        for target in move.targets:
            if target == state:
                continue
            if move.forward_only and state in PROCESSING and target in PROCESSING \
                    and PROCESSING.index(target) <= PROCESSING.index(state):
                continue
            if target is S.PAYMENT_IN_PROGRESS and not reports_payment_in_progress:
                continue
            required = move.comment is Comment.REQUIRED
            found[target] = found.get(target, False) or required
    return [MoveOption(target, found[target]) for target in ChorusState if target in found]


def check_process(state: ChorusState, target: ChorusState, comment: str,
                  reason: ChorusSuspensionReason | None, *,
                  reports_payment_in_progress: bool, credit_note_issued: bool) -> None:
    """Refuse a recipient's move the table does not allow, or without what it needs.

    Raises: RuleViolation ``chorus.credit_note_issued`` (undoing a rejection a 381
    invalidates), ``chorus.payment_in_progress_not_reported``,
    ``chorus.move_not_allowed`` (params ``from``/``to`` as Chorus codes);
    ValidationFailed at ``comment`` (``chorus.comment_required``,
    ``chorus.comment_too_long``) or ``reason`` (``chorus.reason_not_suspension``)."""
    options = {option.state: option for option in recipient_moves(
        state, reports_payment_in_progress=reports_payment_in_progress,
        credit_note_issued=credit_note_issued)}
    if target not in options:
        if state is S.REJECTED and credit_note_issued:
            raise RuleViolation("chorus.credit_note_issued")
        if target is S.PAYMENT_IN_PROGRESS and not reports_payment_in_progress and \
                target in {o.state for o in recipient_moves(
                    state, reports_payment_in_progress=True,
                    credit_note_issued=credit_note_issued)}:
            raise RuleViolation("chorus.payment_in_progress_not_reported")
        raise RuleViolation("chorus.move_not_allowed", **{
            "from": chorus_status(state), "to": chorus_status(target)})
    errors: list[FieldError] = []
    if options[target].comment_required and not comment.strip():
        errors.append(FieldError("comment", "chorus.comment_required"))
    if len(comment) > COMMENT_MAX:
        errors.append(FieldError("comment", "chorus.comment_too_long", {"max": COMMENT_MAX}))
    if reason is not None and target is not S.SUSPENDED:
        errors.append(FieldError("reason", "chorus.reason_not_suspension"))
    if errors:
        raise ValidationFailed(errors)


def supplier_actions(state: ChorusState, *, invoice_type: ChorusInvoiceType,
                     payment_mode: ChorusPaymentMode | None,
                     credit_note_issued: bool) -> list[SupplierAction]:
    """The answers the table offers the supplier on an invoice in ``state``."""
    actions: list[SupplierAction] = []
    for move in TABLE:
        if move.actor is ChorusActor.SUPPLIER and state in move.sources and move.action:
            if move.action is SupplierAction.CHANGE_PAYMENT_MODE and \
                    payment_mode is not ChorusPaymentMode.PRELEVEMENT:
                continue
            if move.action not in actions:
                actions.append(move.action)
    if invoice_type is ChorusInvoiceType.INVOICE and state in CREDITABLE \
            and not credit_note_issued:
        actions.append(SupplierAction.CREDIT_NOTE)
    if state is not S.DRAFT:
        actions.append(SupplierAction.REISSUE)
    return actions


def check_supplier_action(action: SupplierAction, state: ChorusState, *,
                          invoice_type: ChorusInvoiceType,
                          payment_mode: ChorusPaymentMode | None,
                          credit_note_issued: bool) -> None:
    """Raises: RuleViolation ``chorus.move_not_allowed`` (params ``from``, ``action``)
    when the table does not offer ``action`` in ``state``."""
    if action not in supplier_actions(state, invoice_type=invoice_type,
                                      payment_mode=payment_mode,
                                      credit_note_issued=credit_note_issued):
        raise RuleViolation("chorus.move_not_allowed", **{
            "from": chorus_status(state), "to": action.value})


def visible_to_recipient(state: ChorusState) -> bool:
    return state not in HIDDEN_FROM_RECIPIENT
