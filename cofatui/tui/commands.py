"""Command palette providers: the actions of the current screen, and the shell's own
commands (navigation, contract, language, theme, quit).

A screen needs nothing to appear here: every binding of the screen and of our widgets
on it with a description (a catalog key) is listed, with its current keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, NamedTuple, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from cofatui.i18n import LANGUAGES, t
from cofatui.tui import navigation
from cofatui.tui.bindings import BindingInfo, collect, screen_nodes, translate
from cofatui.tui.safe import clean
from cofatui.tui.themes import theme_label

if TYPE_CHECKING:
    from cofatui.tui.app import CofaApp



class Command(NamedTuple):
    text: str
    run: Callable[[], object]
    help: str = ""
    discover: bool = True  # listed before the user types (else found by searching)



class _ListProvider(Provider):
    """A provider over a fixed list of commands computed when the palette opens."""

    def commands(self) -> Iterator[Command]:
        raise NotImplementedError


    @property
    def cofa(self) -> CofaApp:
        return cast("CofaApp", self.app)

    async def discover(self) -> Hits:
        for command in self.commands():
            if command.discover:
                yield DiscoveryHit(Text(command.text), command.run, text=command.text,
                                   help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.text)
            if score > 0:
                yield Hit(score, matcher.highlight(command.text), command.run,
                          text=command.text, help=command.help)


def screen_actions(app: CofaApp, screen: object) -> list[BindingInfo]:
    """What the palette lists for ``screen``: its bindings with an id, and those of its
    widgets that the Footer shows (a list's Mark, Open; not the cursor keys)."""
    from textual.screen import Screen

    if not isinstance(screen, Screen):
        return []
    return [info for info in collect(screen_nodes(screen), app.settings.keymap)
            if info.binding_id and (info.shown or info.namespace is screen)]


class ScreenActionsProvider(_ListProvider):
    """Every action of the screen the palette was opened on."""

    def commands(self) -> Iterator[Command]:
        app = self.cofa
        for info in screen_actions(app, self.screen):
            run = partial(app.run_action, info.action, info.namespace)
            yield Command(info.description, run, info.key_display(app))


class ShellCommandsProvider(_ListProvider):
    """Navigation, contract, language, theme and quit."""

    def commands(self) -> Iterator[Command]:
        app = self.cofa
        keys = {info.action: info.key_display(app)
                for info in collect([app], app.settings.keymap)}
        names = [n for n in navigation.NAVIGATION if n in navigation.SCREENS_BY_NAME]
        names += [n for n in navigation.SCREENS_BY_NAME if n not in navigation.NAVIGATION]
        for name in names:
            roles = navigation.NAVIGATION_ROLES.get(name)
            if roles is not None and app.principal.role.value not in roles:
                continue
            action = "help" if name == "help" else f"go('{name}')"
            key = f"shell.nav.{name}"
            label = t(key)
            yield Command(name if label == key else label, partial(app.switch_to, name),
                          keys.get(action, ""))
        for access in app.principal.contracts:
            if access.contract_id != app.current_contract_id:
                yield Command(t("shell.cmd.contract", number=clean(access.policy_number)),
                              partial(app.switch_contract, access.contract_id),
                              keys.get("switch_contract", ""))
        for language in LANGUAGES:
            if language != app.settings.language:
                yield Command(t("shell.cmd.language", name=t(f"shell.language.{language}")),
                              partial(app.choose_language, language))
        for name in sorted(app.available_themes, key=_theme_order):
            if name != app.theme:
                yield Command(t("shell.cmd.theme", name=theme_label(name)),
                              partial(app.choose_theme, name),
                              discover=name.startswith("cofatui-"))
        yield Command(translate("shell.key.copy"), app.action_copy, keys.get("copy", ""))
        yield Command(translate("shell.key.quit"), app.exit, keys.get("quit", ""))


def _theme_order(name: str) -> tuple[int, str]:
    return (0 if name.startswith("cofatui-") else 1, name)
