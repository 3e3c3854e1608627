"""What a user's rights on a contract allow in each section (issue 16 item 5): full,
read-only, or customised with none / read-only / full per section (a section left
unnamed is none). The repository refuses with these (every backend); screens ask the
same before they offer an action, and show the refusal's text as the reason."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from cofatui.enums import Rights, Section
from cofatui.errors import Forbidden
from cofatui.i18n.messages import Term
from cofatui.rules.product_codes import INFORMATION_CODES, REPORT_CODES


class Access(Protocol):
    """A user's access to a contract: ``schemas.ContractAccess``, or the plain one of
    the start's quick read (``repository.sqlite_home``), checked before pydantic is
    imported (issue 21 item 1)."""

    @property
    def policy_number(self) -> str: ...
    @property
    def rights(self) -> Rights: ...
    @property
    def section_rights(self) -> Mapping[str, str]: ...


class ContractAccessLike(Access, Protocol):
    @property
    def contract_id(self) -> int: ...


def start_contract(contracts: Sequence[ContractAccessLike], default_contract_id: int | None,
                   wanted_policy: str = "") -> int | None:
    """The contract a session starts on (``Principal.initial_contract``): ``wanted_policy``
    (the settings' default contract) if the user has it, else the user's default
    contract, else the first."""
    for access in contracts:
        if wanted_policy and access.policy_number == wanted_policy:
            return access.contract_id
    if default_contract_id in {c.contract_id for c in contracts}:
        return default_contract_id
    return contracts[0].contract_id if contracts else None

#: The NEW ACTION menu's unpaid-services items (tui/kit/unpaid.py): claims section.
UNPAID_SERVICE_CODES = frozenset({"CLAIM", "EXTENSION"})


def section_term(section: Section) -> Term:
    return Term(f"errors.access.section.{section.value}")


def read_refusal(access: Access, section: Section | None = None) -> Forbidden | None:
    """Why ``access`` may not read ``section`` of its contract, or None."""
    if section and access.rights == Rights.CUSTOM \
            and access.section_rights.get(section.value, "none") == "none":
        return Forbidden("access.no_section_access", policy=access.policy_number,
                         section=section_term(section))
    return None


def write_refusal(access: Access, section: Section | None = None) -> Forbidden | None:
    """Why ``access`` may not write in ``section`` of its contract (no section: the
    contract as a whole), or None."""
    if access.rights == Rights.READ_ONLY:
        return Forbidden("access.read_only", policy=access.policy_number)
    if access.rights == Rights.CUSTOM \
            and access.section_rights.get(section.value if section else "", "none") != "full":
        if section is None:
            return Forbidden("access.no_write_access_here", policy=access.policy_number)
        return Forbidden("access.no_write_access", policy=access.policy_number,
                         section=section_term(section))
    return None


def own_write_refusal(access: Access, section: Section) -> Forbidden | None:
    """Why ``access`` may not write the user's own work on its contract's data in
    ``section`` (an export, a read mark), or None: plain read-only rights may (it reads,
    and keeps for later); customised rights need the section full."""
    return write_refusal(access, section) if access.rights == Rights.CUSTOM else None


def section_of_action(code: str) -> Section:
    """The section a NEW ACTION item writes in: a claim or an extension the claims
    section, an information product the information section, the rest the cover."""
    if code in UNPAID_SERVICE_CODES:
        return Section.CLAIMS
    return Section.INFORMATION if code in INFORMATION_CODES | REPORT_CODES else Section.COVER


__all__ = ["UNPAID_SERVICE_CODES", "Access", "ContractAccessLike", "own_write_refusal",
           "read_refusal", "section_of_action", "section_term", "start_contract",
           "write_refusal"]
