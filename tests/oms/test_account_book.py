"""The accounts file the dialog writes: TOML without secrets, one keyring entry per secret."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends import fail

from gui.oms.account_book import (
    AccountBook,
    AccountInvalid,
    default_accounts_path,
    endpoints_for_accounts,
)
from gui.oms.account_check import check_connection
from gui.oms.accounts import AccountConfig, Keychain, load_accounts
from gui.sandbox.server import VenueEndpoint, running_sandbox
from gui.venues.anboto.config import X_HEADERS
from tests.keyring_backend import ENV_VAR, EnvKeyring

KUCOIN = AccountConfig("main", "kucoin_futures", "https://api-futures.kucoin.com", {})
SECRETS = {"api_key": "key-A1", "api_secret": "secret-B2", "api_passphrase": "pass-C3"}


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> EnvKeyring:
    monkeypatch.setenv(ENV_VAR, json.dumps({}))
    return EnvKeyring()


@pytest.fixture
def book(tmp_path: Path, backend: EnvKeyring) -> AccountBook:
    return AccountBook(tmp_path / "config" / "accounts.toml", Keychain(backend))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, VenueEndpoint]]:
    with running_sandbox(seed=11, speed=30.0) as served:
        yield served


def test_save_writes_toml_without_secrets_and_one_keyring_entry_per_secret(
    book: AccountBook, backend: EnvKeyring
) -> None:
    saved = book.save(KUCOIN, SECRETS)

    data = book.path.read_bytes()
    assert all(value.encode() not in data for value in SECRETS.values())
    assert tomllib.loads(data.decode())["account"] == [
        {
            "name": "main",
            "venue": "kucoin_futures",
            "base_url": "https://api-futures.kucoin.com",
            "key_version": "2",
        }
    ]
    assert load_accounts(book.path) == [saved]
    assert backend.get_password("OrderDesk", "kucoin_futures/main/api_passphrase") == "pass-C3"
    assert book.path.stat().st_mode & 0o077 == 0


def test_edit_keeps_untyped_secrets_moves_them_on_rename_and_drops_old_entries(
    book: AccountBook, backend: EnvKeyring
) -> None:
    saved = book.save(KUCOIN, SECRETS)

    renamed = AccountConfig("desk", "kucoin_futures", saved.base_url, {"key_version": "3"})
    book.save(renamed, {"api_passphrase": "pass-new"}, replacing=saved)

    keychain = book.keychain
    assert keychain.get("kucoin_futures", "desk", "api_key") == "key-A1"
    assert keychain.get("kucoin_futures", "desk", "api_passphrase") == "pass-new"
    assert keychain.get("kucoin_futures", "main", "api_key") is None
    assert [(a.name, a.options["key_version"]) for a in load_accounts(book.path)] == [("desk", "3")]


def test_remove_deletes_the_keyring_entries(book: AccountBook, backend: EnvKeyring) -> None:
    saved = book.save(KUCOIN, SECRETS)

    book.remove(saved)

    assert load_accounts(book.path) == []
    assert backend._entries.get("OrderDesk", {}) == {}


def test_invalid_fields_and_missing_secrets_are_named_by_field(book: AccountBook) -> None:
    bad = AccountConfig("a/b", "dfx", "http://api.dfx.hk", {"account_id": ""})

    with pytest.raises(AccountInvalid) as caught:
        book.save(bad, {})

    assert set(caught.value.field_errors) == {"name", "base_url", "account_id"}
    assert "https://" in caught.value.field_errors["base_url"]
    with pytest.raises(AccountInvalid) as caught:
        book.save(KUCOIN, {"api_key": "k"})
    assert set(caught.value.field_errors) == {"api_secret", "api_passphrase"}
    assert not book.path.exists()


def test_one_base_url_per_venue(book: AccountBook) -> None:
    book.save(KUCOIN, SECRETS)
    other = AccountConfig("b", "kucoin_futures", "https://other.example", {})

    with pytest.raises(AccountInvalid) as caught:
        book.save(other, SECRETS)

    assert "one base URL per venue" in caught.value.field_errors["base_url"]


def test_without_keyring_the_file_is_written_and_no_secret_asked(tmp_path: Path) -> None:
    book = AccountBook(tmp_path / "accounts.toml", Keychain(fail.Keyring()))

    book.save(KUCOIN, {"api_key": "typed-but-not-kept"})

    assert b"typed-but-not-kept" not in book.path.read_bytes()
    assert [a.name for a in load_accounts(book.path)] == ["main"]


def test_anboto_x_header_style_selects_the_official_example_signing(
    book: AccountBook,
) -> None:
    account = AccountConfig(
        "algo", "anboto", "https://api.anboto.xyz", {"signing": "hmac", "header_style": "x"}
    )
    book.save(account, {"api_key": "k", "api_secret": "s"})

    endpoints = endpoints_for_accounts(book.load(), book.keychain)

    assert endpoints["anboto"]["settings"]["headers"] == X_HEADERS
    assert endpoints["anboto"]["settings"]["recv_window_ms"] == 5000


def test_default_path_is_in_the_user_config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "/tmp/cfg")
    assert default_accounts_path() == Path("/tmp/cfg/OrderDesk/accounts.toml")


@pytest.mark.parametrize("venue", ["treadfi", "kucoin_futures", "zenotc", "anboto", "dfx"])
def test_connection_check_reads_each_venue_signed_and_tells_a_wrong_secret(
    sandbox: dict[str, VenueEndpoint], venue: str
) -> None:
    endpoint = sandbox[venue]
    options = {k: v for k, v in endpoint.credentials.items() if k in ("key_version", "account_id")}
    if venue == "anboto":
        options = {"signing": "hmac", "header_style": "anboto"}
    account = AccountConfig(endpoint.accounts[0], venue, endpoint.base_url, options)
    secrets = {k: v for k, v in endpoint.credentials.items() if k not in options}
    wrong = dict(secrets, api_key=secrets["api_key"] + "0")

    good = asyncio.run(check_connection(account, secrets, timeout_s=5))
    bad = asyncio.run(check_connection(account, wrong, timeout_s=5))

    assert good.ok and good.message.startswith(f"OK: {venue} answered, ")
    assert not bad.ok and "HTTP 401" in bad.message
    assert all(value not in bad.message for value in wrong.values())
