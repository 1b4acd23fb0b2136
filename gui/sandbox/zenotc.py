"""The ZenOTC Orders API emulator: a Starlette app over the shared `SandboxEngine`.

Follows shared/venues/zenotc/api-reference.md as digested in notes.md §3: the nine endpoints
under `/api/sdk/orders` with their bodies and bare response objects (decision 4), NestJS error
bodies (§3.5), HMAC-SHA256 request signing (§3.2) verified here from the doc, on the raw bytes
received, and the documented rate-limit headers with 429 (§3.5). Where the doc is silent, the
numbered decisions of notes.md §3.7 apply.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gui.sandbox.engine import SandboxEngine
from gui.sandbox.zenotc_handlers import Endpoint, ZenotcEmulator
from gui.sandbox.zenotc_requests import ApiError, error_body
from gui.sandbox.zenotc_wire import ZenotcJSONResponse

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "DEMO_CREDENTIALS",
    "DEMO_SCOPES",
    "ZenotcEmulator",
    "create_app",
    "exhausted_window_response",
    "throttled_response",
]

DEMO_API_KEY = "zk_sandbox_4f9d2c7a1e8b6035"
"""The sandbox's API key (`X-API-Key`)."""
DEMO_API_SECRET = "zs_sandbox_b61e0f3a9c7d4825e13f6a0b9d2c7e48"
"""The sandbox's API secret: the HMAC key, used as its UTF-8 bytes (§3.2)."""
DEMO_CREDENTIALS: dict[str, str] = {"api_key": DEMO_API_KEY, "api_secret": DEMO_API_SECRET}
"""The credentials `orderdesk-sandbox` prints for this venue."""
DEMO_ACCOUNTS: tuple[str, ...] = ("sandbox-otc",)
"""The one account an API key trades (ZenOTC has no account parameter)."""
DEMO_SCOPES: frozenset[str] = frozenset({"READ", "TRADE"})
"""Scopes of the demo key (§3.2: READ for reads, TRADE for writes)."""


def _signature_hex(secret: bytes, timestamp: str, method: str, path: bytes, body: bytes) -> str:
    # HMAC-SHA256(secret, timestamp + METHOD + path + body), lowercase hex (§3.2).
    message = timestamp.encode("ascii") + method.encode("ascii") + path + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class _Verifier:
    """Checks `X-API-Key`, `X-API-Timestamp` and `X-API-Signature` and the key's scopes."""

    def __init__(
        self,
        credentials: Mapping[str, str],
        scopes: Collection[str],
        window_ms: int,
        wall_clock_s: Callable[[], float],
    ) -> None:
        self._api_key = credentials["api_key"]
        self._secret = credentials["api_secret"].encode("utf-8")
        self._scopes = frozenset(scopes)
        self._window_ms = window_ms
        self._wall_clock_s = wall_clock_s

    def check(self, scope: Scope, headers: Mapping[str, str], body: bytes, needed: str) -> None:
        """Pass, or raise `ApiError` 401 (authentication) or 403 (scope)."""
        api_key = headers.get("x-api-key")
        timestamp = headers.get("x-api-timestamp")
        signature = headers.get("x-api-signature")
        if not api_key or not timestamp or not signature:
            raise ApiError(401, "Missing X-API-Key, X-API-Timestamp or X-API-Signature header")
        if not hmac.compare_digest(api_key.encode(), self._api_key.encode()):
            raise ApiError(401, "Invalid API key")
        if not timestamp.isascii() or not timestamp.isdigit():
            raise ApiError(401, "Invalid timestamp")
        # Against real time, not the engine's simulated clock (decision 12: +-30 s default).
        now_ms = self._wall_clock_s() * 1000
        if abs(now_ms - int(timestamp)) > self._window_ms:
            raise ApiError(401, "Request timestamp is outside the allowed window")
        method = scope["method"].upper()
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        path = raw_path.split(b"?", 1)[0]
        query: bytes = scope.get("query_string", b"")
        # Decision 1: the path as signed may carry the query string or not; accept both.
        signed_paths = [path + b"?" + query, path] if query else [path]
        if not any(
            hmac.compare_digest(
                signature.encode("ascii", "replace"),
                _signature_hex(self._secret, timestamp, method, candidate, body).encode(),
            )
            for candidate in signed_paths
        ):
            raise ApiError(401, "Invalid signature")
        if needed not in self._scopes:
            raise ApiError(403, f"Insufficient scope (requires {needed})")


