"""Reading Anboto orders on the emulator: `order/find`, `order/id` and `order/open`
(notes.md §1.3 (5)-(7), §1.8.5, §1.8.6, §1.8.9)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from gui.sandbox.anboto import create_app
from gui.sandbox.engine import ManualClock, SandboxEngine
from tests.sandbox.anboto_helpers import (
    DETAILS_FIELDS,
    ORDER,
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


@pytest_asyncio.fixture
async def three(anboto: AnbotoClient) -> list[int]:
    """Three resting orders `a`, `b`, `c`; their order ids."""
    return [(await anboto.create(clientOrderId=name))["orderId"] for name in "abc"]


async def _find(anboto: AnbotoClient, query: str) -> list[str]:
    response = await anboto.call("GET", f"{ORDER}/find", query=query)
    assert response.status_code == 200, response.text
    return [item["clientOrderId"] for item in exact(response)["responses"]]


# order/find ----------------------------------------------------------------------------------


async def test_find_answers_order_details_for_repeated_keys(
    anboto: AnbotoClient, three: list[int]
) -> None:
    a, _, c = three
    response = await anboto.call("GET", f"{ORDER}/find", query=f"orderIds={a}&orderIds={c}")

    items = exact(response)["responses"]
    assert response.status_code == 200
    assert [list(item) for item in items] == [DETAILS_FIELDS, DETAILS_FIELDS]
    assert [item["orderId"] for item in items] == [a, c]


async def test_find_takes_comma_joined_lists_and_the_union_of_both_parameters(
    anboto: AnbotoClient, three: list[int]
) -> None:
    a, b, _ = three

    assert await _find(anboto, f"orderIds={a},{b}") == ["a", "b"]
    assert await _find(anboto, "clientOrderIds=c%2Ca") == ["a", "c"]
    assert await _find(anboto, f"orderIds={b}&clientOrderIds=c,b,zzz") == ["b", "c"]
    assert await _find(anboto, "orderIds=&clientOrderIds=") == []
    assert await _find(anboto, "orderIds=999") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "orderIds or clientOrderIds is required"),
        ("orderIds=abc", 'orderIds must be an integer, got "abc"'),
    ],
)
async def test_find_refusals_answer_400(anboto: AnbotoClient, query: str, message: str) -> None:
    response = await anboto.call("GET", f"{ORDER}/find", query=query)

    assert (response.status_code, exact(response)) == (
        400,
        {"errorCode": "INVALID_ORDER", "message": message},
    )


# order/id ------------------------------------------------------------------------------------


async def test_id_answers_one_order_by_either_id(anboto: AnbotoClient, three: list[int]) -> None:
    a, b, _ = three

    by_id = await anboto.call("GET", f"{ORDER}/id", query=f"orderId={b}")
    by_client_id = await anboto.call("GET", f"{ORDER}/id", query="clientOrderId=c")
    both = await anboto.call("GET", f"{ORDER}/id", query=f"orderId={a}&clientOrderId=c")

    assert list(exact(by_id)) == DETAILS_FIELDS
    assert exact(by_id)["clientOrderId"] == "b"
    assert exact(by_client_id)["clientOrderId"] == "c"
    assert exact(both)["clientOrderId"] == "a"  # orderId wins (notes §1.8.5)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "One of orderId or clientOrderId is required"),
        ("orderId=&clientOrderId=", "One of orderId or clientOrderId is required"),
        ("orderId=12x", 'orderId must be an integer, got "12x"'),
        ("orderId=5", "Order not found: orderId 5"),
        ("clientOrderId=ghost", "Order not found: clientOrderId ghost"),
    ],
)
async def test_id_refusals_answer_400(anboto: AnbotoClient, query: str, message: str) -> None:
    response = await anboto.call("GET", f"{ORDER}/id", query=query)

    assert (response.status_code, exact(response)) == (
        400,
        {"errorCode": "INVALID_ORDER", "message": message},
    )


# order/open ----------------------------------------------------------------------------------


async def test_open_lists_the_orders_not_yet_terminal_oldest_first(
    anboto: AnbotoClient, clock: ManualClock
) -> None:
    await anboto.create(clientOrderId="resting")
    await anboto.create(clientOrderId="market", strategy="MARKET", limitPrice=None)
    await anboto.create(
        clientOrderId="twap", strategy="TWAP", limitPrice=None, endTime="2024-01-02T09:10:00Z"
    )
    await anboto.create(clientOrderId="gone")
    await anboto.call("POST", f"{ORDER}/cancel", {"clientOrderId": "gone"})
    clock.advance(60)

    items = await anboto.open_orders()

    assert [(item["clientOrderId"], item["status"]) for item in items] == [
        ("resting", "ACCEPTED"),
        ("twap", "PARTIALLY_FILLED"),
    ]
    assert all(list(item) == DETAILS_FIELDS for item in items)
