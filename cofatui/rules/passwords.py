"""The password policy (issue 3): long enough, varied enough, not the login.

Pure: it takes the candidate and the login and raises :class:`ValidationFailed` on the
field ``password`` with one message naming everything that is missing, so a user fixes
the password in one go instead of discovering the rules one refusal at a time.
"""

from __future__ import annotations

import unicodedata

from cofatui.errors import ValidationFailed
from cofatui.i18n.messages import Term

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_CLASSES = 3
# A login shorter than this is not searched for in the password: with a one- or
# two-letter login the rule would refuse most passwords for no real gain.
MIN_LOGIN_TO_CHECK = 3

#: The four kinds of character, as catalog terms (``errors.passwords.class.*``).
CLASS_NAMES = tuple(Term(f"errors.passwords.class.{name}")
                    for name in ("upper", "lower", "digit", "other"))

def _has_diacritic(ch: str) -> bool:
    """``é``, ``Ç``, ``ñ``: a letter that decomposes into a base and combining marks."""
    return any(unicodedata.combining(part) for part in unicodedata.normalize("NFD", ch))


def character_classes(password: str) -> list[bool]:
    """Which of the four classes (upper, lower, digit, other) ``password`` uses.

    A letter with a diacritic counts as its case *and* as "other": Chorus Pro's rule
    (seed 003 §II) counts accents among the special characters (issue 18, our reading),
    and one policy serves the whole application."""
    upper = lower = digit = other = False
    for ch in password:
        if ch.isupper():
            upper = True
        elif ch.islower():
            lower = True
        elif ch.isdigit():
            digit = True
        else:
            other = True
        if ch.isalpha() and _has_diacritic(ch):
            other = True
    return [upper, lower, digit, other]


def check_password_policy(password: str, *, login: str | None = None) -> None:
    """Refuse a password that breaks the policy, saying everything that is wrong in one
    refusal of the field ``password`` (``passwords.refused``, each broken rule a term of
    its ``problems``)."""
    problems: list[Term] = []
    if len(password) < MIN_LENGTH:
        problems.append(_problem("too_short", min=MIN_LENGTH, count=len(password)))
    elif len(password) > MAX_LENGTH:
        problems.append(_problem("too_long", max=MAX_LENGTH, count=len(password)))
    classes = character_classes(password)
    if sum(classes) < MIN_CLASSES:
        missing = [name for name, present in zip(CLASS_NAMES, classes, strict=True)
                   if not present]
        problems.append(_problem("too_few_kinds", min=MIN_CLASSES,
                                 count=MIN_CLASSES - sum(classes), missing=tuple(missing)))
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        problems.append(_problem("control_characters"))
    if login and len(login.strip()) >= MIN_LOGIN_TO_CHECK \
            and login.strip().casefold() in password.casefold():
        problems.append(_problem("contains_login"))
    if problems:
        raise ValidationFailed.at("password", "passwords.refused", problems=problems)


def _problem(name: str, **params: object) -> Term:
    return Term.of(f"errors.passwords.{name}", **params)
