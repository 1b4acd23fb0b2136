"""The layout survives a restart (docks, column widths, hidden columns, sort), and View >
Restore default layout brings back the layout the desk first opened with."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from gui.qt.layout import LAYOUT_KEYS
from gui.qt.main_window import MainWindow
from tests.qt.bare_window import open_window, settings_in
from tests.qt.factories import make_order

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

PAIRS = ("SOL-USDT", "BTC-USDT", "ETH-USDT")


def _with_orders(window: MainWindow) -> MainWindow:
    window.blotter.model.apply(
        [make_order(number, pair=pair) for number, pair in enumerate(PAIRS, 1)]
    )
    return window


def _pairs_shown(window: MainWindow) -> list[str]:
    proxy = window.blotter.proxy
    column = window.blotter.model.column_of("pair")
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def _click_header(qtbot: QtBot, window: MainWindow, column: int) -> None:
    header = window.blotter.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def _view_action(window: MainWindow, name: str) -> object:
    view = window.menuBar().findChild(QMenu, "menu.view")
    [action] = [a for a in view.actions() if a.objectName() == name]
    return action


def test_docks_columns_and_sort_survive_a_restart_and_reset_to_default(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Arrange: the desk as first opened, three orders newest first.
    first = _with_orders(open_window(qtbot, settings_in(tmp_path)))
    model = first.blotter.model
    pair, venue = model.column_of("pair"), model.column_of("venue")
    header = first.blotter.table.horizontalHeader()
    default_pair_width = header.sectionSize(pair)
    assert _pairs_shown(first) == list(reversed(PAIRS))
    assert first.dockWidgetArea(first.fills_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    default_chart_height = first.chart_dock.height()

    # Act: the trader moves the fills to the right, closes the errors pane, widens the
    # pair column, hides the venue column, sorts by pair; then quits.
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.fills_dock)
    first.resizeDocks([first.chart_dock], [default_chart_height + 80], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: first.chart_dock.height() == default_chart_height + 80)
    first.errors_dock.toggleViewAction().trigger()
    header.resizeSection(pair, default_pair_width + 90)
    header.hideSection(venue)
    _click_header(qtbot, first, pair)
    assert _pairs_shown(first) == sorted(PAIRS)
    first.close()

    # Assert: the next start looks the same.
    second = _with_orders(open_window(qtbot, settings_in(tmp_path)))
    header = second.blotter.table.horizontalHeader()
    assert second.dockWidgetArea(second.fills_dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert not second.errors_dock.isVisible()
    assert second.chart_dock.height() == default_chart_height + 80
    assert header.sectionSize(pair) == default_pair_width + 90
    assert header.isSectionHidden(venue)
    assert header.sortIndicatorSection() == pair
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert _pairs_shown(second) == sorted(PAIRS)

    # Act: View > Restore default layout.
    _view_action(second, "action.restore_default_layout").trigger()

    # Assert: docks, columns and sort as first opened, and nothing saved any more.
    assert second.dockWidgetArea(second.fills_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    qtbot.waitUntil(second.errors_dock.isVisible)
    qtbot.waitUntil(lambda: second.chart_dock.height() == default_chart_height)
    assert header.sectionSize(pair) == default_pair_width
    assert not header.isSectionHidden(venue)
    assert header.sortIndicatorSection() == model.column_of("time")
    assert _pairs_shown(second) == list(reversed(PAIRS))
    settings = second.settings
    assert not any(settings.contains(key) for key in LAYOUT_KEYS)


def test_layout_keys_carry_no_version(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, settings_in(tmp_path))

    window.save_layout()

    saved = window.settings.allKeys()
    assert set(LAYOUT_KEYS) <= set(saved)
    assert not any(char.isdigit() for key in saved for char in key)


def test_an_unreadable_saved_layout_leaves_the_default(qtbot: QtBot, tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    for key in LAYOUT_KEYS:
        settings.setValue(key, "not a layout")

    window = open_window(qtbot, settings)

    assert window.dockWidgetArea(window.fills_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.errors_dock.isVisible()
