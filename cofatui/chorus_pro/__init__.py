"""The optional connector to the real Chorus Pro through PISTE (issue 19 item 6).

- ``settings.py``: ``[chorus_pro]`` (environment, URLs, client id, the secret's reference);
- ``secrets.py``: references ``env:NAME`` / ``keyring:SERVICE/USER``, never a clear secret;
- ``model.py``: what the calls return, as plain data;
- ``client.py``: the calls (httpx), the token cached per process, one retry after a 401;
- ``runtime.py``: the settings and transport of the process that runs the jobs.

Nothing here is imported, and no HTTP client is created, while no connector is enabled.
"""
