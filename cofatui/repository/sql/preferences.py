"""The user's preferences in the account (issue 16 item 9) and the notification
thresholds as SQL: what ``repo.notifications.preferences`` reads and saves, and the
clause that leaves out the changes below a user's thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, insert, not_, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from cofatui.errors import Conflict, FieldError, ValidationFailed
from cofatui.models import Contract, Notification, User
from cofatui.models.user import NotificationThreshold, UserPreference
from cofatui.rules import thresholds as rules
from cofatui.schemas_preferences import Preferences, PreferencesUpdate, ThresholdPublic


def read(s: Session, user_id: int, contract_ids: Sequence[int]) -> Preferences:
    """The preferences of ``user_id``, with the thresholds of the contracts they see."""
    row = s.execute(select(UserPreference).where(UserPreference.user_id == user_id)
                    ).scalar_one_or_none()
    account = s.execute(select(User.notify_opt_out, User.language)
                        .where(User.id == user_id)).one_or_none()
    opted_out, language = account if account is not None else (False, "en")
    t = NotificationThreshold
    found = s.execute(
        select(t.contract_id, t.product_code, t.direction, t.amount, Contract.currency)
        .join(Contract, Contract.id == t.contract_id)
        .where(t.user_id == user_id, t.contract_id.in_(list(contract_ids) or [-1]))
        .order_by(t.contract_id, t.product_code, t.direction)).all()
    return Preferences(
        version=row.version if row is not None else 0,
        language=language or "en",
        show_crs_number=bool(row and row.show_crs_number),
        show_non_latin_names=bool(row and row.show_non_latin_names),
        claim_notifications=not opted_out,
        thresholds=[ThresholdPublic(
            contract_id=cid, product_code=code, direction=direction, amount=amount,
            currency="" if rules.in_points(code) else currency)
            for cid, code, direction, amount, currency in found])


def save(s: Session, user_id: int, contract_ids: Sequence[int],
         data: PreferencesUpdate) -> dict[str, list[object]]:
    """Replace every preference of ``user_id`` (thresholds: on the contracts they see);
    returns the audit's changes. Raises ValidationFailed, Conflict."""
    currencies = dict(s.execute(select(Contract.id, Contract.currency).where(
        Contract.id.in_(list(contract_ids) or [-1]))).all())
    _check(data.thresholds, currencies)
    before = read(s, user_id, contract_ids)
    if before.version != data.version:
        raise Conflict("preferences.changed")
    values = {"show_crs_number": data.show_crs_number,
              "show_non_latin_names": data.show_non_latin_names}
    if before.version == 0:
        s.add(UserPreference(user_id=user_id, **values))
        s.flush()
    else:
        moved = s.execute(update(UserPreference).where(
            UserPreference.user_id == user_id, UserPreference.version == data.version)
            .values(**values, version=data.version + 1)
            .execution_options(synchronize_session=False)).rowcount
        if moved != 1:
            raise Conflict("preferences.changed")
    account: dict[str, object] = {}
    if before.claim_notifications != data.claim_notifications:
        account["notify_opt_out"] = not data.claim_notifications
    if data.language is not None and data.language != before.language:
        account["language"] = data.language
    if account:
        s.execute(update(User).where(User.id == user_id)
                  .values(**account, version=User.version + 1)
                  .execution_options(synchronize_session=False))
    s.execute(delete(NotificationThreshold).where(
        NotificationThreshold.user_id == user_id,
        NotificationThreshold.contract_id.in_(list(currencies) or [-1])))
    if data.thresholds:
        s.execute(insert(NotificationThreshold), [
            {"user_id": user_id, "contract_id": th.contract_id,
             "product_code": th.product_code, "direction": th.direction,
             "amount": th.amount} for th in data.thresholds])
    changes: dict[str, list[object]] = {
        name: [getattr(before, name), getattr(data, name)]
        for name in ("show_crs_number", "show_non_latin_names", "claim_notifications")
        if getattr(before, name) != getattr(data, name)}
    if "language" in account:
        changes["language"] = [before.language, data.language]
    old = {_key(th): th.amount for th in before.thresholds}
    new = {_key(th): th.amount for th in data.thresholds}
    for key in sorted(old.keys() | new.keys()):
        if old.get(key) != new.get(key):
            changes[f"threshold.{key}"] = [old.get(key), new.get(key)]
    return changes


