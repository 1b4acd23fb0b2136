"""Tread.fi authentication: `Authorization: Token <API_KEY>` on every request.

Doc "Authentication"; notes §2.2. The backend is Django REST Framework `TokenAuthentication`;
there is no signature, so the body need not be read.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx


class TreadfiAuth(httpx.Auth):
    """Adds the API token to every request; the key never appears in a repr or a log.

    Args:
        api_key: The account's API token (an opaque string, 40 hex in DRF's format).
        scheme: The word before the key; `Token` per the doc (notes §7.2).

    Raises:
        ValueError: The key is empty or contains whitespace (which would let it break out
            of the header); the message does not repeat the key.
    """

    def __init__(self, api_key: str, scheme: str = "Token") -> None:
        if not api_key or any(ch.isspace() for ch in api_key):
            raise ValueError("Tread.fi API key must be non-empty and contain no whitespace")
        self._scheme = scheme
        self._header_value = f"{scheme} {api_key}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set `Authorization` and send the request once."""
        request.headers["Authorization"] = self._header_value
        yield request

    def __repr__(self) -> str:
        return f"TreadfiAuth(scheme={self._scheme!r}, api_key=<redacted>)"

    __str__ = __repr__
