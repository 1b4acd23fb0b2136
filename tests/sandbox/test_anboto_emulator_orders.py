"""Creating Anboto parent orders on the emulator: the OrderSummary and OrderDetails shapes,
status progression, TWAP/VWAP over their window, ICEBERG clips, STOP_LOSS triggers, expiry
and validation (notes.md §1.3-§1.5, §1.8.10)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio

from gui.sandbox.anboto import create_app
from gui.sandbox.engine import ManualClock, SandboxEngine, SimStatus
from gui.sandbox.sim_order import SimOrder
from tests.sandbox.anboto_helpers import (
    DETAILS_FIELDS,
    ORDER,
    RESTING_LIMIT,
    SUMMARY_FIELDS,
    AnbotoClient,
    anboto_client,
    exact,
)

pytestmark = pytest.mark.asyncio

TWAP_10_MIN = {
    "clientOrderId": "twap-1",
    "strategy": "TWAP",
    "limitPrice": None,
    "quantity": Decimal("0.5"),
    "endTime": "2024-01-02T09:10:00Z",
}
"""Changes to `RESTING_LIMIT` for a 0.5 BTC TWAP over the next ten minutes."""


@pytest_asyncio.fixture
async def anboto(engine: SandboxEngine) -> AsyncIterator[AnbotoClient]:
    """HMAC client on an emulator with no rate limit."""
    async with anboto_client(create_app(engine, requests_per_second=None)) as client:
        yield client


def _engine_orders(engine: SandboxEngine) -> list[SimOrder]:
    return engine.orders()


# Shapes and progression ----------------------------------------------------------------------


async def test_create_answers_201_with_a_pending_new_order_summary(anboto: AnbotoClient) -> None:
    response = await anboto.call("POST", f"{ORDER}/create", RESTING_LIMIT)

    body = exact(response)
    assert response.status_code == 201
    assert list(body) == SUMMARY_FIELDS
    assert isinstance(body["orderId"], int) and body["orderId"] > 0
    assert body["clientOrderId"] == "rest-1"
    assert body["status"] == "PENDING_NEW"
    assert body["createdAt"] == "2024-01-02T09:00:00.000Z"
    assert body["errorCode"] is None


async def test_a_resting_limit_goes_from_pending_new_to_accepted_with_exact_details(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    order_id = (await anboto.create())["orderId"]

    pending = await anboto.details(order_id)
    clock.advance(1)
    accepted = await anboto.details(order_id)

    assert list(pending) == DETAILS_FIELDS
    assert pending["status"] == "PENDING_NEW"
    assert accepted == {
        "orderId": order_id,
        "clientOrderId": "rest-1",
        "symbol": "BTC/USDT",
        "assetClass": "SPOT",
        "exchange": "BINANCE",
        "status": "ACCEPTED",
        "filledQuantity": 0,
        "leavesQuantity": Decimal("0.5"),
        "side": "BUY",
        "lastQuantity": 0,
        "lastPrice": 0,
        "averagePrice": 0,
    }


async def test_a_market_order_fills_at_once_with_exact_average_price(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    created = await anboto.create(strategy="MARKET", limitPrice=None)

    details = await anboto.details(created["orderId"])

    (child,) = _engine_orders(engine)
    assert created["status"] == "PENDING_NEW"  # the create acknowledges; the read shows fills
    assert details["status"] == "FILLED"
    assert (details["filledQuantity"], details["leavesQuantity"]) == (Decimal("0.5"), 0)
    # Exact, not through float: the engine's notional over its quantity.
    assert details["averagePrice"] == sum(f.quantity * f.price for f in child.fills) / Decimal(
        "0.5"
    )
    assert (details["lastQuantity"], details["lastPrice"]) == (
        child.fills[-1].quantity,
        child.fills[-1].price,
    )


async def test_a_short_sell_trades_as_a_sell_and_is_echoed_as_short_sell(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    bid, _ = engine.best_bid_ask("ETH-USDT")

    order_id = (
        await anboto.create(
            symbol="ETH/USDT", side="SHORT_SELL", strategy="MARKET", limitPrice=None, quantity=2
        )
    )["orderId"]
    details = await anboto.details(order_id)

    assert (details["side"], details["status"]) == ("SHORT_SELL", "FILLED")
    assert details["averagePrice"] <= bid  # sold into the bids


async def test_a_twap_fills_along_its_window_and_finishes_at_its_end(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    order_id = (await anboto.create(**TWAP_10_MIN))["orderId"]

    progress = []
    for _ in range(10):
        clock.advance(60)
        details = await anboto.details(order_id)
        progress.append((details["status"], details["filledQuantity"]))

    filled = [quantity for _, quantity in progress]
    assert [status for status, _ in progress[:9]] == ["PARTIALLY_FILLED"] * 9
    assert filled == sorted(filled)
    for minute, quantity in enumerate(filled[:9], start=1):
        # Linear schedule: after m minutes about m/10 of 0.5 (one 5 s slice of slack).
        assert abs(quantity - Decimal("0.05") * minute) <= Decimal("0.005"), (minute, quantity)
    assert progress[-1] == ("FILLED", Decimal("0.5"))


async def test_a_twap_with_a_later_start_waits_for_it(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    order_id = (await anboto.create(**TWAP_10_MIN, startTime="2024-01-02T09:05:00Z"))["orderId"]

    clock.advance(290)
    waiting = await anboto.details(order_id)
    clock.advance(160)
    working = await anboto.details(order_id)
    clock.advance(160)
    done = await anboto.details(order_id)

    assert (waiting["status"], waiting["filledQuantity"]) == ("ACCEPTED", 0)
    assert working["status"] == "PARTIALLY_FILLED"
    assert Decimal("0.2") <= working["filledQuantity"] <= Decimal("0.3")  # half the window
    assert done["status"] == "FILLED"


async def test_a_vwap_fills_over_its_window(anboto: AnbotoClient, clock: ManualClock) -> None:
    order_id = (await anboto.create(**{**TWAP_10_MIN, "strategy": "VWAP"}))["orderId"]

    clock.advance(300)
    halfway = await anboto.details(order_id)
    clock.advance(302)
    done = await anboto.details(order_id)

    assert halfway["status"] == "PARTIALLY_FILLED"
    assert Decimal("0.15") < halfway["filledQuantity"] < Decimal("0.35")
    assert (done["status"], done["filledQuantity"]) == ("FILLED", Decimal("0.5"))


async def test_an_iceberg_is_worked_in_clips_of_its_clip_size(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    # Marketable: every clip fills when placed, and the next one follows it.
    order_id = (
        await anboto.create(
            strategy="ICEBERG",
            quantity=1,
            limitPrice=61000,
            clipSizeType="ABSOLUTE",
            clipSizeVal=Decimal("0.25"),
        )
    )["orderId"]

    details = await anboto.details(order_id)

    clips = _engine_orders(engine)
    assert details["status"] == "FILLED"
    assert [clip.quantity for clip in clips] == [Decimal("0.25")] * 4
    assert all(clip.status is SimStatus.COMPLETE for clip in clips)
    assert details["lastQuantity"] <= Decimal("0.25")


async def test_a_resting_iceberg_shows_one_clip_at_a_time(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    await anboto.create(strategy="ICEBERG", quantity=1, clipSizeType="PERCENTAGE", clipSizeVal=20)

    (clip,) = _engine_orders(engine)
    assert (clip.quantity, clip.limit_price, clip.status) == (
        Decimal("0.2"),
        Decimal(50000),
        SimStatus.ACTIVE,
    )


async def test_a_stop_loss_waits_for_its_trigger_then_trades_at_market(
    anboto: AnbotoClient, engine: SandboxEngine, clock: ManualClock
) -> None:
    mid = engine.mid_price("BTC-USDT")
    trigger = mid - 20  # a sell stop a little below the market: the walk crosses it soon
    params = f'{{"trigger": {{"triggerPrice": "{trigger}", "triggerCondition": "BELOW"}}}}'
    order_id = (
        await anboto.create(strategy="STOP_LOSS", side="SELL", limitPrice=None, params=params)
    )["orderId"]

    seen: list[tuple[str, Decimal]] = []
    for _ in range(3600):
        details = await anboto.details(order_id)
        seen.append((details["status"], engine.mid_price("BTC-USDT")))
        if details["status"] == "FILLED":
            break
        assert details["filledQuantity"] == 0 and not _engine_orders(engine)
        clock.advance(1)

    assert seen[-1][0] == "FILLED"
    assert seen[-1][1] <= trigger  # fired only once the mid crossed
    assert all(observed > trigger for _, observed in seen[:-1])
    assert len(seen) > 2 and seen[1][0] == "ACCEPTED"
    (child,) = _engine_orders(engine)
    assert child.limit_price is None  # market once triggered


async def test_a_stop_loss_already_crossed_trades_at_its_limit_price_at_once(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    mid = engine.mid_price("BTC-USDT")
    params = f'{{"trigger": {{"triggerPrice": {mid + 1000}, "triggerCondition": "BELOW"}}}}'

    await anboto.create(strategy="STOP_LOSS", side="SELL", limitPrice=70000, params=params)

    (child,) = _engine_orders(engine)
    assert (child.side.value, child.limit_price) == ("sell", Decimal(70000))


async def test_an_order_unfilled_at_its_end_time_expires(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    order_id = (await anboto.create(endTime="2024-01-02T09:01:00Z"))["orderId"]

    clock.advance(61)
    in_grace = await anboto.details(order_id)
    clock.advance(1)
    expired = await anboto.details(order_id)
    cancel = await anboto.call("POST", f"{ORDER}/cancel", {"orderId": order_id})

    assert in_grace["status"] == "ACCEPTED"
    assert expired["status"] == "EXPIRED"
    assert expired["leavesQuantity"] == Decimal("0.5")
    assert cancel.status_code == 400
    assert await anboto.open_orders() == []


async def test_future_orders_trade_the_perpetual_market(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    await anboto.create(assetClass="FUTURE", exchange="BYBIT", strategy="MARKET", limitPrice=None)

    (child,) = _engine_orders(engine)
    assert child.pair == "BTC:PERP-USDT"


async def test_the_default_window_is_thirty_days(anboto: AnbotoClient, clock: ManualClock) -> None:
    order_id = (await anboto.create(**{**TWAP_10_MIN, "endTime": None}))["orderId"]

    clock.advance(3 * 24 * 3600)
    details = await anboto.details(order_id)

    assert details["status"] == "PARTIALLY_FILLED"
    assert Decimal("0.04") <= details["filledQuantity"] <= Decimal("0.06")  # 3 of 30 days


# Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"price": 1}, "Unknown field(s): price"),
        ({"quantity": None}, "Missing required field(s): quantity"),
        ({"exchange": "KRAKEN"}, 'Invalid exchange "KRAKEN": expected one of BINANCE, BYBIT'),
        ({"side": "buy"}, 'Invalid side "buy": expected one of BUY, SELL, SHORT_SELL'),
        ({"strategy": "POV"}, "Invalid strategy"),
        ({"assetClass": "BOND"}, "Invalid assetClass"),
        ({"clipSizeType": "HALF"}, "Invalid clipSizeType"),
        ({"symbol": "BTC-USDT"}, "expected BASE/QUOTE"),
        ({"symbol": "PEPE/USDT"}, "Unknown symbol PEPE/USDT"),
        ({"assetClass": "OPTION"}, "assetClass OPTION is not supported"),
        ({"quantity": -1}, "quantity must be a positive number"),
        ({"quantity": "0.5"}, "quantity must be a positive number"),
        ({"limitPrice": None}, "A LIMIT order needs a limitPrice"),
        ({"strategy": "ICEBERG", "limitPrice": None}, "A ICEBERG order needs a limitPrice"),
        ({"strategy": "MARKET"}, "A MARKET order takes no limitPrice"),
        ({"endTime": "2024-03-05T09:00:00Z"}, "endTime must be at most 60 days in the future"),
        ({"endTime": "2024-01-02T08:00:00Z"}, "endTime must be in the future"),
        (
            {"startTime": "2024-01-02T10:00:00Z", "endTime": "2024-01-02T09:30:00Z"},
            "endTime must be after startTime",
        ),
        ({"startTime": "tomorrow"}, "startTime must be an ISO 8601 date-time"),
        ({"clipSizeType": "ABSOLUTE"}, "clipSizeVal is required when clipSizeType is ABSOLUTE"),
        (
            {"clipSizeType": "PERCENTAGE", "clipSizeVal": 150},
            "A PERCENTAGE clipSizeVal must be at most 100",
        ),
        ({"params": {"trigger": {}}}, "params must be a string"),
        ({"strategy": "STOP_LOSS"}, "A STOP_LOSS order needs params"),
        (
            {
                "strategy": "STOP_LOSS",
                "params": '{"trigger": {"triggerPrice": "1", "triggerCondition": "UP"}}',
            },
            "params.trigger.triggerCondition must be ABOVE or BELOW",
        ),
        ({"clientOrderId": 7}, "clientOrderId must be a string"),
        ({"symbol": Decimal("1.5")}, "Invalid symbol 1.5"),
        ({"side": ["BUY"]}, 'Invalid side ["BUY"]'),
        ({"clientOrderId": "x" * 129}, "clientOrderId must be at most 128 characters"),
    ],
)
async def test_invalid_orders_answer_400_invalid_order(
    anboto: AnbotoClient, engine: SandboxEngine, changes: dict[str, object], message: str
) -> None:
    body = {k: v for k, v in {**RESTING_LIMIT, **changes}.items() if v is not None}

    response = await anboto.call("POST", f"{ORDER}/create", body)

    assert response.status_code == 400
    assert list(exact(response)) == ["errorCode", "message"]
    assert exact(response)["errorCode"] == "INVALID_ORDER"
    assert message in exact(response)["message"]
    assert _engine_orders(engine) == []


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"", b'{"quantity": NaN}'])
async def test_a_body_that_is_not_an_order_object_answers_400(
    anboto: AnbotoClient, raw: bytes
) -> None:
    response = await anboto.call("POST", f"{ORDER}/create", raw)

    assert (response.status_code, exact(response)["errorCode"]) == (400, "INVALID_ORDER")


async def test_an_order_over_the_notional_cap_answers_quantity_exceed(
    anboto: AnbotoClient,
) -> None:
    response = await anboto.call("POST", f"{ORDER}/create", {**RESTING_LIMIT, "quantity": 1000})

    assert (response.status_code, exact(response)["errorCode"]) == (400, "QUANTITY_EXCEED")


async def test_a_client_order_id_is_unique_per_key(engine: SandboxEngine) -> None:
    app = create_app(engine, requests_per_second=None)
    async with anboto_client(app) as client, anboto_client(app, rsa_key=True) as rsa:
        await client.create()
        duplicate = await client.call("POST", f"{ORDER}/create", RESTING_LIMIT)
        other_key = await rsa.call("POST", f"{ORDER}/create", RESTING_LIMIT)

    assert (duplicate.status_code, exact(duplicate)) == (
        400,
        {"errorCode": "INVALID_ORDER", "message": "Duplicate clientOrderId rest-1"},
    )
    assert other_key.status_code == 201
