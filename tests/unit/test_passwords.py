"""The password policy: length, variety, not the login; one message naming it all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cofatui.errors import ValidationFailed
from cofatui.rules.passwords import (
    MAX_LENGTH,
    MIN_CLASSES,
    MIN_LENGTH,
    character_classes,
    check_password_policy,
)


@pytest.mark.parametrize("password", [
    "Correct-Horse-42!",     # all four kinds
    "correcthorse42!",       # lower, digit, other
    "CORRECT HORSE 42",      # upper, digit, other (a space is "other")
])
def test_good_passwords_pass(password: str) -> None:
    check_password_policy(password, login="alice")


def message(password: str, login: str | None = None) -> str:
    with pytest.raises(ValidationFailed) as err:
        check_password_policy(password, login=login)
    assert set(err.value.by_field()) == {"password"}
    return err.value.by_field()["password"]


def test_too_short_says_how_long_it_is() -> None:
    assert "at least 12 characters (it has 8)" in message("Ab1!Ab1!")


def test_eleven_characters_are_not_enough_twelve_are() -> None:
    message("Abcdefgh12!")
    check_password_policy("Abcdefgh123!")


def test_too_long() -> None:
    check_password_policy("Ab1-" * (MAX_LENGTH // 4))
    assert f"at most {MAX_LENGTH}" in message("Ab1-" * (MAX_LENGTH // 4) + "x")


def test_two_classes_name_what_to_add() -> None:
    text = message("CorrectHorseBattery")
    assert "at least 3 of the 4 kinds" in text
    assert "add one of a digit, another character" in text


def test_one_class_asks_for_two_more() -> None:
    text = message("correcthorsebattery")
    assert "add at least 2 of an upper-case letter, a digit, another character" in text


def test_every_problem_in_one_message() -> None:
    text = message("alice", login="alice")
    assert "at least 12" in text and "kinds of character" in text and "login" in text


def test_login_is_refused_whatever_its_case() -> None:
    assert "must not contain the login" in message("My-ALICE-password-1", login="alice")
    check_password_policy("My-ALICE-password-1", login="bob")
    check_password_policy("My-ALICE-password-1", login="al")  # too short to matter
    check_password_policy("My-ALICE-password-1", login=None)


def test_control_characters_are_refused() -> None:
    assert "control characters" in message("Correct\tHorse-42")
    assert "control characters" in message("Correct-Horse-42\n")


def test_non_ascii_letters_count_in_their_case() -> None:
    # ... and an accented letter also as "other" (Chorus Pro's rule, issue 18 item 2).
    assert character_classes("Éé") == [True, True, False, True]
    assert character_classes("٣") == [False, False, True, False]  # an Arabic-Indic digit
    assert character_classes("漢") == [False, False, False, True]
    check_password_policy("Émile-Zola-1840")


@given(st.text(max_size=300), st.one_of(st.none(), st.text(max_size=20)))
def test_random_input_raises_only_validation_failed(password: str, login: str | None) -> None:
    try:
        check_password_policy(password, login=login)
    except ValidationFailed as exc:
        assert set(exc.by_field()) == {"password"}
        assert exc.message
    else:
        assert MIN_LENGTH <= len(password) <= MAX_LENGTH
        assert sum(character_classes(password)) >= MIN_CLASSES
        if login and len(login.strip()) >= 3:
            assert login.strip().casefold() not in password.casefold()


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Nd", "Po"]),
               min_size=MIN_LENGTH, max_size=40))
def test_long_enough_and_varied_enough_always_passes(password: str) -> None:
    if sum(character_classes(password)) >= MIN_CLASSES:
        check_password_policy(password)


def test_the_refusal_is_a_code_with_every_broken_rule_and_reads_in_french() -> None:
    with pytest.raises(ValidationFailed) as err:
        check_password_policy("alice", login="alice")
    [error] = err.value.errors
    assert (error.field, error.code) == ("password", "passwords.refused")
    assert [p.key for p in error.params["problems"]] == [  # type: ignore[attr-defined]
        "errors.passwords.too_short", "errors.passwords.too_few_kinds",
        "errors.passwords.contains_login"]
    assert error.text("fr") == (
        "doit avoir au moins 12 caractères (il en a 5), doit mélanger au moins 3 des 4 sortes "
        "de caractères : ajoutez au moins 2 de ceux-ci : une majuscule, un chiffre, un autre "
        "caractère, ne doit pas contenir l’identifiant")
