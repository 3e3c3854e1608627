"""Public models of the documents sent (issue 17 item 5, seed "Documents
téléchargés"), as ``repo.documents`` returns them on every backend."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from cofatui.enums import DocumentSource
from cofatui.schemas import Public


class DocumentRow(Public):
    """One line of a tab: date, file, type, company (name, EasyNumber) or period,
    size, sent by, and the owner's outcome."""

    id: int
    source: DocumentSource
    contract_id: int
    created_at: datetime | None
    filename: str
    content_type: str
    #: Claims: contractual / other; company information: the type or "negative";
    #: turnover: "import" or "supporting".
    category: str
    company_id: int | None
    company_name: str
    easy_number: str
    #: Turnover: the declaration's period.
    period_start: date | None
    period_end: date | None
    size: int
    created_by: str
    #: The owning object's status (claim status, information outcome, declaration
    #: status), as its enum value.
    outcome: str
    #: What Enter opens: the claim, submission or declaration id.
    owner_id: int


#: The orders a tab can be read in.
DOCUMENT_SORTS = ("created_at", "filename", "size", "company")


class DocumentFilter(BaseModel):
    source: DocumentSource
    company_id: int | None = None
    text: str | None = Field(default=None, max_length=100)
    #: created_at (default, newest first), filename, size, company.
    sort: str = Field(default="created_at", max_length=20)
    descending: bool = True
