"""One notification row written by ``notifications_json`` (the API's page) is the JSON
``NotificationRow`` writes for it, whatever its ``params`` text holds (any JSON, with or
without the typed markers, or not JSON at all), and a value the model refuses is
refused too."""

from __future__ import annotations

import json
from collections import namedtuple
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import to_json

from cofatui.notification_wording import load_params
from cofatui.repository.sql.notifications_json import row_dict, sent_params
from cofatui.schemas import NotificationRow

MARKERS = ["$money", "$decimal", "$date", "$datetime", "$term", "currency", "params"]
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) \
    | st.sampled_from(["2026-02-28", "2026-02-30", "12.50", "1E+3", "2026-01-01T00:00Z"])
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(MARKERS) | st.text(max_size=4), inner, max_size=3), max_leaves=8)
texts = st.dictionaries(st.text(max_size=5), values, max_size=4).map(
    lambda v: json.dumps(v, ensure_ascii=False)) | st.text(max_size=20) \
    | st.sampled_from(["", "[]", "null", "{", '{"a": NaN, "b": -Infinity}'])


#: A row as ``SqlNotifications._page`` selects it: its columns, in its order.
Row = namedtuple("Row", "id contract_id company_id product_code category type importance "
                        "kind params title body created_at target_type target_id name "
                        "country easy_number client_reference policy_number is_read")


def _row(params: str | None, **changes: Any) -> Any:
    row: dict[str, Any] = dict(
        id=7, contract_id=3, policy_number="P-1", company_id=None, name="Société « É »",
        country="FR", easy_number="", client_reference=None, product_code="CRL",
        category="insurance", type="decision", importance="high", kind="product.granted",
        params=params, title="Titre", body="", created_at=datetime(2026, 3, 1, 10, 0, 0, 5),
        is_read=1, target_type="ilu", target_id=None)
    row.update(changes)
    return Row(**row)


def _model_json(row: Any) -> bytes:
    """What the model path sends for ``row`` (``SqlNotifications.rows``'s model)."""
    return NotificationRow(
        id=row.id, contract_id=row.contract_id, policy_number=row.policy_number or "",
        company_id=row.company_id, company_name=row.name or "", country=row.country or "",
        easy_number=row.easy_number or "", client_reference=row.client_reference or "",
        product_code=row.product_code, category=row.category, type=row.type,
        importance=row.importance, kind=row.kind, params=load_params(row.params),
        stored_title=row.title, stored_body=row.body, created_at=row.created_at,
        read=bool(row.is_read), target_type=row.target_type,
        target_id=row.target_id).model_dump_json().encode()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_a_rows_json_is_the_models_whatever_its_params(params: str) -> None:
    row = _row(params)
    assert to_json(row_dict(row), inf_nan_mode="null") == _model_json(row)
    # Asked again (from the cache): the same value.
    assert to_json(sent_params(params), inf_nan_mode="null") == \
        to_json(sent_params(params), inf_nan_mode="null")


@pytest.mark.parametrize("changes", [
    {}, {"created_at": datetime(2026, 3, 1, 10, 0, tzinfo=UTC)}, {"target_type": None},
    {"contract_id": None, "policy_number": None}, {"is_read": None}, {"params": None}])
def test_nulls_and_dates_as_the_model_writes_them(changes: dict[str, Any]) -> None:
    row = _row(**{"params": '{"n": {"$date": "2026-01-31"}}', **changes})
    assert to_json(row_dict(row), inf_nan_mode="null") == _model_json(row)


@pytest.mark.parametrize("changes", [
    {"category": "nope"}, {"importance": "urgent"}, {"target_type": "planet"},
    {"created_at": None}])
def test_what_the_model_refuses_is_refused(changes: dict[str, Any]) -> None:
    row = _row("{}", **changes)
    with pytest.raises(ValidationError):
        _model_json(row)
    with pytest.raises(ValueError):
        row_dict(row)
