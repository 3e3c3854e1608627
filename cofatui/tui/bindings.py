"""Key bindings: the global ones, their translation, and what the help and the palette list.

Conventions every screen and widget follows:

- Every binding has an ``id`` (``"<area>.<name>"``, e.g. ``"notifications.mark_read"``)
  so users can remap it with ``[keymap]`` in the settings (``App.set_keymap``).
- Its ``description`` (and ``tooltip``, if any) is a **catalog key**, not text:
  ``Binding("r", "mark_read", "notifications.key.mark_read", id="notifications.mark_read")``.
  The shell translates descriptions in place (:func:`translate_tree`) whenever a screen's
  bindings are refreshed and when the language changes, so the Footer, the help screen
  and the command palette show the current language without any work in the screen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual.binding import Binding, BindingsMap, BindingType
from textual.keys import _normalize_key_list

from cofatui.i18n import catalog, get_language, t

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

GLOBAL_BINDINGS: list[BindingType] = [
    Binding("ctrl+q", "quit", "shell.key.quit", id="app.quit", priority=True),
    Binding("question_mark,f1", "help", "shell.key.help", id="app.help"),
    # Not shown: the Footer shows the palette key on its right already.
    Binding("ctrl+p", "command_palette", "shell.key.palette", id="app.palette",
            priority=True, show=False),
    # Ctrl+F as well: "/" is a character where the focus is in a field (a grid of
    # amounts), Ctrl+F reaches the filter from anywhere.
    Binding("slash,ctrl+f", "focus_filter", "shell.key.filter", id="app.filter", show=False),
    Binding("escape", "back", "shell.key.back", id="app.back"),
    Binding("ctrl+o", "switch_contract", "shell.key.contract", id="app.contract"),
    Binding("y", "copy", "shell.key.copy", id="app.copy", show=False),
    Binding("f2", "go('home')", "shell.key.home", id="app.home", show=False),
    Binding("f3", "go('notifications')", "shell.key.notifications", id="app.notifications",
            show=False),
    Binding("f4", "go('settings')", "shell.key.settings", id="app.settings", show=False),
    Binding("f6", "go('tools')", "shell.key.tools", id="app.tools", show=False),
    # Textual binds Tab on the screen, so it only acts once the focused widget has
    # declined the key; keys arriving in one burst (a paste, tmux send-keys, a fast
    # typist over SSH) are by then queued on the old field and land there. As priority
    # bindings the focus moves before the next key is dispatched.
    Binding("tab", "focus_next", "shell.builtin.focus_next", id="app.focus_next", show=False,
            priority=True),
    Binding("shift+tab", "focus_previous", "shell.builtin.focus_previous", id="app.focus_previous",
            show=False, priority=True),
]

# Descriptions Textual gives its own bindings, translated through shell.builtin.*.
_BUILTIN_SLUG = re.compile(r"[^a-z0-9]+")
_KEY_NAME = re.compile(r"(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[a-z0-9_]+|[^\s,+])")


def translate(text: str) -> str:
    """A binding description or tooltip in the current language.

    Catalog keys are looked up; Textual's own English descriptions ("Focus Next") are
    looked up as ``shell.builtin.<slug>``; anything else is returned as it is.
    """
    if not text:
        return text
    keys = catalog("en")
    if text in keys:
        return t(text)
    slug = "shell.builtin." + _BUILTIN_SLUG.sub("_", text.lower()).strip("_")
    return t(slug) if slug in keys else text


# node -> (language, the map as declared, the translated map we installed)
_SOURCES: WeakKeyDictionary[DOMNode, tuple[str, BindingsMap, BindingsMap]] = \
    WeakKeyDictionary()


def translate_node(node: DOMNode) -> bool:
    """Translate the descriptions of ``node``'s bindings in place; True if changed.

    Textual keeps a node's bindings in ``node._bindings`` (a BindingsMap built from the
    class BINDINGS); the Footer, Textual's key panel and our help read it, so this is
    the one place where a language change has to land. The declared map is kept so the
    node can be translated again; a map installed since (``bind()``) becomes the new
    declared map.
    """
    language = get_language()
    current = node._bindings
    seen = _SOURCES.get(node)
    if seen is not None and current is seen[2]:
        if seen[0] == language:
            return False
        source = seen[1]
    else:
        source = current
    if not source.key_to_bindings:
        return False
    translated = BindingsMap.from_keys({
        key: [replace(b, description=translate(b.description),
                      tooltip=translate(b.tooltip)) for b in bindings]
        for key, bindings in source.key_to_bindings.items()
    })
    node._bindings = translated
    _SOURCES[node] = (language, source, translated)
    return True


def translate_tree(root: DOMNode) -> bool:
    """Translate ``root`` and every node below it; True if anything changed."""
    changed = translate_node(root)
    for node in root.walk_children():
        changed = translate_node(node) or changed
    return changed


def source_bindings(node: DOMNode) -> BindingsMap:
    """The node's bindings as declared (descriptions still catalog keys)."""
    seen = _SOURCES.get(node)
    return seen[1] if seen is not None and node._bindings is seen[2] else node._bindings


