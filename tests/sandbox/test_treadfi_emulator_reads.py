"""The Tread.fi emulator's read endpoints in-process: orders, active orders, detail, summary,
stats and messages, with their documented refusals (notes.md §3.1-§3.8)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.treadfi_helpers import LIST_ITEM_FIELDS, submit

pytestmark = pytest.mark.asyncio


async def test_orders_list_is_an_envelope_of_list_items_newest_first(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    first = await submit(client, custom_order_id="a")
    clock.advance(60)
    second = await submit(client, custom_order_id="b", accounts=["sandbox-bybit"])

    body = (await client.get("/api/orders")).json()  # the undocumented slash form works too

    assert [o["id"] for o in body["orders"]] == [second["id"], first["id"]]
    assert (body["page_number"], body["page_size"], body["num_pages"], body["order_count"]) == (
        1,
        100,
        1,
        2,
    )
    item = body["orders"][1]
    assert set(item) == LIST_ITEM_FIELDS
    assert (item["strategy"], item["target_token"], item["status"], item["active"]) == (
        "TWAP",
        "BTC",
        "ACTIVE",
        True,
    )
    assert item["executed_qty"] == item["target_executed_qty"] == "0.05"
    assert (item["pct_filled"], item["target_remaining_qty"], item["limit_price"]) == (
        "10.00",
        "0.45",
        "",
    )
    assert isinstance(item["average_executed_price"], str) and item["duration"] == 600


async def test_orders_list_filters(client: httpx.AsyncClient, clock: ManualClock) -> None:
    done = await submit(
        client, strategy="Market", duration=None, base_asset_qty=0.01, custom_order_id="m1"
    )
    clock.advance(60)
    working = await submit(client, custom_order_id="t1", accounts=["sandbox-bybit"])

    async def ids(**params: str) -> list[str]:
        response = await client.get("/api/orders/", params=params)
        assert response.status_code == 200, response.text
        return [order["id"] for order in response.json()["orders"]]

    assert await ids(statuses="COMPLETED,CANCELLED") == [done["id"]]
    assert await ids(statuses="ACTIVE") == [working["id"]]
    assert await ids(account_names="sandbox-bybit") == [working["id"]]
    assert await ids(custom_order_ids="m1,zzz") == [done["id"]]
    assert await ids(after="2024-01-02T09:00:30Z") == [working["id"]]
    assert await ids(before="2024-01-02T09:00:30Z") == [done["id"]]
    assert await ids(page="2", page_size="1") == [done["id"]]
    assert await ids(page="3", page_size="1") == []


@pytest.mark.parametrize(
    ("params", "body"),
    [
        ({"after": "yesterday"}, {"message": "Invalid after date format"}),
        ({"before": "2024-13-01"}, {"message": "Invalid before date format"}),
        ({"account_names": "nope"}, {"error": "Account display name 'nope' not found for user"}),
        ({"custom_order_ids": ""}, {"error": "custom_order_ids parameter is required"}),
        ({"page": "first"}, {"message": "Invalid page"}),
        ({"page_size": "1001"}, {"error": "page_size cannot be greater than 1000"}),
    ],
)
async def test_orders_list_refusals(
    client: httpx.AsyncClient, params: dict[str, str], body: object
) -> None:
    response = await client.get("/api/orders/", params=params)

    assert (response.status_code, response.json()) == (400, body)


async def test_active_orders_carry_fills_whose_ids_match_the_placement_fills(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    order = await submit(client)
    clock.advance(30)

    body = (await client.get("/api/active_orders/")).json()
    detail = (await client.get(f"/api/order/{order['id']}")).json()

    assert body["order_count"] == 1 and set(body) == {"orders", "order_count"}
    fills = body["orders"][0]["fills"]
    assert set(fills[0]) == {
        "id",
        "order_id",
        "exchange",
        "pair",
        "side",
        "quantity",
        "price",
        "timestamp",
        "fee",
        "fee_currency",
    }
    assert (fills[0]["order_id"], fills[0]["fee_currency"], fills[0]["exchange"]) == (
        order["id"],
        "USDT",
        "Binance",
    )
    placement_fill_ids = [f["id"] for p in detail["placements"] for f in p["fills"]]
    assert [f["id"] for f in fills] == placement_fill_ids and len(fills) == 6


async def test_active_orders_filters(client: httpx.AsyncClient, engine: SandboxEngine) -> None:
    paused = await submit(client)
    scheduled = await submit(
        client, start_datetime="2024-01-02T10:00:00Z", accounts=["sandbox-bybit"]
    )
    await submit(client, strategy="Market", duration=None, base_asset_qty=0.01)
    engine.pause(paused["id"])

    async def ids(**params: str) -> set[str]:
        return {
            o["id"]
            for o in (await client.get("/api/active_orders/", params=params)).json()["orders"]
        }

    assert await ids() == {scheduled["id"]}
    assert await ids(exclude_paused="False") == {scheduled["id"], paused["id"]}
    assert await ids(exclude_paused="0", only_active="true") == set()
    assert await ids(exclude_paused="false", account_names="sandbox-binance") == {paused["id"]}
    bad = await client.get("/api/active_orders/", params={"account_names": "nope"})
    assert (bad.status_code, bad.json()) == (
        400,
        {"error": "Account display name 'nope' not found for user"},
    )


async def test_order_detail_has_placements_and_fills_only_when_asked(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    order = await submit(client)
    clock.advance(20)

    plain = (await client.get(f"/api/order/{order['id']}")).json()
    with_fills = (
        await client.get(f"/api/order/{order['id']}/", params={"include_fills": "true"})
    ).json()

    assert set(plain) == LIST_ITEM_FIELDS | {
        "placements",
        "super_strategy_name",
        "paused_at",
        "resumed_at",
        "orig_time_end",
    }
    assert set(with_fills) - set(plain) == {"fills"}
    placement = plain["placements"][0]
    assert (placement["order"], placement["status"], placement["filled"]) == (
        order["id"],
        "COMPLETE",
        True,
    )
    assert set(placement["fills"][0]) == {
        "id",
        "created_at",
        "fill_time",
        "role",
        "external_id",
        "executed_price",
        "executed_qty",
        "exchange",
        "fee",
    }
    flat = with_fills["fills"]
    assert set(flat[0]) == {
        "placement_id",
        "exchange",
        "role",
        "executed_price",
        "executed_qty",
        "executed_notional",
        "fee",
        "fill_time",
    }
    assert [f["placement_id"] for f in flat] == [p["id"] for p in plain["placements"]]
    assert flat[0]["role"] in ("MAKE", "TAKE")


async def test_order_detail_refusals(client: httpx.AsyncClient) -> None:
    unknown = await client.get(f"/api/order/{uuid.uuid4()}")
    malformed = await client.get("/api/order/not-a-uuid")
    no_id = await client.get("/api/order/")

    assert (unknown.status_code, unknown.text) == (404, "No order found with given ID!")
    assert unknown.headers["content-type"].startswith("text/plain")
    assert (malformed.status_code, malformed.json()) == (400, "Invalid order ID format")
    assert (no_id.status_code, no_id.json()) == (400, "No order ID given!")


async def test_order_summary(client: httpx.AsyncClient) -> None:
    order = await submit(client, strategy="POV", duration=None, pov_target="0.08", base_asset_qty=1)

    summary = (await client.get(f"/api/order_summary/{order['id']}")).json()
    unknown = await client.get(f"/api/order_summary/{uuid.uuid4()}")

    assert summary["order_qty"] == 1.0 and summary["trajectory"] == "TWAP"
    assert summary["participation_rate_target_percent"] == 8.0
    assert summary["start_datetime"] == order["time_start"] and summary["strategy"] is None
    assert (unknown.status_code, unknown.json()) == (404, "No order found with given ID!")


async def test_orders_with_stats(client: httpx.AsyncClient, clock: ManualClock) -> None:
    order = await submit(client, strategy="Market", duration=None, base_asset_qty=0.01)
    clock.advance(5)

    body = (await client.get("/api/orders_with_stats/")).json()
    too_big = await client.get("/api/orders_with_stats/", params={"page_size": "1001"})

    item = body["orders"][0]
    assert (body["page_size"], body["order_count"]) == (500, 1)
    assert (item["pair"], item["market_type"], item["time_start"]) == (
        "BTC/USDT",
        "SPOT",
        order["time_start"],
    )
    assert item["stats"]["order_id"] == order["id"] and item["stats"]["arrival_price"] is not None
    assert item["fills"][0]["role"] == "taker"
    assert (too_big.status_code, too_big.json()) == (
        400,
        {"error": "page_size cannot be greater than 1000"},
    )


async def test_order_errors_lists_messages_newest_first(
    client: httpx.AsyncClient, engine: SandboxEngine
) -> None:
    order = await submit(client)
    engine.fail(order["id"], "Insufficient balance for order execution")

    body = (await client.get("/api/order_errors/", params={"order_ids": order["id"]})).json()
    everything = (await client.get("/api/order_errors/")).json()
    listed = (await client.get(f"/api/order/{order['id']}")).json()

    messages = body[order["id"]]
    assert messages[0] == {
        "message": "Insufficient balance for order execution",
        "message_type": "ERROR",
        "created_at": "2024-01-02T09:00:00.000000Z",
    }
    assert messages[-1]["message"] == "Generating execution schedule"
    assert everything == body
    assert (listed["status"], listed["failure_reason"]) == (
        "FAILED",
        "Insufficient balance for order execution",
    )


async def test_order_errors_refusals(client: httpx.AsyncClient) -> None:
    missing = str(uuid.uuid4())
    unknown = await client.get("/api/order_errors/", params={"order_ids": missing})
    malformed = await client.get("/api/order_errors/", params={"order_ids": "nope"})

    assert (unknown.status_code, unknown.json()) == (404, {"error": f"Order {missing} not found"})
    assert (malformed.status_code, malformed.json()) == (400, {"error": "Invalid order ID format"})
