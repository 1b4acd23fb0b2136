"""Request encoding and answer validation for the DFX client (notes §2.2, §2.7(1)).

Query strings and form bodies are `name=value` pairs in name order, values percent-encoded
except `-_.~,` (the comma of `orderIds` stays literal, as in the doc); JSON bodies are
objects in name order with decimals as exact number literals. What is written here is what
`DfxAuth` signs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from gui.domain.errors import VenueBadResponse
from gui.venues.dfx.config import VENUE
from gui.venues.wire_types import parse_payload

_Model = TypeVar("_Model", bound=BaseModel)
Value = str | Decimal | int
"""A parameter value: text, an exact decimal (written plainly, `1E+2` as `100`) or an int."""

_SAFE = "-_.~,"


def _text(value: Value) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"cannot send the non-finite number {value} to DFX")
        return format(value, "f")
    return str(value)


def encode_pairs(params: Mapping[str, Value | None]) -> str:
    """`name=value&...` in name order, None left out (query strings and form bodies)."""
    pairs = []
    for name in sorted(params):
        value = params[name]
        if value is not None:
            pairs.append(f"{name}={quote(_text(value), safe=_SAFE)}")
    return "&".join(pairs)


def encode_json(params: Mapping[str, Value | None]) -> str:
    """A JSON object in name order: decimals as exact number literals, the rest strings."""
    items = []
    for name in sorted(params):
        value = params[name]
        if value is None:
            continue
        literal = _text(value) if isinstance(value, Decimal) else json.dumps(_text(value))
        items.append(f"{json.dumps(name)}:{literal}")
    return "{" + ",".join(items) + "}"


def long_id(name: str, value: str) -> str:
    """A LONG id (`orderId`, `fromId`) checked to be digits; ValueError otherwise."""
    text = value.strip()
    if not text.isdigit():
        raise ValueError(f"DFX {name} is a LONG (digits only), got {value!r}")
    return text


def epoch_ms_of(when: datetime | None) -> int | None:
    """An aware time as epoch milliseconds (None stays None); ValueError when naive."""
    if when is None:
        return None
    if when.tzinfo is None:
        raise ValueError(f"DFX times must be aware datetimes, got {when!r}")
    return int(when.timestamp() * 1000)


def check_limit(limit: int | None, most: int) -> int | None:
    """A page `limit` checked to be 1..`most` (None stays None); ValueError otherwise."""
    if limit is not None and not 1 <= limit <= most:
        raise ValueError(f"DFX limit must be 1-{most}, got {limit}")
    return limit


def unreadable(what: str, detail: str, status: int) -> VenueBadResponse:
    """The error for an answer that does not have the documented shape."""
    return VenueBadResponse(VENUE, what, detail, status)


def validate(model: type[_Model], data: object, what: str, status: int) -> _Model:
    """`data` as `model`; raises `VenueBadResponse` when it is not (the payload is logged
    on `gui.venues.raw`)."""
    return parse_payload(model.model_validate, data, what, venue=VENUE, status_code=status)


def validate_list(model: type[_Model], data: object, what: str, status: int) -> list[_Model]:
    """A `data` array (null is empty) as `model`s; `VenueBadResponse` when it is not."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise unreadable(what, f"data is {type(data).__name__}, expected a list", status)
    # A model already (`ListingPoll.decode` hands back remembered items so): kept as it is,
    # as pydantic itself would keep it.
    return [item if type(item) is model else validate(model, item, what, status) for item in data]
