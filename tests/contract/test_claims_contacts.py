"""The contacts of a declaration: the contact in charge and, with an intervention request,
an optional alternative contact kept in fields of its own (not in the comments), checked
for shape and length with field errors, on the initial and additional declarations."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cofatui.errors import ValidationFailed
from cofatui.models import Claim, ClaimDeclaration
from cofatui.schemas import AdditionalDeclaration, ClaimCreate, InvoiceLine
from tests.contract.conftest import Backend
from tests.contract.dataset import TODAY
from tests.contract.refusals import field_codes


def claim_data(backend: Backend, **changes: object) -> ClaimCreate:
    values: dict[str, object] = dict(
        contract_id=backend.ids["A"], company_id=backend.ids["beta"], reason="insolvency",
        intervention_requested=True, contact_name="Alice", contact_email="alice@example.test",
        alt_contact_name="Zoé Łukasiewicz", alt_contact_email="zoe@example.test",
        alt_contact_phone="+33 1 23 45 67 89", comments="Two reminders sent.",
        invoices=[InvoiceLine(type="IN", number="1001", invoice_date=TODAY - timedelta(days=40),
                              due_date=TODAY - timedelta(days=10), currency="EUR",
                              amount_excl_tax=Decimal("1000.00"), tax=Decimal("200.00"))])
    values.update(changes)
    return ClaimCreate.model_validate(values)


def rows(backend: Backend) -> tuple[int, int]:
    with Session(backend.engine) as s:
        return (s.execute(select(func.count()).select_from(Claim)).scalar_one(),
                s.execute(select(func.count()).select_from(ClaimDeclaration)).scalar_one())


def test_alternative_contact_is_kept_in_its_own_fields(backend: Backend) -> None:
    claim = backend.open("alice").claims.submit(claim_data(backend))
    declaration = backend.open("alice").claims.detail(claim.id).declarations[0]
    assert (declaration.alt_contact_name, declaration.alt_contact_email,
            declaration.alt_contact_phone) == ("Zoé Łukasiewicz", "zoe@example.test",
                                               "+33 1 23 45 67 89")
    # The comments hold only what the user wrote.
    assert declaration.comments == "Two reminders sent."


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"alt_contact_email": "zoe.example.test"}, "alt_contact_email", "claims.email_invalid"),
    ({"alt_contact_name": "Z" * 121}, "alt_contact_name", "common.max_chars"),
    ({"alt_contact_phone": "1" * 41}, "alt_contact_phone", "common.max_chars"),
    ({"alt_contact_email": "z" * 190 + "@example.test"}, "alt_contact_email",
     "common.max_chars"),
    ({"alt_contact_name": "", "alt_contact_email": "zoe@example.test"}, "alt_contact_name",
     "common.mandatory"),
    ({"intervention_requested": False}, "alt_contact_name",
     "claims.alt_contact_without_intervention"),
    ({"contact_email": "alice@"}, "contact_email", "claims.email_invalid"),
    ({"contact_name": "A" * 121}, "contact_name", "common.max_chars"),
])
def test_bad_contact_is_a_field_error_and_writes_nothing(
        backend: Backend, changes: dict[str, object], field: str, message: str) -> None:
    before = rows(backend)
    with pytest.raises(ValidationFailed) as err:
        backend.open("alice").claims.submit(claim_data(backend, **changes))
    assert field_codes(err.value)[field] == message  # the refusal's code
    assert rows(backend) == before


def test_additional_declaration_adds_an_alternative_contact(backend: Backend) -> None:
    alice = backend.open("alice")
    claim = alice.claims.submit(claim_data(
        backend, intervention_requested=False, alt_contact_name="", alt_contact_email="",
        alt_contact_phone=""))
    # Without an intervention, requested now or before, there is no alternative contact.
    with pytest.raises(ValidationFailed) as err:
        alice.claims.add_declaration(claim.id, AdditionalDeclaration(alt_contact_name="Bob"),
                              claim.version)
    assert "alt_contact_name" in err.value.by_field()
    with pytest.raises(ValidationFailed) as err:
        alice.claims.add_declaration(claim.id, AdditionalDeclaration(
            intervention_requested=True, alt_contact_name="Bob",
            alt_contact_email="bob@"), claim.version)
    assert field_codes(err.value) == {"alt_contact_email": "claims.email_invalid"}

    updated = alice.claims.add_declaration(claim.id, AdditionalDeclaration(
        intervention_requested=True, alt_contact_name=" Bob Collector ",
        alt_contact_phone="+49 40 123"), claim.version)
    assert updated.intervention_requested
    # The intervention is now requested: a later declaration may name another contact only.
    alice.claims.add_declaration(claim.id, AdditionalDeclaration(
        alt_contact_name="Carla", alt_contact_email="carla@example.test"), updated.version)
    declarations = alice.claims.detail(claim.id).declarations
    assert [(d.kind, d.alt_contact_name, d.alt_contact_email, d.alt_contact_phone)
            for d in declarations] == [("initial", "", "", ""),
                                       ("additional", "Bob Collector", "", "+49 40 123"),
                                       ("additional", "Carla", "carla@example.test", "")]
