"""ILUs, "demandes d'engagements" (issue 17 item 6), on every backend: an underwriter
issues one on a covered buyer (one open per contract and company, with its
notification), the policyholder answers it once before its deadline, keeping the cover
with a real need or deleting it in the same transaction under the normal deletion
rules; an ILU past its deadline is expired; a cover deleted another way closes it.

Dataset: P-A (alice full, reader read-only) covers Alpha with a CRL of EUR 100,000 and
Beta with one of EUR 50,000; Foo's CRL is a first request pending; Gamma has only
information products. P-B (bob) covers Epsilon."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cofatui.enums import IluStatus, IluView, NotificationTarget, PaymentExperience, ProductStatus
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Ilu, Notification
from cofatui.repository.base import Repository
from cofatui.schemas import NotificationFilter
from cofatui.schemas_ilu import IluAnswer, IluCreate, IluPublic
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import assert_coded, refused


def issue(backend: Backend, company: str = "alpha", contract: str = "A",
          deadline: date | None = None, message: str = "") -> IluPublic:
    return backend.open("uw").ilus.create(IluCreate(
        contract_id=backend.ids[contract], company_id=backend.ids[company], deadline=deadline,
        message=message))


def keep(version: int, need: str | None = "80000", comment: str = "") -> IluAnswer:
    return IluAnswer(version=version, experience=PaymentExperience.ON_TIME, delete_cover=False,
                     real_need=None if need is None else Decimal(need), comment=comment)


def delete(version: int) -> IluAnswer:
    return IluAnswer(version=version, experience=PaymentExperience.DIFFICULTIES,
                     delete_cover=True)


def crl(repo: Repository, backend: Backend, company: str = "alpha") -> tuple[int, int, str]:
    p = next(p for p in repo.products.of_company(backend.ids["A"], backend.ids[company])
             if p.code == "CRL" and p.status != ProductStatus.REPLACED)
    return p.id, p.version, p.status


def move_deadline(backend: Backend, ilu_id: int, days: int) -> None:
    """The deadline ``days`` from today, as if time had passed (a real server's clock
    cannot be moved)."""
    with Session(backend.engine) as s:
        s.execute(update(Ilu).where(Ilu.id == ilu_id)  # type: ignore[arg-type]
                  .values(deadline=TODAY + timedelta(days=days)))
        s.commit()


def test_an_underwriter_issues_one_with_its_notification(backend: Backend) -> None:
    ilu = issue(backend, message="Annual review")
    assert ilu.status == IluStatus.OPEN and ilu.deadline == TODAY + timedelta(days=30)
    assert (ilu.product_code, ilu.cover_amount, ilu.currency) == ("CRL", Decimal(100000), "EUR")
    assert ilu.company_name == "Alpha Industries" and ilu.policy_number == "P-A"
    alice = backend.open("alice")
    assert [i.id for i in alice.ilus.ilus(backend.ids["A"]).items] == [ilu.id]
    assert alice.ilus.get(ilu.id).message == "Annual review"
    notices = alice.notifications.rows(NotificationFilter(
        contract_id=backend.ids["A"], product_code="ILU")).items
    assert len(notices) == 1 and notices[0].company_id == backend.ids["alpha"]
    with Session(backend.engine) as s:
        row = s.execute(select(Notification).where(
            Notification.product_code == "ILU")).scalars().one()  # type: ignore[arg-type]
        assert (row.target_type, row.target_id) == (NotificationTarget.ILU.value, ilu.id)


def test_only_underwriters_issue_and_list_those_issued(backend: Backend) -> None:
    with refused(Forbidden, "access.underwriters_only"):
        backend.open("alice").ilus.create(IluCreate(contract_id=backend.ids["A"],
                                                    company_id=backend.ids["alpha"]))
    with refused(Forbidden, "access.underwriters_only"):
        backend.open("alice").ilus.issued()
    assert backend.open("uw").ilus.issued().total == 0


def test_a_buyer_without_an_active_cover_gets_none(backend: Backend) -> None:
    for company in ("foo", "gamma"):  # a first request pending; information only
        with refused(RuleViolation, "ilu.no_active_cover"):
            issue(backend, company)
    with pytest.raises(ValidationFailed) as info:
        issue(backend, deadline=TODAY - timedelta(days=1))
    assert [e.field for e in info.value.errors] == ["deadline"]
    assert_coded(info.value.errors[0], "ilu.deadline_past", today=TODAY)


def test_one_open_ilu_per_contract_and_company(backend: Backend) -> None:
    first = issue(backend)
    with refused(RuleViolation, "ilu.already_open"):
        issue(backend)
    issue(backend, "beta")  # another buyer
    issue(backend, "beta", contract="B")  # the same buyer under another contract
    backend.open("alice").ilus.answer(first.id, keep(first.version))
    assert issue(backend).id != first.id  # answered, a new one may be issued


def test_another_contract_sees_nothing(backend: Backend) -> None:
    ilu = issue(backend)
    bob = backend.open("bob")
    with refused(NotFound, "ilu.not_found"):
        bob.ilus.get(ilu.id)
    with refused(NotFound, "ilu.not_found"):
        bob.ilus.answer(ilu.id, keep(ilu.version))
    with pytest.raises(Forbidden):
        bob.ilus.ilus(backend.ids["A"])
    assert backend.open("alice").ilus.get(ilu.id).status == IluStatus.OPEN


def test_a_reader_cannot_answer(backend: Backend) -> None:
    ilu = issue(backend)
    reader = backend.open("reader")
    assert reader.ilus.get(ilu.id).id == ilu.id
    with pytest.raises(Forbidden):
        reader.ilus.answer(ilu.id, keep(ilu.version))


def test_keeping_the_cover_needs_a_real_need_and_flags_one_above_it(backend: Backend) -> None:
    ilu = issue(backend)
    alice = backend.open("alice")
    for need, code in ((None, "ilu.real_need_missing"), ("-1", "ilu.real_need_negative"),
                       ("10.001", "products.amount_decimals")):
        with pytest.raises(ValidationFailed) as info:
            alice.ilus.answer(ilu.id, keep(ilu.version, need))
        assert [(e.field, e.code) for e in info.value.errors] == [("real_need", code)]
    answered = alice.ilus.answer(ilu.id, keep(ilu.version, "150000", comment="Growing"))
    assert answered.status == IluStatus.ANSWERED and answered.need_above_cover
    assert (answered.real_need, answered.comment, answered.answered_by) == (
        Decimal(150000), "Growing", "alice")
    assert [i.id for i in alice.ilus.ilus(backend.ids["A"], IluView.CLOSED).items] == [ilu.id]
    assert alice.ilus.ilus(backend.ids["A"]).items == []
    assert crl(alice, backend)[2] == ProductStatus.GRANTED  # the cover stays as it was
    zero = issue(backend)
    assert not alice.ilus.answer(zero.id, keep(zero.version, "0")).need_above_cover


def test_an_ilu_is_answered_once(backend: Backend) -> None:
    ilu = issue(backend)
    alice = backend.open("alice")
    answered = alice.ilus.answer(ilu.id, keep(ilu.version, "50000"))
    with refused(RuleViolation, "ilu.already_answered"):
        alice.ilus.answer(ilu.id, delete(answered.version))
    with pytest.raises(Conflict):
        alice.ilus.answer(ilu.id, keep(ilu.version))  # the version read before
    again = alice.ilus.get(ilu.id)
    assert again.real_need == Decimal(50000) and again.delete_cover is False
    assert crl(alice, backend)[2] == ProductStatus.GRANTED


def test_answering_with_the_deletion_deletes_the_cover(backend: Backend) -> None:
    ilu = issue(backend)
    alice = backend.open("alice")
    answered = alice.ilus.answer(ilu.id, delete(ilu.version))
    assert answered.status == IluStatus.ANSWERED and answered.delete_cover
    assert answered.real_need is None and answered.closed_reason == ""
    assert crl(alice, backend)[2] == ProductStatus.DELETED
    history = alice.products.history(crl(alice, backend)[0])
    assert [(h.action, h.actor) for h in history if h.action == "delete"] == [("delete", "alice")]


def test_a_refused_deletion_records_no_answer(backend: Backend) -> None:
    ilu = issue(backend)
    alice = backend.open("alice")
    pid, version, _ = crl(alice, backend)
    alice.products.modify(pid, Decimal(120000), version)  # pending: the cover stays
    with refused(RuleViolation, "products.request_pending"):
        alice.ilus.answer(ilu.id, delete(ilu.version))
    kept = alice.ilus.get(ilu.id)
    assert kept.status == IluStatus.OPEN and kept.version == ilu.version
    assert kept.experience is None and kept.answered_at is None
    assert crl(alice, backend)[2] == ProductStatus.GRANTED
    assert alice.ilus.answer(ilu.id, keep(ilu.version)).status == IluStatus.ANSWERED


def test_deleting_needs_write_on_the_cover(backend: Backend) -> None:
    from tests.contract.test_section_rights import customise

    ilu = issue(backend)
    customise(backend, "alice", {"cover": "read_only", "ilu": "full"})
    alice = backend.open("alice")
    with pytest.raises(Forbidden):
        alice.ilus.answer(ilu.id, delete(ilu.version))
    assert alice.ilus.answer(ilu.id, keep(ilu.version)).status == IluStatus.ANSWERED


def test_past_its_deadline_an_ilu_is_expired_and_refused(backend: Backend) -> None:
    ilu = issue(backend, deadline=TODAY)
    alice = backend.open("alice")
    assert alice.ilus.get(ilu.id).status == IluStatus.OPEN  # the deadline day is open
    move_deadline(backend, ilu.id, -1)
    assert alice.ilus.get(ilu.id).status == IluStatus.EXPIRED  # before the job ran
    with refused(RuleViolation, "ilu.expired", deadline=TODAY - timedelta(days=1)):
        alice.ilus.answer(ilu.id, keep(ilu.version))
    assert [i.id for i in alice.ilus.ilus(backend.ids["A"], IluView.CLOSED).items] == [ilu.id]
    assert alice.ilus.ilus(backend.ids["A"]).total == 0
    assert issue(backend).id != ilu.id  # expired, it no longer blocks a new one


def test_time_passing_expires_an_ilu(backend: Backend) -> None:
    if backend.name == "http-server":
        pytest.skip("a real server's clock is its own (the deadline moved is tested above)")
    ilu = issue(backend, deadline=TODAY + timedelta(days=2))
    backend.clock.advance(days=3)
    with refused(RuleViolation, "ilu.expired"):
        backend.open("alice").ilus.answer(ilu.id, keep(ilu.version))


def test_a_cover_deleted_another_way_closes_the_ilu(backend: Backend) -> None:
    ilu = issue(backend)
    alice = backend.open("alice")
    pid, version, _ = crl(alice, backend)
    alice.products.delete(pid, version)  # NEW ACTION's deletion
    closed = alice.ilus.get(ilu.id)
    assert closed.status == IluStatus.CLOSED and closed.closed_reason == "cover_deleted"
    with refused(RuleViolation, "ilu.closed"):
        alice.ilus.answer(ilu.id, keep(closed.version))
    assert [i.id for i in alice.ilus.ilus(backend.ids["A"], IluView.CLOSED).items] == [ilu.id]


def test_the_back_office_lists_those_issued_with_their_answers(backend: Backend) -> None:
    a = issue(backend)
    b = issue(backend, "epsilon", contract="B")
    backend.open("alice").ilus.answer(a.id, keep(a.version, "90000"))
    uw = backend.open("uw")
    page = uw.ilus.issued()
    assert [i.id for i in page.items] == [b.id, a.id]
    assert page.items[1].real_need == Decimal(90000)
    assert [i.id for i in uw.ilus.issued(view=IluView.ACTIVE).items] == [b.id]
