"""Help > About OrderDesk: the version, where the files are, what the desk trades on, and the
Qt and Python versions; non-modal, copyable."""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from gui.qt.about import AboutDialog
from gui.qt.main_window import MainWindow
from tests.qt.bare_window import open_window, settings_in

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def _open_about(window: MainWindow) -> AboutDialog:
    help_menu = window.findChild(QMenu, "menu.help")
    [about] = [a for a in help_menu.actions() if a.objectName() == "action.about"]
    about.trigger()
    [dialog] = [d for d in window.findChildren(AboutDialog) if d.isVisible()]
    return dialog


def _value(dialog: AboutDialog, name: str) -> str:
    label = dialog.findChild(QLabel, f"about.{name}")
    assert label is not None, name
    return label.text()


def test_about_shows_version_directories_mode_and_runtime(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, settings_in(tmp_path))
    window.set_environment(data_dir=tmp_path / "data", sandbox=True, config_dir=tmp_path / "cfg")

    dialog = _open_about(window)

    assert not dialog.isModal()
    assert dialog.windowTitle() == "About OrderDesk"
    assert _value(dialog, "version") == importlib.metadata.version("orderdesk")
    assert _value(dialog, "venues") == "Sandbox: simulated venues, no real orders"
    assert _value(dialog, "data_directory") == str(tmp_path / "data")
    assert _value(dialog, "config_directory") == str(tmp_path / "cfg")
    assert _value(dialog, "settings_file") == str(tmp_path / "orderdesk.ini")
    assert _value(dialog, "qt").startswith(qVersion())
    assert _value(dialog, "python").startswith(platform.python_version())
    assert not dialog.findChild(QLabel, "about.logo").pixmap().isNull()


def test_live_venues_are_said_plainly(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, settings_in(tmp_path))
    window.set_environment(data_dir=None, sandbox=False)

    dialog = _open_about(window)

    assert _value(dialog, "venues") == "Live venues: orders are real"
    assert _value(dialog, "data_directory") == "not known yet"
    assert _value(dialog, "config_directory").endswith("OrderDesk")


def test_copy_puts_every_detail_on_the_clipboard(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, settings_in(tmp_path))
    window.set_environment(data_dir=tmp_path, sandbox=True)
    dialog = _open_about(window)

    qtbot.mouseClick(dialog.findChild(QPushButton, "about.copy"), Qt.MouseButton.LeftButton)

    copied = QApplication.clipboard().text()
    assert f"Data directory: {tmp_path}" in copied
    assert "Venues: Sandbox" in copied
    assert copied.splitlines()[0].startswith("Version: ")


def test_opening_about_again_keeps_one_box_with_the_latest_environment(
    qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_window(qtbot, settings_in(tmp_path))
    first = _open_about(window)
    assert _value(first, "venues") == "not known yet"

    window.set_environment(data_dir=tmp_path, sandbox=True)
    second = _open_about(window)

    assert not first.isVisible()
    assert _value(second, "venues").startswith("Sandbox")


def test_help_is_the_last_menu(qtbot: QtBot, tmp_path: Path) -> None:
    window = open_window(qtbot, settings_in(tmp_path), show=False)

    titles = [action.text().replace("&", "") for action in window.menuBar().actions()]

    assert titles[:3] == ["View", "Orders", "Ticket"]
    assert titles[-1] == "Help"
