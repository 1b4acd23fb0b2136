"""A DFX Labs test client with its own Ed25519 signer, written from notes.md §2.2 (never the
emulator's code), plus fixtures-in-functions and the field lists of the reference doc."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_der_private_key
from starlette.types import ASGIApp

from gui.sandbox.dfx import DEMO_CREDENTIALS

ACCOUNT_ID = DEMO_CREDENTIALS["account_id"]

ORDER_FIELDS = [
    "clientOid",
    "orderId",
    "accountId",
    "side",
    "symbol",
    "price",
    "quantity",
    "amount",
    "status",
    "tradeQty",
    "tradeAmount",
    "orderType",
    "stopStatus",
    "failedReason",
]  # reference doc §4 and §6, in the doc's order
FINISHED_ORDER_FIELDS = [
    *ORDER_FIELDS[:12],
    "stopType",
    "stopStatus",
    "averagePrice",
    "failedReason",
]  # reference doc §5
TRADE_FIELDS = [
    "tradeId",
    "symbol",
    "price",
    "quantity",
    "amount",
    "type",
    "side",
    "isMaker",
    "feeAsset",
    "fee",
    "time",
]  # venue Account doc, "Get Account Trade List"
SYMBOL_FIELDS = [
    "symbol",
    "baseToken",
    "quoteToken",
    "quoteIncrement",
    "quoteMinSize",
    "baseIncrement",
    "baseMinSize",
    "priceIncrement",
    "enableTrading",
    "priceLimitRate",
]  # venue Public Market Data doc, "Get Symbol Basic information"


def now_ms() -> int:
    return int(time.time() * 1000)


def private_key(b64: str = DEMO_CREDENTIALS["private_key"]) -> Ed25519PrivateKey:
    key = load_der_private_key(base64.b64decode(b64), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def prehash(method: str, path: str, param: str, body: str, timestamp: str) -> str:
    """`body=..&method=..&param=..&path=..&timestamp=..`, blank body/param left out (§2.2)."""
    parts = {"body": body, "method": method, "param": param, "path": path, "timestamp": timestamp}
    return "&".join(f"{name}={value}" for name, value in sorted(parts.items()) if value)


def dfx_sign(key: Ed25519PrivateKey, text: str) -> str:
    """Standard base64 of the 64-byte Ed25519 signature of `text` (UTF-8)."""
    return base64.b64encode(key.sign(text.encode())).decode()


class DfxClient:
    """Signs and sends requests the way notes.md §2.2 says a client must."""

    def __init__(self, http: httpx.AsyncClient, credentials: Mapping[str, str]) -> None:
        self.http = http
        self.credentials = dict(credentials)
        self.key = private_key(credentials["private_key"])

    async def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        form: Mapping[str, object] | None = None,
        json_body: Mapping[str, object] | None = None,
        raw_body: bytes | None = None,
        content_type: str | None = None,
        timestamp_ms: int | None = None,
        headers: Mapping[str, str] | None = None,
        sign: bool = True,
        omit: tuple[str, ...] = (),
    ) -> httpx.Response:
        """Send `method path?params` with an optional form, JSON or raw body, signed over
        exactly the bytes sent. `omit` drops headers by name; `headers` overrides."""
        query = urlencode({k: str(v) for k, v in (params or {}).items()})
        sent: dict[str, str] = {}
        if raw_body is not None:
            content = raw_body
        elif form is not None:
            content = urlencode({k: str(v) for k, v in form.items()}).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            content = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        else:
            content = b""
        if content_type is not None:
            sent["Content-Type"] = content_type
        timestamp = str(now_ms() if timestamp_ms is None else timestamp_ms)
        sent["EXCHANGE-API-KEY"] = self.credentials["api_key"]
        sent["EXCHANGE-API-TIMESTAMP"] = timestamp
        if sign:
            text = prehash(method, path, query, content.decode(), timestamp)
            sent["EXCHANGE-API-SIGN"] = dfx_sign(self.key, text)
        for name in omit:
            sent.pop(name, None)
        sent.update(headers or {})
        target = f"{path}?{query}" if query else path
        return await self.http.request(method, target, content=content, headers=sent)

    async def ok(
        self, method: str, path: str, params: Mapping[str, object] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The body of a successful call (asserts HTTP 200 and code "0")."""
        response = await self.request(method, path, params, **kwargs)
        assert response.status_code == 200, response.text
        payload: dict[str, Any] = response.json()
        assert payload["code"] == "0" and payload["msg"] == "success", payload
        return payload

    async def error(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        status: int,
        **kwargs: Any,
    ) -> str:
        """`msg` of a refused call (asserts the status and the `{"code", "msg"}` body)."""
        response = await self.request(method, path, params, **kwargs)
        assert response.status_code == status, response.text
        payload = response.json()
        assert payload == {"code": str(status), "msg": payload["msg"]}, payload
        return str(payload["msg"])

    # Endpoint shortcuts --------------------------------------------------------------------

    async def limit(
        self, side: str, price: str, quantity: str, symbol: str = "BTC-USDT", **extra: object
    ) -> str:
        body = {
            "symbol": symbol,
            "accountId": ACCOUNT_ID,
            "side": side,
            "type": "LIMIT",
            "price": price,
            "quantity": quantity,
            **extra,
        }
        payload = await self.ok("POST", "/api/v1/spot/order", form=body)
        assert isinstance(payload["data"], str), payload
        return payload["data"]

    async def market(
        self, side: str, amount: str, symbol: str = "BTC-USDT", **extra: object
    ) -> str:
        body = {
            "symbol": symbol,
            "accountId": ACCOUNT_ID,
            "side": side,
            "type": "MARKET",
            "amount": amount,
            **extra,
        }
        payload = await self.ok("POST", "/api/v1/spot/order", form=body)
        return str(payload["data"])

    async def order(self, order_id: str) -> dict[str, Any]:
        payload = await self.ok(
            "GET", "/api/v1/spot/order", {"accountId": ACCOUNT_ID, "orderId": order_id}
        )
        data: dict[str, Any] = payload["data"]
        return data

    async def listing(self, path: str, **params: object) -> list[dict[str, Any]]:
        payload = await self.ok("GET", path, {"accountId": ACCOUNT_ID, **params})
        data: list[dict[str, Any]] = payload["data"]
        return data


@asynccontextmanager
async def dfx_client(
    app: ASGIApp, credentials: Mapping[str, str] = DEMO_CREDENTIALS
) -> AsyncIterator[DfxClient]:
    """A signing client talking to the emulator through ASGI (no port)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://dfx.test") as http:
        yield DfxClient(http, credentials)
