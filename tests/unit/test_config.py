"""User settings: defaults, TOML round trip, and every way a settings file can be wrong."""

from __future__ import annotations

import locale
import os
import stat
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from cofatui import config
from cofatui.config import (
    Settings,
    SettingsError,
    Threshold,
    load_settings,
    parse_settings,
    save_settings,
    settings_to_dict,
)
from cofatui.errors import CofaError

LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test starts from an English locale and private directories."""
    for name in LOCALE_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.setenv("COFATUI_CONFIG_DIR", str(tmp_path / "conf"))
    monkeypatch.setenv("COFATUI_DATA_DIR", str(tmp_path / "data"))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- defaults


def test_defaults() -> None:
    s = Settings()
    assert s.home_screen == "home"
    assert s.default_contract is None
    assert s.language == "en"
    assert s.default_country == "FRA"
    assert s.show_non_latin_names is False
    assert s.imminent_end_days == 30
    assert s.show_crs_number is False
    assert s.email_digest is False
    assert s.notification_thresholds == {}
    assert s.favourites == ()
    assert s.theme == "cofatui-dark"
    assert s.date_order == "DMY"
    assert s.keymap == {}
    assert (s.db_url, s.api_url, s.api_token, s.user) == (None, None, None, None)


def test_missing_file_gives_defaults_and_creates_nothing(tmp_path: Path) -> None:
    assert load_settings() == Settings()
    assert load_settings(tmp_path / "nowhere" / "config.toml") == Settings()
    assert not (tmp_path / "conf").exists()
    assert not (tmp_path / "nowhere").exists()


def test_default_path_is_in_the_config_directory(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    write(tmp_path / "conf" / "config.toml", 'theme = "nord"\n')
    assert load_settings().theme == "nord"
    saved = save_settings(Settings(imminent_end_days=7))
    assert saved == tmp_path / "conf" / "config.toml"
    assert load_settings().imminent_end_days == 7


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path / "c.toml", "")) == Settings()


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path / "c.toml", """
home_screen = "portfolio"
default_contract = "  123456  "
language = "fr"
default_country = "DEU"
show_non_latin_names = true
imminent_end_days = 365
show_crs_number = true
email_digest = true
favourites = ["A1", 42, "A1"]
theme = "textual-light"
date_order = "MDY"
db_url = "postgresql+psycopg://127.0.0.1/test"
api_url = "https://cofa.example.com"
api_token = "s3cret"
user = "alice"

[notification_thresholds.CRL]
increase = 10000
decrease = "2500.00"

[notification_thresholds.RSM]
decrease = 0

