"""Typed user settings, stored as TOML in the user's config directory.

Reading runs before the first frame, so this module imports only the standard library
(tomli-w is imported when saving). Every value is checked when a :class:`Settings` is
built, whichever way it is built: a file, ``Settings(...)`` or ``with_changes``. A bad
file raises :class:`SettingsError` naming the file, the line and the key. It is never
overwritten: the user's hand edits are worth more than our defaults.
"""

from __future__ import annotations

import locale
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from cofatui import locations
from cofatui.chorus_pro import settings as chorus_pro_settings
from cofatui.chorus_pro.secrets import is_reference
from cofatui.chorus_pro.settings import ChorusProSettings
from cofatui.errors import CofaError, FieldError, message_text
from cofatui.i18n.messages import Term

HomeScreen = Literal["home", "portfolio"]
Language = Literal["fr", "en"]
DateOrder = Literal["DMY", "MDY"]
MailSecurity = Literal["starttls", "tls", "none"]

HOME_SCREENS: tuple[HomeScreen, ...] = ("home", "portfolio")
LANGUAGES: tuple[Language, ...] = ("fr", "en")
DATE_ORDERS: tuple[DateOrder, ...] = ("DMY", "MDY")
DEFAULT_THEME = "cofatui-dark"
DEFAULT_COUNTRY = "FRA"
IMMINENT_END_DAYS_RANGE = (1, 365)
THRESHOLD_KINDS = ("increase", "decrease")
MAX_THRESHOLD = 2**63 - 1  # the largest integer TOML can hold

_COUNTRY_RE = re.compile(r"[A-Z0-9]{3}")
_PRODUCT_CODE_RE = re.compile(r"[A-Z][A-Z0-9]{1,9}")

_FILE_HEADER = (
    "# cofatui settings. Edit by hand or from the Settings screen, which rewrites\n"
    "# this file (comments are not kept).\n\n"
)


#: The code of a SettingsError listing invalid settings (one problem per line).
INVALID = "settings.invalid"
_UNKNOWN_KEY = "settings.unknown_key"


class SettingsError(CofaError):
    """The settings file cannot be read, parsed or saved, or a setting is invalid.

    ``path`` is the file concerned (None for a value set in code); ``errors`` holds one
    :class:`FieldError` per problem (field = dotted key, line = line in the file);
    ``column`` is set for TOML syntax errors; ``cause``: the refusal that prevented a
    save, said after this one. An ``INVALID`` error reads as its problems, one a line,
    each with where it is (file, line, key).
    """

    def __init__(self, code: str, /, *, path: Path | None = None,
                 errors: list[FieldError] | None = None, column: int | None = None,
                 cause: CofaError | None = None, **params: object) -> None:
        super().__init__(code, **params)
        self.path = path
        self.errors: list[FieldError] = list(errors or [])
        self.column = column
        self.cause = cause

    def text(self, language: str | None = None) -> str:
        if self.code == INVALID:
            return "\n".join(self._problem(e, language) for e in self.errors)
        said = super().text(language)
        return said if self.cause is None else f"{said}\n{self.cause.text(language)}"

    def _problem(self, error: FieldError, language: str | None) -> str:
        where = [str(self.path)] if self.path is not None else []
        if error.line is not None:
            where.append(message_text("settings.where.line", {"line": error.line}, language))
        if not error.code.startswith(_UNKNOWN_KEY):
            where.append(message_text("settings.where.key", {"key": error.field}, language))
        detail = error.text(language)
        return message_text("settings.where.problem", {"where": ", ".join(where),
                                                       "detail": detail}, language) \
            if where else detail

    @property
    def line(self) -> int | None:
        """Line of the first problem, when known."""
        return self.errors[0].line if self.errors else None


@dataclass(frozen=True)
class Threshold:
    """Notify only about changes at least this large (None: every change)."""

    increase: int | None = None
    decrease: int | None = None


