"""Every message of the custom exports' template and scenario forms (issue 15 items 2
and 3), in both languages, at the field it belongs to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from cofatui.enums import (
    ClaimStatus,
    ExportAggregation,
    ExportCategory,
    ExportFrequency,
)
from cofatui.errors import FieldError, RuleViolation
from cofatui.i18n.messages import has_entry
from cofatui.rules.export_forms import (
    check_scenario_limit,
    check_template_limit,
    scenario_errors,
    template_errors,
)
from cofatui.schemas_exports import CustomFieldCriterion, ExportScenarioIn

TODAY = date(2027, 5, 10)
NOW = datetime(2027, 5, 10, 9, 0, tzinfo=UTC)
P, C = ExportCategory.PORTFOLIO, ExportCategory.CLAIMS


def _codes(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.field, e.code) for e in errors]


def _template(**changes: Any) -> list[FieldError]:
    args: dict[str, Any] = {"category": P, "name": "ERP weekly", "description": "",
                            "columns": ["easy_number", "company_name"], "taken_names": set()}
    args.update(changes)
    return template_errors(**args)


def _scenario(category: ExportCategory = P, *, template_category: ExportCategory | None = P,
              mine: frozenset[int] = frozenset({1, 2}), taken: frozenset[str] = frozenset(),
              **fields: Any) -> list[FieldError]:
    data: dict[str, Any] = {
        "category": category, "name": "Monday ERP", "template_id": 7, "contract_ids": [1],
        "aggregation": ExportAggregation.PRODUCT if category is P else ExportAggregation.CLAIM,
        "frequency": ExportFrequency.WEEKLY, "starts_at": datetime(2027, 5, 17, 7, 0),
        "ends_on": date(2027, 12, 31), "time_zone": "Europe/Paris"}
    data.update(fields)
    try:
        scenario = ExportScenarioIn(**data)
    except ValidationError:  # beyond the API's shape (a form, a script): the rules say why
        scenario = ExportScenarioIn.model_construct(**data)
    return scenario_errors(scenario, today=TODAY, now_utc=NOW,
                           my_contract_ids=set(mine), template_category=template_category,
                           taken_names=set(taken))


def _all_messages_exist(errors: list[FieldError]) -> None:
    for error in errors:
        assert has_entry("errors." + error.code, "en") and has_entry("errors." + error.code,
                                                                      "fr")
        assert error.text("en") != error.text("fr")
        assert "{" not in error.text("en") and "{" not in error.text("fr")


# --------------------------------------------------------------- templates


def test_a_good_template_passes() -> None:
    assert _template() == []
    assert _template(name="x" * 60, description="d" * 250) == []


@pytest.mark.parametrize(("changes", "expected"), [
    ({"name": "  "}, ("name", "export_forms.name_required")),
    ({"name": "x" * 61}, ("name", "export_forms.name_too_long")),
    ({"name": "erp WEEKLY ", "taken_names": {"ERP weekly"}}, ("name", "export_forms.name_taken")),
    ({"name": "ERP\x1bweekly"}, ("name", "input.control_character")),
    ({"description": "d" * 251}, ("description", "export_forms.description_too_long")),
    ({"description": "a\u202eb"}, ("description", "input.direction_control")),
    ({"columns": []}, ("columns", "export_forms.columns_required")),
    ({"columns": ["easy_number", "claim_reference"]}, ("columns", "export_forms.unknown_column")),
    ({"columns": ["easy_number", "city", "easy_number"]},
     ("columns", "export_forms.duplicate_column")),
])
def test_template_messages(changes: dict[str, Any], expected: tuple[str, str]) -> None:
    errors = _template(**changes)
    assert _codes(errors) == [expected]
    _all_messages_exist(errors)


def test_template_message_parameters() -> None:
    (long,) = _template(name="n" * 70)
    assert long.params == {"max": 60, "length": 70}
    assert "70" in long.text("en") and "60" in long.text("fr")
    (unknown,) = _template(category=C, columns=["products"])
    assert "products" in unknown.text("en")


def test_every_field_is_checked_at_once() -> None:
    errors = _template(name="", description="d" * 300, columns=[])
    assert [e.field for e in errors] == ["name", "description", "columns"]


def test_template_and_scenario_limits() -> None:
    check_template_limit(9)
    check_scenario_limit(9)
    with pytest.raises(RuleViolation) as refused:
        check_template_limit(10)
    assert refused.value.code == "export_forms.too_many_templates"
    assert "10" in refused.value.text("fr")
    with pytest.raises(RuleViolation) as refused:
        check_scenario_limit(10)
    assert refused.value.code == "export_forms.too_many_scenarios"


# --------------------------------------------------------------- scenarios


def test_a_good_scenario_passes() -> None:
    assert _scenario() == []
    assert _scenario(C, template_category=C, claim_statuses=[ClaimStatus.PENDING]) == []
    one_off = _scenario(frequency=ExportFrequency.NONE, starts_at=None, ends_on=None,
                        aggregation=ExportAggregation.PERIOD, period_from=date(2027, 1, 1),
                        period_to=date(2027, 1, 1))
    assert one_off == []


@pytest.mark.parametrize(("fields", "expected"), [
    ({"name": ""}, ("name", "export_forms.name_required")),
    ({"taken": frozenset({"monday erp"})}, ("name", "export_forms.name_taken")),
    ({"description": "x" * 251}, ("description", "export_forms.description_too_long")),
    ({"template_category": None}, ("template_id", "export_forms.template_not_found")),
    ({"template_category": C}, ("template_id", "export_forms.template_other_category")),
    ({"contract_ids": []}, ("contract_ids", "export_forms.contract_required")),
    ({"contract_ids": [1, 3]}, ("contract_ids", "export_forms.contract_unavailable")),
    ({"company_name": "a\x00b"}, ("company_name", "input.control_character")),
    ({"custom_fields": [CustomFieldCriterion(slot=2, value="a"),
                        CustomFieldCriterion(slot=2, value="b")]},
     ("custom_fields", "export_forms.custom_field_twice")),
    ({"custom_fields": [CustomFieldCriterion(slot=1, value="a\nb")]},
     ("custom_fields", "input.line_break")),
    ({"product_codes": ["CRL", "XYZ"]}, ("product_codes", "export_forms.unknown_product")),
    ({"aggregation": ExportAggregation.CLAIM},
     ("aggregation", "export_forms.aggregation_not_for_category")),
    ({"time_zone": "Paris"}, ("time_zone", "export_forms.unknown_time_zone")),
    ({"starts_at": None}, ("starts_at", "export_forms.start_required")),
    ({"starts_at": datetime(2027, 8, 8, 12, 0)}, ("starts_at", "export_forms.start_too_far")),
    ({"ends_on": date(2027, 5, 9)}, ("ends_on", "export_forms.end_in_past")),
    ({"starts_at": datetime(2027, 6, 2, 8, 0), "ends_on": date(2027, 6, 1)},
     ("ends_on", "export_forms.end_before_start")),
    ({"frequency": ExportFrequency.NONE, "aggregation": ExportAggregation.PERIOD,
      "period_to": date(2027, 1, 31)}, ("period_from", "export_forms.period_required")),
    ({"frequency": ExportFrequency.NONE, "aggregation": ExportAggregation.PERIOD,
      "period_from": date(2027, 1, 31)}, ("period_to", "export_forms.period_required")),
    ({"frequency": ExportFrequency.NONE, "aggregation": ExportAggregation.PERIOD,
      "period_from": date(2027, 2, 1), "period_to": date(2027, 1, 31)},
     ("period_to", "export_forms.period_reversed")),
])
def test_scenario_messages(fields: dict[str, Any], expected: tuple[str, str]) -> None:
    errors = _scenario(**fields)
    assert _codes(errors) == [expected]
    _all_messages_exist(errors)


def test_claims_scenarios_take_no_product_and_no_product_aggregation() -> None:
    errors = _scenario(C, template_category=C, product_codes=["CRL"],
                       aggregation=ExportAggregation.PRODUCT)
    assert _codes(errors) == [("product_codes", "export_forms.products_portfolio_only"),
                              ("aggregation", "export_forms.aggregation_not_for_category")]
    _all_messages_exist(errors)


def test_the_lost_contract_is_named() -> None:
    (lost,) = _scenario(contract_ids=[1, 42, 42])
    assert lost.params == {"contract_id": 42} and "42" in lost.text("fr")


def test_start_limit_is_ninety_days_in_the_users_time() -> None:
    # 9:00 UTC is 11:00 in Paris: 90 days later at 11:00 local is the latest start.
    assert _scenario(starts_at=datetime(2027, 8, 8, 11, 0)) == []
    assert _codes(_scenario(starts_at=datetime(2027, 8, 8, 11, 1))) == [
        ("starts_at", "export_forms.start_too_far")]


def test_end_today_and_start_in_the_past_are_accepted() -> None:
    assert _scenario(ends_on=TODAY, starts_at=datetime(2027, 5, 1, 8, 0)) == []


def test_a_one_off_needs_no_start_and_no_period_unless_by_period() -> None:
    assert _scenario(frequency=ExportFrequency.NONE, starts_at=None, ends_on=None) == []
    # A scheduled run by period covers the time since the previous run: no dates needed.
    assert _scenario(aggregation=ExportAggregation.PERIOD) == []


def test_every_problem_is_reported_together() -> None:
    errors = _scenario(name="", contract_ids=[], time_zone="Nowhere", starts_at=None,
                       ends_on=date(2020, 1, 1), template_category=None)
    assert {e.field for e in errors} == {"name", "contract_ids", "time_zone", "starts_at",
                                         "ends_on", "template_id"}


@given(days=st.integers(-400, 400))
def test_end_date_rule(days: int) -> None:
    ends_on = TODAY + timedelta(days=days)
    codes = _codes(_scenario(starts_at=datetime(2027, 5, 10, 12, 0), ends_on=ends_on))
    if days < 0:
        assert codes == [("ends_on", "export_forms.end_in_past")]
    else:
        assert codes == []
