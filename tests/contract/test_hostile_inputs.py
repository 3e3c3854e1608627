"""Hostile inputs never crash the server (issue 13, acceptance of item 4).

For every write route of the OpenAPI document (the list is generated, so a new route is
covered without editing this file), hypothesis builds requests from the route's own
request schema and fills them with what a hostile or broken client sends: lone
surrogates, NUL and other control characters, direction overrides, very long and
exotic texts, huge, negative, fractional and non-finite numbers, values of the wrong
JSON type, and JSON nested far deeper than any form. Query parameters get the same
texts (percent-encoded as raw UTF-8, surrogates included, as a client could send
them). The app runs in-process (``TestClient``, server exceptions turned into 500
answers as a real server would) on SQLite, and on PostgreSQL when
``COFATUI_TEST_PG_URL`` is set. Every answer must be 2xx or 4xx: a 5xx fails with the
request that caused it, ready to replay."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cofatui import migrations
from cofatui.clock import FixedClock
from cofatui.repository.sql import SqlRepository, identity
from cofatui.schemas_jobs import ImportMode
from tests.api_app import openapi_schema, shared_app
from tests.contract import dataset
from tests.contract.conftest import SQL_BACKENDS, _pg_engine, _sqlite_engine
from tests.contract.test_api_security import (
    BULK_CSV,
    MULTIPART,
    PDF,
    REFERENCES_CSV,
    Api,
    _claim,
    _extension,
    accounting_targets,
    chorus_targets,
    insurer_requests,
    path_ids,
    personal_items,
    sample,
)

SCHEMA = openapi_schema()
COMPONENTS: dict[str, Any] = SCHEMA["components"]["schemas"]
WRITE_METHODS = {"post", "put", "patch", "delete"}
#: The login route checks passwords (argon2: ~0.5 s each, rate-limited): hostile
#: logins are item 1's business and its own tests'.
SKIPPED = {"create_token"}
WRITE_ROUTES = [(method, path, op) for path, ops in SCHEMA["paths"].items()
                for method, op in ops.items()
                if method in WRITE_METHODS and op["operationId"] not in SKIPPED]
#: Reads that take parameters: their filters and ids get the same texts and numbers
#: (``amount_min=1e308``, a NUL in a text filter, an id beyond 64 bits).
READ_ROUTES = [("get", path, ops["get"]) for path, ops in SCHEMA["paths"].items()
               if "get" in ops and ops["get"].get("parameters")]
#: Requests per write route and backend (half as many per read route): about 45 s on
#: SQLite or PostgreSQL on a loaded 2-core machine.
EXAMPLES = 12



# --- hostile values -----------------------------------------------------------------------

HOSTILE_TEXTS = ["a\x00b", "\x00", "a\ud800b", "\udfff", "\ud83d\ude00", "x\u202ey",
                 "\x1b[2J\x07", "line\nbreak", "tab\there", "cr\ronly", "\u2028", "\ufeff",
                 "x" * 5000, "é" * 300, "𝕏" * 100, "'; DROP TABLE company; --", "%_\\",
                 "", " ", "NaN", "1e308", "-1", "true", "null", "{}", "[]"]
HOSTILE_NUMBERS: list[Any] = [0, -1, 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**100,
                              10**400, 1.5, -0.0, 1e308, -1e308, 1e-320, math.nan, math.inf,
                              -math.inf, "1e308", "NaN", "Infinity", "-1e400", "0.0001",
                              "12.3456789012345", "1E+2"]

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
    st.text(st.characters(max_codepoint=0x9F), max_size=10),
)
numbers = st.one_of(st.sampled_from(HOSTILE_NUMBERS),
                    st.integers(min_value=-(2**70), max_value=2**70),
                    st.floats(allow_nan=True, allow_infinity=True),
                    st.decimals().map(str))
scalars = st.one_of(texts, numbers, st.booleans(), st.none())


def deep_json(depth: int, leaf: Any) -> Any:
    doc = leaf
    for i in range(depth):
        doc = {"a": doc} if i % 2 else [doc]
    return doc


deep = st.builds(deep_json, st.sampled_from([33, 64, 300, 900]), scalars)
any_json = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)), max_leaves=8)
wrong = st.one_of(scalars, deep, st.lists(scalars, max_size=2),
                  st.dictionaries(texts, scalars, max_size=2))


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` followed, and an optional value's null case dropped."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        return resolve(COMPONENTS[ref.rsplit("/", 1)[-1]])
    cases = [n for n in node.get("anyOf", []) if n.get("type") != "null"]
    return resolve(cases[0]) if len(cases) == 1 else node


def from_schema(node: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for ``node``: mostly of its shape with hostile leaves, sometimes of any
    other JSON type or deep, so both pydantic and the repository get tried."""
    return st.one_of(_shaped(resolve(node), depth), wrong) if depth else _shaped(
        resolve(node), depth)


