""" "Test connection" of the accounts dialog: one signed read with an account's settings.

The client is built by `gui.venues.registry.build_clients` from the same endpoint
description the desk would use (`endpoints_from_accounts` shape plus `venue_settings`), makes
one signed read (`open_orders`, the read every venue signs and the poller makes anyway) and
is closed. Every message is passed through the secret redactor, with the secrets of the
check itself registered, so nothing the venue echoes back can show a secret.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gui.domain.errors import VenueAuthError, VenueError
from gui.oms.account_book import venue_settings
from gui.oms.accounts import AccountConfig
from gui.oms.redaction import install_redaction
from gui.venues.registry import build_clients

__all__ = ["CHECK_TIMEOUT_S", "ConnectionCheck", "check_connection", "check_endpoint"]

CHECK_TIMEOUT_S = 15.0
"""Longest a connection test waits for the venue, in seconds."""


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    """The outcome of a connection test.

    Attributes:
        ok: The venue answered the signed read.
        message: For the trader, e.g. `"OK: zenotc answered, 3 open orders"` or the venue's
            own error text; never contains a secret.
        open_orders: How many open orders the venue listed (None when it did not answer).
    """

    ok: bool
    message: str
    open_orders: int | None = None


def check_endpoint(account: AccountConfig, secrets: Mapping[str, str]) -> dict[str, Any]:
    """The endpoint description of one account for `build_clients`.

    Args:
        account: The account (options with defaults filled in).
        secrets: Secret field -> value.

    Returns:
        `{"base_url", "credentials", "accounts", "settings"}`; one read attempt (a wrong key
        is told at once, not retried).
    """
    return {
        "base_url": account.base_url.rstrip("/"),
        "credentials": {**account.options, **secrets},
        "accounts": [account.name],
        "settings": {**venue_settings(account), "read_attempts": 1},
    }


async def check_connection(
    account: AccountConfig, secrets: Mapping[str, str], timeout_s: float = CHECK_TIMEOUT_S
) -> ConnectionCheck:
    """Make one signed read on `account` and say how it went.

    Args:
        account: The account as the form gives it (options with defaults filled in).
        secrets: Secret field -> value (typed, or from the keyring).
        timeout_s: Longest wait for the venue, in seconds.

    Returns:
        The outcome; failures (refused credentials, unreachable host, a key that does not
        load, no answer in time) are outcomes too, never raised.
    """
    # The log masks them too, as it masks every account's credentials (issue 5 item 8).
    redactor = install_redaction(secrets.values())

    def failed(text: str) -> ConnectionCheck:
        return ConnectionCheck(False, redactor.redact(text))

    try:
        clients = build_clients({account.venue: check_endpoint(account, secrets)})
    except (ValueError, TypeError, KeyError) as exc:
        return failed(f"Cannot use these settings: {exc}")
    if not clients:
        return failed(f"Unknown venue {account.venue!r}.")
    [client] = clients.values()
    try:
        async with asyncio.timeout(timeout_s):
            orders = await client.open_orders()
    except TimeoutError:
        return failed(f"{account.venue} did not answer within {timeout_s:g} s.")
    except VenueAuthError as exc:
        return failed(f"Credentials refused. {exc}")
    except VenueError as exc:
        return failed(str(exc))
    finally:
        await client.aclose()
    count = len(orders)
    noun = "open order" if count == 1 else "open orders"
    return ConnectionCheck(True, f"OK: {account.venue} answered, {count} {noun}", count)
