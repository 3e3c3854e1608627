"""Drafts survive a closed session and belong to their user."""

from __future__ import annotations

import pytest

from cofatui.errors import ValidationFailed
from tests.contract.conftest import Backend


def test_draft_round_trip_is_per_user(backend: Backend) -> None:
    payload = {"step": 3, "invoices": [{"number": "1001", "amount": "12.50"}]}
    backend.open("alice").drafts.save("claim", "company-2", payload)
    # A new repository (a restarted app) finds it again; another user does not.
    assert backend.open("alice").drafts.load("claim", "company-2") == payload
    assert backend.open("admin").drafts.load("claim", "company-2") is None
    backend.open("alice").drafts.save("claim", "company-2", {"step": 4})
    assert backend.open("alice").drafts.load("claim", "company-2") == {"step": 4}
    assert backend.open("alice").drafts.keys("claim") == ["company-2"]
    backend.open("alice").drafts.delete("claim", "company-2")
    assert backend.open("alice").drafts.load("claim", "company-2") is None


def test_oversized_draft_is_refused(backend: Backend) -> None:
    with pytest.raises(ValidationFailed):
        backend.open("alice").drafts.save("claim", "k", {"x": "y" * 3_000_000})
