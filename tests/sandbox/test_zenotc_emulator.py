"""The ZenOTC emulator's protocol in-process: signing, timestamp window, scopes, rate limits,
NestJS error bodies, exact numbers and timestamps (notes.md §3.2, §3.5, §3.7)."""

from __future__ import annotations

import math
import time
from decimal import Decimal

import httpx
import pytest

from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.zenotc import create_app
from tests.sandbox.zenotc_helpers import (
    RESTING_BUY,
    ZenClient,
    exact,
    nest_error,
    zen_client,
)

pytestmark = pytest.mark.asyncio


# Authentication ------------------------------------------------------------------------------


async def test_a_signed_request_passes(zen: ZenClient) -> None:
    response = await zen.call("GET", "/api/sdk/orders")

    assert response.status_code == 200
    assert exact(response) == {
        "orders": [],
        "pagination": {"page": 1, "limit": 50, "total": 0, "totalPages": 0},
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"secret": "not-the-secret"}, "Invalid signature"),
        ({"api_key": "zk_unknown"}, "Invalid API key"),
        ({"signed_body": b'{"side": "sell"}'}, "Invalid signature"),
        ({"signed_path": "/api/sdk/orders/batch"}, "Invalid signature"),
        ({"timestamp_ms": "17053122OO000"}, "Invalid timestamp"),
        (
            {"omit": ("X-API-Signature",)},
            "Missing X-API-Key, X-API-Timestamp or X-API-Signature header",
        ),
        (
            {"omit": ("X-API-Key",)},
            "Missing X-API-Key, X-API-Timestamp or X-API-Signature header",
        ),
    ],
    ids=["secret", "key", "body", "path", "timestamp", "no-signature", "no-key"],
)
async def test_authentication_failures_answer_401(
    zen: ZenClient, changes: dict[str, object], message: str
) -> None:
    response = await zen.call("POST", "/api/sdk/orders", RESTING_BUY, **changes)  # type: ignore[arg-type]

    assert (response.status_code, exact(response)) == (401, nest_error(401, message))


@pytest.mark.parametrize("skew_s", [-31, 31])
async def test_a_timestamp_outside_30_seconds_of_real_time_is_refused(
    zen: ZenClient, skew_s: int
) -> None:
    timestamp = str(int((time.time() + skew_s) * 1000))

    response = await zen.call("GET", "/api/sdk/orders", timestamp_ms=timestamp)

    assert (response.status_code, exact(response)) == (
        401,
        nest_error(401, "Request timestamp is outside the allowed window"),
    )


async def test_a_timestamp_within_the_window_passes_whatever_the_simulated_time(
    zen: ZenClient, clock: ManualClock
) -> None:
    clock.advance(3600)  # the engine's clock is not the one the window is checked against

    response = await zen.call(
        "GET", "/api/sdk/orders", timestamp_ms=str(int((time.time() - 25) * 1000))
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "signed_path",
    ["/api/sdk/orders?statuses=open,partially_filled&asset=BTC&limit=10", "/api/sdk/orders"],
    ids=["with-query", "without-query"],
)
async def test_the_signed_path_may_carry_the_query_string_or_not(
    zen: ZenClient, signed_path: str
) -> None:
    # Decision 1: the official helper signs the endpoint with its query; both are accepted.
    path = "/api/sdk/orders?statuses=open,partially_filled&asset=BTC&limit=10"

    response = await zen.call("GET", path, signed_path=signed_path)

    assert response.status_code == 200
    assert exact(response)["pagination"]["limit"] == 10


async def test_a_different_query_than_signed_is_refused(zen: ZenClient) -> None:
    response = await zen.call(
        "GET", "/api/sdk/orders?limit=10", signed_path="/api/sdk/orders?limit=20"
    )

    assert response.status_code == 401


async def test_the_signature_covers_the_raw_bytes_received(zen: ZenClient) -> None:
    # Unusual but valid JSON formatting: only a verifier over the exact bytes accepts it.
    raw = b'{ "side":"buy",\n  "asset":"BTC", "quantity":1.5 , "price":50000 }'

    response = await zen.call("POST", "/api/sdk/orders", raw)

    assert response.status_code == 201, response.text


async def test_a_key_without_trade_scope_may_read_but_not_trade(engine: SandboxEngine) -> None:
    app = create_app(engine, requests_per_second=None, scopes={"READ"})
    async with zen_client(app) as zen:
        read = await zen.call("GET", "/api/sdk/orders")
        write = await zen.call("POST", "/api/sdk/orders", RESTING_BUY)
        cancel_all = await zen.call("DELETE", "/api/sdk/orders/batch")

    assert read.status_code == 200
    assert (write.status_code, exact(write)) == (
        403,
        nest_error(403, "Insufficient scope (requires TRADE)"),
    )
    assert cancel_all.status_code == 403


