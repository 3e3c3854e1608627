"""The password rule of Chorus Pro (seed 003 §II, issue 18 item 2): "au minimum 12
caractères et au moins 3 types de caractères parmi les 4 groupes suivants : …
des caractères spéciaux (ponctuation, accents, etc...)" — an accented letter counts
as a special character too, so a password of letters with accents and digits passes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui.errors import ValidationFailed
from cofatui.rules.passwords import character_classes, check_password_policy


def test_an_accent_is_the_third_kind_of_character() -> None:
    # Lower case, digits and an accent: three kinds, without punctuation.
    check_password_policy("etedechorus2026é")
    with pytest.raises(ValidationFailed):
        check_password_policy("etedechorus2026e")  # the same without the accent


@pytest.mark.parametrize("letter", ["é", "È", "ç", "Ñ", "ü", "ô", "e\u0301"])
def test_a_letter_with_a_diacritic_counts_in_its_case_and_as_other(letter: str) -> None:
    upper, lower, digit, other = character_classes(letter)
    assert other and not digit
    assert upper or lower


# Timing is never what is tested; a busy machine must not fail it.
@settings(deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
               min_size=1), st.sampled_from("éèàùçÉÀôî"))
def test_adding_an_accented_letter_adds_the_special_kind_and_removes_none(
        text: str, accented: str) -> None:
    before = character_classes(text)
    after = character_classes(text + accented)
    assert not before[3] and after[3]
    assert all(after[i] >= before[i] for i in range(3))
