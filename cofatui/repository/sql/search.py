"""Substring search over ``portfolio_entry.search_text`` for type-as-you-go filters.

SQLite answers through the FTS5 trigram index ``portfolio_search`` (three characters
or more; shorter needles fall back to a scan, which is still fast on 100 000 entries),
PostgreSQL through the pg_trgm GIN index, which serves ``LIKE '%x%'`` directly.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import Table, literal_column, select, text
from sqlalchemy.sql.elements import ColumnElement

from cofatui.models import PortfolioEntry

_entry = PortfolioEntry.__table__


def search_key(*parts: str | None) -> str:
    """The lowercased text stored in ``search_text``; the filter matches substrings."""
    return " ".join(p.strip().casefold() for p in parts if p and p.strip())


def like_pattern(needle: str) -> str:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def entry_text_filter(needle: str, dialect: str) -> ColumnElement[bool]:
    """A condition on ``portfolio_entry`` rows whose search text contains ``needle``."""
    return trigram_filter(_entry, "portfolio_search", needle, dialect)


def trigram_filter(table: Table, fts_table: str, needle: str,
                   dialect: str) -> ColumnElement[bool]:
    """Rows of ``table`` (an ``id`` and a lowercased ``search_text``) whose search text
    contains ``needle``: through ``fts_table``, its FTS5 trigram index, on SQLite; on
    PostgreSQL a pg_trgm GIN index on ``search_text`` serves the ``LIKE``."""
    needle = needle.strip().casefold()
    if dialect == "sqlite" and len(needle) >= 3:
        fts_query = '"' + needle.replace('"', '""') + '"'
        matching = select(literal_column("rowid")).select_from(
            text(fts_table)).where(text(f"{fts_table} MATCH :fts"))
        return table.c.id.in_(matching.params(fts=fts_query))
    # A sub-select, so the database finds the matching rows once (a scan of the
    # table, not of every joined row) and then probes that small set.
    inner = table.alias(f"matching_{table.name}")
    return table.c.id.in_(select(inner.c.id).where(
        inner.c.search_text.like(like_pattern(needle), escape="\\")))


def identifier_variants(raw: str, type_code: str | None = None,
                        country: str | None = None) -> list[str]:
    """The spellings a typed legal identifier may be stored under (as typed, without
    spaces, upper-cased, and the form the validator stores), so the lookup is an
    indexed ``IN`` rather than a function applied to every stored value."""
    stripped = raw.strip()
    compact = "".join(stripped.split())
    variants = {stripped, stripped.upper(), compact, compact.upper()}
    if type_code and country:
        from cofatui.errors import ValidationFailed
        from cofatui.rules.identifiers import validate_legal_identifier

        with contextlib.suppress(ValidationFailed):
            variants.add(validate_legal_identifier(country.upper(), type_code, stripped))
    return sorted(v for v in variants if v)
