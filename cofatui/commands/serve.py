"""``cofatui serve``: the HTTP API server (FastAPI on uvicorn) over a database.

    cofatui serve --db postgresql://cofa@db/cofa --port 8765

It upgrades the schema first, then serves until interrupted. It listens on 127.0.0.1
unless told otherwise: binding another address needs ``--public``, because bearer
tokens must not cross a network in clear. Two ways to give it TLS: a reverse proxy in
front (several servers may share one database behind it), or ``--tls-cert`` and
``--tls-key`` (PEM files) to serve HTTPS directly. ``--public`` without TLS prints a
warning.

Against hostile clients (issue 13): password logins are limited per address, per login
and in how many run at once (:mod:`cofatui.api.limits`); the token is checked before a
body is read and bodies have a size limit and a deadline (:mod:`cofatui.api.middleware`);
uvicorn runs h11 with a request head of at most ``MAX_HEADER_BYTES`` that must arrive
within ``cofatui.api.protocol.HEAD_SECONDS``, idle keep-alive
connections closed after ``KEEP_ALIVE_SECONDS`` and at most ``--max-connections``
connections at once (503 beyond).

One JSON access-log line per request goes to stdout (logger ``cofatui.access``);
errors go to stderr.

Processes (issue 21): one uvicorn worker process per CPU core by default
(``--workers N`` to choose), each building its own app and connection pool from the
environment (:func:`app_from_environment`); they share nothing but the database, and
the port: each listens on a ``SO_REUSEPORT`` socket of its own, so the kernel spreads
the connections over them (:mod:`cofatui.api.shared_port`; with one shared socket all
the clients of a burst went to one worker). The
job worker (jobs, schedules, scheduled exports) runs once per server, as a thread of
the supervising process, not in every worker: several servers on one database still
claim each job once (the queue's claim and the schedules' dedupe keys). A worker dies
with its supervisor, even one killed with SIGKILL (``PR_SET_PDEATHSIG``), so no orphan
keeps the port. Each worker opens its pool and freezes the heap it built out of the
cyclic collector before it serves (:mod:`cofatui.api.settle`). SQLite runs with
``synchronous=FULL`` here: an acknowledged write survives a power cut.
"""

from __future__ import annotations

import argparse
import ctypes
import ipaddress
import os
import signal
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from cofatui.api.limits import PER_ADDRESS, WINDOW_SECONDS, LoginLimits
from cofatui.clock import Clock, FixedClock
from cofatui.errors import CofaError, message_text

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: uvicorn (h11): the largest request head, and how long an idle connection is kept.
MAX_HEADER_BYTES = 16 * 1024
KEEP_ALIVE_SECONDS = 5
DEFAULT_MAX_CONNECTIONS = 200
#: How long uvicorn's supervisor waits for a worker process to answer its ping before
#: it kills and replaces it. uvicorn's 5 s is shorter than a worker's start (a fresh
#: interpreter importing the app) on a loaded machine: it then kills every worker
#: before it serves, again and again.
WORKER_HEALTHCHECK_SECONDS = 60


def add_listen_options(p: argparse.ArgumentParser, default_port: int,
                       what: str = "--tls-cert/--tls-key or put a TLS reverse proxy in "
                                   "front of it") -> None:
    """``--host``, ``--port``, ``--public``, ``--tls-cert`` and ``--tls-key``: where a
    server listens and how it gets TLS (``serve`` and ``web`` share the rule: loopback
    unless ``--public``)."""
    p.add_argument("--host", default=DEFAULT_HOST,
                   help=f"address to listen on (default {DEFAULT_HOST}; anything but a "
                        "loopback address needs --public)")
    p.add_argument("--port", type=_port, default=default_port,
                   help=f"TCP port (default {default_port})")
    p.add_argument("--public", action="store_true",
                   help=f"allow listening on a non-loopback address; give {what} "
                        "(a warning says so)")
    p.add_argument("--tls-cert", metavar="PEM", type=_readable_file,
                   help="serve HTTPS with this certificate (chain) file; needs --tls-key")
    p.add_argument("--tls-key", metavar="PEM", type=_readable_file,
                   help="the private key of --tls-cert")


