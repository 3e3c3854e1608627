"""The claim code's door to the posting engine (issue 20 item 6): ``book_source`` as
``repository.sql.ledger_post`` has it, imported on the first claim written rather than
when the repository is, so that the engine and its rules stay out of start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cofatui.repository.sql.core import SqlCore
    from cofatui.repository.sql.ledger_post import PostResult


def book_source(s: Session, core: SqlCore, source_kind: str, source_id: int) -> PostResult:
    """``ledger_post.book_source``: the source's entries booked in ``s``'s transaction."""
    from cofatui.repository.sql import ledger_post

    return ledger_post.book_source(s, core, source_kind, source_id)
