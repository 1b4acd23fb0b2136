"""Grab every widget, themed, with realistic data, as PNGs to look at.

The images go to `$ORDERDESK_SCREENSHOT_DIR` when set (e.g. `/tmp/widgets`), else to the
test's temporary directory. The assertions only check that something was drawn.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from gui.domain.orders import FillKind, OrderStatus, Side, Strategy, utc_now
from gui.oms.events import ErrorEvent, ErrorKind
from gui.qt.blotter import BlotterView
from gui.qt.charts import FillProgressChart
from gui.qt.errors import ErrorsView
from gui.qt.fills import FillsView
from gui.qt.theme import apply_theme
from gui.qt.ticket import TicketWidget
from tests.qt.factories import ALGO_BROKER, SPOT, T0, make_fill, make_order, make_profiles


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[QApplication]:
    """The application with the desk theme, restored afterwards for other tests."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    font = qapp.font()
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("ORDERDESK_SCREENSHOT_DIR", tmp_path))
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _save(qtbot: QtBot, widget: QWidget, path: Path, width: int, height: int) -> None:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    with qtbot.waitExposed(widget):
        widget.show()
    image = widget.grab()
    assert image.save(str(path))
    assert path.stat().st_size > 1000


_TWAP = make_order(
    7,
    strategy=Strategy.TWAP,
    quantity=Decimal("2.5"),
    status=OrderStatus.PARTIALLY_FILLED,
    filled_qty=Decimal("1.1"),
    avg_fill_px=Decimal("3490.25"),
    limit_price=None,
    pair="ETH-USDT",
    side=Side.SELL,
    duration_s=3600,
    start_ts=T0,
    end_ts=T0 + timedelta(hours=1),
    updated_ts=T0 + timedelta(minutes=40),
    pauses=((T0 + timedelta(minutes=12), T0 + timedelta(minutes=20)),),
)


def _orders() -> list:
    return [
        make_order(1),
        make_order(
            2,
            status=OrderStatus.FILLED,
            filled_qty=Decimal("1"),
            avg_fill_px=Decimal("64999.5"),
            side=Side.SELL,
        ),
        make_order(
            3,
            status=OrderStatus.REJECTED,
            reason="Insufficient balance (code 400100)",
            venue="kucoin_futures",
            quantity=Decimal("10"),
        ),
        make_order(
            4,
            status=OrderStatus.PENDING_CANCEL,
            quantity=Decimal("0.00012345"),
            filled_qty=Decimal("0.00006"),
            avg_fill_px=Decimal("65001.123456"),
        ),
        make_order(
            5,
            status=OrderStatus.PAUSED,
            strategy=Strategy.VWAP,
            venue="anboto",
            quantity=Decimal("125000"),
            pair="XRP-USDT",
            limit_price=None,
            filled_qty=Decimal("31250"),
            avg_fill_px=Decimal("0.5123"),
        ),
        make_order(6, status=OrderStatus.OUTCOME_UNKNOWN, venue="zenotc", venue_order_id=None),
        _TWAP,
        make_order(
            8,
            status=OrderStatus.CANCELED,
            filled_qty=Decimal("0.4"),
            avg_fill_px=Decimal("65010"),
            strategy=Strategy.IOC,
            venue="dfx",
        ),
        make_order(
            9,
            status=OrderStatus.PENDING_NEW,
            strategy=Strategy.MARKET,
            limit_price=None,
            venue_order_id=None,
            quantity=Decimal("1250.5"),
        ),
    ]


