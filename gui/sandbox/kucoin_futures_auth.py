"""The KuCoin Futures emulator's gateway: error bodies, signature checks and the rate pool.

Written from notes.md §1.2 (signing), §4.1 (gateway codes) and §4.2 (rate pools), never from
the desk's client: an emulator that shared the client's signing could not catch its bugs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

SUCCESS = "200000"
"""The envelope's success code (notes.md §1.5)."""
WINDOW_S = 30.0
"""Length of a rate-limit window, seconds (fixed window from its first request, §4.2)."""
DEFAULT_QUOTA = 2000
"""Weight units per window of the VIP 0 futures pool (notes.md §4.2)."""
ACCEPTED_KEY_VERSIONS = frozenset({"2", "3"})
"""`KC-API-KEY-VERSION`s accepted: both sign the passphrase (notes.md §1.2, §6.2)."""

_AUTH_HEADERS = ("kc-api-key", "kc-api-sign", "kc-api-timestamp", "kc-api-passphrase")


class ApiError(Exception):
    """A refusal: `{"code": code, "msg": msg}` with an HTTP status (notes.md §1.5, §6.23).

    Attributes:
        code: KuCoin's six-digit code, a string.
        msg: The message.
        status_code: HTTP status: 401 for gateway auth codes, 400 for `400002`, 404, 415, 429
            and 500 for theirs, 200 for business and parameter errors (notes.md §6.23).
    """

    def __init__(self, code: str, msg: str, status_code: int = 200) -> None:
        """Build the refusal.

        Args:
            code: KuCoin code, e.g. `"400100"`.
            msg: Message text.
            status_code: HTTP status.
        """
        super().__init__(code, msg)
        self.code = code
        self.msg = msg
        self.status_code = status_code

    def response(self, headers: Mapping[str, str] | None = None) -> Response:
        """The error response, with `headers` added."""
        return JSONResponse(
            {"code": self.code, "msg": self.msg}, status_code=self.status_code, headers=headers
        )


def parameter_error(msg: str) -> ApiError:
    """`400100` Parameter Error, HTTP 200 (notes.md §4.1, §6.23)."""
    return ApiError("400100", msg)


def invalid_parameters(msg: str = "There are invalid parameters") -> ApiError:
    """`100001`, an order rule broken (notes.md §4.1, e.g. postOnly with hidden)."""
    return ApiError("100001", msg)


def sign(secret: str, text: str | bytes) -> str:
    """`base64(HMAC-SHA256(secret, text))`, KuCoin's signature (notes.md §1.2)."""
    message = text.encode() if isinstance(text, str) else text
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def prehash(request: Request, timestamp: str, raw_body: bytes) -> bytes:
    """`timestamp + METHOD + path[?query] + body` over what was received (notes.md §1.2).

    The query is percent-decoded (KuCoin signs it un-encoded); the body is the raw bytes.
    """
    path = request.scope["path"]
    query = request.scope.get("query_string", b"").decode("latin-1")
    target = f"{path}?{unquote(query)}" if query else path
    return f"{timestamp}{request.method.upper()}{target}".encode() + raw_body


def authenticate(
    request: Request,
    raw_body: bytes,
    credentials: Mapping[str, str],
    window_ms: int,
    now_ms: Callable[[], int] | None = None,
) -> None:
    """Check the five KC-API headers of a private request (notes.md §1.2, §4.1, §6.2).

    Args:
        request: The request as received.
        raw_body: Its body bytes, exactly as received.
        credentials: `api_key`, `api_secret`, `api_passphrase` of the one accepted key.
        window_ms: Largest accepted |server time - KC-API-TIMESTAMP|, exclusive, ms.
        now_ms: Wall-clock milliseconds; defaults to `time.time()` (never the sandbox clock).

    Raises:
        ApiError: `400001` a header is missing, `400002` (HTTP 400) the timestamp is not an
            integer or off by `window_ms` or more, `400003` unknown key, `400009` a key
            version other than 2 or 3 (absent means the legacy v1), `400004` wrong passphrase
            digest, `400005` wrong signature; HTTP 401 except `400002`.
    """
    headers = request.headers
    missing = [name for name in _AUTH_HEADERS if not headers.get(name)]
    if missing:
        names = ", ".join(name.upper() for name in missing)
        raise ApiError("400001", f"Please check the header of your request for {names}", 401)
    timestamp = headers["kc-api-timestamp"]
    current_ms = int(time.time() * 1000) if now_ms is None else now_ms()
    if not timestamp.isdigit() or abs(current_ms - int(timestamp)) >= window_ms:
        raise ApiError("400002", "Invalid KC-API-TIMESTAMP", 400)
    if not hmac.compare_digest(headers["kc-api-key"], credentials["api_key"]):
        raise ApiError("400003", "KC-API-KEY not exists", 401)
    if headers.get("kc-api-key-version", "1") not in ACCEPTED_KEY_VERSIONS:
        raise ApiError("400009", "Invalid KC-API-KEY-VERSION", 401)
    secret = credentials["api_secret"]
    expected_passphrase = sign(secret, credentials["api_passphrase"])
    if not hmac.compare_digest(headers["kc-api-passphrase"], expected_passphrase):
        raise ApiError("400004", "Invalid KC-API-PASSPHRASE", 401)
    expected = sign(secret, prehash(request, timestamp, raw_body))
    if not hmac.compare_digest(headers["kc-api-sign"], expected):
        raise ApiError("400005", "Invalid KC-API-SIGN", 401)


class RatePool:
    """One KuCoin resource pool: `quota` weight units per fixed 30 s window (notes.md §4.2).

    The window starts at the first request after the previous one ended and resets fully
    when it ends (not a sliding window). Real (monotonic) time, never the sandbox clock.
    """

    def __init__(
        self,
        quota: int,
        window_s: float = WINDOW_S,
        monotonic_s: Callable[[], float] = time.monotonic,
    ) -> None:
        """Start with the whole quota.

        Args:
            quota: Weight units per window, >= 1.
            window_s: Window length, seconds.
            monotonic_s: Clock, seconds.
        """
        self.quota = quota
        self._window_s = window_s
        self._monotonic_s = monotonic_s
        self._window_end_s: float | None = None
        self._used = 0

    def charge(self, weight: int) -> bool:
        """Deduct `weight` if it fits in what is left; False (nothing deducted) otherwise."""
        now_s = self._monotonic_s()
        if self._window_end_s is None or now_s >= self._window_end_s:
            self._window_end_s, self._used = now_s + self._window_s, 0
        if self._used + weight > self.quota:
            return False
        self._used += weight
        return True

    def headers(self) -> dict[str, str]:
        """`gw-ratelimit-limit`, `-remaining` and `-reset` (ms until the window resets, §1.6)."""
        now_s = self._monotonic_s()
        if self._window_end_s is None or now_s >= self._window_end_s:
            remaining, reset_ms = self.quota, int(self._window_s * 1000)
        else:
            remaining = self.quota - self._used
            reset_ms = max(0, int((self._window_end_s - now_s) * 1000))
        return {
            "gw-ratelimit-limit": str(self.quota),
            "gw-ratelimit-remaining": str(remaining),
            "gw-ratelimit-reset": str(reset_ms),
        }
