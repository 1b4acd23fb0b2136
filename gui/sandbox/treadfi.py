"""The Tread.fi Core Order API emulator: a Starlette app over the shared `SandboxEngine`.

Follows shared/venues/treadfi/api-reference.md as digested in notes.md: the 15 operations of
§3.0 with their methods, paths (trailing slashes as documented, the other form accepted too),
success codes (201 submit, 202 pause/resume/amend, 200 the rest), bodies and error bodies, and
DRF `TokenAuthentication` (`Authorization: Token <key>`, `Bearer` tolerated, decision 2).
Where the doc is silent, the numbered decisions of notes.md §7 apply.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gui.sandbox.engine import SandboxEngine
from gui.sandbox.treadfi_handlers import TreadfiEmulator
from gui.sandbox.treadfi_requests import ApiError

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_API_KEY",
    "DEMO_CREDENTIALS",
    "TreadfiEmulator",
    "create_app",
    "throttled_response",
]

DEMO_API_KEY = "5a1d0c0ffee0ddba11b0a710ad5ea50f0d35ca7e"
"""The sandbox's API key: a fixed 40-hex DRF token (§2.2)."""
DEMO_CREDENTIALS: dict[str, str] = {"api_key": DEMO_API_KEY}
"""The credentials `orderdesk-sandbox` prints for this venue."""
DEMO_ACCOUNTS: tuple[str, ...] = ("sandbox-binance", "sandbox-bybit")
"""Display names of the sandbox user's linked accounts (decision 29)."""

_SCHEMES = ("token", "bearer")  # decision 2: DRF's keyword, and Bearer as a tolerance
_NOT_PROVIDED = "Authentication credentials were not provided."

Endpoint = Callable[[Request], Awaitable[Response]]


def _unauthorized(detail: str) -> Response:
    # DRF answers 401 with the keyword of its TokenAuthentication in WWW-Authenticate. It
    # authenticates before any view runs, so every endpoint gets the DRF `detail` body, also
    # those whose section shows `{"error": "Unauthorized"}` (§3.5, §3.14, §3.15).
    return JSONResponse({"detail": detail}, status_code=401, headers={"WWW-Authenticate": "Token"})


@dataclass(slots=True)
class _Throttle:
    """A token bucket over real time: `rate_per_s` requests per second, bursts of as many."""

    rate_per_s: float
    tokens: float
    updated_s: float

    def wait_s(self) -> float:
        """0 when a request may pass now (and take a token), else seconds until one may."""
        now_s = time.monotonic()
        capacity = max(1.0, self.rate_per_s)
        self.tokens = min(capacity, self.tokens + (now_s - self.updated_s) * self.rate_per_s)
        self.updated_s = now_s
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate_per_s


class _Gate:
    """Authentication, the optional throttle and `ApiError` -> response, around each endpoint."""

    def __init__(self, api_key: str, requests_per_second: float | None) -> None:
        self._api_key = api_key
        self._throttle = (
            None
            if requests_per_second is None
            else _Throttle(requests_per_second, max(1.0, requests_per_second), time.monotonic())
        )

    def wrap(self, endpoint: Endpoint) -> Endpoint:
        async def guarded(request: Request) -> Response:
            refusal = self._authenticate(request) or self._throttled()
            if refusal is not None:
                return refusal
            try:
                return await endpoint(request)
            except ApiError as exc:
                return exc.response()

        return guarded

    def _authenticate(self, request: Request) -> Response | None:
        # The steps and messages of DRF's TokenAuthentication.authenticate.
        parts = request.headers.get("authorization", "").split()
        if not parts or parts[0].lower() not in _SCHEMES:
            return _unauthorized(_NOT_PROVIDED)
        if len(parts) == 1:
            return _unauthorized("Invalid token header. No credentials provided.")
        if len(parts) > 2:
            return _unauthorized("Invalid token header. Token string should not contain spaces.")
        if parts[1] != self._api_key:
            return _unauthorized("Invalid token.")
        return None

    def _throttled(self) -> Response | None:
        # No limit is documented (§5.5); off by default. DRF's throttle body when on.
        if self._throttle is None:
            return None
        wait_s = self._throttle.wait_s()
        if wait_s <= 0:
            return None
        return throttled_response(wait_s)


def throttled_response(wait_s: float) -> Response:
    """DRF's throttle refusal: 429 `{"detail": "Request was throttled. Expected available in
    N seconds."}` with `Retry-After: N` (N = `wait_s` rounded up, whole seconds).

    The rate limiter answers with it, and so does the sandbox's fault injection (§5.5: no
    limit is documented, so DRF's default throttle shape is the venue's).
    """
    seconds = math.ceil(wait_s)
    unit = "second" if seconds == 1 else "seconds"
    return JSONResponse(
        {"detail": f"Request was throttled. Expected available in {seconds} {unit}."},
        status_code=429,
        headers={"Retry-After": str(seconds)},
    )


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    headers = exc.headers if isinstance(exc, HTTPException) else None
    return JSONResponse(
        {"detail": f'Method "{request.method}" not allowed.'}, status_code=405, headers=headers
    )


def _other_slash_form(path: str) -> str:
    return path.removesuffix("/") if path.endswith("/") else f"{path}/"


def create_app(
    engine: SandboxEngine,
    *,
    api_key: str = DEMO_API_KEY,
    accounts: Sequence[str] = DEMO_ACCOUNTS,
    requests_per_second: float | None = None,
) -> Starlette:
    """The emulator as an ASGI app.

    Args:
        engine: The simulated market and execution engine (may be shared with other venues).
        api_key: The one token accepted (`Authorization: Token <api_key>`).
        accounts: Display names of the user's accounts; submits and filters are checked
            against them.
        requests_per_second: When set, more requests than this per second (bursts of as many)
            get 429 with DRF's throttle body and `Retry-After`; off by default (§5.5).

    Returns:
        The Starlette app; `app.state.treadfi` is the `TreadfiEmulator` behind it.
    """
    emulator = TreadfiEmulator(engine, accounts)
    gate = _Gate(api_key, requests_per_second)
    routes: list[Route] = []
    for path, endpoint, methods in emulator.endpoints():
        guarded = gate.wrap(endpoint)
        for form in (path, _other_slash_form(path)):
            routes.append(Route(form, guarded, methods=list(methods)))
    app = Starlette(routes=routes, exception_handlers={405: _method_not_allowed})
    app.state.treadfi = emulator
    return app
