"""Anboto answers that cannot be right: parsing and the adapter survive them (issue 5 §5).

Seeds are the document's schema examples (tests/venues/anboto/resources), also with
realistic values (a `BTC/USDT` order part filled), so that mutations reach the parsing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from gui.domain.errors import VenueBadResponse, VenueTransportError
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.anboto import AnbotoAdapter, parsing, wire
from gui.venues.anboto.config import VENUE
from gui.venues.wire_types import parse_answer
from tests.venues.anboto.anboto_fakes import CREDENTIALS, FAST_CONFIG, load_resource
from tests.venues.bad_data import (
    FUZZ,
    Garbage,
    answer,
    check_domain,
    check_wire,
    dump,
    garbage_bodies,
    run_verb,
)

D = Decimal
NOW = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)
ORDER_ID = "123"

DETAILS = load_resource("http_order_id_response.json") | {
    "orderId": 123,
    "clientOrderId": "od-1",
    "symbol": "BTC/USDT",
    "status": "PARTIALLY_FILLED",
    "filledQuantity": D("0.5"),
    "leavesQuantity": D("1.5"),
    "lastQuantity": D("0.25"),
    "lastPrice": D("42000.5"),
    "averagePrice": D("42000.1"),
}
OPEN = {"responses": [DETAILS]}
SUMMARY = load_resource("http_order_create_response.json") | {"orderId": 123}
SENT = parsing.Sent("od-1", "BTC-USDT", Side.BUY, D("2"), Strategy.LIMIT, D("42000"))


def _details(details: wire.OrderDetails) -> list[Any]:
    return [
        parsing.details_report(details, account="algo", sent=sent, now=NOW) for sent in (None, SENT)
    ]


def _list(found: wire.OrderDetailsList) -> list[Any]:
    return [report for details in found.responses for report in _details(details)]


def _summaries(found: wire.OrderSummaryList) -> list[Any]:
    return [parsing.summary_report(s, SENT, account="algo") for s in found.responses]


# name -> (seed body, answer model, parsing)
PARSERS: dict[str, tuple[Any, type[BaseModel], Callable[[Any], list[Any]]]] = {
    "id-doc": (load_resource("http_order_id_response.json"), wire.OrderDetails, _details),
    "id": (DETAILS, wire.OrderDetails, _details),
    "open": (OPEN, wire.OrderDetailsList, _list),
    "find": (load_resource("http_order_find_response.json"), wire.OrderDetailsList, _list),
    "create": (SUMMARY, wire.OrderSummary, lambda s: [parsing.summary_report(s, SENT,
                                                                             account="algo")]),
    "create-many": (
        load_resource("http_order_create_many_response.json"),
        wire.OrderSummaryList,
        _summaries,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_garbage_is_a_bad_response_and_whatever_parses_reports_cleanly(
    name: str, data: st.DataObject
) -> None:
    seed, model, reports_of = PARSERS[name]
    body = data.draw(garbage_bodies(seed), label="body")
    try:
        parsed = parse_answer(model, answer(body), "GET /api/v2/x", venue=VENUE)
    except VenueBadResponse as exc:
        assert exc.endpoint == "GET /api/v2/x"
        return
    check_wire(parsed)
    try:
        reports = reports_of(parsed)
    except ValueError:
        return  # parsing's documented refusal (no side or symbol, nothing sent)
    check_domain(reports)


def test_an_unknown_status_is_unknown_with_the_venues_word_kept() -> None:
    details = parse_answer(
        wire.OrderDetails, answer(dump(DETAILS | {"status": "CANCEL_REJECTED"})), "GET /o",
        venue=VENUE,
    )  # fmt: skip

    report = parsing.details_report(details, account="algo", sent=SENT, now=NOW)

    assert report.status == OrderStatus.UNKNOWN
    assert report.venue_status == "CANCEL_REJECTED"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("side", "LONG"),
        ("filledQuantity", D("-0.5")),
        ("leavesQuantity", "NaN"),
        ("averagePrice", D("1E-400")),
        ("status", None),
        ("orderId", [1]),
    ],
)
def test_a_value_that_cannot_be_right_names_its_field(field: str, value: Any) -> None:
    with pytest.raises(VenueBadResponse) as caught:
        parse_answer(wire.OrderDetails, answer(dump(DETAILS | {field: value})), "GET /o",
                     venue=VENUE)  # fmt: skip

    assert caught.value.detail.startswith(field), caught.value.detail


# -- through the adapter ---------------------------------------------------------------------

PREFIX = "/api/v2/trading/order"
ROUTES: dict[tuple[str, str], Any] = {
    ("GET", f"{PREFIX}/open"): OPEN,
    ("GET", f"{PREFIX}/id"): DETAILS,
    ("POST", f"{PREFIX}/create"): SUMMARY,
}


def _valid(request: httpx.Request) -> httpx.Response:
    body = ROUTES.get((request.method, request.url.path))
    if body is None:
        return httpx.Response(400, json={"errorCode": "OTHER", "message": "no such route"})
    return httpx.Response(201 if request.method == "POST" else 200, content=dump(body))


def _ticket() -> OrderTicket:
    return OrderTicket(VENUE, "algo", "BTC-USDT", Side.BUY, D("2"), Strategy.MARKET)


def _build(transport: httpx.MockTransport) -> AnbotoAdapter:
    return AnbotoAdapter(FAST_CONFIG, CREDENTIALS, "algo", transport=transport, now=lambda: NOW)


Verb = Callable[[AnbotoAdapter], Any]
CASES: dict[str, tuple[Verb, tuple[str, str]]] = {
    "open_orders": (lambda a: a.open_orders(), ("GET", f"{PREFIX}/open")),
    "order": (lambda a: a.order(ORDER_ID), ("GET", f"{PREFIX}/id")),
    "submit": (lambda a: a.submit(_ticket(), "od-1"), ("POST", f"{PREFIX}/create")),
}


def test_an_order_without_side_or_symbol_is_a_bad_response_naming_the_endpoint() -> None:
    bare = {k: v for k, v in DETAILS.items() if k not in ("side", "symbol", "clientOrderId")}
    body = dump({"responses": [bare | {"orderId": 999}]})

    with pytest.raises(VenueTransportError) as caught:  # what it raises today
        run_verb(_build, Garbage(("GET", f"{PREFIX}/open"), body, _valid), CASES["open_orders"][0])

    assert isinstance(caught.value, VenueBadResponse)
    assert caught.value.endpoint == f"GET {PREFIX}/open"
