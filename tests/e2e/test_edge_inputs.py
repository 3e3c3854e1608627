"""Each bad input of issue 13, sent as plain HTTP to a real ``cofatui serve`` (SQLite,
the contract dataset): a 4xx naming the field at fault, never a 5xx, and nothing stored.

The list is the issue's own: a lone surrogate in a client reference or a company name,
a NUL in a text filter, ``amount_min=1e308``, country ``ZZZ``, a 1.9 MB name, control
characters, ``"head_office_id": true``, a billing country ``FRX``, an extension in
``XYZ`` with an invoice dated next year, a draft nested 500 levels deep, a wrong
Content-Type, a 405 without the path's methods, and an attachment named ``x.exe``
holding a PDF.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import Claim, Company, Draft, Extension
from tests.contract import dataset
from tests.e2e.edge_site import Site, site_fixture  # noqa: F401  (the fixture)
from tests.e2e.test_edge_uploads import registered_claim

TODAY = dataset.TODAY
COMPANY = {"name": "Acme", "address": "1 rue de la Paix", "city": "Paris",
           "postal_code": "75001", "country": "FRA"}


@pytest.fixture(scope="module")
def api(site: Site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.server.url, timeout=60,
                      headers={"Authorization": f"Bearer {site.token}"}) as client:
        yield client


def ids(site: Site) -> dict[str, int]:
    with Session(site.engine) as s:
        beta = s.execute(select(col(Company.id)).where(
            col(Company.name).startswith("Beta"))).scalar_one()
    me = httpx.get(site.server.url + "/me", headers={"Authorization": f"Bearer {site.token}"})
    contract = next(c["contract_id"] for c in me.json()["contracts"]
                    if c["policy_number"] == "P-A")
    return {"A": contract, "beta": beta}


def counts(site: Site) -> tuple[int, ...]:
    with Session(site.engine) as s:
        return tuple(s.execute(select(func.count()).select_from(table)).scalar_one()
                     for table in (Company, Claim, Extension, Draft))


def raw_json(text: str) -> dict[str, Any]:
    """Headers for a body written by hand (a lone surrogate is only JSON as ``\\ud800``)."""
    return {"content": text.encode(), "headers": {"Content-Type": "application/json"}}


def refused_at(response: httpx.Response, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    fields = [f["field"] for f in response.json().get("fields", [])]
    assert any(f == field or f.startswith((field + ".", field + "[")) for f in fields), \
        (field, fields)


def test_bad_company_inputs_are_refused_at_their_field(site: Site, api: httpx.Client) -> None:
    before = counts(site)
    refused_at(api.post("/companies", json={**COMPANY, "country": "ZZZ"}), "country")
    refused_at(api.post("/companies", json={**COMPANY, "name": "x" * 1_900_000}), "name")
    refused_at(api.post("/companies", json={**COMPANY, "name": "Acme\x07"}), "name")
    refused_at(api.post("/companies", json={**COMPANY, "city": "Pa\x00ris"}), "city")
    refused_at(api.post("/companies", json={**COMPANY, "head_office_id": True}),
               "head_office_id")
    refused_at(api.post("/companies", **raw_json(
        '{"name": "a\\ud800b", "address": "1 rue", "city": "Paris", "postal_code": "75001",'
        ' "country": "FRA"}')), "name")
    assert counts(site) == before


def test_bad_filters_are_refused_at_their_parameter(site: Site, api: httpx.Client) -> None:
    a = ids(site)["A"]
    refused_at(api.get(f"/contracts/{a}/portfolio", params={"text": "a\x00b"}), "text")
    refused_at(api.get(f"/contracts/{a}/portfolio", params={"amount_min": "1e308"}),
               "amount_min")
    refused_at(api.get(f"/contracts/{a}/portfolio", params={"date_to": "0"}), "date_to")


def test_a_client_reference_with_a_lone_surrogate(site: Site, api: httpx.Client) -> None:
    a = ids(site)["A"]
    row = api.get(f"/contracts/{a}/portfolio").json()["items"][0]
    response = api.patch(f"/portfolio-entries/{row['entry_id']}", **raw_json(
        '{"version": ' + str(row["version"]) + ', "changes": {"client_reference": "R\\ud800"}}'))
    refused_at(response, "client_reference")


def test_bad_claim_and_extension_inputs(site: Site, api: httpx.Client) -> None:
    known = ids(site)
    before = counts(site)
    invoice = {"type": "IN", "number": "E-1",
               "invoice_date": str(TODAY - timedelta(days=40)),
               "due_date": str(TODAY - timedelta(days=10)), "currency": "EUR",
               "amount_excl_tax": "1000.00", "tax": "0"}
    claim = {"contract_id": known["A"], "company_id": known["beta"], "reason": "insolvency",
             "billing_address": "1 rue", "billing_city": "Paris", "billing_country": "FRX",
             "contact_name": "Alice", "contact_email": "alice@example.test",
             "invoices": [invoice]}
    refused_at(api.post("/claims", json=claim), "billing_country")
    next_year = TODAY + timedelta(days=365)
    extension = {"contract_id": known["A"], "company_id": known["beta"], "reason": "Cash",
                 "currency": "XYZ",
                 "invoices": [{"number": "X-1", "invoice_date": str(next_year),
                               "due_date": str(next_year + timedelta(days=30)),
                               "amount": "100.00"}],
                 "plan": [{"due_date": str(next_year + timedelta(days=60)),
                           "amount": "100.00"}]}
    response = api.post("/extensions", json=extension)
    refused_at(response, "currency")
    refused_at(response, "invoices")  # the invoice dated next year, at its line
    assert counts(site) == before


def test_a_draft_too_deep_to_read_back_is_refused(site: Site, api: httpx.Client) -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(500):
        node["a"] = {}
        node = node["a"]
    params = {"kind": "claim", "key": "deep"}
    refused_at(api.put("/drafts/draft", params=params, json={"payload": deep}), "payload")
    answer = api.get("/drafts/draft", params=params)
    assert answer.status_code == 200 and answer.json() == {"payload": None}


def test_wrong_media_type_and_method(api: httpx.Client) -> None:
    form = api.post("/companies", content=b"name=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415, form.text
    assert form.json()["code"].startswith("api.")
    wrong = api.delete("/companies")
    assert wrong.status_code == 405
    assert {m.strip() for m in wrong.headers["allow"].split(",")} >= {"GET", "POST"}


def test_an_attachment_is_named_by_its_content(site: Site, api: httpx.Client) -> None:
    claim_id = registered_claim(site)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored = api.post(f"/claims/{claim_id}/documents",
                      params={"filename": "x.exe", "category": "other"}, content=pdf,
                      headers={"Content-Type": "application/octet-stream"})
    assert stored.status_code == 201, stored.text
    assert stored.json()["filename"] == "x.pdf"
    refused_at(api.post(f"/claims/{claim_id}/documents",
                        params={"filename": "run.pdf", "category": "other"},
                        content=b"MZ\x90\x00" + bytes(200),
                        headers={"Content-Type": "application/octet-stream"}), "file")
