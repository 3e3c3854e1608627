"""The identifiers of Chorus Pro (issue 18 item 1): SIRET, French VAT number, IBAN.

People type them with spaces (``356 000 000 00048``), so each function takes the loose
form and returns the one canonical form the database stores and compares; anything it
cannot make sense of is refused with a ``ValidationFailed`` at the caller's field.

python-stdnum does the arithmetic: ``stdnum.fr.siret`` applies the Luhn check with La
Poste's exception (SIREN 356 000 000: its establishments' SIRET sum their digits
instead), ``stdnum.fr.tva`` the VAT key, ``stdnum.iban`` the ISO 13616 check.
"""

from __future__ import annotations

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from cofatui.errors import ValidationFailed

__all__ = ["SIRET_LENGTH", "check_vat", "clean_iban", "clean_siret", "siren_of"]

SIRET_LENGTH = 14


def _compact(text: str) -> str:
    # Spaces, dots and dashes are how people group the digits; none is part of it.
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".-")


def clean_siret(text: str, field: str = "siret") -> str:
    """The SIRET as 14 digits, typed spaces removed. Raises ValidationFailed at
    ``field``: ``chorus.siret_required`` (blank), ``chorus.siret_invalid`` (not 14
    ASCII digits, or failing the check with La Poste's exception)."""
    compact = _compact(text)
    if not compact:
        raise ValidationFailed.at(field, "chorus.siret_required")
    # str.isdigit() accepts '²' and other scripts' digits: a SIRET is ASCII.
    if len(compact) != SIRET_LENGTH or not compact.isascii() or not compact.isdigit() \
            or not stdnum_siret.is_valid(compact):
        raise ValidationFailed.at(field, "chorus.siret_invalid", value=compact[:30])
    return compact


def siren_of(siret: str) -> str:
    """The SIREN (the company) of a clean SIRET: its first nine digits."""
    return siret[:9]


def check_vat(vat: str, siret: str, field: str = "vat_number") -> str:
    """The French VAT number in its intra-community form (``FR40303265045``), or ""
    when none is given. It must be valid and be that of the SIRET's SIREN. Raises
    ValidationFailed at ``field``: ``chorus.vat_invalid``, ``chorus.vat_not_siren``
    (params ``siren``). ``siret`` is a clean one (``clean_siret``)."""
    compact = _compact(vat).upper()
    if not compact:
        return ""
    if compact.startswith("FR"):
        compact = compact[2:]
    try:
        number = str(stdnum_tva.validate(compact))
    except ValidationError:
        raise ValidationFailed.at(field, "chorus.vat_invalid") from None
    if number[2:] != siren_of(siret):
        raise ValidationFailed.at(field, "chorus.vat_not_siren", siren=siren_of(siret))
    return "FR" + number


def clean_iban(text: str, field: str = "iban") -> str:
    """The IBAN compact and upper case (``FR7630006000011234567890189``). Raises
    ValidationFailed at ``field``: ``chorus.iban_required`` (blank),
    ``chorus.iban_invalid`` (wrong country format or check digits)."""
    compact = _compact(text).upper()
    if not compact:
        raise ValidationFailed.at(field, "chorus.iban_required")
    try:
        return str(stdnum_iban.validate(compact))
    except ValidationError:
        raise ValidationFailed.at(field, "chorus.iban_invalid") from None
