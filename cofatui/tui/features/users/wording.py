"""How users read on screen (issue 16 items 2 and 5): civilités, statuses, rights and
sections, the lists' columns, and who may manage the users of a contract (the screens
disable what the repository would refuse, and say why)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cofatui.enums import Rights, Role, UserStatus
from cofatui.errors import message_text
from cofatui.i18n import format_date, format_datetime, t
from cofatui.rules.users import LEVELS, SECTIONS
from cofatui.schemas import Principal
from cofatui.schemas_users import UserAttachment, UserDetail, UserRow
from cofatui.tui.kit.virtual_list import Column
from cofatui.tui.safe import clean

#: The civilité codes a user is created with (SPEC §7); older accounts may hold others,
#: shown as they are.
TITLES = ("mr", "mrs", "ms")
LANGUAGES = ("en", "fr")
ROLES = (Role.POLICYHOLDER, Role.CONTRACT_ADMIN)


def title_label(code: str) -> str:
    return t(f"users_ui.titles.{code}") if code in TITLES else clean(code)


def title_options(current: str = "") -> list[tuple[str, str]]:
    """The civilité choices (the stored one kept when it is not a code)."""
    options = [(title_label(code), code) for code in TITLES]
    if current and current not in TITLES:
        options.append((clean(current), current))
    return options


def status_text(status: UserStatus | str, awaiting: bool = False,
                until: datetime | None = None) -> str:
    """active / blocked / suspended (until when), or "awaiting activation"."""
    if awaiting and status == UserStatus.ACTIVE:
        return t("users_ui.awaiting")
    text = t(f"users_ui.status.{status}")
    if status == UserStatus.SUSPENDED and until is not None:
        return t("users_ui.suspended_until", date=format_datetime(until))
    return text


def level_label(level: str) -> str:
    return t(f"users_ui.level.{level}")


def section_label(section: str) -> str:
    return t(f"users_ui.section.{section}")


def rights_label(rights: Rights | str | None) -> str:
    return "" if rights is None else t(f"users_ui.rights.{rights}")


def rights_text(rights: Rights | str | None, sections: Mapping[str, str]) -> str:
    """Full / read-only, or the customised sections with their levels (unnamed: none)."""
    if rights != Rights.CUSTOM:
        return rights_label(rights)
    named = [f"{section_label(s)} {level_label(sections[s])}" for s in SECTIONS
             if sections.get(s, "none") != "none"]
    return f"{rights_label(rights)}: {', '.join(named) or level_label('none')}"


def sections_levels(sections: Mapping[str, str]) -> dict[str, str]:
    """Every section with its level (an unnamed one: none)."""
    return {s: sections.get(s, "none") if sections.get(s) in LEVELS else "none"
            for s in SECTIONS}


def row_actions(row: UserRow) -> str:
    """What can be done to the user of a line (the seed's "Actions" column)."""
    keys = ["users_ui.act.reactivate"] if row.status != UserStatus.ACTIVE else \
        ["users_ui.act.block", "users_ui.act.suspend"]
    if row.awaiting_activation:
        keys.append("users_ui.act.resend")
    return ", ".join(t(k) for k in keys)


def user_columns(attached: bool) -> list[Column]:
    """The seed's columns (Civilité, Nom, Prénom, last update, Code utilisateur,
    creation date, status, actions) and the rights; each column's key is its sort."""
    columns = [
        Column("title", t("users_ui.col.title"), 8, render=lambda r: title_label(r.title)),
        Column("last_name", t("users_ui.col.last_name"), 0,
               render=lambda r: clean(r.last_name)),
        Column("first_name", t("users_ui.col.first_name"), 14,
               render=lambda r: clean(r.first_name)),
        Column("updated_at", t("users_ui.col.updated_at"), 11,
               render=lambda r: format_date(r.updated_at)),
        Column("login", t("users_ui.col.login"), 16, render=lambda r: clean(r.login)),
        Column("created_at", t("users_ui.col.created_at"), 11,
               render=lambda r: format_date(r.created_at)),
        Column("status", t("users_ui.col.status"), 20,
               render=lambda r: status_text(r.status, r.awaiting_activation)),
    ]
    if attached:
        columns.append(Column("rights", t("users_ui.col.rights"), 13,
                              render=lambda r: rights_label(r.rights)))
    columns.append(Column("actions", t("users_ui.col.actions"), 26, render=row_actions,
                          min_list_width=150))
    return columns


def contract_columns() -> list[Column]:
    """The Contracts tab: the contracts the reader administers, attached or not."""
    return [
        Column("attached", t("users_ui.col.attached"), 9,
               render=lambda a: t("users_ui.yes") if a.attached else t("users_ui.no")),
        Column("policy_number", t("users_ui.col.contract"), 12,
               render=lambda a: clean(a.policy_number)),
        Column("rights", t("users_ui.col.rights"), 0, render=attachment_rights),
    ]


def attachment_rights(attachment: UserAttachment) -> str:
    return rights_text(attachment.rights, attachment.sections) if attachment.attached \
        else ""


def display_name(user: UserDetail | UserRow) -> str:
    return clean(f"{user.first_name} {user.last_name}".strip()) or clean(user.login)


def manage_refusal(principal: Principal, contract_id: int | None,
                   policy: str = "") -> str | None:
    """Why the principal may not manage the users of the contract (None: they may):
    underwriters everywhere, contract administrators on the contracts they hold with
    full rights (the repository's rule; the screen only says it before a refusal)."""
    if principal.role == Role.UNDERWRITER:
        return None
    if principal.role != Role.CONTRACT_ADMIN:
        return message_text("users.admins_only")
    if contract_id is None:
        return t("users_ui.no_contract")
    if not any(a.contract_id == contract_id and a.rights == Rights.FULL
               for a in principal.contracts):
        return message_text("users.not_your_contract_number", {"policy": policy})
    return None


__all__ = ["LANGUAGES", "ROLES", "TITLES", "attachment_rights", "contract_columns",
           "display_name", "level_label", "manage_refusal",
           "rights_label", "rights_text", "row_actions", "section_label",
           "sections_levels", "status_text", "title_label", "title_options",
           "user_columns"]
