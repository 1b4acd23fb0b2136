"""A venue that cannot be read is never shown as live (issue 5, item 4).

The status bar shows each venue account's state as a coloured dot with the age of its last
good poll, redrawn every second; after three failed polls in a row the account is
disconnected: red in the status bar, and its working orders are grey, italic and marked
"stale" in the blotter until the next good poll.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.domain.orders import Order, OrderStatus
from gui.oms.events import VenueHealth, VenueState
from gui.qt import theme
from gui.qt.blotter import BlotterColumn, BlotterModel, BlotterView
from gui.qt.tables import STALE_ROLE
from gui.qt.venue_status import REFRESH_INTERVAL_MS, VenueIndicator, VenueStatusBar
from tests.helpers import until
from tests.qt.conftest import ModelTester
from tests.qt.factories import T0, make_order

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.BackgroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ToolTipRole,
    STALE_ROLE,
)
GREEN, AMBER, RED, GREY = (
    theme.VENUE_STATE_COLOURS[state]
    for state in (
        VenueState.OK,
        VenueState.DEGRADED,
        VenueState.DISCONNECTED,
        VenueState.CONNECTING,
    )
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def health(
    state: VenueState,
    last_success_ts: datetime | None = T0,
    *,
    venue: str = "treadfi",
    account: str = "desk-a",
    failures: int = 0,
    error: str = "",
) -> VenueHealth:
    return VenueHealth(venue, account, state, last_success_ts, error, failures)


def dot_pixel(indicator: VenueIndicator) -> QColor:
    """The colour actually painted in the middle of the indicator's dot."""
    image = indicator.dot.grab().toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


# -- the status bar --------------------------------------------------------------------------


@pytest.fixture
def status(qtbot: QtBot) -> tuple[VenueStatusBar, Clock]:
    clock = Clock(T0)
    bar = VenueStatusBar(clock=clock)
    qtbot.addWidget(bar)
    bar.show()
    return bar, clock


def test_the_indicator_follows_the_venue_health_in_words_and_colour(
    status: tuple[VenueStatusBar, Clock],
) -> None:
    bar, clock = status
    bar.set_health(health(VenueState.CONNECTING, None))
    indicator = bar.indicator("treadfi", "desk-a")
    assert indicator is not None
    assert indicator.objectName() == "venueStatus_treadfi_desk-a"
    assert bar.findChild(VenueIndicator, "venueStatus_treadfi_desk-a") is indicator
    assert (indicator.text(), dot_pixel(indicator)) == ("treadfi connecting…", GREY)

    clock.advance(0.8)
    bar.set_health(health(VenueState.OK, T0))
    assert (indicator.text(), dot_pixel(indicator)) == ("treadfi 0.8 s", GREEN)

    clock.advance(2)
    bar.set_health(health(VenueState.DEGRADED, T0, failures=1, error="treadfi: timed out"))
    assert (indicator.text(), dot_pixel(indicator)) == ("treadfi 2.8 s", AMBER)

    clock.advance(39.2)
    bar.set_health(health(VenueState.DISCONNECTED, T0, failures=3, error="treadfi: timed out"))
    assert (indicator.text(), dot_pixel(indicator)) == ("treadfi disconnected · 42 s", RED)
    tooltip = indicator.toolTip()
    for part in (
        "account <b>desk-a</b>",
        "State: disconnected (3 failed polls in a row)",
        f"Last good poll: {T0:%Y-%m-%d %H:%M:%S} UTC · {T0.astimezone():%H:%M:%S} local (42 s ago)",
        "Last error: treadfi: timed out",
        "marked stale in the blotter",
    ):
        assert part in tooltip

    # One good poll later it is green again, and the error is gone from the tooltip.
    bar.set_health(health(VenueState.OK, clock.now))
    assert (indicator.text(), dot_pixel(indicator)) == ("treadfi 0.0 s", GREEN)
    assert "Last error" not in indicator.toolTip()


def test_the_age_advances_every_second_from_the_clock_alone(
    qtbot: QtBot, status: tuple[VenueStatusBar, Clock]
) -> None:
    bar, clock = status
    bar.set_health(health(VenueState.OK, T0))
    indicator = bar.indicator("treadfi", "desk-a")
    assert indicator is not None
    assert bar.timer.isActive() and bar.timer.interval() == REFRESH_INTERVAL_MS == 1000

    # Drive the real timer fast; no new health arrives, only time passes.
    bar.timer.setInterval(10)
    for seconds, text in ((42, "treadfi 42 s"), (200, "treadfi 3 min"), (3 * 3600, "treadfi 3 h")):
        clock.now = T0 + timedelta(seconds=seconds)
        qtbot.waitUntil(lambda text=text: indicator.text() == text, timeout=2000)

    # Hidden, it stops redrawing; shown again, it catches up at once.
    bar.hide()
    assert not bar.timer.isActive()
    clock.now = T0 + timedelta(seconds=5)
    bar.show()
    assert bar.timer.isActive() and indicator.text() == "treadfi 5.0 s"


