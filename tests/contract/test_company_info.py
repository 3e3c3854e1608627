"""Company information (issue 17 item 4) on every backend: a policyholder sends negative
information or an information transmission with its files on any company of the
database; it is in progress at once with its notification; an underwriter decides it
once (analysed, not compatible, already known), which notifies the contract again.
Rights: section ``company_information``; only underwriters decide and see the queue;
another contract's submission does not exist for a policyholder."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import (
    CompanyInfoForm,
    CompanyInfoStatus,
    CompanyInfoType,
    DocumentSource,
    NotificationTarget,
)
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import CompanyInformation, Document, DocumentContent, Notification
from cofatui.schemas_company_info import (
    CompanyInfoDecision,
    CompanyInfoFilter,
    CompanyInfoIn,
    UploadedFile,
)
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import field_codes, refused
from tests.contract.test_section_rights import customise

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)


def workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Client", "0-30", "31-60"])
    sheet.append(["Beta", 1200, 300])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def accounts(backend: Backend, company: str = "epsilon", **changes: Any) -> CompanyInfoIn:
    fields: dict[str, Any] = {
        "contract_id": backend.ids["A"], "company_id": backend.ids[company],
        "form": "transmission", "info_type": "annual_accounts",
        "closing_date": TODAY - timedelta(days=60), "complete": True,
        "comment": "Comptes 2025 reçus du client", "dra_review": True}
    return CompanyInfoIn.model_validate(fields | changes)


def negative(backend: Backend, **changes: Any) -> CompanyInfoIn:
    fields: dict[str, Any] = {
        "contract_id": backend.ids["A"], "company_id": backend.ids["beta"],
        "form": "negative", "nature": "financial", "event_date": TODAY - timedelta(days=3),
        "amount": Decimal("12500.50"), "currency": "EUR",
        "description": "Le client annonce une procédure de sauvegarde."}
    return CompanyInfoIn.model_validate(fields | changes)


def files(*contents: tuple[str, bytes]) -> list[UploadedFile]:
    return [UploadedFile(name=name, content=content) for name, content in contents]


def count(backend: Backend, model: Any, *where: Any) -> int:
    with Session(backend.engine) as s:
        return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def notifications_of(backend: Backend, submission_id: int) -> list[Notification]:
    with Session(backend.engine) as s:
        return list(s.execute(select(Notification).where(
            col(Notification.target_type) == NotificationTarget.COMPANY_INFORMATION.value,
            col(Notification.target_id) == submission_id).order_by(col(Notification.id)))
            .scalars())


def test_whole_cycle_send_queue_decide(backend: Backend) -> None:
    alice, uw = backend.open("alice"), backend.open("uw")
    book = workbook()
    # Any company of the database: epsilon is not in contract A's portfolio.
    sent = alice.company_info.send(accounts(backend), files(
        ('bilan "été".xlsx', PDF), ("balance.pdf", book)))
    assert sent.status == CompanyInfoStatus.IN_PROGRESS
    assert (sent.company_name, sent.policy_number, sent.country) == \
        ("Epsilon Transports", "P-A", "FRA")
    assert sent.created_by == "alice" and sent.dra_review is True
    # Stored as what the content is, never as what the name says, with its checksum;
    # the name otherwise as sent (quotes and accents cross the multipart form).
    assert [(d.filename, d.content_type) for d in sent.documents] == [
        ('bilan "été".pdf', "application/pdf"),
        ("balance.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    assert [d.sha256 for d in sent.documents] == [hashlib.sha256(PDF).hexdigest(),
                                                  hashlib.sha256(book).hexdigest()]
    with Session(backend.engine) as s:
        stored = s.execute(
            select(Document, col(DocumentContent.content))
            .join(DocumentContent, col(DocumentContent.document_id) == col(Document.id))
            .where(col(Document.submission_id) == sent.id).order_by(col(Document.id))).all()
        assert [(d.source, d.category, d.contract_id, d.company_id, bytes(content))
                for d, content in stored] == [
            (DocumentSource.COMPANY_INFORMATION.value, "annual_accounts", backend.ids["A"],
             backend.ids["epsilon"], PDF),
            (DocumentSource.COMPANY_INFORMATION.value, "annual_accounts", backend.ids["A"],
             backend.ids["epsilon"], book)]
    received = notifications_of(backend, sent.id)
    assert [(n.contract_id, n.kind) for n in received] == [
        (backend.ids["A"], "company_info.in_progress")]

    queue = uw.company_info.queue()
    assert [item.id for item in queue.items] == [sent.id]
    decided = uw.company_info.decide(sent.id, CompanyInfoDecision(
        version=sent.version, outcome=CompanyInfoStatus.ANALYSED, comment="Bilan intégré"))
    assert decided.status == CompanyInfoStatus.ANALYSED
    assert (decided.decided_by, decided.decision_comment) == ("uw", "Bilan intégré")
    assert uw.company_info.queue().total == 0

    seen = alice.company_info.get(sent.id)
    assert seen.status == CompanyInfoStatus.ANALYSED and len(seen.documents) == 2
    assert [n.kind for n in notifications_of(backend, sent.id)] == [
        "company_info.in_progress", "company_info.analysed"]
    listed = alice.company_info.submissions(CompanyInfoFilter(contract_id=backend.ids["A"]))
    assert [(item.id, item.status) for item in listed.items] == \
        [(sent.id, CompanyInfoStatus.ANALYSED)]


def test_negative_information_needs_no_file_and_keeps_its_amount(backend: Backend) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    assert sent.form == CompanyInfoForm.NEGATIVE
    assert (sent.amount, sent.currency) == (Decimal("12500.50"), "EUR")
    assert sent.documents == [] and sent.info_type is None
    assert [n.kind for n in notifications_of(backend, sent.id)] == ["company_info.in_progress"]


@pytest.mark.parametrize("outcome", [CompanyInfoStatus.NOT_COMPATIBLE,
                                     CompanyInfoStatus.ALREADY_KNOWN])
def test_each_outcome_notifies_the_contract(backend: Backend,
                                            outcome: CompanyInfoStatus) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    backend.open("uw").company_info.decide(sent.id, CompanyInfoDecision(
        version=sent.version, outcome=outcome))
    assert [n.kind for n in notifications_of(backend, sent.id)] == [
        "company_info.in_progress", f"company_info.{outcome.value}"]


def test_decided_once_and_nothing_changes_after(backend: Backend) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    uw = backend.open("uw").company_info
    first = uw.decide(sent.id, CompanyInfoDecision(version=sent.version,
                                                  outcome=CompanyInfoStatus.ANALYSED))
    for version in (first.version, sent.version):
        with refused(RuleViolation, "company_info.already_decided"):
            uw.decide(sent.id, CompanyInfoDecision(version=version,
                                                   outcome=CompanyInfoStatus.ALREADY_KNOWN))
    again = uw.get(sent.id)
    assert (again.status, again.version) == (CompanyInfoStatus.ANALYSED, first.version)
    assert len(notifications_of(backend, sent.id)) == 2


def test_a_stale_decision_is_a_conflict(backend: Backend) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    with pytest.raises(Conflict):
        backend.open("uw").company_info.decide(sent.id, CompanyInfoDecision(
            version=sent.version + 1, outcome=CompanyInfoStatus.ANALYSED))
    assert backend.open("uw").company_info.get(sent.id).status == \
        CompanyInfoStatus.IN_PROGRESS


def test_in_progress_is_not_an_outcome(backend: Backend) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    with pytest.raises(ValidationFailed) as info:
        backend.open("uw").company_info.decide(sent.id, CompanyInfoDecision(
            version=sent.version, outcome=CompanyInfoStatus.IN_PROGRESS))
    assert field_codes(info.value) == {"outcome": "company_info.choose_outcome"}


def test_a_policyholder_neither_decides_nor_sees_the_queue(backend: Backend) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    alice = backend.open("alice").company_info
    with refused(Forbidden, "company_info.underwriters_only"):
        alice.decide(sent.id, CompanyInfoDecision(version=sent.version,
                                                  outcome=CompanyInfoStatus.ANALYSED))
    with refused(Forbidden, "company_info.underwriters_only"):
        alice.queue()
    assert alice.get(sent.id).status == CompanyInfoStatus.IN_PROGRESS


def test_another_contracts_submission_does_not_exist(backend: Backend) -> None:
    sent = backend.open("alice").company_info.send(negative(backend), [])
    bob = backend.open("bob").company_info
    with refused(NotFound, "company_info.not_found", submission_id=sent.id):
        bob.get(sent.id)
    assert bob.submissions(CompanyInfoFilter(contract_id=backend.ids["B"])).total == 0
    with pytest.raises(ValidationFailed):  # one contract at a time
        bob.submissions()
    with pytest.raises(Forbidden):
        bob.submissions(CompanyInfoFilter(contract_id=backend.ids["A"]))
    with pytest.raises(Forbidden):  # sending on a contract one is not attached to
        bob.send(negative(backend), [])
    with refused(NotFound, "company_info.not_found", submission_id=sent.id + 1000):
        backend.open("uw").company_info.decide(sent.id + 1000, CompanyInfoDecision(
            version=1, outcome=CompanyInfoStatus.ANALYSED))


def test_section_rights(backend: Backend) -> None:
    with pytest.raises(Forbidden):  # read-only rights: no sending
        backend.open("reader").company_info.send(negative(backend), [])
    sent = backend.open("alice").company_info.send(negative(backend), [])
    customise(backend, "carol", {"company_information": "read_only"})
    carol = backend.open("carol").company_info
    assert carol.get(sent.id).id == sent.id
    with pytest.raises(Forbidden):
        carol.send(negative(backend), [])
    customise(backend, "carol", {"cover": "full"})
    with pytest.raises(Forbidden):
        backend.open("carol").company_info.get(sent.id)


def test_queue_is_oldest_first_and_filtered(backend: Backend) -> None:
    alice = backend.open("alice").company_info
    first = alice.send(accounts(backend, "epsilon"), files(("a.pdf", PDF)))
    backend.clock.advance(minutes=5)
    second = alice.send(negative(backend), [])
    backend.clock.advance(minutes=5)
    third = alice.send(accounts(backend, "beta", info_type="aged_balance", closing_date=None,
                                complete=None, dra_review=False), files(("b.pdf", PDF)))
    uw = backend.open("uw").company_info
    assert [i.id for i in uw.queue().items] == [first.id, second.id, third.id]
    by = {
        "form": CompanyInfoFilter(form=CompanyInfoForm.NEGATIVE),
        "type": CompanyInfoFilter(info_type=CompanyInfoType.AGED_BALANCE),
        "dra": CompanyInfoFilter(dra_review=True),
        "country": CompanyInfoFilter(country="DEU"),
        "contract": CompanyInfoFilter(contract_id=backend.ids["B"]),
    }
    assert {name: [i.id for i in uw.queue(flt).items] for name, flt in by.items()} == {
        "form": [second.id], "type": [third.id], "dra": [first.id],
        "country": [second.id, third.id], "contract": []}
    mine = alice.submissions(CompanyInfoFilter(contract_id=backend.ids["A"]))
    assert [i.id for i in mine.items] == [third.id, second.id, first.id]


@pytest.mark.parametrize(("change", "uploads", "expected"), [
    ({"info_type": None}, [("a.pdf", PDF)], {"info_type": "common.mandatory"}),
    ({"closing_date": None}, [("a.pdf", PDF)], {"closing_date": "common.mandatory"}),
    ({"complete": None}, [("a.pdf", PDF)], {"complete": "company_info.say_complete"}),
    ({}, [], {"files": "attachments.documents_missing"}),
    ({}, [("a.pdf", PDF)] * 11, {"files": "attachments.too_many_documents"}),
    ({}, [("a.pdf", PDF), ("setup.pdf", PROGRAM)],
     {"files.1": "attachments.documents_type_not_allowed"}),
    ({"comment": "x" * 1001}, [("a.pdf", PDF)], {"comment": "string_too_long"}),
], ids=["type", "closing", "complete", "no-file", "eleven", "program", "comment"])
@pytest.mark.validation_table("change")
def test_transmission_refusals(backend: Backend, change: dict[str, Any],
                               uploads: list[tuple[str, bytes]],
                               expected: dict[str, str]) -> None:
    try:
        data = accounts(backend, **change)
    except ValueError:  # the schema's own bound, as a client meets it
        assert expected == {"comment": "string_too_long"}
        return
    with pytest.raises(ValidationFailed) as info:
        backend.open("alice").company_info.send(data, files(*uploads))
    assert field_codes(info.value) == expected
    assert count(backend, CompanyInformation) == 0 and count(
        backend, Document, col(Document.source) == DocumentSource.COMPANY_INFORMATION.value) == 0


def test_a_program_is_refused_by_what_it_is(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as info:
        backend.open("alice").company_info.send(accounts(backend), files(("bilan.pdf", PROGRAM)))
    [error] = info.value.errors
    assert (error.field, error.code, error.params) == (
        "files.0", "attachments.documents_type_not_allowed", {"type": "EXE"})


@pytest.mark.parametrize(("change", "expected"), [
    ({"description": ""}, {"description": "common.mandatory"}),
    ({"nature": None}, {"nature": "common.mandatory"}),
    ({"event_date": None}, {"event_date": "common.mandatory"}),
    ({"event_date": TODAY + timedelta(days=1)}, {"event_date": "company_info.date_in_future"}),
    ({"amount": Decimal("-1")}, {"amount": "common.not_negative"}),
    ({"currency": None}, {"currency": "common.mandatory"}),
    ({"amount": None}, {"amount": "company_info.currency_without_amount"}),
    ({"info_type": "annual_report"}, {"info_type": "company_info.not_in_form"}),
], ids=["description", "nature", "date", "future", "negative", "currency", "no-amount",
        "other-form"])
@pytest.mark.validation_table("change")
def test_negative_information_refusals(backend: Backend, change: dict[str, Any],
                                       expected: dict[str, str]) -> None:
    with pytest.raises(ValidationFailed) as info:
        backend.open("alice").company_info.send(negative(backend, **change), [])
    assert field_codes(info.value) == expected
    assert count(backend, CompanyInformation) == 0
    assert count(backend, Notification, col(Notification.target_type).is_not(None)) == 0


def test_an_unknown_company_is_not_found(backend: Backend) -> None:
    with refused(NotFound, "company_info.company_not_found"):
        backend.open("alice").company_info.send(
            negative(backend, company_id=backend.ids["epsilon"] + 1000), [])


def test_a_file_over_10_mb_is_refused_at_its_place(backend: Backend) -> None:
    big = PDF + bytes(10 * 1024 * 1024)
    with pytest.raises(ValidationFailed) as info:
        backend.open("alice").company_info.send(accounts(backend), files(
            ("a.pdf", PDF), ("big.pdf", big)))
    assert [(e.field, e.code) for e in info.value.errors] == [
        ("files.1", "attachments.too_large")]
    assert count(backend, CompanyInformation) == 0


def test_of_two_racing_decisions_exactly_one_is_given(backend: Backend) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    sent = backend.open("alice").company_info.send(negative(backend), [])
    deciders = [backend.open("uw").company_info for _ in range(2)]
    start = Barrier(2)

    def decide(area: Any, outcome: CompanyInfoStatus) -> str:
        start.wait()
        try:
            area.decide(sent.id, CompanyInfoDecision(version=sent.version, outcome=outcome))
        except (Conflict, RuleViolation) as refused:
            return type(refused).__name__
        return "decided"

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(decide, deciders, [CompanyInfoStatus.ANALYSED,
                                                   CompanyInfoStatus.ALREADY_KNOWN]))
    # The loser read the version before the winner wrote (Conflict) or the outcome after.
    assert sorted(results) in (["Conflict", "decided"], ["RuleViolation", "decided"])
    kinds = [n.kind for n in notifications_of(backend, sent.id)]
    assert len(kinds) == 2 and kinds[0] == "company_info.in_progress"
    assert backend.open("alice").company_info.get(sent.id).status.value == \
        kinds[1].removeprefix("company_info.")
