"""The connector routes and their HTTP client (issue 19 item 6), apart from the SQL
repository: the app serves a recording stand-in for ``repo.chorus_connector``, so
these tests say what the transport alone must keep.

- Every method, called on the HTTP repository, reaches the server's area with the
  very arguments given and returns the very value the area returned.
- A connector's form is validated as any body: a password *value* field does not
  exist (``extra`` forbidden), flags are strict booleans; ids are bounded.
- A refusal (a literal password at its field, a connector off, not sent) comes back as
  the same error.

The behaviour behind the routes (managers only, references, jobs) is the contract
suite's, run on the http backends: ``test_chorus_connector*.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cofatui.errors import FieldError, RuleViolation, ValidationFailed
from cofatui.repository.areas import ChorusConnectorArea
from cofatui.schemas_facturx import ChorusConnectorSave
from tests.contract.templates import SqliteTemplate
from tests.contract.test_chorus_api import Recorder
from tests.contract.test_chorus_facturx_api import Calls, Env, method_cases, stand_in


@pytest.fixture
def env(tmp_path: Path, sqlite_template: SqliteTemplate) -> Iterator[Env]:
    with stand_in(tmp_path, sqlite_template, "chorus_connector",
                  Recorder(ChorusConnectorArea)) as made:
        yield made


CALLS: Calls = {
    "get": [((3,), {})],
    "save": [((3, ChorusConnectorSave(enabled=True, login="TECH_fournisseur@cpro.fr",
                                      password_ref="keyring:cofatui/chorus-été",
                                      password_expires_on=date(2027, 3, 31), version=4)), {}),
             ((3, ChorusConnectorSave()), {})],
    "test": [((3,), {})],
    "send": [((7, 2), {})],
    "refresh": [((7,), {})],
}


@pytest.mark.parametrize(("name", "args", "kwargs"),
                         method_cases(ChorusConnectorArea, CALLS))
def test_a_method_reaches_the_server_area_unchanged_and_returns_its_answer(
        env: Env, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    env.check_call(name, args, kwargs)


def test_the_connector_form_is_validated_as_a_body(env: Env) -> None:
    path = "/chorus/structures/3/connector"
    bodies: list[dict[str, Any]] = [
        {"enabled": True, "login": "L", "password": "s3cret"},  # no such field: never a value
        {"enabled": "yes"}, {"enabled": 1}, {"password_expires_on": "31/03/2027"},
        {"login": "x" * 201}, {"version": "x"}]
    for body in bodies:
        response = env.client.put(path, json=body, headers=env.headers)
        assert response.status_code == 422, body
        assert response.json()["error"] == "validation_failed"
        assert "s3cret" not in response.text
    for body in ({}, {"version": "x"}):
        response = env.client.post("/chorus/invoices/7/send", json=body, headers=env.headers)
        assert response.status_code == 422, body
    for method, bad in (("get", "/chorus/structures/0/connector"),
                        ("post", f"/chorus/structures/{2**31}/connector/test"),
                        ("post", "/chorus/invoices/x/refresh")):
        assert env.client.request(method, bad, headers=env.headers).status_code == 422, bad
    assert env.area.calls == []


def test_refusals_come_back_as_the_same_errors(env: Env) -> None:
    env.area.raises = ValidationFailed([FieldError(
        "password_ref", "chorus_connector.secret_not_reference", {})])
    with pytest.raises(ValidationFailed) as refused:
        env.repo.chorus_connector.save(3, ChorusConnectorSave(password_ref="hunter2"))
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("password_ref", "chorus_connector.secret_not_reference")]
    for code in ("chorus_connector.disabled", "chorus_connector.already_sent"):
        env.area.raises = RuleViolation(code)
        with pytest.raises(RuleViolation) as ruled:
            env.repo.chorus_connector.send(7, 1)
        assert ruled.value.code == code
    env.area.raises = RuleViolation("chorus_connector.not_configured")
    with pytest.raises(RuleViolation) as ruled:
        env.repo.chorus_connector.test(3)
    assert ruled.value.code == "chorus_connector.not_configured"
