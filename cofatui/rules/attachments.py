"""Claim attachments are PDF or images (JPG, PNG, GIF), recognised by their content —
never by the file name, which a user can change at will."""

from __future__ import annotations

from cofatui.errors import ValidationFailed

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff_content_type(content: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def check_attachment(filename: str, content: bytes) -> str:
    """The content type of an acceptable attachment, or ValidationFailed saying why not."""
    name = filename.strip()
    if not name:
        raise ValidationFailed({"filename": "attachments.name_missing"})
    if any(ord(ch) < 32 for ch in name) or "/" in name or "\\" in name:
        raise ValidationFailed({"filename": "attachments.name_forbidden_characters"})
    if not content:
        raise ValidationFailed({"file": "attachments.empty"})
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed.at("file", "attachments.too_large",
                                  megabytes=MAX_ATTACHMENT_BYTES // (1024 * 1024))
    content_type = sniff_content_type(content)
    if content_type is None:
        raise ValidationFailed({"file": "attachments.wrong_type"})
    return content_type
