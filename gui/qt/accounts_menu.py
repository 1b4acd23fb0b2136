"""Settings > Accounts…: the menu the main window gets from outside, and opening the dialog.

`gui/app.py` calls `install_accounts_menu(window, book, sandbox_accounts)` once the window
exists; the dialog (`gui.qt.accounts_dialog`) is non-modal and one per window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from gui.oms.account_book import AccountBook, SandboxAccount
from gui.qt.accounts_dialog import AccountsDialog

__all__ = ["install_accounts_menu", "open_accounts_dialog"]


def open_accounts_dialog(
    window: QMainWindow, book: AccountBook, sandbox_accounts: Sequence[SandboxAccount] = ()
) -> AccountsDialog:
    """Show the accounts dialog of `window` (non-modal), raising the open one if any.

    Args:
        window: The main window (the dialog's parent).
        book: The accounts file and keyring.
        sandbox_accounts: The sandbox's accounts, listed read-only.

    Returns:
        The dialog, shown.
    """
    dialog = window.findChild(AccountsDialog, "dialog.accounts")
    if dialog is None:
        dialog = AccountsDialog(book, sandbox_accounts, window)
    else:
        dialog.reload()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def install_accounts_menu(
    window: QMainWindow,
    book: AccountBook,
    sandbox_accounts: Callable[[], Sequence[SandboxAccount]] = tuple,
) -> QAction:
    """Add a "Settings" menu with "Accounts…" to `window`'s menu bar.

    Args:
        window: The main window.
        book: The accounts file and keyring.
        sandbox_accounts: Gives the sandbox's accounts when the dialog first opens.

    Returns:
        The action (objectName `action.accounts`; menu objectName `menu.settings`).
    """
    bar = window.menuBar()
    menu = QMenu("&Settings", bar)
    menu.setObjectName("menu.settings")
    # Before Help when the window has one (Help stays last, as everywhere).
    help_menu = next(
        (a for a in bar.actions() if a.menu() is not None and a.text().replace("&", "") == "Help"),
        None,
    )
    if help_menu is None:
        bar.addMenu(menu)
    else:
        bar.insertMenu(help_menu, menu)
    action = QAction("&Accounts…", window)
    action.setObjectName("action.accounts")
    action.setStatusTip("Add, edit or remove venue accounts and test their connection")
    action.triggered.connect(lambda: open_accounts_dialog(window, book, sandbox_accounts()))
    menu.addAction(action)
    return action
