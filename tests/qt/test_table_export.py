"""Export to CSV, copy rows and the column chooser, on the blotter and the fills pane.

An export must hold exactly what the table shows: its rows (after search and filters) in
its sort order, its visible columns in their on-screen order, quantities and prices as
exact Decimals, times as ISO-8601 UTC.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget
from pytestqt.qtbot import QtBot

from gui.domain.orders import Order, OrderStatus, Side
from gui.qt.blotter import SORT_ROLE, BlotterColumn, BlotterView
from gui.qt.blotter_filters import BlotterFilter, Preset
from gui.qt.fills import FillsColumn, FillsView
from gui.qt.table_export import CSV_ENCODING
from tests.qt.factories import T0, make_fill, make_order

pytestmark = [
    pytest.mark.qt_log_ignore(
        "This plugin does not support (propagateSizeHints|raise|grabbing)"  # offscreen popups
    ),
    pytest.mark.usefixtures("close_popups"),
]


C = BlotterColumn

ORDERS = [
    make_order(
        1,
        quantity=Decimal("0.10000000"),
        filled_qty=Decimal("0.05"),
        avg_fill_px=Decimal("65000.123456"),  # shown as 65,000.12
        limit_price=Decimal("1E+5"),
        notes="tab\there, new\nline",
    ),
    make_order(2, venue="dfx", pair="ETH-USDT", quantity=Decimal("12.5"), side=Side.SELL),
    make_order(3, pair="ETH-USDT", quantity=Decimal("3"), status=OrderStatus.FILLED),
    make_order(4, pair="ETH-USDT", quantity=Decimal("0.75"), pinned=True),
    make_order(5, venue="zenotc", quantity=Decimal("1234567.000001")),
]


@pytest.fixture
def view(qtbot: QtBot) -> BlotterView:
    blotter = BlotterView()
    qtbot.addWidget(blotter)
    blotter.model.apply(ORDERS)
    return blotter


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding=CSV_ENCODING, newline="") as file:
        return list(csv.reader(file))


def _column_menu(qtbot: QtBot, view: BlotterView) -> QMenu:
    """Right-click the header and return the column menu it opens."""
    header = view.table.horizontalHeader()
    header.customContextMenuRequested.emit(QPoint(20, 5))
    menus = [m for m in view.findChildren(QMenu, "blotter.column_menu") if m.isVisible()]
    assert len(menus) == 1
    return menus[0]


def _cell(view: BlotterView, row: int, column: int) -> Any:
    return view.proxy.index(row, column)


def test_export_writes_exactly_the_rows_and_columns_the_blotter_shows(
    view: BlotterView, qtbot: QtBot, tmp_path: Path
) -> None:
    # Arrange: a search and one venue hidden, sorted by quantity, the Account column hidden
    # and Status moved first.
    view.set_filter(BlotterFilter(search="usdt", hidden_venues=frozenset({"dfx"})))
    view.table.sortByColumn(C.QUANTITY, Qt.SortOrder.AscendingOrder)
    header = view.table.horizontalHeader()
    header.hideSection(C.ACCOUNT)
    header.moveSection(header.visualIndex(C.STATUS), 0)

    # Act
    written = view.export_csv(tmp_path / "blotter.csv")

    # Assert: the header is the visible titles in on-screen order ...
    lines = _read_csv(tmp_path / "blotter.csv")
    visible = [header.logicalIndex(v) for v in range(header.count())]
    visible = [c for c in visible if not header.isSectionHidden(c)]
    titles = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in visible]
    assert lines[0] == titles and "Account" not in titles and titles[0] == "Status"
    # ... and one line per shown row, in the blotter's order, typed values exact.
    assert written == view.proxy.rowCount() == len(lines) - 1 == 4
    for row, line in enumerate(lines[1:]):
        cells = dict(zip(visible, line, strict=True))
        for column, text in cells.items():
            key = _cell(view, row, column).data(SORT_ROLE)
            if isinstance(key, Decimal):
                assert Decimal(text) == key and text == f"{key:f}"
            elif isinstance(key, datetime):
                assert datetime.fromisoformat(text) == key and text.endswith("+00:00")
            elif column == C.PINNED:
                assert text == ("pinned" if key else "")
            else:
                assert text == _cell(view, row, column).data()
    quantities = [Decimal(line[visible.index(C.QUANTITY)]) for line in lines[1:]]
    assert quantities == sorted(quantities)


def test_export_keeps_decimals_exact_where_the_blotter_rounds(
    view: BlotterView, tmp_path: Path
) -> None:
    view.set_filter(BlotterFilter(search="od-0001"))

    view.export_csv(tmp_path / "one.csv")

    header, line = _read_csv(tmp_path / "one.csv")
    row = dict(zip(header, line, strict=True))
    assert _cell(view, 0, C.AVG_PRICE).data() == "65,000.12"
    assert row["Avg price"] == "65000.123456"
    assert row["Quantity"] == "0.10000000"
    assert row["Limit"] == "100000"
    assert row["Time"] == "2025-03-14T09:30:01+00:00"
    assert row["Side"] == "Buy" and row["Status"] == "working"


def test_export_button_opens_a_non_modal_dialog_that_writes_the_file(
    view: BlotterView, qtbot: QtBot, tmp_path: Path
) -> None:
    view.show()
    qtbot.mouseClick(view.toolbar.export, Qt.MouseButton.LeftButton)
    dialogs = [d for d in view.findChildren(QFileDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    # open(), not exec(): the click returned with the dialog up, and the loop runs on.
    assert dialog.windowModality() != Qt.WindowModality.ApplicationModal
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    assert dialog.selectedFiles()[0].endswith(".csv")

    with qtbot.waitSignal(view.exported) as exported:
        dialog.selectFile(str(tmp_path / "chosen"))
        dialog.accept()

    assert exported.args == [tmp_path / "chosen.csv", len(ORDERS)]
    assert len(_read_csv(tmp_path / "chosen.csv")) == len(ORDERS) + 1


def test_an_export_that_cannot_be_written_tells_the_trader(
    view: BlotterView, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = view.open_export_dialog()
    with qtbot.waitSignal(view.export_failed):
        dialog.selectFile(str(tmp_path / "no-such-folder" / "x.csv"))
        dialog.accept()

    boxes = [w for w in view.findChildren(QWidget, "export.error") if w.isVisible()]
    assert len(boxes) == 1


def test_ctrl_c_copies_the_selected_rows_with_a_header_line(
    view: BlotterView, qtbot: QtBot
) -> None:
    view.toolbar.presets[Preset.WORKING].click()
    view.table.horizontalHeader().hideSection(C.VENUE_ORDER_ID)
    view.select_client_order_ids(["od-0001", "od-0004"])
    view.show()
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)
    QGuiApplication.clipboard().clear()

    qtbot.keyClick(view.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    lines = QGuiApplication.clipboard().text().splitlines()
    titles = [column.title for column in view.visible_columns()]
    assert lines[0].split("\t") == titles and "Venue order id" not in titles
    rows = [dict(zip(titles, line.split("\t"), strict=True)) for line in lines[1:]]
    assert [r["Client order id"] for r in rows] == ["od-0004", "od-0001"]  # newest first
    assert rows[0]["Pin"] == "pinned"
    assert rows[1]["Quantity"] == "0.10000000"
    assert view.copy_action.shortcut().matches(Qt.Key.Key_C | Qt.KeyboardModifier.ControlModifier)


def test_the_column_chooser_hides_a_column_and_the_header_state_keeps_it_hidden(
    view: BlotterView, qtbot: QtBot
) -> None:
    menu = _column_menu(qtbot, view)
    account = next(a for a in menu.actions() if a.text() == "Account")
    assert account.isChecked()

    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(account).center())

    assert view.table.horizontalHeader().isSectionHidden(C.ACCOUNT)
    assert "Account" not in [column.title for column in view.visible_columns()]
    other = BlotterView()
    qtbot.addWidget(other)
    assert other.restore_header_state(view.header_state())
    assert other.table.horizontalHeader().isSectionHidden(C.ACCOUNT)

    # Ticking it again shows it again.
    menu = _column_menu(qtbot, other)
    account = next(a for a in menu.actions() if a.text() == "Account")
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(account).center())
    assert not other.table.horizontalHeader().isSectionHidden(C.ACCOUNT)
    assert other.table.columnWidth(C.ACCOUNT) > 0


def test_the_last_visible_column_cannot_be_hidden(view: BlotterView, qtbot: QtBot) -> None:
    header = view.table.horizontalHeader()
    for column in C:
        header.setSectionHidden(column, column != C.PAIR)

    menu = _column_menu(qtbot, view)

    pair = next(a for a in menu.actions() if a.text() == "Pair")
    assert pair.isChecked() and not pair.isEnabled()
    show_all = next(a for a in menu.actions() if a.text() == "Show all columns")
    show_all.trigger()
    assert not any(header.isSectionHidden(column) for column in C)


def _fills_view(qtbot: QtBot) -> FillsView:
    fills = FillsView()
    qtbot.addWidget(fills)
    order: Order = ORDERS[0]
    fills.model.add(
        [
            make_fill(1, order, "0.0100", "65000.50", 1.25),
            make_fill(2, order, "0.02", "64999.999999", 2),
            make_fill(3, order, "0.015", "65001", 3.5),
        ]
    )
    return fills


def test_fills_export_writes_the_fills_shown_with_exact_values(
    qtbot: QtBot, tmp_path: Path
) -> None:
    fills = _fills_view(qtbot)
    fills.table.sortByColumn(FillsColumn.PRICE, Qt.SortOrder.AscendingOrder)
    fills.table.horizontalHeader().hideSection(FillsColumn.LIQUIDITY)

    written = fills.export_csv(tmp_path / "fills.csv")

    header, *lines = _read_csv(tmp_path / "fills.csv")
    assert written == 3
    assert "Liq." not in header
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert [r["Price"] for r in rows] == ["64999.999999", "65000.50", "65001"]
    assert [r["Quantity"] for r in rows] == ["0.02", "0.0100", "0.015"]
    assert rows[1]["Time"] == "2025-03-14T09:30:01.250000+00:00"
    assert datetime.fromisoformat(rows[1]["Time"]) == T0 + timedelta(seconds=1.25)
    assert rows[1]["Fee"] == "0.0125 USDT"


def test_fills_ctrl_c_and_context_menu_copy_selected_fills(qtbot: QtBot) -> None:
    fills = _fills_view(qtbot)
    fills.show()
    fills.activateWindow()
    fills.table.selectRow(0)
    fills.table.setFocus()
    qtbot.waitUntil(fills.table.hasFocus)

    qtbot.keyClick(fills.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)

    header, line = QGuiApplication.clipboard().text().splitlines()
    assert header.split("\t")[:3] == ["Time", "Venue", "Pair"]
    assert line.split("\t")[-1] == "f-3"  # newest first
    fills.table.customContextMenuRequested.emit(QPoint(5, 5))
    menu = next(m for m in fills.findChildren(QMenu, "fills.context_menu") if m.isVisible())
    assert [a.text() for a in menu.actions()] == ["Copy rows", "Export fills to CSV…"]
