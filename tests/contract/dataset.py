"""A small, exactly known dataset the contract tests assert against.

Built with the ORM on a freshly migrated database; every backend then reads it
through its own Repository.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cofatui.models import (
    Company,
    Contract,
    CustomFieldDefinition,
    CustomFieldValue,
    DecisionRequest,
    LegalIdentifier,
    Notification,
    PortfolioEntry,
    Product,
    ProductEvent,
    User,
    UserContract,
)
from cofatui.repository.sql.companies import name_key
from cofatui.repository.sql.search import search_key
from cofatui.repository.sql.underwriting_tables import default_tables
from tests.contract.chorus_dataset import seed_chorus

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
PASSWORD = "Correct-Horse-42!"

# company key -> (name, country, dra, easy, siren or None)
COMPANIES = {
    "alpha": ("Alpha Industries", "FRA", 7, "00000000000001", "732829320"),
    "beta": ("Beta Maschinenbau GmbH", "DEU", 4, "00000000000002", None),
    "gamma": ("Gamma Tessile SpA", "ITA", 8, "00000000000003", None),
    "foo": ("Foo [UK] Ltd", "GBR", 5, "00000000000004", None),
    "delta": ("Alpha Industries Lyon", "FRA", 7, "0000000000000000005", None),
    "epsilon": ("Epsilon Transports", "FRA", 3, "00000000000006", "552100554"),
}


class Ids(dict[str, int]):
    """Keys of the dataset mapped to database ids."""


class _Row(Protocol):
    id: int | None


def _id(row: _Row) -> int:
    """The id of a row just flushed (the database gave it one)."""
    assert row.id is not None
    return row.id


def build(engine: Engine) -> Ids:
    ids = Ids()
    with Session(engine) as s:
        a = Contract(policy_number="P-A", policyholder="Holder A", currency="EUR",
                     max_declaration_days=150, option_uninsured_collection=True)
        b = Contract(policy_number="P-B", policyholder="Holder B", currency="EUR")
        s.add_all([a, b])
        s.flush()
        ids["A"], ids["B"] = _id(a), _id(b)
        for contract in (a, b):  # the decision tables a contract starts with (SPEC §4)
            s.add_all(default_tables(_id(contract)))
        users: dict[str, tuple[str, list[tuple[Contract, str, dict[str, str]]]]] = {
            "alice": ("policyholder", [(a, "full", {})]),
            "bob": ("policyholder", [(b, "full", {})]),
            "reader": ("policyholder", [(a, "read_only", {})]),
            "carol": ("policyholder", [(a, "custom", {"cover": "full", "claims": "none",
                                                      "notifications": "read_only",
                                                      "bulk_orders": "full"})]),
            "admin": ("contract_admin", [(a, "full", {})]),
            "uw": ("underwriter", []),
            "both": ("policyholder", [(a, "full", {}), (b, "full", {})]),
        }
        from argon2 import PasswordHasher

        password_hash = PasswordHasher(time_cost=1, memory_cost=1024).hash(PASSWORD)
        for login, (role, attachments) in users.items():
            user = User(login=login, first_name=login.title(), last_name="Test", role=role,
                        email=f"{login}@example.test", password_hash=password_hash,
                        created_at=NOW)
            s.add(user)
            s.flush()
            ids[login] = _id(user)
            for contract, rights, sections in attachments:
                s.add(UserContract(user_id=_id(user), contract_id=_id(contract), rights=rights,
                                   section_rights=json.dumps(sections)))
        for key, (name, country, dra, easy, siren) in COMPANIES.items():
            company = Company(name=name, name_key=name_key(name), country=country, dra=dra,
                              easy_number=easy, city="City " + key, address="1 rue " + key,
                              postal_code="75001", updated_at=NOW,
                              establishment="branch" if len(easy) == 19 else "head_office")
            s.add(company)
            s.flush()
            ids[key] = _id(company)
            if siren:
                s.add(LegalIdentifier(company_id=_id(company), type_code="SIREN", value=siren))
        s.get(Company, ids["delta"]).head_office_id = ids["alpha"]  # type: ignore[union-attr]
        definition = CustomFieldDefinition(contract_id=_id(a), slot=1, name="Segment")
        s.add(definition)
        s.flush()
        # Portfolio entries: A holds five companies, B two; updated one hour apart so the
        # "most recently updated first" order is known: foo, gamma, beta, alpha, delta.
        entries = [("A", "delta", "CR-005", 5), ("A", "alpha", "CR-001", 4),
                   ("A", "beta", "CR-002", 3), ("A", "gamma", "CR-003", 2),
                   ("A", "foo", "CR-004", 1), ("B", "epsilon", "B-1", 2), ("B", "beta", "B-2", 1)]
        for contract_key, company_key, ref, hours_ago in entries:
            name, country, _, easy, _ = COMPANIES[company_key]
            entry = PortfolioEntry(contract_id=ids[contract_key], company_id=ids[company_key],
                                   client_reference=ref,
                                   search_text=search_key(name, country, easy, ref),
                                   updated_at=NOW - timedelta(hours=hours_ago))
            s.add(entry)
            s.flush()
            ids[f"entry:{contract_key}:{company_key}"] = _id(entry)
        s.add(CustomFieldValue(entry_id=ids["entry:A:gamma"], definition_id=_id(definition),
                               value="Textiles premium"))
        products: list[tuple[str, str, str, str, str, str | None, dict[str, Any]]] = [
            # key, contract, company, code, status, amount, extra
            ("p_alpha_crl", "A", "alpha", "CRL", "granted", "100000", {}),
            ("p_beta_crl", "A", "beta", "CRL", "granted", "50000",
             {"guarantor_company_id": ids["gamma"], "clause": "Guarantor clause"}),
            ("p_gamma_rsm", "A", "gamma", "RSM", "granted", None, {"monitored": True}),
            ("p_gamma_cco", "A", "gamma", "CCO", "refused", "20000", {}),
            ("p_foo_crl", "A", "foo", "CRL", "pending", "20000",
             {"expected_decision_at": NOW + timedelta(hours=20)}),
            ("p_delta_rli", "A", "delta", "RLI", "granted", "15000",
             {"end_date": TODAY + timedelta(days=10)}),
            ("p_eps_crl", "B", "epsilon", "CRL", "granted", "30000", {}),
            ("p_beta_b_crl", "B", "beta", "CRL", "reduced", "5000", {}),
        ]
        for i, (key, ck, company_key, code, status, amount, extra) in enumerate(products):
            amt = Decimal(amount) if amount else None
            product = Product(
                contract_id=ids[ck], company_id=ids[company_key], code=code, status=status,
                requested_amount=amt, decided_amount=None if status in ("pending", "refused")
                else amt, currency="EUR", requested_at=NOW - timedelta(days=30 - i),
                decided_at=None if status == "pending" else NOW - timedelta(days=20 - i),
                updated_at=NOW - timedelta(days=20 - i),
                effective_date=date(2026, 1, 1), decided_by="rule:auto", **extra)
            s.add(product)
            s.flush()
            ids[key] = _id(product)
            s.add(ProductEvent(product_id=_id(product), at=product.requested_at, action="request",
                               status="pending", amount=amt, actor="alice"))
            if status == "pending":  # its first request, waiting for a decision
                s.add(DecisionRequest(
                    product_id=_id(product), contract_id=product.contract_id,
                    company_id=product.company_id, kind="initial", code=code,
                    requested_amount=amt, currency="EUR", requested_at=product.requested_at,
                    expected_decision_at=product.expected_decision_at, requested_by="alice"))
        notifications = [
            ("n1", "A", "alpha", "p_alpha_crl", "insurance", "decision", "high", 1),
            ("n2", "A", "beta", "p_beta_crl", "insurance", "modification", "normal", 2),
            ("n3", "A", "gamma", "p_gamma_rsm", "information", "monitoring_update", "low", 3),
            ("n4", "A", "foo", None, "management", "document", "normal", 4),
            ("n5", "A", "gamma", "p_gamma_cco", "information", "decision", "normal", 40),
            ("n6", "B", "epsilon", "p_eps_crl", "insurance", "decision", "high", 1),
            ("n7", "B", "beta", "p_beta_b_crl", "insurance", "modification", "normal", 5),
        ]
        for key, ck, company_key, product_key, cat, typ, imp, days_ago in notifications:
            n = Notification(contract_id=ids[ck], company_id=ids[company_key],
                             product_id=ids[product_key] if product_key else None,
                             product_code=products_code(products, product_key),
                             category=cat, type=typ, importance=imp,
                             title=f"{typ} on {COMPANIES[company_key][0]}",
                             created_at=NOW - timedelta(days=days_ago))
            s.add(n)
            s.flush()
            ids[key] = _id(n)
        seed_chorus(s, ids, password_hash, NOW)
        s.commit()
    return ids


def products_code(products: list[tuple], key: str | None) -> str:  # type: ignore[type-arg]
    for row in products:
        if row[0] == key:
            return str(row[3])
    return ""
