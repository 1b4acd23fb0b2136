"""The DFX Labs emulator's gateway: error bodies, Ed25519 signature checks, rate limits and
request parameters.

Written from shared/venues/dfx/notes.md §2.2 (signing, headers, parameter transport) and §2.5
(error bodies, rate limits), never from the desk's client: an emulator that shared the
client's signing could not catch its bugs. The app knows the key's *public* half only.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_der_public_key
from starlette.responses import JSONResponse, Response

SUCCESS_CODE = "0"
"""The envelope's success `code`, a string (notes.md §2.3)."""
SUCCESS_MSG = "success"
"""The envelope's success `msg`."""
FORBIDDEN_MSG = "Insufficient permissions or IP is not in the whitelist"
"""The 403 body's `msg`, verbatim from the venue's Error Codes (notes.md §2.5)."""
UNKNOWN_KEY_MSG = "public-key has not been uploaded or has expired"
"""The 401 body's `msg` for an unknown key, verbatim from the venue's Error Codes."""
TIMESTAMP_WINDOW_MS = 5000
"""Largest |server time - EXCHANGE-API-TIMESTAMP|, ms, inclusive (notes.md §2.2)."""

KEY_HEADER = "EXCHANGE-API-KEY"
TIMESTAMP_HEADER = "EXCHANGE-API-TIMESTAMP"
SIGN_HEADER = "EXCHANGE-API-SIGN"


class ApiError(Exception):
    """A refusal: `{"code": "<status>", "msg": "..."}` with an HTTP status (notes.md §2.5).

    Every example body of the venue carries its HTTP status as the string `code` ("401",
    "403", "412", "500"), so the emulator does the same for its own refusals: 400 for an
    invalid value or an order in the wrong state, 404 for an unknown order (our choice,
    notes.md §2.7(8): the doc names no business codes).

    Attributes:
        status_code: HTTP status.
        code: The body's `code`, a string.
        msg: The body's `msg`.
    """

    def __init__(self, status_code: int, msg: str) -> None:
        """Build the refusal.

        Args:
            status_code: HTTP status; the body's `code` is its decimal string.
            msg: Message text.
        """
        super().__init__(status_code, msg)
        self.status_code = status_code
        self.code = str(status_code)
        self.msg = msg

    def body(self) -> dict[str, str]:
        """`{"code", "msg"}`."""
        return {"code": self.code, "msg": self.msg}

    def response(self) -> Response:
        """The JSON error response."""
        return JSONResponse(self.body(), status_code=self.status_code)


def missing(name: str) -> ApiError:
    """412, a required parameter is absent or blank (notes.md §2.5, the venue's wording)."""
    return ApiError(412, f"The request parameter is missing `{name}` parameters")


def bad_request(msg: str) -> ApiError:
    """400, a value the venue would refuse (our status, notes.md §2.7(8))."""
    return ApiError(400, msg)


def not_found(msg: str = "Order does not exist") -> ApiError:
    """404, no such order on this account (our status, notes.md §2.7(8))."""
    return ApiError(404, msg)


def forbidden() -> ApiError:
    """403, no permission for the endpoint or the account (notes.md §2.5)."""
    return ApiError(403, FORBIDDEN_MSG)


# Signing ---------------------------------------------------------------------------------------


def string_to_sign(*, body: bytes, method: str, param: bytes, path: str, timestamp: str) -> bytes:
    """The message DFX signs (notes.md §2.2).

    Fields `body`, `method`, `param`, `path`, `timestamp` in that (alphabetical) order, each
    as `name=value`, joined with `&`; `body` and `param` are left out when blank. Values are
    verbatim: the raw body and the raw query string as received, never re-sorted or decoded.

    Args:
        body: Request body bytes as received.
        method: HTTP method, upper case.
        param: Query string bytes as received (no `?`).
        path: Request path, no host or query (e.g. `/api/v1/spot/order`).
        timestamp: `EXCHANGE-API-TIMESTAMP` as received, ms.

    Returns:
        The bytes the Ed25519 signature covers.
    """
    fields: list[tuple[bytes, bytes]] = [
        (b"body", body),
        (b"method", method.encode("ascii")),
        (b"param", param),
        (b"path", path.encode("utf-8")),
        (b"timestamp", timestamp.encode("ascii")),
    ]
    return b"&".join(name + b"=" + value for name, value in fields if value.strip())


