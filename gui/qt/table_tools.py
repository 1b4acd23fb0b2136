"""Tools every desk table shares: the column chooser, Ctrl+C, and menus that stay open.

- `install_column_chooser`: right-click on the header shows a checkable list of the
  columns; at least one stays visible. Hidden columns are part of the header's own state
  (`QHeaderView.saveState`), so whatever saves the header keeps them.
- `add_copy_action`: Ctrl+C (while the table has focus) copies its selected rows.
- `StayOpenMenu`: a menu whose checkable entries toggle without closing it, for picking
  several columns or filter values in one go.
- `attach_popup`: a tool button that pops a menu up below itself without `QMenu.exec()`
  (`QToolButton.setMenu` runs a nested event loop, which the qasync loop must not get).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QMenu, QTableView, QToolButton, QWidget

__all__ = [
    "StayOpenMenu",
    "add_copy_action",
    "attach_popup",
    "column_menu",
    "install_column_chooser",
]


class StayOpenMenu(QMenu):
    """A `QMenu` whose checkable, enabled entries toggle on click without closing the menu.

    Other entries (and the keyboard) behave as in any menu.

    Args:
        parent: Qt parent.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """Toggle a checkable entry in place; anything else as `QMenu` does."""
        action = self.actionAt(event.position().toPoint())
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            event.accept()
            return
        super().mouseReleaseEvent(event)


def column_menu(table: QTableView, object_name: str) -> QMenu:
    """A menu of `table`'s columns, in on-screen order, ticked while shown.

    Unticking hides the column, ticking shows it again at its former width; the last
    visible column cannot be unticked. "Show all columns" shows every one. The menu is
    deleted when it closes.

    Args:
        table: The table whose horizontal header the menu changes.
        object_name: The menu's objectName, e.g. `"blotter.column_menu"`.

    Returns:
        The menu, not yet shown.
    """
    header = table.horizontalHeader()
    model = table.model()
    menu = StayOpenMenu(table)
    menu.setObjectName(object_name)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    menu.setToolTipsVisible(True)
    actions: list[QAction] = []

    def sync() -> None:
        shown = [action for action in actions if action.isChecked()]
        for action in actions:
            action.setEnabled(not (len(shown) == 1 and action.isChecked()))

    def show_column(column: int, shown: bool) -> None:
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < header.minimumSectionSize():
            table.resizeColumnToContents(column)
        sync()

    for visual in range(header.count()):
        column = header.logicalIndex(visual)
        title = model.headerData(column, Qt.Orientation.Horizontal)
        action = menu.addAction(str(title))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(column))
        action.setData(column)
        action.toggled.connect(lambda shown, column=column: show_column(column, shown))
        actions.append(action)
    sync()
    menu.addSeparator()
    show_all = menu.addAction("Show all columns")

    def show_all_columns() -> None:
        for action in actions:
            action.setChecked(True)

    show_all.triggered.connect(show_all_columns)
    return menu


def install_column_chooser(table: QTableView, object_name: str) -> None:
    """Right-click on `table`'s header opens `column_menu(table, object_name)` there."""
    header = table.horizontalHeader()
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(position: QPoint) -> None:
        column_menu(table, object_name).popup(header.mapToGlobal(position))

    header.customContextMenuRequested.connect(show)


def add_copy_action(table: QTableView, copy: Callable[[], object]) -> QAction:
    """A "Copy rows" action on `table`: Ctrl+C (the platform's Copy) while it has focus.

    Args:
        table: The table; the action is added to it (so its shortcut works there only,
            and a text field elsewhere keeps its own Ctrl+C).
        copy: What the action runs, e.g. a method copying the selected rows.

    Returns:
        The action, also for context menus (it shows its shortcut).
    """
    action = QAction("Copy rows", table)
    action.setObjectName(f"{table.objectName()}.copy")
    action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
    action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    action.setToolTip("Copy the selected rows, with a header line, as tab-separated text")
    action.triggered.connect(lambda _checked=False: copy())
    table.addAction(action)
    return action


def attach_popup(button: QToolButton, menu: QMenu) -> None:
    """A click on `button` pops `menu` up below it (non-blocking `popup`, never `exec`).

    The button is drawn pressed while the menu is open.
    """

    def show() -> None:
        button.setDown(True)
        menu.popup(button.mapToGlobal(QPoint(0, button.height())))

    button.clicked.connect(show)
    menu.aboutToHide.connect(lambda: button.setDown(False))
