"""Secrets never leave the keyring: the real desk, run on live-style accounts, writes none.

Issue 5 item 8: "a test plants known secrets, runs the desk, and searches every file it
wrote". The sandbox serves the venues on loopback; an accounts file points the desk at each
emulator (no secrets in it); the emulators' demo credentials are planted in a test keyring
backend (tests/keyring_backend.py) or, without a keyring, in a secrets file for the run.
The desk runs as `python -m gui` with debug logging, submits demo orders, waits for fills
(so every venue's signing was exercised and accepted), saves a screenshot and exits. Then
every byte it left behind (data dir, log, settings, screenshot, its home and temp dirs,
stdout, stderr) is searched for each secret, raw and base64/hex encoded.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gui.oms.redaction import SecretRedactor
from gui.sandbox.server import VENUES, VenueEndpoint, running_sandbox

REPO_ROOT = Path(__file__).resolve().parents[2]
DESK_TIMEOUT_S = 120
_OPTIONS = {"kucoin_futures": ("key_version",), "anboto": (), "dfx": ("account_id",)}
_NOT_SECRET = {"key_version", "account_id"}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, VenueEndpoint]]:
    with running_sandbox(seed=5, speed=120.0) as served:
        yield served


def planted_secrets(served: dict[str, VenueEndpoint]) -> dict[str, str]:
    """Keyring entry name -> secret, for every account the sandbox serves."""
    return {
        f"{venue}/{account}/{field}": value
        for venue, endpoint in served.items()
        for account in endpoint.accounts
        for field, value in endpoint.credentials.items()
        if field not in _NOT_SECRET
    }


def write_accounts(path: Path, served: dict[str, VenueEndpoint]) -> None:
    """An accounts file for every sandbox account: venue, base URL and options only."""
    lines = []
    for venue, endpoint in served.items():
        for account in endpoint.accounts:
            lines += ["[[account]]", f'name = "{account}"', f'venue = "{venue}"']
            lines.append(f'base_url = "{endpoint.base_url}"')
            lines += [f'{key} = "{endpoint.credentials[key]}"' for key in _OPTIONS.get(venue, ())]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def encoded_forms(secret: str) -> set[bytes]:
    """The secret's bytes, their base64 (standard, URL-safe, unpadded) and hex forms."""
    raw = secret.encode()
    forms = {raw, raw.hex().encode(), raw.hex().upper().encode()}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        forms |= {encoded, encoded.rstrip(b"=")}
    return forms


def leaks(blobs: dict[str, bytes], secrets: dict[str, str]) -> list[str]:
    """`where: entry (form)` for every secret form found in any blob."""
    found = []
    for where, data in blobs.items():
        for entry, secret in secrets.items():
            for form in encoded_forms(secret):
                if form in data:
                    found.append(f"{where}: {entry} ({len(form)} bytes)")
    return found


def desk_env(home: Path) -> dict[str, str]:
    """Environment of the desk: offscreen, home/config/cache/temp inside the test's dir, so
    any file the run creates is searched too."""
    dirs = {
        name: home / name.lower()
        for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
    }
    dirs["XDG_RUNTIME_DIR"] = home / "runtime"
    dirs["TMPDIR"] = home / "tmp"
    for directory in dirs.values():
        directory.mkdir(mode=0o700, parents=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON_KEYRING", "ORDERDESK_", "XDG_"))
    }
    env.update({name: str(directory) for name, directory in dirs.items()})
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO_ROOT))
    return env


def run_desk(
    tmp_path: Path, env: dict[str, str], accounts: Path | None
) -> tuple[subprocess.CompletedProcess[bytes], Path]:
    """`python -m gui` on the accounts file (None: on its own sandbox child, fast)."""
    data_dir = tmp_path / "data"
    mode = ["--accounts", str(accounts)] if accounts is not None else ["--speed", "120"]
    command = [
        sys.executable,
        "-m",
        "gui",
        *mode,
        "--data-dir",
        str(data_dir),
        "--settings",
        str(tmp_path / "layout.ini"),
        "--screenshot",
        str(tmp_path / "desk.png"),
        "--demo-orders",
        "5",
        "-v",
    ]
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        command, env=env, cwd=REPO_ROOT, capture_output=True, timeout=DESK_TIMEOUT_S
    )
    return result, data_dir


