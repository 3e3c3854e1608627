"""Secret references and ``[chorus_pro]`` (issue 19 item 6): a secret is never written
in clear — refused at load naming the file and key, and never echoed —; a missing
variable, a missing keyring entry or no keyring at all say what to do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from keyring.backend import KeyringBackend
from keyring.backends import fail

from cofatui.chorus_pro import secrets
from cofatui.chorus_pro.errors import ChorusProBadSetting
from cofatui.chorus_pro.settings import API_URLS, TOKEN_URLS, ChorusProSettings
from cofatui.config import (
    Settings,
    SettingsError,
    load_settings,
    parse_settings,
    settings_to_dict,
)


class MemoryKeyring(KeyringBackend):
    """An OS keyring for the tests: a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    # What a headless server has.
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        yield
    finally:
        keyring.set_keyring(before)


# --- references -------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["env:PISTE_SECRET", "env:_x1", "keyring:cofatui/piste",
                                 "keyring:cofatui-chorus/TECH_x@cpro.fr"])
def test_references_are_accepted(ref: str) -> None:
    secrets.check_reference(ref)
    assert secrets.is_reference(ref)


@pytest.mark.parametrize("ref", ["", "s3cr3t", "env:", "env:1ABC", "env:A-B", "keyring:",
                                 "keyring:service", "keyring:/user", "keyring:service/",
                                 "ENV:X", "file:/etc/secret"])
def test_anything_else_is_refused_as_a_clear_secret(ref: str) -> None:
    with pytest.raises(secrets.NotAReference) as refused:
        secrets.check_reference(ref)
    assert refused.value.code == "chorus_pro.secret_not_reference"
    assert refused.value.at("password_ref").field == "password_ref"
    assert "env:NAME" in refused.value.text("en")
    assert "env:NOM" in refused.value.text("fr")


@given(st.text(min_size=1).filter(lambda t: not t.strip().startswith(("env:", "keyring:"))))
def test_a_refused_value_is_never_echoed(value: str) -> None:
    with pytest.raises(secrets.NotAReference) as refused:
        secrets.check_reference(value)
    # Nothing of the value reaches the refusal: no parameter, the same words for all.
    assert refused.value.params == {}
    for language in ("en", "fr"):
        assert refused.value.text(language) == secrets.NotAReference().text(language)


def test_an_env_reference_resolves_to_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PISTE_SECRET", "abc")
    assert secrets.resolve("env:PISTE_SECRET") == "abc"


def test_a_missing_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PISTE_SECRET", raising=False)
    with pytest.raises(ChorusProBadSetting) as missing:
        secrets.resolve("env:PISTE_SECRET")
    assert missing.value.text("en") == ("The environment variable PISTE_SECRET is not set "
                                        "in the process that runs the jobs")
    assert "PISTE_SECRET" in missing.value.text("fr")


def test_no_keyring_says_to_use_an_environment_variable(no_keyring: None) -> None:
    for call in (lambda: secrets.resolve("keyring:cofatui/piste"),
                 lambda: secrets.store("keyring:cofatui/piste", "abc")):
        with pytest.raises(ChorusProBadSetting) as refused:
            call()
        assert refused.value.text("en") == "No OS keyring here: use env:NAME"
        assert refused.value.text("fr") == "Pas de trousseau du système ici : utilisez env:NOM"


def test_a_stored_secret_resolves_and_a_missing_one_says_how_to_store_it(
        memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ChorusProBadSetting) as missing:
        secrets.resolve("keyring:cofatui/TECH_x")
    assert "cofatui chorus connector store-secret keyring:cofatui/TECH_x" in \
        missing.value.text("en")
    secrets.store("keyring:cofatui/TECH_x", "pa55")
    assert memory_keyring.items == {("cofatui", "TECH_x"): "pa55"}
    assert secrets.resolve("keyring:cofatui/TECH_x") == "pa55"


def test_only_a_keyring_reference_can_be_stored(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ChorusProBadSetting) as refused:
        secrets.store("env:PISTE_SECRET", "abc")
    assert refused.value.code == "chorus_pro.store_needs_keyring"
    with pytest.raises(ChorusProBadSetting) as empty:
        secrets.store("keyring:cofatui/x", "")
    assert empty.value.code == "chorus_pro.secret_empty"
    with pytest.raises(secrets.NotAReference):
        secrets.store("abc", "abc")
    assert memory_keyring.items == {}


# --- [chorus_pro] -----------------------------------------------------------------------


def test_without_the_table_there_is_no_connector() -> None:
    assert Settings().chorus_pro is None
    assert parse_settings("language = 'fr'\n").chorus_pro is None


