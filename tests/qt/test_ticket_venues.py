"""The ticket adapts to the venue: only what it takes is offered, contracts become base."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.domain.options import MarginMode, OrderOptions, StopDirection, StopTrigger
from gui.domain.orders import OrderTicket, Strategy, TimeInForce
from gui.qt.ticket import TicketWidget
from gui.venues.base import VenueCapabilities
from tests.qt.factories import BROKER, EXCHANGE, make_profiles
from tests.qt.ticket_driving import send

# Showing a top-level widget on the offscreen platform logs this harmless warning.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

OTC = VenueCapabilities(
    strategies=frozenset({Strategy.MARKET, Strategy.LIMIT, Strategy.IOC}),
    time_in_force=frozenset(TimeInForce),
    amend=True,
)


@pytest.fixture
def ticket(qtbot: QtBot) -> TicketWidget:
    profiles = {
        **make_profiles({"treadfi": ["main"]}, BROKER),
        **make_profiles({"kucoin_futures": ["futures"]}, EXCHANGE),
        **make_profiles({"zenotc": ["otc"]}, OTC),
    }
    widget = TicketWidget(profiles)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _error(ticket: TicketWidget, field: str) -> str:
    label = ticket.findChild(QLabel, f"ticket.error.{field}")
    assert label is not None, field
    return label.text() if label.isVisible() else ""


def test_a_broker_ticket_shows_no_exchange_options(ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("treadfi")
    assert not ticket.options.isVisible()
    strategies = [ticket.strategy.itemText(i) for i in range(ticket.strategy.count())]
    assert "TWAP" in strategies


def test_futures_ticket_asks_for_contracts_and_sends_base(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.venue.setCurrentText("kucoin_futures")
    assert [ticket.pair.itemText(i) for i in range(ticket.pair.count())] == [
        "BTC-USDT",
        "ETH-USDT",
    ]
    assert "TWAP" not in [ticket.strategy.itemText(i) for i in range(ticket.strategy.count())]
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("7")
    ticket.limit_price.setText("60000")
    base = ticket.findChild(QLabel, "ticket.base_quantity")
    assert base is not None and "= 0.007 BTC" in base.text()
    ticket.options.leverage.setText("5")
    ticket.options.margin_mode.setCurrentIndex(
        ticket.options.margin_mode.findData(MarginMode.CROSS)
    )
    ticket.options.reduce_only.setChecked(True)
    sent = send(qtbot, ticket)
    assert sent.quantity == Decimal("0.007")
    assert sent.options == OrderOptions(
        reduce_only=True, leverage=Decimal(5), margin_mode=MarginMode.CROSS
    )


def test_iceberg_and_stop_are_read_with_their_values(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("kucoin_futures")
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("10")
    ticket.limit_price.setText("60000")
    ticket.options.iceberg.setChecked(True)
    ticket.options.visible_quantity.setText("2")
    ticket.options.stop.setCurrentIndex(ticket.options.stop.findData(StopDirection.DOWN))
    ticket.options.stop_price.setText("59000")
    sent = send(qtbot, ticket)
    assert sent.options.visible_quantity == Decimal("0.002")
    assert sent.options.stop == StopTrigger(StopDirection.DOWN, Decimal(59000))


def test_post_only_with_ioc_is_explained_and_nothing_sent(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.venue.setCurrentText("kucoin_futures")
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("1")
    ticket.limit_price.setText("60000")
    ticket.options.time_in_force.setCurrentText("IOC")
    ticket.options.post_only.setChecked(True)
    with qtbot.assertNotEmitted(ticket.submit_requested):
        ticket.buy.click()
    assert "Post-only" in _error(ticket, "post_only")


def test_post_only_is_disabled_for_market_orders(ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("kucoin_futures")
    ticket.strategy.setCurrentText("Market")
    assert not ticket.options.post_only.isEnabled()
    ticket.strategy.setCurrentText("Limit")
    assert ticket.options.post_only.isEnabled()


def test_an_iceberg_without_visible_quantity_is_explained(ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("kucoin_futures")
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("3")
    ticket.limit_price.setText("60000")
    ticket.options.iceberg.setChecked(True)
    ticket.buy.click()
    assert "visible quantity" in _error(ticket, "visible_quantity")


def test_otc_ticket_offers_fill_or_kill(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("zenotc")
    assert ticket.options.isVisible()
    assert not ticket.options.post_only.isVisible()
    offered = [ticket.options.time_in_force.itemText(i) for i in range(3)]
    assert offered == ["GTC", "IOC", "FOK"]
    ticket.pair.setEditText("BTC-USD")
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("0.5")
    ticket.limit_price.setText("60000")
    ticket.options.time_in_force.setCurrentText("FOK")
    sent = send(qtbot, ticket)
    assert sent.time_in_force == TimeInForce.FOK
    assert sent.quantity == Decimal("0.5")


def test_venue_rules_from_check_show_inline(qtbot: QtBot) -> None:
    def check(ticket: OrderTicket) -> dict[str, str]:
        return {"quantity": "Quantity must be a whole number of contracts."}

    widget = TicketWidget(make_profiles({"kucoin_futures": ["f"]}, EXCHANGE), check=check)
    qtbot.addWidget(widget)
    widget.show()
    widget.strategy.setCurrentText("Market")
    widget.quantity.setText("1.5")
    with (
        qtbot.waitSignal(widget.validation_failed),
        qtbot.assertNotEmitted(widget.submit_requested),
    ):
        widget.buy.click()
    assert "whole number" in _error(widget, "quantity")


def test_instruments_arriving_later_fill_the_pair_box(ticket: TicketWidget) -> None:
    late = make_profiles({"kucoin_futures": ["futures"]}, EXCHANGE)
    ticket.venue.setCurrentText("zenotc")
    ticket.set_profiles({**make_profiles({"zenotc": ["otc"]}, OTC), **late})
    assert ticket.venue.currentText() == "zenotc"
    ticket.venue.setCurrentText("kucoin_futures")
    assert ticket.pair.itemText(0) == "BTC-USDT"
    assert ticket.buy.isEnabled()


def test_a_pair_typed_while_instruments_load_is_kept(ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("treadfi")
    ticket.pair.setEditText("NOPE-USDT")
    ticket.set_profiles(
        {
            **make_profiles({"treadfi": ["main"]}, BROKER),
            **make_profiles({"kucoin_futures": ["futures"]}, EXCHANGE),
        }
    )
    assert ticket.pair.currentText() == "NOPE-USDT"
