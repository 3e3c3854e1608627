"""The optional connector to the real Chorus Pro through PISTE (issue 19 item 6).

- ``settings.py``: ``[chorus_pro]`` (environment, URLs, client id, the secret's reference);
- ``secrets.py``: references ``env:NAME`` / ``keyring:SERVICE/USER``, never a clear secret;
- ``model.py``: what the calls return, as plain data;
- ``client.py``: the calls (httpx), the token cached per process, one retry after a 401;
- ``runtime.py``: the settings and transport of the process that runs the jobs;
- ``errors.py``: the coded refusals (``chorus_pro.*``), none carrying a secret.

``cofatui.config`` reads ``settings.py`` and ``secrets.py`` (standard library only);
httpx and keyring are imported, and an HTTP client created, only when a connector is
used.
"""
