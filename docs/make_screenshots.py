"""Regenerate every screenshot the README shows, offscreen, in one run.

    python docs/make_screenshots.py            # writes docs/*.png

- `docs/screenshot.png`: the desk on the sandbox with ten demo orders (dark theme),
- `docs/screenshot-light.png`: the same in the light theme,
- `docs/accounts.png`: Settings > Accounts with a live account next to the sandbox's.

The desk shots are the real `orderdesk --screenshot` (a child process each, with throwaway
settings and data folders, so a developer's own layout, theme and journal are neither used
nor touched). The accounts shot builds the dialog in this process on a throwaway accounts
file and an in-memory keyring holding made-up secrets (the dialog never shows them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
DEMO_ORDERS = 10
SAMPLE_ACCOUNTS = """\
[[account]]
name = "main"
venue = "kucoin_futures"
base_url = "https://api-futures.kucoin.com"
key_version = "2"
"""


def desk_shot(target: Path, theme: str, scratch: Path) -> None:
    """`orderdesk --screenshot target` on the sandbox, in `theme` ("dark" or "light")."""
    settings = scratch / f"{theme}.ini"
    settings.write_text(f"[appearance]\ntheme={theme}\n")
    command = [
        sys.executable,
        "-m",
        "gui",
        "--sandbox",
        "--screenshot",
        str(target),
        "--demo-orders",
        str(DEMO_ORDERS),
        "--settings",
        str(settings),
        "--data-dir",
        str(scratch / f"data-{theme}"),
    ]
    subprocess.run(command, check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    print(f"wrote {target}")


def accounts_shot(target: Path, scratch: Path) -> None:
    """The accounts dialog with one live KuCoin account (selected) and the sandbox's."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import keyring.backend
    from PySide6.QtWidgets import QApplication

    from gui.app import sandbox_accounts
    from gui.oms.account_book import AccountBook
    from gui.oms.accounts import Keychain
    from gui.qt.accounts_dialog import AccountsDialog
    from gui.qt.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_theme(app)
    accounts = scratch / "accounts.toml"
    accounts.write_text(SAMPLE_ACCOUNTS)

    class MemoryKeyring(keyring.backend.KeyringBackend):
        """Entries in a dict, for this process only."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.entries: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.entries.pop((service, username), None)

    keychain = Keychain(MemoryKeyring())
    for field in ("api_key", "api_secret", "api_passphrase"):
        keychain.set("kucoin_futures", "main", field, f"made-up-{field}")
    dialog = AccountsDialog(AccountBook(accounts, keychain), sandbox_accounts(None))
    dialog.resize(900, 520)
    dialog.show()
    dialog.select_account("kucoin_futures", "main")
    dialog.start_edit()
    app.processEvents()
    dialog.grab().save(str(target))
    dialog.close()
    print(f"wrote {target}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="orderdesk-shots-") as folder:
        scratch = Path(folder)
        desk_shot(DOCS / "screenshot.png", "dark", scratch)
        desk_shot(DOCS / "screenshot-light.png", "light", scratch)
        accounts_shot(DOCS / "accounts.png", scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
