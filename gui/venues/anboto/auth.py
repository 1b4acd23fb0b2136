"""Anboto request signing (reference doc "Authentication"; notes §1.2, §1.8.2-4).

    string_to_sign = timestamp_ms + api_key + (recv_window_ms) + (queryString | jsonBody)

plain concatenation, no separators; `recv_window_ms` only when the recv-window header is
sent (`AnbotoConfig.recv_window_ms`), the query string for a GET, the exact JSON body bytes
for a POST. Two key types:

* system-generated keys: HMAC-SHA256 keyed by the secret (its UTF-8 bytes, or its base64
  decoding: `AnbotoConfig.secret_decoding`), written as hex (reference doc) or base64
  (official examples): `AnbotoConfig.signature_encoding`;
* self-generated keys: RSA-SHA256 (PKCS#1 v1.5, "SHA256withRSA"; the doc names no padding,
  notes §1.8.4) with the trader's private key, always base64 ("base64 (RSA_SHA256)").

The hook signs `request.url.query` and `request.content` as they go on the wire, so the
client writes both itself (sorted query, compact JSON) and nothing re-encodes them later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from gui.venues.anboto.config import VENUE, AnbotoConfig, SecretDecoding, SignatureEncoding
from gui.venues.clock import ClockOffset
from gui.venues.clock import epoch_ms as epoch_ms  # re-exported: the adapter and tests use it


@dataclass(frozen=True, slots=True)
class AnbotoCredentials:
    """An Anboto API key with either its HMAC secret or the trader's RSA private key.

    Neither secret appears in a repr, str or log.

    Attributes:
        api_key: The key id, sent in the api-key header and signed.
        api_secret: System-generated key: the HMAC secret text (decoded per
            `AnbotoConfig.secret_decoding`).
        rsa_private_key_pem: Self-generated key: the PEM private key (PKCS#1 or PKCS#8,
            unencrypted) whose public half was given to Anboto.

    Raises:
        ValueError: An empty key, neither or both secrets, or a PEM that is not an RSA
            private key.
    """

    api_key: str
    api_secret: str | None = field(default=None, repr=False)
    rsa_private_key_pem: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.api_key or any(ch.isspace() for ch in self.api_key):
            raise ValueError("Anboto API key must be non-empty and contain no whitespace")
        if (self.api_secret is None) == (self.rsa_private_key_pem is None):
            raise ValueError("Anboto credentials need exactly one of api_secret or an RSA key")
        if self.api_secret is not None and not self.api_secret:
            raise ValueError("Anboto API secret must be non-empty")
        if self.rsa_private_key_pem is not None:
            load_rsa_private_key(self.rsa_private_key_pem)

    @property
    def uses_rsa(self) -> bool:
        """True for a self-generated (RSA) key."""
        return self.rsa_private_key_pem is not None

    def __repr__(self) -> str:
        kind = "rsa_private_key=<redacted>" if self.uses_rsa else "api_secret=<redacted>"
        return f"AnbotoCredentials(api_key={self.api_key[:4]!r}..., {kind})"

    __str__ = __repr__


def load_rsa_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Load an unencrypted RSA private key from PEM text.

    Raises:
        ValueError: Not a PEM private key, encrypted, or not RSA (the key is never quoted).
    """
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"Anboto RSA key is not an unencrypted PEM private key ({type(exc).__name__})"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"Anboto self-generated keys are RSA, got {type(key).__name__}")
    return key


def string_to_sign(
    timestamp_ms: str, api_key: str, recv_window_ms: int | None, payload: str
) -> str:
    """The reference doc's "timestamp + API key + (recv_window) + (queryString |
    jsonBodyString)".

    Args:
        timestamp_ms: The timestamp header value (epoch ms, decimal).
        api_key: The API key.
        recv_window_ms: The recv-window header value, None when the header is not sent.
        payload: The query string as sent (GET) or the body text as sent (POST), "" for none.
    """
    window = "" if recv_window_ms is None else str(recv_window_ms)
    return f"{timestamp_ms}{api_key}{window}{payload}"


