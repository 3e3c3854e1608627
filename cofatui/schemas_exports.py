"""Public models of the custom exports (issue 15): column catalogue, templates,
scenarios and the generated files, as ``repo.exports`` returns them on every backend.

Limits that are plain shapes (lengths, list sizes) are declared here so that the API
refuses them before the repository; the rules of the forms (names unique per user,
at most 10 per category, schedule dates) live in ``cofatui/rules/export_forms.py``
and ``cofatui/rules/export_schedule.py`` and are enforced by the SQL repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field

from cofatui.enums import (
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportColumnType,
    ExportFormatChoice,
    ExportFrequency,
    ExportMailStatus,
    ExportRunStatus,
    ProductStatus,
)
from cofatui.schemas import BodyInt, IsoDate, Public
from cofatui.schemas_jobs import ExportFormat

#: Seed "Créer votre propre modèle" / "Créer un nouveau scénario": per user and category,
#: the predefined default template not counted.
MAX_TEMPLATES = 10
MAX_SCENARIOS = 10
NAME_MAX = 60
DESCRIPTION_MAX = 250
#: Files are kept this long, then purged by a job (our choice).
KEEP_DAYS = 30
#: Above this total the e-mail carries a note naming the export instead of the files.
MAIL_ATTACHMENT_LIMIT = 10 * 1024 * 1024
#: Seed "pas trop éloignée": a schedule starts at most this many days ahead.
START_MAX_DAYS_AHEAD = 90

#: What a scenario exports unless told otherwise: the current products.
CURRENT_PRODUCT_STATUSES: tuple[ProductStatus, ...] = (
    ProductStatus.GRANTED, ProductStatus.PARTIALLY_GRANTED, ProductStatus.REDUCED,
    ProductStatus.PENDING, ProductStatus.CANCELLATION_IN_PROGRESS,
    ProductStatus.DELETION_IN_PROGRESS)

ColumnKey = Annotated[str, Field(min_length=1, max_length=40)]


# --------------------------------------------------------------- columns


class ExportColumnInfo(Public):
    """One column of the catalogue (``cofatui/reference/export_columns.json``), with
    its label in the asking user's language. A custom-field column is labelled with
    the contract's name for that field, or a generic label when the user's contracts
    name it differently."""

    key: str
    label: str
    type: ExportColumnType


# --------------------------------------------------------------- templates


class ExportTemplateIn(BaseModel):
    category: ExportCategory
    name: str = Field(max_length=NAME_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    columns: list[ColumnKey] = Field(max_length=200, description="ordered column keys")


class ExportTemplateUpdate(BaseModel):
    """The fields given are changed; ``version`` is the one the user read."""

    version: BodyInt
    name: str | None = Field(default=None, max_length=NAME_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    columns: list[ColumnKey] | None = Field(default=None, max_length=200)


class ExportTemplatePublic(Public):
    id: int
    category: ExportCategory
    name: str = Field(description="the default template's name in the user's language")
    description: str
    columns: list[str]
    default: bool = Field(description="the predefined template: cannot be changed or "
                                      "deleted, only duplicated")
    used_by: list[str] = Field(default_factory=list,
                               description="names of my scenarios using it")
    version: int
    created_at: datetime | None
    updated_at: datetime | None


# --------------------------------------------------------------- scenarios


class CustomFieldCriterion(BaseModel):
    slot: BodyInt = Field(ge=1, le=5)
    value: str = Field(min_length=1, max_length=100)


class ExportScenarioIn(BaseModel):
    """A scenario as the form sends it. Times are local to ``time_zone`` (an IANA name);
    the database holds UTC."""

    category: ExportCategory
    name: str = Field(max_length=NAME_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    template_id: BodyInt
    contract_ids: list[BodyInt] = Field(max_length=100)
    company_name: str = Field(default="", max_length=100,
                              description="contains, ignoring case and accents")
    custom_fields: list[CustomFieldCriterion] = Field(default_factory=list, max_length=5)
    product_codes: list[str] = Field(default_factory=list, max_length=50,
                                     description="portfolio: product codes")
    statuses: list[ProductStatus] = Field(
        default_factory=lambda: list(CURRENT_PRODUCT_STATUSES), max_length=20,
        description="portfolio: product statuses (default: the current products)")
    claim_statuses: list[ClaimStatus] = Field(default_factory=list, max_length=10,
                                              description="claims: claim statuses")
    aggregation: ExportAggregation
    format: ExportFormatChoice = ExportFormatChoice.XLSX
    frequency: ExportFrequency = ExportFrequency.NONE
    starts_at: datetime | None = Field(
        default=None, description="local date and time of the first run (naive, in "
                                  "time_zone); required unless frequency is none")
    ends_on: IsoDate | None = Field(default=None, description="last day a run may happen")
    time_zone: str = Field(default="Europe/Paris", max_length=64)
    period_from: IsoDate | None = Field(
        default=None, description="aggregation period, one-off run: first day (required)")
    period_to: IsoDate | None = Field(default=None, description="… last day (required)")
    email: bool = Field(default=False, description="mail the files to my own address")


class ExportScenarioUpdate(BaseModel):
    """The fields given are changed; ``version`` is the one the user read. The
    category cannot change."""

    version: BodyInt
    name: str | None = Field(default=None, max_length=NAME_MAX)
    description: str | None = Field(default=None, max_length=DESCRIPTION_MAX)
    template_id: BodyInt | None = None
    contract_ids: list[BodyInt] | None = Field(default=None, max_length=100)
    company_name: str | None = Field(default=None, max_length=100)
    custom_fields: list[CustomFieldCriterion] | None = Field(default=None, max_length=5)
    product_codes: list[str] | None = Field(default=None, max_length=50)
    statuses: list[ProductStatus] | None = Field(default=None, max_length=20)
    claim_statuses: list[ClaimStatus] | None = Field(default=None, max_length=10)
    aggregation: ExportAggregation | None = None
    format: ExportFormatChoice | None = None
    frequency: ExportFrequency | None = None
    starts_at: datetime | None = None
    ends_on: IsoDate | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    period_from: IsoDate | None = None
    period_to: IsoDate | None = None
    email: bool | None = None
    #: Fields to set back to None (``starts_at``, ``ends_on``, ``period_from``,
    #: ``period_to``), as a PATCH cannot tell "absent" from "null" otherwise.
    clear: list[str] = Field(default_factory=list, max_length=4)


class ExportScenarioPublic(Public):
    id: int
    category: ExportCategory
    name: str
    description: str
    template_id: int
    template_name: str
    contract_ids: list[int]
    policy_numbers: list[str]
    company_name: str
    custom_fields: list[CustomFieldCriterion]
    product_codes: list[str]
    statuses: list[ProductStatus]
    claim_statuses: list[ClaimStatus]
    aggregation: ExportAggregation
    format: ExportFormatChoice
    frequency: ExportFrequency
    starts_at: datetime | None = Field(description="local, naive, in time_zone")
    ends_on: date | None
    time_zone: str
    period_from: date | None
    period_to: date | None
    email: bool
    next_run_at: datetime | None = Field(description="UTC; None: nothing more to run")
    last_run_at: datetime | None = Field(description="UTC, the last scheduled time run")
    ended: bool = Field(description="a schedule past its end date")
    version: int
    created_at: datetime | None
    updated_at: datetime | None


# --------------------------------------------------------------- generated files


class ExportFileInfo(Public):
    format: ExportFormat
    name: str
    size: int


class ExportRunPublic(Public):
    """One line of the list of generated files (seed "Gérer votre export
    personnalisé"): a scenario's run, or an "Export direct" (a simple export)."""

    id: int
    category: ExportCategory
    scenario_id: int | None
    name: str = Field(description="the scenario's name; empty for a direct export")
    direct: bool
    template_name: str
    contract_ids: list[int]
    policy_numbers: list[str]
    status: ExportRunStatus
    error_code: str
    error: str = Field(description="why it failed, in the owner's language")
    rows_done: int
    rows_total: int | None
    files: list[ExportFileInfo]
    mail_status: ExportMailStatus
    job_id: int | None
    scheduled_for: datetime | None = Field(description="UTC, a scheduled run's time")
    created_at: datetime | None
    finished_at: datetime | None


class DirectExportFile(BaseModel):
    format: ExportFormat
    name: str = Field(max_length=200)
    content: bytes


@dataclass
class ExportDownload:
    """A generated file, read in chunks (files are stored in the database in chunks,
    so any server can serve a file another one wrote, without holding it whole)."""

    name: str
    size: int
    media_type: str
    chunks: Iterator[bytes]

    def save(self, path: Path) -> int:
        """Write the file at ``path`` as it arrives, under a temporary name renamed once
        whole (a reader never sees half a file); returns its size. The chunks are
        closed in any case (over HTTP, that ends the response). Raises OSError (the
        temporary file removed): callers word it for their user."""
        part = path.with_name(path.name + ".part")
        size = 0
        try:
            with part.open("wb") as fh:
                for chunk in self.chunks:
                    fh.write(chunk)
                    size += len(chunk)
            part.replace(path)
        except OSError:
            part.unlink(missing_ok=True)
            raise
        finally:
            close = getattr(self.chunks, "close", None)
            if callable(close):
                close()
        return size
