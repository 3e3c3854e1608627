"""Preferences in the account (issue 16 item 9): ``repo.notifications.preferences`` and
``save_preferences`` (``GET|PUT /me/preferences``), on every backend."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlmodel import col

from cofatui.errors import Conflict, ValidationFailed
from cofatui.models import User
from cofatui.schemas_preferences import PreferencesUpdate, ThresholdPublic
from tests.contract.conftest import Backend


def threshold(backend: Backend, code: str = "CRL", direction: str = "decrease",
              amount: str = "10000", contract: str = "A",
              currency: str = "") -> ThresholdPublic:
    return ThresholdPublic(contract_id=backend.ids[contract], product_code=code,
                           direction=direction,  # type: ignore[arg-type]
                           amount=Decimal(amount), currency=currency)


def test_defaults_until_saved_then_everything_saved_with_a_version(backend: Backend) -> None:
    alice = backend.open("alice")
    first = alice.notifications.preferences()
    assert first.version == 0 and first.thresholds == []
    assert (first.show_crs_number, first.show_non_latin_names, first.claim_notifications) \
        == (False, False, True)
    saved = alice.notifications.save_preferences(PreferencesUpdate(
        version=0, show_crs_number=True, show_non_latin_names=True,
        claim_notifications=False,
        thresholds=[threshold(backend), threshold(backend, "RSM", "increase", "2")]))
    assert saved.version == 1
    assert (saved.show_crs_number, saved.show_non_latin_names, saved.claim_notifications) \
        == (True, True, False)
    assert {(t.product_code, t.direction, t.amount, t.currency) for t in saved.thresholds} \
        == {("CRL", "decrease", Decimal(10000), "EUR"), ("RSM", "increase", Decimal(2), "")}
    assert backend.open("alice").notifications.preferences() == saved
    assert backend.open("bob").notifications.preferences().version == 0  # mine only


def test_claim_notifications_set_the_opt_out_the_server_honours(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.notifications.save_preferences(PreferencesUpdate(version=0,
                                                           claim_notifications=False))
    with backend.engine.connect() as conn:
        assert conn.execute(select(col(User.notify_opt_out)).where(
            col(User.login) == "alice")).scalar_one() is True
    alice.notifications.save_preferences(PreferencesUpdate(version=1,
                                                           claim_notifications=True))
    with backend.engine.connect() as conn:
        assert conn.execute(select(col(User.notify_opt_out)).where(
            col(User.login) == "alice")).scalar_one() is False


def test_the_language_chosen_becomes_the_account_language_its_mails_use(
        backend: Backend) -> None:
    def stored() -> str:
        with backend.engine.connect() as conn:
            return str(conn.execute(select(col(User.language)).where(
                col(User.login) == "alice")).scalar_one())

    alice = backend.open("alice")
    before = stored()
    other = "fr" if before == "en" else "en"
    assert alice.notifications.preferences().language == before
    saved = alice.notifications.save_preferences(PreferencesUpdate(version=0,
                                                                   language=other))
    assert saved.language == other and stored() == other
    kept = alice.notifications.save_preferences(PreferencesUpdate(
        version=saved.version, show_crs_number=True))  # no language given: unchanged
    assert kept.language == other and stored() == other
    with pytest.raises((ValidationFailed, ValueError)):
        alice.notifications.save_preferences(PreferencesUpdate(
            version=kept.version, language="de"))
    assert stored() == other


def test_a_stale_version_is_a_conflict(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.notifications.save_preferences(PreferencesUpdate(version=0, show_crs_number=True))
    with pytest.raises(Conflict):
        alice.notifications.save_preferences(PreferencesUpdate(version=0))
    with pytest.raises(Conflict):
        alice.notifications.save_preferences(PreferencesUpdate(version=5))
    assert alice.notifications.preferences().show_crs_number is True


def test_thresholds_replace_the_previous_ones(backend: Backend) -> None:
    alice = backend.open("alice")
    alice.notifications.save_preferences(PreferencesUpdate(
        version=0, thresholds=[threshold(backend), threshold(backend, "ECL", "increase")]))
    saved = alice.notifications.save_preferences(PreferencesUpdate(
        version=1, thresholds=[threshold(backend, amount="500.50")]))
    assert [(t.product_code, t.amount) for t in saved.thresholds] \
        == [("CRL", Decimal("500.50"))]


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"code": "XYZ"}, "preferences.unknown_product"),
    ({"amount": "-1"}, "preferences.amount_negative"),
    ({"amount": "1.005"}, "preferences.amount_range"),
    ({"code": "RSM", "amount": "11"}, "preferences.points_range"),
    ({"code": "RSM", "amount": "1.5"}, "preferences.points_range"),
    ({"currency": "USD"}, "preferences.currency_of_contract"),
    ({"contract": "B"}, "preferences.unknown_contract"),
])
def test_a_wrong_threshold_is_refused_at_its_field(backend: Backend, kwargs: dict[str, str],
                                                   code: str) -> None:
    alice = backend.open("alice")
    with pytest.raises(ValidationFailed) as caught:
        alice.notifications.save_preferences(PreferencesUpdate(
            version=0, thresholds=[threshold(backend, **kwargs)]))
    assert [e.code for e in caught.value.errors] == [code]
    assert caught.value.errors[0].field.startswith("thresholds.0")
    assert alice.notifications.preferences().version == 0  # nothing saved


def test_the_same_threshold_twice_is_refused(backend: Backend) -> None:
    with pytest.raises(ValidationFailed) as caught:
        backend.open("alice").notifications.save_preferences(PreferencesUpdate(
            version=0, thresholds=[threshold(backend), threshold(backend, amount="5")]))
    assert [e.code for e in caught.value.errors] == ["preferences.duplicate_threshold"]
