"""createMany with allOrNone, cancel and cancelMany (asynchronous: PENDING_CANCEL, then
CANCELLED) on the Anboto emulator (notes.md §1.3 (1)-(4), §1.8.7-§1.8.9)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from gui.sandbox.anboto import create_app
from gui.sandbox.engine import ManualClock, SandboxEngine, SimStatus
from tests.sandbox.anboto_helpers import (
    ORDER,
    RESTING_LIMIT,
    SUMMARY_FIELDS,
    AnbotoClient,
    anboto_client,
    exact,
)

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def anboto(engine: SandboxEngine) -> AsyncIterator[AnbotoClient]:
    """HMAC client on an emulator with no rate limit."""
    async with anboto_client(create_app(engine, requests_per_second=None)) as client:
        yield client


def _order(client_order_id: str, **changes: Any) -> dict[str, Any]:
    return {**RESTING_LIMIT, "clientOrderId": client_order_id, **changes}


# createMany ----------------------------------------------------------------------------------


async def test_create_many_creates_every_valid_order(anboto: AnbotoClient) -> None:
    body = {"orders": [_order("a"), _order("b", symbol="ETH/USDT", limitPrice=2000)]}

    response = await anboto.call("POST", f"{ORDER}/createMany", {**body, "allOrNone": True})

    responses = exact(response)["responses"]
    assert response.status_code == 201
    assert [list(item) for item in responses] == [SUMMARY_FIELDS, SUMMARY_FIELDS]
    assert [(r["clientOrderId"], r["status"]) for r in responses] == [
        ("a", "PENDING_NEW"),
        ("b", "PENDING_NEW"),
    ]
    assert [o["clientOrderId"] for o in await anboto.open_orders()] == ["a", "b"]


async def test_all_or_none_rejects_every_order_when_one_is_invalid(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    orders = [_order("a"), _order("b", quantity=-1), _order("c")]

    response = await anboto.call(
        "POST", f"{ORDER}/createMany", {"orders": orders, "allOrNone": True}
    )

    responses = exact(response)["responses"]
    assert response.status_code == 201
    assert [(r["orderId"], r["clientOrderId"], r["status"]) for r in responses] == [
        (None, "a", "REJECTED"),
        (None, "b", "REJECTED"),
        (None, "c", "REJECTED"),
    ]
    assert [r["errorCode"] for r in responses] == [
        "PARENT_ORDER_WAS_TERMINATED",
        "INVALID_ORDER",
        "PARENT_ORDER_WAS_TERMINATED",
    ]
    assert responses[1]["message"] == "quantity must be a positive number"
    assert await anboto.open_orders() == []
    assert engine.orders() == []


async def test_without_all_or_none_the_valid_orders_are_created(anboto: AnbotoClient) -> None:
    orders = [_order("a"), _order("b", symbol="DOGE/EUR"), _order("a")]

    response = await anboto.call(
        "POST", f"{ORDER}/createMany", {"orders": orders, "allOrNone": False}
    )

    responses = exact(response)["responses"]
    assert [(r["clientOrderId"], r["status"], r["errorCode"]) for r in responses] == [
        ("a", "PENDING_NEW", None),
        ("b", "REJECTED", "INVALID_ORDER"),
        ("a", "REJECTED", "INVALID_ORDER"),  # duplicate within the batch
    ]
    assert isinstance(responses[0]["orderId"], int)
    assert responses[2]["message"] == "Duplicate clientOrderId a"
    assert len(await anboto.open_orders()) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"orders": [RESTING_LIMIT]}, "Missing required field(s): allOrNone"),
        ({"allOrNone": True}, "Missing required field(s): orders"),
        ({"orders": [], "allOrNone": True}, "orders must be a non-empty list"),
        ({"orders": [RESTING_LIMIT], "allOrNone": "yes"}, "allOrNone must be a boolean"),
        ({"orders": [RESTING_LIMIT], "allOrNone": True, "x": 1}, "Unknown field(s): x"),
        (
            {"orders": [_order(str(n)) for n in range(101)], "allOrNone": False},
            "A batch holds at most 100 orders",
        ),
    ],
)
async def test_a_malformed_batch_answers_400(
    anboto: AnbotoClient, body: dict[str, Any], message: str
) -> None:
    response = await anboto.call("POST", f"{ORDER}/createMany", body)

    assert (response.status_code, exact(response)) == (
        400,
        {"errorCode": "INVALID_ORDER", "message": message},
    )


# cancel --------------------------------------------------------------------------------------


async def test_cancel_is_pending_then_cancelled_and_stops_the_fills(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    order_id = (
        await anboto.create(
            strategy="TWAP", limitPrice=None, endTime="2024-01-02T09:10:00Z", quantity=1
        )
    )["orderId"]
    clock.advance(120)
    working = await anboto.details(order_id)

    response = await anboto.call("POST", f"{ORDER}/cancel", {"orderId": order_id})
    pending = await anboto.details(order_id)
    still_open = await anboto.open_orders()
    clock.advance(1)
    cancelled = await anboto.details(order_id)
    clock.advance(600)
    later = await anboto.details(order_id)

    summary = exact(response)
    assert response.status_code == 200
    assert list(summary) == SUMMARY_FIELDS
    assert (summary["orderId"], summary["status"]) == (order_id, "PENDING_CANCEL")
    assert summary["createdAt"] == "2024-01-02T09:00:00.000Z"
    assert working["status"] == "PARTIALLY_FILLED"
    assert pending["status"] == "PENDING_CANCEL"
    assert [o["orderId"] for o in still_open] == [order_id]
    assert cancelled["status"] == "CANCELLED"
    assert await anboto.open_orders() == []
    assert later["filledQuantity"] == cancelled["filledQuantity"] == pending["filledQuantity"]
    assert Decimal(0) < later["filledQuantity"] < 1
    assert later["leavesQuantity"] == 1 - later["filledQuantity"]


async def test_cancel_by_client_order_id_and_again_while_pending(
    anboto: AnbotoClient, engine: SandboxEngine
) -> None:
    await anboto.create()

    first = await anboto.call("POST", f"{ORDER}/cancel", {"clientOrderId": "rest-1"})
    again = await anboto.call("POST", f"{ORDER}/cancel", {"clientOrderId": "rest-1"})

    assert exact(first)["status"] == exact(again)["status"] == "PENDING_CANCEL"
    assert again.status_code == 200
    (child,) = engine.orders()
    assert child.status is SimStatus.CANCELED


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"orderId": 42}, "Order not found: orderId 42"),
        ({"clientOrderId": "nope"}, "Order not found: clientOrderId nope"),
        ({}, "One of orderId or clientOrderId is required"),
        ({"orderId": "42"}, "orderId must be an integer"),
        ({"orderId": 42, "reason": "x"}, "Unknown field(s): reason"),
    ],
)
async def test_cancel_refusals_answer_400(
    anboto: AnbotoClient, body: dict[str, Any], message: str
) -> None:
    response = await anboto.call("POST", f"{ORDER}/cancel", body)

    assert (response.status_code, exact(response)) == (
        400,
        {"errorCode": "INVALID_ORDER", "message": message},
    )


async def test_cancelling_a_terminal_order_answers_400(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    filled = (await anboto.create(clientOrderId="m", strategy="MARKET", limitPrice=None))["orderId"]
    cancelled = (await anboto.create(clientOrderId="c"))["orderId"]
    await anboto.call("POST", f"{ORDER}/cancel", {"orderId": cancelled})
    clock.advance(1)

    responses = [
        await anboto.call("POST", f"{ORDER}/cancel", {"orderId": order_id})
        for order_id in (filled, cancelled)
    ]

    assert [(r.status_code, exact(r)["message"]) for r in responses] == [
        (400, f"Order {filled} is FILLED and cannot be cancelled"),
        (400, f"Order {cancelled} is CANCELLED and cannot be cancelled"),
    ]


# cancelMany ----------------------------------------------------------------------------------


async def test_cancel_many_answers_one_summary_for_the_batch(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    first = (await anboto.create(clientOrderId="a"))["orderId"]
    second = (await anboto.create(clientOrderId="b"))["orderId"]
    clock.advance(5)

    response = await anboto.call(
        "POST", f"{ORDER}/cancelMany", {"orders": [{"orderId": first}, {"clientOrderId": "b"}]}
    )
    pending = [o["status"] for o in await anboto.open_orders()]
    clock.advance(1)

    assert (response.status_code, exact(response)) == (
        200,
        {
            "orderId": None,
            "clientOrderId": None,
            "status": "PENDING_CANCEL",
            "createdAt": "2024-01-02T09:00:05.000Z",
            "message": f"Cancellation requested for orderId {first}, {second}",
            "errorCode": None,
        },
    )
    assert pending == ["PENDING_CANCEL", "PENDING_CANCEL"]
    assert [(await anboto.details(i))["status"] for i in (first, second)] == ["CANCELLED"] * 2


async def test_cancel_many_reports_what_it_could_not_cancel(anboto: AnbotoClient) -> None:
    order_id = (await anboto.create())["orderId"]

    response = await anboto.call(
        "POST",
        f"{ORDER}/cancelMany",
        {"orders": [{"orderId": order_id}, {"clientOrderId": "ghost"}]},
    )

    body = exact(response)
    assert (response.status_code, body["status"], body["errorCode"]) == (
        200,
        "PENDING_CANCEL",
        "OTHER",
    )
    assert body["message"] == (
        f"Cancellation requested for orderId {order_id}; not cancelled: clientOrderId ghost "
        "(Order not found: clientOrderId ghost)"
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"orders": [{"orderId": 1}]},
            "No order cancelled: orderId 1 (Order not found: orderId 1)",
        ),
        ({"orders": []}, "orders must be a non-empty list"),
        ({"orders": [{}]}, "One of orderId or clientOrderId is required"),
        ({}, "Missing required field(s): orders"),
    ],
)
async def test_cancel_many_refusals_answer_400(
    anboto: AnbotoClient, body: dict[str, Any], message: str
) -> None:
    response = await anboto.call("POST", f"{ORDER}/cancelMany", body)

    assert (response.status_code, exact(response)) == (
        400,
        {"errorCode": "INVALID_ORDER", "message": message},
    )
