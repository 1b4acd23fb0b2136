"""KuCoin Futures answers that cannot be right: envelope, parsing and adapter survive them
(issue 5 §5).

Seeds are the real bodies in tests/venues/kucoin_futures/resources (envelopes). The code
decides success (notes §4.1), so a mutated `code` may also turn into a typed venue error:
any `VenueError` is fine, any other exception is a bug.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from gui.domain.errors import VenueBadResponse, VenueTransportError
from gui.domain.instruments import Instrument
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.base import OrderReport
from gui.venues.kucoin_futures import KucoinFuturesAdapter, envelope, parsing, wire
from gui.venues.kucoin_futures.config import VENUE
from gui.venues.kucoin_futures.transport import parse_data
from tests.venues.bad_data import (
    FUZZ,
    Garbage,
    answer,
    check_domain,
    dump,
    garbage_bodies,
    run_verb,
)
from tests.venues.kucoin_futures.kucoin_fakes import CREDENTIALS, FAST_CONFIG, RESOURCES

D = Decimal


def doc(name: str) -> Any:
    """A recorded body (an envelope) with exact decimals."""
    return json.loads((RESOURCES / name).read_text(), parse_float=Decimal)


CONTRACTS = doc("http_contracts_active_ok.json")
ACTIVE = doc("http_orders_list_active.json")
STOPS = doc("http_orders_stop_list_legacy.json")
RECENT_FILLS = doc("http_fills_recent_ok.json")
BY_ID = doc("http_orders_by_id_open.json")
FILL_PAGE = doc("http_fills_page_ok.json")
ADDED = doc("http_orders_add_ok.json")
ORDER_ID = BY_ID["data"]["id"]

_CONTRACT_LIST = TypeAdapter(list[wire.Contract]).validate_python(CONTRACTS["data"])
BTC = next(item for item in parsing.instruments(_CONTRACT_LIST) if item.symbol == "XBTUSDTM")


def _orders(data: Any, contract: Instrument) -> list[OrderReport]:
    page = parse_data(TypeAdapter(wire.Page[wire.Order]), data or {}, "GET /api/v1/orders")
    return [parsing.order_report(order, contract, fills=[]) for order in page.items]


def _order(data: Any, contract: Instrument) -> list[OrderReport]:
    order = parse_data(TypeAdapter(wire.Order), data, "GET /api/v1/orders/1")
    return [parsing.order_report(order, contract)]


def _fills(data: Any, contract: Instrument) -> list[Any]:
    fills = parse_data(TypeAdapter(list[wire.Fill]), data or [], "GET /api/v1/recentFills")
    return [parsing.fill_report(fill, contract) for fill in fills]


def _contracts(data: Any, contract: Instrument) -> list[Any]:
    listed = parse_data(TypeAdapter(list[wire.Contract]), data or [], "GET /api/v1/contracts")
    return parsing.instruments(listed)


# resource -> what reads its envelope's data into domain types
PARSERS: dict[str, tuple[Any, Callable[[Any, Instrument], list[Any]]]] = {
    "http_orders_list_active.json": (ACTIVE, _orders),
    "http_orders_stop_list_legacy.json": (STOPS, _orders),
    "http_orders_by_id_open.json": (BY_ID, _order),
    "http_fills_recent_ok.json": (RECENT_FILLS, _fills),
    "http_contracts_active_ok.json": (CONTRACTS, _contracts),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_garbage_is_a_venue_error_and_whatever_parses_reports_cleanly(
    name: str, data: st.DataObject
) -> None:
    seed, reports_of = PARSERS[name]
    response = answer(data.draw(garbage_bodies(seed), label="body"))

    # The envelope checks never raise, whatever arrived (their contract with VenueHttp).
    envelope.check_response(response)
    envelope.extract_message(response)
    parsed = envelope.read_envelope(response)
    if parsed is None:
        return  # the transport raises VenueBadResponse: see the adapter tests below
    try:
        reports = reports_of(parsed.data, BTC)
    except VenueBadResponse as exc:
        assert exc.venue == VENUE
        return
    except ValueError:
        return  # parsing's documented refusal (no id, no side...): the adapter wraps it
    check_domain(reports)


def test_an_unknown_status_is_unknown_with_the_venues_word_kept() -> None:
    order = wire.Order.model_validate(BY_ID["data"] | {"status": "frozen"})

    report = parsing.order_report(order, BTC)

    assert report.status == OrderStatus.UNKNOWN
    assert report.venue_status == "frozen"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("size", -1),
        ("filledSize", "1.5"),
        ("price", "-0.1"),
        ("avgDealPrice", "NaN"),
        ("updatedAt", 10**30),
        ("orderTime", -5),
        ("createdAt", "yesterday"),
        ("isActive", "maybe"),
    ],
)
def test_a_value_that_cannot_be_right_makes_the_data_unreadable(field: str, value: Any) -> None:
    with pytest.raises(VenueBadResponse) as caught:
        parse_data(TypeAdapter(wire.Order), BY_ID["data"] | {field: value}, "GET /api/v1/orders/1")

    assert caught.value.endpoint == "GET /api/v1/orders/1"
    assert field in caught.value.detail


# -- through the adapter ---------------------------------------------------------------------

ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/contracts/active"): CONTRACTS,
    ("GET", "/api/v1/orders"): ACTIVE,
    ("GET", "/api/v1/stopOrders"): STOPS,
    ("GET", "/api/v1/recentFills"): RECENT_FILLS,
    ("GET", f"/api/v1/orders/{ORDER_ID}"): BY_ID,
    ("GET", "/api/v1/fills"): FILL_PAGE,
    ("POST", "/api/v1/orders"): ADDED,
}


def _valid(request: httpx.Request) -> httpx.Response:
    body = ROUTES.get((request.method, request.url.path))
    if body is None:
        return httpx.Response(404, json={"code": "404000", "msg": "Not Found"})
    return httpx.Response(200, content=dump(body))


def _ticket() -> OrderTicket:
    return OrderTicket(
        "kucoin_futures",
        "main",
        "BTC-USDT",
        Side.BUY,
        D("0.005"),
        Strategy.LIMIT,
        limit_price=D("30000"),
    )


def _build(transport: httpx.MockTransport) -> KucoinFuturesAdapter:
    return KucoinFuturesAdapter(FAST_CONFIG, CREDENTIALS, "main", transport=transport)


Verb = Callable[[KucoinFuturesAdapter], Any]
# (verb, endpoint answered with garbage): every request a verb makes gets its turn.
CASES: dict[str, tuple[Verb, tuple[str, str]]] = {
    "open_orders/list": (lambda a: a.open_orders(), ("GET", "/api/v1/orders")),
    "open_orders/stops": (lambda a: a.open_orders(), ("GET", "/api/v1/stopOrders")),
    "open_orders/fills": (lambda a: a.open_orders(), ("GET", "/api/v1/recentFills")),
    "order/order": (lambda a: a.order(ORDER_ID), ("GET", f"/api/v1/orders/{ORDER_ID}")),
    "order/fills": (lambda a: a.order(ORDER_ID), ("GET", "/api/v1/fills")),
    "submit": (lambda a: a.submit(_ticket(), "od-1"), ("POST", "/api/v1/orders")),
}


def test_a_negative_size_in_the_listing_is_a_bad_response_naming_the_endpoint() -> None:
    items = [ACTIVE["data"]["items"][0] | {"size": -1}]
    body = dump(ACTIVE | {"data": ACTIVE["data"] | {"items": items}})

    with pytest.raises(VenueBadResponse) as caught:
        run_verb(
            _build, Garbage(("GET", "/api/v1/orders"), body, _valid), CASES["open_orders/list"][0]
        )

    assert caught.value.endpoint == "GET /api/v1/orders"
    assert caught.value.detail.startswith("items.0.size")


def test_an_order_with_an_unknown_side_is_a_bad_response_naming_the_endpoint() -> None:
    items = [ACTIVE["data"]["items"][0] | {"side": "sideways"}]
    body = dump(ACTIVE | {"data": ACTIVE["data"] | {"items": items}})

    with pytest.raises(VenueTransportError) as caught:  # what it raises today
        run_verb(
            _build, Garbage(("GET", "/api/v1/orders"), body, _valid), CASES["open_orders/list"][0]
        )

    assert isinstance(caught.value, VenueBadResponse)
    assert caught.value.endpoint == "GET /api/v1/orders"


def test_the_raw_body_of_an_answer_that_is_no_envelope_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = b"<html><body>Access denied by edge rule 4711</body></html>"
    verb, target = CASES["open_orders/list"]

    with caplog.at_level(logging.WARNING, logger="gui.venues.raw"):
        with pytest.raises(VenueBadResponse):
            run_verb(_build, Garbage(target, page, _valid), verb)

    [record] = [r for r in caplog.records if r.name == "gui.venues.raw"]
    assert "kucoin_futures GET /api/v1/orders" in record.getMessage()
    assert "Access denied by edge rule 4711" in record.getMessage()
