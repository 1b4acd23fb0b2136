"""The ticket for an algo broker (exchange, asset class, short sale, start time, clip size)
and for a spot exchange that sizes Market orders in the quote asset."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from gui.domain.options import AssetClass, ClipSize, ClipSizeKind, OrderOptions
from gui.domain.orders import OrderTicket, Side, Strategy
from gui.oms.profiles import VenueProfile
from gui.qt.ticket import TicketWidget
from tests.qt.factories import ALGO_BROKER, BROKER, SPOT, make_profiles
from tests.qt.ticket_driving import refuse, send

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def india_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The trader's zone is UTC+05:30 (no daylight saving), for Python and Qt alike."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _profiles() -> dict[str, VenueProfile]:
    return {
        **make_profiles({"anboto": ["algo"]}, ALGO_BROKER),
        **make_profiles({"dfx": ["spot"]}, SPOT),
        **make_profiles({"treadfi": ["main"]}, BROKER),
    }


@pytest.fixture
def ticket(qtbot: QtBot) -> TicketWidget:
    widget = TicketWidget(_profiles())
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _error(ticket: TicketWidget, field: str) -> str:
    label = ticket.findChild(QLabel, f"ticket.error.{field}")
    assert label is not None, field
    return label.text() if label.isVisible() else ""


def _widget(ticket: TicketWidget, name: str) -> QWidget:
    found = ticket.findChild(QWidget, f"ticket.{name}")
    assert found is not None, name
    return found


def _twap(ticket: TicketWidget, minutes: str = "30") -> None:
    ticket.venue.setCurrentText("anboto")
    ticket.pair.setEditText("ETH-USDT")
    ticket.strategy.setCurrentText("TWAP")
    ticket.quantity.setText("4")
    ticket.duration.setText(minutes)


def test_the_algo_broker_ticket_offers_routing_and_schedule(ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("anboto")
    routing = ticket.routing
    assert [routing.destination.itemText(i) for i in range(2)] == ["Binance", "Bybit"]
    assert routing.destination.count() == 2
    classes = [routing.asset_class.itemData(i) for i in range(routing.asset_class.count())]
    assert classes == [AssetClass.SPOT, AssetClass.FUTURE, AssetClass.OPTION]
    for name in ("destination", "asset_class", "short_sale", "start_time", "clip_size_kind"):
        assert _widget(ticket, name).isVisible(), name
    assert [ticket.strategy.itemText(i) for i in range(ticket.strategy.count())] == [
        "Market",
        "Limit",
        "TWAP",
        "VWAP",
    ]
    # GTC only: no time-in-force choice; no exchange book flags.
    assert not ticket.options.time_in_force.isVisible()
    assert not ticket.options.post_only.isVisible()
    assert ticket.options.iceberg.isVisible() and ticket.options.stop.isVisible()


def test_other_venues_show_none_of_the_broker_fields(ticket: TicketWidget) -> None:
    for venue in ("treadfi", "dfx"):
        ticket.venue.setCurrentText(venue)
        for name in ("destination", "asset_class", "short_sale", "start_time", "clip_size"):
            assert not _widget(ticket, name).isVisible(), (venue, name)


@pytest.mark.usefixtures("india_time")
def test_a_scheduled_twap_is_sent_with_routing_start_in_utc_and_clip_fraction(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    # Arrange: a TWAP routed to Bybit futures, starting 2030-01-02 10:00 Kolkata time.
    _twap(ticket)
    ticket.routing.destination.setCurrentText("Bybit")
    ticket.routing.asset_class.setCurrentIndex(
        ticket.routing.asset_class.findData(AssetClass.FUTURE)
    )
    ticket.schedule.start_now.setChecked(False)
    ticket.schedule.start_time.setDateTime(QDateTime(QDate(2030, 1, 2), QTime(10, 0)))
    ticket.schedule.clip_size_kind.setCurrentText("% of order")
    qtbot.keyClicks(ticket.schedule.clip_size, "12.5")

    # Act
    sent = send(qtbot, ticket)

    # Assert: exactly what was typed; 10:00 at UTC+05:30 is 04:30 UTC; 12.5% is 0.125.
    assert sent == OrderTicket(
        venue="anboto",
        account="algo",
        pair="ETH-USDT",
        side=Side.BUY,
        quantity=Decimal(4),
        strategy=Strategy.TWAP,
        duration_s=1800,
        options=OrderOptions(
            destination="Bybit",
            asset_class=AssetClass.FUTURE,
            start_ts=datetime(2030, 1, 2, 4, 30, tzinfo=UTC),
            clip_size=ClipSize(ClipSizeKind.FRACTION, Decimal("0.125")),
        ),
    )


@pytest.mark.usefixtures("india_time")
def test_the_end_time_follows_start_and_duration(ticket: TicketWidget) -> None:
    _twap(ticket, "90")
    ticket.schedule.start_now.setChecked(False)
    ticket.schedule.start_time.setDateTime(QDateTime(QDate(2030, 1, 2), QTime(10, 0)))
    end = ticket.schedule.end_time
    assert end.objectName() == "ticket.end_time"
    assert "2030-01-02 11:30" in end.text() and "06:00 UTC" in end.text()

    ticket.duration.setText("120")
    assert "2030-01-02 12:00" in end.text() and "06:30 UTC" in end.text()

    ticket.schedule.start_now.setChecked(True)
    soon = (datetime.now(UTC) + timedelta(minutes=120)).astimezone()
    assert soon.strftime("%H:%M") in end.text() and "if sent now" in end.text()


def test_now_is_the_default_start_and_sends_no_start_time(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    _twap(ticket)
    assert ticket.schedule.start_now.isChecked()
    assert not ticket.schedule.start_time.isEnabled()
    sent = send(qtbot, ticket)
    assert sent.options.start_ts is None
    assert sent.options.clip_size is None  # Auto: the broker's choice
    assert sent.options.destination == "Binance"  # the first exchange offered
    assert sent.options.asset_class == AssetClass.SPOT


def test_a_quantity_clip_is_sent_in_base_units(qtbot: QtBot, ticket: TicketWidget) -> None:
    _twap(ticket)
    ticket.schedule.clip_size_kind.setCurrentText("Quantity")
    assert "ETH" in ticket.schedule.clip_size.placeholderText()
    ticket.schedule.clip_size.setText("0.5")
    sent = send(qtbot, ticket)
    assert sent.options.clip_size == ClipSize(ClipSizeKind.QUANTITY, Decimal("0.5"))


def test_schedule_fields_are_off_for_a_limit_order(qtbot: QtBot, ticket: TicketWidget) -> None:
    _twap(ticket)
    ticket.schedule.start_now.setChecked(False)
    ticket.schedule.clip_size_kind.setCurrentText("Quantity")
    ticket.schedule.clip_size.setText("1")
    ticket.strategy.setCurrentText("Limit")
    ticket.limit_price.setText("3000")
    assert not ticket.schedule.start_time.isEnabled()
    assert not ticket.schedule.clip_size.isEnabled()
    sent = send(qtbot, ticket)
    assert sent.options.start_ts is None and sent.options.clip_size is None


def test_short_sale_turns_buy_off_and_sends_a_short_sell(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    _twap(ticket)
    ticket.short_sale.setChecked(True)
    assert not ticket.buy.isEnabled()
    assert ticket.sell.text() == "Sell short"
    sent = send(qtbot, ticket, Side.SELL)
    assert sent.side == Side.SELL and sent.options.short_sale

    ticket.short_sale.setChecked(False)
    assert ticket.buy.isEnabled() and ticket.sell.text() == "Sell"


@pytest.mark.parametrize(
    ("kind", "typed", "field", "message"),
    [
        ("% of order", "150", "clip_size", "at most 100%"),
        ("% of order", "", "clip_size", "Give a clip size"),
        ("Quantity", "9", "clip_size", "must not exceed the quantity"),
        ("Quantity", "lots", "clip_size", "must be a number"),
    ],
)
def test_bad_clip_sizes_are_explained_at_the_clip_field(
    qtbot: QtBot, ticket: TicketWidget, kind: str, typed: str, field: str, message: str
) -> None:
    _twap(ticket)
    ticket.schedule.clip_size_kind.setCurrentText(kind)
    ticket.schedule.clip_size.setText(typed)
    errors = refuse(qtbot, ticket)
    assert field in errors
    assert message in _error(ticket, field)
    assert ticket.schedule.clip_size.property("invalid") is True


def test_a_start_in_the_past_is_explained(qtbot: QtBot, ticket: TicketWidget) -> None:
    _twap(ticket)
    ticket.schedule.set_start_ts(datetime(2020, 1, 1, tzinfo=UTC))
    refuse(qtbot, ticket)
    assert "in the past" in _error(ticket, "start_time")


@pytest.mark.parametrize(
    "field", ["destination", "asset_class", "short_sale", "start_time", "clip_size"]
)
def test_venue_messages_land_at_the_matching_widget(qtbot: QtBot, field: str) -> None:
    def check(_ticket: OrderTicket) -> dict[str, str]:
        return {field: f"the venue refuses this {field}"}

    widget = TicketWidget(make_profiles({"anboto": ["algo"]}, ALGO_BROKER), check=check)
    qtbot.addWidget(widget)
    widget.show()
    _twap(widget)
    refuse(qtbot, widget, Side.SELL)
    assert _error(widget, field) == f"the venue refuses this {field}"
    assert _error(widget, "general") == ""
    assert _widget(widget, field).property("invalid") is True
    # Changing the field clears its message.
    if field == "destination":
        widget.routing.destination.setCurrentText("Bybit")
        assert _error(widget, field) == ""


def test_the_spot_market_ticket_asks_for_an_amount_in_the_quote_asset(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.venue.setCurrentText("dfx")
    ticket.pair.setEditText("BTC-USDT")
    assert [ticket.strategy.itemText(i) for i in range(ticket.strategy.count())] == [
        "Market",
        "Limit",
    ]
    assert not ticket.options.isVisible()
    ticket.strategy.setCurrentText("Market")
    assert not ticket.quantity.isVisible()
    assert ticket.quote_quantity.isVisible()
    caption = ticket.quote_quantity.parentWidget().findChildren(QLabel)
    assert any(label.text() == "Amount (USDT)" and label.isVisible() for label in caption)
    qtbot.keyClicks(ticket.quote_quantity, "100")
    assert "100 USDT" in ticket.findChild(QLabel, "ticket.summary").text()

    sent = send(qtbot, ticket)

    assert sent.quantity == Decimal(0) and sent.quote_quantity == Decimal(100)
    assert sent.strategy == Strategy.MARKET and sent.limit_price is None


def test_the_spot_limit_ticket_asks_for_price_and_quantity(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.venue.setCurrentText("dfx")
    ticket.strategy.setCurrentText("Market")
    ticket.quote_quantity.setText("100")
    ticket.strategy.setCurrentText("Limit")
    assert ticket.quantity.isVisible() and not ticket.quote_quantity.isVisible()
    ticket.quantity.setText("0.01")
    ticket.limit_price.setText("60000")
    sent = send(qtbot, ticket, Side.SELL)
    assert sent.quantity == Decimal("0.01") and sent.limit_price == Decimal(60000)
    assert sent.quote_quantity is None


def test_a_missing_amount_and_venue_messages_show_at_the_amount(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.venue.setCurrentText("dfx")
    ticket.strategy.setCurrentText("Market")
    refuse(qtbot, ticket)
    assert "give an amount" in _error(ticket, "quote_quantity")
    assert ticket.quote_quantity.property("invalid") is True

    # A venue message about the (hidden) quantity is shown where the trader sizes the order.
    ticket.show_field_errors({"quantity": "Below the minimum order size of 5 USDT."})
    assert _error(ticket, "quote_quantity") == "Below the minimum order size of 5 USDT."
    assert _error(ticket, "quantity") == ""
