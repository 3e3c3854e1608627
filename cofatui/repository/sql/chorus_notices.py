"""Chorus Pro notifications (issue 18 item 10), written in the caller's transaction so
that a move, its history row and its notifications commit or roll back together.

A Chorus notification is addressed to one user (``user_id`` set, ``contract_id`` NULL):
Chorus rights come from attachments, not contracts, so each user of the structure
concerned gets their own row, read and deleted on their own. When the user's
subscription to the ``ChorusMailCategory`` is on (no row: on for "made available" and
"returned", off for the others), an e-mail goes to the outbox as well, to the contact
address, else the login e-mail, in the user's language.

Who is told what (item 10): made available (after deposit, correction, recycling,
completion, credit note) → the recipient's users; non-compliant → the supplier's
users; every recipient move → the supplier's users, a return (to recycle, suspended,
rejected) with its comment and high importance; an attachment request → the
structure's main and secondary managers; the decision → the requester.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import make_msgid
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui import notification_wording as wording
from cofatui.enums import (
    ChorusActor,
    ChorusMailCategory,
    ChorusRole,
    ChorusSpace,
    ChorusState,
    Importance,
    NotificationCategory,
    NotificationTarget,
    NotificationType,
)
from cofatui.i18n import t_in
from cofatui.models import Notification, OutboxMessage, User
from cofatui.models.chorus import ChorusAttachment, ChorusInvoice, ChorusSubscription
from cofatui.repository.sql.chorus_access import valid_on

#: Mailed unless the user turned it off (seed 003 §VI, §XVIII); the others need a "yes".
MAIL_DEFAULT_ON = frozenset({ChorusMailCategory.MADE_AVAILABLE, ChorusMailCategory.RETURNED})
#: The recipient's moves that send the invoice back to its supplier (seed 003 §XVIII).
RETURNS = frozenset({ChorusState.TO_RECYCLE, ChorusState.SUSPENDED, ChorusState.REJECTED})
MAIL_KIND = "chorus"
#: States that are not a recipient's move (the deposit and its checks' verdict).
_NOT_RECIPIENT_MOVES = frozenset({ChorusState.DRAFT, ChorusState.DEPOSITED,
                                  ChorusState.MADE_AVAILABLE, ChorusState.NON_COMPLIANT})

Executor = Session | Connection


@dataclass(frozen=True)
class Audience:
    """Who a notification is for: the users holding ``space`` on ``structure_id`` (or
    its managers), and/or named users; attachments count when approved and valid
    ``today``."""

    structure_id: int | None = None
    space: ChorusSpace | None = None
    managers: bool = False
    user_ids: tuple[int, ...] = ()


def notify(s: Executor, notice: wording.Notice, audience: Audience, *,
           mail: ChorusMailCategory, target: NotificationTarget, target_id: int,
           now: datetime, today: date, importance: Importance = Importance.NORMAL,
           body: str = "") -> list[int]:
    """Write one notification per user of ``audience`` (and its e-mail per
    subscription); ``body`` is a person's text (a comment) shown as written. Returns
    the ids of the users notified, in order."""
    users = audience_users(s, audience, today)
    if not users:
        return []
    kind = (NotificationType.CHORUS_INVOICE if target == NotificationTarget.CHORUS_INVOICE
            else NotificationType.CHORUS_ATTACHMENT)
    columns = notice.columns()
    mailed = _mailed(s, [u.id for u in users], mail)
    for user in users:
        nid = int(s.execute(insert(Notification).values(
            user_id=user.id, contract_id=None, product_code="",
            category=NotificationCategory.CHORUS.value, type=kind.value,
            importance=importance.value, **columns, body=body[:4000], created_at=now,
            target_type=target.value, target_id=target_id)
            .returning(Notification.id)).scalar_one())
        address = user.contact_email or user.email
        if user.id in mailed and address:
            s.execute(insert(OutboxMessage).values(
                **_mail(nid, user, address, notice, body, now)))
    return [u.id for u in users]


def audience_users(s: Executor, audience: Audience, today: date) -> list[Any]:
    """The users (id, login, names, e-mails, language) of ``audience``, by id."""
    who = []
    if audience.structure_id is not None:
        a = ChorusAttachment
        holds = []
        if audience.space == ChorusSpace.ISSUED:
            holds.append(a.space_issued.is_(True))
        elif audience.space == ChorusSpace.RECEIVED:
            holds.append(a.space_received.is_(True))
        if audience.managers:
            holds.append(a.role.in_([ChorusRole.MAIN_MANAGER.value,
                                     ChorusRole.SECONDARY_MANAGER.value]))
        if holds:
            who.append(User.id.in_(select(a.user_id).where(
                a.structure_id == audience.structure_id, valid_on(today), or_(*holds))))
    if audience.user_ids:
        who.append(User.id.in_(list(audience.user_ids)))
    if not who:
        return []
    return list(s.execute(select(User.id, User.login, User.first_name, User.last_name,
                                 User.email, User.contact_email, User.language)
                          .where(or_(*who)).order_by(User.id)).all())


def mail_enabled(s: Executor, user_id: int, category: ChorusMailCategory) -> bool:
    """The user's subscription to ``category``, its default when never set."""
    return user_id in _mailed(s, [user_id], category)


