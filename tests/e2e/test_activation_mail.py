"""A new user's activation mail reaches a real (local) SMTP server (issue 16 item 3):
one mail in the user's language with the login and the code and no password; the code
from the mail works once, expires after 72 hours, is cancelled after 5 wrong tries, and
the administrator can send a new one, which arrives as its own mail."""

from __future__ import annotations

import re
from email.message import Message

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.clock import FixedClock
from cofatui.config import MailSettings
from cofatui.errors import Unauthenticated
from cofatui.jobs.outbox import DELIVERED_SECRET, deliver_due
from cofatui.models import OutboxMessage
from cofatui.repository.sql import SqlRepository, activation, identity
from cofatui.rules.user_fields import CODE_MAX_TRIES, CODE_VALIDITY
from cofatui.schemas_users import UserCreate
from tests.contract import dataset
from tests.e2e.jobs_env import db
from tests.e2e.test_outbox_smtp import Inbox, smtp

__all__ = ["db", "smtp"]

PASSWORD = "Brand-New-Secret-7"
CODE = re.compile(r"[A-Z0-9]{4}(?:-[A-Z0-9]{4}){3}")


def newcomer(last_name: str, language: str) -> UserCreate:
    return UserCreate(title="ms", last_name=last_name, first_name="Nora",
                      phone="+33 1 23 45 67 89", fax="+33 1 23 45 67 90",
                      email=f"{last_name.lower()}@example.test", language=language)


def text_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


def code_in(message: Message) -> str:
    found = CODE.search(text_of(message))
    assert found is not None
    return found.group(0)


def test_one_mail_in_the_users_language_with_login_and_code_and_no_password(
        db: Engine, smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    clock = FixedClock(dataset.NOW)
    admin = SqlRepository(db, "admin", clock)
    contract = admin.whoami().contracts[0].contract_id
    english = admin.users.create(contract, newcomer("Smith", "en"))
    french = admin.users.create(contract, newcomer("Martin", "fr"))
    report = deliver_due(db, mail, clock.now())
    assert report.sent == 2
    assert deliver_due(db, mail, clock.now()).sent == 0  # once each
    by_recipient = {m["To"]: m for m in inbox.messages}
    assert set(by_recipient) == {"smith@example.test", "martin@example.test"}
    en, fr = by_recipient["smith@example.test"], by_recipient["martin@example.test"]
    assert (en["Content-Language"], en["Subject"]) == ("en", "cofatui: activate your account")
    assert (fr["Content-Language"], fr["Subject"]) == ("fr", "cofatui : activez votre compte")
    assert f"Login: {english.login}" in text_of(en)
    assert f"Identifiant : {french.login}" in text_of(fr)
    assert "25 Nov 2026 12:00 UTC" in text_of(en)  # valid 72 hours
    for message in (en, fr):
        body = text_of(message).lower()
        assert dataset.PASSWORD.lower() not in body
        assert not re.search(r"^(password|mot de passe)\s*:", body, re.MULTILINE)
        assert not message.is_multipart()  # nothing attached
    # once sent, the outbox keeps no copy of the codes
    code = code_in(en)
    with Session(db) as s:
        bodies = list(s.execute(select(col(OutboxMessage.body))).scalars())
    assert bodies == [DELIVERED_SECRET] * 2 and code not in "".join(bodies)
    # the code from the mail works once
    assert activation.activate(db, english.login, code, PASSWORD, clock=clock) == english.login
    assert identity.authenticate_password(db, english.login, PASSWORD, clock=clock)
    with pytest.raises(Unauthenticated):
        activation.activate(db, english.login, code, PASSWORD, clock=clock)
    # …and the other one has expired three days later
    clock.advance(seconds=CODE_VALIDITY.total_seconds())
    with pytest.raises(Unauthenticated) as expired:
        activation.activate(db, french.login, code_in(fr), PASSWORD, clock=clock)
    assert expired.value.code == "activation.code_expired"


def test_a_code_locked_by_wrong_tries_is_replaced_by_a_new_mail(
        db: Engine, smtp: tuple[Inbox, MailSettings]) -> None:
    inbox, mail = smtp
    clock = FixedClock(dataset.NOW)
    admin = SqlRepository(db, "admin", clock)
    contract = admin.whoami().contracts[0].contract_id
    user = admin.users.create(contract, newcomer("Moreau", "fr"))
    deliver_due(db, mail, clock.now())
    [first] = inbox.messages
    for _ in range(CODE_MAX_TRIES):
        with pytest.raises(Unauthenticated):
            activation.activate(db, user.login, "AAAA-BBBB-CCCC-DDDD", PASSWORD, clock=clock)
    with pytest.raises(Unauthenticated) as locked:
        activation.activate(db, user.login, code_in(first), PASSWORD, clock=clock)
    assert locked.value.code == "activation.code_cancelled"
    clock.advance(minutes=5)
    admin.users.resend_activation(user.login, admin.users.get(user.login).version)
    deliver_due(db, mail, clock.now())
    assert len(inbox.messages) == 2
    second = inbox.messages[1]
    assert second["Message-ID"] != first["Message-ID"] and second["To"] == first["To"]
    assert code_in(second) != code_in(first)
    assert second["Content-Language"] == "fr"
    assert activation.activate(db, user.login, code_in(second), PASSWORD,
                               clock=clock) == user.login
    assert not admin.users.get(user.login).awaiting_activation
    clock.advance(hours=1)
    assert deliver_due(db, mail, clock.now()).sent == 0
