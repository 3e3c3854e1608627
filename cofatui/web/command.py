"""``cofatui web``: the TUI in a browser, behind a login (issue 13, item 7).

    cofatui web --db postgresql://cofa@db/cofa --port 8080
    cofatui web --api https://cofa.example.com:8765

Each browser session runs its own TUI process, which starts on the login screen and
works through the HTTP API with the token of that login, held in its memory only:

- with ``--api URL`` the sessions log in at that server;
- with a database (``--db``, the settings, or the embedded file, made with the demo data
  on the very first start as for the TUI), this process runs the
  API itself on a loopback port (the same app as ``cofatui serve``, so the same password
  check and login limits) and a jobs worker, and the sessions use that API. A session
  process never holds the database's address or credentials.

It listens on 127.0.0.1 unless told ``--public``; ``--tls-cert``/``--tls-key`` serve
HTTPS, and ``--public`` without them prints the same warning as ``serve --public``.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cofatui.commands.serve import (
    DEFAULT_MAX_CONNECTIONS,
    add_listen_options,
    check_bind,
    check_tls,
    public_warning,
    uvicorn_options,
)
from cofatui.errors import CofaError

DEFAULT_PORT = 8080
#: How long the loopback API may take to start.
API_START_SECONDS = 30.0


def register(sub: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = sub("web", "serve the application to web browsers, each session behind a login")
    add_listen_options(p, DEFAULT_PORT)
    p.add_argument("--max-sessions", type=_sessions, default=None, metavar="N",
                   help="browser sessions open at once (default 20; each is one process)")
    p.add_argument("--sessions-per-address", type=_sessions, default=None, metavar="N",
                   help="browser sessions open at once from one address (default 5; raise "
                        "it behind a reverse proxy, whose address every browser shares)")
    p.set_defaults(handler=cmd_web)


def _sessions(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("must be between 1 and 1000")
    return value


def cmd_web(args: argparse.Namespace) -> int:
    check_bind(args.host, args.public)
    tls = check_tls(args.tls_cert, args.tls_key)
    if getattr(args, "db", None) and getattr(args, "api", None):
        raise CofaError("cli.db_or_api")
    try:
        from cofatui.web import server as web_server
    except ModuleNotFoundError as exc:
        if exc.name not in ("textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2"):
            raise
        raise CofaError("web.needs_extra") from exc
    if args.public and not tls:
        print(public_warning(args.host, args.port), file=sys.stderr, flush=True)
    from cofatui.cli import load_settings_for

    settings = load_settings_for(args)
    api_url = getattr(args, "api", None) or (None if getattr(args, "db", None)
                                             else settings.api_url)
    with _api_for(args, api_url) as url:
        server = web_server.WebServer(
            web_server.session_command(url), host=args.host, port=args.port,
            settings=settings,
            ssl_context=web_server.tls_context(args.tls_cert, args.tls_key) if tls else None,
            max_sessions=args.max_sessions or web_server.DEFAULT_MAX_SESSIONS,
            per_address=args.sessions_per_address or web_server.DEFAULT_PER_ADDRESS)
        scheme = "https" if tls else "http"
        print(f"cofatui web on {scheme}://{args.host}:{args.port} — sessions log in at "
              f"{url}", file=sys.stderr, flush=True)
        server.run()
    return 0


@contextmanager
def _api_for(args: argparse.Namespace, api_url: str | None) -> Iterator[str]:
    """The API the sessions log in at: ``api_url``, or one this process runs on the
    loopback over the configured database, with a jobs worker, for as long as the
    block."""
    if api_url:
        yield api_url
        return
    import uvicorn

    from cofatui import migrations
    from cofatui.api.app import create_app
    from cofatui.chorus_pro import runtime
    from cofatui.cli import database_url_with_demo, load_settings_for
    from cofatui.jobs.worker import Worker, WorkerThread
    from cofatui.repository.sql import identity, make_engine

    settings = load_settings_for(args)
    runtime.configure(settings.chorus_pro)  # its jobs may call Chorus Pro (issue 19)
    engine = make_engine(database_url_with_demo(args, settings))
    migrations.upgrade(engine)
    identity.warm_up()
    options = uvicorn_options(argparse.Namespace(
        host="127.0.0.1", port=0, log_level="warning", tls_cert=None, tls_key=None,
        max_connections=DEFAULT_MAX_CONNECTIONS))
    server = uvicorn.Server(uvicorn.Config(create_app(engine), **options))
    thread = threading.Thread(target=server.run, name="cofatui-api", daemon=True)
    thread.start()
    worker = WorkerThread(Worker(engine, mail=settings.mail)).start()
    try:
        yield f"http://127.0.0.1:{_bound_port(server, thread)}"
    finally:
        server.should_exit = True
        thread.join(15)
        worker.stop()
        engine.dispose()


def _bound_port(server: object, thread: threading.Thread) -> int:
    """The port the loopback API listens on, once it does."""
    deadline = time.monotonic() + API_START_SECONDS
    while time.monotonic() < deadline and thread.is_alive():
        if getattr(server, "started", False):
            servers = getattr(server, "servers", [])
            return int(servers[0].sockets[0].getsockname()[1])
        time.sleep(0.02)
    raise CofaError("web.api_not_started")


__all__ = ["cmd_web", "register"]
