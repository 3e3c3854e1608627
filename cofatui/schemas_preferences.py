"""Public models of the user's preferences (issue 16 item 9): ``GET|PUT /me/preferences``
and ``repo.notifications.preferences`` / ``save_preferences``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt


class ThresholdPublic(BaseModel):
    """Hide the changes smaller than ``amount`` of ``product_code`` in ``direction`` on
    one contract. ``amount`` is in the contract's currency (``currency``), or in DRA
    points for RSM (``currency`` empty)."""

    contract_id: int
    product_code: Annotated[str, Field(max_length=20, description=(
        "CRL, ECL, RLI, TOPLINER, CCO, ROM, CLAIM (the indemnity) or RSM (DRA points)"))]
    direction: Literal["increase", "decrease"]
    amount: Decimal
    currency: Annotated[str, Field(max_length=3, description=(
        "the contract's currency (checked when given); empty for RSM"))] = ""


class Preferences(BaseModel):
    """What the account shows and sends. ``version`` 0: never saved (the defaults)."""

    version: int = 0
    language: str = Field(default="en", description=(
        "the account's language: its e-mails and the files made for it"))
    show_crs_number: bool = False
    show_non_latin_names: bool = False
    claim_notifications: bool = Field(default=True, description=(
        "notifications about claim files (false: the user opted out)"))
    thresholds: list[ThresholdPublic] = Field(default_factory=list)


class PreferencesUpdate(BaseModel):
    """Every preference at once; ``version`` is the one read (0 the first time): a
    stale one is a conflict."""

    version: Annotated[StrictInt, Field(ge=0)]
    language: Annotated[str, Field(pattern="^(en|fr)$")] | None = Field(default=None, description=(
        "the account's language (null: unchanged)"))
    # Strict: ``0`` or ``"no"`` is not a yes/no here (the schema says boolean).
    show_crs_number: StrictBool = False
    show_non_latin_names: StrictBool = False
    claim_notifications: StrictBool = True
    thresholds: Annotated[list[ThresholdPublic], Field(max_length=1000)] = Field(
        default_factory=list)


__all__ = ["Preferences", "PreferencesUpdate", "ThresholdPublic"]