[keymap]
"app.quit" = "ctrl+q"
search = "ctrl+f,f3"
""")
    s = load_settings(path)
    assert s.home_screen == "portfolio"
    assert s.default_contract == "123456"
    assert s.language == "fr"
    assert s.default_country == "DEU"
    assert s.show_non_latin_names and s.show_crs_number and s.email_digest
    assert s.imminent_end_days == 365
    assert s.favourites == ("A1", "42")
    assert s.theme == "textual-light"
    assert s.date_order == "MDY"
    assert s.notification_thresholds == {"CRL": Threshold(10000, 2500),
                                         "RSM": Threshold(None, 0)}
    assert s.keymap == {"app.quit": "ctrl+q", "search": "ctrl+f,f3"}
    assert s.db_url == "postgresql+psycopg://127.0.0.1/test"
    assert s.api_url == "https://cofa.example.com"
    assert s.api_token == "s3cret"
    assert s.user == "alice"


def test_empty_strings_mean_not_set(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path / "c.toml", 'default_contract = ""\nuser = "  "\n'))
    assert s.default_contract is None and s.user is None


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b"\xef\xbb\xbfimminent_end_days = 12\n")
    assert load_settings(path).imminent_end_days == 12


# ---------------------------------------------------------------- language from the locale


@pytest.mark.parametrize(("var", "value", "expected"), [
    ("LANG", "fr_FR.UTF-8", "fr"),
    ("LANG", "fr_CA", "fr"),
    ("LANG", "en_US.UTF-8", "en"),
    ("LANG", "de_DE.UTF-8", "en"),
    ("LANG", "C.UTF-8", "en"),
    ("LC_ALL", "fr_BE.UTF-8", "fr"),
    ("LC_MESSAGES", "fr_FR", "fr"),
    ("LANGUAGE", "fr:en", "fr"),
])
def test_language_follows_the_environment(var: str, value: str, expected: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANG")
    monkeypatch.setenv(var, value)
    assert config.default_language() == expected
    assert Settings().language == expected
    assert load_settings().language == expected


def test_lc_all_wins_over_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert Settings().language == "fr"


@pytest.mark.parametrize(("name", "expected"), [
    (("fr_FR", "UTF-8"), "fr"),
    (("French_France", "1252"), "fr"),
    (("en_US", "UTF-8"), "en"),
    ((None, None), "en"),
])
def test_language_falls_back_to_the_locale_module(name: tuple[str | None, str | None],
                                                  expected: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANG")
    monkeypatch.setattr(locale, "getlocale", lambda *args: name)
    assert config.default_language() == expected


def test_explicit_language_beats_the_locale(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert load_settings(write(tmp_path / "c.toml", 'language = "en"\n')).language == "en"


# ---------------------------------------------------------------- round trip


safe_text = st.text(max_size=20).map(str.strip).filter(bool)
amount = st.none() | st.integers(min_value=0, max_value=config.MAX_THRESHOLD)
product_code = st.from_regex(r"[A-Z][A-Z0-9]{1,9}", fullmatch=True)

valid_settings = st.builds(
    Settings,
    home_screen=st.sampled_from(config.HOME_SCREENS),
    default_contract=st.none() | safe_text,
    language=st.sampled_from(config.LANGUAGES),
    default_country=st.from_regex(r"[A-Z0-9]{3}", fullmatch=True),
    show_non_latin_names=st.booleans(),
    imminent_end_days=st.integers(min_value=1, max_value=365),
    show_crs_number=st.booleans(),
    email_digest=st.booleans(),
    notification_thresholds=st.dictionaries(product_code, st.builds(Threshold, amount, amount),
                                            max_size=4),
    favourites=st.lists(safe_text, max_size=5).map(tuple),
    theme=safe_text,
    date_order=st.sampled_from(config.DATE_ORDERS),
    keymap=st.dictionaries(safe_text, safe_text, max_size=4),
    db_url=st.none() | safe_text.map(lambda s: "sqlite:///" + s),
    api_url=st.none() | safe_text.map(lambda s: "https://" + s),
    api_token=st.none() | safe_text,
    user=st.none() | safe_text,
)


@settings(max_examples=150, deadline=None)
@given(valid_settings)
def test_save_then_load_gives_the_same_settings(s: Settings) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sub" / "config.toml"
        assert save_settings(s, path) == path
        assert load_settings(path) == s
        # Saving again over our own file works and changes nothing.
        save_settings(s, path)
        assert load_settings(path) == s


@settings(max_examples=150, deadline=None)
@given(valid_settings)
def test_dict_form_is_toml_without_nulls(s: Settings) -> None:
    data = settings_to_dict(s)
    assert None not in data.values()
    assert parse_settings(tomli_w.dumps(data)) == s


def test_none_and_empty_values_are_left_out() -> None:
    data = settings_to_dict(Settings(language="fr"))
    assert data == {
        "home_screen": "home", "language": "fr", "default_country": "FRA",
        "show_non_latin_names": False, "imminent_end_days": 30, "show_crs_number": False,
        "email_digest": False, "theme": "cofatui-dark", "date_order": "DMY",
    }
    data = settings_to_dict(Settings(
        notification_thresholds={"CRL": Threshold(increase=5)}, favourites=("1",)))
    assert data["notification_thresholds"] == {"CRL": {"increase": 5}}
    assert data["favourites"] == ["1"]


# ---------------------------------------------------------------- with_changes and direct building


def test_with_changes_returns_a_checked_copy() -> None:
    before = Settings()
    after = before.with_changes(imminent_end_days=60, favourites=["9", 9, " 8 "],
                                notification_thresholds={"CCO": {"increase": Decimal("100")}})
    assert before.imminent_end_days == 30 and before.favourites == ()
    assert after.imminent_end_days == 60
    assert after.favourites == ("9", "8")
    assert after.notification_thresholds == {"CCO": Threshold(increase=100)}


def test_with_changes_refuses_unknown_and_invalid_values() -> None:
    s = Settings()
    with pytest.raises(SettingsError, match="unknown key 'colour'"):
        s.with_changes(colour="red")
    with pytest.raises(SettingsError, match="key 'imminent_end_days': expected a whole number "
                                            "from 1 to 365, got 0"):
        s.with_changes(imminent_end_days=0)
    with pytest.raises(SettingsError, match="key 'language': expected one of 'fr', 'en'"):
        s.with_changes(language="de")


def test_an_invalid_setting_is_a_code_with_parameters_and_reads_in_french() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings().with_changes(colour="red")
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("colour", "settings.unknown_key")]
    assert caught.value.text("fr") == "clé inconnue 'colour'"
    with pytest.raises(SettingsError) as caught:
        Settings().with_changes(imminent_end_days=0)
    error = caught.value
    assert error.code == "settings.invalid"
    assert [(e.field, e.code) for e in error.errors] == [
        ("imminent_end_days", "settings.expected_got")]
    assert error.text("fr") == \
        "clé 'imminent_end_days' : attendu : un nombre entier de 1 à 365 ; trouvé : 0"


def test_building_directly_is_checked_too() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings(default_country="fra", date_order="YMD")  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == ["default_country", "date_order"]
    assert caught.value.path is None
    assert isinstance(caught.value, CofaError)


def test_settings_are_immutable() -> None:
    with pytest.raises(AttributeError):
        Settings().theme = "x"  # type: ignore[misc]


def test_api_token_is_never_shown() -> None:
    s = Settings(api_token="s3cret")
    assert "s3cret" not in repr(s)
    with pytest.raises(SettingsError) as caught:
        Settings(api_token=123456789)  # type: ignore[arg-type]
    assert "123456789" not in str(caught.value)


# ---------------------------------------------------------------- bad files


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'theme = "nord"\n\nimminent_end_days = = 4\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    error = caught.value
    assert str(error).startswith(f"{path}, line 3, column 21: not valid TOML: ")
    assert error.line == 3 and error.column == 21
    assert error.path == path


def test_syntax_error_at_end_of_file_names_the_last_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'theme = "nord"\nuser = "bob')
    with pytest.raises(SettingsError, match=r"config\.toml, line 2 \(end of file\): not valid "
                                            r"TOML: Unterminated string"):
        load_settings(path)


def test_duplicate_key_is_a_syntax_error(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "imminent_end_days = 3\nimminent_end_days = 4\n")
    with pytest.raises(SettingsError, match="not valid TOML: Cannot overwrite a value"):
        load_settings(path)


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", 'theme = "nord"\n\nimminent_end_day = 3\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == (f"{path}, line 3: unknown key 'imminent_end_day' "
                                 "(did you mean 'imminent_end_days'?)")
    assert caught.value.errors[0].field == "imminent_end_day"


def test_unknown_table_and_nested_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml",
                 '[colours]\nred = 1\n\n[notification_thresholds.CRL]\nincrese = 5\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).splitlines() == [
        f"{path}, line 1: unknown key 'colours'",
        f"{path}, line 5: unknown key 'notification_thresholds.CRL.increse' "
        "(did you mean 'increase'?)",
    ]


def test_every_problem_is_reported_in_file_order(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "\n".join([
        'theme = "nord"',
        "show_crs_number = 1",
        "foo = 2",
        "imminent_end_days = 400",
    ]))
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (2, "show_crs_number"), (3, "foo"), (4, "imminent_end_days")]
    assert str(caught.value).splitlines()[2] == (
        f"{path}, line 4, key 'imminent_end_days': "
        "expected a whole number from 1 to 365, got 400")


@pytest.mark.parametrize(("line", "key", "expected"), [
    ('home_screen = "dashboard"', "home_screen", "expected one of 'home', 'portfolio'"),
    ("default_contract = 123", "default_contract", "expected a policy number"),
    ('language = "de"', "language", "expected one of 'fr', 'en', got 'de'"),
    ('default_country = "fra"', "default_country", "expected a 3-character country code"),
    ('default_country = "FRAN"', "default_country", "expected a 3-character country code"),
    ('show_non_latin_names = "yes"', "show_non_latin_names", "expected true or false"),
    ("imminent_end_days = 0", "imminent_end_days", "from 1 to 365, got 0"),
    ("imminent_end_days = 366", "imminent_end_days", "from 1 to 365, got 366"),
    ("imminent_end_days = 30.0", "imminent_end_days", "from 1 to 365, got 30.0"),
    ('imminent_end_days = "30"', "imminent_end_days", "from 1 to 365, got '30'"),
    ("imminent_end_days = true", "imminent_end_days", "from 1 to 365, got true"),
    ("show_crs_number = 1", "show_crs_number", "expected true or false, got 1"),
    ("email_digest = []", "email_digest", "expected true or false, got a list"),
    ("notification_thresholds = 5", "notification_thresholds", "expected a table"),
    ("notification_thresholds.crl.increase = 5", "notification_thresholds.crl",
     "expected a product code in capitals"),
    ("notification_thresholds.CRL = 5", "notification_thresholds.CRL",
     "expected a table with 'increase' and/or 'decrease'"),
    ("notification_thresholds.CRL.increase = -1", "notification_thresholds.CRL.increase",
     "expected a whole amount of 0 or more"),
    ("notification_thresholds.CRL.decrease = 2.5", "notification_thresholds.CRL.decrease",
     "expected a whole amount of 0 or more"),
    ('notification_thresholds.CRL.decrease = "2.5"', "notification_thresholds.CRL.decrease",
     "expected a whole amount of 0 or more"),
    ('notification_thresholds.CRL.decrease = "1e999999999"',
     "notification_thresholds.CRL.decrease", "expected a whole amount of 0 or more"),
    ('favourites = "123"', "favourites", "expected a list of company ids"),
    ('favourites = ["1", ""]', "favourites", "expected a list of company ids"),
    ("favourites = [true]", "favourites", "expected a list of company ids"),
    ("theme = 3", "theme", "expected a theme name"),
    ('theme = ""', "theme", "expected a theme name"),
    ('date_order = "YMD"', "date_order", "expected one of 'DMY', 'MDY'"),
    ('keymap = "ctrl+q"', "keymap", "expected a table of binding ids"),
    ('keymap."app.quit" = 3', 'keymap."app.quit"', "expected a key or comma-separated keys"),
    ('db_url = "cofatui.sqlite"', "db_url", "expected a database URL"),
    ('api_url = "cofa.example.com"', "api_url", "expected an http:// or https:// address"),
    ("user = false", "user", "expected a login name"),
])
def test_bad_values_name_file_line_key_and_expectation(line: str, key: str, expected: str,
                                                       tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", f'# my settings\napi_token = "t"\n\n{line}\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line 4, key '{key}': ")
    assert expected in message
    assert caught.value.errors[0].line == 4


def test_bad_value_in_a_table_points_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "\n".join([
        "[notification_thresholds.CRL]",
        "increase = 10",
        "",
        "[notification_thresholds.RSM]",
        "increase = 1",
        'decrease = "lots"',
        "",
        "[keymap]",
        '"app.quit" = ""',
    ]))
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (6, "notification_thresholds.RSM.decrease"), (9, 'keymap."app.quit"')]


def test_bad_value_in_an_inline_table_points_at_the_table(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml",
                 'theme = "x"\nnotification_thresholds = { CRL = { increase = "x" } }\n')
    with pytest.raises(SettingsError, match=r"line 2, key 'notification_thresholds\.CRL\."
                                            r"increase'"):
        load_settings(path)


def test_a_directory_at_the_config_path_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    with pytest.raises(SettingsError, match=r"config\.toml: cannot read the settings: "
                                            "this is a directory"):
        load_settings(path)


def test_a_path_through_a_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "conf", "I am a file")
    with pytest.raises(SettingsError, match="cannot read the settings"):
        load_settings(tmp_path / "conf" / "config.toml")


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'theme = "nord"\nuser = "caf\xe9"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}, line 2, column 12: the file is not UTF-8 text"
    assert caught.value.line == 2


# ---------------------------------------------------------------- saving


BAD_FILES = {
    "syntax": b"theme = = 1\n",
    "unknown key": b"colour = 'red'\n# my precious comment\n",
    "bad value": b"imminent_end_days = 0\n",
    "not utf-8": b"user = 'caf\xe9'\n",
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_an_invalid_file_is_never_overwritten(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(SettingsError, match=r"was not saved over because it is not a valid "
                                            r"settings file") as caught:
        save_settings(Settings(theme="new"), path)
    assert caught.value.errors  # the reason travels with the refusal
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_a_directory_at_the_path_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    (path / "keep").write_text("x")
    with pytest.raises(SettingsError, match="was not saved over"):
        save_settings(Settings(), path)
    assert (path / "keep").read_text() == "x"


def test_save_replaces_a_valid_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", "# hand written\nimminent_end_days = 10\n")
    previous = load_settings(path)
    save_settings(previous.with_changes(theme="nord"), path)
    reloaded = load_settings(path)
    assert reloaded.imminent_end_days == 10 and reloaded.theme == "nord"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]
    assert path.read_text(encoding="utf-8").startswith("# cofatui settings.")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_saved_file_is_private(tmp_path: Path) -> None:
    path = save_settings(Settings(api_token="s3cret"), tmp_path / "config.toml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_save_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "dotfiles").mkdir()
    real = write(tmp_path / "dotfiles" / "cofatui.toml", 'theme = "a"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(real)
    assert save_settings(Settings(theme="b"), link) == real
    assert link.is_symlink()
    assert load_settings(real).theme == "b"


def test_failed_write_keeps_the_old_file_and_cleans_up(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "config.toml", 'theme = "old"\n')

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SettingsError, match=r"config\.toml: cannot save the settings: "
                                            "Permission denied"):
        save_settings(Settings(theme="new"), path)
    assert path.read_text() == 'theme = "old"\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_save_reports_an_uncreatable_directory(tmp_path: Path) -> None:
    write(tmp_path / "conf", "a file where the directory should be")
    with pytest.raises(SettingsError, match="cannot save the settings: Cannot create directory"):
        save_settings(Settings(), tmp_path / "conf" / "config.toml")


def test_loading_stays_cheap(tmp_path: Path) -> None:
    """Settings are read before the first frame: no tomli-w, no platformdirs."""
    code = ("import sys\nfrom cofatui.config import load_settings\nload_settings()\n"
            "print(sorted(m for m in ('tomli_w', 'platformdirs') if m in sys.modules))")
    env = dict(os.environ, COFATUI_CONFIG_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
