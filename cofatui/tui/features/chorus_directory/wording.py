"""How structures, attachments and roles read on the directory screens."""

from __future__ import annotations

from typing import Protocol

from rich.text import Text

from cofatui.enums import ChorusRole, ChorusSpace
from cofatui.i18n import format_date, t
from cofatui.schemas_chorus import (
    PUBLIC_INVOICES_SERVICE,
    ChorusAttachmentPublic,
    ChorusStructurePublic,
    MyChorusStructure,
)
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import clean, plain


class MyStructureLike(Protocol):
    """A structure as far as its kind is concerned."""

    @property
    def public(self) -> bool: ...


def flag(value: bool) -> str:
    return t("common.yes" if value else "common.no")


def role_text(role: ChorusRole) -> str:
    return t(f"chorus_directory_ui.role.{role.value}")


def spaces_text(spaces: list[ChorusSpace]) -> str:
    return ", ".join(t(f"chorus_directory_ui.space.{s.value}") for s in spaces)


def kind_text(s: MyStructureLike) -> str:
    return t("chorus_directory_ui.kind.public" if s.public else "chorus_directory_ui.kind.private")


def status_text(active: bool) -> str:
    return t(
        "chorus_directory_ui.status.active" if active else "chorus_directory_ui.status.inactive"
    )


def facts(lines: list[tuple[str, str]]) -> Text:
    """Label dimmed, value literal; one fact a line (empty values skipped)."""
    out = Text()
    for label, value in lines:
        if value:
            out.append(t("common.label.colon", label=label), style="dim")
            out.append(clean(value) + "\n")
    out.rstrip()
    return out


def structure_text(s: ChorusStructurePublic) -> Text:
    """A structure: identity, directory parameters (seed 004) and services."""
    out = facts(
        [
            (t("chorus_directory_ui.col.siret"), s.siret),
            (t("chorus_directory_ui.col.name"), s.name),
            (t("chorus_directory_ui.fact.label"), s.label),
            (
                t("chorus_directory_ui.fact.address"),
                f"{s.address}, {s.postal_code} {s.city} {s.country}".strip(" ,"),
            ),
            (t("chorus_directory_ui.fact.kind"), kind_text(s)),
            (t("chorus_directory_ui.col.status"), status_text(s.active)),
            (t("chorus_directory_ui.fact.email"), s.email),
            (t("chorus_directory_ui.fact.vat"), s.vat_number),
            (t("chorus_directory_ui.param.service_code_required"), flag(s.service_code_required)),
            (t("chorus_directory_ui.param.engagement_required"), flag(s.engagement_required)),
            (
                t("chorus_directory_ui.param.engagement_or_service_required"),
                flag(s.engagement_or_service_required),
            ),
            (
                t("chorus_directory_ui.param.reports_payment_in_progress"),
                flag(s.reports_payment_in_progress),
            ),
            (
                t("chorus_directory_ui.fact.mandate"),
                t(
                    "chorus_directory_ui.fact.mandate_signed",
                    at=format_date(s.billing_mandate_at),
                    by=clean(s.billing_mandate_by),
                )
                if s.billing_mandate_at
                else t("chorus_directory_ui.fact.mandate_none"),
            ),
        ]
    )
    services = [v for v in s.services if v.code != PUBLIC_INVOICES_SERVICE or s.public]
    if services:
        out.append("\n\n" + t("chorus_directory_ui.fact.services") + "\n", style="bold")
        for v in services:
            dates = ""
            if v.start_date or v.end_date:
                dates = f" [{format_date(v.start_date)} → {format_date(v.end_date)}]"
            out.append(clean(f"{v.code} — {v.label}{dates}"))
            if v.engagement_required:
                out.append(" · " + t("chorus_directory_ui.param.engagement_required"), style="dim")
            if not v.active:
                out.append(" · " + status_text(False), style="bold")
            out.append("\n")
    out.rstrip()
    return out


def structure_columns() -> list[Column]:
    return [
        Column("siret", t("chorus_directory_ui.col.siret"), 15),
        Column("name", t("chorus_directory_ui.col.name"), 0, render=lambda s: plain(s.name)),
        Column(
            "city",
            t("chorus_directory_ui.col.city"),
            16,
            render=lambda s: plain(s.city),
            min_list_width=90,
        ),
        Column("public", t("chorus_directory_ui.col.kind"), 8, render=kind_text),
        Column(
            "active", t("chorus_directory_ui.col.status"), 9, render=lambda s: status_text(s.active)
        ),
    ]


def mine_columns() -> list[Column]:
    return [
        Column("siret", t("chorus_directory_ui.col.siret"), 15, render=lambda m: m.structure.siret),
        Column(
            "name", t("chorus_directory_ui.col.name"), 0, render=lambda m: plain(m.structure.name)
        ),
        Column(
            "public", t("chorus_directory_ui.col.kind"), 8, render=lambda m: kind_text(m.structure)
        ),
        Column("role", t("chorus_directory_ui.col.role"), 20, render=lambda m: role_text(m.role)),
        Column(
            "spaces",
            t("chorus_directory_ui.col.spaces"),
            22,
            render=lambda m: spaces_text(m.spaces),
        ),
        Column(
            "until",
            t("chorus_directory_ui.col.until"),
            12,
            render=lambda m: format_date(m.valid_until) if m.valid_until else "—",
        ),
    ]


def attachment_columns() -> list[Column]:
    return [
        Column(
            "user",
            t("chorus_directory_ui.col.user"),
            0,
            render=lambda a: plain(f"{a.last_name} {a.first_name} ({a.login})"),
        ),
        Column(
            "structure",
            t("chorus_directory_ui.col.structure"),
            22,
            render=lambda a: plain(a.structure_name),
            min_list_width=100,
        ),
        Column(
            "status",
            t("chorus_directory_ui.col.status"),
            10,
            render=lambda a: t(f"chorus_directory_ui.attachment.{a.status.value}"),
        ),
        Column("role", t("chorus_directory_ui.col.role"), 18, render=lambda a: role_text(a.role)),
        Column(
            "spaces",
            t("chorus_directory_ui.col.spaces"),
            20,
            render=lambda a: spaces_text(a.spaces),
        ),
        Column("valid", t("chorus_directory_ui.col.valid"), 24, render=validity_text),
        Column(
            "comment",
            t("chorus_directory_ui.col.comment"),
            24,
            render=lambda a: plain(a.comment),
            min_list_width=140,
        ),
    ]


def validity_text(a: ChorusAttachmentPublic) -> str:
    until = format_date(a.valid_until) if a.valid_until else "…"
    return f"{format_date(a.valid_from)} → {until}"


def my_role(mine: list[MyChorusStructure], structure_id: int) -> ChorusRole | None:
    return next((m.role for m in mine if m.structure.id == structure_id), None)


MANAGERS = frozenset({ChorusRole.MAIN_MANAGER, ChorusRole.SECONDARY_MANAGER})

__all__ = [
    "MANAGERS",
    "attachment_columns",
    "facts",
    "flag",
    "kind_text",
    "mine_columns",
    "my_role",
    "role_text",
    "spaces_text",
    "status_text",
    "structure_columns",
    "structure_text",
    "validity_text",
]
