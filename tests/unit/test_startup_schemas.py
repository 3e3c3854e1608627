"""Issue 21 item 1: the TUI defines the public models unbuilt (``schemas_defer``) and
builds them in the worker that opens the repository. Built late, they are the models
built at import: every model's JSON schema (fields, types, validators' constraints)
and its validation of the same input are identical.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import json, sys
    from cofatui import schemas_defer
    schemas_defer.DEFER = sys.argv[1] == "defer"
    import cofatui.repository.areas  # every schema module, as the TUI's first frame
    from cofatui import schemas
    from pydantic import BaseModel

    def ours():
        found, pending = {}, [BaseModel]
        while pending:
            cls = pending.pop()
            pending.extend(cls.__subclasses__())
            if cls.__module__.startswith("cofatui.schemas"):
                found[cls.__module__ + "." + cls.__qualname__] = cls
        return found

    unbuilt = sum(not c.__pydantic_complete__ for c in ours().values())
    started = [getattr(schemas, name).__pydantic_complete__ for name in schemas._STARTED]
    built = schemas.build_deferred()
    out = {"unbuilt": unbuilt, "built": built, "started": started,
           "left": sum(not c.__pydantic_complete__ for c in ours().values()),
           "schemas": {name: cls.model_json_schema()
                       for name, cls in sorted(ours().items())
                       if not cls.__pydantic_generic_metadata__["parameters"]}}
    try:
        schemas.NotificationFilter(contract_id="x")
    except Exception as exc:
        out["refusal"] = str(exc).splitlines()[:3]
    out["filter"] = schemas.NotificationFilter(contract_id="3").model_dump(mode="json")
    print(json.dumps(out, sort_keys=True, default=str))
""")


def _models(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True,
                          text=True, timeout=120, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_models_built_late_are_the_models_built_at_import() -> None:
    deferred, eager = _models("defer"), _models("eager")
    assert eager["unbuilt"] == 0
    assert isinstance(deferred["unbuilt"], int) and deferred["unbuilt"] > 50
    assert deferred["built"] == deferred["unbuilt"]
    assert deferred["left"] == 0
    # Read in a thread of its own at start: built at import even then.
    assert deferred["started"] == [True] * 4
    assert deferred["schemas"] == eager["schemas"]
    assert deferred["refusal"] == eager["refusal"]
    assert deferred["filter"] == eager["filter"]
