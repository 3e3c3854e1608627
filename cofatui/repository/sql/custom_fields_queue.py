"""Queue a custom-field import (issue 16 item 8): the file's structure checked now, its
lines checked and applied by the import job, now or at the time asked."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from cofatui.errors import FieldError, ValidationFailed
from cofatui.formats import custom_field_import as fmt
from cofatui.formats import imports as pipeline
from cofatui.models import Job
from cofatui.repository.sql import import_apply
from cofatui.repository.sql.core import SqlCore
from cofatui.repository.sql.custom_fields_import import PAST_TOLERANCE, build
from cofatui.repository.sql.imports import SqlImports, clean_file_name
from cofatui.schemas_jobs import ImportMode, ImportResultPublic


def queue_import(core: SqlCore, contract_id: int, file_name: str, content: bytes,
                 run_at: datetime | None) -> ImportResultPublic:
    """Read and check the file's structure now (a file refused whole is stored failed
    at once), then store the result running and queue its job for ``run_at`` (now when
    None). The lines are checked and applied when the job runs."""
    now = core.clock.now()
    if run_at is not None and run_at.tzinfo is None:  # a bare date or time: UTC, as stored
        run_at = run_at.replace(tzinfo=UTC)
    if run_at is not None and run_at < now - PAST_TOLERANCE:
        raise ValidationFailed([FieldError("run_at", "custom_fields.run_at_past",
                                           {"at": run_at})])
    imports: SqlImports = core.imports
    file_name = clean_file_name(file_name)
    mode = ImportMode.ALL_OR_NOTHING
    spec, _ = build(core, contract_id)
    try:
        read = pipeline.read_file(content, spec)
    except pipeline.ImportRefused as exc:
        return imports._refused(fmt.KIND, file_name, mode, exc.reason, exc.text("en"))
    with core._uow(write=True) as s:
        result = import_apply.begin(core, s, fmt.KIND, file_name, mode, read.total)
        imports._queue(s, result.id or 0, fmt.KIND, contract_id, mode, file_name, content)
        if run_at is not None and run_at > now:
            job = s.execute(select(Job).where(
                Job.dedupe_key == import_apply.job_key(result.id or 0))).scalar_one()
            job.run_after = run_at
    return imports.result(result.id or 0)


__all__ = ["queue_import"]
