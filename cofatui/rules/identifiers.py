"""Company identifiers: EasyNumber, Coface reference (CRS) and legal identifiers.

Users type these by hand or import them from files, so each function accepts the
loose forms people write (blanks, missing leading zeros, lower case) and returns the
one canonical form the database stores and searches on. Anything it cannot make sense
of is refused with a ``ValidationFailed`` naming the field, never another exception:
a form or an import must always be able to show the message.

Legal identifiers are checked with python-stdnum where it has a module for the type.
The mapping from the seed's type codes to those checks is the data table
``_CHECKS`` below; types without an entry only get the generic checks (present, at
most 35 characters, no control characters), because a wrong rejection of a real
registry number costs more than accepting a typo the insurer will catch.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors

from cofatui import reference
from cofatui.errors import ValidationFailed
from cofatui.reference import COFACE_REFERENCE_TYPE, IdentifierType

__all__ = [
    "BRANCH_EASY_NUMBER_LENGTH",
    "COFACE_REFERENCE_TYPE",
    "HEAD_OFFICE_EASY_NUMBER_LENGTH",
    "LEGAL_IDENTIFIER_MAX_LENGTH",
    "IdentifierType",
    "has_specific_check",
    "identifier_types",
    "is_branch_easy_number",
    "normalize_coface_reference",
    "normalize_easy_number",
    "validate_legal_identifier",
]

HEAD_OFFICE_EASY_NUMBER_LENGTH = 14
BRANCH_EASY_NUMBER_LENGTH = 19
#: The seed's bulk-order limit for identifiers and references ("maximum 35 caractères").
LEGAL_IDENTIFIER_MAX_LENGTH = 35

_ASCII_DIGITS = frozenset("0123456789")
_COFACE_REFERENCE = re.compile(r"[0-9]{3}[A-Z0-9]{6}")
_BLANKS = re.compile(r"\s+")


# --------------------------------------------------------------------------- EasyNumber


def normalize_easy_number(raw: str, *, branch: bool | None = None) -> str:
    """Return the EasyNumber as 14 digits (head office) or 19 digits (branch).

    Users may omit the leading zeros and type spaces, so blanks are removed and the
    digits left-padded. ``branch`` forces the establishment type when the caller knows
    it; when it is None the length decides: up to 14 digits is a head office, 15 to 19
    a branch.
    """
    digits = "".join(raw.split())
    if not digits:
        raise ValidationFailed({"easy_number": "identifiers.easy_number_required"})
    # str.isdigit() accepts '²' or Arabic-Indic digits; the EasyNumber is plain ASCII.
    if not set(digits) <= _ASCII_DIGITS:
        raise ValidationFailed({"easy_number": "identifiers.easy_number_digits"})
    if len(digits) > BRANCH_EASY_NUMBER_LENGTH:
        raise ValidationFailed.at("easy_number", "identifiers.easy_number_too_long",
                                  count=len(digits), max=BRANCH_EASY_NUMBER_LENGTH,
                                  head_office=HEAD_OFFICE_EASY_NUMBER_LENGTH)
    if branch is None:
        branch = len(digits) > HEAD_OFFICE_EASY_NUMBER_LENGTH
    if not branch and len(digits) > HEAD_OFFICE_EASY_NUMBER_LENGTH:
        raise ValidationFailed.at("easy_number", "identifiers.head_office_too_long",
                                  max=HEAD_OFFICE_EASY_NUMBER_LENGTH, count=len(digits))
    width = BRANCH_EASY_NUMBER_LENGTH if branch else HEAD_OFFICE_EASY_NUMBER_LENGTH
    return digits.zfill(width)


def is_branch_easy_number(value: str) -> bool:
    """True when the EasyNumber designates a branch (19 digits once normalised).

    Raises ``ValidationFailed`` for something that is not an EasyNumber at all.
    """
    return len(normalize_easy_number(value)) == BRANCH_EASY_NUMBER_LENGTH


# ------------------------------------------------------------------ Coface reference


def normalize_coface_reference(raw: str, *, field: str = "coface_reference") -> str:
    """Return the Coface reference (CRS) as 9 upper-case characters.

    A CRS is a 3-digit country number followed by 6 digits or letters. Blanks are
    dropped and letters upper-cased so "100 156abc" and "100156ABC" are one company.
    ``field`` lets a caller report the error on its own field (a legal identifier of
    type CRScny, for instance).
    """
    value = "".join(raw.split()).upper()
    if not value:
        raise ValidationFailed({field: "identifiers.coface_reference_required"})
    if not _COFACE_REFERENCE.fullmatch(value):
        raise ValidationFailed({field: "identifiers.coface_reference_format"})
    return value


# ------------------------------------------------------------------ legal identifiers

_Validator = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class _Stdnum:
    """Validate with a python-stdnum module; the module's ``validate`` compacts."""

    module: str

    def __call__(self, value: str) -> str:
        return str(importlib.import_module(self.module).validate(value))


