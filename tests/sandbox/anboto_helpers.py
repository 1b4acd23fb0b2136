"""A signing test client for the Anboto emulator, written from the venue doc (notes.md §1.2)
and independent of the emulator's verifier (RSA signs with the `cryptography` package, the
emulator verifies with its own code), plus shared order bodies and field lists."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.types import ASGIApp

from gui.sandbox.anboto import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_RSA_API_KEY,
)
from tests.sandbox.anboto_rsa_key import DEMO_RSA_PRIVATE_KEY_PEM

ORDER = "/api/v2/trading/order"
"""Prefix of every endpoint."""

RESTING_LIMIT: dict[str, Any] = {
    "clientOrderId": "rest-1",
    "exchange": "BINANCE",
    "symbol": "BTC/USDT",
    "assetClass": "SPOT",
    "side": "BUY",
    "quantity": Decimal("0.5"),
    "strategy": "LIMIT",
    "limitPrice": Decimal(50000),
}
"""A BTC limit buy far below the market (which starts near 60,000): it rests."""

SUMMARY_FIELDS = ["orderId", "clientOrderId", "status", "createdAt", "message", "errorCode"]
"""`OrderSummary`, the doc's order."""
DETAILS_FIELDS = [
    "orderId",
    "clientOrderId",
    "symbol",
    "assetClass",
    "exchange",
    "status",
    "filledQuantity",
    "leavesQuantity",
    "side",
    "lastQuantity",
    "lastPrice",
    "averagePrice",
]
"""`OrderDetails`, the doc's order."""


def dumps(body: object) -> bytes:
    """JSON bytes as `json.dumps` writes them, with Decimals as exact numbers (what a careful
    client sends)."""
    return _dump(body).encode()


def _dump(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_dump(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(item) for item in value) + "]"
    return json.dumps(value)


def hmac_signature(secret: str, message: bytes) -> str:
    """Lowercase hex HMAC-SHA256 keyed with the secret's UTF-8 bytes (the reference doc)."""
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def rsa_signature(private_key_pem: str, message: bytes) -> str:
    """Base64 RSA-SHA256 PKCS#1 v1.5 signature (the reference doc), via `cryptography`."""
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def exact(response: httpx.Response) -> Any:
    """The response body with JSON fractions as Decimal (integers stay int)."""
    return json.loads(response.text, parse_float=Decimal)


class AnbotoClient:
    """Sends signed requests; every part of the signature can be overridden to test refusals.

    Attributes:
        http: The transport client.
        api_key: Key sent and signed.
        secret: HMAC secret, used when `private_key_pem` is None.
        private_key_pem: RSA private key for a self-generated key.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        api_key: str = DEMO_API_KEY,
        secret: str = DEMO_API_SECRET,
        private_key_pem: str | None = None,
    ) -> None:
        self.http = http
        self.api_key = api_key
        self.secret = secret
        self.private_key_pem = private_key_pem

    async def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        query: str = "",
        api_key: str | None = None,
        timestamp_ms: str | None = None,
        timestamp_header: str = "ANBOTO-TS",
        recv_window: str | None = None,
        sign_recv_window: bool = True,
        signed_payload: bytes | None = None,
        signature: str | None = None,
        omit: tuple[str, ...] = (),
    ) -> httpx.Response:
        """Send a request signed per the doc: timestamp + key + (recv window) + (query|body).

        Args:
            method: GET or POST.
            path: Path under the host, without the query.
            body: Bytes as they are, else `dumps(body)`; None sends no body.
            query: Raw query string sent and signed (GET).
            api_key: Key header (default: the client's).
            timestamp_ms: Timestamp header value (default: now).
            timestamp_header: `ANBOTO-TS` or its alias `ANBOTO-TIMESTAMP`.
            recv_window: `ANBOTO-RECV-WINDOW` value, or None to send none.
            sign_recv_window: Put the recv window in the signed string.
            signed_payload: Sign this instead of the query/body actually sent.
            signature: Send this signature instead of computing one.
            omit: Header names to leave out.
        """
        content = body if isinstance(body, bytes) else (b"" if body is None else dumps(body))
        key = self.api_key if api_key is None else api_key
        timestamp = timestamp_ms if timestamp_ms is not None else str(int(time.time() * 1000))
        payload = query.encode() if method == "GET" else content
        if signed_payload is not None:
            payload = signed_payload
        window = recv_window if recv_window is not None and sign_recv_window else ""
        message = f"{timestamp}{key}{window}".encode() + payload
        if signature is None:
            signature = (
                hmac_signature(self.secret, message)
                if self.private_key_pem is None
                else rsa_signature(self.private_key_pem, message)
            )
        headers = {
            "ANBOTO-API-KEY": key,
            timestamp_header: timestamp,
            "ANBOTO-SIGN": signature,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if recv_window is not None:
            headers["ANBOTO-RECV-WINDOW"] = recv_window
        for name in omit:
            del headers[name]
        url = f"{path}?{query}" if query else path
        return await self.http.request(method, url, content=content, headers=headers)

    async def create(self, **fields: Any) -> dict[str, Any]:
        """`order/create` with `RESTING_LIMIT` changed by `fields` (None drops one); asserts
        201 and returns the OrderSummary."""
        body = {k: v for k, v in {**RESTING_LIMIT, **fields}.items() if v is not None}
        response = await self.call("POST", f"{ORDER}/create", body)
        assert response.status_code == 201, response.text
        summary: dict[str, Any] = exact(response)
        return summary

    async def details(self, order_id: int) -> dict[str, Any]:
        """`order/id?orderId=...`, asserting 200; numbers as Decimal/int."""
        response = await self.call("GET", f"{ORDER}/id", query=f"orderId={order_id}")
        assert response.status_code == 200, response.text
        details: dict[str, Any] = exact(response)
        return details

    async def open_orders(self) -> list[dict[str, Any]]:
        """`order/open`, asserting 200; the `responses` list."""
        response = await self.call("GET", f"{ORDER}/open")
        assert response.status_code == 200, response.text
        responses: list[dict[str, Any]] = exact(response)["responses"]
        return responses


@contextlib.asynccontextmanager
async def anboto_client(app: ASGIApp, *, rsa_key: bool = False) -> AsyncIterator[AnbotoClient]:
    """An `AnbotoClient` talking to `app` in-process (no port): the HMAC demo key, or with
    `rsa_key` the RSA demo key."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://anboto.test") as http:
        if rsa_key:
            yield AnbotoClient(http, DEMO_RSA_API_KEY, "", DEMO_RSA_PRIVATE_KEY_PEM)
        else:
            yield AnbotoClient(http)


def error(code: str, message: str) -> dict[str, str]:
    """The emulator's error body."""
    return {"errorCode": code, "message": message}
