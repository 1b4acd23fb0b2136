"""Blotter tools as a trader uses them: search, presets, venue/status/side filters, legend.

Every narrowing is checked against the set of orders computed here, independently of the
proxy: the blotter must show exactly those orders, no more, no fewer.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from gui.domain.orders import TERMINAL, WORKING, Leg, LegPurpose, Order, OrderStatus, Side
from gui.qt.blotter import BlotterView
from gui.qt.blotter_filters import BlotterFilter, Preset
from gui.qt.blotter_toolbar import SEARCH_PLACEHOLDER, ChoiceButton
from gui.qt.theme import SIDE_COLOURS, STATUS_COLOURS
from tests.qt.conftest import ModelTester
from tests.qt.factories import make_order

pytestmark = [
    pytest.mark.qt_log_ignore(
        "This plugin does not support (propagateSizeHints|raise|grabbing)"  # offscreen popups
    ),
    pytest.mark.usefixtures("close_popups"),
]


S = OrderStatus

ORDERS: list[Order] = [
    make_order(1, notes="Hedge for Q2 roll"),
    make_order(
        2, venue="kucoin_futures", pair="ETH-USDT", side=Side.SELL, status=S.PARTIALLY_FILLED
    ),
    make_order(3, venue="dfx", pair="SOL-USDT", status=S.FILLED, venue_order_id="ETHX-77"),
    make_order(4, venue="zenotc", side=Side.SELL, status=S.CANCELED, notes="eth basis"),
    make_order(5, venue="anboto", pair="ETH-USDT", status=S.REJECTED),
    make_order(6, side=Side.SELL, status=S.PAUSED),
    make_order(7, venue="dfx", pair="ETH-USDT", status=S.EXPIRED),
    make_order(8, venue="kucoin_futures", status=S.PENDING_CANCEL),
    make_order(
        9,
        venue="anboto",
        pair="SOL-USDT",
        side=Side.SELL,
        legs=(
            Leg("od-0009", 1, LegPurpose.NEW, Decimal(1), S.CANCELED, "A-1"),
            Leg("od-0009-r2", 2, LegPurpose.RESUME, Decimal("0.6"), S.WORKING, "LEG-ABC"),
        ),
        venue_order_id="LEG-ABC",
    ),
]
"""Five venues, both sides, working and done statuses, notes, a resumed order's legs."""


def _ids(orders: list[Order], keep: Callable[[Order], bool]) -> set[str]:
    return {order.client_order_id for order in orders if keep(order)}


def _found(text: str) -> Callable[[Order], bool]:
    """The search rule, restated: pair, client/venue order ids (legs too), notes."""
    needle = text.lower()

    def keep(order: Order) -> bool:
        fields = [order.pair, order.client_order_id, order.venue_order_id or "", order.notes]
        for leg in order.legs:
            fields += [leg.client_order_id, leg.venue_order_id or ""]
        return any(needle in field.lower() for field in fields)

    return keep


@pytest.fixture
def view(qtbot: QtBot, model_tester: ModelTester) -> BlotterView:
    blotter = BlotterView()
    qtbot.addWidget(blotter)
    model_tester(blotter.proxy)
    blotter.model.apply(ORDERS)
    return blotter


def _shown(view: BlotterView) -> set[str]:
    return {order.client_order_id for order in view.shown_orders()}


def _rows_match(view: BlotterView, expected: set[str]) -> Callable[[], bool]:
    return lambda: view.proxy.rowCount() == len(expected) and _shown(view) == expected


