"""The imports that exist, as :class:`ImportSpec`: columns and the check of one line.

``client_references``: a ``;``-separated file keyed by EasyNumber giving the client
reference of each company of the contract's portfolio (the reference the user keeps
for the company in their own books).
"""

from __future__ import annotations

import re

from cofatui.formats.imports import ImportColumn, ImportSpec, LineProblem

MAX_REFERENCE = 35
_EASY_NUMBER = re.compile(r"[0-9A-Za-z]{1,20}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _check_reference_line(values: dict[str, str]) -> LineProblem | None:
    easy = values.get("easy_number", "")
    reference = values.get("client_reference", "")
    if not easy:
        return LineProblem("imports.easy_number_missing")
    if not _EASY_NUMBER.fullmatch(easy):
        return LineProblem("imports.easy_number_invalid", {"value": easy[:40]})
    if len(reference) > MAX_REFERENCE:
        return LineProblem("imports.reference_too_long",
                           {"max": MAX_REFERENCE, "length": len(reference)})
    if _CONTROL.search(reference):
        return LineProblem("imports.reference_invalid")
    return None


CLIENT_REFERENCES = ImportSpec(
    kind="client_references",
    columns=(ImportColumn("easy_number", ("EasyNumber", "easy_number", "Easy number")),
             ImportColumn("client_reference", ("Client reference", "client_reference",
                                               "Référence client", "Reference client"))),
    check_line=_check_reference_line,
    max_bytes=5 * 1024 * 1024,
    max_lines=100_000,
)

SPECS: dict[str, ImportSpec] = {CLIENT_REFERENCES.kind: CLIENT_REFERENCES}
