"""``repo.documents``: the documents a policyholder sent (issue 17 item 5, seed
"Documents téléchargés"): claim attachments, company information and turnover
declarations' files, one tab each. Reading needs read rights on the owner's section
(claims, company_information, turnover)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cofatui.enums import DocumentSource
from cofatui.schemas import Page, Seek
from cofatui.schemas_documents import DocumentFilter, DocumentRow


@runtime_checkable
class DocumentsArea(Protocol):
    def sources(self, contract_id: int) -> list[DocumentSource]:
        """The tabs to show: the sources the contract has documents of (and that I
        may read). Raises: Forbidden (not attached)."""
        ...

    def rows(self, contract_id: int, flt: DocumentFilter, offset: int = 0,
             limit: int = 100, seek: Seek | None = None) -> Page[DocumentRow]:
        """One page of a tab, in the sort asked (then the id, the same way). With
        ``seek`` the page is read by key (``offset`` ignored) and not counted
        (``total`` -1); every page carries its first/last cursors.

        Raises: Forbidden (not attached, or no read access to the tab's section);
        ValidationFailed (an unknown sort; a cursor not made by this sort, at
        ``cursor``)."""
        ...

    def content(self, document_id: int) -> tuple[DocumentRow, bytes]:
        """A document and its bytes. Raises: NotFound ``documents.not_found`` (none,
        or a contract not mine); Forbidden (no read access to its section)."""
        ...
