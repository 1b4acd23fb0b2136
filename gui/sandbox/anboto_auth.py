"""The Anboto emulator's gate: request signatures (HMAC and RSA), recv window, rate limit.

Written from shared/venues/anboto/api-reference.md ("Authentication") and notes.md §1.2,
§1.8.1-§1.8.4, never from the desk's client (an emulator that shared its signing could not
catch its bugs):

- Headers `ANBOTO-API-KEY`, `ANBOTO-TS` (the tables' name; `ANBOTO-TIMESTAMP`, the prose's
  name, accepted as an alias, §1.8.1), `ANBOTO-SIGN`, optional `ANBOTO-RECV-WINDOW` (ms).
- String to sign: timestamp + API key + recv window (only when the header was sent, §1.8.2)
  + the raw query string (GET) or the raw body bytes (POST), exactly as received.
- HMAC keys: HMAC-SHA256 keyed with the secret's UTF-8 bytes, lowercase hex (hex case is not
  significant here). RSA keys: RSASSA-PKCS1-v1_5 SHA-256, standard base64 (§1.8.4).
- Recv window (§1.8.2, Bybit's rule, whose wording the doc copies): the request passes when
  `now - recv_window <= timestamp < now + 1000`, `now` real (wall-clock) ms, default window
  5000 ms.
- Failures answer 401 `{"errorCode": "AUTHENTICATION_ERROR", "message": ...}`: the doc lists
  no 401 but has that ErrorCode, and the later spec adds "401 Unauthorized, Invalid
  Signature" (notes §1.6).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from gui.sandbox.anboto_rsa import RsaPublicKey, load_public_key_pem, verify_pkcs1v15_sha256
from gui.sandbox.anboto_wire import ApiError, ErrorCode

DEFAULT_RECV_WINDOW_MS = 5000
"""`ANBOTO-RECV-WINDOW` when the header is absent ("default value is 5,000")."""
FUTURE_TOLERANCE_MS = 1000
"""How far ahead of the emulator's clock a timestamp may be (Bybit's rule, §1.8.2)."""


def _refused(message: str) -> ApiError:
    return ApiError(401, message, ErrorCode.AUTHENTICATION_ERROR)


def string_to_sign(
    timestamp: str, api_key: str, recv_window: str | None, method: str, query: bytes, body: bytes
) -> bytes:
    """The bytes a request signs: timestamp + key + (recv window) + (query | body).

    Args:
        timestamp: `ANBOTO-TS` as received.
        api_key: `ANBOTO-API-KEY` as received.
        recv_window: `ANBOTO-RECV-WINDOW` as received, or None when not sent.
        method: HTTP method; GET signs the query string, anything else the body.
        query: The raw query string as received (no `?`).
        body: The raw body as received.
    """
    payload = query if method.upper() == "GET" else body
    head = timestamp + api_key + (recv_window if recv_window is not None else "")
    return head.encode("utf-8") + payload


class Verifier:
    """Checks the auth headers and the signature of a request; knows the keys."""

    def __init__(
        self,
        hmac_secrets: Mapping[str, str],
        rsa_public_keys: Mapping[str, str],
        wall_clock_s: Callable[[], float],
        default_recv_window_ms: int = DEFAULT_RECV_WINDOW_MS,
    ) -> None:
        """Take the keys.

        Args:
            hmac_secrets: API key -> secret (system-generated keys).
            rsa_public_keys: API key -> PEM public key (self-generated keys).
            wall_clock_s: Real time in unix seconds (timestamps are checked against it, not
                the engine's simulated clock).
            default_recv_window_ms: Window when `ANBOTO-RECV-WINDOW` is absent.

        Raises:
            ValueError: A PEM key cannot be read, or a key id is in both maps.
        """
        if set(hmac_secrets) & set(rsa_public_keys):
            raise ValueError("an API key cannot be both an HMAC and an RSA key")
        self._secrets = {key: secret.encode("utf-8") for key, secret in hmac_secrets.items()}
        self._rsa: dict[str, RsaPublicKey] = {
            key: load_public_key_pem(pem) for key, pem in rsa_public_keys.items()
        }
        self._wall_clock_s = wall_clock_s
        self._default_window_ms = default_recv_window_ms

    def check(self, method: str, headers: Mapping[str, str], query: bytes, body: bytes) -> str:
        """Authenticate a request.

        Args:
            method: HTTP method.
            headers: Request headers (case-insensitive mapping).
            query: Raw query string as received.
            body: Raw body as received.

        Returns:
            The API key that signed it.

        Raises:
            ApiError: 401 AUTHENTICATION_ERROR, saying which check failed.
        """
        api_key = headers.get("anboto-api-key")
        timestamp = headers.get("anboto-ts") or headers.get("anboto-timestamp")
        signature = headers.get("anboto-sign")
        if not api_key or not timestamp or not signature:
            raise _refused("Missing ANBOTO-API-KEY, ANBOTO-TS or ANBOTO-SIGN header")
        if api_key not in self._secrets and api_key not in self._rsa:
            raise _refused("Invalid API key")
        if not timestamp.isascii() or not timestamp.isdigit():
            raise _refused("ANBOTO-TS must be UTC milliseconds since the epoch")
        recv_window = headers.get("anboto-recv-window")
        window_ms = self._default_window_ms
        if recv_window is not None:
            if not recv_window.isascii() or not recv_window.isdigit() or int(recv_window) <= 0:
                raise _refused("ANBOTO-RECV-WINDOW must be a positive number of milliseconds")
            window_ms = int(recv_window)
        now_ms = math.floor(self._wall_clock_s() * 1000)
        if not now_ms - window_ms <= int(timestamp) < now_ms + FUTURE_TOLERANCE_MS:
            raise _refused(
                f"ANBOTO-TS {timestamp} is outside the recv window ({window_ms} ms) of the "
                f"server time {now_ms}"
            )
        message = string_to_sign(timestamp, api_key, recv_window, method, query, body)
        if api_key in self._secrets:
            expected = hmac.new(self._secrets[api_key], message, hashlib.sha256).hexdigest()
            valid = hmac.compare_digest(
                signature.lower().encode("ascii", "replace"), expected.encode()
            )
        else:
            try:
                raw = base64.b64decode(signature, validate=True)
            except (binascii.Error, ValueError):
                raise _refused("ANBOTO-SIGN must be base64 for an RSA key") from None
            valid = verify_pkcs1v15_sha256(self._rsa[api_key], message, raw)
        if not valid:
            raise _refused("Invalid signature")
        return api_key


@dataclass(slots=True)
class RateLimiter:
    """A fixed one-second window of `limit` requests per API key, over real time.

    No limit is documented (notes §1.6: only the RATE_LIMIT_EXCEEDED and DDOS_PROTECTION
    codes); the emulator's is a create_app option.
    """

    requests_per_second: float
    wall_clock_s: Callable[[], float]
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict)

    def take(self, api_key: str) -> None:
        """Count one request of `api_key`.

        Raises:
            ApiError: 429 RATE_LIMIT_EXCEEDED with `Retry-After` (seconds) over the limit.
        """
        limit = max(1, math.floor(self.requests_per_second))
        now_s = self.wall_clock_s()
        started_s, used = self._windows.get(api_key, (now_s, 0))
        if now_s >= started_s + 1.0:
            started_s, used = now_s, 0
        if used >= limit:
            retry_after = max(1, math.ceil(started_s + 1.0 - now_s))
            raise ApiError(
                429,
                f"Rate limit of {limit} requests per second exceeded",
                ErrorCode.RATE_LIMIT_EXCEEDED,
                headers={"Retry-After": str(retry_after)},
            )
        self._windows[api_key] = (started_s, used + 1)
