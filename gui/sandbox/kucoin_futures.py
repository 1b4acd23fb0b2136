"""The KuCoin Futures order API emulator: a Starlette app over the shared `SandboxEngine`.

Follows shared/venues/kucoin-futures/api-reference.md as digested in notes.md: the 18 order
operations of §2.0 with their paths (the literal `/api/v3/orders`, `/byClientOid` and
`/client-order/{clientOid}`), the `{"code": "200000", "data": ...}` envelope and the
`{"code", "msg"}` errors of §4.1 with the HTTP statuses of decision §6.23, the KC-API-* HMAC
signature over the raw bytes received (§1.2), and the `gw-ratelimit-*` pool of §4.2. Plus the
public `GET /api/v1/timestamp` and `GET /api/v1/contracts/active|{symbol}` that clients call
first. Where the doc is silent, the numbered decisions of notes.md §6 apply.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gui.sandbox.engine import SandboxEngine
from gui.sandbox.kucoin_futures_auth import (
    DEFAULT_QUOTA,
    SUCCESS,
    WINDOW_S,
    ApiError,
    RatePool,
    authenticate,
)
from gui.sandbox.kucoin_futures_book import FuturesBook
from gui.sandbox.kucoin_futures_handlers import Handler, KucoinFuturesEmulator

__all__ = ["DEMO_ACCOUNTS", "DEMO_CREDENTIALS", "KucoinFuturesEmulator", "create_app"]

DEMO_CREDENTIALS: dict[str, str] = {
    "api_key": "6650a1b2c3d4e5f60718293a",
    "api_secret": "3f8e2a6c-5b1d-4c7e-9a0f-2d6b8e4c1a57",
    "api_passphrase": "sandbox-passphrase",
    "key_version": "2",
}
"""The one key the sandbox accepts (shaped like a KuCoin key: 24 hex, a UUID secret)."""
DEMO_ACCOUNTS: tuple[str, ...] = ("sandbox-futures",)
"""The emulated futures account (one UID, one key)."""

Endpoint = Callable[[Request], Awaitable[Response]]


class _Gate:
    """Authentication, the rate pools, the envelope and `ApiError` -> response."""

    def __init__(
        self,
        book: FuturesBook,
        credentials: Mapping[str, str],
        quota: int,
        window_ms: int,
        wall_clock_s: Callable[[], float],
    ) -> None:
        self._book = book
        self._credentials = dict(credentials)
        self._window_ms = window_ms
        self._now_ms = lambda: int(wall_clock_s() * 1000)
        self._private_pool = RatePool(quota)  # the key's FUTURES pool (§4.2)
        self._public_pool = RatePool(quota)  # public endpoints are limited per IP (§4.2)

    def private(self, handler: Handler, weight: int) -> Endpoint:
        pool = self._private_pool

        async def guarded(request: Request) -> Response:
            raw = await request.body()
            try:
                authenticate(request, raw, self._credentials, self._window_ms, self._now_ms)
            except ApiError as exc:
                return exc.response(pool.headers())
            return await self._serve(request, raw, handler, pool, weight, check_media=True)

        return guarded

    def public(self, handler: Handler, weight: int) -> Endpoint:
        pool = self._public_pool

        async def open_endpoint(request: Request) -> Response:
            raw = await request.body()
            return await self._serve(request, raw, handler, pool, weight, check_media=False)

        return open_endpoint

    async def _serve(
        self,
        request: Request,
        raw: bytes,
        handler: Handler,
        pool: RatePool,
        weight: int,
        *,
        check_media: bool,
    ) -> Response:
        if not pool.charge(weight):
            return ApiError("429000", "Too Many Requests", 429).response(pool.headers())
        headers = pool.headers()
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if check_media and raw.strip() and media != "application/json":
            return ApiError("415000", "Unsupported Media Type", 415).response(headers)
        try:
            self._book.sync()
            data = await handler(request, raw)
        except ApiError as exc:
            return exc.response(headers)
        return JSONResponse({"code": SUCCESS, "data": data}, headers=headers)


async def _url_not_found(request: Request, exc: Exception) -> Response:
    # KuCoin's gateway routes on method and path: a known path with another method is an
    # unknown URL as well (`404000`, §4.1).
    return ApiError("404000", "Url Not Found", 404).response()


async def _internal_error(request: Request, exc: Exception) -> Response:
    return ApiError("500000", "Internal Server Error", 500).response()


def create_app(
    engine: SandboxEngine,
    *,
    credentials: Mapping[str, str] = DEMO_CREDENTIALS,
    requests_per_second: float | None = None,
    timestamp_window_ms: int = 5000,
    wall_clock_s: Callable[[], float] = time.time,
) -> Starlette:
    """The emulator as an ASGI app.

    Args:
        engine: The simulated market and execution engine (may be shared with other venues);
            its clock dates orders and fills.
        credentials: The one accepted key: `api_key`, `api_secret`, `api_passphrase` (and
            `key_version`, informational: versions 2 and 3 are both accepted, §6.2).
        requests_per_second: Pool refill rate in weight units (§2.0 weights) per second: each
            pool holds `max(1, floor(requests_per_second * 30))` units per fixed 30 s window.
            None gives KuCoin's VIP 0 futures quota, 2000 units per 30 s (§4.2), which a
            client pacing itself to the documented limit never exceeds.
        timestamp_window_ms: `KC-API-TIMESTAMP` must be within this many ms of wall-clock
            time (`400002` otherwise, §1.2).
        wall_clock_s: Real time in unix seconds: the server time of the timestamp window
            and of `GET /api/v1/timestamp` (the sandbox skews it to inject clock skew;
            order times come from the engine's clock).

    Returns:
        The Starlette app; `app.state.kucoin_futures` is the `KucoinFuturesEmulator`.
    """
    quota = DEFAULT_QUOTA
    if requests_per_second is not None:
        quota = max(1, math.floor(requests_per_second * WINDOW_S))
    emulator = KucoinFuturesEmulator(FuturesBook(engine), wall_clock_s)
    gate = _Gate(emulator.book, credentials, quota, timestamp_window_ms, wall_clock_s)
    e = emulator
    # (method, path, handler, weight); weights from notes.md §2.0 (public ones: ccxt's
    # public-weight notes; recentFills has none in the SDK, 3 as ccxt). Specific paths come
    # before `{order_id}` (notes.md §7).
    private: list[tuple[str, str, Handler, int]] = [
        ("POST", "/api/v1/orders", e.add_order, 2),
        ("POST", "/api/v1/orders/test", e.add_order_test, 2),
        ("POST", "/api/v1/orders/multi", e.add_orders, 20),
        ("POST", "/api/v1/st-orders", e.add_tpsl_order, 2),
        ("DELETE", "/api/v1/orders/multi-cancel", e.cancel_orders, 20),
        ("DELETE", "/api/v1/orders/client-order/{client_oid}", e.cancel_by_client_oid, 1),
        ("DELETE", "/api/v1/orders/{order_id}", e.cancel_order, 1),
        ("DELETE", "/api/v3/orders", e.cancel_all_v3, 10),
        ("DELETE", "/api/v1/orders", e.cancel_all_v1, 800),
        ("DELETE", "/api/v1/stopOrders", e.cancel_all_stops, 15),
        ("GET", "/api/v1/stopOrders", e.stop_orders, 6),
        ("GET", "/api/v1/orders", e.order_list, 2),
        ("GET", "/api/v1/orders/byClientOid", e.order_by_client_oid, 5),
        ("GET", "/api/v1/orders/{order_id}", e.order, 5),
        ("GET", "/api/v1/recentDoneOrders", e.recent_done_orders, 5),
        ("GET", "/api/v1/openOrderStatistics", e.open_order_statistics, 10),
        ("GET", "/api/v1/recentFills", e.recent_fills, 3),
        ("GET", "/api/v1/fills", e.fills, 5),
    ]
    public: list[tuple[str, str, Handler, int]] = [
        ("GET", "/api/v1/timestamp", e.timestamp, 2),
        ("GET", "/api/v1/contracts/active", e.contracts_active, 3),
        ("GET", "/api/v1/contracts/{symbol}", e.contract, 3),
    ]
    routes = [Route(path, gate.private(h, w), methods=[m]) for m, path, h, w in private]
    routes += [Route(path, gate.public(h, w), methods=[m]) for m, path, h, w in public]
    app = Starlette(
        routes=routes,
        exception_handlers={404: _url_not_found, 405: _url_not_found, 500: _internal_error},
    )
    app.state.kucoin_futures = emulator
    return app
