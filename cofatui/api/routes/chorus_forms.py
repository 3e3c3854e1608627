"""The multipart forms of the Chorus Pro invoice routes (deposit, added files,
completion): a part ``data`` holding the JSON of the form's model, a part ``pdf`` (the
deposited invoice) and one part ``files`` per attachment, read as they stream in, each
file to a temporary file (in memory up to 1 MiB, then on disk, as for company
information).

A file part over :data:`MAX_FILE_PART_BYTES` is refused from its size alone, before any
is read back; under it, the repository checks every file by Chorus Pro's limits (10 MB
each, 120 MB per invoice, name, extension, content) with the precise message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from fastapi import UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from cofatui.errors import FieldError, ValidationFailed
from cofatui.rules.chorus_files import MAX_FILE_BYTES
from cofatui.schemas_company_info import UploadedFile

#: A file part is cut here (11 MiB): past Chorus Pro's 10 MB, which the rules word.
MAX_FILE_PART_BYTES = 11 * 1024 * 1024
#: The form's JSON part: an invoice of 1 000 lines is some 300 KiB.
MAX_DATA_CHARS = 1024 * 1024

M = TypeVar("M", bound=BaseModel)


def form_model(model: type[M], data: str) -> M:
    """The ``data`` part as ``model``; a refusal reads as any body's (422 at the fields)."""
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from None


def refuse_oversized(files: Sequence[UploadFile], pdf: UploadFile | None = None) -> None:
    """What the sizes alone refuse: a part over :data:`MAX_FILE_PART_BYTES`, at its
    field (``pdf``, ``files.N``)."""
    named = [("pdf", pdf)] if pdf is not None else []
    named += [(f"files.{i}", f) for i, f in enumerate(files)]
    # Chorus Pro's own refusal (rules.chorus_files), which the repository would give.
    errors = [FieldError(field, "chorus.file_too_large",
                         {"megabytes": MAX_FILE_BYTES // (1024 * 1024)})
              for field, upload in named if (upload.size or 0) > MAX_FILE_PART_BYTES]
    if errors:
        raise ValidationFailed(errors)


def uploaded(upload: UploadFile) -> UploadedFile:
    """The part as the repository takes it, read back (in an upload thread). The name
    is the sender's (a form encodes a double quote as ``%22``); it is not validated
    here, so an overlong one is refused by the rules with Chorus Pro's own message."""
    return UploadedFile.model_construct(name=(upload.filename or "").replace("%22", '"'),
                                        content=upload.file.read())


__all__ = ["MAX_DATA_CHARS", "MAX_FILE_PART_BYTES", "form_model", "refuse_oversized",
           "uploaded"]
