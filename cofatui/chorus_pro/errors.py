"""The refusals of the Chorus Pro connector (codes ``chorus_pro.*``, catalog
``i18n/<lang>/errors/chorus_pro.toml``). None of them ever carries a secret: the
parameters are codes, labels Chorus Pro wrote, names of settings and variables.

What the caller does with each:

- :class:`ChorusProRefused`: Chorus Pro answered and said no (``codeRetour`` ≠ 0, or a
  4xx): show ``libelle``; resending the same thing gets the same answer.
- :class:`ChorusProTimeout`: the request left and no usable answer came back. A deposit
  may have been made: look it up (``find_invoices``) before any resend.
- :class:`ChorusProUnavailable`: nothing was done (network down, 5xx, no token): retry
  later.
- :class:`ChorusProBadSetting`: our side is wrong (a secret not found, no keyring, the
  client id or the technical account refused): a manager must fix the settings.
"""

from __future__ import annotations

from cofatui.errors import RuleViolation, Unavailable


class ChorusProRefused(RuleViolation):
    """``chorus_pro.refused`` with ``code`` (Chorus Pro's ``codeRetour`` or the HTTP
    status) and ``libelle`` (its label)."""

    def __init__(self, code: str = "chorus_pro.refused", /, **params: object) -> None:
        super().__init__(code, **params)


class ChorusProUnavailable(Unavailable):
    """Chorus Pro or PISTE cannot be reached or failed (5xx); nothing was done."""


class ChorusProTimeout(ChorusProUnavailable):
    """The request was sent and its outcome is unknown (a read timeout, an answer we
    cannot read): never resend a deposit without looking it up first."""


class ChorusProBadSetting(RuleViolation):
    """A setting of ours is missing or refused: a secret reference that resolves to
    nothing, no OS keyring, the client id or technical account refused."""