# --- what the help screen and the palette list ---------------------------------------


@dataclass(frozen=True)
class BindingInfo:
    """One action a user can trigger, with its keys after keymap remapping."""

    binding_id: str | None
    action: str
    description_key: str
    keys: tuple[str, ...]
    namespace: DOMNode
    shown: bool

    @property
    def description(self) -> str:
        return translate(self.description_key)

    def key_display(self, app: App[Any]) -> str:
        return ", ".join(app.get_key_display(Binding(key, self.action)) for key in self.keys)


def effective_keys(binding: Binding, keymap: dict[str, str]) -> tuple[str, ...]:
    """The keys of ``binding`` once the user's keymap is applied."""
    if binding.id and binding.id in keymap:
        return tuple(k for k in _normalize_key_list(keymap[binding.id]).split(",") if k)
    return (binding.key,)


def collect(nodes: Iterable[DOMNode], keymap: dict[str, str]) -> list[BindingInfo]:
    """The bindings of ``nodes`` in order, one entry per binding id (or action), with
    every key it answers to. Textual's system bindings, undescribed ones and, on
    widgets, those without an id are left out."""
    from textual.app import App
    from textual.screen import Screen

    out: dict[tuple[int, str], BindingInfo] = {}
    for node in nodes:
        # A widget's keys without an id are Textual's own (scrolling): not listed.
        needs_id = not isinstance(node, App | Screen)
        for _key, binding in source_bindings(node):
            if binding.system or not binding.description or (needs_id and not binding.id):
                continue
            ident = (id(node), binding.id or binding.action)
            keys = effective_keys(binding, keymap)
            known = out.get(ident)
            if known is not None:
                merged = known.keys + tuple(k for k in keys if k not in known.keys)
                out[ident] = replace(known, keys=merged)
                continue
            out[ident] = BindingInfo(binding.id, binding.action, binding.description, keys,
                                     node, binding.show)
    return list(out.values())


def screen_nodes(screen: DOMNode) -> Iterator[DOMNode]:
    """The screen, then every widget on it that declares bindings of its own: each
    class's bindings once (a screen with three lists lists the list keys once)."""
    yield screen
    seen: set[type] = set()
    for node in screen.walk_children():
        cls = type(node)
        if cls in seen or not _declares_bindings(cls):
            continue
        seen.add(cls)
        yield node


def _declares_bindings(cls: type) -> bool:
    """Our widgets (module under cofatui.) with at least one binding id."""
    if not cls.__module__.startswith("cofatui."):
        return False
    return any(isinstance(b, Binding) and b.id for base in cls.__mro__
               for b in base.__dict__.get("BINDINGS", []))


def is_valid_key_list(keys: str) -> bool:
    """A comma-separated list of Textual key names (``ctrl+s``, ``f5``, ``?``)."""
    parts = [part.strip() for part in keys.split(",")]
    return bool(parts) and all(part and _KEY_NAME.fullmatch(part) for part in parts)


def normalize_keys(keys: str) -> str:
    return _normalize_key_list(keys)
