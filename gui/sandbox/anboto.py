"""The Anboto Trading API v2.0 emulator: a Starlette app over the shared `SandboxEngine`.

Follows shared/venues/anboto/api-reference.md as digested in notes.md §1: the seven
operations under `/api/v2/trading/order/` with their methods, success codes (201 create and
createMany, 200 the rest) and schemas; parent orders worked as algos over their window
(`gui.sandbox.anboto_orders`); refusals as 400 `{"errorCode", "message"}`. Requests are
authenticated from the doc with the emulator's own code, on the raw bytes received
(`gui.sandbox.anboto_auth`): HMAC-SHA256 hex for system-generated keys, RSA-SHA256 base64
for self-generated ones; failures answer 401 AUTHENTICATION_ERROR. A per-key rate limit
(none documented) answers 429 RATE_LIMIT_EXCEEDED.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gui.sandbox.anboto_auth import DEFAULT_RECV_WINDOW_MS, RateLimiter, Verifier
from gui.sandbox.anboto_handlers import AnbotoEmulator, SignedEndpoint
from gui.sandbox.anboto_keys import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_RSA_API_KEY,
    DEMO_RSA_PUBLIC_KEY_PEM,
)
from gui.sandbox.anboto_orders import ACCEPT_DELAY_S, CANCEL_DELAY_S
from gui.sandbox.anboto_wire import ApiError, ErrorCode
from gui.sandbox.engine import SandboxEngine

__all__ = [
    "DEFAULT_REQUESTS_PER_SECOND",
    "DEMO_ACCOUNTS",
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "DEMO_CREDENTIALS",
    "DEMO_RSA_API_KEY",
    "DEMO_RSA_PUBLIC_KEY_PEM",
    "AnbotoEmulator",
    "create_app",
]

DEMO_CREDENTIALS: dict[str, str] = {"api_key": DEMO_API_KEY, "api_secret": DEMO_API_SECRET}
"""The credentials `orderdesk-sandbox` prints for this venue (the HMAC key)."""
DEMO_ACCOUNTS: tuple[str, ...] = ("sandbox-algo",)
"""The one account an API key trades (Anboto routes by `exchange`/`subaccount` per order)."""
DEFAULT_REQUESTS_PER_SECOND = 50.0
"""Requests per second per API key before 429 (ours: the doc documents no limit)."""


def _guarded(
    endpoint: SignedEndpoint, verifier: Verifier, limiter: RateLimiter | None
) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        try:
            api_key = verifier.check(
                request.method,
                request.headers,
                request.scope.get("query_string", b""),
                await request.body(),
            )
            if limiter is not None:
                limiter.take(api_key)
            return await endpoint(request, api_key)
        except ApiError as exc:
            return exc.response()

    return guarded


async def _no_route(request: Request, exc: Exception) -> Response:
    # Unknown paths and methods: the emulator's own error body (the doc documents neither).
    status_code = getattr(exc, "status_code", 404)
    headers = getattr(exc, "headers", None)  # 405 carries `Allow`
    message = f"No route for {request.method} {request.url.path}"
    return ApiError(status_code, message, ErrorCode.OTHER, headers).response()


def create_app(
    engine: SandboxEngine,
    *,
    credentials: Mapping[str, str] = DEMO_CREDENTIALS,
    rsa_public_keys: Mapping[str, str] | None = None,
    accounts: Sequence[str] = DEMO_ACCOUNTS,
    requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
    recv_window_ms: int = DEFAULT_RECV_WINDOW_MS,
    accept_delay_s: float = ACCEPT_DELAY_S,
    cancel_delay_s: float = CANCEL_DELAY_S,
    wall_clock_s: Callable[[], float] = time.time,
) -> Starlette:
    """The emulator as an ASGI app.

    Args:
        engine: The simulated market and execution engine (may be shared with other venues).
        credentials: `api_key` and `api_secret` of the HMAC key accepted.
        rsa_public_keys: RSA key id -> PEM public key; None means
            `{DEMO_RSA_API_KEY: DEMO_RSA_PUBLIC_KEY_PEM}`.
        accounts: Display names of the key's accounts (informational: orders carry no
            account, only an optional `subaccount`, accepted as sent).
        requests_per_second: Requests per key per one-second window before 429
            RATE_LIMIT_EXCEEDED; None turns the limit off.
        recv_window_ms: The recv window when `ANBOTO-RECV-WINDOW` is absent, ms (the doc:
            5000).
        accept_delay_s: Simulated seconds an order is PENDING_NEW before ACCEPTED.
        cancel_delay_s: Simulated seconds an order is PENDING_CANCEL before CANCELLED.
        wall_clock_s: Real time in unix seconds, for the recv window and the rate limit
            (order times come from the engine's clock).

    Returns:
        The Starlette app; `app.state.anboto` is the `AnbotoEmulator` behind it.

    Raises:
        ValueError: A bad RSA key or a non-positive `requests_per_second`.
    """
    if requests_per_second is not None and requests_per_second <= 0:
        raise ValueError(f"requests_per_second must be > 0, got {requests_per_second!r}")
    rsa = (
        {DEMO_RSA_API_KEY: DEMO_RSA_PUBLIC_KEY_PEM} if rsa_public_keys is None else rsa_public_keys
    )
    verifier = Verifier(
        {credentials["api_key"]: credentials["api_secret"]}, rsa, wall_clock_s, recv_window_ms
    )
    limiter = (
        None if requests_per_second is None else RateLimiter(requests_per_second, wall_clock_s)
    )
    emulator = AnbotoEmulator(engine, accept_delay_s, cancel_delay_s)
    routes = [
        Route(path, _guarded(endpoint, verifier, limiter), methods=[method])
        for path, method, endpoint in emulator.endpoints()
    ]
    app = Starlette(routes=routes, exception_handlers={404: _no_route, 405: _no_route})
    app.state.anboto = emulator
    app.state.accounts = tuple(accounts)
    return app