def register(sub: Callable[[str, str], argparse.ArgumentParser]) -> None:
    p = sub("serve", "serve the HTTP API (for the TUI and scripts started with --api)")
    add_listen_options(p, DEFAULT_PORT)
    p.add_argument("--max-connections", type=_count, default=DEFAULT_MAX_CONNECTIONS,
                   help=f"connections served at once, beyond which the server answers 503 "
                        f"(default {DEFAULT_MAX_CONNECTIONS})")
    p.add_argument("--logins-per-address", type=_count, default=PER_ADDRESS,
                   help=f"password logins allowed per client address within "
                        f"{int(WINDOW_SECONDS // 60)} minutes (default {PER_ADDRESS}; raise "
                        "it when many users share one address)")
    p.add_argument("--workers", type=_workers, default=default_workers(),
                   help="server processes sharing the port, each with its own connection "
                        "pool (default: one per CPU core, here "
                        f"{default_workers()}; the jobs run once whatever the number)")
    p.add_argument("--log-level", default="info",
                   choices=["critical", "error", "warning", "info", "debug"],
                   help="server log level (default info; warning hides the access log)")
    # Tests and demos only: serve as if the time were this instant (ISO 8601).
    p.add_argument("--clock", metavar="ISO", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_serve)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be between 1 and 65535")
    return value


MAX_WORKERS = 64


def default_workers() -> int:
    """One worker process per CPU core this process may run on (affinity, cgroups'
    cpusets), at most :data:`MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def _workers(text: str) -> int:
    value = _count(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_WORKERS}")
    return value


def _readable_file(text: str) -> str:
    try:
        with open(text, "rb"):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot read {text}: {exc.strerror}") from None
    return text


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, public: bool) -> None:
    if not public and not is_loopback(host):
        raise CofaError("cli.public_bind", host=host, default_host=DEFAULT_HOST)


def check_tls(cert: str | None, key: str | None) -> bool:
    """Whether HTTPS is configured; both files or neither."""
    if (cert is None) != (key is None):
        raise CofaError("serve.tls_pair")
    return cert is not None


def public_warning(host: str, port: int) -> str:
    """What ``serve --public`` without TLS prints first."""
    return message_text("serve.public_without_tls", {"host": host, "port": str(port)})


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's loggers plus ours: access lines (already JSON) on stdout, the rest on
    stderr. uvicorn's own access log is off: ours says who and how long."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"format": "%(message)s"},
            "default": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "plain",
                       "stream": "ext://sys.stdout"},
            "default": {"class": "logging.StreamHandler", "formatter": "default",
                        "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "cofatui.access": {"handlers": ["access"], "level": level.upper(),
                               "propagate": False},
            "cofatui": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
        },
    }


def uvicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    """The server's uvicorn settings (the same for one process or several)."""
    options: dict[str, Any] = dict(
        host=args.host, port=args.port, log_config=log_config(args.log_level),
        log_level=args.log_level, access_log=False, server_header=False,
        timeout_graceful_shutdown=10,
        # h11 (httptools would ignore the head limit) with a deadline for the request
        # head (cofatui.api.protocol), a bounded head, idle keep-alive connections closed
        # soon, and a bounded number of connections.
        http="cofatui.api.protocol:HeadTimeoutH11Protocol",
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        timeout_keep_alive=KEEP_ALIVE_SECONDS, limit_concurrency=args.max_connections,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        # Workers listen on sockets of their own (cofatui.api.shared_port).
        loop="cofatui.api.shared_port:new_event_loop")
    if args.tls_cert:
        options.update(ssl_certfile=args.tls_cert, ssl_keyfile=args.tls_key)
    return options


