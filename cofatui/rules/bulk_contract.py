"""Which contract a bulk-order file goes to, from a contract number as typed (issue 14,
item 2: ``cofatui bulk import --contract POLICY``; the API takes the contract's id).

Refused before anything is recorded, with the seed's codes as the codes' last part:
a number longer than 35 characters (``bulk_imports.contract_number_too_long``), one
that is not a contract number at all (``bulk_imports.invalid_contract_number``:
empty, or characters other than letters, digits, ``-``, ``/`` and ``.``), and one
that is none of the user's contracts (``bulk_imports.contract_not_found``, the same
answer whether or not it exists, so numbers leak nothing). Pure: the caller passes
the user's contracts (``repo.whoami().contracts``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cofatui.errors import NotFound, ValidationFailed
from cofatui.schemas import ContractAccess

__all__ = ["MAX_CONTRACT_NUMBER", "contract_id_for"]

#: The longest contract number (the column's size, and the seed's limit).
MAX_CONTRACT_NUMBER = 35
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]*")


def contract_id_for(policy: str, contracts: Iterable[ContractAccess]) -> int:
    """The id of the user's contract numbered ``policy`` (blanks around it ignored)."""
    number = policy.strip()
    if len(number) > MAX_CONTRACT_NUMBER:
        raise ValidationFailed.at("contract", "bulk_imports.contract_number_too_long",
                                  length=len(number), max=MAX_CONTRACT_NUMBER)
    if not _NUMBER.fullmatch(number):
        raise ValidationFailed.at("contract", "bulk_imports.invalid_contract_number",
                                  contract=number)
    for access in contracts:
        if access.policy_number == number:
            return access.contract_id
    raise NotFound("bulk_imports.contract_not_found", contract=number)
