"""Chorus Pro invoices on every backend (issue 18 items 4–8, 10): deposit and entry,
the technical checks at deposit, drafts, files, the recipient's moves and the
supplier's answers, each with its history row and its notifications; rights from
attachments (a supplier of another structure, an expired recipient, the supplier trying
a recipient's move); two recipients processing one invoice with the same version."""

from __future__ import annotations

import hashlib
import json
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    ChorusDepositKind,
    ChorusInvoiceType,
    ChorusPaymentMode,
    ChorusState,
    ChorusSuspensionReason,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import AuditEntry
from cofatui.schemas_chorus import (
    ChorusCompletion,
    ChorusCorrection,
    ChorusDraftUpdate,
    ChorusPaymentModeChange,
    ChorusProcess,
)
from cofatui.schemas_company_info import UploadedFile
from tests.contract.chorus_dataset import (
    EXPIRED_USER,
    PA,
    PA2_USER,
    PA_USER,
    SA_USER,
    SB_USER,
    SIRET,
)
from tests.contract.chorus_invoice_samples import (
    IBAN,
    PDF,
    deposit,
    events,
    invoice,
    notified,
    pdf,
    sign_mandate,
)
from tests.contract.conftest import Backend
from tests.contract.refusals import field_codes, refused

S = ChorusState


def move(state: ChorusState, version: int, comment: str = "", **extra: object) -> ChorusProcess:
    return ChorusProcess.model_validate({"version": version, "state": state,
                                         "comment": comment, **extra})


# --- deposit and the technical checks (seed 003 §VIII, §XIV) ---------------------------


def test_deposit_made_available_with_totals_history_and_recipient_notified(
        backend: Backend) -> None:
    sa = backend.open(SA_USER)
    made = deposit(sa)
    assert made.state is S.MADE_AVAILABLE and made.chorus_status == "MISE_A_DISPOSITION"
    assert made.deposit_kind is ChorusDepositKind.PDF and made.reasons == []
    # 2 × 450 at 20 % + 3 × 12.50 at 5.5 %: VAT per rate rounded once (BR-CO-17).
    assert made.total_excl_tax == Decimal("937.50")
    assert made.total_vat == Decimal("182.06")
    assert made.total_incl_tax == Decimal("1119.56") == made.amount_due
    assert [(v.vat_rate.value, v.base, v.amount) for v in made.vat] == [
        ("20", Decimal("900.00"), Decimal("180.00")),
        ("5.5", Decimal("37.50"), Decimal("2.06"))]
    assert [(f.category, f.sha256) for f in made.files] == [
        ("main", hashlib.sha256(PDF).hexdigest())]
    assert events(backend, made.id) == [("supplier", "", "draft"),
                                        ("supplier", "draft", "deposited"),
                                        ("system", "deposited", "made_available")]
    # The recipient's users valid today are told; the expired one and the supplier not.
    assert set(notified(backend, made.id)) == {backend.ids[PA_USER], backend.ids[PA2_USER]}
    seen = backend.open(PA_USER).chorus_invoices.get(made.id)
    assert seen.number == "F-2026-001" and seen.history[-1].to_state is S.MADE_AVAILABLE
    assert seen.actions == [] and S.SUSPENDED in {m.state for m in seen.moves}
    assert made.moves == [] and "credit_note" in made.actions


def test_deposit_non_compliant_lists_every_reason_and_hides_it_from_recipient(
        backend: Backend) -> None:
    sa = backend.open(SA_USER)
    bad = deposit(sa, service_code="", engagement="")
    assert bad.state is S.NON_COMPLIANT and bad.chorus_status == "NON_CONFORME"
    assert [r.code for r in bad.reasons] == ["service_code_missing", "engagement_missing"]
    assert all(r.message and r.message != f"chorus.check.{r.code}" for r in bad.reasons)
    assert set(notified(backend, bad.id)) == {backend.ids[SA_USER]}
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        backend.open(PA_USER).chorus_invoices.get(bad.id)