@dataclass(frozen=True, slots=True)
class _EuVat:
    """An EU VAT number, kept in its intra-community form (``DE136695976``).

    That is how it is printed on invoices and checked in VIES, so it is the form that
    is stored whether or not the user typed the country prefix. ``prefixes`` lists the
    prefixes users write, the first one being canonical (Greece: EL, also GR).
    """

    prefixes: tuple[str, ...]

    def __call__(self, value: str) -> str:
        compact = re.sub(r"[\s.\-/,]", "", value).upper()
        for prefix in self.prefixes:
            if compact.startswith(prefix):
                compact = compact[len(prefix):]
                break
        vat = importlib.import_module("stdnum.eu.vat")
        return str(vat.validate(self.prefixes[0] + compact))


def _duns(value: str) -> str:
    """A D-U-N-S number: 9 digits, often written 12-345-6789."""
    compact = re.sub(r"[\s\-.]", "", value)
    if not set(compact) <= _ASCII_DIGITS:
        raise stdnum_errors.InvalidFormat()
    if len(compact) != 9:
        raise stdnum_errors.InvalidLength()
    return compact


_HRN_WITHOUT_COURT = re.compile(
    r"(HRA|HRB|GNR|GSR|PR|VR)\s*([0-9]{1,6})(?:\s*([A-Z]{1,2}))?", re.IGNORECASE
)
_HRN_REGISTERS = {"HRA": "HRA", "HRB": "HRB", "GNR": "GnR", "GSR": "GsR", "PR": "PR", "VR": "VR"}


def _handelsregisternummer(value: str) -> str:
    """German register number, with or without the court.

    stdnum insists on the court ("Aachen HRB 44123") but the seed's own bulk-order
    example writes just "HRB 97512", which is how the number is usually quoted; accept
    that form too, normalised to "HRB 97512".
    """
    module = importlib.import_module("stdnum.de.handelsregisternummer")
    try:
        return str(module.validate(value))
    except stdnum_errors.ValidationError:
        match = _HRN_WITHOUT_COURT.fullmatch(value.strip())
        if not match:
            raise
        register, number, suffix = match.groups()
        text = f"{_HRN_REGISTERS[register.upper()]} {number}"
        return f"{text} {suffix.upper()}" if suffix else text


def _eu(*prefixes: str) -> _Validator:
    return _EuVat(prefixes)


