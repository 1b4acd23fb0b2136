"""The main window's layout kept across restarts: geometry, docks and blotter columns.

What is saved, under keys without a version (an upgrade keeps the trader's layout, see
DESIGN.md pitfalls): the window geometry (`main_window/geometry`), where every dock and
toolbar is and how big (`main_window/state`, keyed on their untranslated object names), and
the blotter header (`blotter/header`: column order, widths, hidden columns and the sort
column and direction), the blotter's view (`blotter/view`: its Working/Done/All preset
and filters, as JSON) and the fills header (`fills/header`). "Restore default layout" puts
all of it back to how the window was built and forgets the saved keys.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from gui.qt.blotter import BlotterView
from gui.qt.fills import FillsView

log = logging.getLogger(__name__)

__all__ = [
    "LAYOUT_KEYS",
    "SETTINGS_BLOTTER_HEADER",
    "SETTINGS_BLOTTER_VIEW",
    "SETTINGS_FILLS_HEADER",
    "SETTINGS_GEOMETRY",
    "SETTINGS_STATE",
    "WindowLayout",
]

SETTINGS_GEOMETRY = "main_window/geometry"
SETTINGS_STATE = "main_window/state"
SETTINGS_BLOTTER_HEADER = "blotter/header"
SETTINGS_BLOTTER_VIEW = "blotter/view"
SETTINGS_FILLS_HEADER = "fills/header"
LAYOUT_KEYS: tuple[str, ...] = (
    SETTINGS_GEOMETRY,
    SETTINGS_STATE,
    SETTINGS_BLOTTER_HEADER,
    SETTINGS_BLOTTER_VIEW,
    SETTINGS_FILLS_HEADER,
)
"""Every settings key the layout is saved under."""


class WindowLayout:
    """Saves, restores and resets a main window's layout in `settings`.

    Make it at the end of the window's construction, once every dock, toolbar and column is
    in place and sized: it captures that state as the default layout.

    Attributes:
        restore_default_action: "Restore default layout" (objectName
            `action.restore_default_layout`), for the View menu.

    Args:
        window: The main window; its docks and toolbars need stable object names.
        blotter: The blotter, whose header state and view (preset, filters) are part of
            the layout.
        fills: The fills pane, whose header state is part of the layout.
        settings: Where the layout lives.
    """

    def __init__(
        self, window: QMainWindow, blotter: BlotterView, fills: FillsView, settings: QSettings
    ) -> None:
        self._window = window
        self._blotter = blotter
        self._fills = fills
        self._settings = settings
        self._default_state = window.saveState()
        self._default_header = blotter.header_state()
        self._default_view = blotter.view_state()
        self._default_fills_header = fills.header_state()
        self._default_size = QSize(window.size())
        self.restore_default_action = QAction("Restore default layout", window)
        self.restore_default_action.setObjectName("action.restore_default_layout")
        self.restore_default_action.setStatusTip(
            "Put docks, window size and blotter columns back as they were first shown"
        )
        self.restore_default_action.triggered.connect(lambda: self.restore_defaults())

    def restore(self) -> None:
        """Apply the saved layout; a missing or unreadable key leaves that part as it is."""
        geometry = self._settings.value(SETTINGS_GEOMETRY)
        if isinstance(geometry, QByteArray):
            self._window.restoreGeometry(geometry)
        state = self._settings.value(SETTINGS_STATE)
        if isinstance(state, QByteArray):
            self._window.restoreState(state)
        header = self._settings.value(SETTINGS_BLOTTER_HEADER)
        if isinstance(header, QByteArray):
            self._blotter.restore_header_state(header)
        fills_header = self._settings.value(SETTINGS_FILLS_HEADER)
        if isinstance(fills_header, QByteArray):
            self._fills.restore_header_state(fills_header)
        view = self._settings.value(SETTINGS_BLOTTER_VIEW)
        if isinstance(view, str):
            try:
                self._blotter.restore_view_state(json.loads(view))
            except (ValueError, TypeError, KeyError) as exc:  # a hand-edited file
                log.warning("blotter view in the settings not restored: %s", exc)

    def save(self) -> None:
        """Write the current layout to the settings, and sync them to disk."""
        self._settings.setValue(SETTINGS_GEOMETRY, self._window.saveGeometry())
        self._settings.setValue(SETTINGS_STATE, self._window.saveState())
        self._settings.setValue(SETTINGS_BLOTTER_HEADER, self._blotter.header_state())
        self._settings.setValue(SETTINGS_BLOTTER_VIEW, json.dumps(self._blotter.view_state()))
        self._settings.setValue(SETTINGS_FILLS_HEADER, self._fills.header_state())
        self._settings.sync()

    def restore_defaults(self) -> None:
        """Put docks, toolbars, window size and blotter columns (order, widths, hidden ones,
        sort) back to the captured default, and remove the saved layout keys.

        A maximised or full-screen window keeps that state; a normal one gets its default
        size. Closing the window saves the (default) layout again as usual.
        """
        window = self._window
        window.restoreState(self._default_state)
        self._blotter.restore_header_state(self._default_header)
        self._blotter.restore_view_state(self._default_view)
        self._fills.restore_header_state(self._default_fills_header)
        if not window.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        ):
            window.resize(self._default_size)
        for key in LAYOUT_KEYS:
            self._settings.remove(key)
        self._settings.sync()
