"""``repo.extensions`` over HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import TypeAdapter

from cofatui.repository.http.client import HttpArea
from cofatui.schemas import (
    ExtensionCreate,
    ExtensionDecisionInput,
    ExtensionPublic,
    PlanLineInput,
)

_EXTENSION = TypeAdapter(ExtensionPublic)
_EXTENSIONS = TypeAdapter(list[ExtensionPublic])


class HttpExtensions(HttpArea):
    def rows(self, contract_id: int, company_id: int | None = None
             ) -> list[ExtensionPublic]:
        params = {} if company_id is None else {"company_id": int(company_id)}
        return self._get(_EXTENSIONS, f"/contracts/{int(contract_id)}/extensions", params)

    def request(self, data: ExtensionCreate) -> ExtensionPublic:
        return self._send(_EXTENSION, "POST", "/extensions", data.model_dump(mode="json"))

    def cancel(self, extension_id: int, version: int) -> ExtensionPublic:
        return self._send(_EXTENSION, "POST", f"/extensions/{int(extension_id)}/cancel",
                          {"version": version})

    def modify(self, extension_id: int, plan: Sequence[PlanLineInput],
               version: int) -> ExtensionPublic:
        return self._send(_EXTENSION, "PUT", f"/extensions/{int(extension_id)}/plan",
                          {"version": version,
                           "plan": [line.model_dump(mode="json") for line in plan]})

    def decide(self, extension_id: int, decision: ExtensionDecisionInput,
               version: int) -> ExtensionPublic:
        return self._send(_EXTENSION, "POST", f"/extensions/{int(extension_id)}/decision",
                          {"version": version, "decision": decision.model_dump(mode="json")})
