"""Light and dark themes: readable colours in both, a live switch from View > Theme that every
pane follows, remembered across a restart; and the high-DPI policy."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from gui.domain.orders import OrderStatus, Side
from gui.qt import theme
from gui.qt.main_window import MainWindow
from gui.qt.palettes import DARK, LIGHT, PALETTES, Palette, contrast_ratio, style_sheet
from tests.qt.bare_window import open_window, settings_in
from tests.qt.factories import make_order

TEXT_ROLES = (
    "text",
    "dim_text",
    "buy",
    "sell",
    "blue",
    "teal",
    "amber",
    "purple",
    "green",
    "grey",
    "red",
    "orange",
    "magenta",
    "light_blue",
)
"""Palette roles drawn as text on table rows."""

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def restore_theme(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Whatever the test switches to, other tests get the application back as it was, and
    the live colours back in the default (dark) scheme."""
    style, palette, sheet, font = (
        qapp.style().name(),
        qapp.palette(),
        qapp.styleSheet(),
        qapp.font(),
    )
    monkeypatch.setattr(theme, "_current", theme.current_theme())
    yield
    theme.apply_theme(qapp, theme.DEFAULT_THEME)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


def _theme_action(window: MainWindow, name: str) -> object:
    view = window.menuBar().findChild(QMenu, "menu.view")
    [submenu] = [menu for menu in view.findChildren(QMenu) if menu.objectName() == "menu.theme"]
    [action] = [a for a in submenu.actions() if a.objectName() == f"action.theme.{name}"]
    return action


# -- the palettes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PALETTES))
@pytest.mark.parametrize("role", TEXT_ROLES)
def test_text_colours_are_readable_on_both_row_backgrounds(name: str, role: str) -> None:
    palette: Palette = PALETTES[name]
    colour = getattr(palette, role)

    for background in (palette.base, palette.alternate_base):
        assert contrast_ratio(colour, background) >= 4.5, (name, role, colour, background)


@pytest.mark.parametrize("palette", [DARK, LIGHT], ids=["dark", "light"])
def test_stale_rows_are_faded_but_legible(palette: Palette) -> None:
    ratio = contrast_ratio(palette.stale_text, palette.base)

    assert 3.0 <= ratio < contrast_ratio(palette.text, palette.base)


def test_every_style_sheet_placeholder_is_filled() -> None:
    for palette in PALETTES.values():
        assert "$" not in style_sheet(palette)


def test_an_unknown_theme_name_is_refused(qapp: QApplication) -> None:
    with pytest.raises(ValueError, match="unknown theme 'sepia'"):
        theme.apply_theme(qapp, "sepia")


@pytest.mark.usefixtures("restore_theme")
@pytest.mark.parametrize("name", sorted(PALETTES))
def test_status_groups_read_differently_in_each_theme(qapp: QApplication, name: str) -> None:
    theme.apply_theme(qapp, name)

    colours = {theme.STATUS_COLOURS[status].name() for status in OrderStatus}

    assert len(colours) == 8  # one per status group (see test_theme.py)
    assert theme.SIDE_COLOURS[Side.BUY].name() == PALETTES[name].buy


# -- switching live ----------------------------------------------------------------------------


@pytest.mark.usefixtures("restore_theme")
def test_view_theme_light_repaints_the_desk_and_is_saved(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # Arrange: the desk in the dark theme, a buy order in the blotter.
    theme.apply_theme(qapp, "dark")
    settings = settings_in(tmp_path)
    window = open_window(qtbot, settings)
    window.blotter.model.apply([make_order(1, side=Side.BUY)])
    model = window.blotter.model
    side_cell = model.index(0, model.column_of("side"))
    assert side_cell.data(Qt.ItemDataRole.ForegroundRole).name() == DARK.buy

    # Act: View > Theme > Light.
    with qtbot.waitSignal(theme.theme_signals().changed) as switched:
        _theme_action(window, "light").trigger()

    # Assert: the application, the blotter's colours and the drawn table are light now.
    assert switched.args == ["light"]
    assert qapp.palette().color(QPalette.ColorRole.Base) == QColor(LIGHT.base)
    assert side_cell.data(Qt.ItemDataRole.ForegroundRole).name() == LIGHT.buy
    assert theme.progress_bar_colour(full=True, stale=False).alpha() == LIGHT.progress_alpha
    table = window.blotter.table
    empty_area = table.viewport().grab().toImage()
    bottom_left = empty_area.pixelColor(5, empty_area.height() - 5)
    assert bottom_left.name() == LIGHT.base
    assert _theme_action(window, "light").isChecked()
    assert not _theme_action(window, "dark").isChecked()
    assert settings.value(theme.SETTINGS_THEME) == "light"


@pytest.mark.usefixtures("restore_theme")
def test_the_saved_theme_comes_back_after_a_restart(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path
) -> None:
    # Arrange: the last session chose Light (saved as above); the next start begins dark
    # (`gui.app` applies the default before any window exists).
    settings_in(tmp_path).setValue(theme.SETTINGS_THEME, "light")
    theme.apply_theme(qapp, "dark")

    # Act
    window = open_window(qtbot, settings_in(tmp_path))

    # Assert: the window switched the application to the saved theme before showing.
    assert theme.current_theme() == "light"
    assert qapp.palette().color(QPalette.ColorRole.Window) == QColor(LIGHT.window)
    assert _theme_action(window, "light").isChecked()


def test_without_a_theme_applied_the_window_leaves_the_application_alone(
    qapp: QApplication, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Widget tests run unthemed; a window built there must not theme the whole process.
    monkeypatch.setattr(theme, "_current", None)
    settings = settings_in(tmp_path)
    settings.setValue(theme.SETTINGS_THEME, "light")
    sheet = qapp.styleSheet()

    window = open_window(qtbot, settings, show=False)

    assert qapp.styleSheet() == sheet
    assert _theme_action(window, "light").isChecked()


# -- high DPI ----------------------------------------------------------------------------------


def test_high_dpi_policy_is_left_alone_once_the_application_exists(qapp: QApplication) -> None:
    before = QGuiApplication.highDpiScaleFactorRoundingPolicy()

    assert theme.configure_high_dpi() is False  # too late: Qt would ignore it
    assert QGuiApplication.highDpiScaleFactorRoundingPolicy() == before


def test_high_dpi_policy_passes_fractional_scale_factors_through() -> None:
    # A fresh interpreter: the policy only counts before the QApplication exists.
    script = (
        "from PySide6.QtGui import QGuiApplication\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from gui.qt.theme import configure_high_dpi\n"
        "assert configure_high_dpi()\n"
        "app = QApplication([])\n"
        "print(QGuiApplication.highDpiScaleFactorRoundingPolicy().name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
        check=True,
    )

    assert done.stdout.strip() == "PassThrough"
