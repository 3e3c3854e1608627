"""Public models of Factur-X and of the Chorus Pro connector (issue 19), as
``repo.chorus_facturx`` and ``repo.chorus_connector`` return and accept them on every
backend. The formats live in ``cofatui/formats/facturx_*.py`` (pure), the connector's
calls in ``cofatui/chorus_pro/``.

No secret ever appears here: a connector's password is a *reference* (``env:NAME`` or
``keyring:SERVICE/USER``) that the process running the jobs resolves.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from cofatui.enums import (
    ChorusInvoiceType,
    ChorusState,
    FacturxFormat,
)
from cofatui.errors import message_text
from cofatui.i18n.messages import decode_params
from cofatui.schemas import BodyInt, IsoDate, Public

#: A Factur-X (or any deposited file) is at most 10 MB (Chorus Pro's limit).
FACTURX_MAX_BYTES = 10 * 1024 * 1024
#: Files in one import call (the CLI and the API; the TUI's picker takes as many).
IMPORT_MAX_FILES = 100
#: Invoices in one export job.
EXPORT_MAX_INVOICES = 10_000


# --- export -------------------------------------------------------------------------------


class FacturxFile(Public):
    """One exported file: ``file_name`` is the invoice number with ``/`` as ``-`` and
    the format's extension (``.pdf`` or ``.xml``)."""

    file_name: str
    media_type: str
    content: bytes


class FacturxExportRequest(BaseModel):
    """Export a selection as a job: one file per invoice in one ZIP, with a result line
    per invoice (an invoice that fails the Chorus Pro constraints is a line in error,
    the others are exported)."""

    model_config = ConfigDict(extra="forbid")
    invoice_ids: list[BodyInt] = Field(min_length=1, max_length=EXPORT_MAX_INVOICES)
    format: FacturxFormat = FacturxFormat.FACTURX


# --- import -------------------------------------------------------------------------------


class FacturxImportStatus(StrEnum):
    IMPORTED = "imported"
    REFUSED = "refused"


class FacturxInvoiceRef(Public):
    """The invoice a Factur-X became."""

    id: int
    number: str
    type: ChorusInvoiceType
    supplier_siret: str
    supplier_name: str
    recipient_siret: str
    currency: str
    total_incl_tax: Decimal
    state: ChorusState


class FacturxReason(Public):
    """Why a file was refused: a full error code, its parameters (as
    ``i18n.messages.encode_params`` writes them) and its text in the account's
    language. Codes: ``chorus_facturx.*`` (the Factur-X refusals: ``not_pdf``,
    ``too_large``, ``facturx_missing``, ``xml_invalid``, ``doctype_refused``,
    ``profile_too_low``, ``type_not_supported``, ``buyer_not_yours``,
    ``seller_siret_invalid``, ``number_too_long``, ``totals_inconsistent``,
    ``duplicate_number``) and ``chorus.check.*`` (the technical checks of issue 18)."""

    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    message: str

    def text(self, language: str | None = None) -> str:
        """The reason in ``language`` (default: the UI's)."""
        return message_text(self.code, decode_params(self.params), language)


class FacturxImportOutcome(Public):
    """One file's outcome (``cofatui chorus invoice import-facturx --json`` prints these
    one per line)."""

    file: str
    status: FacturxImportStatus
    reasons: list[FacturxReason] = Field(default_factory=list)
    invoice: FacturxInvoiceRef | None = None
    sha256: str = ""


class FacturxImportBatch(Public):
    """Every file's outcome, in the order given, and the stored import result (Tools ›
    Import results: one line per file)."""

    import_id: int
    outcomes: list[FacturxImportOutcome]


# --- the connector ------------------------------------------------------------------------


class ChorusConnectorPublic(Public):
    """A structure's connector as its managers see it (never the password itself)."""

    structure_id: int
    structure_siret: str
    enabled: bool
    login: str
    #: ``env:NAME`` or ``keyring:SERVICE/USER``; "" when not set.
    password_ref: str
    password_expires_on: date | None
    #: True when enabled with a login and a password reference.
    configured: bool
    updated_at: datetime | None
    updated_by: str
    #: None for a structure whose connector was never saved.
    version: int | None


class ChorusConnectorSave(BaseModel):
    """Create (``version`` None) or change a structure's connector. ``password_ref`` is
    a reference, never the password: a literal value is refused at the field."""

    model_config = ConfigDict(extra="forbid")
    enabled: StrictBool = False
    login: str = Field(default="", max_length=200)
    password_ref: str = Field(default="", max_length=200)
    password_expires_on: IsoDate | None = None
    version: BodyInt | None = None


class ChorusConnectorCheck(Public):
    """``cofatui chorus connector test``: a token, then the structure looked up in
    Chorus Pro. ``reasons`` say what failed (coded, never a secret)."""

    structure_id: int
    token_ok: bool
    structure_found: bool
    structure_label: str
    reasons: list[FacturxReason] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.token_ok and self.structure_found
