"""The notifications' text filter at a million rows (issue 21 item 4).

It reads ``notification.search_text`` (the entry's text, kept by the triggers of
migration 0036), never the portfolio: one or two characters match the start of a word,
three or more match anywhere.

PostgreSQL: one predicate served by a GIN index (pg_trgm for ``LIKE '%x%'``, the
``to_tsvector('simple', …)`` one for ``x:*``); the planner weighs the index against a
walk of ``ix_notification_created`` that tests the predicate per row, and both give the
same rows.

SQLite cannot weigh an FTS5 match that way: ``id IN (SELECT rowid … MATCH)`` reads
every match before the first row (331 ms for a common substring at a million rows,
1.3 s for two letters). So the plan is chosen here: a probe reads at most
:data:`SMALL` + 1 matches from the FTS index; a rare needle reads the notifications
by those ids, a common one walks the newest-first index and tests ``search_text`` per
row (``instr``, or a ``GLOB`` for a word start), stopping at the page's end. The test
per row is the predicate the small path applies as well, so the rows never depend on
the path taken.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, func, literal_column, or_, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.models import Notification
from cofatui.repository.sql.upsert import table_of

#: Up to this many matches the rows are read by id; above, by walking the index.
SMALL = 2000

_n = table_of(Notification)
#: ASCII letters, digits and every non-ASCII character are word characters (as the
#: FTS5 unicode61 tokenizer has them, for the scripts search texts hold); a word starts
#: at the text's start or after any other character.
_WORD_START = "*[^a-z0-9\u0080-\U0010ffff]"
#: PostgreSQL's 'simple' text search configuration, as the index names it.
_SIMPLE = literal_column("'simple'")


def text_condition(s: Session, needle: str, dialect: str) -> ColumnElement[bool] | None:
    """The notifications whose search text matches ``needle`` (None: no filter)."""
    needle = needle.strip().casefold()
    if not needle:
        return None
    if dialect == "postgresql":
        return _postgres(needle)
    if len(needle) >= 3:
        exact: ColumnElement[bool] = func.instr(_n.c.search_text, needle) > 0
        return _adaptive(s, "notification_search", trigram_query(needle), exact)
    exact = word_start(needle)
    if not any(ch.isalnum() for ch in needle):
        return exact  # no word in it for the index to hold: the walk only
    return _adaptive(s, "notification_search_words", _phrase(needle) + "*", exact)


def word_start(needle: str) -> ColumnElement[bool]:
    """SQLite: ``needle`` at the start of the text or of one of its words."""
    pattern = "".join(f"[{ch}]" if ch in "*?[" else ch for ch in needle) + "*"
    glob = _n.c.search_text.bool_op("GLOB")
    # instr first: a word start is a substring, and instr rejects a text without it
    # several times faster than the GLOB's try at every position ("f" counted over
    # 773 000 texts: 0.78 s of CPU → 0.27 s).
    return and_(func.instr(_n.c.search_text, needle) > 0,
                or_(glob(pattern), glob(_WORD_START + pattern)))


def _adaptive(s: Session, fts_table: str, query: str,
              exact: ColumnElement[bool]) -> ColumnElement[bool]:
    probe = text(f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH :q LIMIT :n")
    ids = [int(r[0]) for r in s.execute(probe, {"q": query, "n": SMALL + 1})]
    if len(ids) > SMALL:
        return exact  # common: the walk stops at the page's end
    if not ids:
        return _n.c.id.in_([])
    # Rare: read by id. ``exact`` too, as FTS5 folds what the walk would not (a
    # diacritic in unicode61): both paths keep the same rows.
    return and_(_n.c.id.in_(bindparam("matching_ids", ids, expanding=True)), exact)


def trigram_query(needle: str) -> str:
    """The rows holding every trigram of ``needle`` (3 characters or more).

    The trigram index keeps no positions (migration 0040: a third of the size, 30 %
    less to write), so it answers no phrase: this is a superset of the rows holding
    the needle, which ``exact`` narrows on either path. Each trigram once, in a stable
    order (the same needle, the same query)."""
    grams = sorted({needle[i:i + 3] for i in range(len(needle) - 2)})
    return " AND ".join(_phrase(gram) for gram in grams)


def _phrase(needle: str) -> str:
    """``needle`` as one FTS5 phrase (a string, whatever its characters)."""
    return '"' + needle.replace('"', '""') + '"'


def _postgres(needle: str) -> ColumnElement[bool]:
    if len(needle) >= 3:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return _n.c.search_text.like(f"%{escaped}%", escape="\\")
    lexeme = "'" + needle.replace("\\", "\\\\").replace("'", "''") + "':*"
    matches = func.to_tsvector(_SIMPLE, _n.c.search_text).bool_op("@@")
    return matches(func.to_tsquery(_SIMPLE, lexeme))


__all__ = ["SMALL", "text_condition", "word_start"]
