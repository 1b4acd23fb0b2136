"""Notifications: fills, rejections and disconnections reach the status bar coalesced (one
message for a burst, none for the journal's history), the tray only when it exists and the
desk is not in front, and View > Notifications turns them off for good."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from gui.domain.orders import OrderStatus, Side, utc_now
from gui.oms.events import ErrorEvent, ErrorKind, VenueHealth, VenueState
from gui.qt.notifications import (
    SETTINGS_NOTIFICATIONS,
    DeskNotifier,
    Notice,
    NoticeBatch,
    summarize,
    tray_wanted,
)
from tests.qt.bare_window import open_window, settings_in
from tests.qt.factories import T0, make_fill, make_order

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

NOW = T0 + timedelta(minutes=5)


class RecordingTray(QSystemTrayIcon):
    """A tray icon that records balloons instead of asking the platform (offscreen has none)."""

    def __init__(self) -> None:
        super().__init__(QIcon())
        self.balloons: list[tuple[str, str]] = []

    def showMessage(self, title: str, body: str, *_args: object) -> None:  # noqa: N802
        self.balloons.append((title, body))


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    shown = QMainWindow()
    qtbot.addWidget(shown)
    return shown


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return settings_in(tmp_path)


def _notifier(
    window: QMainWindow, settings: QSettings, tray: QSystemTrayIcon | None = None, **kw: int
) -> DeskNotifier:
    return DeskNotifier(window, settings, tray=tray, clock=lambda: NOW, coalesce_ms=50, **kw)


def _recent_fills(count: int, side: Side = Side.BUY, pair: str = "BTC-USDT") -> list:
    order = make_order(1, side=side, pair=pair)
    return [make_fill(n, order, "0.5", str(65000 + n), 290 + n) for n in range(count)]


# -- the status bar ----------------------------------------------------------------------------


def test_a_burst_of_fills_is_one_status_bar_message(
    qtbot: QtBot, window: QMainWindow, settings: QSettings
) -> None:
    notifier = _notifier(window, settings)
    shown: list[Notice] = []
    notifier.notified.connect(shown.append)

    # Five fills arrive in three bridge batches within the coalescing window.
    fills = _recent_fills(5)
    with qtbot.waitSignal(notifier.notified):
        notifier.on_fills(fills[:2])
        notifier.on_fills(fills[2:4])
        notifier.on_fills(fills[4:])
        assert window.statusBar().currentMessage() == ""  # not one message per batch

    assert len(shown) == 1
    assert window.statusBar().currentMessage() == ("5 fills: bought 2.5 BTC-USDT @ avg 65,002.00")


def test_a_single_fill_names_side_size_pair_and_price(
    qtbot: QtBot, window: QMainWindow, settings: QSettings
) -> None:
    notifier = _notifier(window, settings)
    [fill] = _recent_fills(1, Side.SELL, "ETH-USDT")

    notifier.on_fills([dataclasses.replace(fill, price=fill.price / 20)])
    notifier.flush()

    assert window.statusBar().currentMessage() == "1 fill: sold 0.5 ETH-USDT @ 3,250.00"


def test_old_fills_and_rejections_from_the_journal_stay_quiet(
    window: QMainWindow, settings: QSettings
) -> None:
    notifier = _notifier(window, settings)
    old = make_order(1, status=OrderStatus.REJECTED, updated_ts=T0)

    notifier.on_fills([make_fill(1, old, "1", "65000", 0)])
    notifier.on_orders([old])
    notifier.flush()

    assert window.statusBar().currentMessage() == ""


def test_a_rejected_order_is_announced_once_with_the_venue_reason(
    window: QMainWindow, settings: QSettings
) -> None:
    notifier = _notifier(window, settings)
    rejected = make_order(
        1, status=OrderStatus.REJECTED, updated_ts=NOW, reason="insufficient balance"
    )

    notifier.on_orders([rejected])
    notifier.on_error(  # the same refusal reported as an error: not twice
        ErrorEvent("submit refused", ErrorKind.REJECTED, "treadfi", rejected.client_order_id)
    )
    notifier.flush()
    first = window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    notifier.on_orders([dataclasses.replace(rejected, notes="pinned later")])
    notifier.flush()

    assert first == "1 rejection: buy 1 BTC-USDT on treadfi: insufficient balance"
    assert window.statusBar().currentMessage() == ""


def test_a_kill_switch_full_of_refusals_is_one_message(
    window: QMainWindow, settings: QSettings
) -> None:
    notifier = _notifier(window, settings)
    shown: list[Notice] = []
    notifier.notified.connect(shown.append)

    for number in range(200):
        notifier.on_error(
            ErrorEvent(f"cancel failed: order {number} unknown", ErrorKind.REJECTED, "dfx")
        )
        notifier.on_error(ErrorEvent("timeout", ErrorKind.NETWORK, "dfx"))  # error pane only
    notifier.flush()

    assert len(shown) == 1
    assert window.statusBar().currentMessage() == (
        "200 rejections: dfx: cancel failed: order 0 unknown; dfx: cancel failed: order 1 "
        "unknown; dfx: cancel failed: order 2 unknown (+197 more)"
    )


def test_a_venue_disconnecting_and_coming_back(window: QMainWindow, settings: QSettings) -> None:
    notifier = _notifier(window, settings)
    down = VenueHealth("kucoin_futures", "main", VenueState.DISCONNECTED, last_error="timeout")

    notifier.on_health(VenueHealth("kucoin_futures", "main", VenueState.OK))
    notifier.on_health(VenueHealth("kucoin_futures", "main", VenueState.DEGRADED))
    notifier.on_health(down)
    notifier.on_health(down)  # every failed poll repeats it: announced once
    notifier.flush()
    disconnected = window.statusBar().currentMessage()
    notifier.on_health(VenueHealth("kucoin_futures", "main", VenueState.OK))
    notifier.flush()

    assert disconnected == "kucoin_futures/main disconnected: timeout"
    assert window.statusBar().currentMessage() == "kucoin_futures/main reconnected"


def test_the_most_serious_news_leads() -> None:
    batch = NoticeBatch(
        fills=_recent_fills(2),
        rejections=["sell 1 ETH-USDT on dfx: post only"],
        disconnections=["zenotc/main disconnected"],
    )

    notice = summarize(batch)

    assert notice is not None
    assert notice.title == "Venue disconnected"
    assert notice.warning
    assert notice.lines == (
        "zenotc/main disconnected",
        "1 rejection: sell 1 ETH-USDT on dfx: post only",
        "2 fills: bought 1 BTC-USDT @ avg 65,000.50",
    )
    assert summarize(NoticeBatch()) is None


# -- the desk window ---------------------------------------------------------------------------


def test_the_window_announces_what_the_bridge_publishes(qtbot: QtBot, tmp_path: Path) -> None:
    desk = open_window(qtbot, settings_in(tmp_path))
    [fill] = _recent_fills(1)
    fill = dataclasses.replace(fill, ts=utc_now())  # the window's notifier uses the real clock

    with qtbot.waitSignal(desk.notifier.notified, timeout=3000):
        desk.bridge.fills_added.emit([fill])

    assert desk.statusBar().currentMessage().startswith("1 fill: bought 0.5 BTC-USDT @ ")


def test_view_notifications_off_silences_them_and_is_remembered(
    qtbot: QtBot, tmp_path: Path
) -> None:
    desk = open_window(qtbot, settings_in(tmp_path))
    view = desk.menuBar().findChild(QMenu, "menu.view")
    [toggle] = [a for a in view.actions() if a.objectName() == "action.notifications"]
    assert toggle.isCheckable() and toggle.isChecked()

    toggle.trigger()
    desk.bridge.health_changed.emit(VenueHealth("dfx", "main", VenueState.DISCONNECTED))
    desk.notifier.flush()

    assert desk.statusBar().currentMessage() == ""
    assert desk.settings.value(SETTINGS_NOTIFICATIONS, type=bool) is False
    again = open_window(qtbot, settings_in(tmp_path), show=False)
    assert not again.notifier.enabled


# -- the tray ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enabled", "available", "active", "wanted"),
    [
        (True, True, False, True),  # the desk is behind another program: tell the trader
        (True, True, True, False),  # the trader is looking at the desk: status bar only
        (True, False, False, False),  # no system tray (offscreen, some desktops)
        (False, True, False, False),  # View > Notifications is off
    ],
)
def test_when_the_tray_is_used(enabled: bool, available: bool, active: bool, wanted: bool) -> None:
    assert tray_wanted(enabled=enabled, tray_available=available, window_active=active) is wanted


def test_offscreen_there_is_no_tray_and_the_status_bar_still_speaks(
    window: QMainWindow, settings: QSettings
) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    notifier = DeskNotifier(window, settings, clock=lambda: NOW)

    notifier.on_fills(_recent_fills(1))
    notifier.flush()

    assert notifier.tray is None
    assert window.statusBar().currentMessage().startswith("1 fill")


def test_tray_balloons_are_spaced_and_carry_what_came_in_between(
    qtbot: QtBot, window: QMainWindow, settings: QSettings
) -> None:
    tray = RecordingTray()
    notifier = _notifier(window, settings, tray, tray_min_interval_ms=300)

    notifier.on_fills(_recent_fills(1))
    notifier.flush()  # the desk is not the active window: a balloon
    notifier.on_health(VenueHealth("dfx", "main", VenueState.DISCONNECTED))
    notifier.flush()  # too soon after the first: held back
    notifier.on_fills(_recent_fills(2, Side.SELL))
    notifier.flush()
    assert len(tray.balloons) == 1

    with qtbot.waitSignal(notifier.tray_shown, timeout=2000):
        pass

    assert tray.balloons == [
        ("1 fill", "1 fill: bought 0.5 BTC-USDT @ 65,000.00"),
        ("Venue disconnected", "dfx/main disconnected\n2 fills: sold 1 BTC-USDT @ avg 65,000.50"),
    ]
