"""The Tread.fi emulator in-process (httpx ASGI transport): authentication, throttle, and
submit with its documented refusals, exact status codes and bodies (notes.md §2.2, §3.3, §5)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from gui.sandbox.engine import SandboxEngine
from gui.sandbox.treadfi import DEMO_API_KEY, create_app
from gui.sandbox.treadfi_wire import STRATEGY_IDS
from tests.sandbox.conftest import START
from tests.sandbox.treadfi_helpers import CREATED_FIELDS, TWAP, submit

pytestmark = pytest.mark.asyncio

QTY_FIELDS = "['base_asset_qty', 'quote_asset_qty', 'sell_token_amount']"

# Authentication, throttle, methods -----------------------------------------------------------

ENDPOINTS = [
    ("GET", "/api/orders/"),
    ("POST", "/api/orders/"),
    ("GET", "/api/active_orders/"),
    ("GET", "/api/orders_with_stats/"),
    ("GET", "/api/order_errors/"),
    ("GET", f"/api/order/{uuid.uuid4()}"),
    ("DELETE", f"/api/order/{uuid.uuid4()}"),
    ("GET", f"/api/order_summary/{uuid.uuid4()}"),
    ("POST", "/api/pause_order/"),
    ("POST", "/api/resume_order/"),
    ("POST", "/api/amend_order/"),
    ("POST", "/api/cancel_all_orders/"),
    ("POST", "/api/pause_all_orders/"),
    ("POST", "/api/resume_all_orders/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_every_endpoint_needs_a_token(treadfi_app: Any, method: str, path: str) -> None:
    transport = httpx.ASGITransport(app=treadfi_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://treadfi.test") as anonymous:
        response = await anonymous.request(method, path)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response.headers["www-authenticate"] == "Token"


@pytest.mark.parametrize(
    ("header", "status", "body"),
    [
        ("Token wrong", 401, {"detail": "Invalid token."}),
        ("Token", 401, {"detail": "Invalid token header. No credentials provided."}),
        (
            f"Token {DEMO_API_KEY} x",
            401,
            {"detail": "Invalid token header. Token string should not contain spaces."},
        ),
        (f"Basic {DEMO_API_KEY}", 401, {"detail": "Authentication credentials were not provided."}),
        (f"Bearer {DEMO_API_KEY}", 200, None),
        (f"token {DEMO_API_KEY}", 200, None),
    ],
)
async def test_authorization_header_follows_drf_token_authentication(
    client: httpx.AsyncClient, header: str, status: int, body: object
) -> None:
    response = await client.get("/api/active_orders/", headers={"Authorization": header})

    assert response.status_code == status
    if body is not None:
        assert response.json() == body


async def test_optional_throttle_answers_429_with_the_drf_body(engine: SandboxEngine) -> None:
    app = create_app(engine, requests_per_second=2)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Token {DEMO_API_KEY}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://t", headers=headers
    ) as client:
        statuses = [(await client.get("/api/active_orders/")).status_code for _ in range(3)]
        throttled = await client.get("/api/active_orders/")

    assert statuses == [200, 200, 429]
    assert throttled.json() == {"detail": "Request was throttled. Expected available in 1 second."}
    assert throttled.headers["retry-after"] == "1"


async def test_wrong_method_gets_the_drf_405(client: httpx.AsyncClient) -> None:
    response = await client.put("/api/orders/")

    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "PUT" not allowed.'}


# Submit --------------------------------------------------------------------------------------


async def test_submit_twap_answers_201_with_the_66_field_order(client: httpx.AsyncClient) -> None:
    order = await submit(client, custom_order_id="desk-1", notes="n", limit_price="70000")

    assert list(order) == CREATED_FIELDS and len(order) == 66
    assert order["strategy"] == STRATEGY_IDS["TWAP"] == "6fe4ba3e-c578-45bd-824c-c523bf3c56de"
    assert (order["status"], order["active"], order["is_simple"]) == ("ACTIVE", True, False)
    assert (order["buy_token"], order["sell_token"], order["buy_token_amount"]) == (
        "BTC",
        "USDT",
        "0.5",
    )
    assert order["target_order_qty"] == 0.5 and order["executed_qty"] == 0.0
    assert (order["limit_price"], order["stop_price"], order["custom_order_id"]) == (
        "70000",
        "-1",
        "desk-1",
    )
    assert order["time_start"] == "2024-01-02T09:00:00.000000Z"
    assert order["time_end"] == order["orig_time_end"] == "2024-01-02T09:10:00.000000Z"
    assert order["account_names"] == ["sandbox-binance"] and order["unique_venues"] == ["Binance"]
    assert order["engine_passiveness"] == "0.02" and order["schedule_discretion"] == "0.08"
    assert uuid.UUID(order["id"]) and uuid.UUID(order["accounts"][0])


async def test_submit_market_order_completes_at_once_with_its_placement(
    client: httpx.AsyncClient,
) -> None:
    order = await submit(client, strategy="Market", duration=None, base_asset_qty=0.01)

    assert (order["status"], order["active"], order["is_simple"]) == ("COMPLETE", False, True)
    assert order["pct_filled"] == 100.0 and order["executed_qty"] == 0.01
    assert order["placements"][0]["fills"][0]["role"] == "TAKE"
    assert order["arrival_price"] is not None and order["vwap"] is not None


async def test_submit_with_a_future_start_is_scheduled(client: httpx.AsyncClient) -> None:
    in_ten_minutes = START + timedelta(minutes=10)

    iso_order = await submit(client, start_datetime="2024-01-02T09:10:00Z")
    epoch_order = await submit(client, start_datetime=int(in_ten_minutes.timestamp() * 1000))

    for order in (iso_order, epoch_order):
        assert (order["status"], order["active"]) == ("SCHEDULED", False)
        assert order["time_start"] == "2024-01-02T09:10:00.000000Z"


async def test_submit_pov_alias_is_a_participation_order(client: httpx.AsyncClient) -> None:
    order = await submit(client, strategy="POV", duration=None, pov_target=0.1, base_asset_qty=1)

    assert order["strategy"] == STRATEGY_IDS["TWAP"]
    assert order["pov_target"] == "0.1" and order["duration"] > 0


@pytest.mark.parametrize(
    "strategy", ["VWAP", STRATEGY_IDS["VWAP"], "LIMIT", "MARKET", "IOC", "Iceberg"]
)
async def test_submit_accepts_names_uuids_and_uppercase_simple_names(
    client: httpx.AsyncClient, strategy: str
) -> None:
    order = await submit(client, strategy=strategy, limit_price="1", base_asset_qty=0.01)

    assert order["strategy"] in STRATEGY_IDS.values()


async def test_submit_sized_in_quote_targets_the_quote_token(client: httpx.AsyncClient) -> None:
    order = await submit(client, base_asset_qty=None, quote_asset_qty="3000")
    listed = (await client.get("/api/orders/")).json()["orders"][0]

    assert order["target_order_qty"] == 3000.0 and order["sell_token_amount"] == "3000"
    assert order["buy_token_amount"] is None
    assert (listed["target_token"], listed["target_order_qty"]) == ("USDT", "3000")


async def test_submit_with_an_order_condition_waits_for_its_trigger(
    client: httpx.AsyncClient, engine: SandboxEngine
) -> None:
    order = await submit(client, order_condition="BTC-USDT@Binance 50000 <=")
    assert (
        order["status"] == "SCHEDULED" and order["order_condition"] == "BTC-USDT@Binance 50000 <="
    )

    engine.release(order["id"])

    assert (await client.get(f"/api/order/{order['id']}")).json()["status"] == "ACTIVE"


@pytest.mark.parametrize(
    ("changes", "body"),
    [
        (
            {"pair": None, "side": None, "strategy": None, "duration": None},
            {"error": "Missing required fields: ['pair', 'side', 'duration', 'strategy']"},
        ),
        ({"duration": None}, {"error": "Missing required fields: ['duration']"}),
        ({"accounts": []}, {"error": "Missing required fields: ['accounts']"}),
        (
            {"base_asset_qty": None},
            {"errors": [f"Need one of the qty fields: {QTY_FIELDS}"]},
        ),
        (
            {"quote_asset_qty": "10"},
            {"errors": [f"Cannot have more than one of the qty fields: {QTY_FIELDS}"]},
        ),
        ({"side": "long"}, {"errors": ["Side must be either 'Buy' or 'Sell'"]}),
        ({"strategy": "Sniper"}, {"errors": ["Invalid strategy: Sniper"]}),
        (
            {"accounts": ["invalid_account"]},
            {"error": "Account display name 'invalid_account' not found for user"},
        ),
        ({"pair": "ASDF"}, {"errors": ["Invalid buy_token ASDF"]}),
        ({"limit_price": "-1"}, {"errors": ["Limit price must be a positive number"]}),
        ({"limit_price": "51000+1%"}, {"errors": ["Limit price must be a positive number"]}),
        ({"strategy": "Limit"}, {"errors": ["Limit price must be a positive number"]}),
        ({"pov_target": 1.5}, {"errors": ["pov_target must be greater than 0 and at most 1"]}),
        ({"base_asset_qty": "-2"}, {"errors": ["base_asset_qty must be a positive number"]}),
        (
            {"custom_order_id": "x" * 65},
            {"errors": ["custom_order_id must be at most 64 characters"]},
        ),
        (
            {"strategy_params": {"max_clip_size": 50}},
            {"errors": ["max_clip_size must be at least 100"]},
        ),
    ],
)
async def test_submit_refusals(
    client: httpx.AsyncClient, changes: dict[str, Any], body: object
) -> None:
    request = {k: v for k, v in {**TWAP, **changes}.items() if v is not None}

    response = await client.post("/api/orders/", json=request)

    assert (response.status_code, response.json()) == (400, body)


async def test_submit_refuses_a_body_that_is_not_an_order(client: httpx.AsyncClient) -> None:
    not_json = await client.post(
        "/api/orders/", content=b"{", headers={"Content-Type": "application/json"}
    )
    not_object = await client.post("/api/orders/", json=["TWAP"])

    assert not_json.status_code == 400 and not_json.json()["detail"].startswith("JSON parse error")
    assert (not_object.status_code, not_object.json()) == (400, {"errors": ["Invalid order data"]})


async def test_custom_order_id_of_64_characters_is_accepted(client: httpx.AsyncClient) -> None:
    order = await submit(client, custom_order_id="x" * 64)

    assert order["custom_order_id"] == "x" * 64