def decode_secret(api_secret: str, decoding: SecretDecoding) -> bytes:
    """The HMAC key bytes of a secret.

    Raises:
        ValueError: The secret is not valid base64 for a base64 decoding (not quoted).
    """
    if decoding is SecretDecoding.UTF8:
        return api_secret.encode()
    text = api_secret.strip()
    padded = text + "=" * (-len(text) % 4)
    try:
        if decoding is SecretDecoding.BASE64:
            return base64.b64decode(padded, validate=True)
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise ValueError(f"Anboto API secret is not {decoding.value} text") from None


def hmac_signature(key: bytes, message: str, encoding: SignatureEncoding) -> str:
    """HMAC-SHA256 of `message` (UTF-8), as lower-case hex or standard base64."""
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    if encoding is SignatureEncoding.HEX:
        return digest.hex()
    return base64.b64encode(digest).decode("ascii")


def rsa_signature(private_key: rsa.RSAPrivateKey, message: str) -> str:
    """RSA-SHA256, PKCS#1 v1.5, of `message` (UTF-8), as standard base64."""
    signed = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signed).decode("ascii")


class AnbotoSigner:
    """Signs strings for one key with one configuration.

    Args:
        credentials: Key and secret or RSA key.
        config: Encoding and secret-decoding choices.

    Raises:
        ValueError: The secret cannot be decoded as configured.
    """

    def __init__(self, credentials: AnbotoCredentials, config: AnbotoConfig) -> None:
        self.api_key = credentials.api_key
        self._encoding = config.signature_encoding
        self._rsa: rsa.RSAPrivateKey | None = None
        self._hmac_key = b""
        if credentials.rsa_private_key_pem is not None:
            self._rsa = load_rsa_private_key(credentials.rsa_private_key_pem)
        else:
            assert credentials.api_secret is not None
            self._hmac_key = decode_secret(credentials.api_secret, config.secret_decoding)

    def sign(self, message: str) -> str:
        """The signature header value of a string to sign."""
        if self._rsa is not None:
            return rsa_signature(self._rsa, message)
        return hmac_signature(self._hmac_key, message, self._encoding)

    def __repr__(self) -> str:
        return f"AnbotoSigner(api_key={self.api_key[:4]!r}..., <redacted>)"


class AnbotoAuth(httpx.Auth):
    """Adds the key, timestamp, (recv window) and signature headers to every request.

    Args:
        credentials: Key and secret or RSA key (never logged).
        config: Header names, encodings, recv window.
        clock_ms: Local epoch-milliseconds clock (injectable); used when no `clock` is given.
        clock: The account's clock offset; the timestamp header is its `now_ms()`.
    """

    requires_request_body = True

    def __init__(
        self,
        credentials: AnbotoCredentials,
        config: AnbotoConfig,
        *,
        clock_ms: Callable[[], int] = epoch_ms,
        clock: ClockOffset | None = None,
    ) -> None:
        self._signer = AnbotoSigner(credentials, config)
        self._headers = config.headers
        self._recv_window_ms = config.recv_window_ms
        self.clock = clock if clock is not None else ClockOffset(VENUE, local_ms=clock_ms)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Sign the exact query (GET) or body (POST) and send the request once."""
        timestamp_ms = str(self.clock.now_ms())
        body = request.content.decode("utf-8")
        payload = body if body else request.url.query.decode("ascii")
        message = string_to_sign(timestamp_ms, self._signer.api_key, self._recv_window_ms, payload)
        request.headers[self._headers.api_key] = self._signer.api_key
        request.headers[self._headers.timestamp] = timestamp_ms
        if self._recv_window_ms is not None:
            request.headers[self._headers.recv_window] = str(self._recv_window_ms)
        request.headers[self._headers.signature] = self._signer.sign(message)
        yield request

    def __repr__(self) -> str:
        return f"AnbotoAuth({self._signer!r})"

    __str__ = __repr__
