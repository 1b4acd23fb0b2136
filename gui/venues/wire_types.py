"""Wire helpers shared by the venue packages: exact JSON in and out, decimals, times, ids.

Venue-neutral on purpose: each venue's `wire` module builds its pydantic models from these
and keeps its own spelling and quirks (aliases, envelopes, which inputs mean "unset"). Where
venues differ on purpose (an error message, which epoch types a time accepts), the shared
function takes that difference as a keyword argument and the venue passes it explicitly.

Rules common to every venue (DESIGN: "parse venue JSON with Decimal, never float"):

* bodies are decoded by `loads`, so a JSON number with a fraction or exponent arrives as an
  exact `Decimal`; a float handed over directly is read via its shortest repr
  (`0.1` is `Decimal("0.1")`); the non-JSON constants `NaN`/`Infinity` arrive as Decimals
  too, so no float is ever built from a body;
* booleans are never numbers, ids or times (`True` is an `int` in Python);
* a number must be finite and of a size a price, quantity or fee can have (`to_decimal`:
  below 1E+30 in magnitude, and zero or at least 1E-30), so the arithmetic of `parsing`
  can never overflow;
* times are within the range of `datetime` (years 1-9999) once in UTC;
* an answer that cannot be read raises `VenueBadResponse` naming venue and endpoint, with
  its raw body (at most `RAW_BODY_LOG_BYTES`) logged at WARNING on `gui.venues.raw`;
* decimals we send go out as plain decimal strings (`PlainDecimal`: `"100"`, never `1E+2`),
  or, in a body written by `dumps_exact`, as exact JSON number literals.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

from gui.venues.wire_answers import RAW_BODY_LOG_BYTES as RAW_BODY_LOG_BYTES
from gui.venues.wire_answers import bad_response as bad_response
from gui.venues.wire_answers import loads as loads
from gui.venues.wire_answers import parse_answer as parse_answer
from gui.venues.wire_answers import parse_payload as parse_payload
from gui.venues.wire_answers import raw_logger as raw_logger
from gui.venues.wire_answers import raw_text as raw_text

MAX_EXPONENT = 30
"""Numbers are refused from 1E+30 in magnitude, and below 1E-30 unless zero: no price,
quantity, notional or fee comes near, and within these bounds no product or quotient of a
few of them can overflow `decimal`'s default context (which would raise, not round)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MIN_EPOCH_S = Decimal(int((datetime(1, 1, 2, tzinfo=UTC) - _EPOCH).total_seconds()))
_MAX_EPOCH_S = Decimal(int((datetime(9999, 12, 31, tzinfo=UTC) - _EPOCH).total_seconds()))
_UPPER = Decimal(10) ** MAX_EXPONENT
_LOWER = Decimal(10) ** -MAX_EXPONENT


def dumps_exact(value: Any, *, venue: str, separators: tuple[str, str]) -> str:
    """JSON text (ASCII escapes) with every `Decimal` as the exact number literal it holds,
    never through a float (`Decimal("0.10")` -> `0.10`, `Decimal("1E+2")` -> `100`).

    Args:
        value: None, bool, int, str, float, `Decimal`, mappings (keys written as text),
            lists and tuples.
        venue: The venue's name, for the error messages.
        separators: Item and key separators, as for `json.dumps`: `(",", ":")` compact,
            `(", ", ": ")` its default.

    Returns:
        The JSON text.

    Raises:
        ValueError: A number is NaN or infinite.
        TypeError: A value JSON cannot hold.
    """
    item_separator, key_separator = separators

    def encode(value: Any) -> str:
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Decimal):
            if not value.is_finite():
                raise ValueError(f"cannot send the non-finite number {value} to {venue}")
            return format(value, "f")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"cannot send the non-finite number {value} to {venue}")
            return repr(value)
        if isinstance(value, int | str):
            return json.dumps(value)
        if isinstance(value, Mapping):
            items = (
                f"{json.dumps(str(key))}{key_separator}{encode(item)}"
                for key, item in value.items()
            )
            return "{" + item_separator.join(items) + "}"
        if isinstance(value, list | tuple):
            return "[" + item_separator.join(encode(item) for item in value) + "]"
        raise TypeError(f"cannot encode {type(value).__name__} as JSON for {venue}")

    return encode(value)