def _click_choice(qtbot: QtBot, button: ChoiceButton, text: str) -> None:
    """Open the filter's menu with a click and click the entry `text` in it."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(button.choices.isVisible)
    action = next(a for a in button.choices.actions() if a.text() == text)
    position = button.choices.actionGeometry(action).center()
    qtbot.mouseClick(button.choices, Qt.MouseButton.LeftButton, pos=position)


def _action(button: ChoiceButton, text: str) -> QAction:
    return next(a for a in button.choices.actions() if a.text() == text)


@pytest.mark.parametrize("typed", ["eth", "ETH", "leg-abc", "q2 ROLL", "od-000", "zzz"])
def test_typing_a_search_narrows_the_blotter_to_exactly_the_matching_orders(
    view: BlotterView, qtbot: QtBot, typed: str
) -> None:
    expected = _ids(ORDERS, _found(typed))

    qtbot.keyClicks(view.search, typed)

    qtbot.waitUntil(_rows_match(view, expected))
    assert view.toolbar.count.text() == f"{len(expected)} of {len(ORDERS)} orders"


def test_the_search_waits_for_a_pause_in_typing_and_filters_once(
    view: BlotterView, qtbot: QtBot
) -> None:
    applied: list[BlotterFilter] = []
    view.toolbar.filter_changed.connect(applied.append)

    qtbot.keyClicks(view.search, "eth-usdt")
    assert view.proxy.rowCount() == len(ORDERS)  # not yet: the trader is still typing

    qtbot.waitUntil(lambda: len(applied) == 1)
    assert [f.search for f in applied] == ["eth-usdt"]
    assert _shown(view) == {"od-0002", "od-0005", "od-0007"}


def test_deleting_characters_widens_the_search_again(view: BlotterView, qtbot: QtBot) -> None:
    qtbot.keyClicks(view.search, "eth-usdt")
    qtbot.waitUntil(_rows_match(view, _ids(ORDERS, _found("eth-usdt"))))

    for _ in range(5):
        qtbot.keyClick(view.search, Qt.Key.Key_Backspace)

    qtbot.waitUntil(_rows_match(view, _ids(ORDERS, _found("eth"))))


def test_escape_clears_the_search_and_shows_every_order_again(
    view: BlotterView, qtbot: QtBot
) -> None:
    qtbot.keyClicks(view.search, "sol")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)  # Enter applies without waiting
    assert _shown(view) == {"od-0003", "od-0009"}

    qtbot.keyClick(view.search, Qt.Key.Key_Escape)

    assert view.search.text() == ""
    assert view.proxy.rowCount() == len(ORDERS)


def test_the_search_box_says_what_it_searches_and_ctrl_f_focuses_it(
    view: BlotterView, qtbot: QtBot
) -> None:
    assert view.search.placeholderText() == SEARCH_PLACEHOLDER
    assert view.search.isClearButtonEnabled()
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    view.table.setFocus()
    qtbot.waitUntil(view.table.hasFocus)

    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(view.search.hasFocus)


@pytest.mark.parametrize(
    ("preset", "statuses"),
    [(Preset.WORKING, WORKING), (Preset.DONE, TERMINAL), (Preset.ALL, frozenset(S))],
)
def test_each_preset_shows_exactly_its_statuses(
    view: BlotterView, qtbot: QtBot, preset: Preset, statuses: frozenset[OrderStatus]
) -> None:
    view.toolbar.presets[Preset.DONE if preset is Preset.ALL else Preset.ALL].click()

    qtbot.mouseClick(view.toolbar.presets[preset], Qt.MouseButton.LeftButton)

    assert _shown(view) == _ids(ORDERS, lambda o: o.status in statuses)
    assert [p for p, button in view.toolbar.presets.items() if button.isChecked()] == [preset]


def test_a_click_on_the_checked_preset_keeps_it_checked(view: BlotterView, qtbot: QtBot) -> None:
    button = view.toolbar.presets[Preset.ALL]
    assert button.isChecked()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert button.isChecked()
    assert view.proxy.rowCount() == len(ORDERS)


def test_unticking_a_venue_hides_exactly_its_orders_and_the_menu_stays_open(
    view: BlotterView, qtbot: QtBot
) -> None:
    venues = view.toolbar.venues
    listed = [a.text() for a in venues.choices.actions() if a.isCheckable()]
    assert listed == sorted({o.venue for o in ORDERS})  # the venues seen so far

    _click_choice(qtbot, venues, "dfx")
    assert venues.choices.isVisible()  # several venues can be unticked in one go
    qtbot.mouseClick(
        venues.choices,
        Qt.MouseButton.LeftButton,
        pos=venues.choices.actionGeometry(_action(venues, "zenotc")).center(),
    )

    assert _shown(view) == _ids(ORDERS, lambda o: o.venue not in {"dfx", "zenotc"})
    assert venues.text() == "Venue: 3 of 5 ▾"
    assert venues.property("filtering") is True


def test_a_venue_first_seen_later_is_listed_and_shown(view: BlotterView) -> None:
    view.set_filter(BlotterFilter(hidden_venues=frozenset({"dfx"})))

    view.model.apply([make_order(20, venue="binance_ext")])

    assert _action(view.toolbar.venues, "binance_ext").isChecked()
    assert "od-0020" in _shown(view)


def test_the_status_menu_groups_working_and_done_and_narrows_exactly(
    view: BlotterView, qtbot: QtBot
) -> None:
    statuses = view.toolbar.statuses
    sections = [a.text() for a in statuses.choices.actions() if a.isSeparator() and a.text()]
    assert sections == ["Working", "Done"]
    view.toolbar.presets[Preset.DONE].click()

    _click_choice(qtbot, statuses, "rejected")

    assert _shown(view) == _ids(ORDERS, lambda o: o.status in TERMINAL - {S.REJECTED})
    assert not any(b.isChecked() for b in view.toolbar.presets.values())  # no preset now
    assert statuses.text() == "Status: 3 of 15 ▾"


def test_the_last_ticked_choice_cannot_be_unticked(view: BlotterView, qtbot: QtBot) -> None:
    _click_choice(qtbot, view.toolbar.sides, "Buy")

    assert not _action(view.toolbar.sides, "Sell").isEnabled()
    assert _shown(view) == _ids(ORDERS, lambda o: o.side is Side.SELL)


def test_search_and_filters_combine(view: BlotterView, qtbot: QtBot) -> None:
    view.toolbar.presets[Preset.WORKING].click()
    _click_choice(qtbot, view.toolbar.sides, "Sell")
    _click_choice(qtbot, view.toolbar.venues, "treadfi")
    qtbot.keyClicks(view.search, "usdt")

    expected = _ids(
        ORDERS,
        lambda o: o.status in WORKING and o.side is Side.BUY and o.venue != "treadfi",
    )
    qtbot.waitUntil(_rows_match(view, expected))
    assert expected == {"od-0008"}

    # A poll changes orders under the filter: one leaves it, one enters it.
    view.model.apply(
        [
            dataclasses.replace(ORDERS[7], status=S.CANCELED),
            dataclasses.replace(ORDERS[4], venue="zenotc", status=S.WORKING),
        ]
    )
    assert _shown(view) == {"od-0005"}

    qtbot.mouseClick(view.toolbar.clear, Qt.MouseButton.LeftButton)
    assert view.filter == BlotterFilter.for_preset(Preset.WORKING)


def test_the_view_state_round_trips_through_json(view: BlotterView, qtbot: QtBot) -> None:
    view.toolbar.presets[Preset.WORKING].click()
    _click_choice(qtbot, view.toolbar.venues, "anboto")
    _click_choice(qtbot, view.toolbar.sides, "Sell")
    shown = _shown(view)

    saved = json.loads(json.dumps(view.view_state()))
    other = BlotterView()
    qtbot.addWidget(other)
    other.restore_view_state(saved)  # before any order arrived
    other.model.apply(ORDERS)

    assert saved["preset"] == "working"
    assert _shown(other) == shown
    assert other.toolbar.presets[Preset.WORKING].isChecked()
    assert not _action(other.toolbar.venues, "anboto").isChecked()


def test_a_malformed_view_state_falls_back_to_showing_everything(view: BlotterView) -> None:
    view.restore_view_state({"statuses": ["nonsense"], "sides": "buy", "hidden_venues": 3})

    assert view.proxy.rowCount() == len(ORDERS)


def test_the_legend_lists_every_status_and_side_in_its_colour(
    view: BlotterView, qtbot: QtBot
) -> None:
    legend = view.toolbar.legend
    qtbot.mouseClick(legend, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(legend.popup.isVisible)
    menu = view.findChild(QMenu, "blotter.legend_menu")
    assert menu is legend.popup and legend.panel is not None

    chips = legend.panel.chips
    for status in OrderStatus:
        assert chips[status.value].isVisible()
        assert STATUS_COLOURS[status].name() in chips[status.value].styleSheet()
    for side in Side:
        assert SIDE_COLOURS[side].name() in chips[side.value.capitalize()].styleSheet()
