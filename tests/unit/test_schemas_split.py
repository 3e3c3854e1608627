"""``cofatui.schemas`` builds its models in two steps (issue 21 item 1): the first
frame's few at once, the others on first use. Every model is still imported from
``cofatui.schemas``, and the first frame's import builds none of the others."""

from __future__ import annotations

import subprocess
import sys

import cofatui.schemas as schemas
import cofatui.schemas_first as first
import cofatui.schemas_rest as rest


def _public_names(module: object) -> set[str]:
    """What a module defines for others (not what it imports, nor the ``Page[X]``
    that pydantic files under the module of ``Page`` as they are made)."""
    name = getattr(module, "__name__", "")
    return {key for key, value in vars(module).items()
            if not key.startswith("_") and key.isidentifier()
            and (getattr(value, "__module__", None) == name
                 or key in {"MultiLineText", "RateValue", "IsoDate", "BodyInt"})}


def test_every_model_of_either_module_is_read_from_schemas() -> None:
    # Each module's __all__ is what mypy sees in cofatui.schemas: a model left out
    # would type-check nowhere.
    assert set(first.__all__) == _public_names(first)
    assert set(rest.__all__) == _public_names(rest)
    for module in (first, rest):
        for name in module.__all__:
            assert getattr(schemas, name) is getattr(module, name)


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    assert not hasattr(schemas, "NoSuchModel")


def test_importing_the_first_frames_models_builds_none_of_the_others() -> None:
    probe = ("import sys\n"
             "from cofatui.schemas import ContractAccess, Principal, WapSummary\n"
             "print('cofatui.schemas_rest' in sys.modules)\n"
             "from cofatui.schemas import NotificationFilter\n"
             "print('cofatui.schemas_rest' in sys.modules, NotificationFilter.__name__)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["False", "True", "NotificationFilter"]
