"""The Chorus Pro part of the contract tests' dataset (issue 18): two private supplier
structures, two public recipient structures and their users, with no insurance
contract (Chorus rights come from attachments only).

- ``SA`` (private, active): ``chorus-sa`` main manager, issued space; its contact
  e-mail is set (notifications are mailed there).
- ``SB`` (private, active): ``chorus-sb`` main manager, issued space.
- ``PA`` (public, active): service code required, engagement required, reports
  "payment in progress"; services ``FACTURES_PUBLIQUES``, ``ACHATS`` (active),
  ``ANCIEN`` (inactive), ``EXPIRE`` (active but ended before today), ``TRAVAUX``
  (active, requires an engagement of its own); ``chorus-pa`` main manager, received
  space; ``chorus-pa2`` secondary manager, received space; ``chorus-expired``
  recipient user whose attachment ended yesterday.
- ``PB`` (public, inactive): ``FACTURES_PUBLIQUES`` only, nobody attached.
- ``chorus-new``: a user attached to nothing (to request an attachment).

Keys in ``Ids``: structures ``chorus:SA`` … ``chorus:PB``; services
``chorus:PA:ACHATS`` …; users by login (``ids["chorus-sa"]``); attachments
``chorus:att:<login>``. Every user's password is ``dataset.PASSWORD``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from cofatui.enums import ChorusRole
from cofatui.models import ChorusAttachment, ChorusService, ChorusStructure, User

if TYPE_CHECKING:
    from tests.contract.dataset import Ids

# Structure keys in Ids, and their SIRETs (valid: SIREN and SIRET Luhn).
SA, SB, PA, PB = "chorus:SA", "chorus:SB", "chorus:PA", "chorus:PB"
SIRET = {SA: "11111111800019", SB: "22222222600011", PA: "13000000300017",
         PB: "21000000600010"}
VAT = {SA: "FR44111111118", SB: "FR46222222226", PA: "FR75130000003", PB: "FR65210000006"}
NAME = {SA: "Fournisseur SA", SB: "Fournisseur SB", PA: "Mairie de PA",
        PB: "Syndicat PB (fermé)"}

PUBLIC_INVOICES = "FACTURES_PUBLIQUES"
#: PA's services: code -> (active, start, end, engagement required).
SERVICE_ACTIVE, SERVICE_INACTIVE, SERVICE_EXPIRED, SERVICE_ENGAGEMENT = (
    "ACHATS", "ANCIEN", "EXPIRE", "TRAVAUX")

# Logins.
SA_USER = "chorus-sa"
SB_USER = "chorus-sb"
PA_USER = "chorus-pa"
PA2_USER = "chorus-pa2"
EXPIRED_USER = "chorus-expired"
NEW_USER = "chorus-new"
SA_CONTACT = "factures@sa.example.test"

VALID_FROM = date(2026, 1, 1)


def service_key(structure: str, code: str) -> str:
    return f"{structure}:{code}"


def attachment_key(login: str) -> str:
    return f"chorus:att:{login}"


def seed_chorus(s: Session, ids: Ids, password_hash: str, now: datetime) -> None:
    """Add the Chorus structures, services, users and attachments to ``s`` (flushed,
    not committed) and their ids to ``ids``."""
    yesterday = now.date() - timedelta(days=1)
    structures: dict[str, dict[str, Any]] = {
        SA: dict(public=False),
        SB: dict(public=False),
        PA: dict(public=True, service_code_required=True, engagement_required=True,
                 reports_payment_in_progress=True, legal_status="Commune"),
        PB: dict(public=True, active=False, legal_status="Syndicat mixte"),
    }
    for key, extra in structures.items():
        row = ChorusStructure(siret=SIRET[key], name=NAME[key], vat_number=VAT[key],
                              address="1 place " + key[-2:], postal_code="75001",
                              city="Paris", country="FR", created_by="dataset", **extra)
        s.add(row)
        s.flush()
        assert row.id is not None
        ids[key] = row.id
    services = [
        (PA, PUBLIC_INVOICES, True, None, None, False),
        (PA, SERVICE_ACTIVE, True, VALID_FROM, None, False),
        (PA, SERVICE_INACTIVE, False, None, None, False),
        (PA, SERVICE_EXPIRED, True, VALID_FROM, yesterday, False),
        (PA, SERVICE_ENGAGEMENT, True, None, None, True),
        (PB, PUBLIC_INVOICES, True, None, None, False),
    ]
    for key, code, active, start, end, engagement in services:
        service = ChorusService(structure_id=ids[key], code=code, label=code.title(),
                                active=active, start_date=start, end_date=end,
                                engagement_required=engagement)
        s.add(service)
        s.flush()
        assert service.id is not None
        ids[service_key(key, code)] = service.id
    # login -> (structure or None, role, issued, received, valid until)
    users: dict[str, tuple[str | None, ChorusRole, bool, bool, date | None]] = {
        SA_USER: (SA, ChorusRole.MAIN_MANAGER, True, False, None),
        SB_USER: (SB, ChorusRole.MAIN_MANAGER, True, False, None),
        PA_USER: (PA, ChorusRole.MAIN_MANAGER, False, True, None),
        PA2_USER: (PA, ChorusRole.SECONDARY_MANAGER, False, True, None),
        EXPIRED_USER: (PA, ChorusRole.USER, False, True, yesterday),
        NEW_USER: (None, ChorusRole.USER, False, False, None),
    }
    for login, (structure, role, issued, received, until) in users.items():
        first = login.split("-", 1)[1].title()
        user = User(login=login, first_name=first, last_name="Chorus", role="policyholder",
                    email=f"{login}@example.test", password_hash=password_hash,
                    contact_email=SA_CONTACT if login == SA_USER else "",
                    address="2 rue " + first, postal_code="75002", city="Paris",
                    country="FR", created_at=now)
        s.add(user)
        s.flush()
        assert user.id is not None
        ids[login] = user.id
        if structure is None:
            continue
        attachment = ChorusAttachment(
            user_id=user.id, structure_id=ids[structure], status="approved", role=role.value,
            space_issued=issued, space_received=received, valid_from=VALID_FROM,
            valid_until=until, comment="dataset", requested_by=login,
            decided_by="dataset")
        s.add(attachment)
        s.flush()
        assert attachment.id is not None
        ids[attachment_key(login)] = attachment.id
