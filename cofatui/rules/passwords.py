"""The password policy (issue 3): long enough, varied enough, not the login.

Pure: it takes the candidate and the login and raises :class:`ValidationFailed` on the
field ``password`` with one message naming everything that is missing, so a user fixes
the password in one go instead of discovering the rules one refusal at a time.
"""

from __future__ import annotations

import unicodedata

from cofatui.errors import ValidationFailed

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_CLASSES = 3
# A login shorter than this is not searched for in the password: with a one- or
# two-letter login the rule would refuse most passwords for no real gain.
MIN_LOGIN_TO_CHECK = 3

CLASS_NAMES = ("an upper-case letter", "a lower-case letter", "a digit", "another character")


def character_classes(password: str) -> list[bool]:
    """Which of the four classes (upper, lower, digit, other) ``password`` uses."""
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
    return [upper, lower, digit, other]


def check_password_policy(password: str, *, login: str | None = None) -> None:
    """Refuse a password that breaks the policy, saying everything that is wrong."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must have at least {MIN_LENGTH} characters (it has {len(password)})")
    elif len(password) > MAX_LENGTH:
        problems.append(f"must have at most {MAX_LENGTH} characters (it has {len(password)})")
    classes = character_classes(password)
    if sum(classes) < MIN_CLASSES:
        missing = [name for name, present in zip(CLASS_NAMES, classes, strict=True)
                   if not present]
        need = MIN_CLASSES - sum(classes)
        add = _either(missing) if need == 1 else f"at least {need} of: {', '.join(missing)}"
        problems.append(
            f"must mix at least {MIN_CLASSES} of the 4 kinds of character "
            f"(upper-case, lower-case, digit, other): add {add}")
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        problems.append("must not contain control characters (tab, new line, …)")
    if login and len(login.strip()) >= MIN_LOGIN_TO_CHECK \
            and login.strip().casefold() in password.casefold():
        problems.append("must not contain the login")
    if problems:
        raise ValidationFailed("; ".join(problems), field="password")


def _either(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]
