"""A contract's free custom fields by slot: read by the custom-fields area and by their
import, kept apart so that neither module imports the other."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cofatui.models import CustomFieldDefinition


def definitions(s: Session, contract_id: int) -> dict[int, CustomFieldDefinition]:
    """The contract's free fields by slot."""
    return {d.slot: d for d in s.execute(select(CustomFieldDefinition).where(
        CustomFieldDefinition.contract_id == contract_id)).scalars()}


__all__ = ["definitions"]