#: Legal identifier type code (the seed's) → its check. Type codes shared by two
#: countries (TAX_PRT for PRT and PR1, NIF_ESP for ESP and ES1) share the check.
_CHECKS: dict[str, _Validator] = {
    # France and French territories
    "SIREN": _Stdnum("stdnum.fr.siren"),
    "SIRET": _Stdnum("stdnum.fr.siret"),
    "SIREN_NCL": _Stdnum("stdnum.fr.siren"),
    # EU VAT numbers, stored with their VIES prefix
    "VAT_AUT": _eu("AT"),
    "VAT_BEL": _eu("BE"),
    "VAT_BGR": _eu("BG"),
    "VAT_CYP": _eu("CY"),
    "VAT_CZE": _eu("CZ"),
    "VAT_DEU": _eu("DE"),
    "VAT_DNK": _eu("DK"),
    "VAT_FIN": _eu("FI"),
    "VAT_FRA": _eu("FR"),
    "VAT_GRC": _eu("EL", "GR"),
    "VAT_HRV": _eu("HR"),
    "VAT_HUN": _eu("HU"),
    "VAT_IRL": _eu("IE"),
    "VAT_ITA": _eu("IT"),
    "VAT_LUX": _eu("LU"),
    "VAT_MLT": _eu("MT"),
    "VAT_NLD": _eu("NL"),
    "VAT_POL": _eu("PL"),
    "VAT_ROU": _eu("RO"),
    "VAT_SVK": _eu("SK"),
    "VAT_SVN": _eu("SI"),
    "VAT_SWE": _eu("SE"),
    # other European numbers
    "NIF_ESP": _Stdnum("stdnum.es.nif"),
    "TAX_PRT": _Stdnum("stdnum.pt.nif"),
    "TAX_ITA": _Stdnum("stdnum.it.codicefiscale"),
    "HRN_DEU": _handelsregisternummer,
    "HRN_AUT": _Stdnum("stdnum.at.businessid"),
    "CVR_DNK": _Stdnum("stdnum.dk.cvr"),
    "RGN_EST": _Stdnum("stdnum.ee.registrikood"),
    "RGN_FIN": _Stdnum("stdnum.fi.ytunnus"),
    "RGN_ISL": _Stdnum("stdnum.is_.kennitala"),
    "RGN_NOR": _Stdnum("stdnum.no.orgnr"),
    "RGN_SWE": _Stdnum("stdnum.se.orgnr"),
    "RGN_ROU": _Stdnum("stdnum.ro.onrc"),
    "MSNI_SVN": _Stdnum("stdnum.si.maticna"),
    "VAT_GBR": _Stdnum("stdnum.gb.vat"),
    "VAT_CHE": _Stdnum("stdnum.ch.vat"),
    "VAT_ALB": _Stdnum("stdnum.al.nipt"),
    "VAT_MKD": _Stdnum("stdnum.mk.edb"),
    "VAT_MNE": _Stdnum("stdnum.me.pib"),
    "VAT_SCG": _Stdnum("stdnum.rs.pib"),
    "VAT_MDA": _Stdnum("stdnum.md.idno"),
    "VAT_BLR": _Stdnum("stdnum.by.unp"),
    "VAT_RUS": _Stdnum("stdnum.ru.inn"),
    "RGN_UKR": _Stdnum("stdnum.ua.edrpou"),
    "VAT_TUR": _Stdnum("stdnum.tr.vkn"),
    "VAT_AZE": _Stdnum("stdnum.az.voen"),
    # the Americas
    "DUN_USA": _duns,
    "DUN_CAN": _duns,
    "DUN_GB2": _duns,
    "DUN_US1": _duns,
    "CNPJ_BRA": _Stdnum("stdnum.br.cnpj"),
    "CUIT_ARG": _Stdnum("stdnum.ar.cuit"),
    "RUT_CHL": _Stdnum("stdnum.cl.rut"),
    "NIT_COL": _Stdnum("stdnum.co.nit"),
    "RFC_MEX": _Stdnum("stdnum.mx.rfc"),
    "RNC_DOM": _Stdnum("stdnum.do.rnc"),
    "RUC_ECU": _Stdnum("stdnum.ec.ruc"),
    "RUC_PER": _Stdnum("stdnum.pe.ruc"),
    "RUC_PRY": _Stdnum("stdnum.py.ruc"),
    "RUT_URY": _Stdnum("stdnum.uy.rut"),
    "RIF_VEN": _Stdnum("stdnum.ve.rif"),
    "NIT_GTM": _Stdnum("stdnum.gt.nit"),
    "NIT_SLV": _Stdnum("stdnum.sv.nit"),
    "VAT_CRI": _Stdnum("stdnum.cr.cpj"),
    # Africa, Asia, Oceania
    "DOU_DZA": _Stdnum("stdnum.dz.nif"),
    "TAX_SEN": _Stdnum("stdnum.sn.ninea"),
    "ABN_AUS": _Stdnum("stdnum.au.abn"),
    "ACN_AUS": _Stdnum("stdnum.au.acn"),
    "TAX_IDN": _Stdnum("stdnum.id.npwp"),
    "RGN_ISR": _Stdnum("stdnum.il.hp"),
    "RCS_KOR": _Stdnum("stdnum.kr.brn"),
    "ROC_SGP": _Stdnum("stdnum.sg.uen"),
    "RCS_TWN": _Stdnum("stdnum.tw.ubn"),
    "RGN_THA": _Stdnum("stdnum.th.moa"),
}

