"""ZenOTC request signing: `X-API-Key`, `X-API-Timestamp`, `X-API-Signature` (notes §3.2).

The reference doc shows the headers but not the signature; the external "Authentication"
page defines it:

    X-API-Signature = hex(HMAC-SHA256(key=api_secret (UTF-8),
                                      msg=timestamp + METHOD + path_with_query + body))

* `timestamp` is the `X-API-Timestamp` value, epoch milliseconds as a decimal string;
* `METHOD` is upper case;
* `path_with_query` is the path as sent, with its query string (notes §3.7.1: the doc's
  helper signs the endpoint it is given, and the doc passes query strings in it);
* `body` is the exact body sent, `""` when there is none (notes §3.7.2-3).

The signature covers the bytes on the wire: the client builds the body text itself and
sends it with `content=`, and this hook signs `request.content` and `request.url.raw_path`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import httpx

from gui.venues.clock import ClockOffset
from gui.venues.clock import epoch_ms as epoch_ms  # re-exported: tests and callers use it
from gui.venues.zenotc.config import VENUE


@dataclass(frozen=True, slots=True)
class ZenotcCredentials:
    """A ZenOTC API key and its secret; the secret never appears in a repr, str or log.

    Attributes:
        api_key: The public key id, sent as `X-API-Key`.
        api_secret: The HMAC secret (UTF-8 text), never sent.
    """

    api_key: str
    api_secret: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.api_key or any(ch.isspace() for ch in self.api_key):
            raise ValueError("ZenOTC API key must be non-empty and contain no whitespace")
        if not self.api_secret:
            raise ValueError("ZenOTC API secret must be non-empty")

    def __repr__(self) -> str:
        return f"ZenotcCredentials(api_key={self.api_key[:4]!r}..., api_secret=<redacted>)"

    __str__ = __repr__


def sign(api_secret: str, timestamp_ms: str, method: str, path_with_query: str, body: str) -> str:
    """The `X-API-Signature` of one request (notes §3.2).

    Args:
        api_secret: The API secret, UTF-8 text.
        timestamp_ms: The `X-API-Timestamp` value (epoch milliseconds, decimal).
        method: HTTP method; upper-cased here.
        path_with_query: Path from the leading `/`, with `?query` when there is one, exactly
            as sent (percent-encoding included).
        body: The body text exactly as sent, `""` for none.

    Returns:
        64 lower-case hex characters.
    """
    message = f"{timestamp_ms}{method.upper()}{path_with_query}{body}"
    return hmac.new(api_secret.encode(), message.encode(), hashlib.sha256).hexdigest()


class ZenotcAuth(httpx.Auth):
    """Signs every request over the exact path, query and body bytes sent.

    Args:
        credentials: Key and secret.
        clock_ms: Local epoch-milliseconds clock (injectable); used when no `clock` is given.
        clock: The account's clock offset; `X-API-Timestamp` is its `now_ms()`.
    """

    requires_request_body = True

    def __init__(
        self,
        credentials: ZenotcCredentials,
        *,
        clock_ms: Callable[[], int] = epoch_ms,
        clock: ClockOffset | None = None,
    ) -> None:
        self._credentials = credentials
        self.clock = clock if clock is not None else ClockOffset(VENUE, local_ms=clock_ms)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the three headers and send the request once."""
        timestamp_ms = str(self.clock.now_ms())
        path_with_query = request.url.raw_path.decode("ascii")
        body = request.content.decode("utf-8")
        request.headers["X-API-Key"] = self._credentials.api_key
        request.headers["X-API-Timestamp"] = timestamp_ms
        request.headers["X-API-Signature"] = sign(
            self._credentials.api_secret, timestamp_ms, request.method, path_with_query, body
        )
        yield request

    def __repr__(self) -> str:
        return f"ZenotcAuth({self._credentials!r})"

    __str__ = __repr__
