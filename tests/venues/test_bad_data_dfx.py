"""DFX answers that cannot be right: envelope, parsing and adapter survive them (issue 5 §5).

Seeds are the document's example envelopes (tests/venues/dfx/resources, `//` annotations
removed). A mutated `code` may turn into a typed venue error (notes §2.5): any
`VenueError` is fine, any other exception is a bug.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gui.domain.errors import VenueBadResponse, VenueTransportError
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.dfx import DfxAdapter, envelope, parsing, wire
from gui.venues.dfx.config import VENUE
from gui.venues.dfx.encoding import validate, validate_list
from tests.venues.bad_data import (
    FUZZ,
    FUZZ_ADAPTER,
    Garbage,
    answer,
    check_domain,
    dump,
    garbage_bodies,
    run_verb,
)
from tests.venues.dfx.dfx_fakes import CREDENTIALS, FAST_CONFIG, ORDER_ID, load_resource

D = Decimal

OPEN = load_resource("http_open_order_response.json")
ONE = load_resource("http_order_get_response.json")
CREATED = load_resource("http_order_create_response.json")
TRADES = load_resource("http_account_trades_response.json")
SYMBOLS = load_resource("http_symbols_response.json")
FINISHED = load_resource("http_finish_order_response.json")
# The order part filled, so that the adapter reads its trades too.
ONE_FILLED = ONE | {"data": ONE["data"] | {"tradeQty": "0.0005", "tradeAmount": "34.5"}}


def _orders(data: Any) -> list[Any]:
    orders = validate_list(wire.DfxOrder, data, "GET /api/v1/spot/open_order", 200)
    return [parsing.order_report(order, account="spot", aggregate=True) for order in orders]


def _order(data: Any) -> list[Any]:
    order = validate(wire.DfxOrder, data, "GET /api/v1/spot/order", 200)
    return [parsing.order_report(order, account="spot")]


def _trades(data: Any) -> list[Any]:
    return list(parsing.fill_reports(validate_list(wire.DfxTrade, data, "GET /t", 200)))


def _symbols(data: Any) -> list[Any]:
    return [parsing.instrument(s) for s in validate_list(wire.DfxSymbol, data, "GET /s", 200)]


# name -> (seed envelope, what reads its data into domain types)
PARSERS: dict[str, tuple[Any, Callable[[Any], list[Any]]]] = {
    "open": (OPEN, _orders),
    "finished": (FINISHED, _orders),
    "one": (ONE_FILLED, _order),
    "trades": (TRADES, _trades),
    "symbols": (SYMBOLS, _symbols),
}


@pytest.mark.parametrize("name", sorted(PARSERS))
@FUZZ
@given(data=st.data())
def test_garbage_is_a_venue_error_and_whatever_parses_reports_cleanly(
    name: str, data: st.DataObject
) -> None:
    seed, reports_of = PARSERS[name]
    response = answer(data.draw(garbage_bodies(seed), label="body"))

    # The envelope checks never raise, whatever arrived (their contract with the client).
    envelope.check_response(response)
    envelope.extract_message(response)
    parsed = envelope.read_envelope(response)
    if parsed is None:
        return  # the client raises VenueBadResponse: see the adapter tests below
    try:
        reports = reports_of(parsed.data)
    except VenueBadResponse as exc:
        assert exc.venue == VENUE
        return
    except ValueError:
        return  # parsing's documented refusal (no side or symbol): the adapter wraps it
    check_domain(reports)


def test_an_unknown_status_is_unknown_with_the_venues_word_kept() -> None:
    order = wire.DfxOrder.model_validate(ONE["data"] | {"status": "PENDING_CANCEL"})

    report = parsing.order_report(order, account="spot")

    assert report.status == OrderStatus.UNKNOWN
    assert report.venue_status == "PENDING_CANCEL"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("side", "HOLD"),
        ("tradeQty", "-0.001"),
        ("price", "1e400"),
        ("quantity", "NaN"),
        ("orderId", D("2000000074758463.5")),  # a fraction as a JSON number
        ("tradeAmount", {"a": 1}),
    ],
)
def test_a_value_that_cannot_be_right_makes_the_data_unreadable(field: str, value: Any) -> None:
    with pytest.raises(VenueBadResponse) as caught:
        validate(wire.DfxOrder, ONE["data"] | {field: value}, "GET /api/v1/spot/order", 200)

    assert caught.value.endpoint == "GET /api/v1/spot/order"


# -- through the adapter ---------------------------------------------------------------------

ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/api/v1/spot/open_order"): OPEN,
    ("GET", "/api/v1/spot/order"): ONE_FILLED,
    ("POST", "/api/v1/spot/order"): CREATED,
    ("GET", "/api/v1/account/trades"): TRADES,
}


def _valid(request: httpx.Request) -> httpx.Response:
    body = ROUTES.get((request.method, request.url.path))
    if body is None:
        return httpx.Response(404, json={"code": "404", "msg": "no such route"})
    return httpx.Response(200, content=dump(body))


def _ticket() -> OrderTicket:
    return OrderTicket(
        "dfx", "spot", "BTC-USDT", Side.BUY, D("0.001"), Strategy.LIMIT, limit_price=D("69000")
    )


def _build(transport: httpx.MockTransport) -> DfxAdapter:
    return DfxAdapter(FAST_CONFIG, CREDENTIALS, "spot", transport=transport)


Verb = Callable[[DfxAdapter], Any]
CASES: dict[str, tuple[Verb, tuple[str, str]]] = {
    "open_orders": (lambda a: a.open_orders(), ("GET", "/api/v1/spot/open_order")),
    "order": (lambda a: a.order(ORDER_ID), ("GET", "/api/v1/spot/order")),
    "submit": (lambda a: a.submit(_ticket(), "od-1"), ("POST", "/api/v1/spot/order")),
}


@FUZZ_ADAPTER
@given(body=garbage_bodies(TRADES))
def test_trades_that_cannot_be_read_leave_the_order_report_without_fills(body: bytes) -> None:
    # A trades failure is logged and the report carries no fill list (notes §2.3): the
    # order itself must still be reported.
    garbage = Garbage(("GET", "/api/v1/account/trades"), body, _valid)

    report = run_verb(_build, garbage, CASES["order"][0])

    assert report.venue_order_id == ORDER_ID
    check_domain(report)


def test_the_raw_body_of_an_answer_that_is_no_envelope_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = b"<html><body>upstream timed out (gateway 7)</body></html>"

    with caplog.at_level(logging.WARNING, logger="gui.venues.raw"):
        with pytest.raises(VenueBadResponse):
            run_verb(
                _build, Garbage(CASES["open_orders"][1], page, _valid), CASES["open_orders"][0]
            )

    [record] = [r for r in caplog.records if r.name == "gui.venues.raw"]
    assert "GET /api/v1/spot/open_order" in record.getMessage()
    assert "upstream timed out (gateway 7)" in record.getMessage()


def test_an_order_without_a_side_is_a_bad_response_naming_the_endpoint() -> None:
    orders = [{k: v for k, v in OPEN["data"][0].items() if k != "side"}]
    body = dump(OPEN | {"data": orders})

    with pytest.raises(VenueTransportError) as caught:  # what it raises today
        run_verb(_build, Garbage(CASES["open_orders"][1], body, _valid), CASES["open_orders"][0])

    assert isinstance(caught.value, VenueBadResponse)
    assert caught.value.endpoint == "GET /api/v1/spot/open_order"
