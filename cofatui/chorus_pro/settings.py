"""``[chorus_pro]``: how the process that runs the jobs reaches PISTE (issue 19 item 6).

    [chorus_pro]
    environment = "sandbox"            # or "production"
    client_id = "…"                    # PISTE application's id (not a secret)
    client_secret = "env:PISTE_SECRET" # a reference, never the secret itself
    # token_url, api_url: the environment's by default (overridden in tests)
    timeout = 30                       # seconds

Only the data and its defaults live here, with the standard library only: the
checking of a settings file is ``cofatui.config``'s (which reads this table like
``[mail]``), and importing this module makes no network client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Environment = Literal["sandbox", "production"]
ENVIRONMENTS: tuple[Environment, ...] = ("sandbox", "production")

#: PISTE's OAuth token endpoint and Chorus Pro's API base, per environment.
TOKEN_URLS: dict[Environment, str] = {
    "sandbox": "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
    "production": "https://oauth.piste.gouv.fr/api/oauth/token",
}
API_URLS: dict[Environment, str] = {
    "sandbox": "https://sandbox-api.piste.gouv.fr/cpro/",
    "production": "https://api.piste.gouv.fr/cpro/",
}
DEFAULT_TIMEOUT = 30.0
TIMEOUT_RANGE = (1.0, 300.0)
#: The keys of the table, in the order they are written back.
KEYS = ("environment", "token_url", "api_url", "client_id", "client_secret", "timeout")


@dataclass(frozen=True)
class ChorusProSettings:
    """The ``[chorus_pro]`` table, URLs resolved: an empty ``token_url``/``api_url``
    takes the environment's, and ``api_url`` always ends with ``/`` (paths such as
    ``factures/v1/deposer/flux`` are joined to it). ``client_secret`` is a reference
    (``env:NAME`` or ``keyring:SERVICE/USER``), checked by ``cofatui.config``."""

    environment: Environment = "sandbox"
    token_url: str = ""
    api_url: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT

    def __post_init__(self) -> None:
        if not self.token_url:
            object.__setattr__(self, "token_url", TOKEN_URLS[self.environment])
        api = self.api_url or API_URLS[self.environment]
        object.__setattr__(self, "api_url", api if api.endswith("/") else api + "/")

    @property
    def configured(self) -> bool:
        """Enough to ask for a token: a client id and its secret's reference."""
        return bool(self.client_id and self.client_secret)

    def overrides(self) -> dict[str, object]:
        """The table as written to a settings file: what differs from the defaults."""
        default = ChorusProSettings(environment=self.environment)
        out: dict[str, object] = {"environment": self.environment}
        for name in KEYS[1:]:
            value = getattr(self, name)
            if value != getattr(default, name):
                out[name] = value
        return out
