"""View > Theme: Dark or Light, switched live and remembered.

The choice is saved under `theme.SETTINGS_THEME`. At start the application is given the
default theme (`apply_theme(app)` in `gui.app`); the menu, made with the main window, then
switches to the saved one if it differs, before the window is first shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from gui.qt import theme

__all__ = ["ThemeMenu"]


class ThemeMenu(QMenu):
    """The Theme submenu (objectName `menu.theme`), one exclusive checkable action per theme
    (objectName `action.theme.<name>`, e.g. `action.theme.light`).

    Attributes:
        actions_by_name: Theme name -> its action.

    Args:
        settings: Where the chosen theme is saved.
        parent: The menu's parent (the View menu).
        followers: Called after every theme switch, for widgets that hold colours the
            live constants cannot reach (pyqtgraph pens: `FillProgressChart.refresh_colours`).
    """

    def __init__(
        self,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        followers: Sequence[Callable[[], None]] = (),
    ) -> None:
        super().__init__("&Theme", parent)
        self.setObjectName("menu.theme")
        self._settings = settings
        self._followers = tuple(followers)
        group = QActionGroup(self)
        group.setExclusive(True)
        self.actions_by_name: dict[str, QAction] = {}
        for name in theme.THEME_NAMES:
            action = QAction(name.capitalize(), self, checkable=True)
            action.setObjectName(f"action.theme.{name}")
            action.setStatusTip(f"Show the desk in the {name} colour scheme")
            action.triggered.connect(lambda _checked=False, chosen=name: self.choose(chosen))
            group.addAction(action)
            self.addAction(action)
            self.actions_by_name[name] = action
        # A bound method: Qt drops the connection when the menu (and its window) goes.
        theme.theme_signals().changed.connect(self._on_theme_changed)
        saved = theme.theme_from_settings(settings)
        applied = theme.current_theme()
        if applied is not None and applied != saved:
            self.choose(saved)
        self._show_checked(saved)

    def choose(self, name: str) -> None:
        """Apply theme `name` to the running application and save it.

        Raises:
            ValueError: `name` is not one of `theme.THEME_NAMES`.
        """
        app = QApplication.instance()
        assert isinstance(app, QApplication), "a theme needs the widgets application"
        theme.apply_theme(app, name)
        self._settings.setValue(theme.SETTINGS_THEME, name)

    def _on_theme_changed(self, name: str) -> None:
        self._show_checked(name)
        for follower in self._followers:
            follower()

    def _show_checked(self, name: str) -> None:
        action = self.actions_by_name.get(name)
        if action is not None:
            action.setChecked(True)
