"""ZenOTC wire <-> domain: statuses, pairs, strategies, create and amend bodies."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from gui.domain.errors import UnsupportedAction
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.venues.zenotc import parsing, wire
from tests.venues.zenotc.zenotc_fakes import order_body

D = Decimal


@pytest.mark.parametrize(
    ("venue_status", "filled", "status"),
    [
        ("open", False, OrderStatus.WORKING),
        ("open", True, OrderStatus.PARTIALLY_FILLED),
        ("partially_filled", True, OrderStatus.PARTIALLY_FILLED),
        ("filled", True, OrderStatus.FILLED),
        ("cancelled", False, OrderStatus.CANCELED),
        ("cancelled", True, OrderStatus.CANCELED),
        ("rejected", False, OrderStatus.REJECTED),
        ("expired", False, OrderStatus.EXPIRED),
        ("expired", True, OrderStatus.EXPIRED),  # a partly filled IOC (notes §3.7.8)
        ("FILLED", True, OrderStatus.FILLED),
    ],
)
def test_status_map(venue_status: str, filled: bool, status: OrderStatus) -> None:
    assert parsing.map_status(venue_status, filled=filled) is status


@pytest.mark.parametrize("venue_status", ["pending", "canceled", "", None])
def test_unknown_status_is_never_guessed(
    venue_status: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="gui.venues.zenotc.parsing"):
        assert parsing.map_status(venue_status, filled=True, order_id="ord_1") is (
            OrderStatus.UNKNOWN
        )
    assert "ord_1" in caplog.text


def test_status_map_covers_the_documented_statuses() -> None:
    documented = {"open", "partially_filled", "filled", "cancelled", "rejected", "expired"}
    assert set(parsing.STATUS_MAP) == documented


@pytest.mark.parametrize(
    ("pair", "asset"), [("BTC-USD", "BTC"), ("ETH-USD", "ETH"), ("DOGE-USD", "DOGE")]
)
def test_pair_and_asset_round_trip(pair: str, asset: str) -> None:
    assert parsing.asset_for_pair(pair) == asset
    assert parsing.pair_for_asset(asset) == pair
    assert parsing.quote_error(pair) is None


@pytest.mark.parametrize("pair", ["BTC-USDT", "ETH-BTC", "BTC", "-USD"])
def test_other_quotes_are_refused(pair: str) -> None:
    message = parsing.quote_error(pair)
    assert message is not None and message.startswith("ZenOTC quotes every asset in USD")
    with pytest.raises(UnsupportedAction):
        parsing.asset_for_pair(pair)


@pytest.mark.parametrize(
    ("order_type", "tif", "strategy"),
    [
        ("market", "GTC", Strategy.MARKET),
        ("market", None, Strategy.MARKET),
        ("limit", "GTC", Strategy.LIMIT),
        ("limit", "FOK", Strategy.LIMIT),
        ("limit", "IOC", Strategy.IOC),
        (None, "IOC", None),
        ("stop", "GTC", None),
    ],
)
def test_strategy_of_type_and_time_in_force(
    order_type: str | None, tif: str | None, strategy: Strategy | None
) -> None:
    assert parsing.parse_strategy(order_type, tif) is strategy


def ticket(**fields: Any) -> OrderTicket:
    base: dict[str, Any] = {
        "venue": "zenotc",
        "account": "otc",
        "pair": "BTC-USD",
        "side": Side.BUY,
        "quantity": D("1.5"),
        "strategy": Strategy.LIMIT,
        "limit_price": D("50000.00"),
    }
    return OrderTicket(**(base | fields))


@pytest.mark.parametrize(
    ("sent", "body"),
    [
        (
            ticket(),
            {
                "side": "buy",
                "asset": "BTC",
                "quantity": D("1.5"),
                "price": D("50000.00"),
                "orderType": "limit",
                "timeInForce": "GTC",
                "clientOrderId": "od-1",
            },
        ),
        (
            ticket(strategy=Strategy.IOC),
            {
                "side": "buy",
                "asset": "BTC",
                "quantity": D("1.5"),
                "price": D("50000.00"),
                "orderType": "limit",
                "timeInForce": "IOC",
                "clientOrderId": "od-1",
            },
        ),
        (
            ticket(time_in_force=TimeInForce.FOK, side=Side.SELL, notes="for desk"),
            {
                "side": "sell",
                "asset": "BTC",
                "quantity": D("1.5"),
                "price": D("50000.00"),
                "orderType": "limit",
                "timeInForce": "FOK",
                "clientOrderId": "od-1",
                "metadata": {"notes": "for desk"},
            },
        ),
        (
            ticket(strategy=Strategy.MARKET, limit_price=None, pair="ETH-USD"),
            {
                "side": "buy",
                "asset": "ETH",
                "quantity": D("1.5"),
                "orderType": "market",
                "timeInForce": "GTC",
                "clientOrderId": "od-1",
            },
        ),
    ],
    ids=["limit-gtc", "ioc-strategy", "limit-fok-notes", "market"],
)
def test_create_request(sent: OrderTicket, body: dict[str, Any]) -> None:
    assert parsing.create_request(sent, "od-1").body() == body


@pytest.mark.parametrize(
    "sent",
    [ticket(strategy=Strategy.TWAP, duration_s=600), ticket(pair="BTC-USDT")],
    ids=["algo", "usdt"],
)
def test_create_request_refuses(sent: OrderTicket) -> None:
    with pytest.raises(UnsupportedAction):
        parsing.create_request(sent, "od-1")


@pytest.mark.parametrize(
    ("amendment", "body"),
    [
        (Amendment(quantity=D("2.0")), {"quantity": D("2.0")}),
        (Amendment(limit_price=D("51000")), {"price": D("51000")}),
        (
            Amendment(quantity=D("2.0"), limit_price=D("51000.00")),
            {"quantity": D("2.0"), "price": D("51000.00")},
        ),
    ],
)
def test_amend_request_quantity_is_the_new_total(
    amendment: Amendment, body: dict[str, Any]
) -> None:
    assert parsing.amend_request(amendment).body() == body


@pytest.mark.parametrize(
    ("amendment", "error"),
    [
        (Amendment(duration_s=600), UnsupportedAction),
        (Amendment(quantity=D(1), pov_target=D("0.1")), UnsupportedAction),
        (Amendment(), ValueError),
        (Amendment(quantity=D(0)), ValueError),
        (Amendment(limit_price=D(-1)), ValueError),
    ],
)
def test_amend_request_refuses(amendment: Amendment, error: type[Exception]) -> None:
    with pytest.raises(error):
        parsing.amend_request(amendment)


def test_report_uses_what_was_sent_for_a_list_item() -> None:
    item = wire.Order.model_validate(
        order_body(
            orderType=None,
            timeInForce=None,
            averagePrice=None,
            remainingQuantity=None,
            updatedAt=None,
            metadata=None,
        )
    )
    known = parsing.Sent(strategy=Strategy.IOC, filled_qty=D("0.5"), avg_fill_px=D("49950"))
    report = parsing.order_report(item, account="otc", sent=known)
    assert report.strategy is Strategy.IOC and report.avg_fill_px == D("49950")
    # The average belongs to a filled quantity: once that moves it is not reused.
    moved = known.__class__(strategy=None, filled_qty=D("0.4"), avg_fill_px=D("1"))
    report = parsing.order_report(item, account="otc", sent=moved)
    assert report.avg_fill_px is None and report.strategy is None


def test_report_side_and_asset_are_required() -> None:
    for body in (order_body(side=None), order_body(side="short"), order_body(asset=None)):
        with pytest.raises(ValueError):
            parsing.order_report(wire.Order.model_validate(body), account="otc")


def test_quantity_from_filled_plus_remaining_when_absent() -> None:
    order = wire.Order.model_validate(order_body(quantity=None))
    assert parsing.order_report(order, account="otc").quantity == D("1.5")