def _key(th: ThresholdPublic) -> str:
    return f"{th.contract_id}.{th.product_code}.{th.direction}"


def _check(items: Sequence[ThresholdPublic], currencies: dict[int, str]) -> None:
    errors: list[FieldError] = []
    seen: set[tuple[int, str, str]] = set()
    for i, th in enumerate(items):
        field = f"thresholds.{i}"
        if th.contract_id not in currencies:
            errors.append(FieldError(f"{field}.contract_id", "preferences.unknown_contract",
                                     {"contract_id": th.contract_id}))
            continue
        problems = rules.threshold_errors(f"{field}.amount", th.product_code, th.direction,
                                          th.amount)
        if not problems and th.currency and not rules.in_points(th.product_code) \
                and th.currency.upper() != currencies[th.contract_id]:
            problems = [FieldError(f"{field}.currency", "preferences.currency_of_contract",
                                   {"currency": currencies[th.contract_id]})]
        key = (th.contract_id, th.product_code, th.direction)
        if not problems and key in seen:
            problems = [FieldError(field, "preferences.duplicate_threshold",
                                   {"code": th.product_code})]
        seen.add(key)
        errors += problems
    if errors:
        raise ValidationFailed(errors)


# --- which notifications a user's thresholds leave out ---------------------------------
_t, _n = NotificationThreshold.__table__.c, Notification.__table__.c
#: A user's thresholds on some contracts, built once on the tables (read by every
#: notifications page: its construction, cache key and ORM execution were a tenth of
#: the API page's CPU).
_THRESHOLDS = select(_t.contract_id, _t.product_code, _t.direction, _t.amount).where(
    _t.user_id == bindparam("user_id"),
    _t.contract_id.in_(bindparam("contracts", expanding=True)), _t.amount > Decimal(0))

#: A threshold as :func:`hidden_of` reads it: contract id, product code, direction and
#: amount (values, or bind parameters in a statement built for every user).
Threshold = tuple[Any, Any, Any, Any]


def thresholds(s: Session | Connection, user_id: int,
               contract_ids: Sequence[int]) -> list[Threshold]:
    """The thresholds of ``user_id`` on ``contract_ids`` that leave anything out."""
    return [(cid, code, direction, amount) for cid, code, direction, amount in s.execute(
        _THRESHOLDS, {"user_id": user_id, "contracts": list(contract_ids) or [-1]})]


def hidden_terms(s: Session | Connection, user_id: int, login: str,
                 contract_ids: Sequence[int]) -> list[ColumnElement[bool]]:
    """One condition per threshold of ``user_id``: the notifications it leaves out. The
    few thresholds are read first and written into the query, so that each condition is
    a range of ``ix_notification_change``; they are disjoint (one threshold per
    contract, product type and direction), so their counts add up."""
    return hidden_of(thresholds(s, user_id, contract_ids), login)


def hidden_of(found: Sequence[Threshold], login: Any) -> list[ColumnElement[bool]]:
    """:func:`hidden_terms` of thresholds already read (``login``: the user's, a value
    or a bind parameter)."""
    return [and_(_n.contract_id == cid, _n.product_code == code,
                 _n.change_direction == direction, _n.change_size < amount,
                 or_(_n.requested_by.is_(None), _n.requested_by != login))
            for cid, code, direction, amount in found]


def shown_by(terms: Sequence[ColumnElement[bool]]) -> ColumnElement[bool] | None:
    """What ``terms`` (:func:`hidden_terms`) leave in; None when there is none."""
    if not terms:
        return None
    return or_(_n.change_direction.is_(None), not_(or_(*terms)))


def shown_correlated(user_id: object, login: object) -> ColumnElement[bool]:
    """What a user's thresholds leave in, as one correlated condition (for a query over
    many users' notifications at once, e.g. the daily digest); ``user_id`` and
    ``login`` may be columns or values."""
    t, n = NotificationThreshold, Notification
    return or_(n.change_direction.is_(None), n.requested_by == login,
               ~exists().where(t.user_id == user_id, t.contract_id == n.contract_id,
                               t.product_code == n.product_code,
                               t.direction == n.change_direction,
                               n.change_size < t.amount))


__all__ = ["Threshold", "hidden_of", "hidden_terms", "read", "save", "shown_by",
           "shown_correlated", "thresholds"]
