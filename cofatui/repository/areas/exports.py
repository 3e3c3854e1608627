"""``repo.exports``: custom exports (issue 15) — the column catalogue, templates,
scenarios (filters, schedule, e-mail) and the list of generated files.

Templates, scenarios and files belong to their user (the seed's pages are personal):
nobody else sees them, not even a colleague on the same contract. Every change is
audited, and so is every run (who exported which contracts, how many rows). A run is
a job (``export.run``): it reads in one transaction, keyset-paged, and stores its
files in the database, where any server can serve them; files are kept
``KEEP_DAYS`` days.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.enums import ExportCategory
from cofatui.schemas import Page, Seek
from cofatui.schemas_exports import (
    DirectExportFile,
    ExportColumnInfo,
    ExportDownload,
    ExportRunPublic,
    ExportScenarioIn,
    ExportScenarioPublic,
    ExportScenarioUpdate,
    ExportTemplateIn,
    ExportTemplatePublic,
    ExportTemplateUpdate,
)
from cofatui.schemas_jobs import ExportFormat


@runtime_checkable
class ExportsArea(Protocol):
    # ----------------------------------------------------------- columns

    def columns(self, category: ExportCategory) -> list[ExportColumnInfo]:
        """The catalogue of the category, labelled in my language (custom fields: my
        contracts' names for them, or a generic label where they differ).

        Raises nothing of its own (an unknown category is refused by its type)."""
        ...

    # ----------------------------------------------------------- templates

    def templates(self, category: ExportCategory | None = None) -> list[ExportTemplatePublic]:
        """My templates and the default of each category (default first, then by
        name). Raises nothing of its own."""
        ...

    def template(self, template_id: int) -> ExportTemplatePublic:
        """Raises: NotFound ``exports.template_not_found`` (none, or another user's)."""
        ...

    def create_template(self, data: ExportTemplateIn) -> ExportTemplatePublic:
        """Raises: ValidationFailed (field errors: name 1–60 characters and unique for
        me in the category, description ≤ 250, at least one column, known keys of the
        category, no key twice); RuleViolation ``exports.too_many_templates`` (the
        11th of a category)."""
        ...

    def update_template(self, template_id: int,
                        data: ExportTemplateUpdate) -> ExportTemplatePublic:
        """Raises: NotFound; RuleViolation ``exports.default_template_fixed`` (the
        default); ValidationFailed (as create); Conflict (``version`` is not the
        stored one)."""
        ...

    def delete_template(self, template_id: int, version: int) -> None:
        """Raises: NotFound; RuleViolation ``exports.default_template_fixed``;
        RuleViolation ``exports.template_in_use`` (params ``scenarios``: the names of
        the scenarios using it); Conflict (version)."""
        ...

    # ----------------------------------------------------------- scenarios

    def scenarios(self, category: ExportCategory | None = None) -> list[ExportScenarioPublic]:
        """My scenarios, by name. Raises nothing of its own."""
        ...

    def scenario(self, scenario_id: int) -> ExportScenarioPublic:
        """Raises: NotFound ``exports.scenario_not_found``."""
        ...

    def create_scenario(self, data: ExportScenarioIn) -> ExportScenarioPublic:
        """Raises: ValidationFailed (field errors, e.g. ``ends_on`` before today,
        ``starts_at`` more than 90 days ahead, end before start, no contract, a
        contract not mine, a template of another category, a period required for a
        one-off ``period`` run, an unknown time zone); RuleViolation
        ``exports.too_many_scenarios`` (the 11th of a category)."""
        ...

    def update_scenario(self, scenario_id: int,
                        data: ExportScenarioUpdate) -> ExportScenarioPublic:
        """Raises: NotFound; ValidationFailed (as create); Conflict (version)."""
        ...

    def delete_scenario(self, scenario_id: int, version: int) -> None:
        """Its generated files stay in the list. Raises: NotFound; Conflict."""
        ...

    def run(self, scenario_id: int) -> ExportRunPublic:
        """Run now: queue the run's job and return its line in the list (status
        running). Raises: NotFound; RuleViolation ``exports.contract_lost`` (a
        contract of the scenario I no longer have, named in params ``contracts``)."""
        ...

    # ----------------------------------------------------------- generated files

    def store_direct(self, category: ExportCategory, contract_ids: list[int], rows: int,
                     files: list[DirectExportFile]) -> ExportRunPublic:
        """Keep a simple export ("as displayed", written by the screen) in the list as
        "Export direct". Raises: Forbidden/NotFound (a contract not mine);
        ValidationFailed (no file, a format twice)."""
        ...

    def runs(self, category: ExportCategory | None = None, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[ExportRunPublic]:
        """My generated files, newest first. With ``seek`` the page is read by key
        (``offset`` ignored) and not counted (``total`` -1); every page carries its
        cursors.

        Raises: ValidationFailed (a cursor not made by this list, at ``cursor``)."""
        ...

    def get_run(self, export_id: int) -> ExportRunPublic:
        """Raises: NotFound ``exports.not_found`` (none, another user's, or purged)."""
        ...

    def delete_runs(self, export_ids: list[int]) -> int:
        """Delete several of my exports at once (a running one is cancelled first);
        returns how many were deleted. Ids not mine are ignored, so a stale selection
        does not fail the whole deletion. Raises nothing of its own."""
        ...

    def download(self, export_id: int, fmt: ExportFormat) -> ExportDownload:
        """Raises: NotFound ``exports.not_found``; NotFound ``exports.no_file``
        (the export has no file of that format, or is not available)."""
        ...