@pytest.mark.parametrize("environment", ["sandbox", "production"])
def test_the_environment_gives_the_urls(environment: str) -> None:
    s = parse_settings(f"[chorus_pro]\nenvironment = '{environment}'\nclient_id = 'id'\n"
                       "client_secret = 'env:PISTE_SECRET'\n").chorus_pro
    assert s is not None and s.configured
    assert s.token_url == TOKEN_URLS[environment]  # type: ignore[index]
    assert s.api_url == API_URLS[environment]  # type: ignore[index]
    assert s.timeout == 30


def test_urls_and_timeout_can_be_overridden_and_are_saved_back(tmp_path: Path) -> None:
    text = ("[chorus_pro]\ntoken_url = 'http://127.0.0.1:8999/api/oauth/token'\n"
            "api_url = 'http://127.0.0.1:8999/cpro'\nclient_id = 'id'\n"
            "client_secret = 'keyring:cofatui/piste'\ntimeout = 2.5\n")
    s = parse_settings(text)
    assert s.chorus_pro == ChorusProSettings(
        token_url="http://127.0.0.1:8999/api/oauth/token",
        api_url="http://127.0.0.1:8999/cpro/", client_id="id",
        client_secret="keyring:cofatui/piste", timeout=2.5)
    assert parse_settings(tomli_w.dumps(settings_to_dict(s))) == s
    # A default URL is not written: changing the environment later changes both.
    plain = parse_settings("[chorus_pro]\nenvironment = 'production'\n")
    assert settings_to_dict(plain)["chorus_pro"] == {"environment": "production"}
    # Settings built in code are checked the same way.
    with pytest.raises(SettingsError):
        Settings(chorus_pro=ChorusProSettings(client_secret="clear"))


def test_a_clear_secret_is_refused_at_load_naming_the_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("language = 'en'\n\n[chorus_pro]\nclient_id = 'id'\n"
                    "client_secret = 'Sup3r-S3cret!'\n", encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings(path)
    for language in ("en", "fr"):
        said = refused.value.text(language)
        assert str(path) in said and "chorus_pro.client_secret" in said
        assert "Sup3r-S3cret!" not in said + repr(refused.value)
    assert "line 5" in refused.value.text("en")
    assert "env:NAME" in refused.value.text("en")


@pytest.mark.parametrize(("text", "said"), [
    ("environment = 'test'", "key 'chorus_pro.environment': expected one of 'sandbox', "
                             "'production'"),
    ("timeout = 0", "key 'chorus_pro.timeout': expected a number of seconds from 1 to 300"),
    ("timeout = true", "key 'chorus_pro.timeout'"),
    ("api_url = 'ftp://x'", "key 'chorus_pro.api_url'"),
    ("client_secret = 12", "key 'chorus_pro.client_secret'"),
    ("secret = 'env:X'", "unknown key 'chorus_pro.secret'"),
])
def test_other_mistakes_in_the_table_are_named(text: str, said: str) -> None:
    with pytest.raises(SettingsError) as refused:
        parse_settings(f"[chorus_pro]\n{text}\n")
    assert said in refused.value.text("en")


def test_the_secret_is_not_in_the_settings_repr() -> None:
    s = ChorusProSettings(client_id="id", client_secret="env:PISTE_SECRET")
    assert "PISTE_SECRET" not in repr(s)


_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True)
_references = st.one_of(
    _names.map(lambda n: f"env:{n}"),
    st.tuples(_names, _names).map(lambda p: f"keyring:{p[0]}/{p[1]}"))
_urls = st.one_of(st.just(""), st.from_regex(
    r"https?://[a-z0-9.-]{1,20}(:[0-9]{2,5})?/[a-z/]{0,10}", fullmatch=True))


@given(environment=st.sampled_from(["sandbox", "production"]), token_url=_urls,
       api_url=_urls, client_id=st.one_of(st.just(""), _names), secret=_references,
       timeout=st.one_of(st.integers(1, 300), st.floats(1, 300)))
def test_any_valid_table_is_saved_and_read_back_the_same(
        environment: str, token_url: str, api_url: str, client_id: str, secret: str,
        timeout: float) -> None:
    table: dict[str, object] = {"environment": environment, "client_secret": secret,
                                "timeout": timeout}
    table.update({k: v for k, v in (("token_url", token_url), ("api_url", api_url),
                                    ("client_id", client_id)) if v})
    s = parse_settings(tomli_w.dumps({"chorus_pro": table}))
    assert s.chorus_pro is not None
    assert s.chorus_pro.api_url.endswith("/")
    assert parse_settings(tomli_w.dumps(settings_to_dict(s))) == s