def everything_written(
    tmp_path: Path, result: subprocess.CompletedProcess[bytes]
) -> dict[str, bytes]:
    blobs = {"stdout": result.stdout, "stderr": result.stderr}
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file() and path.name != "secrets.toml":  # the test's own input
            blobs[str(path.relative_to(tmp_path))] = path.read_bytes()
    return blobs


def test_desk_on_keyring_accounts_writes_no_secret_anywhere(
    sandbox: dict[str, VenueEndpoint], tmp_path: Path
) -> None:
    # Arrange: accounts file without secrets, every secret in the (test) OS keyring.
    secrets = planted_secrets(sandbox)
    accounts = tmp_path / "accounts.toml"
    write_accounts(accounts, sandbox)
    env = desk_env(tmp_path / "home")
    env["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.EnvKeyring"
    env["ORDERDESK_TEST_KEYRING"] = json.dumps({"OrderDesk": secrets})

    # Act
    result, data_dir = run_desk(tmp_path, env, accounts)

    # Assert: the desk traded (demo orders filled on every venue, screenshot saved) ...
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-4000:]
    log_text = (data_dir / "orderdesk.log").read_text(encoding="utf-8")
    assert "live accounts from" in log_text
    assert "saved" in log_text and (tmp_path / "desk.png").stat().st_size > 0
    assert "no OS keyring" not in log_text
    # ... and no secret is in anything it wrote.
    blobs = everything_written(tmp_path, result)
    assert {"data/orderdesk.log", "layout.ini", "desk.png", "accounts.toml"} <= set(blobs)
    assert leaks(blobs, secrets) == []


def test_desk_without_keyring_takes_secrets_for_the_run_and_says_so(
    sandbox: dict[str, VenueEndpoint], tmp_path: Path
) -> None:
    # Arrange: keyring's own "no backend" backend; the secrets in a file for this run.
    secrets = planted_secrets(sandbox)
    accounts = tmp_path / "accounts.toml"
    write_accounts(accounts, sandbox)
    secrets_file = tmp_path / "secrets.toml"
    tables: dict[str, list[str]] = {}
    for entry, value in secrets.items():
        venue, account, field = entry.split("/")
        tables.setdefault(f'["{venue}"."{account}"]', []).append(f"{field} = {json.dumps(value)}")
    secrets_file.write_text(
        "".join(f"{header}\n" + "\n".join(rows) + "\n" for header, rows in tables.items()),
        encoding="utf-8",
    )
    before = secrets_file.read_bytes()
    env = desk_env(tmp_path / "home")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["ORDERDESK_SECRETS_FILE"] = str(secrets_file)

    result, data_dir = run_desk(tmp_path, env, accounts)

    assert result.returncode == 0, result.stderr.decode(errors="replace")[-4000:]
    log_text = (data_dir / "orderdesk.log").read_text(encoding="utf-8")
    assert "no OS keyring: credentials are kept for this run only" in log_text
    assert secrets_file.read_bytes() == before  # read, never written
    assert leaks(everything_written(tmp_path, result), secrets) == []


