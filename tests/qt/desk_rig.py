"""The main window over the bulk-action rig: five venue emulators in process (ASGI), one
store and service (`tests.oms.bulk_rigs`), wired to a `DeskBridge` as `gui.app` wires them.

The pollers do not run: a test moves the market and reads the venues with `desk.settle()`.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gui.oms.profiles import load_profiles
from gui.qt.bridge import DeskBridge
from gui.qt.main_window import MainWindow
from tests.oms.bulk_rigs import Desk, bulk_desk


@dataclass
class Rig:
    """A desk window over the emulators."""

    desk: Desk
    window: MainWindow
    bridge: DeskBridge
    loop: asyncio.AbstractEventLoop

    def run(self, coroutine: Any) -> Any:
        """Run a scenario on the qasync loop (Qt events and asyncio both progress)."""
        return self.loop.run_until_complete(coroutine)

    def confirmation(self) -> QMessageBox:
        """The one visible `dialog.confirm`."""
        [box] = [
            box
            for box in self.window.findChildren(QMessageBox, "dialog.confirm")
            if box.isVisible()
        ]
        return box


def open_rig(qasync_loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path) -> Iterator[Rig]:
    """The body of a test module's `rig` fixture: `yield from open_rig(...)`."""
    manager = bulk_desk()
    desk = qasync_loop.run_until_complete(manager.__aenter__())
    bridge = DeskBridge()
    desk.store.changed.subscribe(bridge.on_store_change)
    desk.service.errors.subscribe(bridge.on_error)
    profiles = qasync_loop.run_until_complete(
        load_profiles(desk.service.clients, desk.service.errors)
    )
    settings = QSettings(str(tmp_path / "layout.ini"), QSettings.Format.IniFormat)
    window = MainWindow(desk.service, desk.store, bridge, settings, profiles)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()  # shortcuts go to the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    try:
        yield Rig(desk, window, bridge, qasync_loop)
    finally:
        qasync_loop.run_until_complete(bridge.aclose())
        qasync_loop.run_until_complete(manager.__aexit__(None, None, None))


def save_screenshot(widget: QWidget, name: str) -> None:
    """Save a PNG of `widget` to `$ORDERDESK_SCREENSHOT_DIR` when it is set (to look at)."""
    directory = os.environ.get("ORDERDESK_SCREENSHOT_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(Path(directory) / name))