#: stdnum's error classes → what the user is told; most specific first, because
#: InvalidLength is a kind of InvalidFormat.
#: Why python-stdnum refused a number, as an error code (parameter ``type``).
_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (stdnum_errors.InvalidChecksum, "identifiers.invalid_checksum"),
    (stdnum_errors.InvalidLength, "identifiers.invalid_length"),
    (stdnum_errors.InvalidFormat, "identifiers.invalid_format"),
    (stdnum_errors.InvalidComponent, "identifiers.invalid_component"),
)
_INVALID = "identifiers.invalid_number"


def has_specific_check(type_code: str) -> bool:
    """True when the type gets a check of its own (python-stdnum or ours).

    Other types only get the generic one: present, at most 35 characters, no control
    characters. The UI can say so next to the field.
    """
    return type_code in _CHECKS or type_code == COFACE_REFERENCE_TYPE


def identifier_types(country_code: str) -> list[IdentifierType]:
    """The legal-identifier types the seed's table allows for this country."""
    return list(_country(country_code).identifier_types)


def _country(country_code: str) -> reference.Country:
    found = reference.country(country_code)
    if found is None:
        raise ValidationFailed.at("country", "identifiers.unknown_country",
                                  country=country_code.strip())
    return found


def _reason(error: Exception) -> str:
    for cls, code in _REASONS:
        if isinstance(error, cls):
            return code
    return _INVALID


def validate_legal_identifier(country_code: str, type_code: str, value: str) -> str:
    """Check a (type, value) legal identifier for a country; return the compact value.

    The type must be one of the country's types (or ``CRScny``, the Coface reference,
    valid everywhere). The value is then checked with python-stdnum when a module
    exists for the type, and returned in stdnum's compact form (EU VAT numbers keep
    their country prefix); otherwise it is only trimmed, with inner blanks collapsed.
    """
    country = _country(country_code)
    type_code = type_code.strip()
    if type_code == COFACE_REFERENCE_TYPE:
        return normalize_coface_reference(value, field="legal_identifier")
    if country.identifier_type(type_code) is None:
        allowed = [*(t.code for t in country.identifier_types), COFACE_REFERENCE_TYPE]
        meant = next((code for code in allowed if code.casefold() == type_code.casefold()),
                     None)
        if meant is not None:
            raise ValidationFailed.at("legal_identifier_type", "identifiers.type_case",
                                      type=type_code, meant=meant, country=country.code)
        raise ValidationFailed.at(
            "legal_identifier_type",
            "identifiers.type_unknown" if type_code else "identifiers.type_empty",
            type=type_code, country=country.code,
            allowed=allowed)

    stripped = value.strip()
    if not stripped:
        raise ValidationFailed.at("legal_identifier", "identifiers.value_required",
                                  type=type_code)
    if _has_control(stripped):
        raise ValidationFailed.at("legal_identifier", "identifiers.control_characters",
                                  type=type_code)
    text = _BLANKS.sub(" ", stripped)
    if len(text) > LEGAL_IDENTIFIER_MAX_LENGTH:
        raise ValidationFailed.at("legal_identifier", "identifiers.value_too_long",
                                  type=type_code, max=LEGAL_IDENTIFIER_MAX_LENGTH)
    check = _CHECKS.get(type_code)
    if check is None:
        return text
    try:
        return check(text)
    except stdnum_errors.ValidationError as error:
        raise ValidationFailed.at("legal_identifier", _reason(error),
                                  type=type_code) from error
    except Exception as error:  # a third-party check must never crash a form or import
        raise ValidationFailed.at("legal_identifier", _INVALID, type=type_code) from error


def _has_control(text: str) -> bool:
    """Control, format, surrogate, private-use or unassigned characters (category C*).

    They are invisible on screen and in exports, so two values that look equal would not
    be; refusing them keeps identifiers searchable.
    """
    return any(unicodedata.category(ch).startswith("C") for ch in text)
