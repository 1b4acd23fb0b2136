"""The error pane: the venue's own words, newest on top, a count for the dock badge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.oms.events import ErrorEvent, ErrorKind
from gui.qt.errors import ErrorsColumn, ErrorsModel, ErrorsView
from tests.qt.conftest import ModelTester
from tests.qt.factories import T0

C = ErrorsColumn
REJECTION = ErrorEvent(
    'Insufficient balance (code 400100)\nbody: {"code": "400100"}',
    ErrorKind.REJECTED,
    "kucoin_futures",
    "od-0003",
    T0,
)
TIMEOUT = ErrorEvent(
    "timeout after 10 s", ErrorKind.NETWORK, "anboto", "", T0 + timedelta(seconds=1)
)


@pytest.fixture
def view(qtbot: QtBot, model_tester: ModelTester) -> ErrorsView:
    errors = ErrorsView()
    qtbot.addWidget(errors)
    model_tester(errors.model)
    model_tester(errors.proxy)
    return errors


def _messages(view: ErrorsView) -> list[str]:
    return [view.proxy.index(r, C.MESSAGE).data() for r in range(view.proxy.rowCount())]


def test_the_pane_shows_the_venue_message_newest_on_top(view: ErrorsView) -> None:
    view.model.add(REJECTION)
    view.model.add(TIMEOUT)

    assert _messages(view) == [
        "timeout after 10 s",
        'Insufficient balance (code 400100) body: {"code": "400100"}',
    ]
    rejection = view.model.index(1, C.MESSAGE)
    assert rejection.data(Qt.ItemDataRole.ToolTipRole) == REJECTION.message
    assert [view.model.index(1, c).data() for c in (C.KIND, C.VENUE, C.ORDER)] == [
        "rejected",
        "kucoin_futures",
        "od-0003",
    ]


def test_kinds_have_different_colours(view: ErrorsView) -> None:
    view.model.add(REJECTION)
    view.model.add(TIMEOUT)

    colours = {
        view.model.index(row, C.KIND).data(Qt.ItemDataRole.ForegroundRole).name()
        for row in range(2)
    }
    assert len(colours) == 2


def test_count_changes_feed_the_badge_and_clear_empties(view: ErrorsView, qtbot: QtBot) -> None:
    counts: list[int] = []
    view.count_changed.connect(counts.append)

    view.model.add(REJECTION)
    view.model.add(TIMEOUT)
    qtbot.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)

    assert counts == [1, 2, 0]
    assert view.model.rowCount() == 0
    assert not view.clear_button.isEnabled()


def test_a_flood_keeps_only_the_newest_rows(qtbot: QtBot, model_tester: ModelTester) -> None:
    model = ErrorsModel(max_rows=3)
    model_tester(model)

    for number in range(5):
        model.add(ErrorEvent(f"error {number}", ErrorKind.NETWORK))

    assert [model.index(r, C.MESSAGE).data() for r in range(3)] == ["error 4", "error 3", "error 2"]


def test_widgets_are_named_and_the_message_column_stretches(view: ErrorsView) -> None:
    assert view.table.objectName() == "errors.table"
    assert view.clear_button.objectName() == "errors.clear"
    header = view.table.horizontalHeader()
    assert header.sectionResizeMode(C.MESSAGE) == header.ResizeMode.Stretch
