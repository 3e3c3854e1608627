"""The Tools hub: one screen listing the tools that exist (no placeholders for those
SPEC §3.10 plans and that are not built yet). Reached from the palette and from every
screen with the app's Tools key."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from cofatui.enums import Rights, Role, Section
from cofatui.i18n import t
from cofatui.rules.section_rights import read_refusal, write_refusal
from cofatui.schemas import Principal
from cofatui.tui.kit.header import AppHeader

#: (screen name for ``app.switch_to``, catalog key of its label, of its description)
TOOLS: tuple[tuple[str, str, str], ...] = (
    ("jobs", "tools.jobs", "tools.jobs_help"),
    ("import_results", "tools.imports", "tools.imports_help"),
    ("bulk_orders", "bulk_ui.hub", "bulk_ui.hub_help"),
    ("exports", "exports_ui.hub", "exports_ui.hub_help"),
    ("custom_fields", "custom_fields_ui.hub", "custom_fields_ui.hub_help"),
    ("users", "users_ui.hub", "users_ui.hub_help"),
    ("turnover_declarations", "turnover_ui.hub", "turnover_ui.hub_help"),
    ("company_information_send_any", "company_info_ui.hub_send", "company_info_ui.hub_send_help"),
    ("company_information_list", "company_info_ui.hub", "company_info_ui.hub_help"),
    ("documents_sent", "documents_ui.hub", "documents_ui.hub_help"),
    # Chorus Pro: rights come from attachments, not contracts (issue 18 item 3): listed
    # to everyone; the hub shows what the user's structures give
    ("chorus", "chorus_ui.hub", "chorus_ui.hub_help"),
    # issue 20: the insurance sub-ledger, premium notices, the other covers
    ("accounting", "accounting_ui.hub", "accounting_ui.hub_help"),
    ("premium_notices", "accounting_ui.hub_notices", "accounting_ui.hub_notices_help"),
    ("other_covers", "accounting_ui.hub_covers", "accounting_ui.hub_covers_help"),
    ("accounting_books", "accounting_ui.hub_books", "accounting_ui.hub_books_help"),
)


def _can_write_custom_fields(principal: Principal) -> bool:
    """Managing custom fields changes the contract: listed for users who may write
    them on one of their contracts (full rights, or the section customised to full).
    The server refuses the others whatever the screen shows."""
    return any(access.rights == Rights.FULL
               or (access.rights == Rights.CUSTOM
                   and access.section_rights.get(Section.CUSTOM_FIELDS.value) == "full")
               for access in principal.contracts)


def _manages_users(principal: Principal) -> bool:
    """User management: underwriters, and contract administrators holding a contract
    with full rights (issue 16 item 7); the others would only meet a refusal."""
    return principal.role == Role.UNDERWRITER or (
        principal.role == Role.CONTRACT_ADMIN
        and any(access.rights == Rights.FULL for access in principal.contracts))


def _reads_turnover(principal: Principal) -> bool:
    """The declarations are the policyholder's: listed to users who may read the
    turnover section of one of their contracts (underwriters use the back office)."""
    return principal.role != Role.UNDERWRITER and any(
        read_refusal(access, Section.TURNOVER) is None for access in principal.contracts)


#: Tools listed only to some users (the others would only meet a refusal there).
def _sends_company_information(principal: Principal) -> bool:
    """Sending is the policyholder's: users who may write company information on one of
    their contracts (underwriters decide in the back office)."""
    return principal.role != Role.UNDERWRITER and any(
        write_refusal(access, Section.COMPANY_INFORMATION) is None
        for access in principal.contracts)


def _reads_company_information(principal: Principal) -> bool:
    return principal.role != Role.UNDERWRITER and any(
        read_refusal(access, Section.COMPANY_INFORMATION) is None
        for access in principal.contracts)


def _reads_documents(principal: Principal) -> bool:
    """The documents sent: users who may read one of the sections they belong to."""
    sections = (Section.CLAIMS, Section.COMPANY_INFORMATION, Section.TURNOVER)
    return principal.role != Role.UNDERWRITER and any(
        read_refusal(access, section) is None
        for access in principal.contracts for section in sections)


def _reads_accounting(principal: Principal) -> bool:
    """The books: insurer staff, and users who may read the accounting section of one
    of their contracts (the repository shows only books covering all of theirs)."""
    return principal.role == Role.UNDERWRITER or any(
        read_refusal(access, Section.ACCOUNTING) is None for access in principal.contracts)


def _sets_up_books(principal: Principal) -> bool:
    """Books set-up: insurer staff and contract administrators (issue 20 item 1)."""
    return principal.role in (Role.UNDERWRITER, Role.CONTRACT_ADMIN)


SHOWN_TO: dict[str, Callable[[Principal], bool]] = {
    "accounting": _reads_accounting,
    "premium_notices": _reads_accounting,
    "other_covers": _reads_accounting,
    "accounting_books": _sets_up_books,
    "custom_fields": _can_write_custom_fields,
    "users": _manages_users,
    "turnover_declarations": _reads_turnover,
    "company_information_send_any": _sends_company_information,
    "company_information_list": _reads_company_information,
    "documents_sent": _reads_documents,
}


def tools_for(principal: Principal) -> list[tuple[str, str, str]]:
    return [tool for tool in TOOLS
            if tool[0] not in SHOWN_TO or SHOWN_TO[tool[0]](principal)]


class ToolsScreen(Screen[None]):
    CSS_PATH = "tools.tcss"
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield OptionList(*[Option(f"{t(label)} — {t(hint)}", id=name)
                           for name, label, hint in tools_for(
                               self.app.principal)],  # type: ignore[attr-defined]
                           id="tools-list")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "tools.title"
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#tools-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.switch_to(event.option.id)  # type: ignore[attr-defined]

    async def on_language_changed(self, _event: object) -> None:
        await self.recompose()
