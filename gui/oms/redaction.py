"""Keep credentials out of every log line: a `logging.Filter` that masks secrets.

Two layers, both applied to the fully formatted message, the exception text and the stack
text of each record:

1. Every registered secret value, and the forms it takes once encoded (base64, URL-safe
   base64, hex, percent-encoding, JSON/repr escaping, each line of a multi-line PEM), is
   replaced by `***`.
2. The value of any credential-bearing header or field is masked wherever it appears as
   `name: value`, `name=value`, `'name': 'value'`, `"name": "value"` or `(b'name', b'value')`,
   whether or not the value was registered. The names are those the venue packages' `auth.py`
   set (Tread.fi `Authorization`; KuCoin `KC-API-KEY`, `KC-API-SIGN`, `KC-API-PASSPHRASE`;
   ZenOTC `X-API-Key`, `X-API-Signature`; Anboto `ANBOTO-API-KEY`, `ANBOTO-SIGN`, `X-API-KEY`,
   `X-SIGN`; DFX `EXCHANGE-API-KEY`, `EXCHANGE-API-SIGN`) plus the common shapes of such names
   (`X-MBX-APIKEY`, `api_secret`, `private_key`, `access_token`, ...). Timestamp, recv-window
   and key-version headers are not secret and stay readable.

Issue 5 item 8: "`Authorization` and signature headers redacted in logs".
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import quote

__all__ = ["MASK", "SecretRedactor", "install_redaction", "redact", "secret_forms"]

MASK = "***"
"""What a secret or a credential header value is replaced with."""

_MIN_LINE_CHARS = 16  # a PEM body line shorter than this is not worth a pattern of its own

# A header or field name that carries a credential: hyphen/underscore separated words ending
# in one of the sensitive words, or `Authorization`. Whole words only: `design: x` or
# `sort_key: x` are left alone, `KC-API-SIGN: x` and `api_secret=x` are masked.
_WORD = (
    r"(?:authorization|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key"
    r"|sign|signature|passphrase|secret|password|token)"
)
_HINT = re.compile(r"auth|key|sign|pass|secret|token", re.IGNORECASE)  # cheap pre-check
_QUOTED_VALUE = r"b?(?P<q2>[\"'])(?P<value>(?:\\.|(?!(?P=q2)).)*)(?P=q2)"
_QUOTED_NAME = r"b?(?P<q1>[\"'])(?:[\w-]*[-_])?" + _WORD + r"(?P=q1)"
_QUOTED_PAIR = re.compile(
    # 'name': 'value' and "name": "value" (dict reprs, JSON)
    r"(?P<head>" + _QUOTED_NAME + r"\s*[:=]\s*)" + _QUOTED_VALUE,
    re.IGNORECASE,
)
_TUPLE_PAIR = re.compile(
    # (b'name', b'value'): header tuples as h11/httpcore hold them
    r"(?P<head>\(\s*" + _QUOTED_NAME + r"\s*,\s*)" + _QUOTED_VALUE,
    re.IGNORECASE,
)
_BARE_PAIR = re.compile(
    # name: value, name=value, name: 'value' (Authorization keeps its scheme word). The
    # sensitive word must start the name or follow - or _ (`KC-API-SIGN`, `api_secret`),
    # and end it: `design: x` and `sort_key: x` stay readable. Matching from the word, not
    # the name's start, keeps the scan linear on long lines.
    r"(?P<head>(?<![a-z0-9])" + _WORD + r"\s*[:=]\s*"
    r"(?:(?:bearer|token|basic|digest|hmac[\w-]*)\s+)?)"
    r"(?:(?P<q>[\"'])(?P<qvalue>(?:\\.|(?!(?P=q)).)*)(?P=q)|(?P<value>[^\s,;&'\"}\])]+))",
    re.IGNORECASE,
)


def secret_forms(secret: str) -> set[str]:
    """The texts a secret may appear as in a log line.

    Args:
        secret: The secret as stored (an API key, HMAC secret, passphrase, PEM or base64 key).

    Returns:
        The secret itself; base64 (standard and URL-safe, with and without padding) and hex
        (lower and upper case) of its UTF-8 bytes; its percent-encoded, JSON- and
        repr-escaped forms; for a secret that is itself base64 or hex, the hex and base64 of
        the decoded bytes; each long line of a multi-line secret. Empty for "".
    """
    if not secret:
        return set()
    raw = secret.encode("utf-8")
    forms = {secret, quote(secret, safe=""), json.dumps(secret)[1:-1], repr(secret)[1:-1]}
    forms |= _encodings(raw)
    compact = "".join(secret.split())
    for decoded in (_b64decode(compact), _hexdecode(compact)):
        if decoded is not None and len(decoded) >= 4:
            forms |= _encodings(decoded)
    if "\n" in secret:
        forms |= {line.strip() for line in secret.splitlines()}
    return {form for form in forms if len(form) >= min(len(secret), _MIN_LINE_CHARS)}


def _encodings(raw: bytes) -> set[str]:
    standard = base64.b64encode(raw).decode("ascii")
    urlsafe = base64.urlsafe_b64encode(raw).decode("ascii")
    return {
        standard,
        standard.rstrip("="),
        urlsafe,
        urlsafe.rstrip("="),
        raw.hex(),
        raw.hex().upper(),
    }


def _b64decode(text: str) -> bytes | None:
    padded = text + "=" * (-len(text) % 4)
    try:
        data = padded.encode("ascii")
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(data)
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _hexdecode(text: str) -> bytes | None:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


class SecretRedactor(logging.Filter):
    """A handler filter that rewrites each record with its secrets masked.

    It formats the record's message (`msg % args`), exception (`exc_info`) and stack text,
    masks them, and stores the result back on the record (`msg`, `args = None`, `exc_text`,
    `exc_info = None`, `stack_info`), so every formatter after it sees only masked text. It
    never drops a record. Attach it to handlers (see `install_redaction`), not loggers: a
    handler filter sees the records of every logger that propagate to it.

    Args:
        secrets: Secret values to mask from the start; more with `add`.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._formatter = logging.Formatter()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Register more secret values (empty strings are ignored)."""
        forms = set(self._forms)
        for secret in secrets:
            forms |= secret_forms(secret)
        if forms == self._forms:
            return
        self._forms = forms
        # Longest first, so a secret's longer encoding is masked whole, not piecewise.
        ordered = sorted(forms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(form) for form in ordered))

    def redact(self, text: str) -> str:
        """`text` with every registered secret and every credential header value masked."""
        if self._pattern is not None:
            text = self._pattern.sub(MASK, text)
        if _HINT.search(text) is None:
            return text
        for pair in (_QUOTED_PAIR, _TUPLE_PAIR):
            text = pair.sub(_mask_quoted, text)
        return _BARE_PAIR.sub(_mask_bare, text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; always keep it."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info is not None and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def _mask_quoted(match: re.Match[str]) -> str:
    quote_mark = match["q2"]
    opening = match.group(0)[len(match["head"]) : match.start("value") - match.start()]
    return f"{match['head']}{opening}{MASK}{quote_mark}"


def _mask_bare(match: re.Match[str]) -> str:
    if match["q"] is not None:
        return f"{match['head']}{match['q']}{MASK}{match['q']}"
    return f"{match['head']}{MASK}"


def install_redaction(secrets: Iterable[str] = ()) -> SecretRedactor:
    """Mask `secrets` in everything the root logger's handlers write.

    Idempotent: the first call creates one `SecretRedactor`; later calls add their secrets
    to it and attach it to root handlers added since. Records of every logger that
    propagates to the root pass through it.

    Args:
        secrets: Secret values to mask (credentials of live accounts and of the sandbox).

    Returns:
        The redactor, for `add` or `redact` (e.g. of text shown outside the log).
    """
    handlers = logging.getLogger().handlers
    redactor = next(
        (
            existing
            for handler in handlers
            for existing in handler.filters
            if isinstance(existing, SecretRedactor)
        ),
        None,
    )
    if redactor is None:
        redactor = SecretRedactor()
    redactor.add(secrets)
    for handler in handlers:
        if redactor not in handler.filters:
            handler.addFilter(redactor)
    return redactor


def redact(text: str) -> str:
    """`text` with every secret the installed redactor knows masked, for what is shown
    outside the log (the error pane); header-like pairs are masked even with none
    installed."""
    for handler in logging.getLogger().handlers:
        for existing in handler.filters:
            if isinstance(existing, SecretRedactor):
                return existing.redact(text)
    return _FALLBACK.redact(text)


_FALLBACK = SecretRedactor()
