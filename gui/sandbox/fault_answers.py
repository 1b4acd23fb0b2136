"""The answers fault injection sends, in each venue's own shapes, and the garbage it sends.

Each venue's 429 is built by that emulator's own rate-limit code (so an injected 429 is the
one its limiter sends), and its 500 is its own error envelope where it has one. 502 and 503
are HTML pages, as the load balancer in front of a venue sends them. `garble` turns a good
answer into a malformed one. Used by `gui.sandbox.faults.FaultMiddleware`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.responses import HTMLResponse, JSONResponse, Response

from gui.sandbox import treadfi, zenotc
from gui.sandbox.anboto import DEFAULT_REQUESTS_PER_SECOND as ANBOTO_REQUESTS_PER_SECOND
from gui.sandbox.anboto_auth import RateLimiter as AnbotoRateLimiter
from gui.sandbox.anboto_wire import ApiError as AnbotoError
from gui.sandbox.anboto_wire import ErrorCode as AnbotoCode
from gui.sandbox.dfx_gateway import ApiError as DfxError
from gui.sandbox.dfx_gateway import rate_limited as dfx_rate_limited
from gui.sandbox.kucoin_futures_auth import DEFAULT_QUOTA, RatePool
from gui.sandbox.kucoin_futures_auth import ApiError as KucoinError
from gui.sandbox.zenotc_requests import error_body as zenotc_error_body
from gui.sandbox.zenotc_wire import ZenotcJSONResponse

__all__ = [
    "GARBLE_KINDS",
    "VENUE_ANSWERS",
    "GarbledAnswer",
    "VenueAnswers",
    "gateway_page",
    "garble",
]

WallClock = Callable[[], float]
"""Real time in unix seconds, as the venue sees it (skewed when clock skew is injected)."""
GarbleKind = Literal["truncated", "html", "wrong_types"]
GARBLE_KINDS: tuple[GarbleKind, ...] = ("truncated", "html", "wrong_types")
"""The kinds of malformed answer, in the order the seeded choice picks from."""


@dataclass(frozen=True, slots=True)
class VenueAnswers:
    """One venue's fault answers.

    Attributes:
        rate_limited: The venue's 429, given its clock (headers such as `Retry-After` or
            `X-RateLimit-Reset` are computed from it).
        server_error: The venue's 500 in its error envelope.
    """

    rate_limited: Callable[[WallClock], Response]
    server_error: Callable[[], Response]


def _treadfi_429(clock: WallClock) -> Response:
    # DRF's throttle body and Retry-After, as `treadfi._Gate` answers (§5.5).
    return treadfi.throttled_response(1.0)


def _treadfi_500() -> Response:
    # The most common 500 body of the doc (notes.md §3.3, §3.9-§3.11: "Something went wrong").
    return JSONResponse({"error": "Something went wrong"}, status_code=500)


def _zenotc_429(clock: WallClock) -> Response:
    # NestJS ThrottlerException with the X-RateLimit-* headers of a window just filled (§3.5).
    return zenotc.exhausted_window_response(wall_clock_s=clock)


def _zenotc_500() -> Response:
    # NestJS's answer to an unhandled exception, in the emulator's error body (notes §3.5).
    return ZenotcJSONResponse(zenotc_error_body(500, "Internal server error"), 500)


def _kucoin_429(clock: WallClock) -> Response:
    # `429000` with the gw-ratelimit-* headers of an exhausted pool, as `_Gate._serve` sends.
    pool = RatePool(DEFAULT_QUOTA)
    pool.charge(DEFAULT_QUOTA)
    return KucoinError("429000", "Too Many Requests", 429).response(pool.headers())


def _kucoin_500() -> Response:
    # `500000` Internal Server Error (notes.md §4.1, HTTP 500 per decision §6.23).
    return KucoinError("500000", "Internal Server Error", 500).response()


def _anboto_429(clock: WallClock) -> Response:
    # The emulator's limiter itself, driven past its limit: RATE_LIMIT_EXCEEDED + Retry-After.
    limiter = AnbotoRateLimiter(ANBOTO_REQUESTS_PER_SECOND, clock)
    try:
        for _ in range(int(ANBOTO_REQUESTS_PER_SECOND) + 1):
            limiter.take("fault-injection")
    except AnbotoError as refusal:
        return refusal.response()
    raise AssertionError("the Anboto limiter never refused")  # pragma: no cover


def _anboto_500() -> Response:
    # No 5xx is documented (notes §1.4); the emulator's own error body, code OTHER.
    return AnbotoError(500, "Internal server error", AnbotoCode.OTHER).response()


def _dfx_429(clock: WallClock) -> Response:
    return dfx_rate_limited().response()


def _dfx_500() -> Response:
    # The venue's 5XX example: execution status UNKNOWN to the caller (notes.md §2.5).
    return DfxError(500, "Server internal exception").response()


VENUE_ANSWERS: dict[str, VenueAnswers] = {
    "treadfi": VenueAnswers(_treadfi_429, _treadfi_500),
    "zenotc": VenueAnswers(_zenotc_429, _zenotc_500),
    "kucoin_futures": VenueAnswers(_kucoin_429, _kucoin_500),
    "anboto": VenueAnswers(_anboto_429, _anboto_500),
    "dfx": VenueAnswers(_dfx_429, _dfx_500),
}
"""Venue name (as in `gui.sandbox.server.VENUES`) -> its fault answers."""

_GATEWAY_REASONS = {502: "Bad Gateway", 503: "Service Temporarily Unavailable"}


def gateway_page(status_code: int) -> Response:
    """The HTML error page a load balancer (nginx) sends for 502 or 503."""
    title = f"{status_code} {_GATEWAY_REASONS[status_code]}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )
    return HTMLResponse(page, status_code=status_code)


_MAINTENANCE_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Scheduled maintenance</title></head>\n"
    b"<body><h1>We'll be back soon</h1><p>The service is under maintenance.</p></body></html>\n"
)


@dataclass(frozen=True, slots=True)
class GarbledAnswer:
    """A malformed answer.

    Attributes:
        status_code: HTTP status.
        content_type: `Content-Type` header value, or None to keep the original.
        body: The bytes sent.
    """

    status_code: int
    content_type: str | None
    body: bytes


def garble(kind: GarbleKind, status_code: int, body: bytes) -> GarbledAnswer:
    """A malformed version of an answer.

    Args:
        kind: `truncated` (the first half of the body, never valid JSON), `html` (a 200 HTML
            maintenance page) or `wrong_types` (the same JSON with every string, number,
            boolean and null replaced by a value of another type; a body that is not JSON
            is truncated instead).
        status_code: The original status.
        body: The original body.

    Returns:
        What to send instead.
    """
    if kind == "html":
        return GarbledAnswer(200, "text/html; charset=utf-8", _MAINTENANCE_PAGE)
    if kind == "wrong_types":
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            pass
        else:
            wrong = json.dumps(_wrong_types(document), separators=(",", ":")).encode()
            return GarbledAnswer(status_code, "application/json", wrong)
    return GarbledAnswer(status_code, None, _truncated(body))


def _truncated(body: bytes) -> bytes:
    cut = body[: len(body) // 2]
    try:
        json.loads(cut)
    except (UnicodeDecodeError, ValueError):
        return cut
    return b'{"' + cut  # half of `12` is still JSON; this never is


def _wrong_types(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _wrong_types(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wrong_types(item) for item in value] or {"items": None}
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return {"value": len(value)}
    if isinstance(value, int | float):
        return [str(value), "n/a"]
    return 0  # null
