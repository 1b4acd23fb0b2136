"""The form of the accounts dialog: one venue account's name, venue, base URL, own fields.

Each venue shows its own fields (`gui.oms.accounts.VENUE_OPTIONS` and the secrets its
client signs with). Secret fields are password-mode line edits: what is typed is never
shown, logged or saved anywhere but the keyring. Editing an account that has a secret in the
keyring shows "•••• stored in keyring" and keeps it unless the trader types a new one.
Errors are shown under the field they concern.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.oms.account_book import DOCUMENTED_BASE_URLS
from gui.oms.accounts import SECRET_FIELDS, VENUE_OPTIONS, AccountConfig

__all__ = ["STORED_PLACEHOLDER", "VENUE_TITLES", "AccountForm"]

_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)  # a stable identifier tests and styles find it by
    return widget


STORED_PLACEHOLDER = "•••• stored in keyring"
"""What an empty secret field of a saved account shows: typing replaces the stored one."""

VENUE_TITLES: dict[str, str] = {
    "kucoin_futures": "KuCoin Futures",
    "dfx": "DFX",
    "anboto": "Anboto",
    "treadfi": "Tread.fi",
    "zenotc": "ZenOTC",
}
"""Venue -> its name as traders write it, in the order the venue list offers them."""

_LABELS: dict[str, str] = {
    "api_key": "API key",
    "api_secret": "API secret",
    "api_passphrase": "Passphrase",
    "private_key": "Ed25519 private key",
    "rsa_private_key": "RSA private key",
    "key_version": "Key version",
    "account_id": "Account ID",
    "signing": "Key type",
    "header_style": "Header style",
}
_TREADFI_LABELS = {"api_key": "API token"}
_CHOICES: dict[str, dict[str, str]] = {
    "key_version": {
        "2": "2 (current keys)",
        "3": "3 (universal SDK keys)",
        "1": "1 (legacy, plain passphrase)",
    },
    "signing": {"hmac": "HMAC (system-generated key)", "rsa": "RSA (self-generated key)"},
    "header_style": {
        "anboto": "ANBOTO-* headers (API reference)",
        "x": "X-* headers (official example client)",
    },
}
_HINTS: dict[str, str] = {
    "private_key": "Base64 PKCS#8 DER (MC4CAQAwBQYDK2VwBCIE…); upload only the public key",
    "rsa_private_key": "PEM text; Anboto holds only your public key",
    "account_id": "The DFX sub-account every order names (e.g. 1403134775)",
    "api_passphrase": "The passphrase chosen when the API key was created",
}
_ERROR_STYLE = "color: #f85149;"


class _Field(QWidget):
    """An input with its error line under it."""

    def __init__(self, editor: QWidget, extra: QWidget | None = None) -> None:
        super().__init__()
        self.editor = editor
        self.error = QLabel()
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        if isinstance(editor, QComboBox):  # as wide as the line edits around it
            editor.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if extra is None:
            layout.addWidget(editor)
        else:
            row = QHBoxLayout()
            row.addWidget(editor, 1)
            row.addWidget(extra)
            layout.addLayout(row)
        layout.addWidget(self.error)

    def set_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.editor.setProperty("invalid", bool(message))
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)


class AccountForm(QWidget):
    """Name, venue, base URL and the venue's own fields of one account.

    Child objectNames: `accounts.field.name`, `accounts.field.venue`,
    `accounts.field.base_url`, and `accounts.<venue>.<field>` for each venue field
    (options and secrets), e.g. `accounts.kucoin_futures.api_passphrase`.

    Attributes:
        editing: The saved account being edited, None for a new one.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing: AccountConfig | None = None
        self.name = _named(QLineEdit(), "accounts.field.name")
        self.name.setPlaceholderText("as the venue knows it, e.g. main")
        self.venue = _named(QComboBox(), "accounts.field.venue")
        for venue, title in VENUE_TITLES.items():
            self.venue.addItem(title, venue)
        self.base_url = _named(QLineEdit(), "accounts.field.base_url")
        self._fields: dict[str, dict[str, _Field]] = {}
        self._common = {
            "name": _Field(self.name),
            "venue": _Field(self.venue),
            "base_url": _Field(self.base_url),
        }
        # One form for every venue's rows (so all fields line up); only the chosen venue's
        # rows are visible.
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self._form.addRow("Name", self._common["name"])
        self._form.addRow("Venue", self._common["venue"])
        self._form.addRow("Base URL", self._common["base_url"])
        for venue in VENUE_TITLES:
            self._add_venue_rows(venue)
        self._venue_shown = self.current_venue()
        self.venue.currentIndexChanged.connect(self._on_venue_changed)
        self._on_venue_changed()

    def _add_venue_rows(self, venue: str) -> None:
        fields: dict[str, _Field] = {}
        for option, (default, allowed) in VENUE_OPTIONS[venue].items():
            editor: QWidget
            if allowed:
                combo = _named(QComboBox(), f"accounts.{venue}.{option}")
                labels = _CHOICES.get(option, {})
                for value in sorted(allowed, key=lambda v: list(labels).index(v)):
                    combo.addItem(labels.get(value, value), value)
                combo.setCurrentIndex(combo.findData(default))
                combo.currentIndexChanged.connect(self._update_rows)
                editor = combo
            else:
                editor = _named(QLineEdit(), f"accounts.{venue}.{option}")
                editor.setPlaceholderText("required")
            editor.setToolTip(_HINTS.get(option, ""))
            fields[option] = _Field(editor)
        for secret in SECRET_FIELDS[venue]:
            edit = _named(QLineEdit(), f"accounts.{venue}.{secret}")
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setToolTip(_HINTS.get(secret, ""))
            extra = self._from_file_button(edit) if secret == "rsa_private_key" else None
            fields[secret] = _Field(edit, extra)
        labels = _TREADFI_LABELS if venue == "treadfi" else {}
        for name, field in fields.items():
            self._form.addRow(labels.get(name, _LABELS.get(name, name)), field)
        self._fields[venue] = fields

    def _from_file_button(self, edit: QLineEdit) -> QPushButton:
        button = _named(QPushButton("From file…"), "accounts.anboto.rsa_private_key.file")
        button.setToolTip("Read the PEM private key from a file (the file is not kept)")

        def choose() -> None:
            dialog = QFileDialog(self, "RSA private key (PEM)")
            dialog.setNameFilters(["PEM files (*.pem *.key)", "All files (*)"])
            dialog.fileSelected.connect(
                lambda path: edit.setText(Path(path).read_text(encoding="utf-8").strip())
            )
            dialog.open()  # never exec(): the qasync loop keeps running

        button.clicked.connect(choose)
        return button

    def current_venue(self) -> str:
        """The venue chosen in the venue list."""
        return str(self.venue.currentData())

    def field(self, name: str) -> QWidget:
        """The editor of `name` (`name`, `venue`, `base_url`, or the current venue's field)."""
        holder = self._common.get(name) or self._fields[self.current_venue()][name]
        return holder.editor

    def start_new(self, venue: str = "kucoin_futures") -> None:
        """Empty the form for a new account of `venue`, base URL prefilled."""
        self.editing = None
        self.venue.setEnabled(True)
        self._reset(venue)
        self.base_url.setText(DOCUMENTED_BASE_URLS[venue])

    def start_edit(self, account: AccountConfig, stored: Mapping[str, bool]) -> None:
        """Show a saved account; its secret fields stay empty, saying which are stored.

        Args:
            account: The saved account.
            stored: Secret field -> whether the keyring holds it.
        """
        self.editing = account
        self._reset(account.venue)
        self.name.setText(account.name)
        self.base_url.setText(account.base_url)
        for option, value in account.options.items():
            editor = self._fields[account.venue][option].editor
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            elif isinstance(editor, QLineEdit):
                editor.setText(value)
        for secret, present in stored.items():
            edit = self._fields[account.venue][secret].editor
            assert isinstance(edit, QLineEdit)
            edit.setPlaceholderText(STORED_PLACEHOLDER if present else "required")

    def _reset(self, venue: str) -> None:
        self.venue.blockSignals(True)
        self.venue.setCurrentIndex(self.venue.findData(venue))
        self.venue.blockSignals(False)
        self.name.clear()
        self.base_url.clear()
        for fields_venue, fields in self._fields.items():
            options = VENUE_OPTIONS[fields_venue]
            for name, holder in fields.items():
                editor = holder.editor
                if isinstance(editor, QLineEdit):
                    editor.clear()
                    editor.setPlaceholderText("required")
                elif isinstance(editor, QComboBox) and name in options:
                    editor.setCurrentIndex(editor.findData(options[name][0]))
        self._venue_shown = venue
        self._on_venue_changed()
        self.show_errors({})

    def _on_venue_changed(self) -> None:
        venue = self.current_venue()
        previous = self._venue_shown
        if previous != venue and self.base_url.text() in ("", DOCUMENTED_BASE_URLS[previous]):
            self.base_url.setText(DOCUMENTED_BASE_URLS[venue])
        self.base_url.setPlaceholderText(
            DOCUMENTED_BASE_URLS[venue] or "https://<your instance> (Tread.fi gives each its own)"
        )
        self._venue_shown = venue
        self._update_rows()

    def _update_rows(self) -> None:
        venue = self.current_venue()
        signing = self._fields["anboto"]["signing"].editor
        assert isinstance(signing, QComboBox)
        # Anboto: only the secret its key type signs with.
        hidden = "api_secret" if signing.currentData() == "rsa" else "rsa_private_key"
        for fields_venue, fields in self._fields.items():
            for name, holder in fields.items():
                shown = fields_venue == venue and not (venue == "anboto" and name == hidden)
                self._form.setRowVisible(holder, shown)

    def account(self) -> AccountConfig:
        """The account as typed: options of the current venue as chosen (no defaults)."""
        venue = self.current_venue()
        options: dict[str, str] = {}
        for option in VENUE_OPTIONS[venue]:
            editor = self._fields[venue][option].editor
            if isinstance(editor, QComboBox):
                options[option] = str(editor.currentData())
            elif isinstance(editor, QLineEdit):
                options[option] = editor.text().strip()
        return AccountConfig(self.name.text().strip(), venue, self.base_url.text().strip(), options)

    def typed_secrets(self) -> dict[str, str]:
        """Secret field -> what was typed, for the fields the account uses ("" untouched)."""
        account = self.account()
        fields = self._fields[account.venue]
        values = {}
        for secret in account.secret_fields:
            editor = fields[secret].editor
            assert isinstance(editor, QLineEdit)
            values[secret] = editor.text().strip()
        return values

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Show each message under its field (`name`, `base_url`, an option, a secret); clear
        the others."""
        for name, holder in self._common.items():
            holder.set_error(errors.get(name))
        for name, holder in self._fields[self.current_venue()].items():
            holder.set_error(errors.get(name))

    def error_text(self, name: str) -> str:
        """The error shown under field `name` of the current venue ("" when none)."""
        holder = self._common.get(name) or self._fields[self.current_venue()][name]
        return holder.error.text() if holder.error.isVisibleTo(self) else ""
