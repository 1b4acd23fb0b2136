"""The amend dialog: current values shown, only the venue's amend fields, only changes sent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from gui.domain.orders import Amendment, OrderStatus, Strategy
from gui.qt.amend import CANCEL_REPLACE_FIELDS, AmendDialog
from tests.qt.factories import make_order

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

ORDER = make_order(
    3,
    venue="zenotc",
    pair="BTC-USD",
    strategy=Strategy.LIMIT,
    quantity=Decimal("2"),
    limit_price=Decimal("60000"),
    filled_qty=Decimal("0.5"),
    status=OrderStatus.PARTIALLY_FILLED,
)


@pytest.fixture
def dialog(qtbot: QtBot) -> AmendDialog:
    widget = AmendDialog(ORDER, frozenset({"quantity", "limit_price"}))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _edit(dialog: AmendDialog, name: str) -> QLineEdit:
    edit = dialog.findChild(QLineEdit, f"dialog.amend.{name}")
    assert edit is not None
    return edit


def test_it_opens_with_the_current_values_and_only_the_venue_fields(dialog: AmendDialog) -> None:
    assert _edit(dialog, "quantity").text() == "2"
    assert _edit(dialog, "limit_price").text() == "60,000"
    assert not _edit(dialog, "duration").isVisible()
    assert not _edit(dialog, "pov_target").isVisible()


def test_only_what_changed_is_sent(qtbot: QtBot, dialog: AmendDialog) -> None:
    _edit(dialog, "limit_price").setText("60500")
    with qtbot.waitSignal(dialog.amend_requested) as sent:
        dialog.ok.click()
    assert sent.args == [ORDER.client_order_id, Amendment(limit_price=Decimal(60500))]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("quantity", "0.25", "below what is already filled"),
        ("quantity", "abc", "must be a number"),
        ("quantity", "2", "Nothing changed"),
    ],
)
def test_bad_values_are_explained_and_nothing_sent(
    qtbot: QtBot, dialog: AmendDialog, field: str, text: str, message: str
) -> None:
    _edit(dialog, field).setText(text)
    with qtbot.assertNotEmitted(dialog.amend_requested):
        dialog.ok.click()
    assert message in dialog.message.text()
    assert dialog.isVisible()


def test_a_venue_without_native_amend_gets_a_labelled_cancel_replace(qtbot: QtBot) -> None:
    # Arrange: a resting KuCoin Futures limit (no native amend).
    order = make_order(
        4, venue="kucoin_futures", quantity=Decimal("0.01"), limit_price=Decimal("60000")
    )
    dialog = AmendDialog(order, CANCEL_REPLACE_FIELDS, cancel_replace=True)
    qtbot.addWidget(dialog)
    dialog.show()

    # Assert: the trader is told it is a cancel/replace, and may change quantity and limit.
    assert dialog.windowTitle() == "Cancel/replace buy BTC-USDT on kucoin_futures"
    note = dialog.findChild(QLabel, "dialog.amend.note")
    assert note is not None and note.isVisible()
    assert note.text() == (
        "The order is cancelled and its remainder sent again with the new values."
    )
    assert dialog.ok.text() == "Cancel/replace"
    assert _edit(dialog, "quantity").isVisible() and _edit(dialog, "limit_price").isVisible()
    assert not _edit(dialog, "duration").isVisible()

    # Act: a new limit is sent as an ordinary amendment (the OMS does the cancel/replace).
    _edit(dialog, "limit_price").setText("59,500")
    with qtbot.waitSignal(dialog.amend_requested) as sent:
        dialog.ok.click()
    assert sent.args == [order.client_order_id, Amendment(limit_price=Decimal(59500))]


def test_a_native_amend_shows_no_cancel_replace_note(dialog: AmendDialog) -> None:
    assert dialog.windowTitle().startswith("Amend ")
    assert not dialog.note.isVisible()
    assert dialog.ok.text() == "Amend"
