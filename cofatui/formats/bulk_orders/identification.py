"""The company of a bulk-order line, as the line names it (check 9 of :mod:`.checks`).

An EasyNumber (field 2), leading zeros optional, and/or an identifier type (field 3)
and value (field 4). The type is written exactly as in the seed's table: ``CRScny``
(the Coface reference, any country) and ``Akcny`` keep their case, and ``crscny`` is
refused in the identifier rules' words, "did you mean CRScny?". The value is only
required, and at most 35 characters once its blanks are collapsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from cofatui import reference
from cofatui.errors import ValidationFailed
from cofatui.formats.bulk_orders.messages import LineError
from cofatui.formats.imports import LineProblem
from cofatui.reference import COFACE_REFERENCE_TYPE
from cofatui.rules.identifiers import (
    HEAD_OFFICE_EASY_NUMBER_LENGTH,
    LEGAL_IDENTIFIER_MAX_LENGTH,
    normalize_easy_number,
    validate_legal_identifier,
)

__all__ = ["Identification", "check_identification"]


@dataclass(frozen=True, slots=True)
class Identification:
    """How a line names its company, checked but not resolved.

    ``easy_number`` is padded to 14 (head office) or 19 (branch) digits.
    ``identifier_type`` is written exactly as in the seed's table (``CRScny``: the
    Coface reference); ``identifier_value`` is the value as written, trimmed. The value
    is not checked against its type here (the seed's SIRENs fail their check digit):
    the resolution normalises it as stored, and says "check digit also wrong" with
    ``rules.identifiers.validate_legal_identifier`` when nothing matches.
    """

    easy_number: str | None
    identifier_type: str | None
    identifier_value: str | None

    @property
    def coface_reference(self) -> bool:
        return self.identifier_type == COFACE_REFERENCE_TYPE


def check_identification(country: reference.Country, easy_number: str, type_code: str,
                         value: str) -> Identification | LineError:
    """Fields 2 to 4 of a line in ``country``, trimmed: the identification, or the
    first thing wrong with it (``missing_mandatory_field``, ``malformed_line``,
    ``identifier_type_invalid``)."""
    if not (easy_number or type_code or value):
        return LineError.of("missing_mandatory_field", "bulk.identification_missing",
                            "easy_number")
    padded = None
    if easy_number.isdigit() and easy_number.isascii() \
            and len(easy_number) <= HEAD_OFFICE_EASY_NUMBER_LENGTH:
        padded = easy_number.zfill(HEAD_OFFICE_EASY_NUMBER_LENGTH)  # most lines
    elif easy_number:
        try:
            padded = normalize_easy_number(easy_number)
        except ValidationFailed as refused:
            return LineError("malformed_line", LineProblem.of(refused), "easy_number")
    if not (type_code or value):
        return Identification(padded, None, None)
    if not type_code:
        return LineError.of("missing_mandatory_field", "bulk.identifier_type_missing",
                            "identifier_type", country=country.code,
                            allowed=[*(t.code for t in country.identifier_types),
                                     COFACE_REFERENCE_TYPE])
    if type_code != COFACE_REFERENCE_TYPE and country.identifier_type(type_code) is None:
        return _type_refused(country, type_code)
    if not value:
        return LineError.of("missing_mandatory_field", "identifiers.value_required",
                            "identifier_value", type=type_code)
    if len(" ".join(value.split())) > LEGAL_IDENTIFIER_MAX_LENGTH:
        return LineError.of("malformed_line", "identifiers.value_too_long",
                            "identifier_value", type=type_code,
                            max=LEGAL_IDENTIFIER_MAX_LENGTH)
    return Identification(padded, type_code, value)


def _type_refused(country: reference.Country, type_code: str) -> LineError:
    """A type that is not one of the country's, refused in the identifier rules' words
    ("did you mean CRScny?" for ``crscny``): they refuse the type before the value."""
    try:
        validate_legal_identifier(country.code, type_code, "")
    except ValidationFailed as refused:
        return LineError("identifier_type_invalid", LineProblem.of(refused), "identifier_type")
    raise AssertionError(type_code)  # pragma: no cover - the type was just found invalid
