"""Tread.fi answers that cannot be right: parsing and the adapter survive them (issue 5 §5).

The document's own example bodies (tests/venues/treadfi/resources) are the seeds: each is
fed whole, mutated and cut; garbage becomes `VenueBadResponse` naming the endpoint, and what
is accepted becomes reports in exact, non-negative Decimals and aware UTC times.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from gui.domain.errors import VenueBadResponse, VenueError, VenueUnavailable
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.base import OrderReport
from gui.venues.treadfi import TreadfiAdapter, parsing, wire
from gui.venues.treadfi.config import VENUE
from gui.venues.wire_types import parse_answer
from tests.venues.bad_data import (
    FUZZ,
    FUZZ_ADAPTER,
    HTML_PAGES,
    NON_JSON_PAGES,
    Garbage,
    answer,
    check_domain,
    check_verb_on_garbage,
    check_wire,
    dump,
    garbage_bodies,
    run_verb,
)
from tests.venues.treadfi.treadfi_fakes import API_KEY, FAST_CONFIG, ORDER_ID, RESOURCES

D = Decimal


def doc(name: str) -> Any:
    """A document example with exact decimals."""
    return json.loads((RESOURCES / name).read_text(), parse_float=Decimal)


ACTIVE = doc("http_orders_active_ok.json")
DETAIL = doc("http_orders_detail_ok.json")
CREATED = doc("http_orders_submit_created.json")


def _orders(page: wire.OrderPage | wire.ActiveOrders) -> list[OrderReport]:
    return [parsing.order_report(order) for order in page.orders]


def _stats(page: wire.OrdersWithStatsPage) -> list[OrderReport]:
    return [parsing.summary_report(order) for order in page.orders]


# resource -> (answer model, the parsing that turns it into reports)
PARSERS: dict[str, tuple[type[BaseModel], Callable[[Any], list[OrderReport]]]] = {
    "http_orders_active_ok.json": (wire.ActiveOrders, _orders),
    "http_orders_list_ok.json": (wire.OrderPage, _orders),
    "http_orders_detail_ok.json": (wire.Order, lambda order: [parsing.order_report(order)]),
    "http_orders_submit_created.json": (wire.Order, lambda order: [parsing.order_report(order)]),
    "http_orders_summary_ok.json": (wire.OrderSummary, lambda s: [parsing.summary_report(s)]),
    "http_orders_stats_ok.json": (wire.OrdersWithStatsPage, _stats),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_garbage_is_a_bad_response_and_whatever_parses_reports_cleanly(
    name: str, data: st.DataObject
) -> None:
    model, reports_of = PARSERS[name]
    body = data.draw(garbage_bodies(doc(name)), label="body")
    try:
        parsed = parse_answer(model, answer(body), "GET /api/x/", venue=VENUE)
    except VenueBadResponse as exc:
        assert exc.endpoint == "GET /api/x/"
        return
    check_wire(parsed)
    # Tread.fi's parsing refuses nothing the wire models accept (the side is checked there).
    check_domain(reports_of(parsed))


def test_an_unknown_status_is_unknown_with_the_venues_word_kept() -> None:
    body = dump(DETAIL | {"status": "HIBERNATING"})

    report = parsing.order_report(parse_answer(wire.Order, answer(body), "GET /o", venue=VENUE))

    assert report.status == OrderStatus.UNKNOWN
    assert report.venue_status == "HIBERNATING"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("side", "sideways", "side"),
        ("executed_qty", "-0.5", "executed_qty"),
        ("target_order_qty", "1e400", "target_order_qty"),
        ("average_executed_price", "NaN", "average_executed_price"),
        ("created_at", "0001-01-01T00:00:00+01:00", "created_at"),
        ("created_at", 10**20, "created_at"),
        ("placements", {"not": "a list"}, "placements"),
    ],
)
def test_a_value_that_cannot_be_right_names_its_field(field: str, value: Any, where: str) -> None:
    body = dump(DETAIL | {field: value})

    with pytest.raises(VenueBadResponse) as caught:
        parse_answer(wire.Order, answer(body), "GET /api/order/1", venue=VENUE)

    assert caught.value.detail.startswith(where), caught.value.detail


# -- through the adapter ---------------------------------------------------------------------


def _ticket() -> OrderTicket:
    return OrderTicket(
        "treadfi", "main", "BTC-USDT", Side.BUY, D("0.5"), Strategy.TWAP, duration_s=600
    )


VERBS: dict[str, tuple[tuple[str, str], Callable[[TreadfiAdapter], Any], Any]] = {
    "open_orders": (("GET", "/api/active_orders/"), lambda a: a.open_orders(), ACTIVE),
    "order": (("GET", f"/api/order/{ORDER_ID}"), lambda a: a.order(ORDER_ID), DETAIL),
    "submit": (("POST", "/api/orders/"), lambda a: a.submit(_ticket(), "od-1"), CREATED),
}


def _valid(request: httpx.Request) -> httpx.Response:
    for target, _, body in VERBS.values():
        if (request.method, request.url.path) == target:
            return httpx.Response(200 if target[0] == "GET" else 201, content=dump(body))
    return httpx.Response(404, text="Not found.")


def _build(transport: httpx.MockTransport) -> TreadfiAdapter:
    return TreadfiAdapter(FAST_CONFIG, API_KEY, "main", transport=transport)


@pytest.mark.parametrize("verb", sorted(VERBS))
@FUZZ_ADAPTER
@given(body=garbage_bodies(ACTIVE, DETAIL, CREATED))
def test_each_verb_on_garbage_returns_clean_reports_or_raises_a_venue_error(
    verb: str, body: bytes
) -> None:
    target, call, _ = VERBS[verb]
    garbage = Garbage(target, body, _valid)
    must_fail = body in NON_JSON_PAGES
    check_verb_on_garbage(_build, garbage, call, " ".join(target), must_fail=must_fail)


@pytest.mark.parametrize("verb", sorted(VERBS))
@pytest.mark.parametrize("page", NON_JSON_PAGES[:3], ids=["502", "maintenance", "cloudflare"])
def test_an_html_page_with_200_is_a_bad_response_naming_the_endpoint(
    verb: str, page: bytes
) -> None:
    target, call, _ = VERBS[verb]

    with pytest.raises(VenueBadResponse) as caught:
        run_verb(_build, Garbage(target, page, _valid), call)

    assert caught.value.endpoint == " ".join(target)
    assert caught.value.venue == VENUE


def test_an_html_page_with_502_is_the_venue_being_unavailable() -> None:
    target, call, _ = VERBS["open_orders"]
    garbage = Garbage(target, HTML_PAGES[0], _valid, status=502)

    with pytest.raises(VenueUnavailable) as caught:
        run_verb(_build, garbage, call)

    assert "502 Bad Gateway" in caught.value.venue_message
    assert len(garbage.seen) == FAST_CONFIG.read_attempts  # a read is retried, then given up


def test_an_order_with_an_unknown_side_makes_the_poll_a_bad_response() -> None:
    # One order nobody can show (no side) fails the listing by name, never silently.
    orders = [ACTIVE["orders"][0] | {"side": "sideways"}]
    garbage = Garbage(VERBS["open_orders"][0], dump(ACTIVE | {"orders": orders}), _valid)

    with pytest.raises(VenueBadResponse) as caught:
        run_verb(_build, garbage, lambda adapter: adapter.open_orders())

    assert caught.value.endpoint == "GET /api/active_orders/"
    assert caught.value.detail.startswith("orders.0.side")


def test_a_deeply_nested_error_body_is_still_a_venue_error() -> None:
    garbage = Garbage(VERBS["open_orders"][0], b"[" * 100_000, _valid, status=400)

    with pytest.raises(VenueError):
        run_verb(_build, garbage, lambda adapter: adapter.open_orders())
