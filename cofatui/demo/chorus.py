"""Chorus Pro demo data (issue 18 item 11): the directory, its users and invoices.

Written straight into the tables of :mod:`cofatui.models.chorus` by the demo generator,
in its transaction and with its id counter, so the TUI and the CLI open on something
to try every rule with:

- private structures: the seed's SOFAXIS (seed 003 §IV) and the policyholder's company;
- twelve public structures covering every directory parameter (service code required,
  engagement required, "engagement or service code", payment in progress reported),
  one inactive, with services active, inactive, out of their dates, and one requiring
  an engagement where its structure does not; each has ``FACTURES_PUBLIQUES``;
- users ``supplier`` (main manager of SOFAXIS, issued space, no contract), ``buyer``
  (main manager of the Ville de Bourges, received space, which requires a service
  code) and ``demo`` (main manager of its company, issued space) with a pending
  request to join SOFAXIS, so the manager's activities have something to decide;
- invoices in every state with their history (:mod:`cofatui.demo.chorus_invoices`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Table, select

from cofatui.demo.loader import BulkLoader
from cofatui.enums import (
    ChorusAttachmentStatus,
    ChorusRole,
    Role,
    UserStatus,
)
from cofatui.models import User
from cofatui.models.chorus import (
    ChorusAccount,
    ChorusAttachment,
    ChorusService,
    ChorusStructure,
)
from cofatui.schemas_chorus import PUBLIC_INVOICES_SERVICE

__all__ = ["BUYER", "DEMO_STRUCTURE", "PUBLIC_STRUCTURES", "SOFAXIS", "SUPPLIER",
           "ChorusDirectoryIds", "StructureSpec", "write_directory"]

SUPPLIER = "supplier"
BUYER = "buyer"


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    label: str
    active: bool = True
    #: Days from today (negative: past); None: open.
    starts_in: int | None = None
    ends_in: int | None = None
    engagement_required: bool = False


@dataclass(frozen=True)
class StructureSpec:
    siret: str
    name: str
    address: str
    postal_code: str
    city: str
    public: bool = True
    active: bool = True
    legal_status: str = ""
    email: str = ""
    rcs: str = ""
    vat_number: str = ""
    service_code_required: bool = False
    engagement_required: bool = False
    engagement_or_service_required: bool = False
    reports_payment_in_progress: bool = False
    services: tuple[ServiceSpec, ...] = ()


#: Seed 003 §II and §IV: "Identifiant : 33517109600035, Désignation : SOFAXIS, Type :
#: PRIVEE", route de Creton, 18110 Vasselay.
SOFAXIS = StructureSpec(
    "33517109600035", "SOFAXIS", "ROUTE DE CRETON", "18110", "VASSELAY", public=False,
    legal_status="SAS", email="factures@sofaxis.example", rcs="RCS Bourges 335 171 096",
    vat_number="FR48335171096")
#: The policyholder's company (the demo contracts' holder).
DEMO_STRUCTURE = StructureSpec(
    "59608887200012", "DURAND INDUSTRIES SAS", "12 RUE DE LA REPUBLIQUE", "69002", "LYON",
    public=False, legal_status="SAS", email="compta@durand-industries.example",
    rcs="RCS Lyon 596 088 872", vat_number="FR42596088872")

#: The private (supplier) structures' default payment terms (issue 19 item 2): what
#: French invoices must state — the late-payment penalties and the 40 € indemnity
#: (Code de commerce, L441-10 and D441-5).
SUPPLIER_PAYMENT_TERMS = (
    "Paiement à 30 jours à réception de facture, sans escompte pour paiement anticipé. "
    "Pénalités de retard : taux d’intérêt de la BCE majoré de 10 points. Indemnité "
    "forfaitaire pour frais de recouvrement : 40 €.")

_S = ServiceSpec
#: Every combination of the directory parameters; ``buyer`` manages the first. SIRETs
#: are made up (SIREN of a public body: first digit 2) and pass their Luhn check.
PUBLIC_STRUCTURES: tuple[StructureSpec, ...] = (
    StructureSpec("22175337900017", "VILLE DE BOURGES", "11 RUE JACQUES RIMBAULT",
                  "18000", "BOURGES", legal_status="Commune",
                  email="factures@ville-bourges.example", service_code_required=True,
                  reports_payment_in_progress=True,
                  services=(_S("SERV_TECH", "Services techniques"),
                            _S("CULTURE", "Direction de la culture",
                               engagement_required=True),
                            _S("ECOLES", "Direction des écoles"),
                            _S("ANCIEN_CCAS", "Ancien service social", active=False),
                            _S("JO_2024", "Mission Jeux olympiques", starts_in=-900,
                               ends_in=-300))),
    StructureSpec("27274743700015", "COMMUNE DE VASSELAY", "PLACE DE LA MAIRIE", "18110",
                  "VASSELAY", legal_status="Commune"),
    StructureSpec("24158232900017", "DEPARTEMENT DU CHER", "1 PLACE MARCEL PLAISANT",
                  "18000", "BOURGES", legal_status="Département",
                  service_code_required=True, engagement_required=True,
                  reports_payment_in_progress=True,
                  services=(_S("DRH", "Direction des ressources humaines"),
                            _S("ROUTES", "Direction des routes"))),
    StructureSpec("23359837400012", "CENTRE HOSPITALIER DE VIERZON", "33 RUE LEO MERIGOT",
                  "18100", "VIERZON", legal_status="Établissement public de santé",
                  engagement_required=True,
                  services=(_S("ACHATS", "Service des achats"),)),
    StructureSpec("23440563700013", "UNIVERSITE D'ORLEANS", "CHATEAU DE LA SOURCE",
                  "45100", "ORLEANS", legal_status="Établissement public",
                  engagement_or_service_required=True,
                  services=(_S("LABO_BIO", "Laboratoire de biologie"),
                            _S("BIBLIO", "Bibliothèque universitaire",
                               starts_in=30))),
    StructureSpec("26859984200013", "REGION CENTRE-VAL DE LOIRE", "9 RUE SAINT-PIERRE-LENTIN",
                  "45000", "ORLEANS", legal_status="Région", service_code_required=True,
                  engagement_required=True,
                  services=(_S("LYCEES", "Direction des lycées"),
                            _S("TRANSPORTS", "Direction des transports"))),
    StructureSpec("24948147400016", "LYCEE ALAIN-FOURNIER", "50 RUE STEPHANE MALLARME",
                  "18000", "BOURGES", legal_status="EPLE",
                  reports_payment_in_progress=True),
    StructureSpec("29827233700015", "PREFECTURE DU CHER", "PLACE MARCEL PLAISANT", "18000",
                  "BOURGES", legal_status="Service de l'État", engagement_required=True,
                  reports_payment_in_progress=True,
                  services=(_S("SG", "Secrétariat général"),)),
    StructureSpec("26268791600011", "CCAS DE BOURGES", "2 RUE DE LA GARE", "18000",
                  "BOURGES", legal_status="Établissement public communal",
                  engagement_or_service_required=True, reports_payment_in_progress=True,
                  services=(_S("AIDE_SOC", "Aide sociale"),)),
    StructureSpec("23948587300016", "SYNDICAT DES EAUX DU BERRY", "ZI DU PRIEURE", "18500",
                  "MEHUN-SUR-YEVRE", legal_status="Syndicat mixte",
                  service_code_required=True,
                  services=(_S("TRAVAUX", "Travaux", engagement_required=True),
                            _S("ADMIN", "Administration"))),
    StructureSpec("21727271500012", "MUSEUM D'HISTOIRE NATURELLE DE BOURGES",
                  "ALLEE RENE MENARD", "18000", "BOURGES", legal_status="Régie municipale",
                  services=(_S("EXPO", "Expositions", active=False),)),
    StructureSpec("23185369800018", "SIVOM DE LA VALLEE DU CHER", "1 ROUTE DE VIERZON",
                  "18120", "LURY-SUR-ARNON", legal_status="Syndicat intercommunal",
                  active=False),
)


@dataclass(frozen=True)
class _UserSpec:
    login: str
    title: str
    first: str
    last: str
    email: str
    structure: StructureSpec
    received: bool
    address: str
    postal_code: str
    city: str


_CHORUS_USERS = (
    _UserSpec(SUPPLIER, "mr", "Antoine", "Lefèvre", "supplier@sofaxis.example", SOFAXIS,
              False, SOFAXIS.address, SOFAXIS.postal_code, SOFAXIS.city),
    _UserSpec(BUYER, "mrs", "Sophie", "Renaud", "buyer@ville-bourges.example",
              PUBLIC_STRUCTURES[0], True, PUBLIC_STRUCTURES[0].address,
              PUBLIC_STRUCTURES[0].postal_code, PUBLIC_STRUCTURES[0].city),
)
CHORUS_LOGINS = tuple(u.login for u in _CHORUS_USERS)


@dataclass
class ChorusDirectoryIds:
    """What the invoices need of the directory: ids by SIRET, and the services."""

    structures: dict[str, int] = field(default_factory=dict)
    specs: dict[str, StructureSpec] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    #: ``demo``'s pending request to join SOFAXIS, and its comment.
    request: tuple[int, str] | None = None


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def write_directory(loader: BulkLoader, take: Callable[[str], int], now: datetime,
                    users: dict[str, int]) -> ChorusDirectoryIds:
    """Structures, services, the ``supplier`` and ``buyer`` accounts and every
    attachment. ``users`` maps the demo logins already written to their ids; ``now``
    is naive UTC."""
    out = ChorusDirectoryIds(users=dict(users))
    today = now.date()
    created = now - timedelta(days=500)
    structures, services = [], []
    for spec in (SOFAXIS, DEMO_STRUCTURE, *PUBLIC_STRUCTURES):
        sid = take("chorus_structure")
        out.structures[spec.siret] = sid
        out.specs[spec.siret] = spec
        structures.append({
            "id": sid, "siret": spec.siret, "name": spec.name, "label": "",
            "legal_status": spec.legal_status, "address": spec.address,
            "postal_code": spec.postal_code, "city": spec.city, "country": "FR",
            "email": spec.email, "rcs": spec.rcs, "vat_number": spec.vat_number,
            "active": spec.active, "public": spec.public,
            "service_code_required": spec.service_code_required,
            "engagement_required": spec.engagement_required,
            "engagement_or_service_required": spec.engagement_or_service_required,
            "reports_payment_in_progress": spec.reports_payment_in_progress,
            # The private ones signed the billing mandate: entry by form works.
            "billing_mandate_at": None if spec.public else created,
            "billing_mandate_by": "" if spec.public else "system",
            "payment_terms_default": "" if spec.public else SUPPLIER_PAYMENT_TERMS,
            "created_at": created, "created_by": "system", "version": 1})
        kept = (_S(PUBLIC_INVOICES_SERVICE, "Factures publiques"), *spec.services) \
            if spec.public else spec.services
        for service in kept:
            services.append({
                "id": take("chorus_service"), "structure_id": sid, "code": service.code,
                "label": service.label, "active": service.active,
                "start_date": _day_from(today, service.starts_in),
                "end_date": _day_from(today, service.ends_in),
                "engagement_required": service.engagement_required, "version": 1})
    _insert(loader, ChorusStructure, structures)
    _insert(loader, ChorusService, services)
    _write_users(loader, take, now, out)
    _write_attachments(loader, take, now, out)
    return out


def _day_from(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


def _insert(loader: BulkLoader, model: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    if rows:
        table = _table(model)
        loader.conn.execute(insert(table), rows)
        loader.track(table, len(rows))


def _write_users(loader: BulkLoader, take: Callable[[str], int], now: datetime,
                 out: ChorusDirectoryIds) -> None:
    """``supplier`` and ``buyer``: no contract, the demo password (the hash of
    ``demo``'s, so no second slow hashing)."""
    user = _table(User)
    password_hash = loader.conn.execute(select(user.c.password_hash).where(
        user.c.id == out.users["demo"])).scalar_one()
    rows = []
    created = now - timedelta(days=400)
    for spec in _CHORUS_USERS:
        uid = take("user")
        out.users[spec.login] = uid
        rows.append({
            "id": uid, "login": spec.login, "title": spec.title, "first_name": spec.first,
            "last_name": spec.last, "email": spec.email, "contact_email": spec.email,
            "address": spec.address, "address_complement1": "", "address_complement2": "",
            "postal_code": spec.postal_code, "city": spec.city, "country": "FR",
            "phone": "+33 2 48 00 00 00", "fax": "", "language": "fr",
            "role": Role.POLICYHOLDER.value, "status": UserStatus.ACTIVE.value,
            "password_hash": password_hash, "default_contract_id": None,
            "notify_opt_out": False, "created_at": created, "updated_at": created,
            "organisation_id": None, "version": 1})
    _insert(loader, User, rows)


def _write_attachments(loader: BulkLoader, take: Callable[[str], int], now: datetime,
                       out: ChorusDirectoryIds) -> None:
    since = (now - timedelta(days=400)).date()
    at = now - timedelta(days=400)
    rows = []

    def attach(login: str, siret: str, role: ChorusRole, issued: bool, received: bool,
               status: ChorusAttachmentStatus = ChorusAttachmentStatus.APPROVED,
               comment: str = "Demande de rattachement") -> int:
        decided = status is not ChorusAttachmentStatus.PENDING
        aid = take("chorus_attachment")
        rows.append({
            "id": aid, "user_id": out.users[login],
            "structure_id": out.structures[siret], "status": status.value,
            "role": role.value, "space_issued": issued, "space_received": received,
            "valid_from": since if decided else now.date(), "valid_until": None,
            "comment": comment, "requested_at": at if decided else now,
            "requested_by": login, "decided_at": at if decided else None,
            "decided_by": login if decided else "", "decision_comment": "", "version": 1})
        return aid

    for spec in _CHORUS_USERS:
        attach(spec.login, spec.structure.siret, ChorusRole.MAIN_MANAGER,
               not spec.received, spec.received)
    attach("demo", DEMO_STRUCTURE.siret, ChorusRole.MAIN_MANAGER, True, False)
    # demo asks to join SOFAXIS: ``supplier`` has a request to approve or refuse.
    comment = f"Demande de rattachement du {now.date():%d/%m/%Y} : facturation CNP"
    out.request = (attach("demo", SOFAXIS.siret, ChorusRole.USER, False, False,
                          ChorusAttachmentStatus.PENDING, comment), comment)
    _insert(loader, ChorusAttachment, rows)
    # demo has read its returns (no pop-up over its usual screens); supplier read them
    # a month ago: the pop-up shows the month's, newest first.
    _insert(loader, ChorusAccount, [
        {"user_id": out.users["demo"], "returns_acknowledged_at": now},
        {"user_id": out.users[SUPPLIER], "returns_acknowledged_at": now - timedelta(days=30)}])
