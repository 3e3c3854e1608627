"""``repo.users`` on SQL: the principal administers (``repository/sql/identity.py`` holds
the rules, shared with ``cofatui user`` on a database)."""

from __future__ import annotations

from datetime import datetime

from cofatui.repository.sql import identity
from cofatui.repository.sql.core import SqlArea
from cofatui.schemas import Page
from cofatui.schemas_users import UserDetail, UserRow, UserUpdate


class SqlUsers(SqlArea):
    def contract_users(self, contract_id: int, *, attached: bool = True, offset: int = 0,
                       limit: int = 100, sort: str = "last_name", descending: bool = False,
                       query: str = "") -> Page[UserRow]:
        return identity.contract_users(self.engine, actor=self.principal.login,
                                       contract_id=contract_id, attached=attached,
                                       offset=offset, limit=limit, sort=sort,
                                       descending=descending, query=query)

    def get(self, login: str) -> UserDetail:
        return identity.get_user(self.engine, actor=self.principal.login, login=login)

    def modify(self, login: str, data: UserUpdate) -> UserDetail:
        return identity.modify_user(self.engine, actor=self.principal.login, login=login,
                                    data=data, clock=self.clock)

    def set_status(self, login: str, status: str, version: int,
                   until: datetime | None = None) -> UserDetail:
        return identity.change_status(self.engine, actor=self.principal.login, login=login,
                                      status=status, until=until, version=version,
                                      clock=self.clock)

    def set_rights(self, login: str, contract_id: int, rights: str,
                   sections: dict[str, str] | None = None, *, version: int) -> UserDetail:
        return identity.set_rights(self.engine, actor=self.principal.login, login=login,
                                   contract_id=contract_id, rights=rights,
                                   sections=sections, version=version, clock=self.clock)

    def detach(self, login: str, contract_id: int, version: int) -> UserDetail:
        return identity.detach(self.engine, actor=self.principal.login, login=login,
                               contract_id=contract_id, version=version, clock=self.clock)
