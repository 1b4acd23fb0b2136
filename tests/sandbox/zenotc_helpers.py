"""A signing test client for the ZenOTC emulator, written from the venue doc (notes.md §3.2),
independent of the emulator's verifier, and shared order bodies."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
from starlette.types import ASGIApp

from gui.sandbox.zenotc import DEMO_API_KEY, DEMO_API_SECRET

RESTING_BUY = {"side": "buy", "asset": "BTC", "quantity": 1.5, "price": 50000, "orderType": "limit"}
"""A BTC limit buy far below the market (which starts near 60,000): it rests."""
MARKET_SELL = {
    "side": "sell",
    "asset": "ETH",
    "quantity": 2,
    "price": None,
    "orderType": "market",
}
"""An ETH market sell (price null): filled at once."""

ORDER_FIELDS = [
    "orderId",
    "clientOrderId",
    "side",
    "asset",
    "quantity",
    "price",
    "orderType",
    "timeInForce",
    "status",
    "filledQuantity",
    "remainingQuantity",
    "averagePrice",
    "metadata",
    "createdAt",
    "updatedAt",
]  # "The Order Object", in the doc's order
LIST_ITEM_FIELDS = [
    "orderId",
    "clientOrderId",
    "side",
    "asset",
    "quantity",
    "price",
    "status",
    "filledQuantity",
    "createdAt",
]  # "List Orders" response example


def sign(secret: str, timestamp_ms: str, method: str, path: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 over `timestamp + METHOD + path + body` (§3.2)."""
    payload = f"{timestamp_ms}{method.upper()}{path}".encode() + body
    return hmac.new(secret.encode("utf-8"), payload, hashlib.sha256).hexdigest()


def exact(response: httpx.Response) -> Any:
    """The response body with JSON numbers as Decimal (ints stay int)."""
    return json.loads(response.text, parse_float=Decimal)


class ZenClient:
    """Sends signed requests; every part of the signature can be overridden to test refusals."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        api_key: str = DEMO_API_KEY,
        secret: str = DEMO_API_SECRET,
        timestamp_ms: str | None = None,
        signed_path: str | None = None,
        signed_body: bytes | None = None,
        omit: tuple[str, ...] = (),
    ) -> httpx.Response:
        """Send `body` (bytes as they are; else `json.dumps`, None = empty) to `path` (with
        its query string), signed over `signed_path`/`signed_body` when given."""
        if isinstance(body, bytes):
            content = body
        else:
            content = b"" if body is None else json.dumps(body).encode()
        timestamp = timestamp_ms if timestamp_ms is not None else str(int(time.time() * 1000))
        signature = sign(
            secret,
            timestamp,
            method,
            path if signed_path is None else signed_path,
            content if signed_body is None else signed_body,
        )
        headers = {
            "X-API-Key": api_key,
            "X-API-Timestamp": timestamp,
            "X-API-Signature": signature,
            "Content-Type": "application/json",
        }
        for name in omit:
            del headers[name]
        return await self.http.request(method, path, content=content, headers=headers)

    async def create(self, **fields: Any) -> dict[str, Any]:
        """`POST /api/sdk/orders` with `RESTING_BUY` changed by `fields` (None drops one);
        asserts 201 and returns the order, numbers as Decimal."""
        body = {k: v for k, v in {**RESTING_BUY, **fields}.items() if v is not None}
        response = await self.call("POST", "/api/sdk/orders", body)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = exact(response)
        return order

    async def get(self, order_id: str) -> dict[str, Any]:
        """`GET /api/sdk/orders/:orderId`, asserting 200."""
        response = await self.call("GET", f"/api/sdk/orders/{order_id}")
        assert response.status_code == 200, response.text
        order: dict[str, Any] = exact(response)
        return order


@contextlib.asynccontextmanager
async def zen_client(app: ASGIApp) -> AsyncIterator[ZenClient]:
    """A `ZenClient` talking to `app` in-process (no port)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://zenotc.test") as http:
        yield ZenClient(http)


def nest_error(status_code: int, message: str) -> dict[str, Any]:
    """The NestJS error body (notes §3.5)."""
    phrases = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        422: "Unprocessable Entity",
        429: "Too Many Requests",
    }
    return {"statusCode": status_code, "message": message, "error": phrases[status_code]}
