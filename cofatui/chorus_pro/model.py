"""What the Chorus Pro API answers, as plain data (issue 19 item 6). The client
(``client.py``) builds these from the JSON; the jobs and the repository read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class TechnicalAccount:
    """Chorus Pro's "compte technique" of a structure: sent as the ``cpro-account``
    header, ``base64("<login>:<password>")``. The password is the resolved secret:
    never logged, never in an error (``repr`` hides it)."""

    login: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class DepositReceipt:
    """``factures/v1/deposer/flux`` → ``numeroFluxDepot``, ``dateDepot``."""

    flux_number: str
    deposited_at: datetime | None


#: ``etatCourantDepotFlux`` values that end the report's polling.
FLUX_INTEGRATED = "IN_INTEGRE"
FLUX_PARTLY_INTEGRATED = "IN_INTEGRE_PARTIEL"
FLUX_REJECTED = "IN_REJETE"


@dataclass(frozen=True)
class FluxReport:
    """``transverses/v1/consulterCRDetaille``: the flux's state and its errors
    (``listeErreurDP[].libelleErreurDP`` and ``listeErreurTechnique[]``' labels)."""

    state: str
    dp_errors: tuple[str, ...] = ()
    technical_errors: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        return self.state in (FLUX_INTEGRATED, FLUX_PARTLY_INTEGRATED, FLUX_REJECTED)


@dataclass(frozen=True)
class FoundInvoice:
    """``factures/v1/rechercher/fournisseur`` → ``listeFactures[]``."""

    cpp_invoice_id: str
    number: str
    status: str


@dataclass(frozen=True)
class StatusEntry:
    """``histoStatut[]``: a status, when it was reached, its comment and who."""

    code: str
    at: datetime | None
    comment: str = ""
    user: str = ""


@dataclass(frozen=True)
class InvoiceHistory:
    """``factures/v1/consulter/historique``."""

    current_code: str
    entries: tuple[StatusEntry, ...] = ()


@dataclass(frozen=True)
class StructureFound:
    """``structures/v1/rechercher``: the structure's id and label in Chorus Pro."""

    cpp_structure_id: str
    label: str
