"""A refusal is a class, a code and typed parameters on every backend: the HTTP
repository rebuilds the very exception the SQL repository raised (a date stays a date,
an amount keeps its currency), and the API's error body carries ``code`` and ``params``
beside the English ``message`` (issue 11, item 1)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from sqlalchemy import update
from sqlalchemy.orm import Session

from cofatui.api.errors import install_error_handlers
from cofatui.clock import FixedClock
from cofatui.errors import (
    Conflict,
    Forbidden,
    RuleViolation,
    ValidationFailed,
    error_from_dict,
)
from cofatui.i18n.messages import Amount, Term
from cofatui.models import Product
from cofatui.repository.sql import SqlRepository
from cofatui.rules.money import Money
from cofatui.schemas import ClaimCreate, InvoiceLine, ProductRequest
from tests.api_app import shared_app
from tests.contract import dataset
from tests.contract.conftest import Backend, make_token
from tests.contract.refusals import assert_coded, refused
from tests.contract.templates import SqliteTemplate

TODAY = dataset.TODAY
DELAY = 150  # contract A's maximum delay to declare a claim
OLD = TODAY - timedelta(days=DELAY + 10)  # its deadline passed 10 days ago


def order(backend: Backend) -> ProductRequest:
    return ProductRequest(contract_id=backend.ids["A"], company_id=backend.ids["epsilon"],
                          code="RLI", amount=Decimal(20000))


def late_claim(backend: Backend) -> ClaimCreate:
    return ClaimCreate(
        contact_name="Alice", contact_email="alice@example.test",
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        invoices=[InvoiceLine(type="IN", number="1001", invoice_date=OLD,
                              due_date=OLD + timedelta(days=30), currency="EUR",
                              amount_excl_tax=Decimal("1000.00"), tax=Decimal("200.00"))])


def test_a_readers_order_is_refused_as_read_only(backend: Backend) -> None:
    with refused(Forbidden, "access.read_only", policy="P-A") as err:
        backend.open("reader").products.request(order(backend))
    assert err.value.params == {"policy": "P-A"}
    assert err.value.text("en") == "Read-only access to contract P-A"
    assert err.value.text("fr") == "Accès en lecture seule au contrat P-A"


def test_a_claim_past_its_deadline_names_the_deadline_as_a_date(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(late_claim(backend))
    late = [e for e in err.value.errors if e.field == "invoices[1].invoice_date"]
    assert len(late) == 1 and late[0].line == 1
    assert_coded(late[0], "claims.deadline_passed", deadline=OLD + timedelta(days=DELAY),
                 days=DELAY)
    assert type(late[0].params["deadline"]) is date


def test_an_expired_quote_names_its_end_as_a_date(backend: Backend) -> None:
    bob = backend.open("bob")
    quote = bob.products.request(ProductRequest(
        contract_id=backend.ids["B"], company_id=backend.ids["beta"], code="TOPLINER",
        amount=Decimal(60000), duration_days=60))
    ended = TODAY - timedelta(days=1)
    with Session(backend.engine) as s:
        s.execute(update(Product).where(Product.id == quote.id)  # type: ignore[arg-type]
                  .values(quote_valid_until=ended))
        s.commit()
    current = next(p for p in bob.products.of_company(backend.ids["B"], backend.ids["beta"])
                   if p.id == quote.id)
    with pytest.raises(RuleViolation) as err:
        bob.products.answer_topliner_quote(quote.id, "buy", current.version)
    dates = {k: v for k, v in err.value.params.items() if isinstance(v, date)}
    assert dates, f"{err.value.code}: no date among {err.value.params}"
    assert ended in dates.values()


def test_a_stale_version_is_a_conflict_naming_the_row(backend: Backend) -> None:
    uw = backend.open("uw")
    company = uw.companies.get(backend.ids["alpha"])
    with refused(Conflict, "companies.changed", company_id=backend.ids["alpha"]):
        uw.underwriting.set_company_dra(company.id, 3, company.version + 1)


def test_field_errors_keep_their_field_code_params_and_line(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(ClaimCreate(
            contact_name="Alice", contact_email="alice@example.test",
            contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
            invoices=[InvoiceLine(type="IN", number="1001", invoice_date=TODAY,
                                  due_date=TODAY, currency="EUR",
                                  amount_excl_tax=Decimal("100.00"), tax=Decimal("0")),
                      InvoiceLine(type="IN", number="1001", invoice_date=TODAY,
                                  due_date=TODAY, currency="EUR",
                                  amount_excl_tax=Decimal("100.00"), tax=Decimal("0"))]))
    twice = [e for e in err.value.errors if e.line == 2]
    assert twice and all(e.field.startswith("invoices[2].") for e in twice)
    assert all("." in e.code and " " not in e.code for e in err.value.errors)
    assert err.value.code == "validation.failed"


# --- the API's error body ------------------------------------------------------------------

@pytest.fixture
def api(tmp_path: Path,
        sqlite_template: SqliteTemplate) -> Iterator[tuple[TestClient, Backend]]:
    """The API in-process on SQLite (the raw body is the API's: one backend is enough)."""
    engine, ids = sqlite_template.copy_to(tmp_path / "api.sqlite")
    clock = FixedClock(dataset.NOW)
    backend = Backend("api", engine, ids, lambda login: SqlRepository(engine, login, clock),
                      clock)
    try:
        with shared_app(engine, clock) as app, \
                TestClient(app, raise_server_exceptions=False) as client:
            yield client, backend
    finally:
        engine.dispose()


def _headers(backend: Backend, login: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(backend.engine, login, backend.clock)}"}


def test_the_error_body_carries_code_and_params(api: tuple[TestClient, Backend]) -> None:
    client, backend = api
    answer = client.post("/products", headers=_headers(backend, "reader"),
                         json=order(backend).model_dump(mode="json"))
    assert answer.status_code == 403
    assert answer.json() == {"error": "forbidden", "code": "access.read_only",
                             "params": {"policy": "P-A"},
                             "message": "Read-only access to contract P-A"}

    answer = client.post("/claims", headers=_headers(backend, "alice"),
                         json=late_claim(backend).model_dump(mode="json"))
    body = answer.json()
    assert answer.status_code == 422 and body["error"] == "validation_failed"
    assert {"code", "params", "message", "fields"} <= set(body)
    late = next(f for f in body["fields"] if f["field"] == "invoices[1].invoice_date")
    assert late["code"] == "claims.deadline_passed" and late["line"] == 1
    assert late["params"]["deadline"] == {"$date": (OLD + timedelta(days=DELAY)).isoformat()}


def test_request_validation_and_http_errors_are_coded(api: tuple[TestClient, Backend]) -> None:
    client, backend = api
    answer = client.post("/claims", headers=_headers(backend, "alice"),
                         json={"contract_id": "x", "reason": "r" * 5})
    body = answer.json()
    assert answer.status_code == 422 and body["code"] == "validation.failed"
    fields = {f["field"]: f for f in body["fields"]}
    assert fields["contract_id"]["code"] == "api.invalid.int_parsing"
    assert fields["company_id"]["code"] == "api.invalid.missing"
    assert all(f["message"] and f["params"] is not None for f in body["fields"])
    # In French too: the client renders the codes, not pydantic's English.
    rebuilt = error_from_dict(body)
    assert isinstance(rebuilt, ValidationFailed)
    assert "n’est pas un nombre entier" in rebuilt.text("fr")

    answer = client.get("/no-such-route", headers=_headers(backend, "alice"))
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "code": "api.http.not_found",
                             "params": {"status": 404},
                             "message": "No such address on this server"}
    answer = client.get("/claims", headers=_headers(backend, "alice"))  # POST only
    assert answer.status_code == 405 and answer.json()["code"] == "api.http.method_not_allowed"

    answer = client.get("/me")
    assert answer.status_code == 401
    assert answer.json()["code"] == "api.missing_token" and answer.json()["params"] == {}


