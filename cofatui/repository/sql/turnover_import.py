"""``repo.turnover``'s import, template and supporting documents (issue 17 item 3,
"import sous format Excel"), mixed into :class:`~cofatui.repository.sql.turnover.
SqlTurnover`.

Placeholder written by turnover-repo so that SqlTurnover can inherit it; engineer
turnover-import owns this file and fills the three methods in."""

from __future__ import annotations

from cofatui.repository.sql.input_guard import install
from cofatui.schemas_jobs import ImportResultPublic


class TurnoverImportMixin:
    """import_file / template / attach of ``repo.turnover`` (see the protocol)."""

    def import_file(self, declaration_id: int, file_name: str,
                    content: bytes) -> ImportResultPublic:
        raise NotImplementedError

    def template(self, declaration_id: int, fmt: str) -> bytes:
        raise NotImplementedError

    def attach(self, declaration_id: int, file_name: str, content: bytes) -> int:
        raise NotImplementedError


# Inherited by an SqlArea, whose guard only covers the methods it defines itself.
install(TurnoverImportMixin)
