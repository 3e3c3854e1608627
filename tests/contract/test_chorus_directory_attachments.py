"""Chorus Pro attachments, managers and accounts (issue 18 item 2; seed 003 §II, §IV;
seed 004 "Activités du gestionnaire", "Mon compte") on every backend: a request
notified to the main and secondary managers, approval with spaces or refusal with a
comment, the second manager's decision refused, rights only between the validity
dates, secondary managers, the hand-over of the main role (always exactly one),
several attachments removed at once, a colleague's account, My account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.enums import ChorusAttachmentStatus, ChorusMailCategory, ChorusRole, ChorusSpace
from cofatui.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from cofatui.models import Notification, OutboxMessage, User
from cofatui.models.chorus import ChorusAttachment
from cofatui.schemas_chorus import (
    ChorusAccountUpdate,
    ChorusAttachmentChange,
    ChorusAttachmentDecision,
    ChorusAttachmentRemoval,
    ChorusAttachmentRequest,
    ChorusColleagueCreate,
    ChorusStructureCreate,
    ChorusSubscriptionsUpdate,
)
from tests.contract import chorus_dataset as cd
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import field_codes, refused

#: A second private structure for chorus-sa (SIREN 356 000 000, La Poste's exception).
OTHER_SIRET = "35600000000048"


def notified(backend: Backend, login: str) -> list[Notification]:
    with Session(backend.engine) as s:
        return list(s.execute(select(Notification).where(
            col(Notification.user_id) == backend.ids[login])).scalars())


def request(backend: Backend, login: str, structure: str, **extra: object) -> int:
    made = backend.open(login).chorus_directory.request_attachment(ChorusAttachmentRequest(
        structure_id=backend.ids[structure], comment="Je gère les factures", **extra))  # type: ignore[arg-type]
    return made.id


def approve(backend: Backend, manager: str, attachment_id: int,
            spaces: list[ChorusSpace]) -> None:
    directory = backend.open(manager).chorus_directory
    version = next(a.version for a in directory.attachments(
        _structure_of(backend, attachment_id)).items if a.id == attachment_id)
    directory.decide_attachment(attachment_id, ChorusAttachmentDecision(
        version=version, approve=True, spaces=spaces))


def _structure_of(backend: Backend, attachment_id: int) -> int:
    with Session(backend.engine) as s:
        row = s.get(ChorusAttachment, attachment_id)
        assert row is not None
        return row.structure_id


# --- request and decision -----------------------------------------------------------------


def test_a_request_is_notified_to_both_managers_and_approved_once(backend: Backend) -> None:
    attachment_id = request(backend, cd.NEW_USER, cd.PA)
    mine = backend.open(cd.NEW_USER).chorus_directory.my_attachments()
    assert [(a.id, a.status, a.valid_from, a.comment) for a in mine] == [
        (attachment_id, ChorusAttachmentStatus.PENDING, TODAY, "Je gère les factures")]
    assert mine[0].structure_name == cd.NAME[cd.PA] and mine[0].login == cd.NEW_USER
    # The main and the secondary manager are told; a mere user is not.
    for manager in (cd.PA_USER, cd.PA2_USER):
        [told] = notified(backend, manager)
        assert (told.target_type, told.target_id) == ("chorus_attachment", attachment_id)
    assert notified(backend, cd.EXPIRED_USER) == []
    pending = backend.open(cd.PA_USER).chorus_directory.attachments(
        backend.ids[cd.PA], pending_only=True)
    assert [a.id for a in pending.items] == [attachment_id] and pending.total == 1
    version = pending.items[0].version
    decided = backend.open(cd.PA_USER).chorus_directory.decide_attachment(
        attachment_id, ChorusAttachmentDecision(version=version, approve=True,
                                                spaces=[ChorusSpace.RECEIVED]))
    assert decided.status == ChorusAttachmentStatus.APPROVED
    assert decided.spaces == [ChorusSpace.RECEIVED] and decided.decided_by == cd.PA_USER
    # The secondary manager, who read it pending, comes second.
    with refused(RuleViolation, "chorus_directory.attachment_decided"):
        backend.open(cd.PA2_USER).chorus_directory.decide_attachment(
            attachment_id, ChorusAttachmentDecision(version=version, approve=False,
                                                    comment="Inconnu"))
    [told] = notified(backend, cd.NEW_USER)  # the decision, to the requester
    assert (told.target_type, told.target_id) == ("chorus_structure", backend.ids[cd.PA])
    [now_mine] = backend.open(cd.NEW_USER).chorus_directory.mine()
    assert (now_mine.structure.id, now_mine.role, now_mine.spaces) == (
        backend.ids[cd.PA], ChorusRole.USER, [ChorusSpace.RECEIVED])


def test_a_refusal_needs_a_comment_and_gives_nothing(backend: Backend) -> None:
    attachment_id = request(backend, cd.NEW_USER, cd.PA)
    manager = backend.open(cd.PA2_USER).chorus_directory
    version = manager.attachments(backend.ids[cd.PA], pending_only=True).items[0].version
    with pytest.raises(ValidationFailed) as info:
        manager.decide_attachment(attachment_id, ChorusAttachmentDecision(
            version=version, approve=False, comment="  "))
    assert field_codes(info.value) == {"comment": "chorus_directory.comment_required"}
    refused_row = manager.decide_attachment(attachment_id, ChorusAttachmentDecision(
        version=version, approve=False, comment="Pas de chez nous"))
    assert refused_row.status == ChorusAttachmentStatus.REFUSED
    assert refused_row.decision_comment == "Pas de chez nous"
    assert backend.open(cd.NEW_USER).chorus_directory.mine() == []
    # Refused: a new request may be made.
    assert request(backend, cd.NEW_USER, cd.PA) != attachment_id


def test_approval_grants_at_least_one_space_and_no_received_space_on_a_private_one(
        backend: Backend) -> None:
    attachment_id = request(backend, cd.NEW_USER, cd.SA)
    manager = backend.open(cd.SA_USER).chorus_directory
    version = manager.attachments(backend.ids[cd.SA]).items[0].version
    for spaces, code in (([], "chorus_directory.space_required"),
                         ([ChorusSpace.RECEIVED], "chorus_directory.received_private")):
        with pytest.raises(ValidationFailed) as info:
            manager.decide_attachment(attachment_id, ChorusAttachmentDecision(
                version=version, approve=True, spaces=spaces))
        assert field_codes(info.value) == {"spaces": code}
    with refused(Conflict, "chorus_directory.changed_meanwhile"):
        manager.decide_attachment(attachment_id, ChorusAttachmentDecision(
            version=version + 1, approve=True, spaces=[ChorusSpace.ISSUED]))


def test_request_refusals(backend: Backend) -> None:
    directory = backend.open(cd.NEW_USER).chorus_directory
    pa = backend.ids[cd.PA]
    with pytest.raises(ValidationFailed) as info:
        directory.request_attachment(ChorusAttachmentRequest(
            structure_id=pa, comment=" ", valid_from=TODAY,
            valid_until=TODAY - timedelta(days=1)))
    assert field_codes(info.value) == {"comment": "chorus_directory.comment_required",
                                       "valid_until": "chorus_directory.end_before_start"}
    with refused(RuleViolation, "chorus_directory.structure_inactive"):
        request(backend, cd.NEW_USER, cd.PB)
    with refused(NotFound, "chorus_directory.structure_not_found"):
        directory.request_attachment(ChorusAttachmentRequest(structure_id=999_999,
                                                             comment="x"))
    with refused(RuleViolation, "chorus_directory.already_attached"):
        request(backend, cd.PA2_USER, cd.PA)
    request(backend, cd.NEW_USER, cd.PA)
    with refused(RuleViolation, "chorus_directory.already_attached"):
        request(backend, cd.NEW_USER, cd.PA)  # pending already
    # Only a manager decides, and only a manager reads the structure's requests.
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.SA_USER).chorus_directory.attachments(pa)
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.EXPIRED_USER).chorus_directory.attachments(pa)


def test_rights_start_on_the_first_day_of_validity(backend: Backend) -> None:
    start = TODAY + timedelta(days=3)
    attachment_id = request(backend, cd.NEW_USER, cd.PA, valid_from=start)
    approve(backend, cd.PA_USER, attachment_id, [ChorusSpace.RECEIVED])
    [row] = backend.open(cd.NEW_USER).chorus_directory.my_attachments()
    assert row.status == ChorusAttachmentStatus.APPROVED and row.valid_from == start
    assert backend.open(cd.NEW_USER).chorus_directory.mine() == []  # not yet


# --- managers --------------------------------------------------------------------------------


def test_managers_name_secondary_managers_but_never_a_main_one(backend: Backend) -> None:
    attachment_id = request(backend, cd.NEW_USER, cd.PA)
    approve(backend, cd.PA_USER, attachment_id, [ChorusSpace.RECEIVED])
    manager = backend.open(cd.PA2_USER).chorus_directory
    row = next(a for a in manager.attachments(backend.ids[cd.PA]).items
               if a.id == attachment_id)
    with refused(RuleViolation, "chorus_directory.main_manager_by_hand_over"):
        manager.change_attachment(attachment_id, ChorusAttachmentChange(
            version=row.version, role=ChorusRole.MAIN_MANAGER, spaces=row.spaces))
    main_id = backend.ids[cd.attachment_key(cd.PA_USER)]
    with refused(RuleViolation, "chorus_directory.main_manager_by_hand_over"):
        manager.change_attachment(main_id, ChorusAttachmentChange(
            version=1, role=ChorusRole.USER, spaces=[ChorusSpace.RECEIVED]))
    end = TODAY + timedelta(days=30)
    changed = manager.change_attachment(attachment_id, ChorusAttachmentChange(
        version=row.version, role=ChorusRole.SECONDARY_MANAGER,
        spaces=[ChorusSpace.RECEIVED], valid_until=end))
    assert (changed.role, changed.valid_until) == (ChorusRole.SECONDARY_MANAGER, end)
    # The new secondary manager manages at once.
    assert backend.open(cd.NEW_USER).chorus_directory.attachments(backend.ids[cd.PA]).total == 4


def test_hand_over_keeps_exactly_one_main_manager(backend: Backend) -> None:
    pa = backend.ids[cd.PA]
    pa2_attachment = backend.ids[cd.attachment_key(cd.PA2_USER)]
    with refused(Forbidden, "chorus_directory.not_main_manager"):
        backend.open(cd.PA2_USER).chorus_directory.hand_over_main(pa, pa2_attachment)
    with refused(RuleViolation, "chorus_directory.attachment_not_approved"):
        backend.open(cd.PA_USER).chorus_directory.hand_over_main(
            pa, backend.ids[cd.attachment_key(cd.EXPIRED_USER)])
    with refused(NotFound, "chorus_directory.attachment_not_found"):
        backend.open(cd.PA_USER).chorus_directory.hand_over_main(
            pa, backend.ids[cd.attachment_key(cd.SA_USER)])  # another structure's
    new_main = backend.open(cd.PA_USER).chorus_directory.hand_over_main(pa, pa2_attachment)
    assert new_main.role == ChorusRole.MAIN_MANAGER and new_main.login == cd.PA2_USER
    roles = {a.login: a.role for a in backend.open(cd.PA2_USER).chorus_directory
             .attachments(pa).items}
    assert roles[cd.PA_USER] == ChorusRole.SECONDARY_MANAGER
    assert list(roles.values()).count(ChorusRole.MAIN_MANAGER) == 1
    # The former main manager is secondary now: no further hand-over from them.
    with refused(Forbidden, "chorus_directory.not_main_manager"):
        backend.open(cd.PA_USER).chorus_directory.hand_over_main(
            pa, backend.ids[cd.attachment_key(cd.PA_USER)])


def _attached_twice(backend: Backend) -> tuple[int, int, int]:
    """chorus-sa manages SA and a second structure; chorus-new is attached to both."""
    other = backend.open(cd.SA_USER).chorus_directory.create_structure(
        ChorusStructureCreate(siret=OTHER_SIRET, name="SA bis"))
    first = request(backend, cd.NEW_USER, cd.SA)
    second = backend.open(cd.NEW_USER).chorus_directory.request_attachment(
        ChorusAttachmentRequest(structure_id=other.structure.id, comment="Aussi")).id
    approve(backend, cd.SA_USER, first, [ChorusSpace.ISSUED])
    approve(backend, cd.SA_USER, second, [ChorusSpace.ISSUED])
    return other.structure.id, first, second


def test_a_manager_finds_a_user_and_removes_several_attachments_at_once(
        backend: Backend) -> None:
    other, first, second = _attached_twice(backend)
    manager = backend.open(cd.SA_USER).chorus_directory
    found = manager.user_attachments(backend.ids[cd.SA], "NEW")
    assert sorted(a.id for a in found) == sorted([first, second])
    assert {a.login for a in found} == {cd.NEW_USER}
    # All or none: a main manager's attachment among them removes nothing.
    with refused(RuleViolation, "chorus_directory.main_manager_removed"):
        manager.remove_attachments(ChorusAttachmentRemoval(
            user_id=backend.ids[cd.SA_USER],
            attachment_ids=[backend.ids[cd.attachment_key(cd.SA_USER)]]))
    with refused(NotFound, "chorus_directory.attachment_not_found"):
        manager.remove_attachments(ChorusAttachmentRemoval(
            user_id=backend.ids[cd.NEW_USER],
            attachment_ids=[first, backend.ids[cd.attachment_key(cd.SB_USER)]]))
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.SB_USER).chorus_directory.remove_attachments(ChorusAttachmentRemoval(
            user_id=backend.ids[cd.NEW_USER], attachment_ids=[first]))
    assert len(backend.open(cd.NEW_USER).chorus_directory.mine()) == 2
    assert manager.remove_attachments(ChorusAttachmentRemoval(
        user_id=backend.ids[cd.NEW_USER], attachment_ids=[first, second])) == 2
    assert backend.open(cd.NEW_USER).chorus_directory.mine() == []
    assert manager.user_attachments(other, "new") == []


# --- a colleague, my account ------------------------------------------------------------------


def test_a_manager_creates_a_colleague_attached_at_once(backend: Backend) -> None:
    data = ChorusColleagueCreate(structure_id=backend.ids[cd.SA], title="Mme",
                                 last_name="Durand", first_name="Léa",
                                 email="lea.durand@example.test", spaces=[ChorusSpace.ISSUED])
    made = backend.open(cd.SA_USER).chorus_directory.create_colleague(data)
    assert (made.status, made.role, made.spaces) == (
        ChorusAttachmentStatus.APPROVED, ChorusRole.USER, [ChorusSpace.ISSUED])
    assert made.last_name == "Durand" and made.valid_from == TODAY
    with Session(backend.engine) as s:
        user = s.execute(select(User).where(col(User.id) == made.user_id)).scalar_one()
        assert user.login == made.login and user.awaiting_activation
        mails = s.execute(select(func.count()).select_from(OutboxMessage).where(
            col(OutboxMessage.user_id) == made.user_id,
            col(OutboxMessage.kind) == "activation")).scalar_one()
        assert mails == 1
    with refused(RuleViolation, "chorus_directory.email_taken"):
        backend.open(cd.SA_USER).chorus_directory.create_colleague(data)
    with refused(Forbidden, "chorus_directory.not_manager"):
        backend.open(cd.SB_USER).chorus_directory.create_colleague(
            data.model_copy(update={"email": "x@example.test"}))
    with pytest.raises(ValidationFailed) as info:
        backend.open(cd.SA_USER).chorus_directory.create_colleague(data.model_copy(update={
            "email": "nope", "title": "dr", "spaces": [ChorusSpace.RECEIVED]}))
    assert field_codes(info.value) == {"email": "user_fields.not_an_email",
                                       "title": "user_fields.one_of",
                                       "spaces": "chorus_directory.received_private"}


def test_my_account_keeps_contact_address_and_subscriptions(backend: Backend) -> None:
    directory = backend.open(cd.PA_USER).chorus_directory
    account = directory.account()
    on = {s.category for s in account.subscriptions if s.enabled}
    assert on == {ChorusMailCategory.MADE_AVAILABLE, ChorusMailCategory.RETURNED}
    assert backend.open(cd.SA_USER).chorus_directory.account().contact_email == cd.SA_CONTACT
    with pytest.raises(ValidationFailed) as info:
        directory.update_account(ChorusAccountUpdate(
            version=account.version, contact_email="not an address"))
    assert set(field_codes(info.value)) == {"contact_email"}
    with pytest.raises(ValidationFailed) as info:
        directory.update_account(ChorusAccountUpdate(version=account.version, country="QQ"))
    assert field_codes(info.value) == {"country": "user_fields.unknown_country"}
    changed = directory.update_account(ChorusAccountUpdate(
        version=account.version, contact_email="compta@pa.example.test",
        address="3 rue Neuve", address_complement1="Bâtiment B", postal_code="18000",
        city="Bourges", country="fr"))
    assert (changed.contact_email, changed.country, changed.address_complement1) == (
        "compta@pa.example.test", "FR", "Bâtiment B")
    with refused(Conflict, "chorus_directory.changed_meanwhile"):
        directory.update_account(ChorusAccountUpdate(version=account.version))
    subscribed = directory.set_subscriptions(ChorusSubscriptionsUpdate(subscriptions={
        ChorusMailCategory.RETURNED: False, ChorusMailCategory.ATTACHMENT: True}))
    on = {s.category for s in subscribed.subscriptions if s.enabled}
    assert on == {ChorusMailCategory.MADE_AVAILABLE, ChorusMailCategory.ATTACHMENT}
    assert {s.category for s in directory.account().subscriptions if s.enabled} == on


def test_users_create_keeps_the_contact_email_and_postal_address(backend: Backend) -> None:
    """Seed 003 §II: a new account's contact e-mail (where notifications go) and its
    postal address, optional, checked at their field."""
    from tests.contract.test_users_admin import admin_of
    from tests.contract.test_users_create import form

    users = admin_of(backend)
    with pytest.raises(ValidationFailed) as info:
        users.create(backend.ids["A"], form(contact_email="nope", country="F1"))
    assert field_codes(info.value) == {"contact_email": "user_fields.not_an_email",
                                       "country": "user_fields.unknown_country"}
    created = users.create(backend.ids["A"], form(
        contact_email="compta@example.test", address="18 route de Creton",
        address_complement1="BP 12", postal_code="18110", city="Vasselay", country="fr"))
    with Session(backend.engine) as s:
        row = s.execute(select(User).where(col(User.login) == created.login)).scalar_one()
        assert (row.contact_email, row.address, row.address_complement1, row.postal_code,
                row.city, row.country) == ("compta@example.test", "18 route de Creton",
                                           "BP 12", "18110", "Vasselay", "FR")


def test_two_managers_deciding_at_once_get_one_decision(backend: Backend) -> None:
    """Both read the request pending and send their decision at the same moment: one
    decides, the other reads "another manager already decided" (the row is locked
    while the first decides)."""
    import threading

    attachment_id = request(backend, cd.NEW_USER, cd.PA)
    version = backend.open(cd.PA_USER).chorus_directory.attachments(
        backend.ids[cd.PA], pending_only=True).items[0].version
    managers = [backend.open(login).chorus_directory for login in (cd.PA_USER, cd.PA2_USER)]
    decisions = [ChorusAttachmentDecision(version=version, approve=True,
                                          spaces=[ChorusSpace.RECEIVED]),
                 ChorusAttachmentDecision(version=version, approve=False, comment="Non")]
    start = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def decide(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = managers[i].decide_attachment(attachment_id, decisions[i])
        except (RuleViolation, Conflict) as refused:
            outcomes[i] = refused

    threads = [threading.Thread(target=decide, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refusals = [o for o in outcomes if isinstance(o, RuleViolation | Conflict)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].code in ("chorus_directory.attachment_decided", "database.stale")
    [row] = backend.open(cd.NEW_USER).chorus_directory.my_attachments()
    assert row.status in (ChorusAttachmentStatus.APPROVED, ChorusAttachmentStatus.REFUSED)


def test_a_manager_subscribed_to_attachments_is_mailed_at_the_contact_address(
        backend: Backend) -> None:
    """Seed 004 "Mon compte": the subscription decides the e-mail (attachments: off by
    default), sent to the contact address rather than the login e-mail."""
    def mailed() -> list[str]:
        with Session(backend.engine) as s:
            return list(s.execute(select(col(OutboxMessage.recipient)).where(
                col(OutboxMessage.user_id) == backend.ids[cd.SA_USER])).scalars())

    request(backend, cd.NEW_USER, cd.SA)
    assert mailed() == []  # notified in the application only
    backend.open(cd.SA_USER).chorus_directory.set_subscriptions(ChorusSubscriptionsUpdate(
        subscriptions={ChorusMailCategory.ATTACHMENT: True}))
    request(backend, cd.SB_USER, cd.SA)
    assert mailed() == [cd.SA_CONTACT]
    assert len(notified(backend, cd.SA_USER)) == 2