# Showing a top-level window on the offscreen platform logs this harmless warning.
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_screenshots_of_every_widget(themed: QApplication, qtbot: QtBot, out_dir: Path) -> None:
    # Arrange/Act: each widget with data a trader would see, grabbed as a PNG.
    blotter = BlotterView()
    blotter.model.apply(_orders())
    blotter.select_client_order_ids(["od-0007"])
    _save(qtbot, blotter, out_dir / "blotter.png", 1280, 300)

    ticket = TicketWidget(make_profiles({"treadfi": ["main", "hedge"]}))
    ticket.strategy.setCurrentText("TWAP")
    ticket.quantity.setText("abc")
    ticket.duration.setText("30")
    ticket.limit_price.setText("65,000")
    ticket.notes.setText("rebalance")
    ticket.sell.click()
    _save(qtbot, ticket, out_dir / "ticket.png", 300, 480)

    pov = TicketWidget(make_profiles({"anboto": ["desk"]}), pairs=("XRP-USDT",))
    pov.strategy.setCurrentText("POV")
    pov.quantity.setText("125000")
    pov.limit_price.setText("0.52")
    pov.pov_target.setText("12.5")
    pov.set_busy(True)
    _save(qtbot, pov, out_dir / "ticket_pov_busy.png", 260, 420)

    fills = FillsView()
    fills.model.add([make_fill(n, _TWAP, "0.1", f"3498.{n}5", 60 * n) for n in range(1, 12)])
    _save(qtbot, fills, out_dir / "fills.png", 900, 260)

    errors = ErrorsView()
    errors.model.add(
        ErrorEvent(
            "timeout after 10 s: POST /api/v1/orders",
            ErrorKind.NETWORK,
            "kucoin_futures",
            "od-0003",
            T0,
        )
    )
    errors.model.add(
        ErrorEvent(
            "Insufficient balance (code 400100)",
            ErrorKind.REJECTED,
            "kucoin_futures",
            "od-0003",
            T0 + timedelta(seconds=1),
        )
    )
    errors.model.add(
        ErrorEvent(
            "ticket not sent: quantity: Quantity must be a number.",
            ErrorKind.VALIDATION,
            ts=T0 + timedelta(seconds=2),
        )
    )
    errors.model.add(
        ErrorEvent(
            "unknown status 'HALTED' shown as unknown",
            ErrorKind.WARNING,
            "anboto",
            "od-0005",
            T0 + timedelta(seconds=3),
        )
    )
    _save(qtbot, errors, out_dir / "errors.png", 900, 200)

    # A live TWAP 40 minutes into its hour, paused for 8 minutes.
    start = utc_now() - timedelta(minutes=40)
    live = dataclasses.replace(
        _TWAP,
        created_ts=start,
        start_ts=start,
        end_ts=start + timedelta(hours=1),
        updated_ts=start + timedelta(minutes=39),
        pauses=((start + timedelta(minutes=12), start + timedelta(minutes=20)),),
    )
    shift = (start - T0).total_seconds()
    minutes = [2, 5, 7, 9, 11, 21, 24, 27, 30, 33, 36]
    chart = FillProgressChart()
    chart.show_order(
        live, [make_fill(n, live, "0.1", "3490", shift + 60 * m) for n, m in enumerate(minutes)]
    )
    _save(qtbot, chart, out_dir / "chart.png", 640, 320)

    empty = FillProgressChart()
    _save(qtbot, empty, out_dir / "chart_empty.png", 400, 200)


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_screenshots_of_broker_and_spot_widgets(
    themed: QApplication, qtbot: QtBot, out_dir: Path
) -> None:
    # An algo broker's scheduled TWAP, with a clip size it refuses shown inline.
    anboto = TicketWidget(make_profiles({"anboto": ["algo"]}, ALGO_BROKER))
    anboto.pair.setEditText("ETH-USDT")
    anboto.strategy.setCurrentText("TWAP")
    anboto.quantity.setText("40")
    anboto.duration.setText("90")
    anboto.routing.destination.setCurrentText("Bybit")
    anboto.schedule.set_start_ts(utc_now() + timedelta(hours=2))
    anboto.schedule.clip_size_kind.setCurrentText("% of order")
    anboto.schedule.clip_size.setText("150")
    anboto.buy.click()
    _save(qtbot, anboto, out_dir / "ticket_anboto.png", 300, 620)

    # A spot exchange's Market order, sized in the quote asset.
    dfx = TicketWidget(make_profiles({"dfx": ["spot"]}, SPOT))
    dfx.strategy.setCurrentText("Market")
    dfx.quote_quantity.setText("250")
    _save(qtbot, dfx, out_dir / "ticket_dfx_market.png", 300, 320)

    # Fills derived from totals next to reported ones.
    order = make_order(20, venue="anboto", pair="ETH-USDT", strategy=Strategy.TWAP)
    derived = [
        dataclasses.replace(
            make_fill(n, order, "0.5", f"3498.{n}", 60 * n),
            kind=FillKind.DERIVED,
            fee=None,
            fee_asset="",
            liquidity="",
        )
        for n in range(1, 4)
    ]
    fills = FillsView()
    fills.model.add([*derived, make_fill(9, make_order(21), "0.1", "65000", 300)])
    _save(qtbot, fills, out_dir / "fills_derived.png", 980, 200)
