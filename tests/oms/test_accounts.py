"""Live accounts: the TOML file, the keyring entries, and the endpoints the registry builds."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail, null

from gui.oms.accounts import (
    NO_KEYRING_MESSAGE,
    AccountConfig,
    AccountsError,
    Keychain,
    KeychainError,
    MissingSecretError,
    endpoint_secrets,
    endpoints_from_accounts,
    load_accounts,
    load_session_secrets,
)
from gui.venues.registry import build_clients
from tests.keyring_backend import ENV_VAR, EnvKeyring

KUCOIN = """\
# live futures key
[[account]]
name = "main"
venue = "kucoin_futures"
base_url = "https://api-futures.kucoin.com"
key_version = "3"
"""


def write(tmp_path: Path, text: str, name: str = "accounts.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def backend(monkeypatch: pytest.MonkeyPatch) -> EnvKeyring:
    """An in-memory keyring (the test backend with no planted entries)."""
    monkeypatch.setenv(ENV_VAR, json.dumps({}))
    return EnvKeyring()


def test_accounts_file_gives_venue_options_with_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        KUCOIN + '\n[[account]]\nname = "spot"\nvenue = "dfx"\nbase_url = "https://api.dfx.hk/"\n'
        "account_id = 1403134775\n"
        '\n[[account]]\nname = "algo"\nvenue = "anboto"\nbase_url = "https://api.anboto.xyz"\n',
    )

    main, spot, algo = load_accounts(path)

    assert (main.venue, main.options) == ("kucoin_futures", {"key_version": "3"})
    assert main.source == f"{path} line 2"
    assert (spot.base_url, spot.options) == ("https://api.dfx.hk", {"account_id": "1403134775"})
    assert algo.options == {"signing": "hmac", "header_style": "anboto"}
    assert algo.secret_fields == ("api_key", "api_secret")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[account]]\nname = "main"\nvenue = "treadfi"\nbase_url = "https://x.example\n',
            "not valid TOML: ",
        ),
        (
            '[[account]]\nname = "a"\nvenue = "binance"\nbase_url = "https://x.example"\n',
            "line 3: account 'a': unknown venue 'binance'",
        ),
        (
            '[[account]]\nname = "a"\nvenue = "treadfi"\nbase_url = "https://x.example"\n'
            'key_version = "2"\n',
            "line 5: account 'a': unknown field 'key_version' for treadfi",
        ),
        (
            '[[account]]\nname = "a"\nvenue = "dfx"\nbase_url = "https://api.dfx.hk"\n',
            "line 1: account 'a' of dfx needs 'account_id'",
        ),
        (
            '[[account]]\nname = "a"\nvenue = "kucoin_futures"\nbase_url = "https://k.example"\n'
            'key_version = "9"\n',
            "line 5: account 'a': 'key_version' must be one of 1, 2, 3, got '9'",
        ),
        (
            '\n\n[[account]]\nvenue = "treadfi"\nbase_url = "https://x.example"\n',
            "line 3: account has no 'name' field",
        ),
        (
            '[[account]]\nname = "a/b"\nvenue = "treadfi"\nbase_url = "https://x.example"\n',
            "line 2: account name 'a/b' must not contain '/'",
        ),
        (
            '[[account]]\nname = true\nvenue = "treadfi"\nbase_url = "https://x.example"\n',
            "line 2: field 'name' must be non-empty text",
        ),
        ('[accounts]\nname = "a"\n', "unknown top-level key 'accounts'"),
    ],
)
def test_accounts_file_errors_name_file_line_and_field(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)

    with pytest.raises(AccountsError) as raised:
        load_accounts(path)

    assert str(raised.value).startswith(str(path))
    assert expected in str(raised.value)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[account]]\nname = "a"\nvenue = treadfi\n')

    with pytest.raises(AccountsError, match=r"accounts\.toml: not valid TOML: .*line 3"):
        load_accounts(path)


def test_secret_in_accounts_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    path = write(tmp_path, KUCOIN + 'api_passphrase = "hunter2-passphrase"\n')

    with pytest.raises(AccountsError) as raised:
        load_accounts(path)

    message = str(raised.value)
    assert f"{path} line 7: account 'main' field 'api_passphrase' is a secret" in message
    assert "'kucoin_futures/main/api_passphrase'" in message
    assert "hunter2" not in message


def test_duplicate_account_names_both_places(tmp_path: Path) -> None:
    path = write(tmp_path, KUCOIN + "\n" + KUCOIN)

    with pytest.raises(AccountsError, match=r"line 9: .*already defined at .* line 2"):
        load_accounts(path)


@pytest.mark.parametrize(
    "base_url", ["http://api-futures.kucoin.com", "http://10.0.0.5:8080", "ftp://x.example"]
)
def test_plain_http_to_a_live_host_is_refused(tmp_path: Path, base_url: str) -> None:
    path = write(tmp_path, KUCOIN.replace("https://api-futures.kucoin.com", base_url))

    with pytest.raises(AccountsError, match=rf"{path} line 5: account 'main': base_url"):
        load_accounts(path)


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8443", "http://localhost:9000", "http://[::1]:9000"]
)
def test_plain_http_to_loopback_is_allowed_for_a_local_sandbox(
    tmp_path: Path, base_url: str
) -> None:
    path = write(tmp_path, KUCOIN.replace("https://api-futures.kucoin.com", base_url))

    [account] = load_accounts(path)

    assert account.base_url == base_url


def test_keychain_keeps_key_secret_and_passphrase_as_separate_entries(
    backend: EnvKeyring,
) -> None:
    keychain = Keychain(backend)

    keychain.set("kucoin_futures", "main", "api_key", "k")
    keychain.set("kucoin_futures", "main", "api_secret", "s")
    keychain.set("kucoin_futures", "main", "api_passphrase", "p")

    assert backend.get_password("OrderDesk", "kucoin_futures/main/api_key") == "k"
    assert backend.get_password("OrderDesk", "kucoin_futures/main/api_secret") == "s"
    assert backend.get_password("OrderDesk", "kucoin_futures/main/api_passphrase") == "p"
    assert keychain.get("kucoin_futures", "main", "api_secret") == "s"
    keychain.delete("kucoin_futures", "main", "api_secret")
    keychain.delete("kucoin_futures", "main", "api_secret")  # already gone: not an error
    assert keychain.get("kucoin_futures", "main", "api_secret") is None
    assert keychain.get("kucoin_futures", "main", "api_key") == "k"
    assert keychain.available()


@pytest.mark.asyncio
async def test_endpoints_from_keyring_build_the_registry_clients(
    tmp_path: Path, backend: EnvKeyring
) -> None:
    path = write(
        tmp_path,
        KUCOIN + '[[account]]\nname = "otc"\nvenue = "zenotc"\nbase_url = "https://z.example"\n',
    )
    keychain = Keychain(backend)
    for field, value in {"api_key": "k1", "api_secret": "s1", "api_passphrase": "p1"}.items():
        keychain.set("kucoin_futures", "main", field, value)
    keychain.set("zenotc", "otc", "api_key", "k2")
    keychain.set("zenotc", "otc", "api_secret", "s2")

    endpoints = endpoints_from_accounts(load_accounts(path), keychain)

    assert endpoints["kucoin_futures"] == {
        "base_url": "https://api-futures.kucoin.com",
        "credentials": {
            "key_version": "3",
            "api_key": "k1",
            "api_secret": "s1",
            "api_passphrase": "p1",
        },
        "accounts": ["main"],
    }
    assert sorted(endpoint_secrets(endpoints)) == ["k1", "k2", "p1", "s1", "s2"]
    clients = build_clients(endpoints)
    try:
        assert sorted(clients) == [("kucoin_futures", "main"), ("zenotc", "otc")]
    finally:
        for client in clients.values():
            await client.aclose()


def test_missing_secret_names_account_field_and_entry(tmp_path: Path, backend: EnvKeyring) -> None:
    keychain = Keychain(backend)
    keychain.set("kucoin_futures", "main", "api_key", "k1-visible-nowhere")
    keychain.set("kucoin_futures", "main", "api_secret", "s1-visible-nowhere")

    with pytest.raises(MissingSecretError) as raised:
        endpoints_from_accounts(load_accounts(write(tmp_path, KUCOIN)), keychain)

    error = raised.value
    assert (error.venue, error.account, error.field) == ("kucoin_futures", "main", "api_passphrase")
    assert "account 'main' of kucoin_futures has no api_passphrase" in str(error)
    assert "keyring set OrderDesk kucoin_futures/main/api_passphrase" in str(error)
    assert "visible-nowhere" not in str(error)


def test_accounts_of_one_venue_must_share_base_url_and_key(
    tmp_path: Path, backend: EnvKeyring
) -> None:
    two = (
        '[[account]]\nname = "a"\nvenue = "treadfi"\nbase_url = "https://t.example"\n'
        '[[account]]\nname = "b"\nvenue = "treadfi"\nbase_url = "https://t.example"\n'
    )
    keychain = Keychain(backend)
    keychain.set("treadfi", "a", "api_key", "same")
    keychain.set("treadfi", "b", "api_key", "same")
    accounts = load_accounts(write(tmp_path, two))

    assert endpoints_from_accounts(accounts, keychain)["treadfi"]["accounts"] == ["a", "b"]

    keychain.set("treadfi", "b", "api_key", "other-key")
    with pytest.raises(AccountsError, match="account 'b' of treadfi has a different api_key"):
        endpoints_from_accounts(accounts, keychain)
    keychain.set("treadfi", "b", "api_key", "same")
    moved = load_accounts(write(tmp_path, two[: two.rindex("t.example")] + 'u.example"\n'))
    with pytest.raises(AccountsError, match="different base_url"):
        endpoints_from_accounts(moved, keychain)


@pytest.mark.parametrize("backend_class", [fail.Keyring, null.Keyring])
def test_no_keyring_backend_is_not_available(
    backend_class: type[keyring.backend.KeyringBackend],
) -> None:
    assert not Keychain(backend_class()).available()


def test_keyring_that_raises_while_choosing_is_not_available(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken() -> keyring.backend.KeyringBackend:
        raise RuntimeError("no D-Bus")

    monkeypatch.setattr(keyring, "get_keyring", broken)

    assert not Keychain().available()


def test_without_keyring_session_secrets_serve_this_run(tmp_path: Path) -> None:
    secrets_path = write(
        tmp_path,
        '[kucoin_futures.main]\napi_key = "k1"\napi_secret = "s1"\napi_passphrase = "p1"\n',
        "secrets.toml",
    )
    accounts = load_accounts(write(tmp_path, KUCOIN))
    keychain = Keychain(fail.Keyring())

    endpoints = endpoints_from_accounts(accounts, keychain, load_session_secrets(secrets_path))

    assert endpoints["kucoin_futures"]["credentials"]["api_passphrase"] == "p1"
    with pytest.raises(MissingSecretError, match=NO_KEYRING_MESSAGE + ".*ORDERDESK_SECRETS_FILE"):
        endpoints_from_accounts(accounts, keychain)


def test_session_secrets_file_errors_never_quote_a_value(tmp_path: Path) -> None:
    path = write(tmp_path, '[kucoin_futures.main]\napi_token = "hunter2"\n', "secrets.toml")

    with pytest.raises(AccountsError, match="unknown secret field 'api_token'") as raised:
        load_session_secrets(path)

    assert "hunter2" not in str(raised.value)


def test_anboto_rsa_signing_needs_the_private_key() -> None:
    account = AccountConfig("algo", "anboto", "https://api.anboto.xyz", {"signing": "rsa"})

    assert account.secret_fields == ("api_key", "rsa_private_key")


def test_keyring_failure_names_the_entry_only() -> None:
    with pytest.raises(KeychainError, match="cannot read OrderDesk treadfi/a/api_key"):
        Keychain(fail.Keyring()).get("treadfi", "a", "api_key")
