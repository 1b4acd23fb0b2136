"""The accounts dialog, driven as a trader would: add, edit, remove, test, and the SANDBOX marks."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMainWindow, QMessageBox, QTextEdit
from pytestqt.qtbot import QtBot

from gui.app import sandbox_accounts
from gui.launch import parse_args
from gui.oms.account_book import AccountBook, SandboxAccount, has_live_accounts
from gui.oms.accounts import Keychain, load_accounts
from gui.qt.account_form import STORED_PLACEHOLDER
from gui.qt.accounts_dialog import AccountsDialog
from gui.qt.accounts_menu import install_accounts_menu
from gui.qt.sandbox_badge import LIVE_TITLE, SANDBOX_TITLE, install_sandbox_badge, set_mode_title
from gui.sandbox.server import VenueEndpoint, running_sandbox
from tests.helpers import until
from tests.keyring_backend import ENV_VAR, EnvKeyring
from tests.qt.desk_rig import save_screenshot

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)

SANDBOX = [
    SandboxAccount("sandbox-spot", "dfx", "http://127.0.0.1:8101"),
    SandboxAccount("sandbox-algo", "anboto", "http://127.0.0.1:8102"),
]
SECRETS = {"api_key": "k-7f3a9c", "api_secret": "s-91be2d", "api_passphrase": "p-c0ffee"}


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> EnvKeyring:
    """An in-memory keyring (tests/keyring_backend.py), empty."""
    monkeypatch.setenv(ENV_VAR, json.dumps({}))
    return EnvKeyring()


@pytest.fixture
def book(tmp_path: Path, backend: EnvKeyring) -> AccountBook:
    return AccountBook(tmp_path / "OrderDesk" / "accounts.toml", Keychain(backend))


@pytest.fixture
def dialog(qtbot: QtBot, book: AccountBook) -> AccountsDialog:
    widget = AccountsDialog(book, SANDBOX)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, VenueEndpoint]]:
    with running_sandbox(seed=13, speed=30.0) as served:
        yield served


def edit(dialog: AccountsDialog, name: str) -> QLineEdit:
    found = dialog.findChild(QLineEdit, name)
    assert found is not None, name
    return found


def listed(dialog: AccountsDialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [
        tuple(table.item(row, column).text() for column in range(table.columnCount()))
        for row in range(table.rowCount())
    ]


def choose_venue(dialog: AccountsDialog, venue: str) -> None:
    combo = dialog.findChild(QComboBox, "accounts.field.venue")
    assert combo is not None
    combo.setCurrentIndex(combo.findData(venue))


def add_kucoin(qtbot: QtBot, dialog: AccountsDialog, base_url: str | None = None) -> None:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit(dialog, "accounts.field.name"), "main")
    if base_url is not None:
        edit(dialog, "accounts.field.base_url").setText(base_url)
    for field, value in SECRETS.items():
        qtbot.keyClicks(edit(dialog, f"accounts.kucoin_futures.{field}"), value)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_a_fresh_install_lists_the_sandbox_accounts_read_only(
    qtbot: QtBot, dialog: AccountsDialog
) -> None:
    assert listed(dialog) == [
        ("sandbox-spot", "DFX", "http://127.0.0.1:8101", "sandbox"),
        ("sandbox-algo", "Anboto", "http://127.0.0.1:8102", "sandbox"),
    ]
    dialog.table.selectRow(0)
    assert not dialog.edit_button.isEnabled() and not dialog.remove_button.isEnabled()
    assert not dialog.form_box.isEnabled()


def test_add_writes_toml_without_secrets_and_each_secret_to_the_keyring(
    qtbot: QtBot, dialog: AccountsDialog, book: AccountBook, backend: EnvKeyring
) -> None:
    # Act: Add, the venue's documented base URL is already there; type name and secrets.
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert edit(dialog, "accounts.field.base_url").text() == "https://api-futures.kucoin.com"
    assert edit(dialog, "accounts.kucoin_futures.api_secret").echoMode() == (
        QLineEdit.EchoMode.Password
    )
    add_kucoin_typed = SECRETS
    qtbot.keyClicks(edit(dialog, "accounts.field.name"), "main")
    for field, value in add_kucoin_typed.items():
        qtbot.keyClicks(edit(dialog, f"accounts.kucoin_futures.{field}"), value)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    # Assert: the file has no secret anywhere, the keyring one entry per secret field.
    data = book.path.read_bytes()
    assert not [value for value in SECRETS.values() if value.encode() in data]
    [account] = load_accounts(book.path)
    assert (account.name, account.venue, account.base_url) == (
        "main",
        "kucoin_futures",
        "https://api-futures.kucoin.com",
    )
    assert tomllib.loads(data.decode())["account"][0]["key_version"] == "2"
    assert backend._entries["OrderDesk"] == {
        f"kucoin_futures/main/{field}": value for field, value in SECRETS.items()
    }
    assert listed(dialog)[0] == ("main", "KuCoin Futures", account.base_url, "live")
    assert "apply the next time OrderDesk starts" in dialog.message.text()


def test_edit_keeps_secrets_unless_retyped(
    qtbot: QtBot, dialog: AccountsDialog, backend: EnvKeyring
) -> None:
    add_kucoin(qtbot, dialog)
    dialog.select_account("kucoin_futures", "main")

    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    key = edit(dialog, "accounts.kucoin_futures.api_key")
    assert key.text() == "" and key.placeholderText() == STORED_PLACEHOLDER
    qtbot.keyClicks(edit(dialog, "accounts.kucoin_futures.api_passphrase"), "p-new")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    entries = backend._entries["OrderDesk"]
    assert entries["kucoin_futures/main/api_key"] == SECRETS["api_key"]
    assert entries["kucoin_futures/main/api_secret"] == SECRETS["api_secret"]
    assert entries["kucoin_futures/main/api_passphrase"] == "p-new"


def test_remove_asks_then_deletes_the_keyring_entries(
    qtbot: QtBot, dialog: AccountsDialog, book: AccountBook, backend: EnvKeyring
) -> None:
    add_kucoin(qtbot, dialog)
    dialog.select_account("kucoin_futures", "main")

    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    [box] = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert "Remove main (KuCoin Futures)?" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    assert load_accounts(book.path) == []
    assert backend._entries["OrderDesk"] == {}
    assert [row[0] for row in listed(dialog)] == ["sandbox-spot", "sandbox-algo"]


def test_plain_http_to_a_live_host_is_shown_at_the_base_url_field(
    qtbot: QtBot, dialog: AccountsDialog, book: AccountBook
) -> None:
    add_kucoin(qtbot, dialog, base_url="http://api-futures.kucoin.com")

    assert "https://" in dialog.form.error_text("base_url")
    assert dialog.form.error_text("name") == ""
    assert not book.path.exists()
    assert dialog.form_box.isEnabled()  # the form stays open to fix it


def test_missing_secret_is_shown_at_its_field(qtbot: QtBot, dialog: AccountsDialog) -> None:
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    choose_venue(dialog, "dfx")
    assert edit(dialog, "accounts.field.base_url").text() == "https://api.dfx.hk"
    qtbot.keyClicks(edit(dialog, "accounts.field.name"), "spot")
    qtbot.keyClicks(edit(dialog, "accounts.dfx.account_id"), "1403134775")
    qtbot.keyClicks(edit(dialog, "accounts.dfx.api_key"), "key")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.form.error_text("private_key") == "Required."
    assert dialog.form.error_text("api_key") == ""


@pytest.mark.parametrize(("secret_suffix", "expected"), [("", "OK: zenotc answered, "), ("x", "")])
def test_test_connection_reads_the_venue_signed(
    qtbot: QtBot,
    dialog: AccountsDialog,
    qasync_loop: asyncio.AbstractEventLoop,
    sandbox: dict[str, VenueEndpoint],
    secret_suffix: str,
    expected: str,
) -> None:
    endpoint = sandbox["zenotc"]

    async def scenario() -> str:
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        choose_venue(dialog, "zenotc")
        edit(dialog, "accounts.field.base_url").setText(endpoint.base_url)
        qtbot.keyClicks(edit(dialog, "accounts.field.name"), endpoint.accounts[0])
        qtbot.keyClicks(edit(dialog, "accounts.zenotc.api_key"), endpoint.credentials["api_key"])
        secret = endpoint.credentials["api_secret"] + secret_suffix
        qtbot.keyClicks(edit(dialog, "accounts.zenotc.api_secret"), secret)
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
        assert not dialog.test_button.isEnabled()
        await until(lambda: dialog.test_button.isEnabled(), timeout_s=10)
        return dialog.check_result.text()

    shown = qasync_loop.run_until_complete(scenario())

    if expected:
        assert shown.startswith(expected) and shown.endswith("open orders")
    else:
        assert shown.startswith("Credentials refused. zenotc HTTP 401")
    assert endpoint.credentials["api_secret"] not in shown


def test_screenshot_of_an_account_being_edited(
    qtbot: QtBot, dialog: AccountsDialog, book: AccountBook
) -> None:
    add_kucoin(qtbot, dialog)
    dialog.select_account("kucoin_futures", "main")
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit(dialog, "accounts.kucoin_futures.api_passphrase"), "typed-secret")

    image = dialog.grab()

    assert not image.isNull()
    save_screenshot(dialog, "accounts_dialog.png")


def test_settings_menu_opens_one_non_modal_dialog(qtbot: QtBot, book: AccountBook) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.menuBar().addMenu("&View")
    window.menuBar().addMenu("&Help")
    action = install_accounts_menu(window, book, lambda: SANDBOX)

    action.trigger()
    action.trigger()

    [dialog] = window.findChildren(AccountsDialog)
    assert dialog.isVisible() and not dialog.isModal()
    assert [a.text() for a in window.menuBar().actions()] == ["&View", "&Settings", "&Help"]
    assert [row[3] for row in listed(dialog)] == ["sandbox", "sandbox"]


def test_sandbox_window_is_marked_in_title_and_status_bar(qtbot: QtBot) -> None:
    window = QMainWindow()
    window.setCentralWidget(QTextEdit())
    qtbot.addWidget(window)

    badge = install_sandbox_badge(window)
    window.show()
    window.statusBar().showMessage("Submitted 3 orders.", 5000)

    assert window.windowTitle() == SANDBOX_TITLE
    assert badge.text() == "SANDBOX" and badge.isVisible()
    assert badge.mapTo(window, badge.rect().topLeft()).x() < 10  # left end of the status bar
    assert window.statusBar().currentMessage() == "Submitted 3 orders."
    message = window.findChild(type(badge), "statusbar.sandbox_message")
    assert message is not None and message.text() == "Submitted 3 orders."
    set_mode_title(window, sandbox=False)
    assert window.windowTitle() == LIVE_TITLE


def test_version_flag_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == "OrderDesk 0.1.0"


def test_sandbox_flag_and_accounts_file_exclude_each_other() -> None:
    assert parse_args(["--sandbox"]).sandbox
    with pytest.raises(SystemExit):
        parse_args(["--sandbox", "--accounts", "x.toml"])


def test_the_desk_trades_the_config_accounts_only_when_there_are_some(
    qtbot: QtBot, dialog: AccountsDialog, book: AccountBook
) -> None:
    assert not has_live_accounts(book.path)
    add_kucoin(qtbot, dialog)
    assert has_live_accounts(book.path)
    assert {(a.venue, a.name) for a in sandbox_accounts(None)} >= {("dfx", "sandbox-spot")}
