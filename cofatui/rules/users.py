"""The pure rules of user administration (issue 16 items 1, 2, 4 and 5): the sections
whose rights can be customised, the levels a section may get, the columns the user
lists sort by, and the checks of a status change. ``repository/sql/identity.py``
applies them before it writes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from cofatui.enums import Rights, Section, UserStatus
from cofatui.errors import FieldError

#: The sections of a contract, named after the seed's areas (issue 16 item 5), and the
#: accounting (issue 20 item 10). A section left unnamed in customised rights means
#: "none".
SECTIONS: tuple[str, ...] = tuple(str(s) for s in (
    Section.COVER, Section.INFORMATION, Section.CLAIMS, Section.TURNOVER,
    Section.COMPANY_INFORMATION, Section.ILU, Section.CUSTOM_FIELDS, Section.EXPORTS,
    Section.BULK_ORDERS, Section.NOTIFICATIONS, Section.ACCOUNTING))
LEVELS = ("none", "read_only", "full")
#: Rights an administrator may give on a contract.
RIGHTS = (Rights.FULL, Rights.READ_ONLY, Rights.CUSTOM)
#: The columns the user lists sort by.
SORTS = ("login", "title", "last_name", "first_name", "updated_at", "created_at", "status",
         "rights")
#: What a user may change of an account (seed "Modification").
MODIFIABLE = ("title", "last_name", "first_name", "phone", "fax", "email", "language",
              "default_contract_id")
MAX_PAGE = 500


def section_rights_errors(rights: str, sections: Mapping[str, str]) -> list[FieldError]:
    """The refusals of a rights choice: rights outside :data:`RIGHTS`, an unknown
    section, a level outside :data:`LEVELS`, sections given with rights other than
    custom."""
    errors = []
    if rights not in {r.value for r in RIGHTS}:
        errors.append(FieldError("rights", "users.one_of",
                                 {"choices": [r.value for r in RIGHTS]}))
    elif sections and rights != Rights.CUSTOM:
        errors.append(FieldError("sections", "users.sections_only_custom"))
    for name, level in sections.items():
        if name not in SECTIONS:
            errors.append(FieldError("sections", "users.unknown_section",
                                     {"section": name, "choices": list(SECTIONS)}))
        elif level not in LEVELS:
            errors.append(FieldError("sections", "users.section_level",
                                     {"section": name, "choices": list(LEVELS)}))
    return errors


def stored_sections(rights: str, sections: Mapping[str, str]) -> dict[str, str]:
    """The sections stored for ``rights``: for custom, every named section but those
    at "none" (unnamed means none), in the order of :data:`SECTIONS`; else none."""
    if rights != Rights.CUSTOM:
        return {}
    return {name: sections[name] for name in SECTIONS
            if sections.get(name, "none") != "none"}


def status_errors(status: str, until: datetime | None, now: datetime) -> list[FieldError]:
    """The refusals of a status change: an unknown status, an end date on anything but a
    suspension, an end date not in the future."""
    errors = []
    if status not in {s.value for s in UserStatus}:
        errors.append(FieldError("status", "users.one_of",
                                 {"choices": [s.value for s in UserStatus]}))
    elif until is not None and status != UserStatus.SUSPENDED:
        errors.append(FieldError("until", "users.until_only_suspended"))
    elif until is not None and until <= now:
        errors.append(FieldError("until", "users.until_in_future"))
    return errors
