"""Wire helpers shared by the venue packages: exact JSON in and out, decimals, times, ids.

Venue-neutral on purpose: each venue's `wire` module builds its pydantic models from these
and keeps its own spelling and quirks (aliases, envelopes, which inputs mean "unset"). Where
venues differ on purpose (an error message, which epoch types a time accepts), the shared
function takes that difference as a keyword argument and the venue passes it explicitly.

Rules common to every venue (DESIGN: "parse venue JSON with Decimal, never float"):

* bodies are decoded by `loads`, so a JSON number with a fraction or exponent arrives as an
  exact `Decimal`; a float handed over directly is read via its shortest repr
  (`0.1` is `Decimal("0.1")`);
* booleans are never numbers, ids or times (`True` is an `int` in Python);
* a number must be finite: NaN and infinities are refused;
* decimals we send go out as plain decimal strings (`PlainDecimal`: `"100"`, never `1E+2`),
  or, in a body written by `dumps_exact`, as exact JSON number literals.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, TypeVar

import httpx
from pydantic import BaseModel, BeforeValidator, PlainSerializer, ValidationError

from gui.domain.errors import VenueTransportError

_Model = TypeVar("_Model", bound=BaseModel)


def loads(content: bytes | str) -> Any:
    """Decode a venue JSON body with every fractional or exponent number as an exact `Decimal`.

    Integers stay `int` (some venues send nanosecond times, which exceed 2**53).

    Args:
        content: The body, as received (UTF-8 bytes or text).

    Returns:
        The decoded JSON: dicts, lists, str, int, `Decimal`, bool or None.

    Raises:
        ValueError: The body is not JSON.
    """
    return json.loads(content, parse_float=Decimal)


def parse_answer(
    model: type[_Model],
    response: httpx.Response,
    what: str,
    *,
    venue: str,
    unwrap: Callable[[Any], Any] | None = None,
) -> _Model:
    """A 2xx answer's body (decoded by `loads`) as `model`.

    Args:
        model: The wire model of the answer.
        response: The venue's answer.
        what: The request, for the message (`"GET /api/v1/orders"`).
        venue: The venue's name, for the error.
        unwrap: Takes the payload out of the decoded body (an envelope), if the venue has one.

    Raises:
        VenueTransportError: The body is not JSON or does not fit `model` (the first
            problem, by field path).
    """
    try:
        body = loads(response.content)
        return model.model_validate(body if unwrap is None else unwrap(body))
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        detail = f"{where}: {problem['msg']}"
    except ValueError as exc:  # not JSON at all
        detail = f"not JSON ({exc})"
    raise VenueTransportError(venue, f"unreadable answer to {what}: {detail}", response.status_code)


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


def to_decimal(value: object, *, expected: str = "a number or decimal string") -> Decimal | None:
    """Read a number sent as a JSON number, a decimal string, `""` or null.

    Args:
        value: `Decimal`, `int`, `float` (read via `repr`), `str` (surrounding blanks
            ignored) or None.
        expected: What the venue sends, for the message on an unsupported type
            (`"expected {expected}, got {type}"`).

    Returns:
        The exact, finite number, in the unit of the field; None for null, `""` or blanks.

    Raises:
        ValueError: A boolean, an unparsable string, NaN or infinity, or another type.
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
            raise ValueError(f"expected a decimal, got {value!r}") from None
    else:
        raise ValueError(f"expected {expected}, got {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    return number


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
        ValueError: A boolean, text that is not ISO 8601, or another type.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a timestamp, got the boolean {value}")
    if isinstance(value, epoch_ms_types):
        return datetime.fromtimestamp(float(value) / 1000, UTC)
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"expected an ISO 8601 timestamp, got {value!r}") from None
    else:
        raise ValueError(f"expected a timestamp, got {type(value).__name__}")
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


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


WireDecimal = Annotated[Decimal | None, BeforeValidator(to_decimal)]
"""A number sent as JSON number, decimal string, `""` or null (`""` and null are None)."""
PlainDecimal = Annotated[
    Decimal, PlainSerializer(lambda number: format(number, "f"), return_type=str)
]
"""A decimal sent as a plain decimal string: `Decimal("1E+2")` goes out as `"100"`."""
