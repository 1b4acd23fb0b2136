"""Live venue accounts: settings from a TOML file, secrets from the OS keyring.

Issue 5 item 8: credentials live only in the OS keyring, one entry per secret (key, secret
and passphrase separately), never in configuration. The accounts file holds what is not
secret::

    [[account]]
    name = "main"                      # the account name the desk shows and the venue knows
    venue = "kucoin_futures"           # treadfi | kucoin_futures | zenotc | anboto | dfx
    base_url = "https://api-futures.kucoin.com"
    key_version = "2"                  # venue option (see VENUE_OPTIONS)

and the keyring holds, under service `OrderDesk`, one entry per secret field named
`<venue>/<account>/<field>`, e.g. `kucoin_futures/main/api_passphrase` (store one with
`keyring set OrderDesk kucoin_futures/main/api_passphrase`). Without a keyring backend the
secrets of one run may come from `ORDERDESK_SECRETS_FILE` (a TOML file that is read, never
written): `[kucoin_futures.main]` then `api_key = "..."` and so on.

Every error names the file, line, account and field, never a secret's value. Every account
of the file is live: its base URL must be `https://`, except on a loopback host (a local
sandbox); TLS verification is never turned off.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gui.domain.errors import OrderDeskError
from gui.oms.keychain import KEYRING_SERVICE, Keychain, KeychainError, entry_name

__all__ = [
    "KEYRING_SERVICE",
    "NO_KEYRING_MESSAGE",
    "SECRET_FIELDS",
    "SECRETS_FILE_ENV",
    "VENUE_OPTIONS",
    "AccountConfig",
    "AccountsError",
    "Keychain",
    "KeychainError",
    "MissingSecretError",
    "base_url_problem",
    "endpoint_secrets",
    "endpoints_from_accounts",
    "entry_name",
    "load_accounts",
    "load_session_secrets",
]

SECRETS_FILE_ENV = "ORDERDESK_SECRETS_FILE"
"""Environment variable naming a TOML file of secrets for this run (read, never written)."""
NO_KEYRING_MESSAGE = "no OS keyring: credentials are kept for this run only"
"""What the log and the error pane say when no keyring backend exists."""

SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "treadfi": ("api_key",),
    "kucoin_futures": ("api_key", "api_secret", "api_passphrase"),
    "zenotc": ("api_key", "api_secret"),
    "anboto": ("api_key", "api_secret", "rsa_private_key"),
    "dfx": ("api_key", "private_key"),
}
"""Venue -> every secret field its clients may use (gui/venues/registry.py); each is one
keyring entry. Anboto uses `api_secret` (HMAC) or `rsa_private_key`, per its `signing`."""

VENUE_OPTIONS: dict[str, dict[str, tuple[str | None, tuple[str, ...]]]] = {
    "treadfi": {},
    "kucoin_futures": {"key_version": ("2", ("1", "2", "3"))},
    "zenotc": {},
    "anboto": {"signing": ("hmac", ("hmac", "rsa")), "header_style": ("anboto", ("anboto", "x"))},
    "dfx": {"account_id": (None, ())},
}
"""Venue -> non-secret field -> (default, allowed values). A None default means required;
no allowed values means any non-empty text. KuCoin `key_version` (notes §6.2), Anboto
`signing` (system-generated HMAC key or self-generated RSA key, notes §1.2) and `header_style`
(`ANBOTO-*` headers of the reference doc, or the `X-*` signing of the official examples,
gui/venues/anboto/config.py), DFX `account_id` (the sub-account every order call names)."""

_ACCOUNT_TABLE = "account"
_BASE_FIELDS = ("name", "venue", "base_url")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


class AccountsError(OrderDeskError):
    """The accounts file, the secrets file or the keyring cannot give a usable account.

    The message names the file, line, account and field; it never contains a secret.
    """


class MissingSecretError(AccountsError):
    """An account's secret is in neither the session secrets nor the keyring.

    Attributes:
        account: The account's name.
        venue: Its venue.
        field: The missing secret field (e.g. `api_passphrase`).
    """

    def __init__(self, message: str, *, venue: str, account: str, field: str) -> None:
        super().__init__(message)
        self.venue = venue
        self.account = account
        self.field = field


@dataclass(frozen=True, slots=True)
class AccountConfig:
    """One live venue account, as the accounts file describes it (no secrets).

    Attributes:
        name: Account name, shown by the desk and sent to the venue where it has accounts
            (Tread.fi's linked account name).
        venue: Venue name, a key of `SECRET_FIELDS`.
        base_url: `https://host[:port][/prefix]` (`http://` on a loopback host only).
        options: The venue's non-secret fields (`VENUE_OPTIONS`), defaults filled in.
        source: `"<file> line <n>"` where the account is defined, for messages.
    """

    name: str
    venue: str
    base_url: str
    options: Mapping[str, str] = field(default_factory=dict)
    source: str = "<accounts>"

    @property
    def secret_fields(self) -> tuple[str, ...]:
        """The secret fields this account needs (Anboto: by its `signing`)."""
        if self.venue == "anboto":
            second = "rsa_private_key" if self.options.get("signing") == "rsa" else "api_secret"
            return ("api_key", second)
        return SECRET_FIELDS[self.venue]


def load_accounts(path: Path) -> list[AccountConfig]:
    """Read the `[[account]]` tables of a TOML accounts file.

    Args:
        path: The accounts file.

    Returns:
        The accounts in file order.

    Raises:
        AccountsError: Unreadable file, TOML syntax, unknown venue or field, a secret field
            in the file, a missing or mistyped field, a duplicate account, an `http://` base
            URL on a host other than loopback. The message names file, line and field.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AccountsError(f"{path}: cannot read the accounts file ({exc})") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccountsError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(document) - {_ACCOUNT_TABLE})
    if unknown:
        raise AccountsError(
            f"{path}: unknown top-level key {unknown[0]!r}; accounts are [[account]] tables"
        )
    tables = document.get(_ACCOUNT_TABLE, [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise AccountsError(f"{path}: `account` must be an array of tables ([[account]])")
    locator = _Locator(path, text)
    accounts: list[AccountConfig] = []
    seen: dict[tuple[str, str], str] = {}
    for index, table in enumerate(tables):
        account = _parse_account(table, index, locator)
        key = (account.venue, account.name)
        if key in seen:
            raise AccountsError(
                f"{account.source}: account {account.name!r} of {account.venue} is already "
                f"defined at {seen[key]}"
            )
        seen[key] = account.source
        accounts.append(account)
    return accounts


class _Locator:
    """Line numbers of `[[account]]` tables and their fields (tomllib gives none)."""

    _HEADER = re.compile(r"^\s*\[\[\s*account\s*\]\]")

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers = [n for n, line in enumerate(self.lines) if self._HEADER.match(line)]

    def table(self, index: int) -> str:
        if index < len(self.headers):
            return f"{self.path} line {self.headers[index] + 1}"
        return f"{self.path} account #{index + 1}"

    def field(self, index: int, name: str) -> str:
        if index >= len(self.headers):
            return self.table(index)
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines)
        pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
        for number in range(self.headers[index], end):
            if pattern.match(self.lines[number]):
                return f"{self.path} line {number + 1}"
        return self.table(index)


def _parse_account(table: Mapping[str, Any], index: int, at: _Locator) -> AccountConfig:
    def text_field(name: str, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
            raise AccountsError(f"{at.field(index, name)}: field {name!r} must be non-empty text")
        return str(value)

    for name in _BASE_FIELDS:
        if name not in table:
            raise AccountsError(f"{at.table(index)}: account has no {name!r} field")
    account_name = text_field("name", table["name"])
    if "/" in account_name or account_name != account_name.strip():
        raise AccountsError(
            f"{at.field(index, 'name')}: account name {account_name!r} must not contain '/' "
            "or surrounding spaces (it is part of the keyring entry names)"
        )
    venue = text_field("venue", table["venue"])
    if venue not in SECRET_FIELDS:
        raise AccountsError(
            f"{at.field(index, 'venue')}: account {account_name!r}: unknown venue {venue!r}; "
            f"known: {', '.join(SECRET_FIELDS)}"
        )
    option_specs = VENUE_OPTIONS[venue]
    for name in table:
        if name in SECRET_FIELDS[venue]:
            # Never quote the value: it is a secret the trader put in the wrong place.
            raise AccountsError(
                f"{at.field(index, name)}: account {account_name!r} field {name!r} is a secret "
                f"and is not read from the accounts file; store it in the OS keyring as "
                f"service {KEYRING_SERVICE!r}, entry {entry_name(venue, account_name, name)!r}"
            )
        if name not in _BASE_FIELDS and name not in option_specs:
            allowed = ", ".join((*_BASE_FIELDS, *option_specs))
            raise AccountsError(
                f"{at.field(index, name)}: account {account_name!r}: unknown field {name!r} "
                f"for {venue} (allowed: {allowed})"
            )
    base_url = text_field("base_url", table["base_url"])
    problem = base_url_problem(base_url)
    if problem is not None:
        raise AccountsError(f"{at.field(index, 'base_url')}: account {account_name!r}: {problem}")
    options: dict[str, str] = {}
    for name, (default, allowed_values) in option_specs.items():
        if name not in table:
            if default is None:
                raise AccountsError(
                    f"{at.table(index)}: account {account_name!r} of {venue} needs {name!r}"
                )
            options[name] = default
            continue
        value = text_field(name, table[name])
        if allowed_values and value not in allowed_values:
            raise AccountsError(
                f"{at.field(index, name)}: account {account_name!r}: {name!r} must be one of "
                f"{', '.join(allowed_values)}, got {value!r}"
            )
        options[name] = value
    return AccountConfig(account_name, venue, base_url.rstrip("/"), options, at.table(index))


def base_url_problem(base_url: str) -> str | None:
    """Why `base_url` cannot be a live account's base URL, or None when it can.

    TLS always on for live venues (issue 5 item 8): `https://`, plain `http://` only to a
    loopback host (a local sandbox); no query or fragment."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return f"base_url must be an https:// URL, got {base_url!r}"
    if parts.query or parts.fragment:
        return f"base_url must have no query or fragment, got {base_url!r}"
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        return (
            f"base_url {base_url!r} is plain http:// on a host that is not loopback; "
            "live venues are reached over https:// only"
        )
    return None


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def load_session_secrets(path: Path) -> dict[str, str]:
    """Read a TOML file of secrets for this run only (it is never written).

    The file has one table per account, `[<venue>.<account>]`, with secret fields as text
    (quote account names that contain dots: `[treadfi."my.account"]`).

    Args:
        path: The secrets file (`ORDERDESK_SECRETS_FILE`).

    Returns:
        Keyring entry name (`entry_name`) -> secret.

    Raises:
        AccountsError: Unreadable file, TOML syntax, unknown venue or field, a value that is
            not text. Messages never quote a value.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise AccountsError(f"{path}: cannot read the secrets file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise AccountsError(f"{path}: not valid TOML: {exc}") from None
    secrets: dict[str, str] = {}
    for venue, accounts in document.items():
        if venue not in SECRET_FIELDS or not isinstance(accounts, dict):
            raise AccountsError(f"{path}: {venue!r} is not a venue table such as [treadfi.main]")
        for account, fields in accounts.items():
            if not isinstance(fields, dict):
                raise AccountsError(f"{path}: [{venue}.{account}] must be a table of secrets")
            for name, value in fields.items():
                if name not in SECRET_FIELDS[venue]:
                    raise AccountsError(
                        f"{path}: [{venue}.{account}] unknown secret field {name!r} "
                        f"(allowed: {', '.join(SECRET_FIELDS[venue])})"
                    )
                if not isinstance(value, str) or not value:
                    raise AccountsError(
                        f"{path}: [{venue}.{account}] {name!r} must be non-empty text"
                    )
                secrets[entry_name(venue, account, name)] = value
    return secrets


def endpoints_from_accounts(
    accounts: Sequence[AccountConfig],
    keychain: Keychain | None,
    session_secrets: Mapping[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """Endpoint descriptions for `gui.venues.registry.build_clients`, secrets filled in.

    Each secret comes from `session_secrets` (this run only) when it is there, else from
    the keychain when it is available.

    Args:
        accounts: The live accounts (`load_accounts`).
        keychain: The OS keyring (`gui.oms.keychain`); None or unavailable means session
            secrets only.
        session_secrets: Keyring entry name -> secret, for this run only.

    Returns:
        Venue -> `{"base_url": str, "credentials": {field: str}, "accounts": [name, ...]}`;
        credentials hold the secret fields and the venue options (KuCoin `key_version`, DFX
        `account_id`, Anboto `signing`).

    Raises:
        MissingSecretError: A secret is nowhere; names account, entry and field.
        AccountsError: Two accounts of one venue differ in base URL or credentials (one
            endpoint per venue for now), or the keyring failed.
    """
    session = dict(session_secrets or {})
    use_keychain = keychain is not None and keychain.available()
    endpoints: dict[str, dict[str, Any]] = {}
    first: dict[str, AccountConfig] = {}
    for account in accounts:
        credentials = dict(account.options)
        for secret_field in account.secret_fields:
            credentials[secret_field] = _secret(
                account, secret_field, session, keychain, use_keychain
            )
        endpoint = endpoints.get(account.venue)
        if endpoint is None:
            first[account.venue] = account
            endpoints[account.venue] = {
                "base_url": account.base_url,
                "credentials": credentials,
                "accounts": [account.name],
            }
            continue
        other = first[account.venue]
        if endpoint["base_url"] != account.base_url:
            raise AccountsError(
                f"{account.source}: account {account.name!r} of {account.venue} has a different "
                f"base_url from account {other.name!r} ({other.source}); one base URL per venue "
                "is supported for now"
            )
        differing = sorted(
            k
            for k in credentials.keys() | endpoint["credentials"].keys()
            if credentials.get(k) != endpoint["credentials"].get(k)
        )
        if differing:
            raise AccountsError(
                f"{account.source}: account {account.name!r} of {account.venue} has a different "
                f"{differing[0]} from account {other.name!r} ({other.source}); one key per venue "
                "is supported for now"
            )
        endpoint["accounts"].append(account.name)
    return endpoints


def _secret(
    account: AccountConfig,
    field_name: str,
    session: Mapping[str, str],
    keychain: Keychain | None,
    use_keychain: bool,
) -> str:
    name = entry_name(account.venue, account.name, field_name)
    value = session.get(name)
    if value is None and use_keychain:
        assert keychain is not None
        try:
            value = keychain.get(account.venue, account.name, field_name)
        except KeychainError as exc:
            raise AccountsError(f"{account.source}: account {account.name!r}: {exc}") from None
    if value:
        return value
    where = (
        f"store it with `keyring set {KEYRING_SERVICE} {name}`"
        if use_keychain
        else f"{NO_KEYRING_MESSAGE}: give it in the file {SECRETS_FILE_ENV} names, "
        f'as [{account.venue}.{account.name}] {field_name} = "..."'
    )
    raise MissingSecretError(
        f"{account.source}: account {account.name!r} of {account.venue} has no {field_name} "
        f"(keyring entry {KEYRING_SERVICE} {name}); {where}",
        venue=account.venue,
        account=account.name,
        field=field_name,
    )


def endpoint_secrets(endpoints: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Every secret value in endpoint descriptions (live or the sandbox's demo ones), for
    `gui.oms.redaction`; non-secret fields (key version, account id) are left out."""
    secrets: list[str] = []
    for venue, endpoint in endpoints.items():
        credentials = endpoint.get("credentials", {})
        # A venue this desk does not know: treat every credential as secret.
        names = SECRET_FIELDS.get(venue, tuple(credentials))
        secrets.extend(str(credentials[n]) for n in names if credentials.get(n))
    return secrets