def test_desk_without_any_secret_source_exits_naming_account_and_field(
    sandbox: dict[str, VenueEndpoint], tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.toml"
    write_accounts(accounts, sandbox)
    env = desk_env(tmp_path / "home")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

    result, data_dir = run_desk(tmp_path, env, accounts)

    assert result.returncode == 2
    log_text = (data_dir / "orderdesk.log").read_text(encoding="utf-8")
    first = next(iter(sandbox))
    account = sandbox[first].accounts[0]
    assert f"account '{account}' of {first} has no api_key" in log_text
    assert "ORDERDESK_SECRETS_FILE" in log_text
    assert not (tmp_path / "desk.png").exists()


def test_desk_on_its_sandbox_masks_the_demo_credentials_it_reads(tmp_path: Path) -> None:
    # The sandbox child prints its demo credentials to the desk, and the desk's debug log
    # records that line: the redactor must mask it (they are credentials like any other).
    secrets = {
        f"{venue}/{field}": value
        for venue, spec in VENUES.items()
        for field, value in spec.credentials.items()
        if field not in _NOT_SECRET
    }
    env = desk_env(tmp_path / "home")
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

    result, data_dir = run_desk(tmp_path, env, None)

    assert result.returncode == 0, result.stderr.decode(errors="replace")[-4000:]
    log_text = (data_dir / "orderdesk.log").read_text(encoding="utf-8")
    assert '"credentials": {"api_key": "***"' in log_text  # the line was logged, masked
    assert leaks(everything_written(tmp_path, result), secrets) == []


# --- the redactor on log records -----------------------------------------------------


def _logged(redactor: SecretRedactor, emit: Callable[[logging.Logger], None]) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(redactor)
    logger = logging.getLogger("tests.e2e.secrets")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_redactor_masks_planted_secrets_in_messages_args_and_tracebacks() -> None:
    passphrase = "sandbox-passphrase"
    pem = (
        "-----BEGIN PRIVATE KEY-----\n"
        "MC4CAQAwBQYDK2VwBCIEINRvOuNBSjiAGABqwlztnWxcwEmQm28krrwqwuBLuawM\n"
        "-----END PRIVATE KEY-----\n"
    )
    redactor = SecretRedactor([passphrase, pem])

    def emit(logger: logging.Logger) -> None:
        logger.info("signing with %s", passphrase)
        logger.info(
            "b64 %s hex %s",
            base64.b64encode(passphrase.encode()).decode(),
            passphrase.encode().hex(),
        )
        logger.info("key %r", pem)
        try:
            raise ValueError(f"bad passphrase {passphrase}")
        except ValueError:
            logger.exception("request failed")
        logger.warning("stack at %s", passphrase, stack_info=True)

    text = _logged(redactor, emit)
    assert "signing with ***" in text
    assert "Traceback" in text and "bad passphrase ***" in text
    assert leaks({"log": text.encode()}, {"passphrase": passphrase, "pem": pem}) == []
    assert "MC4CAQAwBQYDK2Vw" not in text  # the PEM body, also inside its repr


def test_redactor_masks_authorization_and_signature_headers_it_was_not_told_about() -> None:
    redactor = SecretRedactor()
    headers = {
        "Authorization": "Token 0123456789abcdef",
        "KC-API-KEY": "k-1",
        "KC-API-SIGN": "s-1=",
        "KC-API-PASSPHRASE": "p-1",
        "KC-API-TIMESTAMP": "1700000000000",
        "X-API-Key": "k-2",
        "X-API-Signature": "s-2",
        "ANBOTO-SIGN": "s-3",
        "EXCHANGE-API-KEY": "k-4",
        "EXCHANGE-API-SIGN": "s-4",
        "X-MBX-APIKEY": "k-5",
    }

    def emit(logger: logging.Logger) -> None:
        logger.debug("headers %s", headers)
        logger.debug("raw %s", [(k.encode(), v.encode()) for k, v in headers.items()])
        logger.debug("line Authorization: Bearer tok-9 then X-SIGN: s-6")
        logger.debug("json %s", json.dumps({"api_secret": "s-7", "api_passphrase": "p-7"}))
        try:
            raise RuntimeError("sent " + repr(headers))
        except RuntimeError:
            logger.debug("failed", exc_info=True)

    text = _logged(redactor, emit)
    for value in (
        "0123456789abcdef",
        "k-1",
        "s-1=",
        "p-1",
        "k-2",
        "s-2",
        "s-3",
        "k-4",
        "s-4",
        "k-5",
        "tok-9",
        "s-6",
        "s-7",
        "p-7",
    ):
        assert value not in text, value
    assert "'KC-API-TIMESTAMP': '1700000000000'" in text  # not a secret: stays readable
    assert "Authorization: Bearer ***" in text
    assert text.count("Traceback") == 1
