"""The public models home's first frame needs (issue 21 item 1): the user and their
contracts, the WAP, a notification row and the paging words of the lists.

Split from :mod:`cofatui.schemas` because building every model there costs a good part
of a start; that module re-exports these and builds the others on first use. Import
them from :mod:`cofatui.schemas` as any other model.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cofatui.enums import Importance, NotificationCategory, NotificationTarget, Rights, Role
from cofatui.i18n.messages import decode_params, encode_params
from cofatui.notification_wording import load_params, render_body, render_title
from cofatui.rules.section_rights import start_contract

__all__ = [
    "ContractAccess",
    "NotificationRow",
    "Principal",
    "Public",
    "RowCount",
    "Seek",
    "WapPoint",
    "WapSummary",
]


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class Seek(BaseModel):
    """Where a keyset page starts, instead of an offset (issue 21: a deep OFFSET reads
    and drops every row before it, so each page of a million-row list was slower than
    the last).

    - ``after``: the rows that follow the row of that cursor, in list order;
    - ``before``: the rows that precede it — read upwards, returned in list order;
    - ``last``: the last ``limit`` rows of the list (End), read from the other end.

    At most one of the three. A cursor is opaque: only the repository that made it
    (``Page.first_cursor`` / ``last_cursor``) reads it, and refuses any other with
    ValidationFailed at ``cursor``. Rows inserted or deleted between two reads shift
    nothing: the next page starts after the row the user saw, wherever it now is."""

    model_config = ConfigDict(frozen=True)

    after: str | None = None
    before: str | None = None
    last: bool = False

    @model_validator(mode="after")
    def _one_direction(self) -> Seek:
        if sum((self.after is not None, self.before is not None, self.last)) > 1:
            # Coded (api.invalid.seek_one_direction, EN and FR), as pydantic_errors reads it.
            raise PydanticCustomError("seek_one_direction",
                                      "give one of after, before or last")
        return self


class RowCount(Public):
    """How many rows a filter gives. ``exact`` False: *at least* ``count`` (the count
    stopped at the limit it was given, a full count being too dear to wait for)."""

    count: int
    exact: bool = True


class ContractAccess(Public):
    contract_id: int
    policy_number: str
    rights: Rights
    section_rights: dict[str, str] = Field(default_factory=dict)


class Principal(Public):
    user_id: int
    login: str
    display_name: str
    role: Role
    language: str
    contracts: list[ContractAccess]
    default_contract_id: int | None = None

    def initial_contract(self, wanted_policy: str = "") -> int | None:
        """The contract a session starts on: ``wanted_policy`` (the settings' default
        contract) if the user has it, else the user's default contract, else the first."""
        return start_contract(self.contracts, self.default_contract_id, wanted_policy)


class NotificationRow(Public):
    id: int
    #: None for a notification addressed to one user (Chorus Pro, issue 18).
    contract_id: int | None
    policy_number: str
    company_id: int | None
    company_name: str
    country: str
    easy_number: str
    client_reference: str
    product_code: str
    category: NotificationCategory
    type: str
    importance: Importance
    #: What it says, as data: rendered in the reader's language by :attr:`title`.
    kind: str = "text"
    params: dict[str, Any] = Field(default_factory=dict)
    #: The stored (English) title and body: what kind ``text`` shows as it is.
    stored_title: str = ""
    stored_body: str = ""
    created_at: datetime
    read: bool
    #: The object Enter opens (issue 17 item 1), or None: the company or claim.
    target_type: NotificationTarget | None = None
    target_id: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _stored_text(cls, data: Any) -> Any:
        """``title``/``body`` given as fields (an older server's JSON) are the stored text."""
        if isinstance(data, dict) and ("title" in data or "body" in data):
            data = dict(data)
            data.setdefault("stored_title", data.pop("title", ""))
            data.setdefault("stored_body", data.pop("body", ""))
        return data

    @field_validator("params", mode="before")
    @classmethod
    def _typed_params(cls, value: Any) -> dict[str, Any]:
        """Typed from ``encode_params`` JSON (a dict, or the column's text)."""
        return load_params(value) if isinstance(value, str) else decode_params(value)

    @field_serializer("params", when_used="json")
    def _json_params(self, value: dict[str, Any]) -> dict[str, Any]:
        return encode_params(value)

    @property
    def title(self) -> str:
        """The title in the current UI language."""
        return self.title_in(None)

    @property
    def body(self) -> str:
        """The body in the current UI language (an underwriter's comment as written)."""
        return self.body_in(None)

    def title_in(self, language: str | None) -> str:
        return render_title(self.kind, self.params, self.stored_title, language)

    def body_in(self, language: str | None) -> str:
        return render_body(self.kind, self.params, self.stored_body, language)


class WapPoint(Public):
    day: date
    wap: float | None


class WapSummary(Public):
    contract_id: int
    wap: Decimal | None
    trend: str
    distribution: dict[str, Decimal]
    history: list[WapPoint]
    companies: int
