"""``repo.chorus_connector``: the optional link of a supplier structure to the real
Chorus Pro through PISTE (issue 19 item 6).

Off by default: with no connector enabled nothing here makes a network call. The
connector's settings per structure are edited by its managers; the calls are made by
the process that runs the jobs (``cofatui serve``, or the TUI on the embedded
database) with its ``[chorus_pro]`` settings (``cofatui/chorus_pro/``). No secret is
ever returned, logged or audited.

With the connector on, depositing an invoice (``repo.chorus_invoices.create`` /
``submit``) runs the local technical checks, then leaves it *deposited* and queues its
deposit to Chorus Pro; the states then come from Chorus Pro (the recipient is outside
cofatui: no local recipient move is offered).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.schemas_chorus import ChorusInvoiceDetail
from cofatui.schemas_facturx import (
    ChorusConnectorCheck,
    ChorusConnectorPublic,
    ChorusConnectorSave,
)


@runtime_checkable
class ChorusConnectorArea(Protocol):
    def get(self, structure_id: int) -> ChorusConnectorPublic:
        """The connector of a structure I manage (main or secondary manager); a
        structure never configured reads as disabled with ``version`` None.

        Raises: NotFound (no such structure, or not attached to it); Forbidden (a user,
        not a manager)."""
        ...

    def save(self, structure_id: int, data: ChorusConnectorSave) -> ChorusConnectorPublic:
        """Raises: as ``get``; ValidationFailed at ``password_ref`` (not ``env:NAME``
        nor ``keyring:SERVICE/USER``: ``chorus_connector.secret_not_reference``), at
        ``login`` (enabled without one); Conflict (a stale version, or ``version`` None
        when one exists)."""
        ...

    def test(self, structure_id: int) -> ChorusConnectorCheck:
        """A token, then the structure looked up in Chorus Pro, from the process that
        runs the jobs. Raises: as ``get``; RuleViolation
        ``chorus_connector.not_configured`` (no ``[chorus_pro]`` settings here, or the
        structure's connector incomplete)."""
        ...

    def send(self, invoice_id: int, version: int) -> ChorusInvoiceDetail:
        """Queue (again) the deposit of an invoice of mine to Chorus Pro: one deposited
        locally and not yet sent, or whose deposit failed. Never a second deposit of an
        invoice Chorus Pro has: an uncertain deposit is looked up first.

        Raises: NotFound; Forbidden (no issued space); RuleViolation
        ``chorus_connector.disabled`` (the supplier's connector is off),
        ``chorus_connector.already_sent``; Conflict."""
        ...

    def refresh(self, invoice_id: int) -> ChorusInvoiceDetail:
        """"Refresh now": queue the follow-up of an invoice Chorus Pro has (its report,
        or its states). Raises: NotFound; RuleViolation ``chorus_connector.not_sent``."""
        ...
