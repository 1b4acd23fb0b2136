"""The desk window as a whole: automation names, saved layout, venue status."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QSettings, Qt

from gui.app import Desk, build_desk
from gui.oms.events import VenueState
from gui.qt.venue_status import VenueIndicator
from tests.helpers import drive, until

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_object_names() -> list[str]:
    """Every concrete objectName the README's automation table promises on the idle desk.

    The `dialog.confirm*` names exist only while a confirmation is open; the end-to-end
    flow finds the dialog and its buttons by those names. The README's "Opened on demand"
    table (menus popped up, the accounts dialog, the app's sandbox badge) is left out; the
    tests of those widgets find them by those names.
    """
    table = README.read_text().split("## Automation and accessibility names", 1)[1]
    table = table.split("\n## ", 1)[0].split("\n### Opened on demand", 1)[0]
    names = re.findall(r"`([a-z_]+(?:\.[a-z_]+)*)`", table)
    return [
        name
        for name in names
        if ("." in name or name == "main_window") and not name.startswith("dialog.")
    ]


def test_every_object_name_in_the_readme_exists_on_the_desk(desk: Desk) -> None:
    names = readme_object_names()
    assert len(names) > 20
    window = desk.window
    missing = [
        name
        for name in names
        if window.objectName() != name and window.findChild(QObject, name) is None
    ]
    assert missing == []


def test_status_bar_shows_each_venue_account_and_its_last_good_poll(
    qasync_loop: Any, desk: Desk
) -> None:
    async def scenario() -> None:
        indicators = lambda: [  # noqa: E731
            indicator
            for indicator in desk.window.statusBar().findChildren(VenueIndicator)
            if indicator.objectName().startswith("venueStatus_treadfi_")
        ]
        await until(
            lambda: (
                len(indicators()) == 2
                and all(
                    indicator.health.state == VenueState.OK and indicator.text().endswith(" s")
                    for indicator in indicators()
                )
            )
        )
        assert {indicator.objectName() for indicator in indicators()} == {
            f"venueStatus_treadfi_{account}" for account in desk.service.accounts["treadfi"]
        }

    drive(qasync_loop, desk, scenario)


def test_the_layout_is_restored_the_next_time_the_desk_opens(
    qtbot: Any, qasync_loop: Any, endpoints: dict, tmp_path: Path
) -> None:
    settings_file = str(tmp_path / "layout.ini")
    first = build_desk(endpoints, QSettings(settings_file, QSettings.Format.IniFormat))
    qtbot.addWidget(first.window)
    first.window.show()
    # The trader closes the chart, moves errors to the left and hides a blotter column.
    first.window.chart_dock.close()
    first.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, first.window.errors_dock)
    first.window.blotter.table.horizontalHeader().hideSection(2)
    qasync_loop.run_until_complete(first.aclose())  # saves the layout

    second = build_desk(endpoints, QSettings(settings_file, QSettings.Format.IniFormat))
    qtbot.addWidget(second.window)
    second.window.show()
    try:
        assert second.window.chart_dock.isHidden()
        assert second.window.dockWidgetArea(second.window.errors_dock) == (
            Qt.DockWidgetArea.LeftDockWidgetArea
        )
        assert second.window.blotter.table.horizontalHeader().isSectionHidden(2)
    finally:
        qasync_loop.run_until_complete(second.aclose())
