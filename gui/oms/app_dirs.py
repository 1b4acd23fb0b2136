"""Where OrderDesk keeps its files on this machine (`platformdirs`), without importing the
rest of the desk: `gui.launch` reads them before the desk's heavy imports."""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = [
    "ACCOUNTS_FILE_NAME",
    "APP_NAME",
    "default_accounts_path",
    "default_config_dir",
    "default_data_dir",
]

APP_NAME = "OrderDesk"
"""Application name for the platform's per-user directories."""
ACCOUNTS_FILE_NAME = "accounts.toml"
"""The accounts file's name in the config directory."""


def default_data_dir() -> Path:
    """The platform's per-user data directory for OrderDesk (Linux:
    `~/.local/share/OrderDesk`, macOS: `~/Library/Application Support/OrderDesk`,
    Windows: `%LOCALAPPDATA%\\OrderDesk`). Not created here."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def default_config_dir() -> Path:
    """The platform's per-user configuration directory for OrderDesk (Linux
    `~/.config/OrderDesk`). Not created here."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def default_accounts_path() -> Path:
    """`<user config dir>/OrderDesk/accounts.toml` (e.g. `~/.config/OrderDesk/accounts.toml`)."""
    return default_config_dir() / ACCOUNTS_FILE_NAME
