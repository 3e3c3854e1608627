"""What the PISTE double (``tests/doubles/piste.py``) remembers and how a test scripts
it: the credentials it accepts, the tokens it issued, the fluxes and invoices deposited,
the counters a test asserts on, and the faults to play on the next calls.

Everything is guarded by one lock: the double answers from uvicorn's threads while the
test reads and scripts it from its own.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: The Chorus Pro paths the double serves (joined to ``/cpro/``).
DEPOSIT = "factures/v1/deposer/flux"
REPORT = "transverses/v1/consulterCRDetaille"
FIND = "factures/v1/rechercher/fournisseur"
HISTORY = "factures/v1/consulter/historique"
STRUCTURE = "structures/v1/rechercher"
PATHS = (DEPOSIT, REPORT, FIND, HISTORY, STRUCTURE)

FACTURX_SYNTAX = "IN_DP_E2_CII_FACTURX"
#: The flux states a report walks through.
IN_PROGRESS = "IN_EN_COURS_TRAITEMENT"
INTEGRATED = "IN_INTEGRE"
REJECTED = "IN_REJETE"
#: An invoice's first status once its flux is integrated.
DEPOSITED = "DEPOSEE"


@dataclass
class Fault:
    """Played on the next ``times`` calls of ``path``: a delay before answering (the
    call's work done first, as a slow server's would be), an HTTP status (5xx), or a
    ``codeRetour`` refusal with its ``libelle``."""

    path: str
    times: int = 1
    delay: float = 0.0
    status: int | None = None
    code: int | None = None
    libelle: str = ""


@dataclass
class Status:
    code: str
    at: datetime
    comment: str = ""
    user: str = ""


@dataclass
class Invoice:
    cpp_id: int
    number: str
    flux_number: str
    supplier_siret: str
    statuses: list[Status] = field(default_factory=list)

    @property
    def current(self) -> str:
        return self.statuses[-1].code


@dataclass
class Flux:
    number: str
    file_name: str
    deposited_at: datetime
    invoice_number: str
    #: ``listeErreurDP`` labels when it is to be rejected.
    rejection: tuple[str, ...] = ()
    #: Report calls still answering "in progress".
    pending_reports: int = 0


@dataclass
class RecordedRequest:
    """A call as it arrived (the tests of request shapes read these)."""

    path: str
    headers: dict[str, str]
    body: bytes


class PisteState:
    """The double's memory and script. Default credentials suit a test; the runner
    (``python -m tests.doubles.piste``) takes others on its command line."""

    def __init__(self, *, client_id: str = "double-client",
                 client_secret: str = "double-client-secret",
                 login: str = "TECH_double@cpro.fr", password: str = "double-password",
                 token_lifetime: int = 3600, check_facturx: bool = True) -> None:
        self.lock = threading.Lock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.login = login
        self.password = password
        self.token_lifetime = token_lifetime
        #: Check that a deposited flux is a Factur-X whose XML passes the EN 16931 XSD.
        self.check_facturx = check_facturx
        self.tokens: dict[str, float] = {}  # token → monotonic expiry
        self.fluxes: dict[str, Flux] = {}
        self.invoices: dict[int, Invoice] = {}
        self.structures: dict[str, tuple[int, str]] = {}
        self.faults: list[Fault] = []
        self.counters: Counter[str] = Counter()
        self.requests: list[RecordedRequest] = []
        #: Each answer 400/401 said why (what a failing test prints).
        self.refusals: list[str] = []
        #: The ``listeErreurDP`` of the next flux deposited (then cleared).
        self.next_rejection: tuple[str, ...] = ()
        #: How many report calls of each new flux answer "in progress" first.
        self.reports_before_done = 0
        #: Statuses each history call moves an invoice one further through.
        self.auto_walk: tuple[str, ...] = ()
        self._next_id = 1000

    # --- scripting (tests and the control routes)

    def fail_next(self, path: str, *, times: int = 1, delay: float = 0.0,
                  status: int | None = None, code: int | None = None,
                  libelle: str = "") -> None:
        with self.lock:
            self.faults.append(Fault(path, times, delay, status, code, libelle))

    def reject_next_flux(self, *labels: str) -> None:
        """The next flux deposited ends ``IN_REJETE`` with these ``listeErreurDP``."""
        with self.lock:
            self.next_rejection = labels or ("Rejet du flux",)

    def expire_tokens(self) -> None:
        """Every token issued so far is refused from now on (a 401)."""
        with self.lock:
            self.tokens = dict.fromkeys(self.tokens, 0.0)

    def add_structure(self, siret: str, label: str) -> int:
        with self.lock:
            self._next_id += 1
            self.structures[siret] = (self._next_id, label)
            return self._next_id

    def walk(self, invoice: int | str, code: str, comment: str = "",
             user: str = "") -> None:
        """Give an invoice (its Chorus Pro id or its number) a new status."""
        with self.lock:
            found = self._invoice(invoice)
            found.statuses.append(Status(code, datetime.now(UTC), comment, user))

    def invoice(self, invoice: int | str) -> Invoice:
        with self.lock:
            return self._invoice(invoice)

    def snapshot(self) -> dict[str, object]:
        """Counters and what was deposited, as JSON (``GET /_double/state``)."""
        with self.lock:
            return {
                "counters": dict(self.counters),
                "fluxes": [{"number": f.number, "file": f.file_name,
                            "invoice_number": f.invoice_number} for f in self.fluxes.values()],
                "invoices": [{"cpp_id": i.cpp_id, "number": i.number, "status": i.current}
                             for i in self.invoices.values()],
                "refusals": list(self.refusals[-20:]),
            }

    # --- used by the app (under the lock)

    def _invoice(self, invoice: int | str) -> Invoice:
        for item in self.invoices.values():
            if item.cpp_id == invoice or item.number == invoice or str(item.cpp_id) == invoice:
                return item
        raise KeyError(invoice)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path == path and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def issue_token(self) -> str:
        with self.lock:
            token = secrets.token_urlsafe(24)
            self.tokens[token] = time.monotonic() + self.token_lifetime
            self.counters["tokens_issued"] += 1
            return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            return time.monotonic() < self.tokens.get(token, 0.0)

    def deposit(self, file_name: str, invoice_number: str, supplier_siret: str) -> Flux:
        with self.lock:
            self.counters["deposits"] += 1
            number = f"CPP{len(self.fluxes) + 1:010d}"
            flux = Flux(number, file_name, datetime.now(UTC), invoice_number,
                        self.next_rejection, self.reports_before_done)
            self.next_rejection = ()
            self.fluxes[number] = flux
            if not flux.rejection:  # a rejected flux makes no invoice
                self._next_id += 1
                self.invoices[self._next_id] = Invoice(
                    self._next_id, invoice_number, number, supplier_siret,
                    [Status(DEPOSITED, flux.deposited_at)])
            return flux

    def report(self, flux_number: str) -> tuple[str, tuple[str, ...]] | None:
        with self.lock:
            flux = self.fluxes.get(flux_number)
            if flux is None:
                return None
            if flux.pending_reports > 0:
                flux.pending_reports -= 1
                return IN_PROGRESS, ()
            return (REJECTED, flux.rejection) if flux.rejection else (INTEGRATED, ())

    def find(self, flux_number: str | None, invoice_number: str | None) -> list[Invoice]:
        with self.lock:
            return [i for i in self.invoices.values()
                    if (flux_number is None or i.flux_number == flux_number)
                    and (invoice_number is None or i.number == invoice_number)]

    def history(self, cpp_id: int) -> Invoice | None:
        with self.lock:
            found = self.invoices.get(cpp_id)
            if found is None:
                return None
            step = len(found.statuses) - 1  # the statuses after DEPOSEE so far
            if step < len(self.auto_walk):
                found.statuses.append(Status(self.auto_walk[step], datetime.now(UTC),
                                             f"Double: {self.auto_walk[step]}", "double"))
            return found
