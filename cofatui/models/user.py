"""Users, their attachment to contracts with rights, and personal API tokens."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from cofatui.enums import Rights, Role, UserStatus
from cofatui.models.base import money_field, timestamp_field, version_column

_user_version = version_column()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=80, unique=True, index=True)
    title: str = Field(default="", max_length=10)
    first_name: str = Field(default="", max_length=80)
    last_name: str = Field(default="", max_length=80)
    email: str = Field(default="", max_length=200)
    #: Where notifications are mailed ("" = ``email``, the login e-mail; seed 003 §II).
    contact_email: str = Field(default="", max_length=200)
    # The postal address (seed 003 §II).
    address: str = Field(default="", max_length=200)
    address_complement1: str = Field(default="", max_length=200)
    address_complement2: str = Field(default="", max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    country: str = Field(default="", max_length=2)
    phone: str = Field(default="", max_length=40)
    fax: str = Field(default="", max_length=40)
    language: str = Field(default="fr", max_length=2)
    role: str = Field(default=Role.POLICYHOLDER.value, max_length=20)
    status: str = Field(default=UserStatus.ACTIVE.value, max_length=20)
    password_hash: str | None = Field(default=None, max_length=200)
    default_contract_id: int | None = Field(default=None, foreign_key="contract.id")
    notify_opt_out: bool = False
    created_at: datetime | None = timestamp_field()
    #: The last change of the user's data, status or attachments (issue 16 item 2).
    updated_at: datetime | None = timestamp_field()
    #: A suspension's end (None: until reactivated); only while suspended.
    suspended_until: datetime | None = timestamp_field()
    #: The policyholder organisation; None for insurer staff.
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id",
                                        index=True)
    #: Created by an administrator and no activation code used yet (issue 16 item 3).
    awaiting_activation: bool = False
    version: int = Field(default=1, sa_column=_user_version)
    __mapper_args__ = {"version_id_col": _user_version}


class UserContract(SQLModel, table=True):
    """A user attached to a contract. ``section_rights`` is a JSON object
    section -> "full" | "read_only" | "none", used when ``rights`` is "custom"."""

    __tablename__ = "user_contract"
    __table_args__ = (UniqueConstraint("user_id", "contract_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    rights: str = Field(default=Rights.FULL.value, max_length=20)
    section_rights: str = Field(default="{}", max_length=2000)


class ApiToken(SQLModel, table=True):
    """A personal token; only its SHA-256 is stored."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    name: str = Field(default="", max_length=80)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime | None = timestamp_field()
    expires_at: datetime | None = timestamp_field()
    revoked_at: datetime | None = timestamp_field()
    last_used_at: datetime | None = timestamp_field()


_preference_version = version_column()


class UserPreference(SQLModel, table=True):
    """What a user chose to see (issue 16 item 9), held by the account so that every
    machine and the server's mails agree. No row yet: the defaults, and the settings
    file's values not imported yet. ``notify_opt_out`` stays on :class:`User`."""

    __tablename__ = "user_preference"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    show_crs_number: bool = False
    show_non_latin_names: bool = False
    version: int = Field(default=1, sa_column=_preference_version)
    __mapper_args__ = {"version_id_col": _preference_version}


class NotificationThreshold(SQLModel, table=True):
    """Hide the changes smaller than ``amount`` of one product type, one direction,
    on one contract (the contract's currency; DRA points for RSM)."""

    __tablename__ = "notification_threshold"
    __table_args__ = (UniqueConstraint("user_id", "contract_id", "product_code",
                                       "direction"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    contract_id: int = Field(foreign_key="contract.id")
    product_code: str = Field(max_length=20)
    direction: str = Field(max_length=8)
    amount: Decimal = money_field(nullable=False)