@dataclass(frozen=True)
class MailSettings:
    """``[mail]``: the SMTP server the outbox delivers through. The password is never
    in the file: ``password_env`` names the environment variable holding it."""

    host: str = ""
    port: int = 587
    security: MailSecurity = "starttls"
    user: str | None = None
    password_env: str | None = None
    sender: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


def default_language() -> Language:
    """French when the user's locale is French, English otherwise."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip()
        if value:
            return _language_of(value)
    try:
        name = locale.getlocale()[0]
    except ValueError:
        name = None
    return _language_of(name or "")


def _language_of(locale_name: str) -> Language:
    # "fr_FR.UTF-8", "fr:en" (LANGUAGE) and Windows' "French_France" all start with "fr".
    return "fr" if locale_name.lower().startswith("fr") else "en"


# ---------------------------------------------------------------- value checking


Key = str | tuple[str, ...]
_BARE_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")


class _Invalid(Exception):
    """One problem with one key: an error code (what was expected, and what came) and
    its parameters."""

    def __init__(self, key: Key, code: str, *, unknown: bool = False,
                 **params: object) -> None:
        super().__init__(code)
        self.parts: tuple[str, ...] = key if isinstance(key, tuple) else (key,)
        self.code = code
        self.params = params
        self.unknown = unknown

    @property
    def key(self) -> str:
        """The dotted key as it would be written in TOML (odd parts quoted)."""
        import json

        return ".".join(p if _BARE_KEY_RE.fullmatch(p) else json.dumps(p, ensure_ascii=False)
                        for p in self.parts)


def _got(value: object) -> Term:
    """What a setting held instead, as the refusals say it."""
    if isinstance(value, bool):
        return Term("errors.settings.got.true" if value else "errors.settings.got.false")
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return Term.of("errors.settings.got.text", value=repr(shown))
    if isinstance(value, int | float | Decimal):
        return Term.of("errors.settings.got.number", value=str(value))
    if isinstance(value, Mapping):
        return Term("errors.settings.got.table")
    if isinstance(value, list | tuple):
        return Term("errors.settings.got.list")
    if value is None:
        return Term("errors.settings.got.nothing")
    return Term.of("errors.settings.got.other", type=type(value).__name__)


def _what(name: str, **params: object) -> Term:
    """What a setting must hold, as the refusals say it (``errors.settings.what.*``)."""
    return Term.of(f"errors.settings.what.{name}", **params)


def _expected(key: Key, what: Term, value: object, *, secret: bool = False) -> _Invalid:
    if secret:
        return _Invalid(key, "settings.expected", what=what)
    return _Invalid(key, "settings.expected_got", what=what, got=_got(value))


Coercer = Callable[[Key, object], object]


def _choice(*options: str) -> Coercer:
    what = _what("one_of", options=", ".join(repr(o) for o in options))

    def coerce(key: Key, value: object) -> object:
        if isinstance(value, str) and value in options:
            return value
        raise _expected(key, what, value)

    return coerce


def _boolean(key: Key, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise _expected(key, _what("true_or_false"), value)


def _whole_number(low: int, high: int) -> Coercer:
    def coerce(key: Key, value: object) -> object:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise _expected(key, _what("whole_number", low=low, high=high), value)

    return coerce


def _optional_text(what: Term, check: Callable[[str], bool] | None = None, *,
                   secret: bool = False) -> Coercer:
    def coerce(key: Key, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, str):
            text = value.strip()
            if not text:
                return None  # `key = ""` reads as "not set"
            if check is None or check(text):
                return text
        raise _expected(key, what, value, secret=secret)

    return coerce


def _required_text(what: Term) -> Coercer:
    def coerce(key: Key, value: object) -> object:
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise _expected(key, what, value)

    return coerce


def _country(key: Key, value: object) -> str:
    if isinstance(value, str) and _COUNTRY_RE.fullmatch(value):
        return value
    raise _expected(key, _what("country"), value)


def _favourites(key: Key, value: object) -> tuple[str, ...]:
    what = _what("favourites")
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise _expected(key, what, value)
    out: dict[str, None] = {}  # ordered, duplicates dropped
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if not isinstance(item, str) or not item.strip():
            raise _expected(key, what, item)
        out[item.strip()] = None
    return tuple(out)


def _amount(key: Key, value: object) -> int | None:
    if value is None:
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str | Decimal):
        with suppress(InvalidOperation, ValueError):
            dec = Decimal(value.strip() if isinstance(value, str) else value)
            # Range first: int(Decimal("1e999999999")) would never finish.
            if dec.is_finite() and 0 <= dec <= MAX_THRESHOLD and dec == dec.to_integral_value():
                number = int(dec)
    if number is not None and 0 <= number <= MAX_THRESHOLD:
        return number
    raise _expected(key, _what("amount"), value)


def _thresholds(key: Key, value: object) -> dict[str, Threshold]:
    if not isinstance(value, Mapping):
        raise _expected(key, _what("thresholds"), value)
    out: dict[str, Threshold] = {}
    for code, entry in value.items():
        sub = (str(key), str(code))
        if not isinstance(code, str) or not _PRODUCT_CODE_RE.fullmatch(code):
            raise _Invalid(sub, "settings.expected_product_code", got=_got(code))
        if isinstance(entry, Threshold):
            out[code] = Threshold(_amount((*sub, "increase"), entry.increase),
                                  _amount((*sub, "decrease"), entry.decrease))
            continue
        if not isinstance(entry, Mapping):
            raise _expected(sub, _what("threshold"), entry)
        for name in entry:
            if name not in THRESHOLD_KINDS:
                raise _Invalid((*sub, str(name)), _UNKNOWN_KEY, unknown=True)
        out[code] = Threshold(_amount((*sub, "increase"), entry.get("increase")),
                              _amount((*sub, "decrease"), entry.get("decrease")))
    return out


def _keymap(key: Key, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _expected(key, _what("keymap"), value)
    out: dict[str, str] = {}
    for binding, keys in value.items():
        sub = (str(key), str(binding))
        if not isinstance(binding, str) or not binding.strip():
            raise _Invalid(sub, "settings.expected_binding_id")
        if not isinstance(keys, str) or not keys.strip():
            raise _expected(sub, _what("keys"), keys)
        out[binding] = keys.strip()
    return out


_MAIL_KEYS = ("host", "port", "security", "user", "password_env", "sender")


def _mail(key: Key, value: object) -> MailSettings:
    if isinstance(value, MailSettings):
        value = {k: getattr(value, k) for k in _MAIL_KEYS}
    if not isinstance(value, Mapping):
        raise _expected(key, _what("mail"), value)
    for name in value:
        if name not in _MAIL_KEYS:
            raise _Invalid((str(key), str(name)), _UNKNOWN_KEY, unknown=True)

    def sub(name: str) -> Key:
        return (str(key), name)

    host = _optional_text(_what("host"))(sub("host"), value.get("host"))
    sender = _optional_text(_what("sender"),
                            lambda t: "@" in t)(sub("sender"), value.get("sender"))
    env = _optional_text(_what("password_env"),
                         lambda t: re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", t) is not None
                         )(sub("password_env"), value.get("password_env"))
    return MailSettings(
        host=str(host or ""),
        port=int(_whole_number(1, 65535)(sub("port"), value.get("port", 587))),  # type: ignore[call-overload]
        security=_choice("starttls", "tls", "none")(sub("security"),  # type: ignore[arg-type]
                                                    value.get("security", "starttls")),
        user=_optional_text(_what("user_name"))(sub("user"), value.get("user")),  # type: ignore[arg-type]
        password_env=env,  # type: ignore[arg-type]
        sender=str(sender or ""))


def _chorus_pro(key: Key, value: object) -> ChorusProSettings | None:
    """``[chorus_pro]`` (issue 19 item 6). ``client_secret`` must be a reference: a
    literal is refused here, at load, naming the file and key, and never echoed."""
    if value is None:
        return None
    if isinstance(value, ChorusProSettings):
        value = value.overrides()
    if not isinstance(value, Mapping):
        raise _expected(key, _what("chorus_pro"), value)
    for name in value:
        if name not in chorus_pro_settings.KEYS:
            raise _Invalid((str(key), str(name)), _UNKNOWN_KEY, unknown=True)

    def sub(name: str) -> Key:
        return (str(key), name)

    url = _optional_text(_what("api_url"),
                         lambda s: s.lower().startswith(("http://", "https://")))
    secret = value.get("client_secret")
    if secret is not None and (not isinstance(secret, str) or
                               (secret.strip() and not is_reference(secret))):
        raise _Invalid(sub("client_secret"), "settings.secret_not_reference")
    timeout = value.get("timeout", chorus_pro_settings.DEFAULT_TIMEOUT)
    low, high = chorus_pro_settings.TIMEOUT_RANGE
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) \
            or not low <= timeout <= high:
        raise _expected(sub("timeout"), _what("seconds", low=int(low), high=int(high)),
                        timeout)
    return ChorusProSettings(
        environment=_choice(*chorus_pro_settings.ENVIRONMENTS)(  # type: ignore[arg-type]
            sub("environment"), value.get("environment", "sandbox")),
        token_url=str(url(sub("token_url"), value.get("token_url")) or ""),
        api_url=str(url(sub("api_url"), value.get("api_url")) or ""),
        client_id=str(_optional_text(_what("client_id"))(sub("client_id"),
                                                         value.get("client_id")) or ""),
        client_secret=(secret or "").strip(),
        timeout=float(timeout))


_COERCERS: dict[str, Coercer] = {
    "home_screen": _choice(*HOME_SCREENS),
    "default_contract": _optional_text(_what("policy_number")),
    "language": _choice(*LANGUAGES),
    "default_country": _country,
    "show_non_latin_names": _boolean,
    "imminent_end_days": _whole_number(*IMMINENT_END_DAYS_RANGE),
    "show_crs_number": _boolean,
    "email_digest": _boolean,
    "notification_thresholds": _thresholds,
    "favourites": _favourites,
    "theme": _required_text(_what("theme")),
    "date_order": _choice(*DATE_ORDERS),
    "keymap": _keymap,
    "db_url": _optional_text(_what("db_url"), lambda s: "://" in s),
    "api_url": _optional_text(_what("api_url"),
                              lambda s: s.lower().startswith(("http://", "https://"))),
    "api_token": _optional_text(_what("token"), secret=True),
    "user": _optional_text(_what("login")),
    "mail": _mail,
    "last_folder": _optional_text(_what("folder")),
    "chorus_pro": _chorus_pro,
}


# ---------------------------------------------------------------- the settings


@dataclass(frozen=True)
class Settings:
    """Every user setting (SPEC §3 item 8) plus how to reach the data.

    Immutable: use :meth:`with_changes`. Values are checked and normalised on creation
    (strings stripped, ``""`` means not set, favourites de-duplicated). Treat the dicts
    as read-only.
    """

    home_screen: HomeScreen = "home"
    default_contract: str | None = None
    language: Language = field(default_factory=default_language)
    default_country: str = DEFAULT_COUNTRY
    show_non_latin_names: bool = False
    imminent_end_days: int = 30
    show_crs_number: bool = False
    email_digest: bool = False
    notification_thresholds: dict[str, Threshold] = field(default_factory=dict)
    favourites: tuple[str, ...] = ()
    theme: str = DEFAULT_THEME
    date_order: DateOrder = "DMY"
    keymap: dict[str, str] = field(default_factory=dict)
    db_url: str | None = None
    api_url: str | None = None
    api_token: str | None = field(default=None, repr=False)
    user: str | None = None
    mail: MailSettings = field(default_factory=MailSettings)
    last_folder: str | None = None  # where the file picker opens
    #: ``[chorus_pro]``: the connector's PISTE access; None: no connector here.
    chorus_pro: ChorusProSettings | None = None

    def __post_init__(self) -> None:
        problems: list[_Invalid] = []
        for name, coerce in _COERCERS.items():
            try:
                object.__setattr__(self, name, coerce(name, getattr(self, name)))
            except _Invalid as exc:
                problems.append(exc)
        if problems:
            raise _settings_error(problems, None, None)

    def with_changes(self, **changes: Any) -> Settings:
        """A checked copy with ``changes`` applied; SettingsError if any is invalid."""
        unknown = [_Invalid(k, _UNKNOWN_KEY, unknown=True) for k in changes
                   if k not in _COERCERS]
        if unknown:
            raise _settings_error(unknown, None, None)
        return replace(self, **changes)


SETTING_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Settings))
assert set(SETTING_NAMES) == set(_COERCERS)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The TOML document for ``settings``: None values and empty tables are left out."""
    out: dict[str, Any] = {}
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        if value is None:
            continue
        if name == "notification_thresholds":
            value = {
                code: {kind: amount for kind, amount in
                       (("increase", t.increase), ("decrease", t.decrease))
                       if amount is not None}
                for code, t in value.items()
            }
        elif name == "favourites":
            value = list(value)
        elif name == "keymap":
            value = dict(value)
        elif name == "mail":
            value = {k: getattr(value, k) for k in _MAIL_KEYS
                     if getattr(value, k) not in (None, "") and getattr(value, k) !=
                     getattr(MailSettings(), k)}
        elif name == "chorus_pro":
            value = value.overrides()
        if isinstance(value, dict | list) and not value:
            continue
        out[name] = value
    return out