def cmd_serve(args: argparse.Namespace) -> int:
    check_bind(args.host, args.public)
    tls = check_tls(args.tls_cert, args.tls_key)
    if args.public and not tls:
        print(public_warning(args.host, args.port), file=sys.stderr, flush=True)
    import uvicorn

    from cofatui import migrations
    from cofatui.chorus_pro import runtime
    from cofatui.cli import _redact, database_url, load_settings_for
    from cofatui.repository.sql import identity, make_engine
    from cofatui.repository.sql.engine import SYNC_FULL

    identity.warm_up()
    clock = _clock(args.clock)
    settings = load_settings_for(args)
    runtime.configure(settings.chorus_pro)  # the jobs may call Chorus Pro (issue 19)
    url, _embedded = database_url(args, settings)
    engine = make_engine(url, synchronous=SYNC_FULL)
    migrations.upgrade(engine)
    print(f"cofatui API on {'https' if tls else 'http'}://{args.host}:{args.port} — database "
          f"{_redact(str(engine.url))}"
          + (f", {args.workers} workers" if args.workers > 1 else ""),
          file=sys.stderr, flush=True)
    options = uvicorn_options(args)
    from cofatui.jobs.worker import Worker, WorkerThread

    # The jobs run beside the API, in this process only (whatever the number of
    # workers); several servers on one database share them safely.
    worker = WorkerThread(Worker(engine, clock=clock, mail=settings.mail)).start()
    try:
        if args.workers > 1:
            # Each worker process builds its own app and engine from the environment
            # (uvicorn starts them with "spawn": nothing of this process is inherited).
            os.environ[ENV_DB] = engine.url.render_as_string(hide_password=False)
            os.environ[ENV_CLOCK] = args.clock or ""
            os.environ[ENV_CONFIG] = args.config or ""
            os.environ[ENV_LOGINS_PER_ADDRESS] = str(args.logins_per_address)
            os.environ[ENV_SUPERVISOR] = str(os.getpid())
            serve_workers(args.workers, options)
        else:
            from cofatui.api.app import create_app  # the workers import it themselves
            from cofatui.api.settle import settle

            limits = LoginLimits(per_address=args.logins_per_address)
            app = create_app(engine, clock=clock, login_limits=limits)
            settle(engine)
            uvicorn.run(app, **options)
    finally:
        worker.stop()
        engine.dispose()
    return 0


def serve_workers(workers: int, options: dict[str, Any]) -> None:
    """uvicorn's supervisor over ``workers`` processes (what ``uvicorn.run`` does for
    several workers), the port bound for sharing: each worker listens on a socket of its
    own and the kernel spreads the connections over them (:mod:`cofatui.api.shared_port`)."""
    import logging

    from uvicorn import Config
    from uvicorn.supervisors import Multiprocess

    from cofatui.api.shared_port import SUPPORTED, supervisor_socket

    config = Config("cofatui.commands.serve:app_from_environment", factory=True,
                    workers=workers, **options)
    if not SUPPORTED:  # one socket shared by the workers, as uvicorn.run binds it
        sock = config.bind_socket()
    else:
        try:
            sock = supervisor_socket(config.host, config.port)
        except OSError as exc:  # uvicorn's own report of a port it cannot bind
            logging.getLogger("uvicorn.error").error(exc)
            sys.exit(1)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


ENV_DB = "COFATUI_SERVE_DB"
ENV_CLOCK = "COFATUI_SERVE_CLOCK"
ENV_CONFIG = "COFATUI_SERVE_CONFIG"
ENV_LOGINS_PER_ADDRESS = "COFATUI_SERVE_LOGINS_PER_ADDRESS"
ENV_SUPERVISOR = "COFATUI_SERVE_SUPERVISOR"
#: prctl(2) option: the signal this process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


def _clock(text: str | None) -> Clock | None:
    if not text:
        return None
    try:
        return FixedClock(datetime.fromisoformat(text))
    except ValueError as exc:
        raise CofaError("cli.not_iso_time", text=text) from exc


def die_with_supervisor(supervisor: int) -> None:
    """Have the kernel send SIGTERM to this worker when its supervisor dies. uvicorn
    stops its workers on SIGTERM/SIGINT, but a supervisor killed outright (SIGKILL, the
    OOM killer) would leave them serving the port, with a database the next server
    opens beside them. Linux only; elsewhere the supervisor's own shutdown remains."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != supervisor:  # it died before the request above: go now
        os.kill(os.getpid(), signal.SIGTERM)


def app_from_environment() -> Any:
    """The app of one worker process (``--workers`` > 1): its own engine and pool, no
    job worker (the supervisor runs the jobs)."""
    from cofatui.api.app import create_app
    from cofatui.api.settle import settle
    from cofatui.chorus_pro import runtime
    from cofatui.cli import load_settings_for
    from cofatui.repository.sql import make_engine
    from cofatui.repository.sql.engine import SYNC_FULL

    supervisor = os.environ.get(ENV_SUPERVISOR)
    if supervisor:
        die_with_supervisor(int(supervisor))
    engine = make_engine(os.environ[ENV_DB], synchronous=SYNC_FULL)
    clock = _clock(os.environ.get(ENV_CLOCK))
    settings = load_settings_for(argparse.Namespace(config=os.environ.get(ENV_CONFIG) or None))
    runtime.configure(settings.chorus_pro)  # routes may call Chorus Pro (issue 19)
    per_address = int(os.environ.get(ENV_LOGINS_PER_ADDRESS) or PER_ADDRESS)
    app = create_app(engine, clock=clock, login_limits=LoginLimits(per_address=per_address))
    settle(engine)
    return app
