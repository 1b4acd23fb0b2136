"""DFX Labs request signing: Ed25519 over a sorted field string (notes §2.2).

Headers (external `Authentication.md`):

* `EXCHANGE-API-KEY`: the key DFX issues once the user uploaded the public key;
* `EXCHANGE-API-TIMESTAMP`: epoch milliseconds; must be within 5 s of the server's time
  (there is no recv-window parameter and no server-time endpoint in the notes, so the
  account's `ClockOffset`, kept from every answer's `Date`, corrects the local clock);
* `EXCHANGE-API-SIGN`: standard Base64 of the 64-byte Ed25519 signature of

      body=<raw body>&method=<METHOD>&param=<raw query>&path=<path>&timestamp=<ms>

  the five fields sorted by name and joined with `&`; `param` and `body` are left out
  when blank (the venue's Java example: `StrUtil.isNotBlank`); values are inserted
  verbatim, unsorted.

MARKET_DATA endpoints (`/api/v1/symbols`) take only the timestamp header.

The signature covers the bytes on the wire: the client writes the query string and body
itself, and this hook signs `request.url.query` and `request.content` as sent.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Collection, Generator
from dataclasses import dataclass, field

import httpx
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gui.venues.clock import ClockOffset
from gui.venues.clock import epoch_ms as epoch_ms  # re-exported: tests and callers use it
from gui.venues.dfx.config import SYMBOLS_PATH, VENUE

KEY_HEADER = "EXCHANGE-API-KEY"
TIMESTAMP_HEADER = "EXCHANGE-API-TIMESTAMP"
SIGN_HEADER = "EXCHANGE-API-SIGN"

PUBLIC_PATHS: frozenset[str] = frozenset({SYMBOLS_PATH})
"""MARKET_DATA paths: sent with the timestamp header only (notes §2.2)."""

_KEY_PROBLEM = (
    "DFX private key must be an Ed25519 key as base64 PKCS#8 DER "
    "(openssl genpkey -algorithm ed25519 -outform DER | base64) or PEM"
)


def load_private_key(text: str) -> Ed25519PrivateKey:
    """Read the user's Ed25519 private key.

    Args:
        text: PEM (a PKCS#8 `PRIVATE KEY` block) or base64 of the PKCS#8 DER bytes
            (`MC4CAQAwBQYDK2VwBCIE...`); surrounding whitespace and line breaks ignored.

    Returns:
        The key.

    Raises:
        ValueError: Not such a key (the message never repeats the text given).
    """
    data = text.strip()
    try:
        if data.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(data.encode("ascii"), password=None)
        else:
            der = base64.b64decode("".join(data.split()), validate=True)
            key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, binascii.Error, UnsupportedAlgorithm, UnicodeError):
        raise ValueError(_KEY_PROBLEM) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{_KEY_PROBLEM}; got another kind of key")
    return key


def public_key_base64(private_key: Ed25519PrivateKey) -> str:
    """The public key to upload to DFX: base64 of its SubjectPublicKeyInfo DER
    (`MCowBQYDK2VwAyEA...`, notes §2.2)."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


@dataclass(frozen=True, slots=True)
class DfxCredentials:
    """A DFX API key and the user's Ed25519 private key; the key never appears in a repr,
    str or log.

    Attributes:
        api_key: The key DFX issued (96 characters on the live venue), sent as
            `EXCHANGE-API-KEY`.
        private_key: Base64 PKCS#8 DER or PEM text of the Ed25519 private key, never sent.

    Raises:
        ValueError: An empty key or a private key that does not load.
    """

    api_key: str
    private_key: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.api_key or any(ch.isspace() for ch in self.api_key):
            raise ValueError("DFX API key must be non-empty and contain no whitespace")
        load_private_key(self.private_key)

    def __repr__(self) -> str:
        return f"DfxCredentials(api_key={self.api_key[:4]!r}..., private_key=<redacted>)"

    __str__ = __repr__


def string_to_sign(
    method: str, path: str, timestamp_ms: str, param: str = "", body: str = ""
) -> str:
    """The text DFX signs (notes §2.2).

    Args:
        method: HTTP method; upper-cased here.
        path: Path from the root, no host and no query (`/api/v1/spot/order`).
        timestamp_ms: The `EXCHANGE-API-TIMESTAMP` value.
        param: The raw query string as sent ("" or blank: left out).
        body: The raw body as sent ("" or blank: left out).

    Returns:
        `body=..&method=..&param=..&path=..&timestamp=..`, fields sorted by name.
    """
    fields_ = {"method": method.upper(), "path": path, "timestamp": timestamp_ms}
    if param.strip():
        fields_["param"] = param
    if body.strip():
        fields_["body"] = body
    return "&".join(f"{name}={fields_[name]}" for name in sorted(fields_))


def sign(private_key: Ed25519PrivateKey, message: str) -> str:
    """Standard Base64 of the Ed25519 signature of `message` (UTF-8)."""
    return base64.b64encode(private_key.sign(message.encode("utf-8"))).decode("ascii")


class DfxAuth(httpx.Auth):
    """Signs every request over the exact path, query and body bytes sent.

    Args:
        credentials: API key and private key.
        clock_ms: Local epoch-milliseconds clock (injectable); used when no `clock` is given.
        public_paths: Paths sent with the timestamp header only.
        clock: The account's clock offset; `EXCHANGE-API-TIMESTAMP` is its `now_ms()`.
    """

    requires_request_body = True

    def __init__(
        self,
        credentials: DfxCredentials,
        *,
        clock_ms: Callable[[], int] = epoch_ms,
        public_paths: Collection[str] = PUBLIC_PATHS,
        clock: ClockOffset | None = None,
    ) -> None:
        self._api_key = credentials.api_key
        self._key = load_private_key(credentials.private_key)
        self.clock = clock if clock is not None else ClockOffset(VENUE, local_ms=clock_ms)
        self._public = frozenset(public_paths)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the headers and send the request once."""
        timestamp_ms = str(self.clock.now_ms())
        request.headers[TIMESTAMP_HEADER] = timestamp_ms
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        if path not in self._public:
            message = string_to_sign(
                request.method,
                path,
                timestamp_ms,
                param=request.url.query.decode("ascii"),
                body=request.content.decode("utf-8"),
            )
            request.headers[KEY_HEADER] = self._api_key
            request.headers[SIGN_HEADER] = sign(self._key, message)
        yield request

    def __repr__(self) -> str:
        return f"DfxAuth(api_key={self._api_key[:4]!r}...)"

    __str__ = __repr__
