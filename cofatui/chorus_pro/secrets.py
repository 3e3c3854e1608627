"""Secret references (issue 19 item 6): a secret setting never holds the secret, only
where to find it — ``env:NAME`` (a variable of the process that runs the jobs) or
``keyring:SERVICE/USER`` (the OS keyring through ``keyring``). A literal value is
refused wherever a reference is read (the settings file, a connector's password).

``keyring`` is imported only when a keyring reference is resolved or stored: most
servers never touch it, and a headless one usually has no backend (``NoKeyringError``).
No function here puts the secret in an error, a log or a repr.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from cofatui.chorus_pro.errors import ChorusProBadSetting
from cofatui.errors import FieldError

ENV_PREFIX = "env:"
KEYRING_PREFIX = "keyring:"
#: The code of a literal where a reference is expected (the value is never echoed).
NOT_A_REFERENCE = "chorus_pro.secret_not_reference"

_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class NotAReference(ChorusProBadSetting):
    """A value that is neither ``env:NAME`` nor ``keyring:SERVICE/USER``: most likely a
    secret written in clear. ``at(field)`` gives it as a refusal at a form's field."""

    def __init__(self) -> None:
        super().__init__(NOT_A_REFERENCE)

    def at(self, field: str) -> FieldError:
        return FieldError(field, self.code, dict(self.params))


@dataclass(frozen=True)
class EnvReference:
    name: str


@dataclass(frozen=True)
class KeyringReference:
    service: str
    user: str


Reference = EnvReference | KeyringReference


def parse_reference(ref: str) -> Reference:
    """The reference ``ref`` names; NotAReference for anything else."""
    text = ref.strip()
    if text.startswith(ENV_PREFIX):
        name = text[len(ENV_PREFIX):]
        if _ENV_NAME_RE.fullmatch(name):
            return EnvReference(name)
    elif text.startswith(KEYRING_PREFIX):
        service, slash, user = text[len(KEYRING_PREFIX):].partition("/")
        if slash and service.strip() and user.strip() and service == service.strip() \
                and user == user.strip():
            return KeyringReference(service, user)
    raise NotAReference()


def is_reference(ref: str) -> bool:
    try:
        parse_reference(ref)
    except NotAReference:
        return False
    return True


def check_reference(ref: str) -> None:
    """Raise NotAReference (``chorus_pro.secret_not_reference``) unless ``ref`` is a
    well-formed ``env:NAME`` or ``keyring:SERVICE/USER``. Nothing is looked up."""
    parse_reference(ref)


def resolve(ref: str) -> str:
    """The secret ``ref`` points at. Raises NotAReference, or ChorusProBadSetting:
    ``chorus_pro.secret_env_missing`` (name), ``chorus_pro.no_keyring`` ("no OS keyring
    here: use env:NAME"), ``chorus_pro.secret_keyring_missing`` (service, user),
    ``chorus_pro.keyring_failed`` (the keyring error's type)."""
    reference = parse_reference(ref)
    if isinstance(reference, EnvReference):
        value = os.environ.get(reference.name)
        if not value:
            raise ChorusProBadSetting("chorus_pro.secret_env_missing", name=reference.name)
        return value
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        secret = keyring.get_password(reference.service, reference.user)
    except NoKeyringError:
        raise ChorusProBadSetting("chorus_pro.no_keyring") from None
    except KeyringError as exc:
        raise ChorusProBadSetting("chorus_pro.keyring_failed",
                                  reason=type(exc).__name__) from None
    if not secret:
        raise ChorusProBadSetting("chorus_pro.secret_keyring_missing",
                                  service=reference.service, user=reference.user)
    return secret


def store(ref: str, value: str) -> None:
    """Put ``value`` in the OS keyring under a ``keyring:SERVICE/USER`` reference
    (``cofatui chorus connector store-secret``). Raises NotAReference;
    ChorusProBadSetting ``chorus_pro.store_needs_keyring`` (an ``env:`` reference: set
    the variable instead), ``chorus_pro.secret_empty``, ``chorus_pro.no_keyring``,
    ``chorus_pro.keyring_failed``."""
    reference = parse_reference(ref)
    if not isinstance(reference, KeyringReference):
        raise ChorusProBadSetting("chorus_pro.store_needs_keyring", name=reference.name)
    if not value:
        raise ChorusProBadSetting("chorus_pro.secret_empty")
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(reference.service, reference.user, value)
    except NoKeyringError:
        raise ChorusProBadSetting("chorus_pro.no_keyring") from None
    except KeyringError as exc:
        raise ChorusProBadSetting("chorus_pro.keyring_failed",
                                  reason=type(exc).__name__) from None