def to_decimal(
    value: object, *, expected: str = "a number or decimal string", non_negative: bool = False
) -> Decimal | None:
    """Read a number sent as a JSON number, a decimal string, `""` or null.

    Args:
        value: `Decimal`, `int`, `float` (read via `repr`), `str` (surrounding blanks
            ignored) or None.
        expected: What the venue sends, for the message on an unsupported type
            (`"expected {expected}, got {type}"`).
        non_negative: Refuse numbers below zero (quantities, prices, notionals).

    Returns:
        The exact, finite number, in the unit of the field; None for null, `""` or blanks.

    Raises:
        ValueError: A boolean, an unparsable string, NaN or infinity, a number out of range
            (see `MAX_EXPONENT`), a negative one when `non_negative`, or another type.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got the boolean {value}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # Only when a caller hands us a float directly; bodies go through `loads`.
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value}")
        number = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"expected a decimal, got {_short(value)}") from None
    else:
        raise ValueError(f"expected {expected}, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"expected a finite number, got {_short(value)}")
    magnitude = abs(number)
    if magnitude >= _UPPER or (magnitude and magnitude < _LOWER):
        raise ValueError(f"number out of range (1E-{MAX_EXPONENT} to 1E+{MAX_EXPONENT}): "
                         f"{_short(value)}")  # fmt: skip
    if non_negative and number < 0:
        raise ValueError(f"expected a number >= 0, got {_short(value)}")
    return number


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _epoch_datetime(value: Decimal, per_second: int) -> datetime:
    # Exact: no float on the way, microseconds rounded half-even.
    if not value.is_finite():
        raise ValueError(f"expected a finite timestamp, got {value}")
    seconds = value / per_second
    if not _MIN_EPOCH_S <= seconds <= _MAX_EPOCH_S:
        raise ValueError(f"timestamp out of range (years 1-9999): {_short(value)}")
    micros = int((seconds * 1_000_000).to_integral_value())
    return _EPOCH + timedelta(microseconds=micros)


def to_utc_datetime(
    value: object, *, epoch_ms_types: tuple[type[int] | type[float] | type[Decimal], ...]
) -> datetime | None:
    """Read a time sent as ISO 8601 text or as epoch milliseconds.

    Args:
        value: ISO 8601 text (with or without offset or `Z`), a `datetime`, epoch
            milliseconds of one of `epoch_ms_types`, `""` or null.
        epoch_ms_types: The number types the venue may send as epoch milliseconds; any
            other number is refused.

    Returns:
        An aware UTC datetime (a naive time is taken as UTC); None for null, `""` or blanks.

    Raises:
        ValueError: A boolean, text that is not ISO 8601, a time outside years 1-9999 (in
            UTC), a non-finite number, or another type.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a timestamp, got the boolean {value}")
    if isinstance(value, epoch_ms_types):
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"expected a finite timestamp, got {value}")
            return _epoch_datetime(Decimal(repr(value)), 1000)
        return _epoch_datetime(Decimal(value), 1000)
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected an ISO 8601 timestamp, got {_short(value)}") from None
    else:
        raise ValueError(f"expected a timestamp, got {type(value).__name__}")
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00 is in year 0 in UTC
        raise ValueError(f"timestamp out of range (years 1-9999): {_short(value)}") from None


def to_epoch_int(value: object, *, per_second: int) -> int | None:
    """Read an epoch time kept as an integer on the wire model (ms, or ns), range-checked
    so that converting it to a `datetime` later cannot overflow.

    Args:
        value: An integer (or an integral number or decimal string), or None.
        per_second: Units per second: 1000 for milliseconds, 10**9 for nanoseconds.

    Returns:
        The integer, None for null or `""`.

    Raises:
        ValueError: A boolean, a fraction, a negative time, one after year 9999, or
            another type.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected an epoch time, got the boolean {value}")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"expected an epoch time, got {_short(value)}") from None
    else:
        raise ValueError(f"expected an epoch time, got {type(value).__name__}")
    if not number.is_finite() or number != number.to_integral_value():
        raise ValueError(f"expected a whole epoch time, got {_short(value)}")
    if not 0 <= number / per_second <= _MAX_EPOCH_S:
        raise ValueError(f"epoch time out of range (1970-9999): {_short(value)}")
    return int(number)


def to_id_text(value: object, *, expected: str = "a string") -> str | None:
    """Read an id the venue may send as a string or an integer.

    Args:
        value: A string (kept as is, `""` included), an integer or None.
        expected: What the venue sends, for the message on any other type.

    Returns:
        The string, an integer's decimal digits, or None for null.

    Raises:
        ValueError: A boolean or another type.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"expected {expected}, got {type(value).__name__}")


def to_amount(value: object) -> Decimal | None:
    """`to_decimal` for a quantity, price or notional: never below zero.

    Raises:
        ValueError: As `to_decimal`, or the number is negative.
    """
    return to_decimal(value, non_negative=True)


def to_choice(value: object, *, allowed: frozenset[str], name: str) -> str | None:
    """Check a small enum whose every value the desk must understand (a side): one of
    `allowed` in any case, surrounding blanks ignored; returned as sent.

    Unknown *statuses* are not refused this way: they map to `OrderStatus.UNKNOWN` in
    `parsing` (STYLE.md §6); a side nobody knows cannot be shown or traded against.

    Args:
        value: The value sent, or None.
        allowed: The accepted values, lower case.
        name: The field, for the message.

    Returns:
        The text as sent; None for null.

    Raises:
        ValueError: Not a string, or not one of `allowed`.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if value.strip().lower() not in allowed:
        raise ValueError(f"{name} must be one of {sorted(allowed)}, got {_short(value)}")
    return value


def _to_epoch_ms(value: object) -> int | None:
    return to_epoch_int(value, per_second=1000)


def _to_epoch_ns(value: object) -> int | None:
    return to_epoch_int(value, per_second=1_000_000_000)


WireDecimal = Annotated[Decimal | None, BeforeValidator(to_decimal)]
"""A number sent as JSON number, decimal string, `""` or null (`""` and null are None)."""
WireAmount = Annotated[Decimal | None, BeforeValidator(to_amount)]
"""A quantity, price or notional: as `WireDecimal`, and refused when negative."""
WireEpochMs = Annotated[int | None, BeforeValidator(_to_epoch_ms)]
"""Epoch milliseconds kept as an integer (1970-9999); null is None."""
WireEpochNs = Annotated[int | None, BeforeValidator(_to_epoch_ns)]
"""Epoch nanoseconds kept as an integer (1970-9999); null is None."""
PlainDecimal = Annotated[
    Decimal, PlainSerializer(lambda number: format(number, "f"), return_type=str)
]
"""A decimal sent as a plain decimal string: `Decimal("1E+2")` goes out as `"100"`."""