@dataclass(slots=True)
class _RateWindow:
    """A fixed window of `limit` requests per `window_s`, opened by the first request after
    the previous window ended; times are real (wall-clock) seconds."""

    limit: int
    window_s: float
    wall_clock_s: Callable[[], float]
    started_s: float | None = None
    used: int = 0

    def take(self) -> tuple[bool, dict[str, str]]:
        """(allowed, the `X-RateLimit-*` headers after this request)."""
        now_s = self.wall_clock_s()
        if self.started_s is None or now_s >= self.started_s + self.window_s:
            self.started_s, self.used = now_s, 0
        allowed = self.used < self.limit
        if allowed:
            self.used += 1
        reset_s = self.started_s + self.window_s
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.limit - self.used),
            "X-RateLimit-Reset": str(math.ceil(reset_s)),  # unix seconds (§3.5)
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil(reset_s - now_s)))
        return allowed, headers


class _RateLimitMiddleware:
    """Counts every HTTP request; answers 429 over the limit; adds the headers to all."""

    def __init__(self, app: ASGIApp, window: _RateWindow) -> None:
        self.app = app
        self.window = window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed, headers = self.window.take()
        if not allowed:
            await throttled_response(headers)(scope, receive, send)
            return
        extra = [(name.lower().encode(), value.encode()) for name, value in headers.items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def throttled_response(headers: Mapping[str, str]) -> Response:
    """NestJS's throttler refusal (§3.5): 429 `{"statusCode": 429, "message":
    "ThrottlerException: Too Many Requests", "error": "Too Many Requests"}` with `headers`
    (the `X-RateLimit-*` and `Retry-After` of the window)."""
    body = error_body(429, "ThrottlerException: Too Many Requests")
    return ZenotcJSONResponse(body, 429, headers=headers)


def exhausted_window_response(
    requests_per_second: float = 10.0, wall_clock_s: Callable[[], float] = time.time
) -> Response:
    """The 429 a full rate window answers now: `throttled_response` with `X-RateLimit-Limit`,
    `X-RateLimit-Remaining: 0`, `X-RateLimit-Reset` (unix s) and `Retry-After` (s) of a
    window that just filled (the sandbox's fault injection sends it).

    Args:
        requests_per_second: The limit, as `create_app`'s (10 by default, §3.5).
        wall_clock_s: Real time in unix seconds (the venue's clock).
    """
    limit, window_s = _window_of(requests_per_second)
    window = _RateWindow(limit, window_s, wall_clock_s, started_s=wall_clock_s(), used=limit)
    _, headers = window.take()
    return throttled_response(headers)


def _window_of(requests_per_second: float) -> tuple[int, float]:
    # (limit, window_s): fixed windows of at least a second.
    window_s = max(1.0, 1.0 / requests_per_second)
    return max(1, math.floor(requests_per_second * window_s)), window_s


def _guarded(endpoint: Endpoint, verifier: _Verifier, needed: str) -> Endpoint:
    async def guarded(request: Request) -> Response:
        try:
            verifier.check(request.scope, request.headers, await request.body(), needed)
            return await endpoint(request)
        except ApiError as exc:
            return exc.response()

    return guarded


async def _no_route(request: Request, exc: Exception) -> Response:
    # NestJS answers an unknown route, and a known path with another method, with 404.
    message = f"Cannot {request.method} {request.url.path}"
    return ZenotcJSONResponse(error_body(404, message), 404)


def create_app(
    engine: SandboxEngine,
    *,
    credentials: Mapping[str, str] = DEMO_CREDENTIALS,
    requests_per_second: float | None = 10.0,
    timestamp_window_ms: int = 30_000,
    scopes: Collection[str] = DEMO_SCOPES,
    wall_clock_s: Callable[[], float] = time.time,
) -> Starlette:
    """The emulator as an ASGI app.

    Args:
        engine: The simulated market and execution engine (may be shared with other venues).
        credentials: `api_key` and `api_secret` of the one key accepted.
        requests_per_second: Requests allowed per second (10, "All Other Endpoints", §3.5),
            counted in fixed windows; over it, 429. None: no limit and no rate headers.
        timestamp_window_ms: Largest difference between `X-API-Timestamp` and real time, ms
            (decision 12).
        scopes: The key's scopes; a missing READ or TRADE answers 403.
        wall_clock_s: Real time in unix seconds, for the timestamp window and the rate limit
            (tests pass a fixed clock; order times come from the engine's clock).

    Returns:
        The Starlette app; `app.state.zenotc` is the `ZenotcEmulator` behind it.
    """
    emulator = ZenotcEmulator(engine)
    verifier = _Verifier(credentials, scopes, timestamp_window_ms, wall_clock_s)
    routes = [
        Route(path, _guarded(endpoint, verifier, needed), methods=[method])
        for path, method, endpoint, needed in emulator.endpoints()
    ]
    middleware = []
    if requests_per_second is not None:
        if requests_per_second <= 0:
            raise ValueError(f"requests_per_second must be > 0, got {requests_per_second!r}")
        limit, window_s = _window_of(requests_per_second)
        window = _RateWindow(limit, window_s, wall_clock_s)
        middleware.append(Middleware(_RateLimitMiddleware, window=window))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={404: _no_route, 405: _no_route},
    )
    app.state.zenotc = emulator
    return app
