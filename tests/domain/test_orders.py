"""The domain rules a trader relies on: ticket validation, statuses, fills."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.domain import (
    TERMINAL,
    InvalidTransition,
    Order,
    OrderStatus,
    OrderTicket,
    Side,
    Strategy,
    TicketInvalid,
    can_transition,
)
from gui.domain.orders import Leg, LegEnd, LegPurpose, parse_decimal

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def ticket(**changes: object) -> OrderTicket:
    fields: dict[str, object] = dict(
        venue="treadfi",
        account="sandbox-binance",
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=Decimal("0.5"),
        strategy=Strategy.TWAP,
        duration_s=600,
    )
    fields.update(changes)
    return OrderTicket(**fields)  # type: ignore[arg-type]


def test_a_complete_twap_ticket_is_valid() -> None:
    assert ticket().validation_errors() == {}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"quantity": Decimal(0)}, "quantity", "greater than zero"),
        ({"quantity": Decimal("-1")}, "quantity", "greater than zero"),
        ({"strategy": Strategy.LIMIT, "limit_price": None}, "limit_price", "needs a limit price"),
        ({"strategy": Strategy.IOC, "limit_price": None}, "limit_price", "needs a limit price"),
        ({"limit_price": Decimal("-5")}, "limit_price", "greater than zero"),
        ({"duration_s": None}, "duration_s", "needs a duration"),
        ({"duration_s": 5}, "duration_s", "between"),
        ({"strategy": Strategy.POV, "duration_s": None}, "pov_target", "participation target"),
        (
            {"strategy": Strategy.POV, "pov_target": Decimal("1.5")},
            "pov_target",
            "at most 100%",
        ),
        ({"pair": "BTCUSDT"}, "pair", "BASE-QUOTE"),
        ({"account": ""}, "account", "Choose an account"),
    ],
)
def test_bad_tickets_name_the_field_and_say_why(changes: dict, field: str, words: str) -> None:
    errors = ticket(**changes).validation_errors()
    assert field in errors
    assert words in errors[field]
    with pytest.raises(TicketInvalid) as raised:
        ticket(**changes).validate()
    assert raised.value.field_errors == errors


def test_market_orders_need_no_price_or_duration() -> None:
    market = ticket(strategy=Strategy.MARKET, duration_s=None)
    assert market.validation_errors() == {}


def test_trader_typed_numbers_parse_exactly() -> None:
    assert parse_decimal("1,250.50") == Decimal("1250.50")
    assert parse_decimal(" 0.1 ") == Decimal("0.1")
    assert parse_decimal("abc") is None
    assert parse_decimal("nan") is None
    assert parse_decimal("") is None


def order(status: OrderStatus = OrderStatus.WORKING) -> Order:
    base = Order.from_ticket(ticket(), "OD1", now=T0)
    return base if status == OrderStatus.PENDING_NEW else base.with_status(status, T0)


def test_terminal_orders_never_move() -> None:
    for end in TERMINAL:
        for status in OrderStatus:
            assert can_transition(end, status) == (status == end)


def test_fills_are_never_undone_so_partial_does_not_go_back_to_working() -> None:
    partial = order(OrderStatus.PARTIALLY_FILLED)
    with pytest.raises(InvalidTransition):
        partial.with_status(OrderStatus.WORKING)


def test_pause_and_resume_record_the_paused_span() -> None:
    working = order(OrderStatus.WORKING)
    paused = working.with_status(OrderStatus.PAUSED, T0 + timedelta(minutes=1))
    assert paused.pauses == ((T0 + timedelta(minutes=1), None),)
    resumed = paused.with_status(OrderStatus.PENDING_RESUME, T0 + timedelta(minutes=2))
    assert resumed.pauses[-1][1] is None  # still paused until the venue confirms
    working_again = resumed.with_status(OrderStatus.WORKING, T0 + timedelta(minutes=3))
    assert working_again.pauses == ((T0 + timedelta(minutes=1), T0 + timedelta(minutes=3)),)


def test_leaves_quantity_is_what_is_left_and_zero_once_done() -> None:
    working = order(OrderStatus.WORKING)
    from dataclasses import replace

    partial = replace(working, filled_qty=Decimal("0.2"), status=OrderStatus.PARTIALLY_FILLED)
    assert partial.leaves_qty == Decimal("0.3")
    assert partial.fill_fraction == Decimal("0.4")
    assert partial.with_status(OrderStatus.CANCELED).leaves_qty == 0


@given(st.lists(st.sampled_from(list(OrderStatus)), max_size=30))
def test_any_sequence_of_reports_only_makes_allowed_moves(steps: list[OrderStatus]) -> None:
    current = order(OrderStatus.PENDING_NEW)
    for step in steps:
        if can_transition(current.status, step):
            current = current.with_status(step, T0)
            assert current.status == step
        else:
            with pytest.raises(InvalidTransition):
                current.with_status(step, T0)
    # Once terminal, it stays terminal whatever came after.
    if any(s in TERMINAL and can_transition(OrderStatus.PENDING_NEW, s) for s in steps[:1]):
        assert current.status in TERMINAL


def test_an_order_worked_by_legs_says_how_many_and_whether_anything_works() -> None:
    from dataclasses import replace

    working = order(OrderStatus.WORKING)
    assert (working.leg_count, working.current_leg, working.is_between_legs) == (1, None, False)
    first = Leg(
        "OD1",
        1,
        LegPurpose.NEW,
        Decimal("0.5"),
        OrderStatus.CANCELED,
        "V1",
        Decimal("0.2"),
        Decimal(100),
        ending=LegEnd.PAUSE,
    )
    paused = replace(working.with_status(OrderStatus.PAUSED), legs=(first,))
    assert paused.is_between_legs and paused.current_leg == first
    assert first.has_ended and first.notional == Decimal(20)
    second = Leg("OD1-L2", 2, LegPurpose.RESUME, Decimal("0.3"), OrderStatus.WORKING, "V2")
    resumed = replace(paused, legs=(first, second), status=OrderStatus.PARTIALLY_FILLED)
    assert resumed.leg_count == 2 and not resumed.is_between_legs
    assert not replace(paused, status=OrderStatus.CANCELED).is_between_legs
