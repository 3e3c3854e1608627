"""Migration 0013 reads the old English notification titles back into a kind and typed
params (every shape the application and the demo wrote), on SQLite and PostgreSQL, from a
database at 0012; a title it cannot read keeps kind ``text`` and shows as it was."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cofatui import migrations
from cofatui.i18n.messages import Amount, Term, decode_params
from cofatui.notification_wording import render_title
from cofatui.repository.sql import make_engine
from tests.unit.test_migration_product_requests import insert
from tests.unit.test_migration_product_requests import pg_engine as pg_engine

BEFORE = "0012_jobs"
AFTER = "0013_notification_params"
AT = datetime(2026, 11, 22, 9, tzinfo=UTC)
MIGRATION = importlib.import_module("cofatui.migrations.versions.0013_notification_params")
EUR = "EUR"


def product(code: str) -> Term:
    return Term(f"notices.product.{code}")


def money(amount: int | str) -> Amount:
    return Amount(Decimal(amount), EUR)


# Old title → (kind, params, its French rendering's start).
SHAPES: dict[str, tuple[str, dict[str, object], str]] = {
    "Credit limit granted: EUR 75,000":
        ("product.granted", {"product": product("CRL"), "amount": money(75000)},
         "Agrément : accord de 75"),
    "Credit limit partially granted: EUR 15,000, insured 90 % of EUR 20,000":
        ("product.partially_granted",
         {"product": product("CRL"), "requested": money(20000),
          "amount": Term.of("notices.insured", amount=money(15000), percentage=Decimal(90))},
         "Agrément : accord partiel de 15"),
    "Credit limit reduced from EUR 20,000 to EUR 15,000":
        ("product.reduced", {"product": product("CRL"), "requested": money(20000),
                             "amount": money(15000)}, "Agrément : réduction de 20"),
    "TopLiner quoted: EUR 40,000, premium EUR 118.36":
        ("product.quoted_premium", {"product": product("TOPLINER"), "amount": money(40000),
                                    "premium": money("118.36")}, "TopLiner : devis de 40"),
    "DRA flash delivered: DRA 8 (22 Nov 2026)":
        ("product.delivered_dra_on", {"product": product("RSC"), "dra": "8",
                                      "on": date(2026, 11, 22)},
         "DRA flash : livraison, DRA 8 (au 22/11/2026)"),
    "@rating opinion flash delivered: EUR 25,000":
        ("product.delivered_amount", {"product": product("RCO"), "amount": money(25000)},
         "Avis @rating flash : livraison, 25"),
    "Full report delivered":
        ("product.delivered", {"product": product("REPORT_FULL")}, "Rapport complet : livraison"),
    "Express agreement refused":
        ("product.status", {"product": product("ECL"), "status": Term("notices.status.refused")},
         "Accord Express : refus"),
    "Credit limit expired on 2026-12-04":
        ("product.expired_on", {"product": product("CRL"), "on": date(2026, 12, 4)},
         "Agrément : échéance atteinte le 04/12/2026"),
    "TopLiner ends in 3 days (25 Nov 2026): ask for a new one if you still need the cover":
        ("product.ends_in", {"product": product("TOPLINER"), "end": date(2026, 11, 25),
                             "count": 3}, "TopLiner : fin dans 3 jours (25/11/2026)"),
    "TopLiner ends today (22 Nov 2026): ask for a new one if you still need the cover":
        ("product.ends_today", {"product": product("TOPLINER"), "end": date(2026, 11, 22)},
         "TopLiner : fin aujourd’hui (22/11/2026)"),
    "Increase to EUR 45,000 refused; your credit limit of EUR 40,000 remains":
        ("request.increase_refused",
         {"product": product("CRL"), "amount": money(45000),
          "remains": Term.of("notices.remains_amount", product=product("CRL"),
                             amount=money(40000))},
         "Refus de l’augmentation à 45"),
    "Transform of your @rating cover into credit limit refused; your @rating cover "
    "remains":
        ("request.transform_refused",
         {"product": product("RLI"), "target": product("CRL"),
          "remains": Term.of("notices.remains", product=product("RLI"))},
         "Refus de la transformation de votre garantie @rating en agrément ; votre "
         "garantie @rating reste en vigueur"),
    "DRA changed from 8 to 3 on 22 Nov 2026; @rating opinion now EUR 10,000":
        ("dra.changed_on_news",
         {"before": "8", "after": "3", "on": date(2026, 11, 22),
          "news": Term.of("notices.opinion_now", amount=money(10000))},
         "DRA passé de 8 à 3 le 22/11/2026 ; avis @rating désormais de 10"),
    "DRA changed from 5 to 3":
        ("dra.changed", {"before": "5", "after": "3"}, "DRA passé de 5 à 3"),
    "TopLiner bought: EUR 40,000 covered until 03 Mar 2027":
        ("topliner.bought_until", {"amount": money(40000), "end": date(2027, 3, 3)},
         "TopLiner acheté : 40"),
    "Extension of due date active; claim deadline 2027-01-15":
        ("extension.decided", {"status": Term("notices.extension_status.active"),
                               "deadline": date(2027, 1, 15)},
         "Prorogation d’échéance : accordée"),
    "Claim C-2026-0001: accepted":
        ("claim.update", {"reference": "C-2026-0001",
                          "status": Term("notices.claim_status.accepted")},
         "Sinistre C-2026-0001 : accepté"),
    "Claim CL-7 registered":
        ("claim.update", {"reference": "CL-7", "status": Term("notices.claim_status.pending")},
         "Sinistre CL-7 : enregistré"),
    "Claim C-2026-0001: indemnity 1530.000 EUR":
        ("claim.indemnity", {"reference": "C-2026-0001", "amount": money("1530")},
         "Sinistre C-2026-0001 : indemnité de 1"),
    "Guarantee ends on 2026-12-20: credit limit EUR 50,000":
        ("product.guarantee_ends_amount", {"product": product("CRL"), "end": date(2026, 12, 20),
                                           "amount": money(50000)},
         "Fin de garantie le 20/12/2026 : agrément de 50"),
    "Company information analysed: annual accounts 2025":
        ("document.analysed", {"document": Term("notices.document.annual_accounts"),
                               "year": "2025"},
         "Informations sur l’entreprise analysées : comptes annuels 2025"),
    "Reminder 3: turnover declaration for November 2026":
        ("turnover.reminder", {"number": "3", "month": date(2026, 11, 1)},
         "Relance 3 : déclaration de chiffre d’affaires pour novembre 2026"),
    "Cover need requested (ILU)": ("ilu.requested", {}, "Besoin de couverture demandé (ILU)"),
    "@rating opinion:  recommended": ("opinion.none", {}, "Avis @rating : aucun montant"),
    "@rating opinion: EUR 10,000 recommended":
        ("opinion.recommended", {"amount": money(10000)},
         "Avis @rating : montant recommandé de 10"),
}
UNPARSABLE = "Welcome to the new portal"


def build_at_0012(engine: Engine) -> dict[str, int]:
    migrations.upgrade(engine, BEFORE)
    ids: dict[str, int] = {}
    with engine.connect() as conn:
        conn.info["write"] = True
        with conn.begin():
            contract = insert(conn, "contract", policy_number="P-1", policyholder="H",
                              currency="EUR", products_allowed="CRL,RLI")
            for title in (*SHAPES, UNPARSABLE):
                ids[title] = insert(conn, "notification", contract_id=contract,
                                    category="insurance", type="decision", title=title,
                                    body="kept as written", created_at=AT)
    return ids


def check_upgrade(engine: Engine, batch: int | None = None) -> None:
    ids = build_at_0012(engine)
    migrations.upgrade(engine, AFTER)
    if batch is not None:  # again, by the batch size given
        with engine.connect() as conn:
            conn.info["write"] = True
            with conn.begin():
                conn.execute(sa.text("UPDATE notification SET kind = 'text', params = '{}'"))
                assert MIGRATION.migrate_rows(conn, batch) == len(SHAPES)
    with engine.connect() as conn:
        rows = {nid: (kind, params, title, body) for nid, kind, params, title, body in
                conn.execute(sa.text("SELECT id, kind, params, title, body FROM notification"))}
    for title, (kind, params, french) in SHAPES.items():
        got_kind, got_params, stored, body = rows[ids[title]]
        decoded = decode_params(json.loads(got_params))
        assert (got_kind, decoded) == (kind, params), title
        assert (stored, body) == (title, "kept as written")  # the old text stays
        assert render_title(got_kind, decoded, stored, "fr").startswith(french), title
        assert render_title(got_kind, decoded, stored, "en")  # renders in English too
    kind, params, stored, _ = rows[ids[UNPARSABLE]]
    assert (kind, params) == ("text", "{}")
    assert render_title(kind, {}, stored, "fr") == UNPARSABLE


@pytest.mark.parametrize("batch", [None, 4])  # 4: several batches, the last one partial
def test_old_titles_become_kinds_and_params_sqlite(tmp_path: Path, batch: int | None) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'n.sqlite'}")
    try:
        check_upgrade(engine, batch)
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_old_titles_become_kinds_and_params_postgres(pg_engine: Engine) -> None:
    check_upgrade(pg_engine, batch=7)


def test_every_demo_and_application_title_of_before_parses() -> None:
    """Each wording the old code wrote (one of each) is read back, none left as text."""
    for title in SHAPES:
        assert MIGRATION.parse_title(title) is not None, title
    for title in ("", UNPARSABLE, "Credit limit granted: 75000 euros"):
        assert MIGRATION.parse_title(title) is None