def _mailed(s: Executor, user_ids: Sequence[int], category: ChorusMailCategory) -> set[int]:
    chosen = {uid: enabled for uid, enabled in s.execute(
        select(ChorusSubscription.user_id, ChorusSubscription.enabled).where(
            ChorusSubscription.category == category.value,
            col(ChorusSubscription.user_id).in_(list(user_ids))))}
    default = category in MAIL_DEFAULT_ON
    return {uid for uid in user_ids if chosen.get(uid, default)}


def _mail(nid: int, user: Any, address: str, notice: wording.Notice, body: str,
          now: datetime) -> dict[str, Any]:
    language = user.language if user.language in ("en", "fr") else "en"

    def tr(key: str, **params: object) -> str:
        return t_in(language, f"notices.chorus_mail.{key}", **params)

    name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.login
    title = notice.title(language)
    lines = [tr("greeting", name=name), "", title, ""]
    if body:
        lines += [tr("comment", comment=body), ""]
    lines += [tr("open"), "", "-- ", tr("why")]
    return dict(message_id=make_msgid(idstring=f"chorus.{nid}", domain="cofatui"),
                dedupe_key=f"chorus:{nid}", kind=MAIL_KIND, user_id=user.id,
                recipient=address[:200], subject=f"Chorus Pro — {title}"[:300],
                body="\n".join(lines) + "\n", language=language, status="pending",
                attempts=0, last_error="", created_at=now, next_attempt_at=now)


# --- what the invoices and the directory call --------------------------------------------
def invoice_moved(s: Executor, invoice: ChorusInvoice, *, actor: ChorusActor,
                  to_state: ChorusState, now: datetime, today: date,
                  comment: str = "") -> list[int]:
    """The notifications of an invoice that reached ``to_state`` (item 10), called once
    per move, after the invoice row holds its new state. ``deposited`` and ``draft``
    are passing states: nobody is told. Returns the users notified."""
    assert invoice.id is not None
    notice = wording.chorus_invoice(to_state, invoice.number)
    common: dict[str, Any] = dict(target=NotificationTarget.CHORUS_INVOICE,
                                  target_id=invoice.id, now=now, today=today)
    supplier = Audience(invoice.supplier_structure_id, ChorusSpace.ISSUED)
    # A state read from the real Chorus Pro (issue 19) is the recipient's move there.
    if actor == ChorusActor.RECIPIENT or (actor == ChorusActor.CHORUS_PRO
                                          and to_state not in _NOT_RECIPIENT_MOVES):
        returned = to_state in RETURNS
        return notify(s, notice, supplier, body=comment,
                      mail=ChorusMailCategory.RETURNED if returned
                      else ChorusMailCategory.STATUS_CHANGE,
                      importance=Importance.HIGH if returned else Importance.NORMAL,
                      **common)
    if to_state == ChorusState.NON_COMPLIANT:
        return notify(s, notice, supplier, mail=ChorusMailCategory.NON_COMPLIANT,
                      importance=Importance.HIGH, **common)
    if to_state in (ChorusState.MADE_AVAILABLE, ChorusState.COMPLETED) \
            and invoice.recipient_structure_id is not None:
        recipient = Audience(invoice.recipient_structure_id, ChorusSpace.RECEIVED)
        return notify(s, notice, recipient, body=comment,
                      mail=ChorusMailCategory.MADE_AVAILABLE, **common)
    return []


def attachment_requested(s: Executor, attachment: ChorusAttachment, *, structure_name: str,
                         requester: str, now: datetime, today: date) -> list[int]:
    """A user asked to be attached to a structure: its main and secondary managers are
    told (seed 003 §IV), with the requester's comment."""
    assert attachment.id is not None
    return notify(s, wording.chorus_attachment_requested(requester, structure_name),
                  Audience(attachment.structure_id, managers=True),
                  mail=ChorusMailCategory.ATTACHMENT,
                  target=NotificationTarget.CHORUS_ATTACHMENT, target_id=attachment.id,
                  now=now, today=today, body=attachment.comment)


def attachment_decided(s: Executor, attachment: ChorusAttachment, *, structure_name: str,
                       now: datetime, today: date) -> list[int]:
    """A manager approved or refused a request: the requester is told, with the
    manager's comment (``attachment.status`` holds the decision)."""
    return notify(s, wording.chorus_attachment_decided(attachment.status, structure_name),
                  Audience(user_ids=(attachment.user_id,)),
                  mail=ChorusMailCategory.ATTACHMENT,
                  target=NotificationTarget.CHORUS_STRUCTURE,
                  target_id=attachment.structure_id, now=now, today=today,
                  body=attachment.decision_comment)


def named_users(s: Executor, notice: wording.Notice, user_ids: Iterable[int], *,
                mail: ChorusMailCategory, target: NotificationTarget, target_id: int,
                now: datetime, today: date, body: str = "") -> list[int]:
    """``notify`` for users named by id (a colleague's account created, a removal)."""
    return notify(s, notice, Audience(user_ids=tuple(user_ids)), mail=mail, target=target,
                  target_id=target_id, now=now, today=today, body=body)
