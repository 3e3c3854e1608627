"""Public models: what every Repository returns and accepts, whichever backend.

Plain pydantic models (no SQLModel), so the TUI and the HTTP client can use them
without importing the database layer, and FastAPI can publish them in its OpenAPI.

Import every model from here. They live in two modules (issue 21 item 1): building all
of them took a good part of a start, before home's first frame could paint.
:mod:`cofatui.schemas_first` holds the few that frame needs (the user, the WAP, a
notification row, the paging words) and is imported at once; :mod:`cofatui.schemas_rest`
holds the others and is imported the first time one of them is asked for (the module's
``__getattr__``, under the import lock: two threads asking at once build it once). A new
model goes to ``schemas_rest`` and into its ``__all__``, which mypy reads here (a unit
test checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cofatui.schemas_first import *  # noqa: F403 (each module's __all__ says what)

if TYPE_CHECKING:
    from cofatui.schemas_rest import *  # noqa: F403
else:
    # Hidden from mypy: a module ``__getattr__`` would let it accept any name imported
    # from here, a typo included.
    import importlib
    from typing import Any

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # import machinery and copy probe these
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        try:
            value = getattr(importlib.import_module("cofatui.schemas_rest"), name)
        except AttributeError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        globals()[name] = value  # the next look-up finds it without this function
        return value
