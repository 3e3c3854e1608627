"""Keyset paging (issue 21) of the contract administration's user lists, on every
backend: the users attached to a contract and its organisation's members who are not,
in several sorts either way (then by login). Pages by key equal pages by offset,
forwards and backwards, and users added between two reads are neither repeated nor
lost (hypothesis draws tied names, rights and times, and users without a time)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import Contract, User, UserContract
from cofatui.schemas import Page, Seek
from cofatui.schemas_users import UserRow
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import check_list, paging_examples
from tests.contract.test_users_admin import admin_of

#: A drawn user: last name, rights on contract A (None: a member not attached),
#: hours before NOW of its last change (None: never changed).
Spec = tuple[str, str | None, int | None]
_spec = st.tuples(st.sampled_from(["Martin", "Durand"]),
                  st.sampled_from([None, "full", "read_only"]),
                  st.one_of(st.none(), st.integers(0, 2)))
#: (sort, descending, the attached list or the other one).
SORTS = [("last_name", False, True), ("updated_at", True, True), ("rights", True, True),
         ("login", True, False), ("created_at", False, False)]


def _write(b: Backend, specs: list[Spec]) -> None:
    with Session(b.engine) as s:
        organisation = s.get(Contract, b.ids["A"]).organisation_id  # type: ignore[union-attr]
        for last_name, rights, hours in specs:
            login = "k" + uuid.uuid4().hex[:10]
            user = User(login=login, first_name="K", last_name=last_name,
                        role="policyholder", email=f"{login}@example.test",
                        organisation_id=organisation, created_at=NOW,
                        updated_at=None if hours is None else NOW - timedelta(hours=hours))
            s.add(user)
            s.flush()
            assert user.id is not None
            if rights is not None:
                s.add(UserContract(user_id=user.id, contract_id=b.ids["A"], rights=rights))
        s.commit()


@pytest.mark.parametrize(("sort", "descending", "attached"), SORTS)
@paging_examples(_spec)
def test_pages_by_key_are_pages_by_offset(backend: Backend, sort: str, descending: bool,
                                          attached: bool, rows: list[Spec], more: list[Spec],
                                          limit: int, backwards: bool) -> None:
    _write(backend, rows)
    users = admin_of(backend)

    def read(offset: int, size: int, seek: Seek | None) -> Page[UserRow]:
        return users.contract_users(backend.ids["A"], attached=attached, offset=offset,
                                    limit=size, sort=sort, descending=descending, seek=seek)

    check_list(read, lambda u: u.login, limit, lambda: _write(backend, more), backwards)


def test_a_cursor_of_another_sort_is_refused_at_cursor(backend: Backend) -> None:
    """By last name a cursor holds (name, login); by update time a time comes first."""
    users = admin_of(backend)
    cursor = users.contract_users(backend.ids["A"], limit=1, sort="last_name",
                                  seek=Seek()).last_cursor
    assert cursor is not None
    with pytest.raises(ValidationFailed) as refused:
        users.contract_users(backend.ids["A"], sort="updated_at", seek=Seek(after=cursor))
    assert [e.field for e in refused.value.errors] == ["cursor"]
