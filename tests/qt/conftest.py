"""Qt test fixtures: offscreen platform, model testers."""

from __future__ import annotations

import os

# Before anything imports Qt: render offscreen unless the developer asked for a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QAbstractItemModel  # noqa: E402
from PySide6.QtTest import QAbstractItemModelTester  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

ModelTester = Callable[[QAbstractItemModel], QAbstractItemModelTester]


@pytest.fixture
def model_tester(qapp: QApplication) -> Iterator[ModelTester]:
    """Attach a `QAbstractItemModelTester` to a model for the rest of the test.

    Warning mode: a broken invariant is logged as a Qt warning, which fails the test through
    `qt_log_level_fail = WARNING` instead of aborting the interpreter as Fatal mode would.
    """
    testers: list[QAbstractItemModelTester] = []

    def attach(model: QAbstractItemModel) -> QAbstractItemModelTester:
        tester = QAbstractItemModelTester(
            model, QAbstractItemModelTester.FailureReportingMode.Warning
        )
        testers.append(tester)
        return tester

    yield attach
    testers.clear()


@pytest.fixture
def close_popups(qapp: QApplication) -> Iterator[None]:
    """Close the menus a test left open, so the next test starts with none (use it with
    `pytest.mark.usefixtures("close_popups")` in modules that open popup menus)."""
    yield
    while (popup := QApplication.activePopupWidget()) is not None:
        popup.close()
        qapp.processEvents()
