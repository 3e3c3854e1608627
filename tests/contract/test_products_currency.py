"""Amounts carry their contract's currency (SPEC §11 "Money"; issue 10 item 4): the
company detail says which currency its amounts and new requests are in, so the forms
label and echo them right ("Amount (USD)" on a USD contract, not "Amount (EUR)")."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlmodel import col

from cofatui.models import Contract
from cofatui.schemas import ProductRequest
from tests.contract.conftest import Backend


def _usd_contract_b(backend: Backend) -> None:
    with Session(backend.engine) as s:
        s.execute(update(Contract).where(col(Contract.id) == backend.ids["B"])
                  .values(currency="USD"))
        s.commit()


def test_company_detail_carries_the_contracts_currency(backend: Backend) -> None:
    _usd_contract_b(backend)
    both = backend.open("both")
    assert both.products.company_detail(backend.ids["A"], backend.ids["beta"]).currency == "EUR"
    assert both.products.company_detail(backend.ids["B"], backend.ids["beta"]).currency == "USD"


def test_a_request_on_a_usd_contract_is_in_usd(backend: Backend) -> None:
    _usd_contract_b(backend)
    bob = backend.open("bob")
    product = bob.products.request(ProductRequest(
        contract_id=backend.ids["B"], company_id=backend.ids["gamma"], code="CRL",
        amount=Decimal(50000)))
    assert product.currency == "USD"
    assert product.requested_amount == Decimal(50000)
