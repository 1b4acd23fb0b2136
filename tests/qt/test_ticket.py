"""The order ticket: what the trader typed becomes exactly one valid OrderTicket, or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from gui.domain.orders import OrderTicket, Side, Strategy, TimeInForce
from gui.qt.ticket import TicketWidget
from tests.qt.factories import make_profiles
from tests.qt.ticket_driving import refuse, send

ACCOUNTS = {"treadfi": ["main", "hedge"], "kucoin_futures": ["futures-1"]}


@pytest.fixture
def ticket(qtbot: QtBot) -> TicketWidget:
    widget = TicketWidget(make_profiles(ACCOUNTS), pairs=("BTC-USDT", "ETH-USDT"))
    qtbot.addWidget(widget)
    return widget


def _error(ticket: TicketWidget, field: str) -> str:
    label = ticket.findChild(QLabel, f"ticket.error.{field}")
    assert label is not None, field
    return label.text() if not label.isHidden() else ""


def test_fields_have_stable_object_names(ticket: TicketWidget) -> None:
    names = [
        "venue",
        "account",
        "pair",
        "quantity",
        "strategy",
        "limit_price",
        "duration",
        "pov_target",
        "notes",
        "buy",
        "sell",
    ]
    for name in names:
        assert ticket.findChild(object, f"ticket.{name}") is getattr(ticket, name), name
    fields = ("venue", "account", "pair", "quantity", "limit_price", "duration_s", "pov_target")
    for field in fields:
        assert ticket.findChild(QLabel, f"ticket.error.{field}") is not None


def test_a_limit_buy_emits_the_exact_ticket_typed(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("treadfi")
    ticket.account.setCurrentText("hedge")
    ticket.pair.setCurrentText("btc-usdt")
    ticket.strategy.setCurrentText("Limit")
    qtbot.keyClicks(ticket.quantity, "0.50")
    qtbot.keyClicks(ticket.limit_price, "65,000.10")
    qtbot.keyClicks(ticket.notes, "  rebalance ")

    sent = send(qtbot, ticket)

    assert sent == OrderTicket(
        venue="treadfi",
        account="hedge",
        pair="BTC-USDT",
        side=Side.BUY,
        quantity=Decimal("0.50"),
        strategy=Strategy.LIMIT,
        limit_price=Decimal("65000.10"),
        notes="rebalance",
    )
    assert str(sent.quantity) == "0.50"  # the Decimal is the typed text, not a float's


def test_a_twap_sell_converts_minutes_to_seconds(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.strategy.setCurrentText("TWAP")
    ticket.quantity.setText("2")
    ticket.duration.setText("90")

    sent = send(qtbot, ticket, Side.SELL)

    assert (sent.side, sent.strategy, sent.duration_s, sent.limit_price) == (
        Side.SELL,
        Strategy.TWAP,
        5400,
        None,
    )


def test_a_pov_order_converts_percent_to_a_fraction(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.strategy.setCurrentText("POV")
    ticket.quantity.setText("3")
    ticket.pov_target.setText("12.5")

    sent = send(qtbot, ticket)

    assert sent.pov_target == Decimal("0.125")
    assert sent.duration_s is None


def test_an_ioc_order_is_immediate_or_cancel(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.strategy.setCurrentText("IOC")
    ticket.quantity.setText("1")
    ticket.limit_price.setText("100")

    assert send(qtbot, ticket).time_in_force == TimeInForce.IOC


def test_a_non_number_shows_an_inline_message_and_sends_nothing(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("1O")  # letter O, a classic typo

    errors = refuse(qtbot, ticket)

    assert errors == {
        "quantity": "Quantity must be a number.",
        "limit_price": "A Limit order needs a limit price.",
    }
    assert _error(ticket, "quantity") == "Quantity must be a number."
    assert _error(ticket, "limit_price") == "A Limit order needs a limit price."
    assert ticket.quantity.property("invalid") is True


def test_domain_rules_show_under_their_fields(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.strategy.setCurrentText("POV")
    ticket.pair.setCurrentText("BTCUSDT")
    ticket.quantity.setText("-1")
    ticket.pov_target.setText("150")
    ticket.duration.setText("abc")

    errors = refuse(qtbot, ticket)

    assert set(errors) == {"pair", "quantity", "pov_target", "duration_s"}
    assert _error(ticket, "pair").startswith("Pair must look like BASE-QUOTE")
    assert _error(ticket, "quantity") == "Quantity must be greater than zero."
    assert _error(ticket, "duration_s") == "Duration must be a number of minutes."
    assert "at most 100%" in _error(ticket, "pov_target")


def test_editing_a_field_clears_its_message(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.quantity.setText("x")
    refuse(qtbot, ticket)

    qtbot.keyClick(ticket.quantity, Qt.Key.Key_Backspace)

    assert _error(ticket, "quantity") == ""
    assert ticket.quantity.property("invalid") is False


def test_fields_follow_the_strategy_and_keep_their_text(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.limit_price.setText("65000")
    ticket.duration.setText("30")

    enabled = {}
    for strategy in Strategy:
        ticket.strategy.setCurrentText(strategy.value)
        enabled[strategy] = (
            ticket.limit_price.isEnabled(),
            ticket.duration.isEnabled(),
            ticket.pov_target.isEnabled(),
        )

    assert enabled == {
        Strategy.MARKET: (False, False, False),
        Strategy.LIMIT: (True, False, False),
        Strategy.IOC: (True, False, False),
        Strategy.TWAP: (True, True, False),
        Strategy.VWAP: (True, True, False),
        Strategy.POV: (True, True, True),
    }
    # A disabled field keeps what was typed but does not reach the ticket.
    ticket.strategy.setCurrentText("Market")
    ticket.quantity.setText("1")
    sent = send(qtbot, ticket)
    assert (sent.limit_price, sent.duration_s) == (None, None)
    assert ticket.limit_price.text() == "65000"


def test_nothing_typed_is_lost_after_a_submit_or_a_rejection(
    qtbot: QtBot, ticket: TicketWidget
) -> None:
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("1")
    ticket.limit_price.setText("65000")
    ticket.notes.setText("hedge leg")

    send(qtbot, ticket)
    ticket.show_field_errors({"limit_price": "Price outside the band (venue code 300011)."})

    assert (ticket.quantity.text(), ticket.limit_price.text(), ticket.notes.text()) == (
        "1",
        "65000",
        "hedge leg",
    )
    assert _error(ticket, "limit_price") == "Price outside the band (venue code 300011)."


def test_errors_for_no_field_show_under_the_buttons(ticket: TicketWidget) -> None:
    ticket.show_field_errors({"side": "Selling is disabled on this account."})

    assert _error(ticket, "general") == "Selling is disabled on this account."

    ticket.clear_errors()
    assert _error(ticket, "general") == ""


def test_busy_ticket_cannot_send_twice(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.quantity.setText("1")
    ticket.strategy.setCurrentText("Market")

    ticket.set_busy(True)
    assert not ticket.buy.isEnabled() and not ticket.sell.isEnabled()
    with qtbot.assertNotEmitted(ticket.submit_requested):
        ticket.buy.click()

    ticket.set_busy(False)
    assert send(qtbot, ticket).side == Side.BUY


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_keyboard_shortcuts_send_from_inside_the_ticket(qtbot: QtBot, ticket: TicketWidget) -> None:
    ticket.strategy.setCurrentText("Market")
    ticket.quantity.setText("1")
    with qtbot.waitActive(ticket):
        ticket.show()
        ticket.activateWindow()
    ticket.quantity.setFocus()

    with qtbot.waitSignal(ticket.submit_requested, timeout=1000) as sold:
        qtbot.keyClick(
            ticket.quantity,
            Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    assert sold.args[0].side == Side.SELL
    assert "Ctrl+Shift+B" in ticket.buy.toolTip()
    assert "Ctrl+Shift+S" in ticket.sell.toolTip()


def test_accounts_and_asset_labels_follow_venue_and_pair(ticket: TicketWidget) -> None:
    ticket.venue.setCurrentText("kucoin_futures")
    assert [ticket.account.itemText(i) for i in range(ticket.account.count())] == ["futures-1"]

    ticket.pair.setCurrentText("ETH-BTC")
    labels = {label.text() for label in ticket.findChildren(QLabel)}
    assert {"Quantity (ETH)", "Limit price (BTC)"} <= labels


def test_notional_preview_uses_the_limit_price(ticket: TicketWidget) -> None:
    ticket.strategy.setCurrentText("Limit")
    ticket.quantity.setText("0.5")
    ticket.limit_price.setText("65,000")

    summary = ticket.findChild(QLabel, "ticket.summary")
    assert summary is not None
    assert summary.text() == "Notional at limit ≈ 32,500 USDT"