def test_unknown_engagement_passes_and_is_highlighted(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER), engagement="inconnu")
    assert made.state is S.MADE_AVAILABLE and made.engagement == "INCONNU"
    assert backend.open(PA_USER).chorus_invoices.get(made.id).engagement_unknown


def test_inactive_recipient_and_public_invoices_code(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    bad = deposit(sa, recipient_siret=SIRET["chorus:PB"], service_code="FACTURES_PUBLIQUES")
    assert [r.code for r in bad.reasons] == ["recipient_inactive",
                                             "public_invoices_code_by_private_supplier"]


def test_number_unique_per_supplier_drafts_included(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    deposit(sa)
    with refused(RuleViolation, "chorus_invoices.number_taken", number="F-2026-001"):
        sa.chorus_invoices.create(invoice(), pdf(), submit=False)


def test_field_rules_refused_at_their_fields_before_anything_is_written(
        backend: Backend) -> None:
    sa = backend.open(SA_USER)
    data = invoice("F" * 21, payment_mode="VIREMENT", iban="FR00 nonsense")
    with refused(ValidationFailed, "validation.failed") as info:
        sa.chorus_invoices.create(data, pdf())
    fields = field_codes(info.value)
    assert fields["number"] == "chorus.number_too_long" and "iban" in fields
    with refused(ValidationFailed, "validation.failed") as info:
        sa.chorus_invoices.create(invoice(), UploadedFile(name="f.pdf", content=b"hello"))
    assert field_codes(info.value) == {"pdf": "chorus.pdf_not_pdf"}
    with refused(ValidationFailed, "validation.failed") as info:
        sa.chorus_invoices.create(invoice(), pdf(), [pdf("x" * 47 + ".pdf")])
    assert field_codes(info.value) == {"files.0": "chorus.file_name_too_long"}
    # Every refusal of the invoice, its PDF and its files at once.
    with refused(ValidationFailed, "validation.failed") as info:
        sa.chorus_invoices.create(invoice(""), UploadedFile(name="f.pdf", content=b"hello"),
                                  [UploadedFile(name="virus.exe", content=b"MZ")])
    assert field_codes(info.value) == {"number": "chorus.number_required",
                                       "pdf": "chorus.pdf_not_pdf",
                                       "files.0": "chorus.file_extension"}
    with refused(RuleViolation, "chorus.works_frame"):
        sa.chorus_invoices.create(invoice(frame="A9"), pdf())
    assert events(backend, 1) == []


def test_supplier_structure_must_be_mine(backend: Backend) -> None:
    with refused(Forbidden, "chorus_directory.no_space"):
        deposit(backend.open(SB_USER))
    with refused(Forbidden, "chorus_directory.no_space"):
        deposit(backend.open(PA_USER))


# --- entry, drafts, files ---------------------------------------------------------------


def test_entry_needs_the_billing_mandate(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    with refused(RuleViolation, "chorus_invoices.billing_mandate_missing"):
        sa.chorus_invoices.create(invoice(), submit=False)
    sign_mandate(backend)
    draft = sa.chorus_invoices.create(invoice(), submit=False)
    assert draft.state is S.DRAFT and draft.deposit_kind is ChorusDepositKind.ENTRY
    assert draft.actions == ["submit", "delete"] or set(draft.actions) == {"submit", "delete"}
    assert notified(backend, draft.id) == {}


def test_draft_saved_again_then_submitted(backend: Backend) -> None:
    sign_mandate(backend)
    sa = backend.open(SA_USER)
    draft = sa.chorus_invoices.create(invoice(service_code=""), submit=False)
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        backend.open(PA_USER).chorus_invoices.get(draft.id)
    saved = sa.chorus_invoices.update_draft(draft.id, ChorusDraftUpdate(
        version=draft.version, invoice=invoice("F-2026-002")))
    assert saved.number == "F-2026-002" and saved.state is S.DRAFT
    with refused(Conflict, "chorus_invoices.changed"):
        sa.chorus_invoices.submit(draft.id, draft.version)
    sent = sa.chorus_invoices.submit(saved.id, saved.version)
    assert sent.state is S.MADE_AVAILABLE and sent.deposited_at is not None
    with refused(RuleViolation, "chorus_invoices.not_a_draft"):
        sa.chorus_invoices.delete_draft(sent.id, sent.version)


def test_draft_deleted_with_its_files(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    draft = sa.chorus_invoices.create(invoice(), pdf(), [pdf("annexe.pdf")], submit=False)
    assert len(draft.files) == 2 and draft.attachments_size == 2 * len(PDF)
    sa.chorus_invoices.delete_draft(draft.id, draft.version)
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        sa.chorus_invoices.get(draft.id)
    # The number is free again.
    assert deposit(sa).state is S.MADE_AVAILABLE


def test_file_content_read_by_both_sides_not_by_others(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    file_id = made.files[0].id
    for login in (SA_USER, PA_USER):
        row, content = backend.open(login).chorus_invoices.file_content(made.id, file_id)
        assert content == PDF and row.sha256 == hashlib.sha256(PDF).hexdigest()
    for login in (SB_USER, EXPIRED_USER):
        with refused(NotFound, "chorus_invoices.invoice_not_found"):
            backend.open(login).chorus_invoices.file_content(made.id, file_id)
    with refused(NotFound, "chorus_invoices.file_not_found"):
        backend.open(SA_USER).chorus_invoices.file_content(made.id, file_id + 1000)


def test_files_closed_once_made_available(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    made = deposit(sa)
    with refused(RuleViolation, "chorus_invoices.files_closed"):
        sa.chorus_invoices.add_files(made.id, [pdf("annexe.pdf")])


# --- the recipient's moves (seed 003 §IX–§XXIII) ------------------------------------------


def test_suspend_needs_a_comment_and_changes_nothing_when_refused(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    pa = backend.open(PA_USER)
    with refused(ValidationFailed, "validation.failed") as info:
        pa.chorus_invoices.process(made.id, move(S.SUSPENDED, made.version))
    assert field_codes(info.value) == {"comment": "chorus.comment_required"}
    assert pa.chorus_invoices.get(made.id).version == made.version
    assert len(events(backend, made.id)) == 3
    done = pa.chorus_invoices.process(made.id, move(S.SUSPENDED, made.version, "RIB absent"))
    assert done.state is S.SUSPENDED
    assert done.suspension_reason is ChorusSuspensionReason.MISSING_DOCUMENTS
    assert done.history[-1].comment == "RIB absent" and done.history[-1].login == PA_USER
    # The supplier's users are told, with the comment.
    assert notified(backend, made.id)[backend.ids[SA_USER]] == 1


def test_supplier_cannot_process_and_others_do_not_see(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    with refused(Forbidden, "chorus_directory.no_space"):
        backend.open(SA_USER).chorus_invoices.process(made.id, move(S.SERVICE_DONE, made.version))
    for login in (SB_USER, EXPIRED_USER):
        with refused(NotFound, "chorus_invoices.invoice_not_found"):
            backend.open(login).chorus_invoices.process(made.id,
                                                        move(S.SERVICE_DONE, made.version))


def test_forward_only_and_payment_in_progress(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    pa = backend.open(PA_USER)
    mandated = pa.chorus_invoices.process(made.id, move(S.MANDATED, made.version,
                                                        mandate_number="MD-9"))
    assert mandated.mandate_number == "MD-9"
    assert [m.state for m in mandated.moves] == [S.MADE_AVAILABLE_ACCOUNTANT, S.ACCOUNTED,
                                                 S.PAYMENT_IN_PROGRESS]
    with refused(RuleViolation, "chorus.move_not_allowed"):
        pa.chorus_invoices.process(made.id, move(S.SERVICE_DONE, mandated.version))
    with refused(RuleViolation, "chorus.move_not_allowed"):
        pa.chorus_invoices.process(made.id, move(S.SUSPENDED, mandated.version, "trop tard"))
    paid = pa.chorus_invoices.process(made.id, move(S.PAYMENT_IN_PROGRESS, mandated.version))
    assert paid.state is S.PAYMENT_IN_PROGRESS and paid.moves == []


def test_two_recipients_with_the_same_version_one_conflict(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    first, second = backend.open(PA_USER), backend.open(PA2_USER)
    version = first.chorus_invoices.get(made.id).version
    assert second.chorus_invoices.get(made.id).version == version
    first.chorus_invoices.process(made.id, move(S.SERVICE_DONE, version))
    with refused(Conflict, "chorus_invoices.changed"):
        second.chorus_invoices.process(made.id, move(S.REJECTED, version, "doublon"))
    assert second.chorus_invoices.get(made.id).state is S.SERVICE_DONE
    assert [e[2] for e in events(backend, made.id)][-1] == "service_done"


# --- the supplier's answers (item 8) --------------------------------------------------------


def test_non_compliant_corrected_number_kept(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    bad = deposit(sa, service_code="")
    fixed = sa.chorus_invoices.correct(bad.id, ChorusCorrection(
        version=bad.version, service_code="ACHATS", comment="code service ajouté"))
    assert fixed.state is S.MADE_AVAILABLE and fixed.number == bad.number
    assert fixed.reasons == [] and fixed.deposited_at == bad.deposited_at
    assert [e[2] for e in events(backend, bad.id)] == [
        "draft", "deposited", "non_compliant", "deposited", "made_available"]
    assert backend.ids[PA_USER] in notified(backend, bad.id)


def test_non_compliant_whole_invoice_again_but_not_the_number(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    bad = deposit(sa, service_code="")
    with refused(RuleViolation, "chorus_invoices.field_locked", field="supplier_siret"):
        sa.chorus_invoices.correct(bad.id, ChorusCorrection(
            version=bad.version, invoice=invoice(supplier_siret=SIRET["chorus:SB"])))
    # The SIRET typed with spaces is the same SIRET.
    spaced = " ".join([SIRET["chorus:SA"][:9], SIRET["chorus:SA"][9:]])
    fixed = sa.chorus_invoices.correct(bad.id, ChorusCorrection(
        version=bad.version, invoice=invoice("OTHER-NUMBER", payment_terms="30 jours",
                                             supplier_siret=spaced)))
    assert fixed.number == "F-2026-001" and fixed.payment_terms == "30 jours"
    assert fixed.state is S.MADE_AVAILABLE
    with refused(RuleViolation, "chorus.move_not_allowed"):
        sa.chorus_invoices.correct(bad.id, ChorusCorrection(version=fixed.version,
                                                            engagement="EJ-3"))


def test_to_recycle_changes_only_what_the_table_allows(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    made = deposit(sa)
    pa = backend.open(PA_USER)
    back = pa.chorus_invoices.process(made.id, move(S.TO_RECYCLE, made.version,
                                                    "mauvais engagement"))
    assert back.state is S.TO_RECYCLE and "correct" in sa.chorus_invoices.get(made.id).actions
    with refused(RuleViolation, "chorus_invoices.field_locked", field="payment_terms"):
        sa.chorus_invoices.correct(made.id, ChorusCorrection(
            version=back.version, invoice=invoice(payment_terms="60 jours")))
    again = sa.chorus_invoices.correct(made.id, ChorusCorrection(
        version=back.version, engagement="EJ-2026-18"))
    assert again.state is S.MADE_AVAILABLE and again.engagement == "EJ-2026-18"


def test_complete_needs_a_new_file_unless_too_early(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    pa = backend.open(PA_USER)
    one = deposit(sa)
    held = pa.chorus_invoices.process(one.id, move(S.SUSPENDED, one.version, "RIB"))
    with refused(RuleViolation, "chorus.attachment_required"):
        sa.chorus_invoices.complete(one.id, ChorusCompletion(version=held.version))
    done = sa.chorus_invoices.complete(one.id, ChorusCompletion(version=held.version),
                                       [pdf("rib.pdf")])
    assert done.state is S.COMPLETED and [f.filename for f in done.files][-1] == "rib.pdf"
    assert notified(backend, one.id)[backend.ids[PA_USER]] == 2  # made available, completed
    two = deposit(sa, "F-2026-002")
    early = pa.chorus_invoices.process(two.id, move(S.SUSPENDED, two.version, "trop tôt",
                                                    reason="too_early"))
    assert early.suspension_reason is ChorusSuspensionReason.TOO_EARLY
    assert sa.chorus_invoices.complete(two.id, ChorusCompletion(
        version=early.version)).state is S.COMPLETED


def test_a_file_attached_while_suspended_completes_it(backend: Backend) -> None:
    """"Ajouter des pièces jointes" on the suspended invoice, then "Compléter" without a
    file: the missing document was given since the suspension."""
    if backend.name == "http-server":
        pytest.skip("a real server's clock is its own (frozen): which of a file and a "
                    "suspension came first is told by their times")
    sa = backend.open(SA_USER)
    one = deposit(sa)
    held = backend.open(PA_USER).chorus_invoices.process(
        one.id, move(S.SUSPENDED, one.version, "bon de livraison"))
    backend.clock.advance(minutes=5)
    added = sa.chorus_invoices.add_files(one.id, [pdf("bl.pdf")])
    done = sa.chorus_invoices.complete(one.id, ChorusCompletion(version=added.version))
    assert done.state is S.COMPLETED
    # Suspended again: the file given before this suspension does not count.
    again = backend.open(PA_USER).chorus_invoices.process(
        one.id, move(S.SUSPENDED, done.version, "signature manquante"))
    assert again.version != held.version
    with refused(RuleViolation, "chorus.attachment_required"):
        sa.chorus_invoices.complete(one.id, ChorusCompletion(version=again.version))


def test_rejected_direct_debit_becomes_transfer(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    made = deposit(sa, payment_mode="PRELEVEMENT")
    rejected = backend.open(PA_USER).chorus_invoices.process(
        made.id, move(S.REJECTED, made.version, "prélèvement impossible"))
    mine = sa.chorus_invoices.get(made.id)
    assert "change_payment_mode" in mine.actions
    changed = sa.chorus_invoices.change_payment_mode(made.id, ChorusPaymentModeChange(
        version=rejected.version, iban=IBAN))
    assert changed.payment_mode is ChorusPaymentMode.VIREMENT and changed.state is S.REJECTED
    assert "change_payment_mode" not in changed.actions
    with refused(RuleViolation, "chorus.move_not_allowed"):
        sa.chorus_invoices.change_payment_mode(made.id, ChorusPaymentModeChange(
            version=changed.version, iban=IBAN))


def test_rejection_undone_until_a_credit_note_invalidates_it(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    pa = backend.open(PA_USER)
    made = deposit(sa)
    rejected = pa.chorus_invoices.process(made.id, move(S.REJECTED, made.version, "erreur"))
    undone = pa.chorus_invoices.process(made.id, move(S.MADE_AVAILABLE, rejected.version,
                                                      "rejet par erreur"))
    assert undone.state is S.MADE_AVAILABLE
    rejected = pa.chorus_invoices.process(made.id, move(S.REJECTED, undone.version, "doublon"))
    credit = sa.chorus_invoices.credit_note(made.id)
    assert credit.type is ChorusInvoiceType.CREDIT_NOTE and credit.state is S.MADE_AVAILABLE
    assert credit.origin_invoice_id == made.id and credit.payment_mode is None
    assert credit.total_incl_tax == made.total_incl_tax
    assert sa.chorus_invoices.get(made.id).credit_note_id == credit.id
    with refused(RuleViolation, "chorus.credit_note_issued"):
        pa.chorus_invoices.process(made.id, move(S.MADE_AVAILABLE, rejected.version, "oups"))
    with refused(RuleViolation, "chorus_invoices.credit_note_exists"):
        sa.chorus_invoices.credit_note(made.id)
    with refused(RuleViolation, "chorus_invoices.credit_note_not_allowed"):
        sa.chorus_invoices.credit_note(credit.id)


def test_reissue_copies_into_a_linked_draft(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    made = deposit(sa)
    with refused(RuleViolation, "chorus_invoices.number_taken"):
        sa.chorus_invoices.reissue(made.id, made.number)
    copy = sa.chorus_invoices.reissue(made.id, "F-2026-001-B")
    assert copy.state is S.DRAFT and copy.replaces_invoice_id == made.id
    assert copy.total_incl_tax == made.total_incl_tax and len(copy.lines) == 2
    assert sa.chorus_invoices.get(made.id).replaced_by_id == copy.id
    with refused(ValidationFailed, "validation.failed"):
        sa.chorus_invoices.reissue(made.id, "")


def test_history_read_by_both_sides_the_same(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    pa = backend.open(PA_USER)
    pa.chorus_invoices.process(made.id, move(S.SERVICE_DONE, made.version, "reçu"))
    supplier_view = backend.open(SA_USER).chorus_invoices.get(made.id).history
    recipient_view = pa.chorus_invoices.get(made.id).history
    assert supplier_view == recipient_view
    assert [(e.actor.value, e.to_state.value) for e in supplier_view][-1] == (
        "recipient", "service_done")
    assert recipient_view[-1].comment == "reçu"


def test_recipient_of_pa_cannot_see_invoice_to_another(backend: Backend) -> None:
    sa = backend.open(SA_USER)
    to_pb = deposit(sa, recipient_siret=SIRET["chorus:PB"], service_code="")
    assert to_pb.state is S.NON_COMPLIANT
    assert backend.ids[PA] is not None
    with refused(NotFound, "chorus_invoices.invoice_not_found"):
        backend.open(PA_USER).chorus_invoices.get(to_pb.id)


def test_two_recipients_at_the_same_moment_one_wins(backend: Backend) -> None:
    """Both read the same version, then process in two threads: exactly one move is
    written, the other gets Conflict (whichever way the database serialises them)."""
    made = deposit(backend.open(SA_USER))
    repos = [backend.open(PA_USER), backend.open(PA2_USER)]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def act(index: int) -> None:
        start.wait()
        try:
            outcomes.append(repos[index].chorus_invoices.process(made.id, move(
                (S.SERVICE_DONE, S.SUSPENDED)[index], made.version, "motif")))
        except Conflict as conflict:
            outcomes.append(conflict)

    threads = [threading.Thread(target=act, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes) == ["ChorusInvoiceDetail", "Conflict"]
    assert len(events(backend, made.id)) == 4


def test_every_move_is_audited_with_who_and_the_states(backend: Backend) -> None:
    made = deposit(backend.open(SA_USER))
    backend.open(PA_USER).chorus_invoices.process(made.id, move(S.REJECTED, made.version,
                                                                "doublon"))
    with Session(backend.engine) as s:
        rows = s.execute(select(col(AuditEntry.login), col(AuditEntry.operation),
                                col(AuditEntry.changes))
                         .where(col(AuditEntry.target_type) == "chorus_invoice",
                                col(AuditEntry.target_id) == made.id)
                         .order_by(col(AuditEntry.id))).all()
    assert [(r.login, r.operation, json.loads(r.changes)["state"]) for r in rows] == [
        (SA_USER, "create", [None, "draft"]), (SA_USER, "deposit", ["draft", "deposited"]),
        (SA_USER, "checks", ["deposited", "made_available"]),
        (PA_USER, "process", ["made_available", "rejected"])]
