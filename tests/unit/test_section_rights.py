"""The rule of rights per section (issue 16 item 5), shared by the repository and the
screens: what each kind of rights lets a user read, write, and do with their own work
(exports, read marks), and which section a NEW ACTION item writes in."""

from __future__ import annotations

import pytest

from cofatui.enums import Rights, Role, Section
from cofatui.i18n import set_language
from cofatui.rules.section_rights import (
    own_write_refusal,
    read_refusal,
    section_of_action,
    write_refusal,
)
from cofatui.schemas import ContractAccess, NewActionItem, Principal
from cofatui.tui.kit.rights import own_write_refused, within_rights, write_refused


def access(rights: Rights, **sections: str) -> ContractAccess:
    return ContractAccess(contract_id=1, policy_number="P-A", rights=rights,
                          section_rights=sections)


def principal(*contracts: ContractAccess) -> Principal:
    return Principal(user_id=1, login="u", display_name="U", role=Role.POLICYHOLDER,
                     language="en", contracts=list(contracts))


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")


@pytest.mark.parametrize("level, reads, writes", [
    ("full", True, True), ("read_only", True, False), ("none", False, False),
    (None, False, False),  # a section left unnamed is none
])
def test_a_customised_section(level: str | None, reads: bool, writes: bool) -> None:
    a = access(Rights.CUSTOM, **({"exports": level} if level else {}), cover="full")
    assert (read_refusal(a, Section.EXPORTS) is None) is reads
    assert (write_refusal(a, Section.EXPORTS) is None) is writes
    assert (own_write_refusal(a, Section.EXPORTS) is None) is writes
    assert write_refusal(a, Section.COVER) is None


def test_plain_rights() -> None:
    full, reader = access(Rights.FULL), access(Rights.READ_ONLY)
    for section in Section:
        assert read_refusal(full, section) is None and write_refusal(full, section) is None
        assert read_refusal(reader, section) is None
        assert own_write_refusal(reader, section) is None  # exports and read marks
        refusal = write_refusal(reader, section)
        assert refusal is not None and refusal.text() == "Read-only access to contract P-A"


def test_the_refusal_names_the_section_in_the_users_language() -> None:
    refusal = write_refusal(access(Rights.CUSTOM, bulk_orders="read_only"),
                            Section.BULK_ORDERS)
    assert refusal is not None and refusal.http_status == 403
    assert refusal.text("en") == "No write access to bulk orders on P-A"
    assert "commandes en masse" in refusal.text("fr")


def test_new_action_items_by_section() -> None:
    assert section_of_action("CRL") == Section.COVER
    assert section_of_action("REPORT_FULL") == Section.INFORMATION
    assert section_of_action("RSM") == Section.INFORMATION
    assert section_of_action("CLAIM") == Section.CLAIMS
    items = [NewActionItem(code=c, allowed=True) for c in ("CRL", "CCO", "CLAIM")]
    items.append(NewActionItem(code="ECL", allowed=False, reason_code="has_cover"))
    custom = principal(access(Rights.CUSTOM, cover="full", claims="read_only"))
    shown = {i.code: i for i in within_rights(items, custom, 1)}
    assert shown["CRL"].allowed and not shown["ECL"].allowed
    assert shown["ECL"].reason_code == "has_cover"  # the rule's own reason stays
    assert not shown["CCO"].allowed and "information" in shown["CCO"].reason
    assert not shown["CLAIM"].allowed and "claims" in shown["CLAIM"].reason
    # A contract the principal does not hold is the repository's to refuse.
    assert all(i.allowed for i in within_rights(items[:3], custom, 99))
    assert write_refused(custom, 99, Section.COVER) is None


def test_own_work_on_several_contracts() -> None:
    mine = principal(access(Rights.READ_ONLY),
                     ContractAccess(contract_id=2, policy_number="P-B", rights=Rights.CUSTOM,
                                    section_rights={"exports": "read_only"}))
    assert own_write_refused(mine, [1], Section.EXPORTS) is None
    refusal = own_write_refused(mine, [1, 2], Section.EXPORTS)
    assert refusal is not None and "P-B" in refusal.text()
