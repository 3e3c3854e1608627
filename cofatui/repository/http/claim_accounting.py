"""``repo.claim_accounting`` over HTTP (routes: ``api/routes/accounting_covers.py``)."""

from __future__ import annotations

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea
from cofatui.schemas_accounting import (
    ClaimAccountingPublic,
    ClaimIrrecoverable,
    ClaimVatSwitch,
    IndemnityReceived,
)

_FACTS = TypeAdapter(ClaimAccountingPublic)


def _path(claim_id: int) -> str:
    return f"/claims/{int(claim_id)}/accounting"


class HttpClaimAccounting(HttpArea):
    """``repo.claim_accounting`` over HTTP."""

    def get(self, claim_id: int) -> ClaimAccountingPublic:
        return self._get(_FACTS, _path(claim_id))

    def record_received(self, claim_id: int, data: IndemnityReceived) -> ClaimAccountingPublic:
        return self._send(_FACTS, "POST", _path(claim_id) + "/received",
                          data.model_dump(mode="json"))

    def declare_irrecoverable(self, claim_id: int,
                              data: ClaimIrrecoverable) -> ClaimAccountingPublic:
        return self._send(_FACTS, "POST", _path(claim_id) + "/irrecoverable",
                          data.model_dump(mode="json"))

    def set_vat_recoverable(self, claim_id: int, data: ClaimVatSwitch) -> ClaimAccountingPublic:
        return self._send(_FACTS, "PUT", _path(claim_id) + "/vat-recoverable",
                          data.model_dump(mode="json"))
