"""The DFX Labs spot order API emulator: a Starlette app over the shared `SandboxEngine`.

Follows shared/venues/dfx/api-reference.md as digested in notes.md §2: the six order
endpoints (§2.3 (1)-(6)) with their exact shapes inside the `{"code": "0", "msg":
"success"}` envelope, plus the venue's `GET /api/v1/account/trades`, `GET /api/v1/symbols`
and `GET /api/v1/user/info`. Requests are signed with Ed25519 over
`body=..&method=..&param=..&path=..&timestamp=..` (§2.2), verified here on the raw bytes
received with the *public* key only; refusals use the venue's bodies and statuses 401, 403,
412 and 429 (§2.5), with its per-endpoint rate limits. Where the doc is silent, notes.md §2.7
applies and the choice is named in the code.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gui.sandbox.dfx_book import DfxBook
from gui.sandbox.dfx_gateway import (
    TIMESTAMP_WINDOW_MS,
    ApiError,
    Authenticator,
    Params,
    RateLimiter,
    RateRule,
    forbidden,
    load_public_key,
    rate_limited,
)
from gui.sandbox.dfx_handlers import DfxEmulator, Handler
from gui.sandbox.engine import SandboxEngine

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_CREDENTIALS",
    "DEMO_PUBLIC_KEY",
    "RATE_RULES",
    "DfxEmulator",
    "create_app",
]

DEMO_PUBLIC_KEY = "MCowBQYDK2VwAyEA39tkQdWoEblSmqjnaIkIZ7m3TrCiqaRmVERQ3wxkXv0="
"""The uploaded public key: standard base64 of its SPKI DER (notes.md §2.2)."""
DEMO_CREDENTIALS: dict[str, str] = {
    "api_key": (
        "Ck7L8HHRFSZfGiLZiB9hfTYsnVBcI130nmmRtOeiN1oU60rzVLTtXRC6"
        "zxYbxLPXPbHYb5R5RXzFv7ufmrnhFySOwvun4JJE"
    ),
    # Sandbox-only key pair, generated for this emulator and published on purpose: the
    # desk signs with it in demo mode. Base64 PKCS#8 DER, as `openssl genpkey -outform DER`.
    "private_key": "MC4CAQAwBQYDK2VwBCIEINRvOuNBSjiAGABqwlztnWxcwEmQm28krrwqwuBLuawM",
    "account_id": "1403134775",
}
"""What `orderdesk-sandbox` prints: the 96-character API key DFX would issue, the private key
to sign with and the sub-account id every order call names (the venue example's)."""
DEMO_ACCOUNTS: tuple[str, ...] = ("sandbox-spot",)
"""The desk's name for the one emulated spot sub-account."""

RATE_RULES: dict[str, RateRule] = {
    "POST /api/v1/spot/order": RateRule(10, 1.0),
    "DELETE /api/v1/spot/order": RateRule(10, 1.0),
    "DELETE /api/v1/spot/batch/order": RateRule(1, 1.0),
    "GET /api/v1/spot/order": RateRule(1, 1.0),
    "GET /api/v1/spot/finish_order": RateRule(1, 1.0),
    "GET /api/v1/spot/open_order": RateRule(1, 1.0),
    "GET /api/v1/account/trades": RateRule(1, 1.0),
    "GET /api/v1/user/info": RateRule(1, 1.0),
    "GET /api/v1/symbols": RateRule(1, 2.0),
}
"""Documented limits per API key and endpoint; market data per IP (notes.md §2.5)."""

Endpoint = Callable[[Request], Awaitable[Response]]


class _Gate:
    """Authentication, permission, rate limits, parameters and `ApiError` -> response."""

    def __init__(
        self,
        emulator: DfxEmulator,
        authenticator: Authenticator,
        limiter: RateLimiter,
    ) -> None:
        self._emulator = emulator
        self._auth = authenticator
        self._limiter = limiter

    def private(self, method: str, path: str, handler: Handler, *, allowed: bool) -> Endpoint:
        """TRADE / USER_DATA: all three headers, signature, then the key's permission."""
        name = f"{method} {path}"
        rule = RATE_RULES[name]

        async def guarded(request: Request) -> Response:
            body = await request.body()
            query: bytes = request.scope.get("query_string", b"")
            try:
                received_path: str = request.scope["path"]
                self._auth.check_signed(request.headers, request.method, received_path, query, body)
                if not allowed:
                    raise forbidden()
                if not self._limiter.allow(self._auth.api_key, name, rule):
                    raise rate_limited()
                return self._serve(request, query, body, handler)
            except ApiError as exc:
                return exc.response()

        return guarded

    def market_data(self, method: str, path: str, handler: Handler) -> Endpoint:
        """MARKET_DATA: only `EXCHANGE-API-TIMESTAMP`, limited per client IP."""
        name = f"{method} {path}"
        rule = RATE_RULES[name]

        async def open_endpoint(request: Request) -> Response:
            body = await request.body()
            query: bytes = request.scope.get("query_string", b"")
            caller = request.client.host if request.client is not None else "unknown"
            try:
                self._auth.check_timestamp(request.headers)
                if not self._limiter.allow(caller, name, rule):
                    raise rate_limited()
                return self._serve(request, query, body, handler)
            except ApiError as exc:
                return exc.response()

        return open_endpoint

    def _serve(self, request: Request, query: bytes, body: bytes, handler: Handler) -> Response:
        params = Params(query, body, request.headers.get("content-type", ""), request.method)
        self._emulator.book.sync()
        return JSONResponse(handler(params))


async def _not_found(request: Request, exc: Exception) -> Response:
    return ApiError(404, "Not Found").response()


async def _internal_error(request: Request, exc: Exception) -> Response:
    # The venue's 5XX example; its status is UNKNOWN to the caller (notes.md §2.5).
    return ApiError(500, "Server internal exception").response()


def create_app(
    engine: SandboxEngine,
    *,
    trades_endpoint: bool = True,
    rate_limit_scale: float | None = 1.0,
    api_key: str = DEMO_CREDENTIALS["api_key"],
    public_key: str = DEMO_PUBLIC_KEY,
    account_id: str = DEMO_CREDENTIALS["account_id"],
    timestamp_window_ms: int = TIMESTAMP_WINDOW_MS,
    wall_clock_s: Callable[[], float] = time.time,
) -> Starlette:
    """The emulator as an ASGI app.

    Args:
        engine: The simulated market and execution engine (may be shared with other venues);
            its clock dates orders and trades.
        trades_endpoint: False: `GET /api/v1/account/trades` answers 403, as for a key
            whose role lacks it (the reference doc has no fills endpoint, notes.md §2.6).
        rate_limit_scale: Multiplies every documented per-endpoint limit (`RATE_RULES`;
            tests raise it); None or infinity disables them.
        api_key: The 96-character key accepted in `EXCHANGE-API-KEY`.
        public_key: Base64 SPKI DER of the Ed25519 key that key's requests are signed with.
        account_id: The key's one sub-account (`accountId`); any other answers 403.
        timestamp_window_ms: Accepted |wall-clock time - `EXCHANGE-API-TIMESTAMP`|, ms.
        wall_clock_s: Real time in unix seconds, for the timestamp window and rate windows
            (order times come from the engine's clock).

    Returns:
        The Starlette app; `app.state.dfx` is the `DfxEmulator` behind it.

    Raises:
        ValueError: `public_key` is not an Ed25519 key or `rate_limit_scale` is not > 0.
    """
    book = DfxBook(engine, account_id)
    emulator = DfxEmulator(book, DEMO_ACCOUNTS[0])
    authenticator = Authenticator(
        api_key, load_public_key(public_key), wall_clock_s, timestamp_window_ms
    )
    gate = _Gate(emulator, authenticator, RateLimiter(rate_limit_scale, wall_clock_s))
    e = emulator
    private: list[tuple[str, str, Handler, bool]] = [
        ("POST", "/api/v1/spot/order", e.create_order, True),
        ("DELETE", "/api/v1/spot/order", e.cancel_order, True),
        ("GET", "/api/v1/spot/order", e.get_order, True),
        ("DELETE", "/api/v1/spot/batch/order", e.batch_cancel, True),
        ("GET", "/api/v1/spot/finish_order", e.finish_orders, True),
        ("GET", "/api/v1/spot/open_order", e.open_orders, True),
        ("GET", "/api/v1/account/trades", e.trades, trades_endpoint),
        ("GET", "/api/v1/user/info", e.user_info, True),
    ]
    routes = [
        Route(path, gate.private(method, path, handler, allowed=allowed), methods=[method])
        for method, path, handler, allowed in private
    ]
    symbols = gate.market_data("GET", "/api/v1/symbols", e.symbols)
    routes.append(Route("/api/v1/symbols", symbols, methods=["GET"]))
    app = Starlette(
        routes=routes,
        exception_handlers={404: _not_found, 405: _not_found, 500: _internal_error},
    )
    app.state.dfx = emulator
    return app
