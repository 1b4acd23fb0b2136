"""Helpers of the KuCoin Futures tests: credentials, fast settings, a routing fake venue.

A uniquely named module (not `conftest`) so test modules can import it. The fake checks
every private request's signature with its own HMAC code (written from notes §1.2, not
imported from the client), so a signing bug fails every test that sends something.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

from gui.venues.kucoin_futures import KucoinCredentials, KucoinFuturesConfig

RESOURCES = Path(__file__).parent / "resources"
API_KEY = "test-key"
API_SECRET = "test-secret"
API_PASSPHRASE = "test-passphrase"
CREDENTIALS = KucoinCredentials(API_KEY, API_SECRET, API_PASSPHRASE, "2")
NOW_MS = 1_700_000_000_000
"""The fixed local clock of client tests, epoch ms."""

# Deterministic settings: a pool so large the self-throttle never waits, no retry delay.
FAST_CONFIG = KucoinFuturesConfig(
    base_url="http://kucoin.test",
    rate_limit_quota=10_000_000,
    read_attempts=3,
    retry_base_delay_s=0.0,
)
PUBLIC = frozenset({"/api/v1/timestamp", "/api/v1/contracts/active"})


def load_resource(name: str) -> Any:
    """The parsed JSON of `resources/<name>`."""
    return json.loads((RESOURCES / name).read_text())


def expected_sign(secret: str, message: str) -> str:
    """base64(HMAC-SHA256(secret, message)), computed here independently of the client."""
    return base64.b64encode(
        hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


def prehash_of(request: httpx.Request) -> str:
    """What the venue recomputes: ts + METHOD + raw path + ?decoded query + raw body."""
    raw = request.url.raw_path.decode()
    path, _, query = raw.partition("?")
    signed_path = f"{path}?{unquote(query)}" if query else path
    return (
        request.headers["KC-API-TIMESTAMP"]
        + request.method
        + signed_path
        + request.content.decode()
    )


def assert_signed(request: httpx.Request) -> None:
    """The request carries a valid v2 signature for the test key."""
    headers = request.headers
    assert headers["KC-API-KEY"] == API_KEY
    assert headers["KC-API-KEY-VERSION"] == "2"
    assert headers["KC-API-PASSPHRASE"] == expected_sign(API_SECRET, API_PASSPHRASE)
    assert headers["KC-API-SIGN"] == expected_sign(API_SECRET, prehash_of(request))
    assert headers["Content-Type"] == "application/json"


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    """A success envelope."""
    return httpx.Response(status, json={"code": "200000", "data": data}, headers=headers)


def error(
    code: str, msg: str, status: int = 200, headers: dict[str, str] | None = None
) -> httpx.Response:
    """An error envelope."""
    return httpx.Response(status, json={"code": code, "msg": msg}, headers=headers)


def resource_response(name: str, status: int = 200) -> httpx.Response:
    """A resource file's bytes as the body."""
    return httpx.Response(
        status,
        content=(RESOURCES / name).read_bytes(),
        headers={"Content-Type": "application/json"},
    )


@dataclass
class FakeKucoin:
    """Answers (method, path) with queued responses (the last one repeats), records every
    request and checks every private request's signature.

    Attributes:
        requests: What was received, in order.
    """

    routes: dict[tuple[str, str], deque[httpx.Response]] = field(
        default_factory=lambda: defaultdict(deque)
    )
    requests: list[httpx.Request] = field(default_factory=list)

    def on(self, method: str, path: str, *responses: httpx.Response) -> FakeKucoin:
        """Queue answers for a route."""
        self.routes[(method, path)].extend(responses)
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path not in PUBLIC:
            assert_signed(request)
        else:
            assert "KC-API-SIGN" not in request.headers
        queue = self.routes.get((request.method, request.url.path))
        if not queue:
            return error("404000", "Url Not Found", 404)
        return queue.popleft() if len(queue) > 1 else queue[0]

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        """The requests received on one route."""
        return [r for r in self.requests if (r.method, r.url.path) == (method, path)]


class Sleeps:
    """Records the waits asked for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
