"""ZenOTC's official Python helper against the emulator over real loopback HTTP.

`generate_signature` and `api_request` below are the documented helper
(developers.zenotc.com, "Authentication", Python Example; notes.md §3.2), kept as written:
only `API_KEY`, `API_SECRET` and `BASE_URL` point at the emulator. The part of the page after
the headers (sending the request) was not readable; it is completed the obvious way with
`requests.request(method, BASE_URL + endpoint, headers=headers, data=body)`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests
import uvicorn

from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.server import VENUES, running_sandbox
from gui.sandbox.zenotc import DEMO_API_KEY, DEMO_API_SECRET, create_app
from tests.sandbox.zenotc_helpers import sign

API_KEY = DEMO_API_KEY
API_SECRET = DEMO_API_SECRET
BASE_URL = "http://127.0.0.1:0"  # set per test to the emulator's address


# --- the official helper ---------------------------------------------------------------------


def generate_signature(method: str, path: str, body: str = "") -> tuple[str, str]:
    """Generate timestamp and signature for API authentication."""
    timestamp = str(int(time.time() * 1000))
    message = f"{timestamp}{method.upper()}{path}{body}"
    signature = hmac.new(API_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    return timestamp, signature


def api_request(method: str, endpoint: str, data: dict = None) -> dict:  # type: ignore[assignment, type-arg]
    """Make an authenticated API request."""
    body = json.dumps(data) if data else ""
    timestamp, signature = generate_signature(method, endpoint, body)

    headers = {
        "X-API-Key": API_KEY,
        "X-API-Timestamp": timestamp,
        "X-API-Signature": signature,
        "Content-Type": "application/json",
    }

    response = requests.request(method, f"{BASE_URL}{endpoint}", headers=headers, data=body)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


# --- the emulator on a loopback port ---------------------------------------------------------


@pytest.fixture
def emulator_url(engine: SandboxEngine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The emulator (on the manual-clock engine) served by uvicorn in a background thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()  # requests queue in the backlog until uvicorn accepts them
    app = create_app(engine, requests_per_second=None)
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setattr(sys.modules[__name__], "BASE_URL", url)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_known_answer_signature() -> None:
    # The doc's timestamp and path with an empty body; the vector comes from another
    # implementation: `printf '%s' '1705312200000GET/api/sdk/orders' | openssl dgst -sha256
    # -hmac secret`.
    assert sign("secret", "1705312200000", "GET", "/api/sdk/orders", b"") == (
        "5e39af5c7333ed621b8b283bdbb3054793bd0593fcde0dd9a2c47e2e30401acc"
    )


def test_the_official_helper_drives_every_endpoint(
    emulator_url: str, engine: SandboxEngine, clock: ManualClock
) -> None:
    # The doc's create example.
    order = api_request(
        "POST",
        "/api/sdk/orders",
        {
            "side": "buy",
            "asset": "BTC",
            "quantity": 1.5,
            "price": 50000.00,
            "orderType": "limit",
            "timeInForce": "GTC",
            "clientOrderId": "my-order-001",
        },
    )
    order_id = order["orderId"]
    listed = api_request("GET", "/api/sdk/orders?statuses=open&asset=BTC&limit=10")
    got = api_request("GET", f"/api/sdk/orders/{order_id}")
    by_client = api_request("GET", "/api/sdk/orders/by-client-id?clientOrderId=my-order-001")
    amended = api_request(
        "PATCH", f"/api/sdk/orders/{order_id}", {"quantity": 2.0, "price": 51000.00}
    )

    assert (order["status"], order["quantity"], order["price"]) == ("open", 1.5, 50000)
    assert [o["orderId"] for o in listed["orders"]] == [order_id]
    assert listed["pagination"] == {"page": 1, "limit": 10, "total": 1, "totalPages": 1}
    assert got == by_client
    assert (amended["quantity"], amended["price"], amended["status"]) == (2, 51000, "open")

    # A buy at the bid fills as the simulated market comes down through it.
    bid, _ = engine.best_bid_ask("BTC-USD")
    working = api_request(
        "POST",
        "/api/sdk/orders",
        {"side": "buy", "asset": "BTC", "quantity": 0.5, "price": float(bid)},
    )
    for _ in range(1800):
        if api_request("GET", f"/api/sdk/orders/{working['orderId']}")["status"] == "filled":
            break
        clock.advance(1)
    fills = api_request("GET", f"/api/sdk/orders/{working['orderId']}/fills")["fills"]
    assert sum(fill["quantity"] for fill in fills) == pytest.approx(0.5)
    assert all((f["side"], f["feeCurrency"]) == ("buy", "USD") for f in fills)

    batch = api_request(
        "POST",
        "/api/sdk/orders/batch",
        {
            "orders": [
                {"side": "buy", "asset": "BTC", "quantity": 1.0, "price": 49000},
                {"side": "buy", "asset": "ETH", "quantity": 1.0, "price": 2000},
                {"side": "sell", "asset": "BTC", "quantity": 0.5},  # no price: refused
            ]
        },
    )
    assert batch["summary"] == {"total": 3, "successful": 2, "failed": 1}
    btc_batch_id, eth_batch_id = (r["orderId"] for r in batch["results"][:2])

    cancelled = api_request("DELETE", f"/api/sdk/orders/{order_id}")
    assert (cancelled["orderId"], cancelled["status"]) == (order_id, "cancelled")

    # The doc's two cancel-all calls; `{}` is sent as an empty body (notes §3.2).
    btc = api_request("DELETE", "/api/sdk/orders/batch", {"asset": "BTC"})
    rest = api_request("DELETE", "/api/sdk/orders/batch", {})

    assert btc == {"cancelledCount": 1, "cancelledOrders": [btc_batch_id]}
    assert rest == {"cancelledCount": 1, "cancelledOrders": [eth_batch_id]}


def test_the_official_helper_reaches_zenotc_in_the_running_sandbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with running_sandbox(seed=2) as endpoints:
        endpoint = endpoints["zenotc"]
        assert (endpoint.credentials, endpoint.accounts) == (
            {"api_key": DEMO_API_KEY, "api_secret": DEMO_API_SECRET},
            ("sandbox-otc",),
        )
        monkeypatch.setattr(sys.modules[__name__], "BASE_URL", endpoint.base_url)

        order = api_request(
            "POST",
            "/api/sdk/orders",
            {"side": "sell", "asset": "SOL", "quantity": 3, "orderType": "market"},
        )
        fills = api_request("GET", f"/api/sdk/orders/{order['orderId']}/fills")["fills"]

    assert order["status"] == "filled"
    assert sum(fill["quantity"] for fill in fills) == pytest.approx(3)
    assert VENUES["zenotc"].credentials == endpoint.credentials
