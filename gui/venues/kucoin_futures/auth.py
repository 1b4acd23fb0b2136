"""KuCoin request signing: the `KC-API-*` headers over the exact bytes sent.

Notes §1.2 (KuCoin's "Signing a message" page, ccxt `kucoin.sign`, the universal SDK):

    prehash          = timestamp_ms + METHOD + requestPath[?query] + body
    KC-API-SIGN      = base64(HMAC-SHA256(key=api_secret, msg=prehash))
    KC-API-PASSPHRASE = base64(HMAC-SHA256(key=api_secret, msg=passphrase))   key version 2, 3
                      = passphrase                                            key version 1

`requestPath` starts at `/api/`; its query string is signed un-URL-encoded (the gateway
percent-decodes what it receives), the body is the JSON string on the wire (`""` when none).
The timestamp is the account's `ClockOffset.now_ms()`: local milliseconds plus the offset
that `VenueHttp` keeps from every answer's `Date` and re-syncs from `GET /api/v1/timestamp`
when the venue answers `400002` (notes §1.2, §7).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Collection, Generator
from urllib.parse import unquote

import httpx

from gui.venues.clock import ClockOffset, epoch_ms
from gui.venues.kucoin_futures.config import VENUE

KEY_VERSIONS = frozenset({"1", "2", "3"})
"""`KC-API-KEY-VERSION` values: 1 sends the passphrase in clear, 2 and 3 sign it (notes §1.2)."""


def sign(secret: str, message: str) -> str:
    """`base64(HMAC-SHA256(secret, message))`, both UTF-8 (notes §1.2).

    Args:
        secret: The API secret.
        message: The prehash string (or the passphrase).

    Returns:
        The base64 digest, 44 characters.
    """
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def request_path(request: httpx.Request) -> str:
    """The `requestPath` KuCoin signs: the raw path plus the percent-decoded query.

    Args:
        request: The request about to be sent.

    Returns:
        E.g. `/api/v1/orders?status=active&symbol=XBTUSDTM`.
    """
    raw = request.url.raw_path.decode("ascii")
    path, _, query = raw.partition("?")
    return f"{path}?{unquote(query)}" if query else path


class KucoinAuth(httpx.Auth):
    """Signs every private request; secrets never appear in a repr, str or log.

    Args:
        api_key: `KC-API-KEY`.
        api_secret: The HMAC key (never sent).
        api_passphrase: The passphrase chosen when the key was made.
        key_version: `"1"`, `"2"` or `"3"` (sent as `KC-API-KEY-VERSION`).
        clock_ms: Local wall clock in epoch milliseconds (injectable for tests); used
            when no `clock` is given.
        public_paths: Paths sent unsigned (public endpoints, above all the server-time
            endpoint used to repair a skewed clock: signing it could earn another 400002).
        clock: The account's clock offset (shared with its `VenueHttp`); None makes one on
            `clock_ms`.

    Attributes:
        clock: The `ClockOffset` whose `now_ms()` is sent as `KC-API-TIMESTAMP`.

    Raises:
        ValueError: A credential is empty or holds whitespace, or the key version is not
            1/2/3 (the message never repeats a secret).
    """

    requires_request_body = True

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        api_passphrase: str,
        key_version: str = "2",
        *,
        clock_ms: Callable[[], int] = epoch_ms,
        public_paths: Collection[str] = (),
        clock: ClockOffset | None = None,
    ) -> None:
        for name, value in (("key", api_key), ("secret", api_secret)):
            if not value or any(ch.isspace() for ch in value):
                raise ValueError(f"KuCoin API {name} must be non-empty without whitespace")
        if not api_passphrase or "\n" in api_passphrase or "\r" in api_passphrase:
            raise ValueError("KuCoin API passphrase must be non-empty and on one line")
        if key_version not in KEY_VERSIONS:
            raise ValueError(f"KuCoin key version must be 1, 2 or 3, got {key_version!r}")
        self._api_key = api_key
        self._secret = api_secret
        self._key_version = key_version
        # Versions 2 and 3 send the passphrase signed; computed once (as the SDK does).
        self._passphrase = (
            api_passphrase if key_version == "1" else sign(api_secret, api_passphrase)
        )
        self.clock = clock if clock is not None else ClockOffset(VENUE, local_ms=clock_ms)
        self._public_paths = frozenset(public_paths)

    @property
    def clock_offset_ms(self) -> int:
        """The clock offset in whole milliseconds (server - local); setting it replaces the
        estimate (and forgets what the clock observed)."""
        return self.clock.offset_ms

    @clock_offset_ms.setter
    def clock_offset_ms(self, offset_ms: int) -> None:
        self.clock.set_offset(offset_ms / 1000)

    def local_ms(self) -> int:
        """The local wall clock, epoch milliseconds (no offset)."""
        return self.clock.local_ms()

    def timestamp_ms(self) -> int:
        """`KC-API-TIMESTAMP`: local epoch milliseconds plus the clock offset."""
        return self.clock.now_ms()

    def signature(self, timestamp_ms: int, method: str, path: str, body: str) -> str:
        """`KC-API-SIGN` for one request.

        Args:
            timestamp_ms: The timestamp sent in `KC-API-TIMESTAMP`.
            method: HTTP method (upper-cased here).
            path: `requestPath`, with the un-encoded query (see `request_path`).
            body: The exact JSON body text, `""` when there is none.
        """
        return sign(self._secret, f"{timestamp_ms}{method.upper()}{path}{body}")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the five `KC-API-*` headers (public paths go unsigned) and send once."""
        if request.url.path not in self._public_paths:
            timestamp_ms = self.timestamp_ms()
            body = request.content.decode("utf-8")
            request.headers["KC-API-KEY"] = self._api_key
            request.headers["KC-API-SIGN"] = self.signature(
                timestamp_ms, request.method, request_path(request), body
            )
            request.headers["KC-API-TIMESTAMP"] = str(timestamp_ms)
            request.headers["KC-API-PASSPHRASE"] = self._passphrase
            request.headers["KC-API-KEY-VERSION"] = self._key_version
        yield request

    def __repr__(self) -> str:
        return (
            f"KucoinAuth(key_version={self._key_version!r}, api_key=<redacted>, "
            "api_secret=<redacted>, api_passphrase=<redacted>)"
        )

    __str__ = __repr__
