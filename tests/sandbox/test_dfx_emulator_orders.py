"""The DFX Labs emulator's six order endpoints (reference doc §1-6): shapes, id types, " " for
unset, validation against the symbols table, single and batch cancel, open and finished
order lists with their limits and windows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
import pytest_asyncio
from starlette.applications import Starlette

from gui.sandbox.dfx import create_app
from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.conftest import START
from tests.sandbox.dfx_helpers import (
    ACCOUNT_ID,
    FINISHED_ORDER_FIELDS,
    ORDER_FIELDS,
    DfxClient,
    dfx_client,
)

pytestmark = pytest.mark.asyncio

ORDER = "/api/v1/spot/order"
BATCH = "/api/v1/spot/batch/order"
OPEN = "/api/v1/spot/open_order"
FINISHED = "/api/v1/spot/finish_order"
START_MS = int(START.timestamp() * 1000)


@pytest.fixture
def dfx_app(engine: SandboxEngine) -> Starlette:
    return create_app(engine, rate_limit_scale=None)


@pytest_asyncio.fixture
async def dfx(dfx_app: Starlette) -> AsyncIterator[DfxClient]:
    """A signing client on the emulator, rate limits off."""
    async with dfx_client(dfx_app) as client:
        yield client


def limit_body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "symbol": "BTC-USDT",
        "accountId": ACCOUNT_ID,
        "side": "BUY",
        "type": "LIMIT",
        "price": "50000",
        "quantity": "0.001",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


async def cancel_body(dfx: DfxClient, **params: object) -> dict[str, object]:
    return await dfx.ok("DELETE", ORDER, {"accountId": ACCOUNT_ID, **params})


# Create and get -------------------------------------------------------------------------------


async def test_a_limit_order_answers_its_id_as_a_string_and_reads_back_as_a_number(
    dfx: DfxClient,
) -> None:
    payload = await dfx.ok("POST", ORDER, form=limit_body(price="50000.5", quantity="0.0020"))

    assert list(payload) == ["code", "msg", "data"]
    order_id = payload["data"]
    assert isinstance(order_id, str) and order_id.isdigit() and len(order_id) == 16
    order = await dfx.order(order_id)
    assert list(order) == ORDER_FIELDS
    assert order == {
        "clientOid": " ",
        "orderId": int(order_id),
        "accountId": ACCOUNT_ID,
        "side": "BUY",
        "symbol": "BTC-USDT",
        "price": "50000.5",
        "quantity": "0.002",
        "amount": "100.001",
        "status": "NEW",
        "tradeQty": "0",
        "tradeAmount": "0",
        "orderType": "LIMIT",
        "stopStatus": "PENDING",
        "failedReason": " ",
    }


async def test_order_ids_increase(dfx: DfxClient) -> None:
    first = await dfx.limit("BUY", "50000", "0.001")
    second = await dfx.limit("SELL", "70000", "0.001")

    assert int(second) > int(first)


async def test_a_client_order_id_is_echoed_as_client_oid_and_finds_the_order(
    dfx: DfxClient,
) -> None:
    order_id = await dfx.limit("BUY", "50000", "0.001", clientOrderId="desk-1")

    by_client = await dfx.ok("GET", ORDER, {"accountId": ACCOUNT_ID, "clientOrderId": "desk-1"})

    assert by_client["data"]["orderId"] == int(order_id)
    assert by_client["data"]["clientOid"] == "desk-1"


async def test_with_both_ids_the_client_order_id_is_ignored(dfx: DfxClient) -> None:
    first = await dfx.limit("BUY", "50000", "0.001", clientOrderId="a")
    second = await dfx.limit("BUY", "50001", "0.001", clientOrderId="b")

    got = await dfx.ok(
        "GET", ORDER, {"accountId": ACCOUNT_ID, "orderId": first, "clientOrderId": "b"}
    )
    await cancel_body(dfx, orderId=second, clientOrderId="a")

    assert got["data"]["orderId"] == int(first)
    assert (await dfx.order(first))["status"] == "NEW"
    assert (await dfx.order(second))["status"] == "CANCELED"


async def test_a_client_order_id_cannot_be_reused(dfx: DfxClient) -> None:
    await dfx.limit("BUY", "50000", "0.001", clientOrderId="once")

    msg = await dfx.error("POST", ORDER, form=limit_body(clientOrderId="once"), status=400)

    assert "once" in msg


async def test_get_needs_an_id_and_answers_404_for_unknown_orders(dfx: DfxClient) -> None:
    await dfx.error("GET", ORDER, {"accountId": ACCOUNT_ID}, status=412)
    await dfx.error("GET", ORDER, {"accountId": ACCOUNT_ID, "orderId": "1"}, status=404)
    await dfx.error("GET", ORDER, {"accountId": ACCOUNT_ID, "clientOrderId": "no"}, status=404)
    await dfx.error("GET", ORDER, {"accountId": ACCOUNT_ID, "orderId": "abc"}, status=400)


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"symbol": None}, 412),
        ({"side": None}, 412),
        ({"type": None}, 412),
        ({"price": None}, 412),  # "required for LIMIT order"
        ({"quantity": None}, 412),
        ({"type": "MARKET", "price": None, "quantity": None}, 412),  # amount required
        ({"side": "HOLD"}, 400),
        ({"type": "STOP_LIMIT"}, 400),
        ({"symbol": "DOGE-USDT"}, 400),  # not in the symbols table
        ({"symbol": "USDT-USD", "price": "1", "quantity": "10"}, 400),  # enableTrading false
        ({"price": "50000.001"}, 400),  # priceIncrement 0.01
        ({"quantity": "0.000015"}, 400),  # baseIncrement 0.00001
        ({"quantity": "0.00001"}, 400),  # 0.5 USDT < quoteMinSize 5
        ({"price": "-1"}, 400),
        ({"price": "NaN"}, 400),
        ({"quantity": "lots"}, 400),
        ({"price": "1e40"}, 400),
        ({"price": "70000"}, 400),  # a buy beyond mid x 1.1 (priceLimitRate)
        ({"side": "SELL", "price": "50000"}, 400),  # a sell below mid x 0.9
        ({"type": "MARKET", "amount": "4.99"}, 400),  # quoteMinSize 5
        ({"type": "MARKET", "amount": "10.001"}, 400),  # quoteIncrement 0.01
    ],
)
async def test_invalid_orders_are_refused(
    dfx: DfxClient, overrides: dict[str, object], status: int
) -> None:
    await dfx.error("POST", ORDER, form=limit_body(**overrides), status=status)

    assert await dfx.listing(OPEN) == []


async def test_a_limit_order_within_the_price_limit_is_accepted(dfx: DfxClient) -> None:
    order_id = await dfx.limit("SELL", "65000", "0.001")  # above the market: rests

    assert (await dfx.order(order_id))["status"] == "NEW"


# Cancel one -----------------------------------------------------------------------------------


async def test_cancel_answers_the_order_id_at_top_level_as_a_string(dfx: DfxClient) -> None:
    order_id = await dfx.limit("BUY", "50000", "0.001")

    payload = await cancel_body(dfx, orderId=order_id)

    assert payload == {"code": "0", "msg": "success", "orderId": order_id}
    assert (await dfx.order(order_id))["status"] == "CANCELED"


async def test_cancel_by_client_order_id(dfx: DfxClient) -> None:
    order_id = await dfx.limit("BUY", "50000", "0.001", clientOrderId="c-9")

    payload = await cancel_body(dfx, clientOrderId="c-9")

    assert payload["orderId"] == order_id


async def test_cancel_refusals(dfx: DfxClient) -> None:
    order_id = await dfx.limit("BUY", "50000", "0.001")
    await cancel_body(dfx, orderId=order_id)

    await dfx.error("DELETE", ORDER, {"accountId": ACCOUNT_ID, "orderId": order_id}, status=400)
    await dfx.error("DELETE", ORDER, {"accountId": ACCOUNT_ID, "orderId": "42"}, status=404)
    await dfx.error("DELETE", ORDER, {"accountId": ACCOUNT_ID}, status=412)


async def test_cancel_parameters_may_come_in_a_form_body(dfx: DfxClient) -> None:
    order_id = await dfx.limit("BUY", "50000", "0.001")

    payload = await dfx.ok("DELETE", ORDER, form={"accountId": ACCOUNT_ID, "orderId": order_id})

    assert payload["orderId"] == order_id


# Batch cancel ---------------------------------------------------------------------------------


async def test_batch_cancel_by_ids_joins_the_canceled_ids(dfx: DfxClient) -> None:
    ids = [await dfx.limit("BUY", f"5000{i}", "0.001") for i in range(3)]

    payload = await dfx.ok(
        "DELETE", BATCH, {"accountId": ACCOUNT_ID, "orderIds": ",".join(ids[:2])}
    )

    assert payload == {
        "code": "0",
        "msg": "success",
        "data": [{"msg": "success", "code": "0", "orderId": f"{ids[0]},{ids[1]}"}],
        "success": True,
    }
    assert [o["orderId"] for o in await dfx.listing(OPEN)] == [int(ids[2])]


async def test_batch_cancel_takes_at_most_5_ids(dfx: DfxClient) -> None:
    ids = [await dfx.limit("BUY", f"5000{i}", "0.001") for i in range(6)]

    await dfx.error(
        "DELETE", BATCH, {"accountId": ACCOUNT_ID, "orderIds": ",".join(ids)}, status=400
    )
    five = await dfx.ok("DELETE", BATCH, {"accountId": ACCOUNT_ID, "orderIds": ",".join(ids[:5])})

    assert five["data"][0]["orderId"].split(",") == ids[:5]
    assert len(await dfx.listing(OPEN)) == 1


async def test_batch_cancel_reports_each_failed_id_in_its_own_entry(dfx: DfxClient) -> None:
    live = await dfx.limit("BUY", "50000", "0.001")
    done = await dfx.limit("BUY", "50001", "0.001")
    await cancel_body(dfx, orderId=done)

    payload = await dfx.ok(
        "DELETE", BATCH, {"accountId": ACCOUNT_ID, "orderIds": f"{live},{done},777,x"}
    )

    success, *failures = payload["data"]
    assert success == {"msg": "success", "code": "0", "orderId": live}
    assert [(f["orderId"], f["code"]) for f in failures] == [
        (done, "400"),
        ("777", "404"),
        ("x", "400"),
    ]
    assert all(set(f) == {"msg", "code", "orderId"} and f["msg"] for f in failures)
    assert payload["success"] is False


async def test_batch_cancel_by_symbol_cancels_only_that_symbols_open_orders(
    dfx: DfxClient,
) -> None:
    btc = [await dfx.limit("BUY", f"5000{i}", "0.001") for i in range(2)]
    eth = await dfx.limit("BUY", "2800", "0.01", symbol="ETH-USDT")

    payload = await dfx.ok("DELETE", BATCH, {"accountId": ACCOUNT_ID, "symbol": "BTC-USDT"})

    assert payload["data"] == [{"msg": "success", "code": "0", "orderId": ",".join(btc)}]
    assert [o["orderId"] for o in await dfx.listing(OPEN)] == [int(eth)]


async def test_batch_cancel_ignores_the_symbol_when_ids_are_given(dfx: DfxClient) -> None:
    btc = [await dfx.limit("BUY", f"5000{i}", "0.001") for i in range(2)]

    await dfx.ok(
        "DELETE", BATCH, {"accountId": ACCOUNT_ID, "orderIds": btc[0], "symbol": "BTC-USDT"}
    )

    assert [o["orderId"] for o in await dfx.listing(OPEN)] == [int(btc[1])]


async def test_batch_cancel_needs_ids_or_a_known_symbol(dfx: DfxClient) -> None:
    await dfx.error("DELETE", BATCH, {"accountId": ACCOUNT_ID}, status=412)
    await dfx.error("DELETE", BATCH, {"accountId": ACCOUNT_ID, "symbol": "NOPE-USDT"}, status=400)
    empty = await dfx.ok("DELETE", BATCH, {"accountId": ACCOUNT_ID, "symbol": "ETH-USDT"})
    assert empty["data"] == [{"msg": "success", "code": "0", "orderId": ""}]


# Open orders ----------------------------------------------------------------------------------


async def test_open_orders_are_ascending_with_a_default_limit_of_10(dfx: DfxClient) -> None:
    ids = [int(await dfx.limit("BUY", f"{50000 + i}", "0.001")) for i in range(12)]

    default = await dfx.listing(OPEN)
    wider = await dfx.listing(OPEN, limit=100)

    assert [o["orderId"] for o in default] == ids[2:]  # the 10 most recent, oldest first
    assert [o["orderId"] for o in wider] == ids
    assert all(list(o) == ORDER_FIELDS for o in wider)
    await dfx.error("GET", OPEN, {"accountId": ACCOUNT_ID, "limit": 101}, status=400)
    await dfx.error("GET", OPEN, {"accountId": ACCOUNT_ID, "limit": 0}, status=400)


async def test_open_orders_filter_by_symbol_and_start_at_an_order_id(dfx: DfxClient) -> None:
    ids = [int(await dfx.limit("BUY", f"{50000 + i}", "0.001")) for i in range(4)]
    eth = int(await dfx.limit("BUY", "2800", "0.01", symbol="ETH-USDT"))

    by_symbol = await dfx.listing(OPEN, symbol="ETH-USDT")
    from_id = await dfx.listing(OPEN, orderId=ids[2], limit=2)

    assert [o["orderId"] for o in by_symbol] == [eth]
    assert [o["orderId"] for o in from_id] == ids[2:4]


# Finished orders ------------------------------------------------------------------------------


async def test_finished_orders_carry_average_price_and_stop_type(dfx: DfxClient) -> None:
    canceled = await dfx.limit("BUY", "50000", "0.001", clientOrderId="gone")
    await cancel_body(dfx, orderId=canceled)
    filled = await dfx.market("BUY", "100")

    rows = await dfx.listing(FINISHED)

    assert [row["orderId"] for row in rows] == [int(canceled), int(filled)]
    assert all(list(row) == FINISHED_ORDER_FIELDS for row in rows)
    first, second = rows
    assert first["status"] == "CANCELED" and first["clientOid"] == "gone"
    assert first["averagePrice"] == "0" and first["stopType"] == "UP"
    assert second["status"] == "FILLED"
    average = Decimal(second["tradeAmount"]) / Decimal(second["tradeQty"])
    assert Decimal(second["averagePrice"]) == average.quantize(Decimal("0.00000001"))
    assert await dfx.listing(OPEN) == []


async def test_finished_orders_window_is_on_creation_time(
    dfx: DfxClient, clock: ManualClock
) -> None:
    ids = []
    for _ in range(3):
        order_id = await dfx.limit("BUY", "50000", "0.001")
        await cancel_body(dfx, orderId=order_id)  # canceled a minute after creation
        ids.append(int(order_id))
        clock.advance(60)

    middle = await dfx.listing(FINISHED, startTime=START_MS + 60_000, endTime=START_MS + 60_000)
    from_second = await dfx.listing(FINISHED, startTime=START_MS + 1)
    until_second = await dfx.listing(FINISHED, endTime=START_MS + 60_000)

    assert [row["orderId"] for row in middle] == [ids[1]]
    assert [row["orderId"] for row in from_second] == ids[1:]
    assert [row["orderId"] for row in until_second] == ids[:2]
    await dfx.error(
        "GET", FINISHED, {"accountId": ACCOUNT_ID, "startTime": 2, "endTime": 1}, status=400
    )


async def test_finished_orders_limit_defaults_to_10_and_stops_at_500(dfx: DfxClient) -> None:
    ids = []
    for _ in range(12):
        order_id = await dfx.limit("BUY", "50000", "0.001")
        await cancel_body(dfx, orderId=order_id)
        ids.append(int(order_id))

    default = await dfx.listing(FINISHED)
    first_three = await dfx.listing(FINISHED, startTime=START_MS, limit=3)
    from_id = await dfx.listing(FINISHED, orderId=ids[5], limit=500)

    assert [row["orderId"] for row in default] == ids[2:]
    assert [row["orderId"] for row in first_three] == ids[:3]
    assert [row["orderId"] for row in from_id] == ids[5:]
    await dfx.error("GET", FINISHED, {"accountId": ACCOUNT_ID, "limit": 501}, status=400)
    await dfx.error("GET", FINISHED, {"accountId": ACCOUNT_ID, "symbol": "X-Y"}, status=400)


async def test_a_rejected_order_is_finished_with_its_reason(
    dfx: DfxClient, dfx_app: Starlette, engine: SandboxEngine
) -> None:
    order_id = await dfx.limit("BUY", "50000", "0.001")
    engine.fail(dfx_app.state.dfx.book.by_id(int(order_id)).sim.order_id, "Risk check failed")

    order = await dfx.order(order_id)
    (row,) = await dfx.listing(FINISHED)

    assert (order["status"], order["failedReason"]) == ("REJECT", "Risk check failed")
    assert (row["orderId"], row["status"]) == (int(order_id), "REJECT")
