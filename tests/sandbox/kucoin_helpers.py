"""A KuCoin Futures test client with its own signer, written from notes.md §1.2 (never the
emulator's code), plus the field lists of the doc's records (§2.4, §2.5)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.types import ASGIApp

from gui.sandbox.kucoin_futures import DEMO_CREDENTIALS

ORDER_FIELDS = [
    "id",
    "symbol",
    "type",
    "side",
    "price",
    "size",
    "value",
    "dealValue",
    "dealSize",
    "stp",
    "stop",
    "stopPriceType",
    "stopTriggered",
    "stopPrice",
    "timeInForce",
    "postOnly",
    "hidden",
    "iceberg",
    "leverage",
    "forceHold",
    "closeOrder",
    "visibleSize",
    "clientOid",
    "remark",
    "tags",
    "isActive",
    "cancelExist",
    "createdAt",
    "updatedAt",
    "endAt",
    "orderTime",
    "settleCurrency",
    "marginMode",
    "avgDealPrice",
    "status",
    "filledSize",
    "filledValue",
    "reduceOnly",
]  # §2.4, 38 fields in the doc's order

RECENT_FILL_FIELDS = [
    "symbol",
    "tradeId",
    "orderId",
    "side",
    "liquidity",
    "forceTaker",
    "price",
    "size",
    "value",
    "openFeePay",
    "closeFeePay",
    "stop",
    "feeRate",
    "fixFee",
    "feeCurrency",
    "tradeTime",
    "subTradeType",
    "marginMode",
    "settleCurrency",
    "displayType",
    "fee",
    "orderType",
    "tradeType",
    "createdAt",
]  # §2.5 for /recentFills; /fills adds the two tax fields
FILL_FIELDS = [*RECENT_FILL_FIELDS, "openFeeTaxPay", "closeFeeTaxPay"]


def kc_sign(secret: str, message: bytes) -> str:
    """base64(HMAC-SHA256(secret, message)) (notes.md §1.2)."""
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


def now_ms() -> int:
    return int(time.time() * 1000)


def signed_headers(
    credentials: Mapping[str, str], timestamp: str, method: str, target: str, body: bytes
) -> dict[str, str]:
    """The five KC-API headers for `method target` with `body` (key version 2)."""
    secret = credentials["api_secret"]
    prehash = f"{timestamp}{method}{target}".encode() + body
    return {
        "KC-API-KEY": credentials["api_key"],
        "KC-API-SIGN": kc_sign(secret, prehash),
        "KC-API-TIMESTAMP": timestamp,
        "KC-API-PASSPHRASE": kc_sign(secret, credentials["api_passphrase"].encode()),
        "KC-API-KEY-VERSION": credentials.get("key_version", "2"),
    }


class KucoinClient:
    """Signs and sends requests the way notes.md §1.2 says a client must."""

    def __init__(self, http: httpx.AsyncClient, credentials: Mapping[str, str]) -> None:
        self.http = http
        self.credentials = dict(credentials)

    async def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        body: object = None,
        *,
        raw_body: bytes | None = None,
        timestamp_ms: int | None = None,
        headers: Mapping[str, str] | None = None,
        sign: bool = True,
    ) -> httpx.Response:
        query = "&".join(f"{key}={value}" for key, value in (params or {}).items())
        target = f"{path}?{query}" if query else path
        if raw_body is not None:
            content = raw_body
        elif body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()
        else:
            content = b""
        sent: dict[str, str] = {}
        if sign:
            timestamp = str(now_ms() if timestamp_ms is None else timestamp_ms)
            sent = signed_headers(self.credentials, timestamp, method, target, content)
        if content:
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        return await self.http.request(method, target, content=content, headers=sent)

    async def data(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        body: object = None,
    ) -> Any:
        """`data` of a successful call (asserts HTTP 200 and code 200000)."""
        response = await self.request(method, path, params, body)
        assert response.status_code == 200, response.text
        payload = response.json()
        assert payload["code"] == "200000", payload
        return payload["data"]

    async def error(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        body: object = None,
        status: int = 200,
    ) -> tuple[str, str]:
        """(code, msg) of a refused call (asserts the HTTP status)."""
        response = await self.request(method, path, params, body)
        assert response.status_code == status, response.text
        payload = response.json()
        assert set(payload) == {"code", "msg"}, payload
        return payload["code"], payload["msg"]


@asynccontextmanager
async def kucoin_client(
    app: ASGIApp, credentials: Mapping[str, str] = DEMO_CREDENTIALS
) -> AsyncIterator[KucoinClient]:
    """A client talking to the emulator through ASGI (no port)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kucoin.test") as http:
        yield KucoinClient(http, credentials)


def limit_order(client_oid: str, **overrides: object) -> dict[str, object]:
    """An Add Order body: a 1-lot XBTUSDTM limit buy far below the market, leverage 3."""
    body: dict[str, object] = {
        "clientOid": client_oid,
        "side": "buy",
        "symbol": "XBTUSDTM",
        "leverage": 3,
        "type": "limit",
        "price": "50000",
        "size": 1,
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


async def place(kc: KucoinClient, client_oid: str, **overrides: object) -> str:
    """Add a `limit_order(client_oid, **overrides)`; its order id."""
    data = await kc.data("POST", "/api/v1/orders", body=limit_order(client_oid, **overrides))
    assert data["clientOid"] == client_oid
    return str(data["orderId"])


async def get_order(kc: KucoinClient, order_id: str) -> dict[str, Any]:
    """`GET /api/v1/orders/{order-id}`."""
    order: dict[str, Any] = await kc.data("GET", f"/api/v1/orders/{order_id}")
    return order