# ---------------------------------------------------------------- reading and writing


def parse_settings(text: str | bytes, path: Path | str = "config.toml") -> Settings:
    """Settings from TOML text; ``path`` only names the source in error messages."""
    source = Path(path)
    if isinstance(text, bytes):
        data = text
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise SettingsError(
                "settings.not_utf8", path=source,
                errors=[FieldError("", "settings.not_utf8_text", line=line)], column=column,
                file=str(source), line=line, col=column) from exc
    text = text.removeprefix("\ufeff")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, source) from exc

    values: dict[str, object] = {}
    problems: list[_Invalid] = []
    for key, value in document.items():
        coerce = _COERCERS.get(key)
        if coerce is None:
            problems.append(_Invalid(key, _UNKNOWN_KEY, unknown=True))
            continue
        try:
            values[key] = coerce(key, value)
        except _Invalid as exc:
            problems.append(exc)
    if problems:
        raise _settings_error(problems, source, text)
    return Settings(**values)  # type: ignore[arg-type]


def load_settings(path: Path | None = None) -> Settings:
    """The user's settings; defaults when the file does not exist (it is not created)."""
    path = locations.default_config_file() if path is None else path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except IsADirectoryError as exc:
        raise SettingsError("settings.read_directory", path=path, file=str(path)) from exc
    except OSError as exc:
        raise SettingsError("settings.read_failed", path=path, file=str(path),
                            reason=exc.strerror or str(exc)) from exc
    return parse_settings(data, path)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` atomically (temporary file, then rename); return the file written.

    Refuses with SettingsError when the file already there does not load: the user's
    hand edits are never replaced. A symlinked file is written through the link. The
    file is created readable by its owner only (it may hold an API token).
    """
    import tempfile

    import tomli_w

    path = locations.default_config_file() if path is None else path
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if os.path.lexists(target):
        try:
            load_settings(target)
        except SettingsError as exc:
            raise SettingsError("settings.not_saved_over", path=path, errors=exc.errors,
                                column=exc.column, cause=exc, file=str(path)) from exc

    text = _FILE_HEADER + tomli_w.dumps(settings_to_dict(settings))
    parse_settings(text, target)  # never write what we could not read back

    try:
        locations.ensure_dir(target.parent)
    except CofaError as exc:
        raise SettingsError("settings.save_failed", path=path, file=str(path),
                            reason=Term.of(f"errors.{exc.code}", **exc.params)) from exc
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                   dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            with suppress(OSError):
                os.unlink(tmp)
        raise SettingsError("settings.save_failed", path=path, file=str(path),
                            reason=exc.strerror or str(exc)) from exc
    return target


# ---------------------------------------------------------------- error messages


_TOML_POSITION_RE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, path: Path) -> SettingsError:
    message = str(exc)
    match = _TOML_POSITION_RE.search(message)
    line: int | None = None
    column: int | None = None
    if match:
        reason = message[: match.start()]
        if match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        else:
            line = max(1, len(text.splitlines()))
    else:
        reason = message
    code = ("settings.toml_syntax_at" if column else
            "settings.toml_syntax_at_end" if line else "settings.toml_syntax")
    # ``reason`` is tomllib's own (English) words: the parser's, not ours to translate.
    return SettingsError(code, path=path,
                         errors=[FieldError("", "settings.not_toml", {"reason": reason},
                                            line=line)],
                         column=column, file=str(path), line=line, col=column, reason=reason)


def _settings_error(problems: list[_Invalid], path: Path | None,
                    text: str | None) -> SettingsError:
    located = [(p, _line_of(text, p.parts) if text is not None else None) for p in problems]
    located.sort(key=lambda item: item[1] if item[1] is not None else 1 << 30)
    errors: list[FieldError] = []
    for problem, line in located:
        if problem.unknown:
            meant = _did_you_mean(problem.parts)
            errors.append(FieldError(
                problem.key, _UNKNOWN_KEY if meant is None else "settings.unknown_key_meant",
                {"key": problem.key, "meant": meant} if meant else {"key": problem.key},
                line=line))
        else:
            errors.append(FieldError(problem.key, problem.code, problem.params, line=line))
    return SettingsError(INVALID, path=path, errors=errors)


def _did_you_mean(parts: tuple[str, ...]) -> str | None:
    import difflib

    names = THRESHOLD_KINDS if parts[0] == "notification_thresholds" else SETTING_NAMES
    close = difflib.get_close_matches(parts[-1], names, n=1, cutoff=0.75)
    return close[0] if close else None


# Just enough TOML key syntax to find the line where a key is set.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED_KEY = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_TABLE_RE = re.compile(rf"[ \t]*\[\[?[ \t]*({_DOTTED_KEY})[ \t]*\]")
_ASSIGN_RE = re.compile(rf"[ \t]*({_DOTTED_KEY})[ \t]*=")
_KEY_PART_RE = re.compile(_KEY_PART)


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts: list[str] = []
    for match in _KEY_PART_RE.finditer(dotted):
        part = match.group()
        if part.startswith('"'):
            import json

            try:
                part = json.loads(part)
            except ValueError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _line_of(text: str, wanted: tuple[str, ...]) -> int | None:
    """Line where the key ``wanted`` is set in ``text``; else where its nearest parent is."""
    table: tuple[str, ...] = ()
    best: tuple[int, int] | None = None  # (matched depth, line)
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _TABLE_RE.match(raw)
        if header:
            table = _key_parts(header.group(1))
            full = table
        else:
            assign = _ASSIGN_RE.match(raw)
            if not assign:
                continue
            full = table + _key_parts(assign.group(1))
        if full[: len(wanted)] == wanted:  # set here, or (for a table) first filled here
            return number
        if wanted[: len(full)] == full and (best is None or len(full) > best[0]):
            best = (len(full), number)
    return best[1] if best else None

