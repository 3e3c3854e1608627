"""A structure's services (seed 004 "annuaire": code, label, active, dates, engagement
required), listed and edited by its managers; ``FACTURES_PUBLIQUES`` is kept by the
repository (it may not be renamed or deactivated)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from cofatui.errors import CofaError
from cofatui.i18n import format_date, t
from cofatui.schemas_chorus import ChorusServicePublic, ChorusServiceSave, ChorusStructurePublic
from cofatui.tui.features.chorus_directory.wording import flag, status_text
from cofatui.tui.kit.choices import Tick
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, refusal, show_errors
from cofatui.tui.kit.list_source import ListSource
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.kit.typed_input import TypedInputError, date_pattern, parse_date, typed_date
from cofatui.tui.kit.virtual_list import Column, VirtualList
from cofatui.tui.safe import clean, plain


def service_columns() -> list[Column]:
    return [
        Column("code", t("chorus_directory_ui.service.code"), 22, render=lambda v: plain(v.code)),
        Column("label", t("chorus_directory_ui.service.label"), 0, render=lambda v: plain(v.label)),
        Column(
            "active", t("chorus_directory_ui.col.status"), 9, render=lambda v: status_text(v.active)
        ),
        Column(
            "dates",
            t("chorus_directory_ui.service.dates"),
            24,
            render=lambda v: (
                f"{format_date(v.start_date)} → {format_date(v.end_date)}"
                if v.start_date or v.end_date
                else ""
            ),
        ),
        Column(
            "engagement",
            t("chorus_directory_ui.param.engagement_required"),
            10,
            render=lambda v: flag(v.engagement_required),
        ),
    ]


class ServicesDialog(Dialog[None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus_directory.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.back", id="chorus.services.close"),
        Binding("n", "add", "chorus_directory_ui.key.add_service", id="chorus.services.add"),
    ]

    def __init__(self, structure: ChorusStructurePublic) -> None:
        super().__init__()
        self.structure = structure

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="services-dialog"):
            yield Label(
                Text(t("chorus_directory_ui.service.title", name=clean(self.structure.name))),
                classes="dialog-title",
            )
            yield VirtualList(
                service_columns(), ListSource(self.structure.services), id="services-list"
            )
            yield Static(Text(t("chorus_directory_ui.service.keys")), classes="form-info")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("chorus_directory_ui.key.add_service"), id="add-service")
                yield Button(t("common.back"), id="close")

    def on_mount(self) -> None:
        self.query_one(VirtualList).focus()

    @on(Button.Pressed, "#add-service")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add()

    def action_add(self) -> None:
        self.app.push_screen(ServiceDialog(self.structure.id, None), self._saved)

    @on(VirtualList.RowActivated, "#services-list")
    def _edit(self, event: VirtualList.RowActivated) -> None:
        self.app.push_screen(
            ServiceDialog(self.structure.id, cast(ChorusServicePublic, event.row)), self._saved
        )

    def _saved(self, service: ChorusServicePublic | None) -> None:
        if service is None:
            return
        services = [v for v in self.structure.services if v.id != service.id] + [service]
        self.structure = self.structure.model_copy(update={"services": services})
        self.query_one(VirtualList).set_source(ListSource(services))


class ServiceDialog(Dialog[ChorusServicePublic | None]):
    CSS_PATH = [DIALOGS_TCSS, "chorus_directory.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "common.cancel", id="chorus.service.cancel"),
        Binding("ctrl+s", "submit", "common.save", id="chorus.service.save"),
    ]

    def __init__(self, structure_id: int, service: ChorusServicePublic | None) -> None:
        super().__init__()
        self.structure_id = structure_id
        self.service = service

    @property
    def order(self) -> str:
        return cofa(self.app).settings.date_order

    def compose(self) -> ComposeResult:
        v = self.service
        with Vertical(classes="dialog", id="service-dialog"):
            yield Label(Text(t("chorus_directory_ui.service.edit")), classes="dialog-title")
            yield FormField(
                t("chorus_directory_ui.service.code") + " *",
                Input(v.code if v else "", id="code", max_length=100, compact=True),
                "code",
            )
            yield FormField(
                t("chorus_directory_ui.service.label"),
                Input(v.label if v else "", id="label", max_length=200, compact=True),
                "label",
            )
            with Horizontal(id="service-dates"):
                for name in ("start_date", "end_date"):
                    yield FormField(
                        t(f"chorus_directory_ui.service.{name}"),
                        Input(
                            typed_date(getattr(v, name) if v else None, self.order),
                            id=name,
                            compact=True,
                        ),
                        name,
                        hint=date_pattern(self.order),
                    )
            yield Tick(t("chorus_directory_ui.field.active"), v.active if v else True, id="active")
            yield Tick(
                t("chorus_directory_ui.param.engagement_required"),
                v.engagement_required if v else False,
                id="engagement_required",
            )
            yield Static("", id="service-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("common.save"), variant="primary", id="save")
                yield Button(t("common.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()

    def submit(self) -> None:
        errors: dict[str, str] = {}
        dates: dict[str, date | None] = {}
        for name in ("start_date", "end_date"):
            try:
                dates[name] = parse_date(self.query_one(f"#{name}", Input).value, self.order)
            except TypedInputError as exc:
                errors[name] = str(exc)
        code = self.query_one("#code", Input).value.strip()
        if not code:
            errors["code"] = t("chorus_directory_ui.error.required")
        show_errors(self, errors, self.query_one("#service-error", Static))
        if errors:
            return
        values: dict[str, Any] = {
            "code": code,
            "label": self.query_one("#label", Input).value.strip(),
            "active": self.query_one("#active", Tick).value,
            "engagement_required": self.query_one("#engagement_required", Tick).value,
            "version": self.service.version if self.service else None,
            **dates,
        }
        self._save(ChorusServiceSave(**values))

    @work(thread=True, exclusive=True, group="chorus-service-save")
    def _save(self, data: ChorusServiceSave) -> None:
        try:
            saved = cofa(self.app).repo.chorus_directory.save_service(self.structure_id, data)
        except CofaError as exc:
            self.app.call_from_thread(
                self._refused, refusal(exc, "chorus_directory_ui.error.changed")
            )
            return
        self.app.call_from_thread(self.dismiss, saved)

    def _refused(self, errors: dict[str, str]) -> None:
        show_errors(self, errors, self.query_one("#service-error", Static))


__all__ = ["ServiceDialog", "ServicesDialog"]
