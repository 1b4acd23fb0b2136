"""Incremental reading of order listings: only the items whose JSON text changed are decoded
and validated (issue 8 §3, "polling is incremental").

A venue's open-order listing comes back whole every poll (Tread.fi: 2,000 orders, 2.4 MB),
and most of its items are byte for byte what the previous poll brought. `ListingCache`
keeps, per listing endpoint, each item's exact JSON text with the wire model it validated
to; `ListingPoll.decode` then reads a new body like `wire_answers.loads` except inside the
listed array(s), where an item whose text is identical to a remembered one is not decoded
at all: the remembered wire model takes its place in the decoded body. Only new or changed
items come back as decoded JSON, for the venue's own page model to validate as before; a
model instance in their place passes pydantic's validation as it is (instances are never
revalidated), so page-level rules, error locations (`orders.3.side`) and
`VenueBadResponse`s are exactly those of a full parse.

Finding an unchanged item costs one string comparison: items are expected in the order of
the previous poll (`str.startswith` at the current offset, a memcmp); an item that is not
the expected one is decoded once (the C scanner, which also finds where it ends) and looked
up by its text, so an insertion or removal costs one decode and the listing resynchronises.
The comparison is on the exact text, never on decoded values (`1 == 1.0 == True`), so a
hit only ever replaces an item byte-identical to one that validated before.

A body whose shape is not the expected one (not JSON, another envelope, a duplicated key)
is decoded by `loads` as before and nothing of it is remembered. What one poll remembers
replaces what the previous poll remembered when it finishes (`ListingPoll.finish`), so
orders no longer listed are forgotten and memory stays at one listing's texts and models;
a poll that fails half-way changes nothing.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar

from gui.venues.wire_answers import loads

_W = TypeVar("_W")

_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=Decimal)
_SCAN = json.scanner.make_scanner(_DECODER)  # type: ignore[arg-type]  # typeshed: a class
"""The standard library's (C) value scanner with `loads`' number rules: `(text, index)` ->
`(value, end)`."""
_SCAN_STRING = json.decoder.scanstring  # type: ignore[attr-defined]  # untyped, public since 2.6
_WHITESPACE = re.compile(r"[ \t\n\r]*")

Path = tuple[str, ...]
"""Object keys leading from the body to a listed array: `("orders",)`, `("data", "items")`;
`()` is a body that is the array itself."""


class _Shape(Exception):
    """The body is not shaped as expected: read it with `loads` instead."""


class ListingCache(Generic[_W]):
    """What one listing endpoint's items were at the last finished poll: exact JSON text
    of each item (objects only) and the wire model it validated to.

    Args:
        *paths: Where listed arrays may sit in a body (see `Path`); several when the venue
            sends the same listing bare or in an envelope. Arrays elsewhere are read as
            usual.

    Not thread-safe; one per client, used from its event loop. Concurrent polls each hold
    their own `ListingPoll`; the last to finish wins.
    """

    def __init__(self, *paths: Path) -> None:
        if not paths:
            raise ValueError("a ListingCache needs at least one path to its listed array")
        self._paths = paths
        self._sequence: list[tuple[str, _W]] = []
        self._by_text: dict[str, int] = {}

    def __len__(self) -> int:
        """Items remembered."""
        return len(self._sequence)

    def poll(self) -> ListingPoll[_W]:
        """Start reading one poll's pages (see `ListingPoll`)."""
        return ListingPoll(self, self._paths)

    def _remember(self, sequence: list[tuple[str, _W]]) -> None:
        self._sequence = sequence
        self._by_text = {text: index for index, (text, _wire) in enumerate(sequence)}


