"""The user's fields (seed "Création d'un utilisateur": data, then preferences), shared by
the create form and the detail screen's Data and Preferences tabs, and the create form
itself (issue 16 item 3). Every rule is the repository's: a refusal comes back as
``ValidationFailed`` and is shown at its field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.widgets import Button, Input, Label, Select, Static

from cofatui.enums import Role
from cofatui.errors import CofaError, ValidationFailed
from cofatui.i18n import t
from cofatui.schemas_users import UserCreate, UserDetail
from cofatui.tui.features.users.actions import refusal_text
from cofatui.tui.features.users.wording import LANGUAGES, ROLES, title_options
from cofatui.tui.kit.dialog import Dialog
from cofatui.tui.kit.form import FormField, show_errors
from cofatui.tui.kit.products import cofa
from cofatui.tui.kit.styles import DIALOGS_TCSS
from cofatui.tui.safe import clean

#: The seed's "Données de l'utilisateur", in its order.
DATA_FIELDS = ("title", "last_name", "first_name", "phone", "fax", "email")
#: Its "Préférences".
PREFERENCE_FIELDS = ("language", "default_contract_id")
#: The longest a field may be typed (the repository checks what it stores).
MAX_LENGTHS = {"last_name": 80, "first_name": 80, "phone": 40, "fax": 40, "email": 254}


def data_field(name: str, value: str = "") -> FormField:
    """One of :data:`DATA_FIELDS`: the civilité a choice, the others typed."""
    label = t(f"users_ui.field.{name}")
    if name == "title":
        return FormField(label, Select(title_options(value), value=value or "mr",
                                       allow_blank=False, id="title"), "title")
    hint = t("users_ui.field.phone_hint") if name in ("phone", "fax") else ""
    return FormField(label, Input(value, id=name, max_length=MAX_LENGTHS[name]), name,
                     hint=hint)


def language_field(value: str) -> FormField:
    return FormField(t("users_ui.field.language"), Select(
        [(t(f"users_ui.language.{code}"), code) for code in LANGUAGES],
        value=value if value in LANGUAGES else LANGUAGES[0], allow_blank=False,
        id="language"), "language")


def contract_options(contracts: Sequence[tuple[int, str]], value: int | None
                     ) -> list[tuple[str, int]]:
    """The default contract's choices: ``contracts`` (id, policy number); a default the
    reader does not administer stays as it is, named by its id."""
    options = [(clean(policy), contract_id) for contract_id, policy in contracts]
    if value is not None and value not in {c for c, _ in contracts}:
        options.append((t("users_ui.other_contract", id=value), value))
    return options


def contract_field(contracts: Sequence[tuple[int, str]], value: int | None) -> FormField:
    return FormField(t("users_ui.field.default_contract_id"), Select(
        contract_options(contracts, value), value=value if value is not None else Select.NULL,
        allow_blank=value is None, id="default_contract_id"), "default_contract_id")


def role_field(value: Role = Role.POLICYHOLDER) -> FormField:
    return FormField(t("users_ui.field.role"), Select(
        [(t(f"users_ui.role.{role.value}"), role.value) for role in ROLES],
        value=value.value, allow_blank=False, id="role"), "role")


def read_fields(root: DOMNode, names: Sequence[str]) -> dict[str, str | int | None]:
    """What the fields ``names`` of ``root`` hold (an empty choice: None)."""
    values: dict[str, str | int | None] = {}
    for name in names:
        widget = root.query_one(f"#{name}")
        if isinstance(widget, Input):
            values[name] = widget.value.strip()
        elif isinstance(widget, Select):
            values[name] = None if widget.is_blank() else widget.value  # type: ignore[assignment]
    return values


class CreateUserDialog(Dialog[UserDetail | None]):
    """Create a user on the current contract: the seed's data (every field mandatory),
    the preferences and the role; the login is generated and shown afterwards."""

    CSS_PATH = DIALOGS_TCSS
    DEFAULT_CSS = """
    CreateUserDialog #users-create { width: 104; height: auto; max-height: 95%; }
    CreateUserDialog .users-create-column { width: 1fr; height: auto; padding: 0 1; }
    CreateUserDialog #users-create-columns { height: auto; }
    CreateUserDialog Select { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "users_ui.key.cancel", id="users.create.cancel"),
        Binding("ctrl+s", "submit", "users_ui.key.save", id="users.create.save"),
    ]

    def __init__(self, contract_id: int, policy: str,
                 contracts: Sequence[tuple[int, str]], language: str) -> None:
        super().__init__()
        self.contract_id = contract_id
        self.policy = policy
        self.contracts = list(contracts)
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical(id="users-create", classes="dialog"):
            yield Label(t("users_ui.create_title", policy=clean(self.policy)),
                        classes="dialog-title", markup=False)
            yield Static(t("users_ui.create_help", policy=clean(self.policy)),
                         classes="form-info", markup=False)
            with Horizontal(id="users-create-columns"):
                with Vertical(classes="users-create-column"):
                    for name in DATA_FIELDS[:3]:
                        yield data_field(name)
                    yield data_field("email")
                with Vertical(classes="users-create-column"):
                    yield data_field("phone")
                    yield data_field("fax")
                    yield language_field(self.language)
                    yield contract_field(self.contracts, self.contract_id)
                    yield role_field()
            yield Static("", id="users-create-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("users_ui.create"), variant="primary", id="save")
                yield Button(t("users_ui.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#title", Select).focus()

    def submit(self) -> None:
        values = read_fields(self, (*DATA_FIELDS, *PREFERENCE_FIELDS, "role"))
        self.query_one("#save", Button).disabled = True
        self.save(values)

    @work(thread=True, exclusive=True, group="users-create")
    def save(self, values: dict[str, str | int | None]) -> None:
        try:
            data = UserCreate.model_validate(values)
            created = cofa(self.app).repo.users.create(self.contract_id, data)
        except ValidationFailed as exc:
            self.app.call_from_thread(self._refused, exc.by_field())
            return
        except ValueError as exc:  # a value the model cannot hold (the Select's give none)
            self.app.call_from_thread(self._refused, {"": clean(exc)})
            return
        except CofaError as exc:
            self.app.call_from_thread(self._refused, {"": refusal_text(exc)})
            return
        self.app.call_from_thread(self.dismiss, created)

    def _refused(self, errors: dict[str, str]) -> None:
        self.query_one("#save", Button).disabled = False
        show_errors(self, errors, self.query_one("#users-create-error", Static))
        for field in self.query(FormField):
            if field.has_class("-invalid"):
                field.widget.focus()
                break


__all__ = ["DATA_FIELDS", "PREFERENCE_FIELDS", "CreateUserDialog", "contract_field",
           "contract_options",
           "data_field", "language_field", "read_fields", "role_field"]