def test_one_indicator_per_account_sorted_and_named_by_account_only_when_needed(
    status: tuple[VenueStatusBar, Clock],
) -> None:
    bar, _clock = status
    bar.set_health(health(VenueState.OK, venue="treadfi", account="desk-b"))
    bar.set_health(health(VenueState.OK, venue="dfx", account="spot"))
    assert [i.text() for i in bar.indicators()] == ["dfx 0.0 s", "treadfi 0.0 s"]
    bar.set_health(health(VenueState.OK, venue="treadfi", account="desk-a"))
    assert [i.objectName() for i in bar.indicators()] == [
        "venueStatus_dfx_spot",
        "venueStatus_treadfi_desk-a",
        "venueStatus_treadfi_desk-b",
    ]
    assert [i.text() for i in bar.indicators()] == [
        "dfx 0.0 s",
        "treadfi/desk-a 0.0 s",
        "treadfi/desk-b 0.0 s",
    ]
    # Shown left to right in that order.
    xs = [i.geometry().x() for i in bar.indicators()]
    assert xs == sorted(xs)


# -- the blotter model ---------------------------------------------------------------------


def snapshot(model: BlotterModel, row: int) -> list[Any]:
    return [model.index(row, column).data(role) for column in BlotterColumn for role in ROLES]


@pytest.fixture
def blotter(model_tester: ModelTester) -> tuple[BlotterModel, Clock, list[Any]]:
    """A blotter with working and finished orders on three venue accounts, and a record
    of every signal the model emits."""
    model = BlotterModel()
    model_tester(model)
    clock = Clock(T0 + timedelta(seconds=42))
    model.stale.clock = clock
    model.apply(
        [
            make_order(1),  # treadfi/main working
            make_order(2, status=OrderStatus.FILLED),  # treadfi/main done
            make_order(3, account="other"),  # treadfi/other working
            make_order(4, venue="dfx", account="spot"),  # dfx working
            make_order(5, status=OrderStatus.PARTIALLY_FILLED),  # treadfi/main working
            make_order(6, status=OrderStatus.CANCELED),  # treadfi/main done
        ]
    )
    signals: list[Any] = []
    model.dataChanged.connect(
        lambda top, bottom, roles=(): signals.append(("dataChanged", top.row(), bottom.row()))
    )
    for name in ("modelReset", "layoutChanged", "rowsInserted", "rowsRemoved"):
        getattr(model, name).connect(lambda *_args, name=name: signals.append((name,)))
    return model, clock, signals


def test_working_rows_of_a_disconnected_account_turn_stale_in_one_data_changed(
    blotter: tuple[BlotterModel, Clock, list[Any]],
) -> None:
    model, _clock, signals = blotter
    before = [snapshot(model, row) for row in range(model.rowCount())]

    model.set_stale_accounts({("treadfi", "main"): T0})

    # One dataChanged from the first to the last affected row; no reset, no layout change.
    assert signals == [("dataChanged", 0, 4)]
    status = BlotterColumn.STATUS
    assert [model.index(row, status).data() for row in range(6)] == [
        "working · stale",
        "filled",
        "working",
        "working",
        "partially filled · stale",
        "canceled",
    ]
    note = "treadfi disconnected: last good poll 42 s ago — this row may be out of date"
    for row in (0, 4):
        for column in BlotterColumn:
            index = model.index(row, column)
            assert index.data(Qt.ItemDataRole.ForegroundRole) == theme.STALE_TEXT
            font = index.data(Qt.ItemDataRole.FontRole)
            assert isinstance(font, QFont) and font.italic()
            assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(note)
            assert index.data(STALE_ROLE) is True
    # The status cell keeps its own tooltip after the stale note.
    assert model.index(0, status).data(Qt.ItemDataRole.ToolTipRole) == f"{note}\nworking"
    # Finished orders of that account, and every order of the other accounts, untouched.
    for row in (1, 2, 3, 5):
        assert snapshot(model, row) == before[row]

    # Health repeated (every failed poll republishes it): nothing to redraw.
    model.set_stale_accounts({("treadfi", "main"): T0})
    assert signals == [("dataChanged", 0, 4)]


def test_the_stale_tooltip_ages_and_the_marks_clear_on_the_next_good_poll(
    blotter: tuple[BlotterModel, Clock, list[Any]],
) -> None:
    model, clock, signals = blotter
    before = [snapshot(model, row) for row in range(model.rowCount())]
    model.set_stale_accounts({("dfx", "spot"): T0})
    assert signals == [("dataChanged", 3, 3)]
    clock.advance(180)
    assert (
        model.index(3, 0)
        .data(Qt.ItemDataRole.ToolTipRole)
        .startswith("dfx disconnected: last good poll 3 min ago")
    )

    model.set_stale_accounts({})

    assert signals == [("dataChanged", 3, 3), ("dataChanged", 3, 3)]
    assert [snapshot(model, row) for row in range(model.rowCount())] == before


