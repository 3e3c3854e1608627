"""``repo.users``: contract administration of users (issue 16 items 1, 2, 4 and 5), for
the principal as administrator: a contract administrator on the contracts they hold with
full rights and the users of their organisation, an underwriter everywhere.

Common refusals: NotFound for a user or contract of another organisation (and insurer
staff, for an administrator); Forbidden with the reason for a contract of their
organisation they do not administer, a user who also holds contracts they do not
administer, or their own account (block, detach, lower rights); RuleViolation when a
contract would lose its last active administrator with full rights; Conflict for a
stale ``version``. A rights or status change applies at the user's next request."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

from cofatui.schemas import Page, Seek
from cofatui.schemas_jobs import ImportResultPublic
from cofatui.schemas_users import UserCreate, UserDetail, UserRow, UserUpdate


@runtime_checkable
class UsersArea(Protocol):
    def contract_users(self, contract_id: int, *, attached: bool = True, offset: int = 0,
                       limit: int = 100, sort: str = "last_name", descending: bool = False,
                       query: str = "", seek: Seek | None = None) -> Page[UserRow]:
        """A page of the users attached to the contract (with their rights there), or of
        its organisation's members who are not; sorted by ``sort`` (login, title,
        last_name, first_name, updated_at, created_at, status, rights) then login;
        ``query`` filters on a part of the login or names. By offset, or by key as
        ``seek`` says.

        Raises: NotFound (a contract of another organisation); Forbidden (a contract
        the principal does not administer); ValidationFailed (a cursor not of this
        list and sort, at ``cursor``)."""
        ...

    def create(self, contract_id: int, data: UserCreate) -> UserDetail:
        """Create a user of the contract's organisation, attached to the contract with
        full rights, and queue (same transaction) the mail with the login and a one-time
        activation code (item 3).

        Raises: NotFound, Forbidden (a contract not administered; ``contract_admin``
        given by a reader who is not one); ValidationFailed (a field, with its code)."""
        ...

    def resend_activation(self, login: str, version: int) -> UserDetail:
        """Cancel the user's pending code and mail a new one.

        Raises the common refusals above: NotFound, Forbidden, Conflict; RuleViolation
        (the user has already activated)."""
        ...

    def import_users(self, contract_id: int, file_name: str, content: bytes
                     ) -> ImportResultPublic:
        """Import users from a ``;`` CSV or an XLSX (item 6), all-or-nothing with
        per-line results read through ``repo.imports.lines``: each line created,
        attached (a member with the same e-mail), unchanged or error; at most 500 lines.
        No user is created and no mail sent unless every line is right.

        Raises: NotFound, Forbidden (a contract not administered). Faults of lines and
        a refused file are in the result, not raised."""
        ...

    def get(self, login: str) -> UserDetail:
        """The user, with the contracts the principal administers (the Contracts tab).

        Raises: NotFound (a user of another organisation, or insurer staff)."""
        ...

    def modify(self, login: str, data: UserUpdate) -> UserDetail:
        """Change the seed's fields (civilité, names, phone, fax, e-mail, language,
        default contract). Raises also ValidationFailed."""
        ...

    def set_status(self, login: str, status: str, version: int,
                   until: datetime | None = None) -> UserDetail:
        """Block, suspend (optionally until a moment) or reactivate. Tokens stop at once.

        Raises the common refusals above: NotFound, Forbidden (one's own account, a
        user holding contracts not administered), RuleViolation (a contract's last
        active full administrator), Conflict, ValidationFailed (an unknown status)."""
        ...

    def set_rights(self, login: str, contract_id: int, rights: str,
                   sections: dict[str, str] | None = None, *, version: int) -> UserDetail:
        """Attach or change rights: full, read_only, or custom with none / read_only /
        full per section (unnamed sections: none).

        Raises the common refusals above: NotFound, Forbidden (a contract not
        administered, lowering one's own rights), RuleViolation (the last active full
        administrator), Conflict, ValidationFailed (unknown rights or section)."""
        ...

    def detach(self, login: str, contract_id: int, version: int) -> UserDetail:
        """Detach; a default contract moves to another of the user's.

        Raises the common refusals above: NotFound, Forbidden (oneself, a contract not
        administered), RuleViolation (the last active full administrator), Conflict."""
        ...
