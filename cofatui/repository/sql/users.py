"""``repo.users`` on SQL: the principal administers (``repository/sql/identity.py`` holds
the rules, shared with ``cofatui user`` on a database, where :class:`ActingUsers` acts
as ``--user`` or, without it, as the all-powerful operator)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from cofatui.clock import Clock
from cofatui.errors import RuleViolation
from cofatui.repository.sql import activation, identity, users_import
from cofatui.repository.sql.core import SqlArea, SqlCore
from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_users import UserCreate, UserDetail, UserRow, UserUpdate


class ActingUsers:
    """The users area for ``actor`` (None: the local operator) on ``engine``."""

    def __init__(self, engine: Engine, actor: str | None, clock: Clock | None = None
                 ) -> None:
        self.engine, self.actor, self.clock = engine, actor, clock

    def contract_users(self, contract_id: int, *, attached: bool = True, offset: int = 0,
                       limit: int = 100, sort: str = "last_name", descending: bool = False,
                       query: str = "", seek: Seek | None = None) -> Page[UserRow]:
        return identity.contract_users(self.engine, actor=self.actor,
                                       contract_id=contract_id, attached=attached,
                                       offset=offset, limit=limit, sort=sort,
                                       descending=descending, query=query, seek=seek)

    def create(self, contract_id: int, data: UserCreate) -> UserDetail:
        return activation.create_user(self.engine, actor=self.actor,
                                      contract_id=contract_id, data=data, clock=self.clock)

    def resend_activation(self, login: str, version: int) -> UserDetail:
        return activation.resend(self.engine, actor=self.actor, login=login,
                                 version=version, clock=self.clock)

    def import_users(self, contract_id: int, file_name: str, content: bytes
                     ) -> ImportResultPublic:
        """As ``actor``, whose import it is (the operator owns no import result)."""
        if self.actor is None:
            raise RuleViolation("user_import.needs_user")
        return users_import.import_users(SqlCore(self.engine, self.actor, self.clock),
                                         contract_id, file_name, content)

    def get(self, login: str) -> UserDetail:
        return identity.get_user(self.engine, actor=self.actor, login=login)

    def modify(self, login: str, data: UserUpdate) -> UserDetail:
        return identity.modify_user(self.engine, actor=self.actor, login=login, data=data,
                                    clock=self.clock)

    def set_status(self, login: str, status: str, version: int,
                   until: datetime | None = None) -> UserDetail:
        return identity.change_status(self.engine, actor=self.actor, login=login,
                                      status=status, until=until, version=version,
                                      clock=self.clock)

    def set_rights(self, login: str, contract_id: int, rights: str,
                   sections: dict[str, str] | None = None, *, version: int) -> UserDetail:
        return identity.set_rights(self.engine, actor=self.actor, login=login,
                                   contract_id=contract_id, rights=rights,
                                   sections=sections, version=version, clock=self.clock)

    def detach(self, login: str, contract_id: int, version: int) -> UserDetail:
        return identity.detach(self.engine, actor=self.actor, login=login,
                               contract_id=contract_id, version=version, clock=self.clock)


class SqlUsers(SqlArea):
    """``repo.users``: :class:`ActingUsers` for the repository's principal."""

    def _acting(self) -> ActingUsers:
        return ActingUsers(self.engine, self.principal.login, self.clock)

    def contract_users(self, contract_id: int, *, attached: bool = True, offset: int = 0,
                       limit: int = 100, sort: str = "last_name", descending: bool = False,
                       query: str = "", seek: Seek | None = None) -> Page[UserRow]:
        return self._acting().contract_users(contract_id, attached=attached, offset=offset,
                                             limit=limit, sort=sort, descending=descending,
                                             query=query, seek=seek)

    def create(self, contract_id: int, data: UserCreate) -> UserDetail:
        return self._acting().create(contract_id, data)

    def resend_activation(self, login: str, version: int) -> UserDetail:
        return self._acting().resend_activation(login, version)

    def import_users(self, contract_id: int, file_name: str, content: bytes
                     ) -> ImportResultPublic:
        return users_import.import_users(self.root, contract_id, file_name, content)

    def get(self, login: str) -> UserDetail:
        return self._acting().get(login)

    def modify(self, login: str, data: UserUpdate) -> UserDetail:
        return self._acting().modify(login, data)

    def set_status(self, login: str, status: str, version: int,
                   until: datetime | None = None) -> UserDetail:
        return self._acting().set_status(login, status, version, until)

    def set_rights(self, login: str, contract_id: int, rights: str,
                   sections: dict[str, str] | None = None, *, version: int) -> UserDetail:
        return self._acting().set_rights(login, contract_id, rights, sections,
                                         version=version)

    def detach(self, login: str, contract_id: int, version: int) -> UserDetail:
        return self._acting().detach(login, contract_id, version)
