"""The blotter as a trader sees it: numeric sorting, the Working filter, live updates."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QWidget
from pytestqt.qtbot import QtBot

from gui.domain.orders import Order, OrderStatus, Strategy
from gui.qt.blotter import SORT_ROLE, BlotterColumn, BlotterModel, BlotterView
from gui.qt.blotter_filters import Preset
from tests.qt.conftest import ModelTester
from tests.qt.factories import T0, make_order

C = BlotterColumn


@pytest.fixture
def view(qtbot: QtBot, model_tester: ModelTester) -> BlotterView:
    blotter = BlotterView()
    qtbot.addWidget(blotter)
    model_tester(blotter.model)
    model_tester(blotter.proxy)
    return blotter


def _column(view: BlotterView, column: int) -> list[str]:
    return [view.proxy.index(row, column).data() for row in range(view.proxy.rowCount())]


def _record_data_changed(model: BlotterModel) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    model.dataChanged.connect(
        lambda top, bottom, _roles=(): ranges.append((top.row(), bottom.row()))
    )
    return ranges


def test_the_table_is_set_up_for_multi_select_sorting_and_a_context_menu(view: BlotterView) -> None:
    assert view.findChild(type(view.table), "blotter.table") is view.table
    assert view.search.objectName() == "blotter.search"
    assert view.findChild(QWidget, "blotter.filter") is view.toolbar.preset_bar
    assert view.table.isSortingEnabled()
    assert view.table.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection
    assert view.table.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert view.table.alternatingRowColors()
    assert view.table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    assert [view.model.headerData(c, Qt.Orientation.Horizontal) for c in C][:3] == [
        "Time",
        "Venue",
        "Account",
    ]


def test_quantities_sort_as_numbers_not_text(view: BlotterView) -> None:
    # Arrange: as text, "10" < "9" < "10.5"; as numbers 9 < 10 < 10.5.
    view.model.apply(
        [
            make_order(1, quantity=Decimal("10")),
            make_order(2, quantity=Decimal("9")),
            make_order(3, quantity=Decimal("10.5")),
            make_order(4, quantity=Decimal("0.00012345")),
        ]
    )

    # Act
    view.table.sortByColumn(C.QUANTITY, Qt.SortOrder.AscendingOrder)

    # Assert
    assert _column(view, C.QUANTITY) == ["0.00012345", "9", "10", "10.5"]
    assert isinstance(view.proxy.index(0, C.QUANTITY).data(SORT_ROLE), Decimal)


def test_times_sort_as_instants_and_percentages_as_numbers(view: BlotterView) -> None:
    # Arrange: as clock text "00:00:30" (the next day) sorts before "23:59:50"; as
    # instants it is later. As text "9.5%" sorts after "10.0%".
    late = T0.replace(hour=23, minute=59, second=50)
    view.model.apply(
        [
            make_order(1, created_ts=late + timedelta(seconds=40), filled_qty=Decimal("0.1")),
            make_order(2, created_ts=late, filled_qty=Decimal("0.095")),
        ]
    )

    view.table.sortByColumn(C.TIME, Qt.SortOrder.AscendingOrder)
    assert _column(view, C.CLIENT_ORDER_ID) == ["od-0002", "od-0001"]
    assert isinstance(view.proxy.index(0, C.TIME).data(SORT_ROLE), datetime)

    view.table.sortByColumn(C.FILLED_PCT, Qt.SortOrder.AscendingOrder)
    assert _column(view, C.FILLED_PCT) == ["9.5%", "10.0%"]


def test_empty_prices_sort_before_any_price(view: BlotterView) -> None:
    view.model.apply(
        [
            make_order(1, avg_fill_px=Decimal("65000")),
            make_order(2),
            make_order(3, avg_fill_px=Decimal("9000.5")),
        ]
    )

    view.table.sortByColumn(C.AVG_PRICE, Qt.SortOrder.AscendingOrder)

    assert _column(view, C.AVG_PRICE) == ["", "9,000.50", "65,000.00"]


def test_newest_order_is_on_top_by_default(view: BlotterView) -> None:
    view.model.apply([make_order(1), make_order(3), make_order(2)])

    assert _column(view, C.CLIENT_ORDER_ID) == ["od-0003", "od-0002", "od-0001"]


def test_decimals_are_shown_exactly_without_float_noise(view: BlotterView) -> None:
    view.model.apply(
        [
            make_order(
                1,
                quantity=Decimal("0.10000000"),
                filled_qty=Decimal("0.03"),
                avg_fill_px=Decimal("65000.10"),
                limit_price=Decimal("1E+5"),
            )
        ]
    )

    columns = (C.QUANTITY, C.FILLED, C.AVG_PRICE, C.LIMIT_PRICE)
    row = [view.model.index(0, c).data() for c in columns]

    assert row == ["0.1", "0.03", "65,000.10", "100,000"]


def test_percent_filled_never_rounds_up_to_100(view: BlotterView) -> None:
    view.model.apply([make_order(1, quantity=Decimal("1"), filled_qty=Decimal("0.9999"))])

    assert view.model.index(0, C.FILLED_PCT).data() == "99.9%"
    assert view.model.index(0, C.FILLED_PCT).data(SORT_ROLE) == Decimal("99.9")


def test_working_filter_hides_finished_orders_and_drops_one_that_fills(view: BlotterView) -> None:
    working = make_order(1)
    view.model.apply(
        [
            working,
            make_order(2, status=OrderStatus.FILLED),
            make_order(3, status=OrderStatus.REJECTED),
            make_order(4, status=OrderStatus.PAUSED),
        ]
    )

    view.toolbar.presets[Preset.WORKING].click()
    assert sorted(_column(view, C.CLIENT_ORDER_ID)) == ["od-0001", "od-0004"]

    # A poll reports the working order filled: it leaves the Working view at once.
    view.model.apply([dataclasses.replace(working, status=OrderStatus.FILLED)])
    assert _column(view, C.CLIENT_ORDER_ID) == ["od-0004"]

    view.toolbar.presets[Preset.ALL].click()
    assert view.proxy.rowCount() == 4


def test_update_signals_only_changed_rows_in_contiguous_blocks(
    view: BlotterView, qtbot: QtBot
) -> None:
    orders = [make_order(n) for n in range(1, 6)]
    view.model.apply(orders)
    ranges = _record_data_changed(view.model)

    # Rows 0, 1 and 3 change; row 2 is re-sent unchanged; row 4 is not sent.
    changed = [
        dataclasses.replace(orders[0], filled_qty=Decimal("0.1")),
        dataclasses.replace(orders[1], status=OrderStatus.PENDING_CANCEL),
        orders[2],
        dataclasses.replace(orders[3], venue_order_id="V-new"),
    ]
    with (
        qtbot.assertNotEmitted(view.model.modelReset),
        qtbot.assertNotEmitted(view.model.layoutChanged),
        qtbot.assertNotEmitted(view.model.rowsInserted),
    ):
        view.model.apply(changed)

    assert ranges == [(0, 1), (3, 3)]
    assert view.model.order_at(3).venue_order_id == "V-new"


def test_an_unchanged_batch_signals_nothing(view: BlotterView, qtbot: QtBot) -> None:
    orders = [make_order(1), make_order(2)]
    view.model.apply(orders)

    with (
        qtbot.assertNotEmitted(view.model.dataChanged),
        qtbot.assertNotEmitted(view.model.orders_changed),
    ):
        view.model.apply(orders)


def test_new_orders_are_appended_in_one_insert(view: BlotterView) -> None:
    view.model.apply([make_order(1)])
    inserts: list[tuple[int, int]] = []
    view.model.rowsInserted.connect(lambda _parent, first, last: inserts.append((first, last)))

    view.model.apply([make_order(2), make_order(1, filled_qty=Decimal("0.5")), make_order(3)])

    assert inserts == [(1, 2)]
    assert view.model.row_of("od-0003") == 2
    assert view.model.row_of("nope") is None


def test_the_last_snapshot_of_an_order_in_a_batch_wins(view: BlotterView) -> None:
    view.model.apply([make_order(1), make_order(1, status=OrderStatus.PARTIALLY_FILLED)])

    assert view.model.rowCount() == 1
    assert view.model.order_at(0).status == OrderStatus.PARTIALLY_FILLED


def test_selection_survives_updates_that_move_the_row(view: BlotterView, qtbot: QtBot) -> None:
    # Arrange: sorted by filled quantity; the trader selects od-0002 and od-0003.
    orders = [make_order(n, filled_qty=Decimal(n) / 10) for n in range(1, 6)]
    view.model.apply(orders)
    view.table.sortByColumn(C.FILLED, Qt.SortOrder.AscendingOrder)
    view.select_client_order_ids(["od-0002", "od-0003"])

    # Act: od-0002 fills more and moves to the bottom; a new order arrives.
    update = dataclasses.replace(orders[1], filled_qty=Decimal("0.9"))
    with qtbot.waitSignal(view.selection_changed) as emitted:
        view.model.apply([update, make_order(6)])

    # Assert: the same orders stay selected, and listeners got the new snapshot.
    ids = [order.client_order_id for order in view.selected_orders()]
    assert ids == ["od-0003", "od-0002"]
    assert update in emitted.args[0]


def test_selecting_orders_by_id_makes_the_first_current(view: BlotterView, qtbot: QtBot) -> None:
    view.model.apply([make_order(n) for n in range(1, 4)])

    with qtbot.waitSignal(view.current_order_changed) as current:
        view.select_client_order_ids(["od-0002", "unknown"])

    assert isinstance(current.args[0], Order)
    assert current.args[0].client_order_id == "od-0002"
    assert [o.client_order_id for o in view.selected_orders()] == ["od-0002"]


def test_status_colours_tell_filled_from_rejected(view: BlotterView) -> None:
    view.model.apply(
        [
            make_order(1, status=OrderStatus.FILLED),
            make_order(2, status=OrderStatus.REJECTED, reason="Insufficient balance"),
        ]
    )

    def colour(row: int, role: Qt.ItemDataRole) -> str:
        return view.model.index(row, C.STATUS).data(role).name()

    assert colour(0, Qt.ItemDataRole.ForegroundRole) != colour(1, Qt.ItemDataRole.ForegroundRole)
    assert colour(0, Qt.ItemDataRole.BackgroundRole) != colour(1, Qt.ItemDataRole.BackgroundRole)
    assert "Insufficient balance" in view.model.index(1, C.STATUS).data(Qt.ItemDataRole.ToolTipRole)


def test_numbers_are_right_aligned_and_text_left(view: BlotterView) -> None:
    view.model.apply([make_order(1)])

    def alignment(column: int) -> Qt.AlignmentFlag:
        return Qt.AlignmentFlag(view.model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole))

    assert alignment(C.QUANTITY) & Qt.AlignmentFlag.AlignRight
    assert alignment(C.PAIR) & Qt.AlignmentFlag.AlignLeft


def test_header_state_round_trips(view: BlotterView, qtbot: QtBot) -> None:
    view.table.setColumnWidth(C.PAIR, 201)
    state = view.header_state()

    other = BlotterView()
    qtbot.addWidget(other)

    assert other.restore_header_state(state)
    assert other.table.columnWidth(C.PAIR) == 201


def test_column_keys_are_stable_identifiers(view: BlotterView) -> None:
    assert [column.key for column in view.model.columns] == [c.key for c in C]
    assert view.model.column_of("avg_price") == C.AVG_PRICE
    with pytest.raises(KeyError):
        view.model.column_of("Avg price")


def test_a_market_order_sized_in_the_quote_asset_shows_its_amount_then_its_quantity(
    view: BlotterView,
) -> None:
    # Arrange: a DFX Market buy for 100 USDT, nothing known in BTC yet.
    sized = make_order(
        9,
        venue="dfx",
        strategy=Strategy.MARKET,
        quantity=Decimal(0),
        limit_price=None,
        quote_quantity=Decimal(100),
    )
    view.model.apply([sized])
    quantity = view.model.index(0, C.QUANTITY)
    assert quantity.data() == "100 USDT"
    assert quantity.data(Qt.ItemDataRole.ToolTipRole) == "Sized in the quote asset: 100 USDT"
    assert view.model.index(0, C.FILLED_PCT).data() == "0.0%"

    # Act: the venue reports 0.0015 BTC bought for 97.5 USDT.
    view.model.apply(
        [
            dataclasses.replace(
                sized,
                quantity=Decimal("0.0015"),
                filled_qty=Decimal("0.0015"),
                avg_fill_px=Decimal(65000),
                filled_notional=Decimal("97.5"),
                status=OrderStatus.PARTIALLY_FILLED,
            )
        ]
    )

    # Assert: the base quantity once known; the amount stays in the tooltip.
    assert quantity.data() == "0.0015"
    assert quantity.data(Qt.ItemDataRole.ToolTipRole) == (
        "Sized in the quote asset: 100 USDT; filled 0.0015 BTC for 97.5 USDT"
    )
    assert view.model.index(0, C.QUANTITY).data(SORT_ROLE) == Decimal("0.0015")


def test_a_quote_sized_order_fill_percent_is_of_the_amount(view: BlotterView) -> None:
    view.model.apply(
        [
            make_order(
                9,
                venue="dfx",
                strategy=Strategy.MARKET,
                quantity=Decimal(0),
                quote_quantity=Decimal(100),
                filled_qty=Decimal("0.0005"),
                avg_fill_px=Decimal(65000),
                filled_notional=Decimal("32.5"),
            )
        ]
    )
    assert view.model.index(0, C.FILLED_PCT).data() == "32.5%"
