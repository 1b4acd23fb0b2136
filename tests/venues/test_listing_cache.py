"""`ListingCache`: only items whose JSON text changed are decoded and validated again, and a
malformed item is refused even when an earlier, valid version of it was remembered."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gui.domain.errors import VenueBadResponse
from gui.venues.listing_cache import ListingCache
from gui.venues.treadfi import wire
from gui.venues.wire_types import loads, parse_answer


def order(number: int, **fields: Any) -> dict[str, Any]:
    return {"id": f"o-{number}", "pair": "BTC-USDT", "side": "buy", "executed_qty": "0"} | fields


def body(*orders: dict[str, Any], separators: tuple[str, str] = (",", ":")) -> bytes:
    return json.dumps(
        {"orders": list(orders), "order_count": len(orders)}, separators=separators
    ).encode()


def read(cache: ListingCache[wire.Order], content: bytes) -> tuple[list[wire.Order], int]:
    """One poll of one page: the orders and how many came from the cache."""
    listing = cache.poll()
    response = httpx.Response(200, content=content)
    page = parse_answer(wire.ActiveOrders, response, "GET /x", venue="t", decode=listing.decode)
    listing.learn([page.orders])
    listing.finish()
    return page.orders, listing.hits


def test_unchanged_items_come_back_as_the_same_models_and_changed_ones_are_read_anew() -> None:
    cache = ListingCache[wire.Order](("orders",))
    first, hits = read(cache, body(order(1), order(2), order(3)))
    assert hits == 0 and len(cache) == 3

    second, hits = read(cache, body(order(1), order(2, executed_qty="0.5"), order(3)))

    assert hits == 2
    assert second[0] is first[0] and second[2] is first[2]
    assert second[1] is not first[1] and second[1].executed_qty == Decimal("0.5")


def test_insertions_and_removals_resynchronise_and_vanished_items_are_forgotten() -> None:
    cache = ListingCache[wire.Order](("orders",))
    first, _ = read(cache, body(*(order(n) for n in range(5))))

    second, hits = read(cache, body(order(9), *(order(n) for n in (0, 1, 3, 4))))

    assert hits == 4 and [o.id for o in second] == ["o-9", "o-0", "o-1", "o-3", "o-4"]
    assert second[1] is first[0] and second[3] is first[3]
    assert len(cache) == 5  # o-2 forgotten, o-9 learnt


def test_equal_values_in_other_spellings_are_read_again() -> None:
    # 1 == 1.0 == True in Python: the cache compares the text, never decoded values.
    cache = ListingCache[wire.Order](("orders",))
    read(cache, body(order(1, duration=1)))

    again, hits = read(cache, body(order(1, duration=1), separators=(", ", ": ")))

    assert hits == 0 and again[0].duration == 1


def test_a_malformed_item_is_refused_although_its_earlier_version_was_remembered() -> None:
    cache = ListingCache[wire.Order](("orders",))
    read(cache, body(order(1), order(2)))

    with pytest.raises(VenueBadResponse) as caught:
        read(cache, body(order(1), order(2, side="sideways")))

    assert caught.value.endpoint == "GET /x"
    assert caught.value.detail.startswith("orders.1.side")
    _, hits = read(cache, body(order(1), order(2)))
    assert hits == 2  # the failed poll changed nothing


@pytest.mark.parametrize(
    "content",
    [
        b'{"orders": [], "orders": []}',
        b'{"orders": [1, 2]} x',
        b"[" * 5000,
        b"<html>",
        b"\xef\xbb\xbf{}",
    ],
)
def test_bodies_of_another_shape_decode_exactly_as_loads_does(content: bytes) -> None:
    listing = ListingCache[wire.Order](("orders",)).poll()
    try:
        expected: Any = loads(content)
    except ValueError as exc:
        with pytest.raises(type(exc)):
            listing.decode(content)
        return
    assert listing.decode(content) == expected