async def test_other_credentials_are_honoured(engine: SandboxEngine) -> None:
    app = create_app(
        engine, requests_per_second=None, credentials={"api_key": "k1", "api_secret": "s1"}
    )
    async with zen_client(app) as zen:
        accepted = await zen.call("GET", "/api/sdk/orders", api_key="k1", secret="s1")
        demo = await zen.call("GET", "/api/sdk/orders")

    assert (accepted.status_code, demo.status_code) == (200, 401)


# Routing, errors, numbers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/sdk/nothing"), ("PUT", "/api/sdk/orders"), ("POST", "/api/sdk/orders/x")],
)
async def test_unknown_routes_answer_the_nestjs_404(zen: ZenClient, method: str, path: str) -> None:
    response = await zen.call(method, path)

    assert (response.status_code, exact(response)) == (
        404,
        nest_error(404, f"Cannot {method} {path}"),
    )


async def test_malformed_json_is_a_400(zen: ZenClient) -> None:
    response = await zen.call("POST", "/api/sdk/orders", b'{"side": "buy",')
    not_a_number = await zen.call("POST", "/api/sdk/orders", b'{"quantity": NaN}')

    assert (response.status_code, exact(response)) == (
        400,
        nest_error(400, "Request body is not valid JSON"),
    )
    assert not_a_number.status_code == 400


async def test_numbers_are_json_numbers_without_rounding(zen: ZenClient) -> None:
    # 20 significant digits: a float would round both.
    raw = (
        b'{"side": "buy", "asset": "BTC", "quantity": 0.12345678901234567891,'
        b' "price": 50000.123456789012345, "metadata": {"score": 1.10}}'
    )

    created = await zen.call("POST", "/api/sdk/orders", raw)
    order = await zen.get(exact(created)["orderId"])

    assert '"quantity":0.12345678901234567891' in created.text
    assert '"price":50000.123456789012345' in created.text
    assert '"remainingQuantity":0.12345678901234567891' in created.text
    assert order["quantity"] == Decimal("0.12345678901234567891")
    assert order["metadata"] == {"score": Decimal("1.1")}


async def test_times_are_iso_8601_with_milliseconds_from_the_engine_clock(
    zen: ZenClient, clock: ManualClock
) -> None:
    clock.advance(0.25)

    order = await zen.create()

    assert (order["createdAt"], order["updatedAt"]) == (
        "2024-01-02T09:00:00.250Z",
        "2024-01-02T09:00:00.250Z",
    )


# Rate limits ---------------------------------------------------------------------------------


class FixedWallClock:
    """Real time, frozen until moved (keeps the rate window deterministic)."""

    def __init__(self) -> None:
        self.now_s = time.time()

    def __call__(self) -> float:
        return self.now_s


async def test_rate_limit_headers_on_every_response_and_429_over_the_limit(
    engine: SandboxEngine,
) -> None:
    wall = FixedWallClock()
    window_reset = str(math.ceil(wall.now_s + 1))  # the first request opens a 1 s window
    app = create_app(engine, requests_per_second=2, wall_clock_s=wall)
    async with zen_client(app) as zen:
        first = await zen.call("GET", "/api/sdk/orders")
        refused_auth = await zen.call("GET", "/api/sdk/orders", secret="wrong")
        throttled = await zen.call("GET", "/api/sdk/orders")
        wall.now_s += 1.0
        next_window = await zen.call("GET", "/api/sdk/orders")

    def limits(response: httpx.Response) -> tuple[str, str, str]:
        headers = response.headers
        return (
            headers["X-RateLimit-Limit"],
            headers["X-RateLimit-Remaining"],
            headers["X-RateLimit-Reset"],
        )

    assert (first.status_code, limits(first)) == (200, ("2", "1", window_reset))
    assert (refused_auth.status_code, limits(refused_auth)) == (401, ("2", "0", window_reset))
    assert (throttled.status_code, limits(throttled)) == (429, ("2", "0", window_reset))
    assert exact(throttled) == nest_error(429, "ThrottlerException: Too Many Requests")
    assert throttled.headers["Retry-After"] == "1"
    assert (next_window.status_code, limits(next_window)[:2]) == (200, ("2", "1"))


async def test_the_default_limit_is_10_per_second(engine: SandboxEngine) -> None:
    app = create_app(engine, wall_clock_s=FixedWallClock())
    async with zen_client(app) as zen:
        statuses = [(await zen.call("GET", "/api/sdk/orders")).status_code for _ in range(11)]

    assert statuses == [200] * 10 + [429]


async def test_no_rate_limit_means_no_rate_headers(zen: ZenClient) -> None:
    response = await zen.call("GET", "/api/sdk/orders")

    assert "X-RateLimit-Limit" not in response.headers