def _shaped(node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if "anyOf" in node or "oneOf" in node:
        cases: list[dict[str, Any]] = node.get("anyOf") or node.get("oneOf") or []
        return st.one_of([from_schema(n, depth + 1) for n in cases])
    if "enum" in node:
        return st.one_of(st.sampled_from(node["enum"]), texts)
    kind = node.get("type")
    if kind == "string":
        fmt = node.get("format")
        if fmt in ("date", "date-time"):
            day = dataset.TODAY - timedelta(days=30)
            return st.one_of(st.just(day.isoformat()), st.just("9999-12-31"),
                             st.just("0001-01-01"), texts)
        return st.one_of(texts, numbers.map(str))
    if kind in ("integer", "number"):
        return numbers
    if kind == "boolean":
        return st.one_of(st.booleans(), numbers)
    if kind == "array":
        items = node.get("items", {})
        return st.lists(from_schema(items, depth + 1), max_size=3)
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        if not props:  # a free-form document (a draft's payload, a job's params)
            return st.one_of(st.dictionaries(texts, any_json, max_size=4), deep.map(
                lambda d: {"k": d}))
        required = [k for k in node.get("required", []) if k in props]
        optional = {k: v for k, v in props.items() if k not in required}
        return st.fixed_dictionaries(
            {k: from_schema(props[k], depth + 1) for k in required},
            optional={k: from_schema(v, depth + 1) for k, v in optional.items()})
    return any_json


def leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The paths (keys and indexes) of the scalar values in ``value``."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaves(v, (*path, i))]
    return [path]


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: replaced(value[head], rest, new)}
    return [replaced(v, rest, new) if i == head else v for i, v in enumerate(value)]


@st.composite
def mutated(draw: st.DrawFn, value: Any, schema: dict[str, Any]) -> Any:
    """A valid request value with one of its values made hostile (or one optional
    property added with a hostile value): the rest stays valid, so the request gets
    past the request model and the business rules to the repository and the
    database."""
    paths = leaves(value)
    path = draw(st.sampled_from(paths))
    old = value
    for step in path:
        old = old[step]
    if isinstance(old, str):
        hostile = draw(st.one_of(texts, texts, texts, wrong))
    elif isinstance(old, bool) or old is None:
        hostile = draw(wrong)
    else:
        hostile = draw(st.one_of(numbers, numbers, wrong))
    top = resolve(schema).get("properties", {})
    absent = sorted(k for k in top if isinstance(value, dict) and k not in value)
    if absent and draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(absent))
        return {**value, key: draw(from_schema(top[key], 1))}
    return replaced(value, path, hostile)


# --- the app ----------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    api: Api
    headers: dict[str, str]
    #: SA's main manager: the Chorus Pro routes reach their methods as a user with
    #: rights there (alice is attached to nothing and would only be refused).
    chorus_headers: dict[str, str]

    def headers_for(self, op: dict[str, Any]) -> dict[str, str]:
        return self.chorus_headers if op["operationId"].startswith("chorus_") \
            else self.headers


