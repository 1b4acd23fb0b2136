"""ZenOTC answers that cannot be right: parsing and the adapter survive them (issue 5 §5).

Seeds are the document's example bodies (tests/venues/zenotc/resources), bare and inside
the `{"data": ...}` envelope the external reference shows (notes §3.5).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from gui.domain.errors import VenueBadResponse, VenueTransportError
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.wire_types import parse_answer
from gui.venues.zenotc import ZenotcAdapter, parsing, wire
from gui.venues.zenotc.config import VENUE
from tests.venues.bad_data import (
    FUZZ,
    NON_JSON_PAGES,
    Garbage,
    answer,
    check_domain,
    check_wire,
    dump,
    garbage_bodies,
    run_verb,
)
from tests.venues.zenotc.zenotc_fakes import CREDENTIALS, FAST_CONFIG, ORDER_ID, load_resource

D = Decimal

ORDER = load_resource("http_orders_object.json")
LISTED = load_resource("http_orders_list_response.json")
FILLS = load_resource("http_orders_fills_response.json")
CREATED = load_resource("http_orders_create_response.json")
# The list's one order with something filled, so that the adapter reads its fills too.
LISTED_FILLED = LISTED | {"orders": [LISTED["orders"][0] | {"filledQuantity": D("0.5")}]}


def _order(order: wire.Order) -> list[Any]:
    return [parsing.order_report(order, account="otc")]


def _page(page: wire.OrderPage) -> list[Any]:
    return [parsing.order_report(order, account="otc") for order in page.orders]


def _fills(answer_: wire.FillList) -> list[Any]:
    return list(parsing.fill_reports(answer_.fills))


# name -> (seed body, answer model, parsing)
PARSERS: dict[str, tuple[Any, type[BaseModel], Callable[[Any], list[Any]]]] = {
    "order": (ORDER, wire.Order, _order),
    "order-enveloped": ({"data": ORDER, "timestamp": 1705314600000}, wire.Order, _order),
    "list": (LISTED, wire.OrderPage, _page),
    "fills": (FILLS, wire.FillList, _fills),
    "created": (CREATED, wire.Order, _order),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_garbage_is_a_bad_response_and_whatever_parses_reports_cleanly(
    name: str, data: st.DataObject
) -> None:
    seed, model, reports_of = PARSERS[name]
    body = data.draw(garbage_bodies(seed), label="body")
    try:
        parsed = parse_answer(model, answer(body), "GET /api/sdk/x", venue=VENUE,
                              unwrap=wire.unwrap)  # fmt: skip
    except VenueBadResponse as exc:
        assert exc.endpoint == "GET /api/sdk/x"
        return
    check_wire(parsed)
    try:
        reports = reports_of(parsed)
    except ValueError:
        return  # parsing's documented refusal (no side, no asset): the adapter wraps it
    check_domain(reports)


def test_an_unknown_status_is_unknown_with_the_venues_word_kept() -> None:
    body = dump(ORDER | {"status": "on_hold"})

    order = parse_answer(wire.Order, answer(body), "GET /o", venue=VENUE)
    report = parsing.order_report(order, account="otc")

    assert report.status == OrderStatus.UNKNOWN
    assert report.venue_status == "on_hold"


@pytest.mark.parametrize(
    ("field", "value", "where"),
    [
        ("side", "sideways", "side"),
        ("quantity", D("-1.5"), "quantity"),
        ("filledQuantity", "Infinity", "filledQuantity"),
        ("price", D("1E+400"), "price"),
        ("createdAt", "2024-01-15T25:00:00Z", "createdAt"),
        ("metadata", ["not", "a", "dict"], "metadata"),
    ],
)
def test_a_value_that_cannot_be_right_names_its_field(field: str, value: Any, where: str) -> None:
    with pytest.raises(VenueBadResponse) as caught:
        parse_answer(wire.Order, answer(dump(ORDER | {field: value})), "GET /o", venue=VENUE)

    assert caught.value.detail.startswith(where), caught.value.detail


# -- through the adapter ---------------------------------------------------------------------

ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/api/sdk/orders"): LISTED_FILLED,
    ("GET", f"/api/sdk/orders/{ORDER_ID}"): ORDER,
    ("GET", f"/api/sdk/orders/{ORDER_ID}/fills"): FILLS,
    ("POST", "/api/sdk/orders"): CREATED | {"filledQuantity": D("0.5")},
}


def _valid(request: httpx.Request) -> httpx.Response:
    body = ROUTES.get((request.method, request.url.path))
    if body is None:
        return httpx.Response(404, json={"statusCode": 404, "message": "Not Found"})
    return httpx.Response(201 if request.method == "POST" else 200, content=dump(body))


def _ticket() -> OrderTicket:
    return OrderTicket(
        "zenotc", "otc", "BTC-USD", Side.BUY, D("1.5"), Strategy.LIMIT, limit_price=D("50000")
    )


def _build(transport: httpx.MockTransport) -> ZenotcAdapter:
    return ZenotcAdapter(FAST_CONFIG, CREDENTIALS, "otc", transport=transport)


Verb = Callable[[ZenotcAdapter], Any]
FILLS_PATH = ("GET", f"/api/sdk/orders/{ORDER_ID}/fills")
CASES: dict[str, tuple[Verb, tuple[str, str]]] = {
    "open_orders/list": (lambda a: a.open_orders(), ("GET", "/api/sdk/orders")),
    "open_orders/fills": (lambda a: a.open_orders(), FILLS_PATH),
    "order/order": (lambda a: a.order(ORDER_ID), ("GET", f"/api/sdk/orders/{ORDER_ID}")),
    "order/fills": (lambda a: a.order(ORDER_ID), FILLS_PATH),
    "submit": (lambda a: a.submit(_ticket(), "od-1"), ("POST", "/api/sdk/orders")),
}


def test_fills_that_cannot_be_read_after_a_submit_leave_the_order_standing() -> None:
    # The order exists once the create answered; unreadable fills must not lose it.
    garbage = Garbage(FILLS_PATH, NON_JSON_PAGES[0], _valid)

    report = run_verb(_build, garbage, CASES["submit"][0])

    assert garbage.seen == [" ".join(FILLS_PATH)]
    assert report.venue_order_id == ORDER_ID and report.fills is None


def test_an_order_without_a_side_is_a_bad_response_naming_the_endpoint() -> None:
    orders = [{k: v for k, v in LISTED["orders"][0].items() if k != "side"}]
    body = dump(LISTED | {"orders": orders})

    with pytest.raises(VenueTransportError) as caught:  # what it raises today
        run_verb(
            _build, Garbage(("GET", "/api/sdk/orders"), body, _valid), CASES["open_orders/list"][0]
        )

    assert isinstance(caught.value, VenueBadResponse)
    assert caught.value.endpoint == "GET /api/sdk/orders"
