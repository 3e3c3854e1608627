"""Keeping a document: its row and its bytes, in the caller's transaction (the claim,
submission or declaration it belongs to commits or rolls back with it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cofatui.models import Document, DocumentContent


def keep_document(s: Session, document: Document, content: bytes) -> int:
    """Add ``document`` and its ``content``; returns its id."""
    s.add(document)
    s.flush()
    assert document.id is not None
    s.add(DocumentContent(document_id=document.id, content=content))
    return document.id


__all__ = ["keep_document"]
