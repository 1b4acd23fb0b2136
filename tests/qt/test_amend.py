"""The amend dialog: current values shown, only the venue's amend fields, only changes sent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from gui.domain.orders import Amendment, OrderStatus, Strategy
from gui.qt.amend import AmendDialog
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
