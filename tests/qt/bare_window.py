"""A `MainWindow` without venues, for tests of the window's own comfort features (themes,
layout, notifications, About box): no emulators, no event loop; built in milliseconds."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gui.oms.service import OrderService
from gui.oms.store import OrderStore
from gui.qt.bridge import DeskBridge
from gui.qt.main_window import MainWindow


def settings_in(tmp_path: Path) -> QSettings:
    """An INI settings file in the test's directory, like `orderdesk --settings FILE`."""
    return QSettings(str(tmp_path / "orderdesk.ini"), QSettings.Format.IniFormat)


def open_window(qtbot: QtBot, settings: QSettings, *, show: bool = True) -> MainWindow:
    """A main window over an empty store and no venue accounts, on `settings`."""
    store = OrderStore()
    window = MainWindow(OrderService(store, {}, user="tester"), store, DeskBridge(), settings)
    qtbot.addWidget(window)
    if show:
        with qtbot.waitExposed(window):
            window.show()
    return window