def test_orders_that_arrive_or_finish_while_disconnected_are_marked_accordingly(
    blotter: tuple[BlotterModel, Clock, list[Any]],
) -> None:
    model, _clock, _signals = blotter
    model.set_stale_accounts({("treadfi", "main"): None})
    # A cancel confirmed by the venue's answer to the cancel request itself, and a new order
    # submitted meanwhile: the finished one is no longer stale, the new one is.
    model.apply([make_order(1, status=OrderStatus.CANCELED), make_order(7)])
    status = BlotterColumn.STATUS
    assert model.index(0, status).data() == "canceled"
    assert model.index(6, status).data() == "working · stale"
    assert (
        model.index(6, status)
        .data(Qt.ItemDataRole.ToolTipRole)
        .startswith("treadfi disconnected: no good poll yet — this row may be out of date")
    )


def test_stale_rows_read_stale_through_the_sorted_view(qtbot: QtBot) -> None:
    view = BlotterView()
    qtbot.addWidget(view)
    view.model.apply([make_order(n) for n in range(1, 4)] + [make_order(9, account="other")])
    view.model.set_stale_accounts({("treadfi", "main"): T0})
    shown = {
        view.proxy.index(row, BlotterColumn.ACCOUNT).data(): view.proxy.index(
            row, BlotterColumn.STATUS
        ).data()
        for row in range(view.proxy.rowCount())
    }
    assert shown == {"main": "working · stale", "other": "working"}


# -- the whole desk ------------------------------------------------------------------------


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The desk theme (for a faithful screenshot), restored afterwards for other tests."""
    style, palette, sheet, font = (
        qapp.style().name(),
        qapp.palette(),
        qapp.styleSheet(),
        qapp.font(),
    )
    theme.apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.fixture
def rig(
    themed: QApplication, qasync_loop: asyncio.AbstractEventLoop, qtbot: Any, tmp_path: Path
) -> Iterator[Any]:
    from tests.qt.desk_rig import open_rig

    yield from open_rig(qasync_loop, qtbot, tmp_path)


def test_a_venue_that_stops_answering_goes_red_and_its_working_orders_stale(
    rig: Any, tmp_path: Path
) -> None:
    from tests.oms.bulk_rigs import populated

    screenshot_dir = Path(os.environ.get("ORDERDESK_SCREENSHOT_DIR", tmp_path))
    screenshot_dir.mkdir(parents=True, exist_ok=True)

    desk, window = rig.desk, rig.window

    def status_of(order: Order) -> str:
        row = window.blotter.model.row_of(order.client_order_id)
        return str(window.blotter.model.index(row, BlotterColumn.STATUS).data())

    async def scenario() -> None:
        # Arrange: 30 working orders on six accounts, one DFX order then cancelled.
        orders = await populated(desk)
        dfx_orders = [order for order in orders if order.venue == "dfx"]
        [result] = await desk.service.cancel([dfx_orders[0].client_order_id])
        assert result.ok, result
        for account in desk.accounts:
            account.poller.health.subscribe(rig.bridge.on_health)
            account.poller.errors.subscribe(rig.bridge.on_error)
        await desk.settle()
        rig.bridge.flush()
        assert desk.order(dfx_orders[0].client_order_id).status == OrderStatus.CANCELED
        dfx = desk.account("dfx")
        indicator = window.findChild(VenueIndicator, f"venueStatus_dfx_{dfx.account}")
        assert indicator is not None and dot_pixel(indicator) == GREEN
        others_before = {
            order.client_order_id: status_of(order) for order in orders if order.venue != "dfx"
        }

        # Act: DFX answers every request with a 503; the poller tries three times.
        dfx.traffic.refuse = lambda _line: True
        for expected in (AMBER, AMBER, RED):
            assert not await dfx.poller.poll_once()
            assert dot_pixel(indicator) == expected

        # Assert: red and spelled out in the status bar, the working DFX orders stale,
        # the cancelled one not, every other venue's orders as they were.
        assert indicator.text().startswith("dfx disconnected · ")
        assert "503" in indicator.toolTip()
        assert [status_of(order) for order in dfx_orders] == ["canceled"] + ["working · stale"] * 4
        assert {
            order.client_order_id: status_of(order) for order in orders if order.venue != "dfx"
        } == others_before
        window.blotter.table.sortByColumn(BlotterColumn.VENUE, Qt.SortOrder.AscendingOrder)
        window.chart_dock.hide()  # more room for the blotter in the picture
        rig.bridge.flush()
        # The whole text is shown once the status bar has laid out the longer label.
        await until(lambda: indicator.label.width() >= indicator.label.sizeHint().width())
        # ORDERDESK_SCREENSHOT_DIR=/tmp leaves it at /tmp/stale.png to look at.
        assert window.grab().save(str(screenshot_dir / "stale.png"))

        # The venue answers again: one good poll clears it all.
        dfx.traffic.refuse = None
        await desk.settle()
        assert dot_pixel(indicator) == GREEN
        assert not indicator.text().startswith("dfx disconnected")
        assert [status_of(order) for order in dfx_orders] == ["canceled"] + ["working"] * 4

    rig.run(scenario())
