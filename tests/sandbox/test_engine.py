"""The simulated market and execution engine, driven by a manual clock (no sleeps)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from gui.domain.orders import Amendment, Side, Strategy
from gui.sandbox import market as market_module
from gui.sandbox.engine import (
    ManualClock,
    OrderRefused,
    OrderRequest,
    SandboxEngine,
    ScaledClock,
    SimOrder,
    SimStatus,
    UnknownOrder,
)
from gui.sandbox.execution import schedule_fraction
from tests.sandbox.conftest import START

PAIR = "BTC-USDT"


def run(clock: ManualClock, engine: SandboxEngine, seconds: int) -> None:
    """Move simulated time one second at a time, letting the engine step after each."""
    for _ in range(seconds):
        clock.advance(1)
        engine.advance()


def twap(
    engine: SandboxEngine, quantity: str = "1.2", duration_s: int = 600, **extra: Any
) -> SimOrder:
    """Submit a TWAP buy of `quantity` BTC over `duration_s` seconds."""
    request = OrderRequest(
        PAIR, Side.BUY, Decimal(quantity), Strategy.TWAP, duration_s=duration_s, **extra
    )
    return engine.submit(request)


def fill_tuples(order: SimOrder) -> list[tuple[object, ...]]:
    return [(f.ts, f.quantity, f.price, f.fee, f.role) for f in order.fills]


# Simple orders -------------------------------------------------------------------------------


def test_market_order_fills_at_once_at_the_touch(engine: SandboxEngine) -> None:
    bid, ask = engine.best_bid_ask(PAIR)

    order = engine.submit(OrderRequest(PAIR, Side.BUY, Decimal("0.01"), Strategy.MARKET))

    assert order.status is SimStatus.COMPLETE
    assert [(f.quantity, f.price, f.role, f.ts) for f in order.fills] == [
        (Decimal("0.01"), ask, "taker", START)
    ]
    assert bid < ask
    assert order.placements[0].status == "COMPLETE"


def test_large_market_order_walks_the_book(engine: SandboxEngine) -> None:
    order = engine.submit(OrderRequest(PAIR, Side.SELL, Decimal("2"), Strategy.MARKET))

    prices = [fill.price for fill in order.fills]
    assert order.status is SimStatus.COMPLETE
    assert order.filled_qty == Decimal("2")
    assert len(prices) > 1 and prices == sorted(prices, reverse=True)


def test_limit_order_rests_until_crossed_and_fills_at_its_limit(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    limit = engine.mid_price(PAIR) - Decimal(60)  # 0.1% below mid: rests
    order = engine.submit(
        OrderRequest(PAIR, Side.BUY, Decimal("0.2"), Strategy.LIMIT, limit_price=limit)
    )
    assert order.status is SimStatus.ACTIVE and order.fills == []

    asks_before_first_fill = []
    while not order.fills:
        asks_before_first_fill.append(engine.best_bid_ask(PAIR)[1])
        run(clock, engine, 1)
        assert clock.now() < START + timedelta(hours=2), "the market never crossed"

    assert all(ask > limit for ask in asks_before_first_fill)
    assert engine.best_bid_ask(PAIR)[1] <= limit
    run(clock, engine, 600)
    assert order.status is SimStatus.COMPLETE
    assert {(fill.price, fill.role) for fill in order.fills} == {(limit, "maker")}


def test_marketable_limit_order_fills_at_once_at_a_better_price(engine: SandboxEngine) -> None:
    _, ask = engine.best_bid_ask(PAIR)

    order = engine.submit(
        OrderRequest(PAIR, Side.BUY, Decimal("0.01"), Strategy.LIMIT, limit_price=ask + 100)
    )

    assert order.status is SimStatus.COMPLETE
    assert order.fills[0].price == ask and order.fills[0].role == "taker"


def test_ioc_fills_what_crosses_now_and_cancels_the_rest(engine: SandboxEngine) -> None:
    _, ask = engine.best_bid_ask(PAIR)

    order = engine.submit(
        OrderRequest(PAIR, Side.BUY, Decimal("50"), Strategy.IOC, limit_price=ask)
    )

    assert order.status is SimStatus.CANCELED
    assert Decimal(0) < order.filled_qty < Decimal("50")
    assert {fill.price for fill in order.fills} == {ask}
    assert order.messages[-1].text == "Unfilled IOC quantity canceled"


def test_fill_or_kill_trades_the_whole_quantity_at_once(engine: SandboxEngine) -> None:
    _, ask = engine.best_bid_ask(PAIR)

    order = engine.submit(
        OrderRequest(
            PAIR, Side.BUY, Decimal("0.01"), Strategy.IOC, limit_price=ask, fill_or_kill=True
        )
    )

    assert order.status is SimStatus.COMPLETE
    assert sum(f.quantity for f in order.fills) == Decimal("0.01")


def test_fill_or_kill_that_the_book_cannot_fill_in_full_is_canceled_without_fills(
    engine: SandboxEngine,
) -> None:
    # The same size as the IOC above, which fills in part at the touch: FOK fills nothing.
    _, ask = engine.best_bid_ask(PAIR)

    order = engine.submit(
        OrderRequest(
            PAIR, Side.BUY, Decimal("50"), Strategy.IOC, limit_price=ask, fill_or_kill=True
        )
    )

    assert order.status is SimStatus.CANCELED
    assert (order.filled_qty, order.fills, order.placements) == (Decimal(0), [], [])
    assert order.messages[-1].text == "Unfillable FOK order canceled"


def test_fill_or_kill_market_order_walks_the_book_in_full(engine: SandboxEngine) -> None:
    order = engine.submit(
        OrderRequest(PAIR, Side.SELL, Decimal("5"), Strategy.MARKET, fill_or_kill=True)
    )

    assert order.status is SimStatus.COMPLETE
    assert order.filled_qty == Decimal("5")
    assert len({fill.price for fill in order.fills}) > 1


# Algos ---------------------------------------------------------------------------------------


def test_twap_fills_evenly_over_its_window(clock: ManualClock, engine: SandboxEngine) -> None:
    order = twap(engine, "1.2", 600)
    run(clock, engine, 5)
    assert order.fills, "first slice within 5 simulated seconds"

    for minute in range(1, 10):
        run(clock, engine, 60 if minute > 1 else 55)
        expected = Decimal("1.2") * minute / 10
        assert abs(order.filled_qty - expected) <= Decimal("0.0001"), minute

    assert order.status is SimStatus.FINISHER
    run(clock, engine, 60)
    assert order.status is SimStatus.COMPLETE
    assert order.filled_qty == Decimal("1.2")
    slices = [fill.quantity for fill in order.fills]
    assert max(slices) - min(slices) <= Decimal("0.00002")  # equal slices, give or take lots
    assert [m.text for m in order.messages][-1] == "Order execution completed"


def test_vwap_follows_its_u_shaped_curve(clock: ManualClock, engine: SandboxEngine) -> None:
    order = engine.submit(OrderRequest(PAIR, Side.SELL, Decimal(2), Strategy.VWAP, duration_s=1000))
    checkpoints = {}
    for second in range(1, 1001):
        run(clock, engine, 1)
        if second % 250 == 0:
            checkpoints[second] = order.filled_qty

    for second, filled in checkpoints.items():
        expected = 2 * Decimal(repr(schedule_fraction(Strategy.VWAP, second / 1000, 0.0)))
        assert abs(filled - expected) <= Decimal("0.001"), second
    # U-shaped: a quarter of the window trades more than a quarter of the quantity.
    assert checkpoints[250] > Decimal("0.6")
    assert checkpoints[500] - checkpoints[250] < checkpoints[250]


def test_pov_trades_its_target_share_of_market_volume(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = engine.submit(
        OrderRequest(PAIR, Side.BUY, Decimal(100), Strategy.POV, pov_target=Decimal("0.1"))
    )
    run(clock, engine, 600)

    share = order.filled_qty / order.interval_volume
    assert Decimal("0.098") <= share <= Decimal("0.1")
    assert order.status is SimStatus.ACTIVE
    assert order.expected_end > clock.now()


def test_pov_with_a_window_finishes_the_rest_at_its_end(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = engine.submit(
        OrderRequest(
            PAIR, Side.BUY, Decimal(5), Strategy.POV, pov_target=Decimal("0.05"), duration_s=120
        )
    )
    run(clock, engine, 119)
    assert order.filled_qty < Decimal(5)

    run(clock, engine, 1)

    assert order.status is SimStatus.COMPLETE


def test_algo_limit_blocks_slices_which_catch_up_once_the_price_allows(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    limit = engine.mid_price(PAIR) - Decimal(420)  # 0.7% below mid: blocks for minutes
    order = twap(engine, "3.6", 3600, limit_price=limit)
    while not order.fills:
        run(clock, engine, 1)
        assert clock.now() < START + timedelta(hours=1), "the market never came to the limit"
    elapsed_s = (clock.now() - START).total_seconds()

    # The first fill catches up with everything the schedule wanted so far (3.6 per hour).
    assert elapsed_s > 180  # several slices were blocked
    assert abs(order.filled_qty - Decimal("0.001") * Decimal(elapsed_s)) <= Decimal("0.01")
    assert [m.level for m in order.messages].count("WARN") == 1
    assert all(fill.price <= limit for fill in order.fills)


def test_amending_the_limit_of_a_blocked_algo_lets_it_trade(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    far_below = engine.mid_price(PAIR) * Decimal("0.9")
    order = twap(engine, "1.2", 600, limit_price=far_below)
    run(clock, engine, 300)
    assert order.fills == []

    engine.amend(order.order_id, Amendment(limit_price=far_below * 2))
    run(clock, engine, 300)

    assert order.limit_price == far_below * 2
    assert order.status is SimStatus.COMPLETE


def test_scheduled_order_waits_for_its_start(clock: ManualClock, engine: SandboxEngine) -> None:
    order = twap(engine, start=START + timedelta(minutes=5))
    assert order.status is SimStatus.SCHEDULED

    run(clock, engine, 299)
    assert order.status is SimStatus.SCHEDULED and order.fills == []
    run(clock, engine, 10)

    assert order.status is SimStatus.ACTIVE and order.fills
    assert order.arrival_price is not None


def test_held_order_starts_when_released(clock: ManualClock, engine: SandboxEngine) -> None:
    order = twap(engine, held=True)
    run(clock, engine, 900)
    assert order.status is SimStatus.SCHEDULED

    engine.release(order.order_id)
    run(clock, engine, 600)

    assert order.status is SimStatus.COMPLETE
    assert order.start == START + timedelta(seconds=900)


# Pause, resume, amend, cancel, fail ----------------------------------------------------------


def test_pause_stops_fills_and_resume_spreads_the_rest_without_catch_up(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = twap(engine, "1.2", 600)
    run(clock, engine, 120)
    engine.pause(order.order_id)
    filled_at_pause = order.filled_qty
    assert order.status is SimStatus.PAUSED and order.paused_ts == clock.now()

    run(clock, engine, 240)
    assert order.filled_qty == filled_at_pause

    engine.resume(order.order_id)
    run(clock, engine, 60)
    # No catch-up: the 0.96 left is spread over the 240 s left, 0.24 per minute.
    assert abs(order.filled_qty - filled_at_pause - Decimal("0.24")) <= Decimal("0.0001")
    run(clock, engine, 180)
    assert order.status is SimStatus.COMPLETE and order.end == START + timedelta(seconds=600)


def test_resumed_after_its_window_an_order_finishes_at_once(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = twap(engine, "1.2", 600)
    run(clock, engine, 60)
    engine.pause(order.order_id)
    run(clock, engine, 900)

    engine.resume(order.order_id)
    assert order.status is SimStatus.FINISHER
    run(clock, engine, 1)

    assert order.status is SimStatus.COMPLETE


def test_pause_and_resume_refuse_orders_in_the_wrong_state(engine: SandboxEngine) -> None:
    order = twap(engine)
    with pytest.raises(OrderRefused, match="not paused"):
        engine.resume(order.order_id)
    engine.pause(order.order_id)
    with pytest.raises(OrderRefused, match="not running"):
        engine.pause(order.order_id)


def test_amend_quantity_and_duration_replan_the_rest(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = twap(engine, "1.2", 600)
    run(clock, engine, 300)

    engine.amend(order.order_id, Amendment(quantity=Decimal("2.4"), duration_s=900))

    assert order.quantity == Decimal("2.4")
    assert order.end == START + timedelta(seconds=900)
    assert order.original_end == START + timedelta(seconds=600)
    run(clock, engine, 300)
    assert abs(order.filled_qty - Decimal("1.5")) <= Decimal("0.0001")  # 0.6 + 1.8 / 2
    run(clock, engine, 300)
    assert order.status is SimStatus.COMPLETE and order.filled_qty == Decimal("2.4")


def test_amend_refuses_impossible_changes(clock: ManualClock, engine: SandboxEngine) -> None:
    order = twap(engine, "1.2", 600)
    run(clock, engine, 300)

    with pytest.raises(OrderRefused, match="below the filled"):
        engine.amend(order.order_id, Amendment(quantity=Decimal("0.1")))
    with pytest.raises(OrderRefused, match="elapsed"):
        engine.amend(order.order_id, Amendment(duration_s=200))
    with pytest.raises(OrderRefused, match="participation"):
        engine.amend(order.order_id, Amendment(pov_target=Decimal("0.2")))


def test_amending_quantity_down_to_the_filled_quantity_completes_the_order(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = twap(engine, "1.2", 600)
    run(clock, engine, 300)

    engine.amend(order.order_id, Amendment(quantity=order.filled_qty))

    assert order.status is SimStatus.COMPLETE


def test_cancel_is_idempotent_and_refuses_completed_orders(engine: SandboxEngine) -> None:
    order = twap(engine)
    done = engine.submit(OrderRequest(PAIR, Side.BUY, Decimal("0.01"), Strategy.MARKET))

    assert engine.cancel(order.order_id) is True
    assert engine.cancel(order.order_id) is False
    assert order.status is SimStatus.CANCELED and order.departure_price is not None
    with pytest.raises(OrderRefused):
        engine.cancel(done.order_id)
    with pytest.raises(UnknownOrder):
        engine.cancel("no-such-order")


def test_fail_ends_the_order_with_its_reason(engine: SandboxEngine) -> None:
    order = twap(engine)

    engine.fail(order.order_id, "Insufficient balance for order execution")

    assert order.status is SimStatus.FAILED
    assert order.failure_reason == "Insufficient balance for order execution"
    assert (order.messages[-1].level, order.messages[-1].text) == (
        "ERROR",
        "Insufficient balance for order execution",
    )


@pytest.mark.parametrize(
    "request_",
    [
        OrderRequest(PAIR, Side.BUY, Decimal(0), Strategy.MARKET),
        OrderRequest(PAIR, Side.BUY, Decimal(1), Strategy.LIMIT),
        OrderRequest(PAIR, Side.BUY, Decimal(1), Strategy.TWAP),
        OrderRequest(PAIR, Side.BUY, Decimal(1), Strategy.POV, pov_target=Decimal("1.5")),
        OrderRequest(
            PAIR, Side.BUY, Decimal(1), Strategy.LIMIT, limit_price=Decimal(1), fill_or_kill=True
        ),
    ],
)
def test_submit_refuses_incomplete_requests(engine: SandboxEngine, request_: OrderRequest) -> None:
    with pytest.raises(OrderRefused):
        engine.submit(request_)


# Determinism, time -----------------------------------------------------------------------------


def scenario(seed: int) -> list[list[tuple[object, ...]]]:
    clock = ManualClock(START)
    engine = SandboxEngine(seed=seed, clock=clock)
    orders = [
        twap(engine, "1.2", 300),
        engine.submit(
            OrderRequest("ETH-USDT", Side.SELL, Decimal(30), Strategy.VWAP, duration_s=300)
        ),
        engine.submit(
            OrderRequest(
                "SOL-USDT", Side.BUY, Decimal(500), Strategy.POV, pov_target=Decimal("0.2")
            )
        ),
    ]
    for _ in range(40):
        clock.advance(7.5)
        engine.advance()
    return [fill_tuples(order) for order in orders]


def test_same_seed_and_clock_moves_give_identical_fills() -> None:
    first, second, other = scenario(11), scenario(11), scenario(12)

    assert first == second
    assert first != other
    assert all(first)


def test_fill_and_placement_ids_are_unique_uuids(clock: ManualClock, engine: SandboxEngine) -> None:
    orders = [twap(engine), twap(engine)]
    run(clock, engine, 600)

    ids = [f.fill_id for o in orders for f in o.fills] + [
        p.placement_id for o in orders for p in o.placements
    ]
    assert len(ids) == len(set(ids)) and all(len(i) == 36 for i in ids)


def test_a_long_idle_gap_is_covered_quickly_in_coarser_steps(
    clock: ManualClock, engine: SandboxEngine
) -> None:
    order = twap(engine, "1.2", 3600)
    clock.advance(7 * 24 * 3600)

    assert engine.get(order.order_id).status is SimStatus.COMPLETE


def test_scaled_clock_runs_speed_times_faster_than_real_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_seconds = iter([100.0, 110.0])
    monkeypatch.setattr(market_module.time, "monotonic", lambda: next(real_seconds))
    clock = ScaledClock(speed=60)

    assert clock.now() - clock._origin == timedelta(minutes=10)


def test_manual_clock_refuses_to_go_back() -> None:
    with pytest.raises(ValueError):
        ManualClock().advance(-1)
