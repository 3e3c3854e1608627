"""Every document a policyholder sent, in one table (issue 17 item 5, "Documents
téléchargés"): claim attachments, company-information files and turnover-declaration
files. One table, so ``GET /documents/{id}/content`` names one row whatever owns it,
and the documents-sent list is one keyset-paged index scan per tab.

The bytes are kept in the database (a server holds no state of its own) with their
SHA-256, in a table of their own (``document_content``): the lists scan, sort and
filter ``document`` rows of a few hundred bytes, never megabytes of PDF between them.
``content_type`` and ``filename``'s extension are those of what the content *is*
(``rules/attachments.py``), never what the sender named it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, func
from sqlmodel import Field, SQLModel

from cofatui.models.base import timestamp_field


class Document(SQLModel, table=True):
    __table_args__ = (
        # One tab of the documents-sent list, newest first (keyset on created_at, id).
        Index("ix_document_contract_source_created", "contract_id", "source", "created_at",
              "id"),
        # The same, filtered to one company (the company page's button).
        Index("ix_document_company_source_created", "company_id", "source", "created_at",
              "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    #: ``DocumentSource``: claims, company_information or turnover.
    source: str = Field(max_length=20)
    #: None for a Chorus Pro invoice's files (rights come from structures, issue 18).
    contract_id: int | None = Field(default=None, foreign_key="contract.id")
    #: The buyer it is about (None for a turnover declaration's own files).
    company_id: int | None = Field(default=None, foreign_key="company.id")
    #: Exactly one owner, by source.
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    submission_id: int | None = Field(default=None, foreign_key="company_information.id",
                                      index=True)
    declaration_id: int | None = Field(default=None, foreign_key="turnover_declaration.id",
                                       index=True)
    chorus_invoice_id: int | None = Field(default=None, foreign_key="chorus_invoice.id",
                                          index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    #: Claims: ``DocumentCategory`` (contractual, other); company information: the
    #: ``CompanyInfoType`` or "negative"; turnover: "import" or "supporting"; Chorus
    #: Pro: "main" (the deposited PDF) or "attachment".
    category: str = Field(max_length=30)
    comment: str = Field(default="", max_length=500)
    created_at: datetime | None = timestamp_field()
    created_by: str = Field(default="", max_length=80)


_document = Document.__table__  # type: ignore[attr-defined]
# The tab sorted by file name (case-insensitive) or by size, read in index order.
Index("ix_document_contract_source_name", _document.c.contract_id, _document.c.source,
      func.lower(_document.c.filename), _document.c.id)
Index("ix_document_contract_source_size", _document.c.contract_id, _document.c.source,
      _document.c.size, _document.c.id)


class DocumentContent(SQLModel, table=True):
    """The bytes of one document."""

    __tablename__ = "document_content"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
