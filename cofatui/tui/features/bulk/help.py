"""The help panel of the import part, built from the reference data: the ten fields,
the products with the actions a bulk line may ask for, and the seed's examples."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cofatui import reference
from cofatui.formats.bulk_orders import FIELDS
from cofatui.i18n import get_language, t

#: The seed's example lines, kept beside the code (and as the sample of the tests).
SAMPLE = Path(__file__).resolve().parents[4] / "fixtures" / "bulk_orders_sample.csv"


def _examples() -> list[str]:
    try:
        return SAMPLE.read_text(encoding="utf-8-sig").splitlines()
    except OSError:  # an installed package without the fixtures: no examples
        return []


def _table(*headers: str) -> Table:
    table = Table(show_edge=False, pad_edge=False, expand=False)
    for header in headers:
        table.add_column(Text(header))
    return table


def help_panel() -> RenderableType:
    """Every cell is a rich Text: the reference data is shown literally."""
    language = get_language()
    fields = _table(t("bulk_ui.col.position"), t("bulk_ui.col.field"))
    for i, name in enumerate(FIELDS, start=1):
        fields.add_row(Text(str(i)), Text(t(f"bulk_ui.field.{name}")))
    products = _table(t("bulk_ui.col.product"), t("bulk_ui.help_allowed"))
    for product in reference.products():
        if product.bulk:
            actions = []
            for code in product.bulk_actions:
                action = reference.product_action(code)
                name = (action.name_fr if language == "fr" else action.name_en) if action else ""
                actions.append(f"{code} {name}".strip())
            codes = "/".join((product.code, *product.aliases))
            products.add_row(Text(f"{codes} {product.display_name(language)}"),
                             Text(", ".join(actions)))
    examples = Text("\n".join(_examples()))
    return Group(Text(t("bulk_ui.help_title"), style="bold"), Text(t("bulk_ui.help_format")),
                 Text(""), Text(t("bulk_ui.help_fields"), style="bold"), fields, Text(""),
                 Text(t("bulk_ui.help_products"), style="bold"), products, Text(""),
                 Text(t("bulk_ui.help_examples"), style="bold"), examples)


__all__ = ["help_panel"]
