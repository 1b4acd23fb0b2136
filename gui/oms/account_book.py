"""The accounts file as the accounts dialog edits it: add, edit, remove; secrets in the keyring.

The file is `accounts.toml` in the platform's per-user config directory
(`platformdirs.user_config_path("OrderDesk")`), in the format `gui.oms.accounts.load_accounts`
reads, written with `tomli-w`. It holds names, venues, base URLs and venue options, never a
secret: each secret field is one OS keyring entry (`Keychain`, service `OrderDesk`, username
`<venue>/<account>/<field>`; issue 5 item 8). Rewriting the file drops comments a trader
wrote in it by hand.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import tomli_w

from gui.oms.accounts import (
    SECRET_FIELDS,
    VENUE_OPTIONS,
    AccountConfig,
    AccountsError,
    Keychain,
    base_url_problem,
    endpoints_from_accounts,
    load_accounts,
)
from gui.oms.app_dirs import ACCOUNTS_FILE_NAME, default_accounts_path
from gui.venues.anboto.config import MAINNET_BASE_URL as ANBOTO_BASE_URL
from gui.venues.anboto.config import AnbotoConfig
from gui.venues.dfx.config import PRODUCTION_BASE_URL as DFX_BASE_URL
from gui.venues.kucoin_futures.config import PRODUCTION_BASE_URL as KUCOIN_BASE_URL
from gui.venues.zenotc.config import PRODUCTION_BASE_URL as ZENOTC_BASE_URL

__all__ = [
    "ACCOUNTS_FILE_NAME",
    "DOCUMENTED_BASE_URLS",
    "AccountBook",
    "AccountInvalid",
    "SandboxAccount",
    "account_field_errors",
    "default_accounts_path",
    "endpoints_for_accounts",
    "has_live_accounts",
    "venue_settings",
]

DOCUMENTED_BASE_URLS: dict[str, str] = {
    # Tread.fi documents none: every customer has an instance (treadfi notes §2.1).
    "treadfi": "",
    "kucoin_futures": KUCOIN_BASE_URL,
    "zenotc": ZENOTC_BASE_URL,
    "anboto": ANBOTO_BASE_URL,
    "dfx": DFX_BASE_URL,
}
"""Venue -> its production base URL as its api-reference gives it ("" when it gives none)."""

_FILE_HEADER = (
    "# OrderDesk live accounts, written by Settings > Accounts. No secrets here: each one is\n"
    "# an OS keyring entry, service 'OrderDesk', username '<venue>/<account>/<field>'.\n\n"
)
_ANBOTO_X_FIELDS = (
    "headers",
    "signature_encoding",
    "secret_decoding",
    "recv_window_ms",
    "array_encoding",
)


def has_live_accounts(path: Path) -> bool:
    """Whether the accounts file at `path` exists and names at least one account (a file
    that cannot be read counts: the desk then says why it does not trade it)."""
    if not path.is_file():
        return False
    try:
        return bool(load_accounts(path))
    except AccountsError:
        return True


@dataclass(frozen=True, slots=True)
class SandboxAccount:
    """An account of the sandbox's simulated venues, listed read-only by the dialog.

    Attributes:
        name: Account name the emulator knows (e.g. `sandbox-spot`).
        venue: Venue name.
        base_url: Where the emulator listens (`http://127.0.0.1:<port>`), or "" when the
            sandbox is not running.
    """

    name: str
    venue: str
    base_url: str = ""


class AccountInvalid(AccountsError):
    """An account the dialog is about to save breaks the accounts file's rules.

    Attributes:
        field_errors: Field (`name`, `base_url`, an option or a secret field) -> message.
    """

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.field_errors.items()))


def venue_settings(account: AccountConfig) -> dict[str, Any]:
    """Config fields an account's options select (an endpoint's `"settings"`).

    Anboto `header_style = "x"`: the `X-*` headers and the signing of the official example
    client (`AnbotoConfig.official_example_style`); every other account: none.
    """
    if account.venue == "anboto" and account.options.get("header_style") == "x":
        preset = AnbotoConfig.official_example_style()
        return {name: getattr(preset, name) for name in _ANBOTO_X_FIELDS}
    return {}


def endpoints_for_accounts(
    accounts: Sequence[AccountConfig],
    keychain: Keychain | None,
    session_secrets: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """`endpoints_from_accounts` plus the `"settings"` the accounts' options select.

    Raises:
        AccountsError: See `gui.oms.accounts.endpoints_from_accounts`.
    """
    endpoints = endpoints_from_accounts(accounts, keychain, session_secrets)
    for account in accounts:
        settings = venue_settings(account)
        if settings:
            endpoints[account.venue]["settings"] = settings
    return endpoints


def account_field_errors(account: AccountConfig, others: Sequence[AccountConfig]) -> dict[str, str]:
    """What `load_accounts` would refuse in `account`, by field.

    Args:
        account: The account as the form gives it (options as typed, no defaults filled).
        others: The file's other accounts (duplicate names; one base URL per venue).

    Returns:
        Field (`name`, `venue`, `base_url` or an option) -> message; empty when valid.
    """
    errors: dict[str, str] = {}
    name = account.name
    if not name:
        errors["name"] = "Give the account a name (the name the venue knows it by)."
    elif "/" in name or name != name.strip():
        errors["name"] = "No '/' and no spaces around the name (it names keyring entries)."
    elif any(o.venue == account.venue and o.name == name for o in others):
        errors["name"] = f"{account.venue} already has an account named {name!r}."
    if account.venue not in SECRET_FIELDS:
        errors["venue"] = f"Unknown venue {account.venue!r}."
        return errors
    problem = base_url_problem(account.base_url) if account.base_url else "Required."
    if problem is not None:
        parts = urlsplit(account.base_url)
        if parts.scheme == "http" and parts.hostname and not parts.query and not parts.fragment:
            problem = "Live venues are reached over https:// only (http:// to this machine only)."
        elif problem != "Required.":
            problem = "An https:// URL without query or fragment, e.g. https://api.example.com."
        errors["base_url"] = problem
    else:
        for other in others:
            if other.venue == account.venue and other.base_url != account.base_url.rstrip("/"):
                errors["base_url"] = (
                    f"Account {other.name!r} of {account.venue} uses {other.base_url}; "
                    "one base URL per venue for now."
                )
                break
    for option, (default, allowed) in VENUE_OPTIONS[account.venue].items():
        value = account.options.get(option, "")
        if not value and default is None:
            errors[option] = "Required."
        elif value and allowed and value not in allowed:
            errors[option] = f"One of {', '.join(allowed)}."
    return errors


class AccountBook:
    """The accounts file and the keyring entries of its accounts.

    Args:
        path: The accounts file (`default_accounts_path()`); created on the first save.
        keychain: The OS keyring; when it is unavailable, saves write the file only and the
            secrets must come from `ORDERDESK_SECRETS_FILE` at each start.
    """

    def __init__(self, path: Path, keychain: Keychain) -> None:
        self.path = path
        self.keychain = keychain
        self._accounts: list[AccountConfig] = []

    @property
    def accounts(self) -> list[AccountConfig]:
        """The accounts as last loaded or saved, in file order."""
        return list(self._accounts)

    def load(self) -> list[AccountConfig]:
        """Read the file; a missing file is no accounts.

        Raises:
            AccountsError: The file exists and `load_accounts` refuses it.
        """
        self._accounts = load_accounts(self.path) if self.path.exists() else []
        return self.accounts

    def has_secret(self, account: AccountConfig, field: str) -> bool:
        """Whether the keyring holds `field` of `account` (the value is not kept).

        Raises:
            KeychainError: The keyring failed.
        """
        if not self.keychain.available():
            return False
        return bool(self.keychain.get(account.venue, account.name, field))

    def secrets(
        self,
        account: AccountConfig,
        typed: Mapping[str, str],
        replacing: AccountConfig | None = None,
    ) -> dict[str, str]:
        """The secrets `account` would use: each typed one, else the stored one of the
        account it replaces (same venue), for fields that have either.

        Raises:
            KeychainError: The keyring failed.
        """
        values: dict[str, str] = {}
        for field in account.secret_fields:
            value = typed.get(field, "")
            if not value and replacing is not None and replacing.venue == account.venue:
                if self.keychain.available():
                    value = self.keychain.get(replacing.venue, replacing.name, field) or ""
            if value:
                values[field] = value
        return values

    def save(
        self,
        account: AccountConfig,
        typed: Mapping[str, str],
        replacing: AccountConfig | None = None,
    ) -> AccountConfig:
        """Add `account`, or put it in place of `replacing`; store its secrets.

        Each typed secret is stored as its own keyring entry; a field left blank keeps the
        replaced account's entry (moved when the name changes). Entries the account no
        longer uses (renamed account, other venue, Anboto signing switched) are deleted after
        the file is written.

        Args:
            account: The account; options as typed (defaults are filled in here).
            typed: Secret field -> value the trader typed ("" or absent: unchanged).
            replacing: The saved account being edited, None to add.

        Returns:
            The account as saved (options with defaults, base URL without trailing "/").

        Raises:
            AccountInvalid: A field breaks the file's rules or a needed secret is missing.
            AccountsError, KeychainError: The file or the keyring cannot be written.
        """
        others = [a for a in self._accounts if a != replacing]
        errors = account_field_errors(account, others)
        if errors:
            raise AccountInvalid(errors)
        options = {
            name: account.options.get(name) or str(default)
            for name, (default, _allowed) in VENUE_OPTIONS[account.venue].items()
        }
        saved = AccountConfig(account.name, account.venue, account.base_url.rstrip("/"), options)
        use_keychain = self.keychain.available()
        values = self.secrets(saved, typed, replacing) if use_keychain else {}
        if use_keychain:
            missing = {f: "Required." for f in saved.secret_fields if f not in values}
            if missing:
                raise AccountInvalid(missing)
            for field, value in values.items():
                self.keychain.set(saved.venue, saved.name, field, value)
        accounts = list(self._accounts)
        if replacing is not None and replacing in accounts:
            accounts[accounts.index(replacing)] = saved
        else:
            accounts.append(saved)
        self._write(accounts)
        if replacing is not None and use_keychain:
            kept = (
                set(saved.secret_fields)
                if (replacing.venue, replacing.name) == (saved.venue, saved.name)
                else set()
            )
            for field in SECRET_FIELDS[replacing.venue]:
                if field not in kept:
                    self.keychain.delete(replacing.venue, replacing.name, field)
        return next(a for a in self._accounts if (a.venue, a.name) == (saved.venue, saved.name))

    def remove(self, account: AccountConfig) -> None:
        """Remove `account` from the file and delete every keyring entry of it.

        Raises:
            AccountsError, KeychainError: The file or the keyring cannot be written.
        """
        self._write([a for a in self._accounts if a != account])
        if self.keychain.available():
            for field in SECRET_FIELDS[account.venue]:
                self.keychain.delete(account.venue, account.name, field)

    def _write(self, accounts: list[AccountConfig]) -> None:
        tables = [
            {"name": a.name, "venue": a.venue, "base_url": a.base_url, **a.options}
            for a in accounts
        ]
        text = _FILE_HEADER + tomli_w.dumps({"account": tables})
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Write aside, then rename: a crash never leaves half a file.
            handle, temporary = tempfile.mkstemp(
                prefix=".accounts-", suffix=".toml", dir=self.path.parent
            )
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                os.replace(temporary, self.path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise AccountsError(f"{self.path}: cannot write the accounts file ({exc})") from None
        self._accounts = load_accounts(self.path)