class ListingPoll(Generic[_W]):
    """One poll's reading of a listing (one or several pages) against a `ListingCache`.

    For each page: `decode` the body, validate it as the venue always does, hand the
    validated items to `learn`; after the last page (and after the items mapped to reports
    without error), `finish`. Not finishing (an error) leaves the cache as it was.
    """

    def __init__(self, cache: ListingCache[_W], paths: Sequence[Path]) -> None:
        self._cache = cache
        self._paths = paths
        self._cursor = 0
        self._seen: list[tuple[str, _W]] = []
        self._pending: list[list[tuple[str | None, Any]]] = []
        self.hits = 0
        """Items taken from the cache so far (for tests and benchmarks)."""

    def decode(self, content: bytes) -> Any:
        """The body decoded as `wire_answers.loads` would, except that each listed item
        whose JSON text is identical to one remembered is its remembered wire model.

        Raises:
            ValueError: The body is not JSON (exactly as `loads` raises it).
        """
        self._pending = []
        try:
            text = content.decode(json.detect_encoding(content), "surrogatepass")
            value, end = self._value(text, _skip(text, 0), self._paths)
            if _skip(text, end) != len(text):
                raise _Shape
        except (_Shape, ValueError, StopIteration, IndexError, RecursionError):
            self._pending = []
            return loads(content)
        return value

    def learn(self, lists: Sequence[Sequence[_W]]) -> None:
        """The validated items of the page last decoded, one sequence per listed array in
        the order they appear in the body (usually one). Lists whose length differs from
        what was decoded are not remembered (the page model reshaped them)."""
        pending, self._pending = self._pending, []
        if len(pending) != len(lists):
            return
        for slots, items in zip(pending, lists, strict=True):
            if len(slots) != len(items):
                continue
            for (text, _value), item in zip(slots, items, strict=True):
                if text is not None:
                    self._seen.append((text, item))

    def finish(self) -> None:
        """Remember this poll's items (those learnt) in place of the previous poll's."""
        self._cache._remember(self._seen)
        self._seen = []

    # -- the walk ---------------------------------------------------------------------------

    def _value(self, text: str, index: int, paths: Sequence[Path]) -> tuple[Any, int]:
        if any(not path for path in paths) and text.startswith("[", index):
            return self._array(text, index)
        deeper = [path for path in paths if path]
        if not deeper or not text.startswith("{", index):
            return _SCAN(text, index)
        found: dict[str, Any] = {}
        index = _skip(text, index + 1)
        if text[index] == "}":
            return found, index + 1
        while True:
            if text[index] != '"':
                raise _Shape
            key, index = _SCAN_STRING(text, index + 1, True)
            index = _skip(text, index)
            if text[index] != ":":
                raise _Shape
            index = _skip(text, index + 1)
            inner = [path[1:] for path in deeper if path[0] == key]
            if key in found and inner:
                raise _Shape  # a duplicated key: `loads` keeps the last, leave it to that
            if inner:
                value, index = self._value(text, index, inner)
            else:
                value, index = _SCAN(text, index)
            found[key] = value
            index = _skip(text, index)
            if text[index] == ",":
                index = _skip(text, index + 1)
            elif text[index] == "}":
                return found, index + 1
            else:
                raise _Shape

    def _array(self, text: str, index: int) -> tuple[list[Any], int]:
        cache = self._cache
        sequence = cache._sequence
        by_text = cache._by_text
        slots: list[tuple[str | None, Any]] = []
        items: list[Any] = []
        self._pending.append(slots)
        index = _skip(text, index + 1)
        if text[index] == "]":
            return items, index + 1
        while True:
            cursor = self._cursor
            if cursor < len(sequence) and text.startswith(sequence[cursor][0], index):
                # The expected item, byte for byte: an object's text ends at its own `}`,
                # so a match is the whole item.
                item_text, wire = sequence[cursor]
                self._cursor = cursor + 1
                self.hits += 1
                slots.append((item_text, wire))
                items.append(wire)
                index += len(item_text)
            else:
                value, end = _SCAN(text, index)
                item_text = text[index:end]
                position = by_text.get(item_text)
                if position is not None:
                    wire = sequence[position][1]
                    self._cursor = position + 1
                    self.hits += 1
                    slots.append((item_text, wire))
                    items.append(wire)
                else:
                    slots.append((item_text if isinstance(value, dict) else None, value))
                    items.append(value)
                index = end
            index = _skip(text, index)
            if text[index] == ",":
                index = _skip(text, index + 1)
            elif text[index] == "]":
                return items, index + 1
            else:
                raise _Shape


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match is not None else index
