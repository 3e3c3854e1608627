"""The pure rules of user administration (cofatui/rules/users.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cofatui.enums import Section
from cofatui.rules.users import SECTIONS, section_rights_errors, status_errors, stored_sections

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_every_section_can_be_customised() -> None:
    # The ten of issue 16 and the accounting of issue 20.
    assert len(SECTIONS) == 11 and set(SECTIONS) == {s.value for s in Section}


def test_rights_and_sections_are_checked_one_refusal_each() -> None:
    assert section_rights_errors("custom", {"cover": "full", "ilu": "none"}) == []
    assert section_rights_errors("read_only", {}) == []
    assert [e.code for e in section_rights_errors("owner", {})] == ["users.one_of"]
    assert [e.code for e in section_rights_errors("full", {"cover": "full"})] == [
        "users.sections_only_custom"]
    codes = [e.code for e in section_rights_errors("custom", {"payroll": "full",
                                                              "cover": "write"})]
    assert codes == ["users.unknown_section", "users.section_level"]


def test_unnamed_and_none_sections_are_not_stored() -> None:
    assert stored_sections("custom", {"notifications": "read_only", "cover": "full",
                                      "claims": "none"}) == {"cover": "full",
                                                             "notifications": "read_only"}
    assert stored_sections("full", {"cover": "read_only"}) == {}


def test_only_a_suspension_has_an_end_and_it_is_in_the_future() -> None:
    later = NOW + timedelta(days=1)
    assert status_errors("suspended", later, NOW) == []
    assert status_errors("blocked", None, NOW) == []
    assert [e.code for e in status_errors("blocked", later, NOW)] == [
        "users.until_only_suspended"]
    assert [e.code for e in status_errors("suspended", NOW, NOW)] == ["users.until_in_future"]
    assert [e.code for e in status_errors("gone", None, NOW)] == ["users.one_of"]