@pytest.fixture(scope="module", params=SQL_BACKENDS)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp: Path = tmp_path_factory.mktemp("hostile")
    engines = _sqlite_engine(tmp) if request.param == "sqlite" else _pg_engine()
    engine = next(engines)
    try:
        migrations.upgrade(engine)
        ids = dict(dataset.build(engine))
        clock = FixedClock(dataset.NOW)
        token, _ = identity.create_token(engine, "alice", clock=clock, expires_in_days=None)
        with shared_app(engine, clock) as app, \
                TestClient(app, raise_server_exceptions=False) as client:
            api = Api(client, engine, ids, clock)
            # A claim, a document, an extension, a job, an import and a bulk import of
            # contract A (as test_api_security's fixture makes them), so that every
            # route taking an id reaches its repository method.
            ids["claim:A"] = _claim(api, "alice", "A", "beta")
            ids["doc:A"] = api.repo("alice").claims.add_document(ids["claim:A"], "a.pdf", PDF,
                                                                 "other").id
            ids["ext:A"] = api.repo("alice").extensions.request(_extension(api, "A", "gamma")).id
            alice = SqlRepository(engine, "alice", clock)
            ids["job:A"] = alice.jobs.queue("export.portfolio", {"contract_id": ids["A"]}).id
            ids["import:A"] = alice.imports.run("client_references", ids["A"], "refs.csv",
                                                REFERENCES_CSV, ImportMode.PER_LINE).id
            ids["bulk:A"] = alice.bulk.start(ids["A"], "orders.csv", BULK_CSV).bulk_import.id
            ids.update(personal_items(alice, ids, "A"))
            ids.update(insurer_requests(api, "alice", "A", "alpha"))
            ids.update(chorus_targets(api, ("A",)))
            ids.update(accounting_targets(api, ("A",)))
            chorus_token, _ = identity.create_token(engine, "chorus-sa", clock=clock,
                                                    expires_in_days=None)
            yield Server(request.param, api, {"Authorization": f"Bearer {token}"},
                         {"Authorization": f"Bearer {chorus_token}"})
    finally:
        next(engines, None)


def query_string(query: dict[str, Any]) -> str:
    """Percent-encoded UTF-8, a lone surrogate included (``surrogatepass``); a list
    repeats its parameter."""
    pairs = [(name, item) for name, value in query.items() if value is not None
             for item in (value if isinstance(value, list) else [value])]
    return "&".join(f"{name}={quote(str(item), safe='', errors='surrogatepass')}"
                    for name, item in pairs)


def url_of(server: Server, path: str, path_values: dict[str, Any],
           query: dict[str, Any]) -> str:
    """The path with contract A's ids (``test_api_security.path_ids``) where
    ``path_values`` has None, else the hostile value drawn; then the query."""
    real = path_ids(server.api, path, "A").split("/")

    def value(match: re.Match[str]) -> str:
        drawn = path_values.get(match.group(1))
        return "" if drawn is None else quote(str(drawn), safe="", errors="surrogatepass")

    drawn_parts = re.sub(r"\{(\w+)\}", value, path).split("/")
    url = "/".join(d if "{" in p and d else r
                   for p, d, r in zip(path.split("/"), drawn_parts, real, strict=True))
    if query:
        url += "?" + query_string(query)
    return url


