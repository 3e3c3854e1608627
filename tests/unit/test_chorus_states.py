"""rules.chorus_states (issue 18 item 7): the table of moves, row by row, each test
named after the seed chapter the row comes from (seed 003 §VIII–§XXIII, seed 004 "Le
mode Portail"), then a hypothesis state machine of random moves by random actors:
what the table offers is accepted, anything else is refused and changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from cofatui.enums import (
    CHORUS_CODES,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusState,
    ChorusSuspensionReason,
)
from cofatui.errors import RuleViolation, ValidationFailed
from cofatui.rules.chorus_states import (
    COMMENT_MAX,
    PROCESSING,
    RETURNS,
    TABLE,
    SupplierAction,
    check_process,
    check_supplier_action,
    chorus_status,
    recipient_moves,
    supplier_actions,
    visible_to_recipient,
)

S = ChorusState
A = SupplierAction
INVOICE = ChorusInvoiceType.INVOICE


def _targets(state: ChorusState, *, reports: bool = True,
             credit_note: bool = False) -> dict[ChorusState, bool]:
    """Target → comment required, as the table offers the recipient."""
    return {o.state: o.comment_required for o in recipient_moves(
        state, reports_payment_in_progress=reports, credit_note_issued=credit_note)}


def _actions(state: ChorusState, *, mode: ChorusPaymentMode | None =
             ChorusPaymentMode.VIREMENT, kind: ChorusInvoiceType = INVOICE,
             credit_note: bool = False) -> list[SupplierAction]:
    return supplier_actions(state, invoice_type=kind, payment_mode=mode,
                            credit_note_issued=credit_note)


def _process(state: ChorusState, target: ChorusState, comment: str = "",
             reason: ChorusSuspensionReason | None = None, *, reports: bool = True,
             credit_note: bool = False) -> None:
    check_process(state, target, comment, reason, reports_payment_in_progress=reports,
                  credit_note_issued=credit_note)


def _rule_code(state: ChorusState, target: ChorusState, *, reports: bool = True,
               credit_note: bool = False) -> str:
    with pytest.raises(RuleViolation) as refused:
        _process(state, target, "un commentaire", reports=reports, credit_note=credit_note)
    return refused.value.code


def _field_codes(state: ChorusState, target: ChorusState, comment: str,
                 reason: ChorusSuspensionReason | None = None) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as refused:
        _process(state, target, comment, reason)
    return [(e.field, e.code) for e in refused.value.errors]


# --- every state has its portal code ---------------------------------------------------


def test_viii_each_state_has_its_chorus_pro_code() -> None:
    assert {state.value: chorus_status(state) for state in ChorusState} == {
        "draft": "BROUILLON", "deposited": "DEPOSEE", "made_available": "MISE_A_DISPOSITION",
        "to_recycle": "A_RECYCLER", "suspended": "SUSPENDUE", "completed": "COMPLETEE",
        "rejected": "REJETEE", "service_done": "SERVICE_FAIT", "mandated": "MANDATEE",
        "made_available_accountant": "MISE_A_DISPOSITION_COMPTABLE",
        "accounted": "COMPTABILISEE", "payment_in_progress": "MISE_EN_PAIEMENT",
        "non_compliant": "NON_CONFORME"}
    assert set(CHORUS_CODES) == set(ChorusState)


# --- row 1: — → draft; drafts may be deleted (seed 004 "Le mode Portail") -----------


def test_portail_a_draft_is_submitted_or_deleted_by_its_supplier_only() -> None:
    assert _actions(S.DRAFT) == [A.DELETE, A.SUBMIT]
    assert _targets(S.DRAFT) == {}
    assert not visible_to_recipient(S.DRAFT)


# --- row 2: draft, non-compliant → deposited → made available / non-compliant -------


def test_viii_a_non_compliant_invoice_is_corrected_keeping_its_number() -> None:
    assert _actions(S.NON_COMPLIANT) == [A.CORRECT, A.REISSUE]
    assert _targets(S.NON_COMPLIANT) == {}
    assert not visible_to_recipient(S.NON_COMPLIANT)
    system = [m for m in TABLE if S.DEPOSITED in m.sources]
    assert [(m.targets, m.actor.value) for m in system] == [
        (frozenset({S.MADE_AVAILABLE, S.NON_COMPLIANT}), "system")]


def test_viii_a_deposited_invoice_waits_for_the_checks_not_for_anyone() -> None:
    assert _targets(S.DEPOSITED) == {}
    assert _actions(S.DEPOSITED) == [A.REISSUE]


# --- row 3: made available, completed, service done → returns, comment mandatory -----


@pytest.mark.parametrize("state", [S.MADE_AVAILABLE, S.COMPLETED, S.SERVICE_DONE])
def test_ix_xii_xix_returns_need_a_comment(state: ChorusState) -> None:
    targets = _targets(state)
    assert {t for t in RETURNS if targets.get(t)} == set(RETURNS)
    for target in RETURNS:
        assert _field_codes(state, target, "  ") == [("comment", "chorus.comment_required")]
        _process(state, target, "Mauvais SIRET : déposer sur 356 000 000 00048")


def test_xix_xxii_a_suspension_gives_its_reason_no_other_move_does() -> None:
    for reason in ChorusSuspensionReason:
        _process(S.MADE_AVAILABLE, S.SUSPENDED, "RIB manquant", reason)
    assert _field_codes(S.MADE_AVAILABLE, S.REJECTED, "Taux erroné",
                        ChorusSuspensionReason.TOO_EARLY) == [
        ("reason", "chorus.reason_not_suspension")]


def test_our_choice_returns_stop_once_mandated() -> None:
    for state in PROCESSING[1:]:
        assert not set(_targets(state)) & RETURNS
        assert _rule_code(state, S.REJECTED) == "chorus.move_not_allowed"


def test_comments_are_at_most_255_characters() -> None:
    _process(S.MADE_AVAILABLE, S.REJECTED, "x" * COMMENT_MAX)
    assert _field_codes(S.MADE_AVAILABLE, S.REJECTED, "x" * (COMMENT_MAX + 1)) == [
        ("comment", "chorus.comment_too_long")]


# --- row 4: made available, completed → any processing state (§XXIII) --------------


@pytest.mark.parametrize("state", [S.MADE_AVAILABLE, S.COMPLETED])
def test_xxiii_any_forward_jump_comment_optional(state: ChorusState) -> None:
    targets = _targets(state)
    assert {t: targets[t] for t in PROCESSING} == dict.fromkeys(PROCESSING, False)
    for target in PROCESSING:
        _process(state, target)


# --- row 5: along the processing states, forward only ------------------------------


@pytest.mark.parametrize("index", range(len(PROCESSING)))
def test_xxiii_processing_moves_forward_only(index: int) -> None:
    state = PROCESSING[index]
    forward = {t for t in _targets(state) if t in PROCESSING}
    assert forward == set(PROCESSING[index + 1:])
    for earlier in PROCESSING[:index + 1]:
        assert _rule_code(state, earlier) == "chorus.move_not_allowed"
    assert _rule_code(state, S.MADE_AVAILABLE) == "chorus.move_not_allowed"


def test_xxiii_payment_in_progress_only_if_the_structure_reports_it() -> None:
    assert S.PAYMENT_IN_PROGRESS not in _targets(S.ACCOUNTED, reports=False)
    assert _rule_code(S.ACCOUNTED, S.PAYMENT_IN_PROGRESS, reports=False) == \
        "chorus.payment_in_progress_not_reported"
    assert _rule_code(S.MADE_AVAILABLE, S.PAYMENT_IN_PROGRESS, reports=False) == \
        "chorus.payment_in_progress_not_reported"
    assert _targets(S.ACCOUNTED) == {S.PAYMENT_IN_PROGRESS: False}
    assert _targets(S.PAYMENT_IN_PROGRESS) == {}


def test_a_refused_move_names_both_states_by_their_portal_codes() -> None:
    with pytest.raises(RuleViolation) as refused:
        _process(S.MANDATED, S.SERVICE_DONE)
    assert refused.value.params == {"from": "MANDATEE", "to": "SERVICE_FAIT"}


# --- row 6: to recycle → deposited by the supplier (§XII, §XVI) --------------------


def test_xii_xvi_to_recycle_is_corrected_by_the_supplier_not_the_recipient() -> None:
    assert _targets(S.TO_RECYCLE) == {}
    assert _actions(S.TO_RECYCLE) == [A.CORRECT, A.CREDIT_NOTE, A.REISSUE]


# --- row 7: suspended → completed by the supplier (§XIX) ---------------------------


def test_xix_a_suspended_invoice_is_completed_by_the_supplier() -> None:
    assert _targets(S.SUSPENDED) == {}
    assert _actions(S.SUSPENDED) == [A.COMPLETE, A.CREDIT_NOTE, A.REISSUE]
    # Once completed the recipient processes it again (rows 3 and 4).
    assert set(_targets(S.COMPLETED)) == set(RETURNS) | set(PROCESSING)


# --- row 8: undoing a mistaken rejection (§X) ----------------------------------------


def test_x_a_rejection_is_undone_with_a_comment_while_no_credit_note() -> None:
    targets = _targets(S.REJECTED)
    assert targets == {S.MADE_AVAILABLE: True, S.TO_RECYCLE: True, S.SUSPENDED: True,
                       **dict.fromkeys(PROCESSING, True)}
    assert _field_codes(S.REJECTED, S.MADE_AVAILABLE, "") == [
        ("comment", "chorus.comment_required")]
    _process(S.REJECTED, S.MADE_AVAILABLE, "Rejet par erreur")


def test_x_xx_once_a_credit_note_invalidates_it_a_rejection_stays() -> None:
    assert _targets(S.REJECTED, credit_note=True) == {}
    assert _rule_code(S.REJECTED, S.MADE_AVAILABLE, credit_note=True) == \
        "chorus.credit_note_issued"


# --- row 9: rejected → the supplier turns a direct debit into a transfer (§IX) -------


def test_ix_a_rejected_direct_debit_becomes_a_transfer_then_credit_note() -> None:
    assert _actions(S.REJECTED, mode=ChorusPaymentMode.PRELEVEMENT) == [
        A.CHANGE_PAYMENT_MODE, A.CREDIT_NOTE, A.REISSUE]
    assert _actions(S.REJECTED) == [A.CREDIT_NOTE, A.REISSUE]
    with pytest.raises(RuleViolation) as refused:
        check_supplier_action(A.CHANGE_PAYMENT_MODE, S.REJECTED, invoice_type=INVOICE,
                              payment_mode=ChorusPaymentMode.CHEQUE,
                              credit_note_issued=False)
    assert refused.value.code == "chorus.move_not_allowed"


def test_xx_xxi_one_credit_note_per_invoice_none_for_a_credit_note() -> None:
    assert A.CREDIT_NOTE not in _actions(S.MADE_AVAILABLE, credit_note=True)
    assert A.CREDIT_NOTE not in _actions(S.MADE_AVAILABLE, mode=None,
                                         kind=ChorusInvoiceType.CREDIT_NOTE)
    for state in (S.DRAFT, S.NON_COMPLIANT, S.DEPOSITED):
        assert A.CREDIT_NOTE not in _actions(state)


def test_the_recipient_never_sees_drafts_nor_non_compliant_invoices() -> None:
    assert {s for s in ChorusState if not visible_to_recipient(s)} == {
        S.DRAFT, S.NON_COMPLIANT}


# --- random moves by random actors ---------------------------------------------------

_ACTIONS_MOVING: dict[SupplierAction, ChorusState] = {
    A.SUBMIT: S.MADE_AVAILABLE, A.CORRECT: S.MADE_AVAILABLE, A.COMPLETE: S.COMPLETED}


class InvoiceLifecycle(RuleBasedStateMachine):
    """One invoice moved at random by its recipient and its supplier through the
    table. A move the table does not offer is refused and changes nothing; an offered
    one is accepted with whatever comment it needs."""

    @initialize(reports=st.booleans(), mode=st.sampled_from(list(ChorusPaymentMode)))
    def start(self, reports: bool, mode: ChorusPaymentMode) -> None:
        self.state = S.DRAFT
        self.reports = reports
        self.mode = mode
        self.credit_note = False

    def _offered(self) -> dict[ChorusState, bool]:
        return _targets(self.state, reports=self.reports, credit_note=self.credit_note)

    @rule(to=st.sampled_from(list(ChorusState)), comment=st.sampled_from(["", "motif"]))
    def recipient_moves(self, to: ChorusState, comment: str) -> None:
        target = to  # ``target`` is hypothesis's name for a bundle
        offered = self._offered()
        before = self.state
        try:
            _process(self.state, target, comment, reports=self.reports,
                     credit_note=self.credit_note)
        except RuleViolation:
            assert target not in offered
            return
        except ValidationFailed as refused:
            assert target in offered and offered[target] and not comment
            assert [e.code for e in refused.errors] == ["chorus.comment_required"]
            return
        assert target in offered
        assert visible_to_recipient(before)
        if target in PROCESSING and before in PROCESSING:
            assert PROCESSING.index(target) > PROCESSING.index(before)
        if target in RETURNS:
            # Returns stop once mandated, except undoing a rejection (§X).
            assert before is S.REJECTED or before not in PROCESSING[1:]
        self.state = target

    @rule(action=st.sampled_from(list(SupplierAction)), accepted=st.booleans())
    def supplier_answers(self, action: SupplierAction, accepted: bool) -> None:
        offered = _actions(self.state, mode=self.mode, credit_note=self.credit_note)
        try:
            check_supplier_action(action, self.state, invoice_type=INVOICE,
                                  payment_mode=self.mode, credit_note_issued=self.credit_note)
        except RuleViolation as refused:
            assert action not in offered
            assert refused.params["from"] == chorus_status(self.state)
            return
        assert action in offered
        if action is A.CREDIT_NOTE:
            self.credit_note = True
        elif action is A.CHANGE_PAYMENT_MODE:
            self.mode = ChorusPaymentMode.VIREMENT
        elif action in _ACTIONS_MOVING:
            # The checks at deposit decide: made available, or back to non-compliant.
            self.state = _ACTIONS_MOVING[action] if accepted or action is A.COMPLETE \
                else S.NON_COMPLIANT

    @invariant()
    def the_recipient_has_nothing_to_do_on_what_it_cannot_see(self) -> None:
        if not visible_to_recipient(self.state):
            assert self._offered() == {}

    @invariant()
    def every_return_and_undoing_needs_a_comment_nothing_else_does(self) -> None:
        for target, required in self._offered().items():
            assert required == (target in RETURNS or self.state is S.REJECTED)

    @invariant()
    def a_credit_note_ends_undoing_the_rejection(self) -> None:
        if self.credit_note and self.state is S.REJECTED:
            assert self._offered() == {}


TestInvoiceLifecycle = InvoiceLifecycle.TestCase
TestInvoiceLifecycle.settings = settings(deadline=None)  # timing is never what is tested
