"""Public models of identity: users as administrators see them, and personal tokens.

Plain pydantic (no SQLModel), like :mod:`cofatui.schemas`, so the API can publish them
and the HTTP client and the TUI can read them without the database layer. Neither ever
carries a password hash or a token hash.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from cofatui.enums import Rights, Role, UserStatus


class _Public(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class TokenInfo(_Public):
    """A personal API token, without its secret (shown once, at creation)."""

    id: int
    name: str
    created_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        """"active", "revoked" or "expired" at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


class UserContractInfo(_Public):
    policy_number: str
    rights: Rights


class UserInfo(_Public):
    id: int
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
    created_at: datetime | None
    contracts: list[UserContractInfo]
