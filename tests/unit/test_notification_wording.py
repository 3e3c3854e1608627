"""Notifications are a kind and typed params, rendered in the reader's language: product
names from the catalog, amounts and dates by Babel, plurals by the language's rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cofatui import i18n
from cofatui import notification_wording as wording
from cofatui.enums import Importance, NotificationCategory
from cofatui.i18n.messages import Amount, Term
from cofatui.notification_wording import Notice, load_params, render_body, render_title


def both(notice: Notice) -> tuple[str, str]:
    return notice.title("en"), notice.title("fr")


def test_decision_titles_name_products_and_format_amounts_per_language() -> None:
    en, fr = both(wording.decision("CRL", "granted", "EUR", Decimal(20000), Decimal(20000)))
    assert en == "Credit limit granted: €20,000.00"
    assert fr.replace("\u202f", " ").replace("\xa0", " ") == "Agrément : accord de 20 000,00 €"
    assert both(wording.decision("ECL", "refused", "EUR", None, Decimal(0))) == \
        ("Express agreement refused", "Accord Express : refus")
    assert wording.decision("CRL", "partially_granted", "EUR", Decimal(20000),
                            Decimal(15000)).title("en") == \
        "Credit limit partially granted: €15,000.00 of €20,000.00"
    assert wording.decision("TOPLINER", "quoted", "EUR", Decimal(40000), Decimal(40000),
                            Decimal("118.36")).title("en") == \
        "TopLiner quoted: €40,000.00, premium €118.36"
    assert both(wording.decision("REPORT_FULL", "granted", "EUR", None, None)) == \
        ("Full report delivered", "Rapport complet : livraison")
    assert wording.decision("RSC", "granted", "EUR", None, None, dra=8,
                            dra_on=date(2026, 11, 22)).title("fr") == \
        "DRA flash : livraison, DRA 8 (au 22/11/2026)"


def test_a_title_starts_with_a_capital_whatever_word_comes_first() -> None:
    en, fr = both(wording.decision("RLI", "granted", "EUR", None, Decimal(10000)))
    assert en.startswith("@rating cover granted") and fr.startswith("Garantie @rating")


def test_plural_forms_come_from_the_language_rule() -> None:
    one = wording.end_alert("TOPLINER", date(2026, 11, 23), 1)
    three = wording.end_alert("TOPLINER", date(2026, 11, 25), 3)
    assert "ends in 1 day (" in one.title("en") and "ends in 3 days (" in three.title("en")
    assert "fin dans 1 jour (" in one.title("fr") and "fin dans 3 jours (" in three.title("fr")
    assert "today" in wording.end_alert("TOPLINER", date(2026, 11, 22), 0).title("en")


def test_a_refusal_says_the_standing_decision_remains_in_each_language() -> None:
    notice = wording.request_refused("modify", "CRL", "EUR", Decimal(45000), Decimal(40000))
    assert notice.title("en") == \
        "Increase to €45,000.00 refused; your credit limit of €40,000.00 remains"
    assert "votre agrément de 40" in notice.title("fr")
    assert notice.title("fr").startswith("Refus de l’augmentation à 45")


def test_params_survive_their_json_column_with_their_types() -> None:
    notice = wording.topliner_bought(Decimal(40000), "EUR", date(2027, 3, 3), Decimal("118"))
    columns = notice.columns()
    params = load_params(columns["params"])
    premium = Amount(Decimal(118), "EUR")
    assert params == {"amount": Amount(Decimal(40000), "EUR"), "end": date(2027, 3, 3),
                      "premium": premium,
                      "body": Term.of("notices.body.premium", premium=premium)}
    assert columns["title"] == "TopLiner bought: €40,000.00 covered until 03 Mar 2027"
    assert render_title(columns["kind"], params, "", "fr").startswith("TopLiner acheté : 40")
    assert render_body(columns["kind"], params, "", "en") == "Premium €118.00"
    assert load_params("not json") == {} and load_params(None) == {}


def test_a_text_row_or_an_unknown_kind_shows_its_stored_text() -> None:
    assert render_title("text", {}, "As it was written", "fr") == "As it was written"
    assert render_title("kind.from.the.future", {"x": 1}, "Stored", "fr") == "Stored"
    # A known kind missing a parameter its wording needs: the stored text, not a hole.
    assert render_title("product.granted", {}, "Stored", "en") == "Stored"
    # A body written by a person (an underwriter's comment) stays as written.
    assert render_body("product.granted", {}, "Half the exposure", "fr") == \
        "Half the exposure"


def test_the_current_ui_language_is_the_default() -> None:
    notice = wording.claim_update("C-1", "accepted")
    before = i18n.get_language()
    try:
        i18n.set_language("fr")
        assert notice.title() == "Sinistre C-1 : accepté"
    finally:
        i18n.set_language(before)
    assert notice.title("en") == "Claim C-1 accepted"


def test_a_demo_body_is_data_too_and_reads_in_each_language() -> None:
    from cofatui.demo import texts

    row = texts.claim("CL-7", "accepted", "Alpha SA (FRA)")
    *_, said, params, title, body = row
    assert (said, title, body) == ("claim.update", "Claim CL-7 accepted", "")
    typed = load_params(params)
    assert render_body(said, typed, body, "en") == \
        "Your claim CL-7 on Alpha SA (FRA) has been accepted."
    assert render_body(said, typed, body, "fr") == \
        "Votre sinistre CL-7 sur Alpha SA (FRA) a été accepté."
    refused = texts.product_decision("CRL", "refused", "EUR", 50_000_000, None, "underwriter",
                                     "Negative equity.", "Beta (DEU)")
    typed = load_params(refused[4])
    assert render_body(refused[3], typed, "", "fr") == (
        "Votre demande « agrément » sur Beta (DEU) a été refusée. Décision d’un "
        "souscripteur. Commentaire du souscripteur : Negative equity.")


def test_the_export_renders_titles_in_the_exporting_users_language() -> None:
    from datetime import UTC, datetime

    from cofatui.jobs.exports import notification_export_columns
    from cofatui.schemas import NotificationRow

    notice = wording.claim_update("CL-7", "rejected")
    row = NotificationRow(
        id=1, contract_id=1, policy_number="P-1", company_id=None, company_name="",
        country="", easy_number="", client_reference="", product_code="CLAIM",
        category=NotificationCategory.MANAGEMENT, type="claim_update",
        importance=Importance.HIGH,
        created_at=datetime(2026, 11, 22, tzinfo=UTC), read=False, **notice.columns())
    for language, expected in (("fr", "Sinistre CL-7 : rejeté"), ("en", "Claim CL-7 rejected")):
        title = notification_export_columns(language)[-1]
        assert title.value(row) == expected


def test_the_mail_digest_lists_titles_in_the_recipients_language() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from cofatui.jobs.digest import _compose

    notice = wording.claim_update("CL-7", "accepted")
    row = SimpleNamespace(created_at=datetime(2026, 11, 22, 9, tzinfo=UTC), name="Alpha SA",
                          **notice.columns())
    old = SimpleNamespace(created_at=datetime(2026, 11, 21, 9, tzinfo=UTC), name="",
                          kind="text", params="{}", title="As it was written")
    user = SimpleNamespace(first_name="Alice", last_name="Test", login="alice")
    since = datetime(2026, 11, 20, tzinfo=UTC)
    _, french = _compose("fr", user, 2, since, [row, old])
    _, english = _compose("en", user, 2, since, [row, old])
    assert "Alpha SA — Sinistre CL-7 : accepté" in french
    assert "Alpha SA — Claim CL-7 accepted" in english
    assert "As it was written" in french and "As it was written" in english
