"""Public models of user administration (issue 16 items 1, 2, 4 and 5): the rows of the
user lists, a user as their administrator sees them, and the changes they send.

Plain pydantic like :mod:`cofatui.schemas_identity`; never a password or token hash."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from cofatui.enums import Rights, Role, UserStatus


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class UserRow(_Public):
    """A line of the attached / not-attached lists (seed "Listes des utilisateurs")."""

    login: str
    title: str
    last_name: str
    first_name: str
    updated_at: datetime | None
    created_at: datetime | None
    status: UserStatus
    awaiting_activation: bool = Field(
        default=False, description="created, no activation code used yet")
    rights: Rights | None = Field(default=None, description="on the listed contract; "
                                  "None in the not-attached list")


class UserAttachment(_Public):
    """A contract the administrator administers, with the user's rights on it."""

    contract_id: int
    policy_number: str
    attached: bool
    rights: Rights | None = None
    sections: dict[str, str] = Field(default_factory=dict)


class UserDetail(_Public):
    login: str
    title: str
    first_name: str
    last_name: str
    email: str
    phone: str
    fax: str
    language: str
    role: Role
    status: UserStatus
    suspended_until: datetime | None
    awaiting_activation: bool = False
    default_contract_id: int | None
    created_at: datetime | None
    updated_at: datetime | None
    version: int
    contracts: list[UserAttachment] = Field(
        description="the contracts the reader administers (all for insurer staff), "
        "attached or not")


class UserUpdate(BaseModel):
    """A modification (seed "Modification"): only the fields given change."""

    model_config = ConfigDict(extra="forbid")
    version: int
    title: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    language: str | None = None
    default_contract_id: int | None = None


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: UserStatus
    until: datetime | None = Field(default=None, description="a suspension's end")
    version: int


class RightsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rights: Rights
    sections: dict[str, str] = Field(
        default_factory=dict, description="custom rights: section -> none|read_only|full; "
        "unnamed sections are none")
    version: int


class UserCreate(BaseModel):
    """A new user (seed "Création d'un utilisateur", SPEC §7); every field mandatory.
    The login is generated (first-name initial, ".", last name, ASCII, a number added
    when taken); the user is attached to the contract of the route with full rights and
    mailed a one-time activation code, never a password."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(description="mr, mrs or ms")
    last_name: str
    first_name: str
    phone: str = Field(description="checked with phonenumbers, stored as E.164")
    fax: str = Field(description="checked with phonenumbers, stored as E.164")
    email: str = Field(description="syntax checked with email-validator")
    language: str = Field(description="en or fr")
    default_contract_id: int | None = Field(
        default=None, description="one of the user's contracts; the route's if omitted")
    role: Role = Role.POLICYHOLDER
    # Optional (seed 003 §II): where notifications are mailed ("" = ``email``) and the
    # postal address; checked by ``rules.user_fields.contact_fields``.
    contact_email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=200)
    address_complement1: str = Field(default="", max_length=200)
    address_complement2: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="", max_length=2, description="ISO 3166 alpha-2")


class ActivationRequest(BaseModel):
    """``POST /auth/activate``: the mailed code sets the first password."""

    model_config = ConfigDict(extra="forbid")
    login: str = Field(max_length=64)
    code: str = Field(max_length=64)
    password: str = Field(max_length=256)