def test_a_crash_and_an_oversized_body_are_coded(api: tuple[TestClient, Backend]) -> None:
    client, backend = api
    answer = client.post("/claims", headers={**_headers(backend, "alice"),
                                              "Content-Length": "x"}, content=b"{}")
    assert answer.status_code == 400
    assert answer.json()["code"] == "api.bad_content_length"
    answer = client.post("/claims", headers=_headers(backend, "alice"),
                         content=b"{" + b" " * (3 * 1024 * 1024) + b"}")
    assert answer.status_code == 413
    body = answer.json()
    assert body["error"] == "too_large" and body["code"] == "api.body_too_large"
    assert isinstance(body["params"]["max_bytes"], int)


class _Probe(BaseModel):
    amount: Decimal = Field(gt=0)


def test_typed_params_survive_the_json_round_trip() -> None:
    """Money, dates and terms in a refusal come back from the API body as the same
    values (an amount as :class:`Amount`, with its currency)."""
    app = FastAPI()
    install_error_handlers(app)
    due = Money(Decimal("45000.50"), "EUR")

    @app.post("/refuse")
    def refuse(probe: _Probe) -> None:
        raise RuleViolation("test.refusal", due=due, on=date(2026, 11, 28),
                            status=Term("errors.users.status.blocked"), count=3)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.post("/refuse", json={"amount": "1"})
        rebuilt = error_from_dict(answer.json())
        assert isinstance(rebuilt, RuleViolation) and rebuilt.code == "test.refusal"
        assert rebuilt.params == {"due": Amount(Decimal("45000.50"), "EUR"),
                                  "on": date(2026, 11, 28),
                                  "status": Term("errors.users.status.blocked"), "count": 3}
        invalid = client.post("/refuse", json={"amount": "-1"}).json()
        assert invalid["fields"][0]["code"] == "api.invalid.greater_than"
        assert "doit être supérieur à 0" in error_from_dict(invalid).text("fr")
        crashed = client.get("/crash")
        assert crashed.status_code == 500
        assert crashed.json() == {"error": "internal_error", "code": "api.internal_error",
                                  "params": {}, "message": "The server failed unexpectedly; "
                                                           "its log has the details."}
