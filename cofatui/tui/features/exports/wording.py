"""How the exports screens word a run, a scenario, a size: one place for the three
parts, the portfolio's dialog and the tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cofatui.enums import ExportFrequency, ExportMailStatus, ExportRunStatus
from cofatui.i18n import format_datetime, format_number, t
from cofatui.schemas_exports import ExportRunPublic, ExportScenarioPublic, ExportTemplatePublic
from cofatui.tui.safe import clean

BAR_WIDTH = 10


def size_text(size: int) -> str:
    """1 234 567 bytes as "1.2 MB" ("1,2 Mo")."""
    if size < 1024:
        return t("exports_ui.size.bytes", n=format_number(size))
    if size < 1024 * 1024:
        return t("exports_ui.size.kb", n=format_number(round(size / 1024, 1), 1))
    return t("exports_ui.size.mb", n=format_number(round(size / (1024 * 1024), 1), 1))


def progress_bar(done: int, total: int | None) -> str:
    """``▰▰▰▱▱▱▱▱▱▱ 1 234 / 4 000 (30 %)``: readable without colour."""
    if not total:
        return t("exports_ui.progress_unknown", done=format_number(done))
    percent = min(100, done * 100 // max(1, total))
    filled = percent * BAR_WIDTH // 100
    return t("exports_ui.progress", bar="▰" * filled + "▱" * (BAR_WIDTH - filled),
             done=format_number(done), total=format_number(total), percent=percent)


def run_name(run: ExportRunPublic) -> str:
    return t("exports_ui.direct") if run.direct else clean(run.name)


def run_status(run: ExportRunPublic) -> str:
    if run.status == ExportRunStatus.RUNNING:
        return f"{t('exports_ui.status.running')} {progress_bar(run.rows_done, run.rows_total)}"
    if run.status == ExportRunStatus.FAILED:
        reason = clean(run.error) or clean(run.error_code)
        return t("exports_ui.status.failed_because", reason=reason) if reason \
            else t("exports_ui.status.failed")
    return t("exports_ui.status.available_rows", rows=format_number(run.rows_done))


def files_text(run: ExportRunPublic) -> str:
    """``XLSX 1.2 MB · CSV 3.4 MB``."""
    return " · ".join(f"{f.format.value.upper()} {size_text(f.size)}" for f in run.files)


def mail_text(status: ExportMailStatus) -> str:
    if status == ExportMailStatus.NONE:
        return ""
    key = f"exports_ui.mail.{status.value}"
    text = t(key)
    return status.value if text == key else text


def contracts_text(policy_numbers: list[str]) -> str:
    return ", ".join(clean(p) for p in policy_numbers)


def frequency_text(frequency: ExportFrequency) -> str:
    return t(f"exports_ui.frequency.{frequency.value}")


def next_run_text(scenario: ExportScenarioPublic) -> str:
    if scenario.ended:
        return t("exports_ui.ended")
    if scenario.next_run_at is None:
        return t("exports_ui.nothing_scheduled")
    return in_zone(scenario.next_run_at, scenario.time_zone)


def in_zone(value: datetime, zone: str) -> str:
    """A UTC moment as the wall-clock time of ``zone``: a schedule is typed and read in
    its own time zone, whatever the machine's (a server's is often UTC)."""
    try:
        local = value.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return format_datetime(value)
    # Naive: format_datetime reads it as the machine's wall clock and keeps it.
    return format_datetime(local.replace(tzinfo=None))


def template_label(template: ExportTemplatePublic) -> str:
    """The predefined template in the UI's language (the repository names it in the
    account's, which may differ); the others as their owner named them."""
    return t("exports_ui.default_template") if template.default else clean(template.name)


def when_text(value: datetime | None) -> str:
    return format_datetime(value) if value is not None else ""
