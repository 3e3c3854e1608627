"""Keyset paging (issue 21) of the Chorus Pro directory, on every backend: the
structures by name (the public directory, a text filter, an operator's every
structure) and a structure's attachments, newest request first (one not stamped:
last), all or pending only. Pages by key equal pages by offset, forwards and
backwards, and rows added between two reads are neither repeated nor lost
(hypothesis draws tied names and request times)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import ChorusAttachment, ChorusStructure, User
from cofatui.repository.base import Repository
from cofatui.schemas import Page, Seek
from cofatui.schemas_chorus import ChorusDirectoryFilter
from tests.contract import chorus_dataset as cd
from tests.contract.conftest import Backend
from tests.contract.dataset import NOW
from tests.contract.keyset_lists import check_list, paging_examples

Reader = Callable[[int, int, Seek | None], Page[Any]]
StructureSpec = tuple[str, bool]  # a drawn structure: its name, public or not
AttachmentSpec = tuple[int | None, bool]  # minutes before NOW (None: not stamped), pending

#: (login, the list read): the public directory, a name filter, an operator's all.
STRUCTURES: dict[str, tuple[str, Callable[[Repository], Reader]]] = {
    "directory": ("chorus-new", lambda r: lambda offset, limit, seek: r.chorus_directory
                  .structures(ChorusDirectoryFilter(public=True), offset, limit, seek)),
    "named-mairie": ("chorus-new", lambda r: lambda offset, limit, seek: r.chorus_directory
                     .structures(ChorusDirectoryFilter(public=True, text="mairie"), offset,
                                 limit, seek)),
    "operator-all": ("uw", lambda r: lambda offset, limit, seek: r.chorus_directory
                     .structures(ChorusDirectoryFilter(public=None), offset, limit, seek)),
}


def _structures(b: Backend, specs: list[StructureSpec]) -> None:
    with Session(b.engine) as s:
        for name, public in specs:
            s.add(ChorusStructure(siret=str(uuid.uuid4().int)[:14], name=name, public=public,
                                  created_by="keyset-test"))
        s.commit()


def _attachments(b: Backend, specs: list[AttachmentSpec]) -> None:
    """Each by a user of its own (one live attachment per user and structure), to PA
    and to PB (PB's are never in PA's list)."""
    with Session(b.engine) as s:
        for minutes, pending in specs:
            login = "keyset-" + uuid.uuid4().hex[:12]
            user = User(login=login, first_name="K", last_name="Set", role="policyholder",
                        email=f"{login}@example.test", password_hash="-", created_at=NOW)
            s.add(user)
            s.flush()
            assert user.id is not None
            for structure in (cd.PA, cd.PB):
                s.add(ChorusAttachment(
                    user_id=user.id, structure_id=b.ids[structure],
                    status="pending" if pending else "refused", valid_from=cd.VALID_FROM,
                    comment="keyset", requested_by=login,
                    requested_at=None if minutes is None else NOW - timedelta(
                        minutes=minutes)))
        s.commit()


_structure = st.tuples(st.sampled_from(["Mairie de Q", "mairie B", "Zeta", "Alpha"]),
                       st.booleans())
_attachment = st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.booleans())


@pytest.mark.parametrize("name", sorted(STRUCTURES))
@paging_examples(_structure)
def test_structures_by_key_are_structures_by_offset(
        backend: Backend, name: str, rows: list[StructureSpec], more: list[StructureSpec],
        limit: int, backwards: bool) -> None:
    login, reader = STRUCTURES[name]
    _structures(backend, rows)
    read = reader(backend.open(login))
    check_list(read, lambda r: r.id, limit, lambda: _structures(backend, more), backwards)


@pytest.mark.parametrize("pending_only", [False, True])
@paging_examples(_attachment)
def test_attachments_by_key_are_attachments_by_offset(
        backend: Backend, pending_only: bool, rows: list[AttachmentSpec],
        more: list[AttachmentSpec], limit: int, backwards: bool) -> None:
    _attachments(backend, rows)
    directory = backend.open(cd.PA_USER).chorus_directory

    def read(offset: int, size: int, seek: Seek | None) -> Page[Any]:
        return directory.attachments(backend.ids[cd.PA], pending_only, offset, size, seek)

    check_list(read, lambda r: r.id, limit, lambda: _attachments(backend, more), backwards)


def test_the_orders_are_kept(backend: Backend) -> None:
    _structures(backend, [("Zeta", True), ("Alpha", True), ("Alpha", True)])
    names = [(r.name, r.id) for r in backend.open("chorus-new").chorus_directory.structures(
        ChorusDirectoryFilter(public=True), 0, 100, Seek()).items]
    assert names[:2] == sorted(n for n in names if n[0] == "Alpha")
    _attachments(backend, [(2, True), (None, False), (1, False)])
    got = backend.open(cd.PA_USER).chorus_directory.attachments(
        backend.ids[cd.PA], False, 0, 100, Seek()).items
    stamped = [(a.requested_at, a.id) for a in got if a.requested_at is not None]
    assert got[:len(stamped)] == [a for a in got if a.requested_at is not None]
    assert stamped == sorted(stamped, reverse=True)


def test_a_cursor_of_the_other_list_is_refused_at_cursor(backend: Backend) -> None:
    """Structures are keyed by (name, id), attachments by (requested_at, id)."""
    repo = backend.open(cd.PA_USER).chorus_directory
    cursor = repo.structures(ChorusDirectoryFilter(public=True), 0, 1, Seek()).last_cursor
    assert cursor is not None
    with pytest.raises(ValidationFailed) as err:
        repo.attachments(backend.ids[cd.PA], False, 0, 10, Seek(after=cursor))
    assert [e.field for e in err.value.errors] == ["cursor"]