def request_of(server: Server, op: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Path values (None: contract A's real id), query parameters and a body for
    ``op``: mostly the valid sample of ``test_api_security.sample`` with hostile
    leaves, sometimes built from the schema alone."""
    queries, valid_body, raw = sample(server.api, op["operationId"], "A")
    path_values, query = {}, {}
    for param in op.get("parameters", []):
        schema = resolve(param.get("schema", {}))
        if param["in"] == "path":
            # One request in eight tries a hostile id; the others reach the method.
            path_values[param["name"]] = st.integers(0, 7).flatmap(
                lambda i: st.one_of(numbers, texts) if i == 0 else st.none())
        elif param["in"] == "query":
            shaped = st.lists(texts, max_size=2) if schema.get("type") == "array" \
                else st.one_of(_shaped(schema, 1), texts, numbers)
            valid = queries.get(param["name"])
            query[param["name"]] = shaped if valid is None else st.one_of(
                mutated(valid, schema), mutated(valid, schema), shaped)
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = content["application/json"].get("schema", {})
        body: st.SearchStrategy[Any] = from_schema(schema) if valid_body is None else \
            st.one_of(mutated(valid_body, schema), mutated(valid_body, schema),
                      mutated(valid_body, schema), from_schema(schema))
    elif "multipart/form-data" in content and op["operationId"] in MULTIPART:
        body = form_of(server, op["operationId"])
    elif content:
        body = st.one_of(st.just(raw or b""), st.binary(max_size=200))
    else:
        body = st.none()
    required = {k: v for k, v in query.items() if k in queries}
    optional = {k: v for k, v in query.items() if k not in queries}
    return st.fixed_dictionaries({"path": st.fixed_dictionaries(path_values),
                                  "query": st.fixed_dictionaries(required, optional=optional),
                                  "body": body})


@dataclass
class Form:
    """A multipart body: JSON parts by name and the files (part, name, content)."""

    data: dict[str, Any]
    files: list[tuple[str, str, bytes]]


#: File names a form may carry (a lone surrogate cannot be sent in a part's header).
FILE_NAMES = ["facture.pdf", "x" * 51 + ".pdf", "a.exe", "../../etc/passwd",
              *[t for t in HOSTILE_TEXTS if t.encode("utf-8", "replace").decode() == t]]


def form_of(server: Server, name: str) -> st.SearchStrategy[Form]:
    """The valid form of ``test_api_security.MULTIPART`` with a hostile leaf in its JSON
    part, hostile file names or contents (the multipart routes' own refusal of any
    other media type is the MediaTypeGate's, tried with raw bytes elsewhere)."""
    fields, files = MULTIPART[name](server.api, "A")
    valid = {k: json.loads(v) for k, v in fields.items()}
    data = st.fixed_dictionaries({k: st.one_of(st.just(v), mutated(v, {}), wrong)
                                  for k, v in valid.items()})
    drawn_files = st.lists(st.tuples(
        st.sampled_from([part for part, _file in files] or ["files"]),
        st.sampled_from(FILE_NAMES),
        st.one_of(st.sampled_from([file[1] for _part, file in files] or [b""]),
                  st.binary(max_size=200))), max_size=3)
    return st.builds(Form, data, drawn_files)


def send(server: Server, method: str, path: str, op: dict[str, Any],
         drawn: dict[str, Any]) -> tuple[int, str, str]:
    url = url_of(server, path, drawn["path"], drawn["query"])
    body = drawn["body"]
    if isinstance(body, Form):
        response = server.api.client.request(
            method, url, data={k: json.dumps(v) for k, v in body.data.items()},
            files=[(part, (name, content)) for part, name, content in body.files],
            headers=server.headers_for(op))
        return response.status_code, url, repr(body)[:500]
    if isinstance(body, bytes):
        content, kind = body, "application/octet-stream"
    elif body is None and "requestBody" not in op:
        content, kind = b"", "application/json"
    else:
        # json.dumps escapes surrogates (\ud800) and writes NaN/Infinity, as a careless
        # client would; the C encoder has no depth limit to trip over here.
        content, kind = json.dumps(body).encode(), "application/json"
    response = server.api.client.request(method, url, content=content,
                                     headers={**server.headers_for(op), "Content-Type": kind})
    return response.status_code, url, content[:500].decode("utf-8", "replace")


@pytest.mark.parametrize(("method", "path", "op"), WRITE_ROUTES + READ_ROUTES,
                         ids=[f"{m.upper()} {p}" for m, p, _ in WRITE_ROUTES + READ_ROUTES])
def test_a_route_never_answers_5xx(server: Server, method: str, path: str,
                                   op: dict[str, Any]) -> None:
    @settings(max_examples=EXAMPLES if method in WRITE_METHODS else EXAMPLES // 2,
              deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(drawn=request_of(server, op))
    def check(drawn: dict[str, Any]) -> None:
        status, url, sent = send(server, method, path, op, drawn)
        assert status < 500, f"{server.name}: {method.upper()} {url} {sent!r} -> {status}"

    check()


def test_every_write_route_is_tried() -> None:
    names = {op["operationId"] for _, _, op in WRITE_ROUTES}
    assert {"companies.create", "claims.submit", "drafts.save", "extensions.request",
            "products.request", "claims.add_document", "imports.run"} <= names
    assert len(WRITE_ROUTES) >= 30
