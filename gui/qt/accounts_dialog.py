"""Settings > Accounts…: add, edit, remove live venue accounts and test their connection.

The list shows every live account of the accounts file and, read-only, the sandbox's
simulated accounts (so the list is never empty on a fresh install). The form
(`gui.qt.account_form`) edits one live account; Save writes the file and the keyring
(`gui.oms.account_book`); "Test connection" makes one signed read with the form's values
(`gui.oms.account_check`) on the qasync loop. The dialog is non-modal: it is opened with
`show()`, never `exec()` (DESIGN.md, pitfalls). Changes apply the next time the desk starts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.domain.errors import OrderDeskError
from gui.oms.account_book import AccountBook, AccountInvalid, SandboxAccount, account_field_errors
from gui.oms.account_check import CHECK_TIMEOUT_S, ConnectionCheck, check_connection
from gui.oms.accounts import NO_KEYRING_MESSAGE, SECRETS_FILE_ENV, VENUE_OPTIONS, AccountConfig
from gui.qt.account_form import VENUE_TITLES, AccountForm

__all__ = ["AccountsDialog"]

_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)  # a stable identifier tests and styles find it by
    return widget


log = logging.getLogger(__name__)

APPLY_NOTE = "Changes apply the next time OrderDesk starts."
"""The note under the list: the running desk keeps the accounts it started with."""
_COLUMNS = ("Name", "Venue", "Base URL", "Mode")
_SANDBOX_TAG = QColor("#f0b429")
_LIVE_TAG = QColor("#3fb950")
_OK_STYLE = "color: #3fb950;"
_FAILED_STYLE = "color: #f85149;"


class AccountsDialog(QDialog):
    """The accounts list with Add, Edit, Remove, and the form of one account.

    Child objectNames: `accounts.list`, `accounts.add`, `accounts.edit`, `accounts.remove`,
    `accounts.form` (the group box), `accounts.test`, `accounts.save`, `accounts.cancel`,
    `accounts.check_result`, `accounts.message`, `dialog.accounts.confirm_remove`.

    Args:
        book: The accounts file and keyring (loaded again here).
        sandbox_accounts: The sandbox's accounts, listed read-only.
        parent: The main window.
        check_timeout_s: Longest a connection test waits, in seconds.

    Signals:
        accounts_saved(): The accounts file was written (added, edited or removed).
    """

    accounts_saved = Signal()

    def __init__(
        self,
        book: AccountBook,
        sandbox_accounts: Sequence[SandboxAccount] = (),
        parent: QWidget | None = None,
        *,
        check_timeout_s: float = CHECK_TIMEOUT_S,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.accounts")
        self.setWindowTitle("Accounts")
        self.setModal(False)
        self.book = book
        self.sandbox_accounts = list(sandbox_accounts)
        self.check_timeout_s = check_timeout_s
        self._check_task: asyncio.Task[ConnectionCheck] | None = None
        self._rows: list[AccountConfig | SandboxAccount] = []
        self._file_broken = False

        self.table = _named(QTableWidget(0, len(_COLUMNS)), "accounts.list")
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.add_button = _named(QPushButton("Add…"), "accounts.add")
        self.edit_button = _named(QPushButton("Edit…"), "accounts.edit")
        self.remove_button = _named(QPushButton("Remove"), "accounts.remove")
        self.message = _named(QLabel(), "accounts.message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.form = AccountForm()
        self.check_result = _named(QLabel(), "accounts.check_result")
        self.check_result.setWordWrap(True)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_button = _named(QPushButton("Test connection"), "accounts.test")
        self.test_button.setToolTip("One signed read (open orders) with these settings")
        self.cancel_button = _named(QPushButton("Cancel"), "accounts.cancel")
        self.save_button = _named(QPushButton("Save"), "accounts.save")
        self.save_button.setDefault(True)
        self.form_box = _named(QGroupBox("New account"), "accounts.form")
        self._build_layout()

        self.add_button.clicked.connect(lambda: self.start_add())
        self.edit_button.clicked.connect(lambda: self.start_edit())
        self.remove_button.clicked.connect(lambda: self.confirm_remove())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _index: self.start_edit())
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button.clicked.connect(lambda: self._close_form())
        self.test_button.clicked.connect(lambda: self.test_connection())
        self.finished.connect(lambda _code: self._cancel_check())
        self.reload()
        self._close_form()
        self.resize(1040, 560)

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addLayout(buttons)
        left.addWidget(self.message)

        actions = QHBoxLayout()
        actions.addWidget(self.test_button)
        actions.addStretch(1)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.save_button)
        box = QVBoxLayout(self.form_box)
        box.addWidget(self.form, 1)
        box.addWidget(self.check_result)
        box.addLayout(actions)
        self.form_box.setMinimumWidth(430)

        panes = QHBoxLayout()
        panes.addLayout(left, 3)
        panes.addWidget(self.form_box, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        note = _named(
            QLabel(
                f"Live accounts are kept in {self.book.path}; their secrets only in the OS "
                f"keyring. {APPLY_NOTE}"
            ),
            "accounts.note",
        )
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(note, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(panes, 1)
        layout.addLayout(bottom)

    # --- the list --------------------------------------------------------------------

    def reload(self) -> None:
        """Read the accounts file again and list its accounts, then the sandbox's."""
        broken = None
        try:
            self.book.load()
        except OrderDeskError as exc:
            broken = str(exc)
        self._fill_table()
        self._file_broken = broken is not None
        if broken is not None:
            self._say(f"The accounts file cannot be read, fix it by hand: {broken}", ok=False)
        elif not self.book.keychain.available():
            self._say(
                f"{NO_KEYRING_MESSAGE}: Save writes the accounts file only; give the secrets "
                f"in the file {SECRETS_FILE_ENV} names when OrderDesk starts.",
                ok=False,
            )
        else:
            self._say("")
        self._update_buttons()

    def _fill_table(self) -> None:
        self._rows = [*self.book.accounts, *self.sandbox_accounts]
        self.table.setRowCount(len(self._rows))
        for row, account in enumerate(self._rows):
            sandbox = isinstance(account, SandboxAccount)
            base_url = account.base_url or "127.0.0.1 (starts with the sandbox)"
            texts = (account.name, VENUE_TITLES.get(account.venue, account.venue), base_url)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if sandbox:
                    item.setToolTip("Built-in simulated account (read-only)")
                self.table.setItem(row, column, item)
            tag = QTableWidgetItem("sandbox" if sandbox else "live")
            tag.setForeground(_SANDBOX_TAG if sandbox else _LIVE_TAG)
            self.table.setItem(row, 3, tag)

    def selected_account(self) -> AccountConfig | None:
        """The selected live account (None when none, or a sandbox one, is selected)."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        account = self._rows[rows[0].row()]
        return account if isinstance(account, AccountConfig) else None

    def select_account(self, venue: str, name: str) -> None:
        """Select the listed account `name` of `venue`."""
        for row, account in enumerate(self._rows):
            if (account.venue, account.name) == (venue, name):
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        editable = self.selected_account() is not None and not self._file_broken
        self.add_button.setEnabled(not self._file_broken)
        self.edit_button.setEnabled(editable)
        self.remove_button.setEnabled(editable)

    def _say(self, text: str, *, ok: bool = True) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("" if ok else _FAILED_STYLE)

    # --- the form --------------------------------------------------------------------

    def start_add(self, venue: str = "kucoin_futures") -> None:
        """Open the form on a new account of `venue`, its documented base URL filled in."""
        self._cancel_check()
        self.form.start_new(venue)
        self._open_form("New account")
        self.form.name.setFocus()

    def start_edit(self, account: AccountConfig | None = None) -> None:
        """Open the form on `account` (default: the selected live account)."""
        account = account or self.selected_account()
        if account is None:
            return
        self._cancel_check()
        try:
            stored = {f: self.book.has_secret(account, f) for f in account.secret_fields}
        except OrderDeskError as exc:
            self._say(str(exc), ok=False)
            stored = dict.fromkeys(account.secret_fields, False)
        self.form.start_edit(account, stored)
        self._open_form(f"Edit account {account.name} ({VENUE_TITLES[account.venue]})")

    def _open_form(self, title: str) -> None:
        self.form_box.setTitle(title)
        self.form_box.setEnabled(True)
        self.check_result.clear()

    def _close_form(self) -> None:
        self._cancel_check()
        self.form.start_new()
        self.form_box.setTitle("Add or edit an account")
        self.form_box.setEnabled(False)
        self.check_result.clear()

    def _form_account(self) -> AccountConfig | None:
        """The form's account with default options, or None after showing its errors."""
        account = self.form.account()
        others = [a for a in self.book.accounts if a != self.form.editing]
        errors = account_field_errors(account, others)
        self.form.show_errors(errors)
        if errors:
            return None
        options = {
            name: account.options.get(name) or str(default)
            for name, (default, _allowed) in VENUE_OPTIONS[account.venue].items()
        }
        return dataclasses.replace(account, options=options)

    def save(self) -> None:
        """Validate the form, write the file and the keyring; errors show at their field."""
        account = self._form_account()
        if account is None:
            return
        try:
            saved = self.book.save(account, self.form.typed_secrets(), self.form.editing)
        except AccountInvalid as exc:
            self.form.show_errors(exc.field_errors)
            return
        except OrderDeskError as exc:
            self._say(str(exc), ok=False)
            return
        log.info("account %s of %s saved to %s", saved.name, saved.venue, self.book.path)
        self._close_form()
        self._fill_table()
        self.select_account(saved.venue, saved.name)
        self._say(f"Saved {saved.name} ({VENUE_TITLES[saved.venue]}). {APPLY_NOTE}")
        self.accounts_saved.emit()

    def confirm_remove(self) -> QMessageBox | None:
        """Ask before removing the selected account; returns the open question."""
        account = self.selected_account()
        if account is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove account",
            f"Remove {account.name} ({VENUE_TITLES[account.venue]})?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("dialog.accounts.confirm_remove")
        box.setInformativeText("Its secrets are deleted from the OS keyring.")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.accepted.connect(lambda: self.remove(account))
        box.open()  # never exec(): the qasync loop keeps running
        return box

    def remove(self, account: AccountConfig) -> None:
        """Remove `account` from the file and its secrets from the keyring."""
        try:
            self.book.remove(account)
        except OrderDeskError as exc:
            self._say(str(exc), ok=False)
            return
        log.info("account %s of %s removed from %s", account.name, account.venue, self.book.path)
        if self.form.editing == account:
            self._close_form()
        self._fill_table()
        self._update_buttons()
        self._say(f"Removed {account.name} ({VENUE_TITLES[account.venue]}). {APPLY_NOTE}")
        self.accounts_saved.emit()

    # --- test connection -------------------------------------------------------------

    def test_connection(self) -> asyncio.Task[ConnectionCheck] | None:
        """Start one signed read with the form's values on the running loop.

        Returns:
            The task (the button stays disabled until it ends), or None when a field is
            wrong or a secret is missing (shown at the field).
        """
        account = self._form_account()
        if account is None:
            return None
        try:
            secrets = self.book.secrets(account, self.form.typed_secrets(), self.form.editing)
        except OrderDeskError as exc:
            self._show_check(ConnectionCheck(False, str(exc)))
            return None
        missing = {f: "Required to test." for f in account.secret_fields if f not in secrets}
        if missing:
            self.form.show_errors(missing)
            return None
        self._cancel_check()
        self.test_button.setEnabled(False)
        self.check_result.setStyleSheet("")
        self.check_result.setText(f"Testing {VENUE_TITLES[account.venue]}…")
        task = asyncio.ensure_future(check_connection(account, secrets, self.check_timeout_s))
        self._check_task = task
        task.add_done_callback(self._check_done)
        return task

    def _check_done(self, task: asyncio.Task[ConnectionCheck]) -> None:
        if task is self._check_task:
            self._check_task = None
            self.test_button.setEnabled(True)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:  # a bug, not a venue's answer: the log has the traceback
            log.error("connection test failed", exc_info=exc)
            self._show_check(ConnectionCheck(False, f"Internal error: {type(exc).__name__}"))
            return
        self._show_check(task.result())

    def _show_check(self, result: ConnectionCheck) -> None:
        self.check_result.setText(result.message)
        self.check_result.setStyleSheet(_OK_STYLE if result.ok else _FAILED_STYLE)

    def _cancel_check(self) -> None:
        task, self._check_task = self._check_task, None
        if task is not None and not task.done():
            task.cancel()
        self.test_button.setEnabled(True)
