"""The decision lifecycle (SPEC §5): a standing decision survives the requests made on
it; every pending request lives in one place, listed with its true total."""

from __future__ import annotations

from decimal import Decimal

from cofatui.schemas import ProductRequest
from tests.contract.conftest import Backend


def request(backend: Backend, code: str, company: str = "epsilon", **kw: object
            ) -> ProductRequest:
    return ProductRequest(contract_id=backend.ids["A"], company_id=backend.ids[company],
                          code=code, **kw)  # type: ignore[arg-type]


def test_pending_requests_are_paged_over_all_rows_with_the_true_total(backend: Backend) -> None:
    alice = backend.open("alice")
    made = [alice.request_product(request(backend, "CRL", company=key, amount=Decimal(900000)))
            for key in ("epsilon",)]
    first = alice.pending_requests(backend.ids["A"], offset=0, limit=1)
    assert first.total == 2 and len(first.items) == 1
    second = alice.pending_requests(backend.ids["A"], offset=1, limit=1)
    assert second.total == 2
    assert [first.items[0].product_id, second.items[0].product_id] == \
        [backend.ids["p_foo_crl"], made[0].id]
    assert second.items[0].kind == "initial" and second.items[0].standing_amount is None
    assert alice.pending_requests(backend.ids["A"], offset=2).items == []