def load_public_key(public_key_b64: str) -> Ed25519PublicKey:
    """An Ed25519 public key from standard base64 of its SPKI DER (`MCowBQYDK2VwAyEA...`).

    Raises:
        ValueError: It is not an Ed25519 SPKI key.
    """
    key = load_der_public_key(base64.b64decode(public_key_b64, validate=True))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("DFX keys are Ed25519 (notes.md §2.2)")
    return key


def signature_matches(public_key: Ed25519PublicKey, message: bytes, signature_b64: str) -> bool:
    """True if `signature_b64` is standard base64 of a valid 64-byte signature of `message`."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(signature) != 64:
        return False
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


class Authenticator:
    """Checks the EXCHANGE-API-* headers (notes.md §2.2, §2.5).

    TRADE and USER_DATA endpoints need all three headers; MARKET_DATA needs only the
    timestamp. Times are wall-clock (never the sandbox's simulated clock).
    """

    def __init__(
        self,
        api_key: str,
        public_key: Ed25519PublicKey,
        wall_clock_s: Callable[[], float],
        window_ms: int = TIMESTAMP_WINDOW_MS,
    ) -> None:
        """Accept one key.

        Args:
            api_key: The 96-character key DFX issued for the uploaded public key.
            public_key: The uploaded Ed25519 public key.
            wall_clock_s: Real time, unix seconds.
            window_ms: Accepted clock skew either way, ms.
        """
        self.api_key = api_key
        self._public_key = public_key
        self._wall_clock_s = wall_clock_s
        self._window_ms = window_ms

    def check_timestamp(self, headers: Mapping[str, str]) -> str:
        """The timestamp header, checked.

        Raises:
            ApiError: 412 absent, 401 not an integer of ms or off by more than the window.
        """
        timestamp = headers.get(TIMESTAMP_HEADER.lower(), "")
        if not timestamp:
            raise _missing_header(TIMESTAMP_HEADER)
        if not (timestamp.isascii() and timestamp.isdigit()):
            raise ApiError(401, f"Invalid `{TIMESTAMP_HEADER}`")
        now_ms = self._wall_clock_s() * 1000
        if abs(now_ms - int(timestamp)) > self._window_ms:
            # Our words: the doc gives the window (+-5 s), not the refusal's message.
            raise ApiError(401, "The request timestamp is outside the 5 second window")
        return timestamp

    def check_signed(
        self, headers: Mapping[str, str], method: str, path: str, query: bytes, body: bytes
    ) -> None:
        """All three headers present, timestamp in the window, key known, signature valid.

        Raises:
            ApiError: 412 a header is absent (the first of KEY, TIMESTAMP, SIGN), 401 bad
                timestamp, unknown key or a signature that does not verify.
        """
        for name in (KEY_HEADER, TIMESTAMP_HEADER, SIGN_HEADER):
            if not headers.get(name.lower()):
                raise _missing_header(name)
        timestamp = self.check_timestamp(headers)
        if not hmac.compare_digest(headers[KEY_HEADER.lower()].encode(), self.api_key.encode()):
            raise ApiError(401, UNKNOWN_KEY_MSG)
        message = string_to_sign(
            body=body, method=method.upper(), param=query, path=path, timestamp=timestamp
        )
        if not signature_matches(self._public_key, message, headers[SIGN_HEADER.lower()]):
            raise ApiError(401, "Signature verification failed")


def _missing_header(name: str) -> ApiError:
    # Verbatim shape of the venue's 412 example (notes.md §2.5).
    return ApiError(412, f"The request header is missing `{name}` parameters")


# Rate limits -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateRule:
    """`count` requests per `window_s` seconds (notes.md §2.5).

    Attributes:
        count: Requests allowed per window at scale 1.
        window_s: Window length, seconds.
    """

    count: int
    window_s: float


class RateLimiter:
    """Fixed windows per (caller, endpoint): the key for private endpoints, the client IP for
    market data (notes.md §2.5). A window opens with the first request after the previous one
    ended. Real time, never the sandbox clock."""

    def __init__(self, scale: float | None, wall_clock_s: Callable[[], float]) -> None:
        """No requests counted yet.

        Args:
            scale: Multiplies every rule's count (at least 1 request per window remains);
                None disables the limits.
            wall_clock_s: Real time, seconds.

        Raises:
            ValueError: `scale` is not > 0.
        """
        if scale is not None and not scale > 0:
            raise ValueError(f"rate_limit_scale must be > 0, got {scale!r}")
        self._scale = scale
        self._wall_clock_s = wall_clock_s
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def allow(self, caller: str, endpoint: str, rule: RateRule) -> bool:
        """Count one request; False (not counted) when the window is full."""
        if self._scale is None or math.isinf(self._scale):
            return True
        limit = max(1, math.floor(rule.count * self._scale))
        now_s = self._wall_clock_s()
        started_s, used = self._windows.get((caller, endpoint), (now_s, 0))
        if now_s >= started_s + rule.window_s:
            started_s, used = now_s, 0
        if used >= limit:
            return False
        self._windows[(caller, endpoint)] = (started_s, used + 1)
        return True


def rate_limited() -> ApiError:
    """429; the doc gives the status, not the words (notes.md §2.5)."""
    return ApiError(429, "Too many requests, the rate limit is exceeded")


# Parameters ------------------------------------------------------------------------------------


class Params:
    """A request's parameters: the query string and, except for GET, the body (form or JSON);
    the query wins when a name is in both (notes.md §2.2, §2.7(1)). Blank values count as
    absent. JSON numbers keep their literal text (`66666.88`, never a float)."""

    def __init__(self, query: bytes, body: bytes, content_type: str, method: str) -> None:
        """Parse both sources.

        Args:
            query: Raw query string.
            body: Raw body.
            content_type: The `Content-Type` header (may be empty).
            method: HTTP method; a GET's body is ignored ("parameters must be sent as a
                query string").

        Raises:
            ApiError: 400 the body is neither a JSON object nor form-urlencoded text.
        """
        values: dict[str, str] = {}
        if method.upper() != "GET" and body.strip():
            values.update(_body_params(body, content_type))
        values.update(_form(query))
        self._values = {name: value for name, value in values.items() if value.strip()}

    def get(self, name: str) -> str | None:
        """The value, stripped, or None when absent or blank."""
        value = self._values.get(name)
        return None if value is None else value.strip()

    def require(self, name: str) -> str:
        """The value.

        Raises:
            ApiError: 412 absent or blank.
        """
        value = self.get(name)
        if value is None:
            raise missing(name)
        return value


def _form(raw: bytes) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_request("Parameters must be UTF-8") from None
    return dict(parse_qsl(text, keep_blank_values=True))


def _body_params(body: bytes, content_type: str) -> dict[str, str]:
    media = content_type.split(";")[0].strip().lower()
    if media == "application/json" or (not media and body.lstrip().startswith(b"{")):
        try:
            parsed = json.loads(body, parse_float=str, parse_int=str)
        except (ValueError, UnicodeDecodeError):
            # The reference doc's own examples are invalid JSON (a missing comma): refused.
            raise bad_request("Malformed JSON request body") from None
        if not isinstance(parsed, dict):
            raise bad_request("The JSON request body must be an object")
        return {
            str(name): value if isinstance(value, str) else json.dumps(value)
            for name, value in parsed.items()
            if value is not None
        }
    return _form(body)
