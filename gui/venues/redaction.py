"""Credential headers, and the one way headers may reach a log (issue 5 item 8: "`Authorization`
and signature headers redacted in logs").

Re-exported by `gui.venues.http`. The OMS log filter (`gui.oms.redaction`) masks the same
names in any log line; this module is for code that has headers in hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import httpx

SENSITIVE_HEADERS: frozenset[str] = frozenset(
    {
        # Generic credentials.
        "authorization",  # Tread.fi `Token <key>` (notes §2.2)
        "proxy-authorization",
        "cookie",
        "set-cookie",
        # KuCoin Futures (notes §1.2); KC-API-TIMESTAMP and KC-API-KEY-VERSION are not secret.
        "kc-api-key",
        "kc-api-sign",
        "kc-api-passphrase",
        "kc-api-partner-sign",
        # ZenOTC (notes §3.2).
        "x-api-key",
        "x-api-signature",
        # DFX (notes §2.2).
        "exchange-api-key",
        "exchange-api-sign",
        # Anboto: the reference doc's names and the later docs' (notes §1.2).
        "anboto-api-key",
        "anboto-sign",
        "x-sign",
    }
)
"""Lower-case names of every header that carries a key, signature, passphrase or token,
across the five venues. `redact_headers` also masks any name made of such words (Anboto's
header names are configurable)."""

REDACTED = "<redacted>"
"""What a sensitive header value is replaced with."""

_SENSITIVE_WORD = re.compile(
    r"(?:^|[-_])(?:key|apikey|sign|signature|secret|passphrase|token|auth|authorization|"
    r"cookie|password)(?:$|[-_])"
)
_PUBLIC_SUFFIXES = ("-version", "-timestamp", "-ts", "-window")


def redact_headers(
    headers: Mapping[str, str] | httpx.Headers | Iterable[tuple[str, str]],
) -> dict[str, str]:
    """A copy of `headers` fit for a log: every credential value replaced by `<redacted>`.

    Args:
        headers: A mapping, `httpx.Headers`, or (name, value) pairs.

    Returns:
        Name (as given) -> value; a name in `SENSITIVE_HEADERS`, or made of credential words
        (`...-key`, `...-sign`, `...-secret`, `...-passphrase`, `...-token`) other than a
        timestamp, version or window, has its value redacted.
    """
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    redacted: dict[str, str] = {}
    for name, value in pairs:
        lowered = name.lower()
        secret = lowered in SENSITIVE_HEADERS or (
            _SENSITIVE_WORD.search(lowered) is not None and not lowered.endswith(_PUBLIC_SUFFIXES)
        )
        redacted[name] = REDACTED if secret else value
    return redacted
