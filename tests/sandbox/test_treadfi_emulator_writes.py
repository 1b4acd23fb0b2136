"""The Tread.fi emulator's write endpoints in-process: cancel, pause, resume, amend and the
all-orders actions, with their documented refusals (notes.md §3.9-§3.15)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from tests.sandbox.treadfi_helpers import submit

pytestmark = pytest.mark.asyncio


async def test_cancel_answers_bare_strings(client: httpx.AsyncClient) -> None:
    order = await submit(client)
    market = await submit(client, strategy="Market", duration=None, base_asset_qty=0.01)

    first = await client.delete(f"/api/order/{order['id']}")
    second = await client.delete(f"/api/order/{order['id']}/")
    complete = await client.delete(f"/api/order/{market['id']}")
    unknown = await client.delete(f"/api/order/{uuid.uuid4()}")
    malformed = await client.delete("/api/order/123")

    assert (first.status_code, first.json()) == (200, "Order canceled!")
    assert (second.status_code, second.json()) == (200, "Order already canceled!")
    assert (complete.status_code, complete.json()) == (
        422,
        {"error": "Order is in a state that cannot be canceled"},
    )
    assert (unknown.status_code, unknown.json()) == (404, "No order found with given ID!")
    assert (malformed.status_code, malformed.json()) == (400, "Invalid order ID format")


async def test_pause_and_resume(client: httpx.AsyncClient, clock: ManualClock) -> None:
    order = await submit(client)
    clock.advance(60)

    paused = await client.post("/api/pause_order/", json={"order_id": order["id"]})
    again = await client.post("/api/pause_order/", json={"order_id": order["id"]})
    clock.advance(60)
    detail = (await client.get(f"/api/order/{order['id']}")).json()
    resumed = await client.post("/api/resume_order", json={"order_id": order["id"]})
    not_paused = await client.post("/api/resume_order/", json={"order_id": order["id"]})

    assert (paused.status_code, paused.json()) == (202, {"message": "Successfully paused order."})
    assert (again.status_code, again.json()) == (422, {"error": "Order is not running."})
    assert (detail["status"], detail["active"], detail["paused_at"]) == (
        "PAUSED",
        False,
        "2024-01-02T09:01:00.000000Z",
    )
    assert detail["executed_qty"] == "0.05"
    assert (resumed.status_code, resumed.json()) == (
        202,
        {"message": "Successfully resumed order."},
    )
    assert (not_paused.status_code, not_paused.json()) == (422, {"error": "Order is not paused."})


async def test_pausing_a_scheduled_order_is_refused(client: httpx.AsyncClient) -> None:
    order = await submit(client, start_datetime="2024-01-02T10:00:00Z")

    response = await client.post("/api/pause_order/", json={"order_id": order["id"]})

    assert (response.status_code, response.json()) == (422, {"error": "Order is not running."})


@pytest.mark.parametrize(
    ("path", "body", "status", "answer"),
    [
        ("/api/pause_order/", {}, 400, {"error": "Missing required field: order_id"}),
        ("/api/pause_order/", {"order_id": "x"}, 400, {"error": "Invalid order ID format"}),
        (
            "/api/pause_order/",
            {"order_id": "6debb950-614a-4366-b73b-7d7574fd9e15"},
            404,
            {"error": "No order found with given ID!"},
        ),
        ("/api/resume_order/", {}, 400, {"error": "Missing required field: order_id"}),
        (
            "/api/resume_order/",
            {"order_id": "x"},
            400,
            {"error": "Missing required field: order_id"},
        ),
        (
            "/api/resume_order/",
            {"order_id": "6debb950-614a-4366-b73b-7d7574fd9e15"},
            404,
            {"error": "Order not found."},
        ),
        (
            "/api/amend_order/",
            {"order_id": "6debb950-614a-4366-b73b-7d7574fd9e15"},
            400,
            {"error": "Missing required field(s): order_id, changes"},
        ),
        (
            "/api/amend_order/",
            {"order_id": "6debb950-614a-4366-b73b-7d7574fd9e15", "changes": {"duration": 900}},
            404,
            {"error": "Order 6debb950-614a-4366-b73b-7d7574fd9e15 not found"},
        ),
    ],
)
async def test_pause_resume_amend_refusals_for_ids(
    client: httpx.AsyncClient, path: str, body: object, status: int, answer: object
) -> None:
    response = await client.post(path, json=body)

    assert (response.status_code, response.json()) == (status, answer)


async def test_amend_changes_the_order(client: httpx.AsyncClient, clock: ManualClock) -> None:
    order = await submit(client)
    clock.advance(60)

    response = await client.post(
        "/api/amend_order/",
        json={
            "order_id": order["id"],
            "changes": {"duration": 900, "limit_price": "71000", "base_asset_qty": 1},
        },
    )
    detail = (await client.get(f"/api/order/{order['id']}")).json()

    assert (response.status_code, response.json()) == (
        202,
        {"message": "Successfully amended order."},
    )
    assert (detail["duration"], detail["limit_price"], detail["target_order_qty"]) == (
        900,
        "71000",
        "1",
    )
    assert detail["time_end"] == "2024-01-02T09:15:00.000000Z"
    assert detail["orig_time_end"] == "2024-01-02T09:10:00.000000Z"


async def test_amend_pov_target_of_a_participation_order(client: httpx.AsyncClient) -> None:
    order = await submit(client, strategy="POV", duration=None, pov_target=0.1, base_asset_qty=5)

    response = await client.post(
        "/api/amend_order/", json={"order_id": order["id"], "changes": {"pov_target": 0.2}}
    )

    assert response.status_code == 202
    assert (await client.get(f"/api/order/{order['id']}")).json()["pov_target"] == "0.2"


@pytest.mark.parametrize(
    ("elapsed_s", "changes", "status", "answer"),
    [
        (
            0,
            {"base_asset_qty": 1, "quote_asset_qty": 1},
            422,
            {"error": "Cannot update both base_asset_qty and quote_asset_qty"},
        ),
        (0, {"side": "sell"}, 400, {"error": "Invalid field(s) in changes: ['side']"}),
        (0, {"duration": "long"}, 400, {"error": "Invalid value for duration: long"}),
        (0, {"limit_price": "cheap"}, 422, {"error": "Limit price must be a positive number"}),
        (0, {"pov_target": 0.2}, 422, {"error": "pov_target applies to participation orders only"}),
        (
            300,
            {"base_asset_qty": "0.26"},
            422,
            {"error": "New quantity must be at least 5% above the executed quantity"},
        ),
        (
            300,
            {"duration": 310},
            422,
            {"error": "New duration must be at least 5% above the elapsed time"},
        ),
        (
            590,
            {"duration": 1200},
            422,
            {"error": "Cannot amend an order with less than 15 seconds remaining"},
        ),
        (700, {"duration": 1200}, 422, {"error": "Cannot amend an order with status COMPLETE"}),
    ],
)
async def test_amend_refusals(
    client: httpx.AsyncClient,
    clock: ManualClock,
    elapsed_s: int,
    changes: dict[str, Any],
    status: int,
    answer: object,
) -> None:
    order = await submit(client)
    clock.advance(elapsed_s)

    response = await client.post(
        "/api/amend_order/", json={"order_id": order["id"], "changes": changes}
    )

    assert (response.status_code, response.json()) == (status, answer)


async def test_cancel_all_spares_paused_orders_unless_asked(
    client: httpx.AsyncClient, engine: SandboxEngine
) -> None:
    binance = await submit(client)
    bybit = await submit(client, accounts=["sandbox-bybit"])
    paused = await submit(client)
    engine.pause(paused["id"])

    by_account = await client.post(
        "/api/cancel_all_orders/", json={"account_names": "sandbox-bybit"}
    )
    everything = await client.post("/api/cancel_all_orders/")
    statuses = {o["id"]: o["status"] for o in (await client.get("/api/orders/")).json()["orders"]}
    with_paused = await client.post("/api/cancel_all_orders/", params={"exclude_paused": "false"})
    nothing_left = await client.post("/api/cancel_all_orders/")

    ok = (200, {"message": "Successfully canceled all orders."})
    assert (by_account.status_code, by_account.json()) == ok
    assert (everything.status_code, everything.json()) == ok
    assert statuses == {binance["id"]: "CANCELED", bybit["id"]: "CANCELED", paused["id"]: "PAUSED"}
    assert (with_paused.status_code, with_paused.json()) == ok
    assert (nothing_left.status_code, nothing_left.json()) == ok
    assert engine.get(paused["id"]).status.value == "CANCELED"


async def test_cancel_all_refuses_unknown_accounts(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/cancel_all_orders/", json={"account_names": "bad_account"})

    assert response.status_code == 400
    assert response.json() == {
        "message": "No active orders to cancel. "
        "Failed to fetch accounts: ['Account not found: bad_account']"
    }


async def test_pause_all_and_resume_all(client: httpx.AsyncClient) -> None:
    nothing_to_pause = await client.post("/api/pause_all_orders/")
    first, second = await submit(client), await submit(client)
    scheduled = await submit(client, start_datetime="2024-01-02T10:00:00Z")

    paused = await client.post("/api/pause_all_orders/")
    statuses = {o["id"]: o["status"] for o in (await client.get("/api/orders/")).json()["orders"]}
    resumed = await client.post("/api/resume_all_orders/")
    nothing_to_resume = await client.post("/api/resume_all_orders/")

    assert (nothing_to_pause.status_code, nothing_to_pause.json()) == (
        400,
        {"message": "No active orders to pause."},
    )
    assert (paused.status_code, paused.json()) == (
        200,
        {"message": "Successfully paused all orders."},
    )
    assert statuses == {first["id"]: "PAUSED", second["id"]: "PAUSED", scheduled["id"]: "SCHEDULED"}
    assert (resumed.status_code, resumed.json()) == (
        200,
        {"message": "Successfully resumed all orders."},
    )
    assert (nothing_to_resume.status_code, nothing_to_resume.json()) == (
        400,
        {"message": "No paused orders to resume."},
    )


async def test_orders_of_another_emulator_on_the_same_engine_are_invisible(
    client: httpx.AsyncClient, engine: SandboxEngine
) -> None:
    other = create_app(engine)
    transport = httpx.ASGITransport(app=other)
    headers = {"Authorization": f"Token {DEMO_API_KEY}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t", headers=headers
    ) as other_client:
        await submit(other_client)

    assert (await client.get("/api/orders/")).json()["order_count"] == 0


@pytest.mark.asyncio
async def test_a_pair_the_venue_does_not_list_is_refused_naming_the_token() -> None:
    # §3.3 errors: `{"errors": ["Invalid buy_token ASDF"]}`.
    app = create_app(SandboxEngine(seed=1, clock=ManualClock()))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://treadfi.test"
    ) as client:
        response = await client.post(
            "/api/orders/",
            headers={"Authorization": f"Token {DEMO_API_KEY}"},
            json={
                "pair": "ASDF-USDT",
                "side": "buy",
                "accounts": [DEMO_ACCOUNTS[0]],
                "strategy": "Market",
                "base_asset_qty": "1",
            },
        )
    assert response.status_code == 400
    assert response.json() == {"errors": ["Invalid buy_token ASDF"]}
