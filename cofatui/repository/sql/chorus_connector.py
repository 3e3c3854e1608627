"""``repo.chorus_connector`` on SQL (issue 19 item 6): a structure's connector for its
managers (``chorus_connector_settings``), its test from this process, and the
supplier's "send" and "refresh now" on an invoice (jobs queued in the transaction
that checks them; the calls are the jobs', ``cofatui/jobs/chorus_pro_*.py``)."""

from __future__ import annotations

from cofatui.enums import ChorusProDeposit, ChorusSpace, ChorusState
from cofatui.errors import CofaError, RuleViolation
from cofatui.i18n.messages import encode_params
from cofatui.models.chorus import ChorusConnector
from cofatui.repository.sql import chorus_connector_settings as settings
from cofatui.repository.sql.chorus_connector_link import FOLLOWED, SENDABLE
from cofatui.repository.sql.chorus_connector_queue import (
    connector_of,
    queue_deposit,
    queue_poll,
)
from cofatui.repository.sql.chorus_invoices_core import TARGET, InvoiceCore
from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_facturx import (
    ChorusConnectorCheck,
    ChorusConnectorPublic,
    ChorusConnectorSave,
    FacturxReason,
)

NOT_CONFIGURED = "chorus_connector.not_configured"


class SqlChorusConnector(InvoiceCore):
    """The connector, for the repository's principal."""

    def get(self, structure_id: int) -> ChorusConnectorPublic:
        return settings.get(self, structure_id)

    def save(self, structure_id: int, data: ChorusConnectorSave) -> ChorusConnectorPublic:
        return settings.save(self, structure_id, data)

    def test(self, structure_id: int) -> ChorusConnectorCheck:
        from cofatui.chorus_pro import runtime

        with self._uow() as s:
            structure = settings.managed_structure(self, s, structure_id)
            row = s.get(ChorusConnector, structure_id)
            if runtime.current() is None or row is None or not settings.is_configured(row):
                raise RuleViolation(NOT_CONFIGURED, structure_id=structure_id)
            login, ref, siret = row.login, row.password_ref, structure.siret or ""
        # The calls are made outside any transaction (they may take seconds).
        token_ok = False
        try:
            with runtime.client_for(login, ref) as client:
                client.check_token()
                token_ok = True
                found = client.find_structure(siret)
        except CofaError as exc:
            return ChorusConnectorCheck(
                structure_id=structure_id, token_ok=token_ok, structure_found=False,
                structure_label="", reasons=[self._reason(exc)])
        return ChorusConnectorCheck(structure_id=structure_id, token_ok=True,
                                    structure_found=found is not None,
                                    structure_label=found.label if found else "")

    def _reason(self, exc: CofaError) -> FacturxReason:
        return FacturxReason(code=exc.code, params=encode_params(exc.params),
                             message=exc.text(self.principal.language))

    def send(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED, version)
            if connector_of(s, row.supplier_structure_id) is None:
                raise RuleViolation("chorus_connector.disabled",
                                    structure_id=row.supplier_structure_id)
            if row.state != ChorusState.DEPOSITED.value \
                    or ChorusProDeposit(row.cpp_deposit) not in SENDABLE:
                raise RuleViolation("chorus_connector.already_sent", number=row.number)
            before = row.cpp_deposit
            queue_deposit(s, row, self.principal.user_id, self.clock.now())
            self._audit(s, "chorus_pro_send", TARGET, row.id,
                        {"cpp_deposit": [before or None, row.cpp_deposit]})
            return self._detail(s, row)

    def refresh(self, invoice_id: int) -> ChorusInvoiceDetail:
        with self._uow(write=True) as s:
            row = self._as_side(s, invoice_id, ChorusSpace.ISSUED)
            if ChorusProDeposit(row.cpp_deposit) not in FOLLOWED:
                raise RuleViolation("chorus_connector.not_sent", number=row.number)
            queue_poll(s, row, self.principal.user_id, self.clock.now())
            return self._detail(s, row)
