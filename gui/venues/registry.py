"""Venue name -> how to build its clients from an endpoint description.

An endpoint description is what `orderdesk-sandbox` prints for each venue (and, for live
venues, what the account settings hold): `{"base_url": ..., "credentials": {...},
"accounts": [...]}`, optionally with `"settings": {...}` (other fields of the venue's
config, e.g. `timeout_s`). Adding a venue is one entry in `_BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gui.venues.anboto import AnbotoAdapter, AnbotoConfig, AnbotoCredentials
from gui.venues.base import VenueClient
from gui.venues.dfx import DfxAdapter, DfxConfig, DfxCredentials
from gui.venues.kucoin_futures import (
    KucoinCredentials,
    KucoinFuturesAdapter,
    KucoinFuturesConfig,
)
from gui.venues.treadfi.adapter import TreadfiAdapter
from gui.venues.treadfi.config import TreadfiConfig
from gui.venues.zenotc import ZenotcAdapter, ZenotcConfig, ZenotcCredentials


def _settings(endpoint: Mapping[str, Any]) -> dict[str, Any]:
    """The endpoint's optional `"settings"`: config fields other than the base URL (e.g.
    `{"timeout_s": 2.0}`), passed to the venue's config as they are."""
    return dict(endpoint.get("settings") or {})


def _treadfi(endpoint: Mapping[str, Any]) -> list[VenueClient]:
    config = TreadfiConfig(base_url=endpoint["base_url"], **_settings(endpoint))
    api_key = endpoint["credentials"]["api_key"]
    return [TreadfiAdapter(config, api_key, account) for account in endpoint["accounts"]]


def _kucoin_futures(endpoint: Mapping[str, Any]) -> list[VenueClient]:
    config = KucoinFuturesConfig(base_url=endpoint["base_url"], **_settings(endpoint))
    secrets = endpoint["credentials"]
    credentials = KucoinCredentials(
        api_key=secrets["api_key"],
        api_secret=secrets["api_secret"],
        api_passphrase=secrets["api_passphrase"],
        key_version=secrets.get("key_version", "2"),
    )
    return [KucoinFuturesAdapter(config, credentials, account) for account in endpoint["accounts"]]


def _zenotc(endpoint: Mapping[str, Any]) -> list[VenueClient]:
    config = ZenotcConfig(base_url=endpoint["base_url"], **_settings(endpoint))
    secrets = endpoint["credentials"]
    credentials = ZenotcCredentials(api_key=secrets["api_key"], api_secret=secrets["api_secret"])
    return [ZenotcAdapter(config, credentials, account) for account in endpoint["accounts"]]


def _anboto(endpoint: Mapping[str, Any]) -> list[VenueClient]:
    config = AnbotoConfig(base_url=endpoint["base_url"], **_settings(endpoint))
    secrets = endpoint["credentials"]
    credentials = AnbotoCredentials(
        api_key=secrets["api_key"],
        api_secret=secrets.get("api_secret"),
        rsa_private_key_pem=secrets.get("rsa_private_key"),
    )
    return [AnbotoAdapter(config, credentials, account) for account in endpoint["accounts"]]


def _dfx(endpoint: Mapping[str, Any]) -> list[VenueClient]:
    secrets = endpoint["credentials"]
    config = DfxConfig(
        base_url=endpoint["base_url"], account_id=secrets["account_id"], **_settings(endpoint)
    )
    credentials = DfxCredentials(api_key=secrets["api_key"], private_key=secrets["private_key"])
    return [DfxAdapter(config, credentials, account) for account in endpoint["accounts"]]


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], list[VenueClient]]] = {
    "treadfi": _treadfi,
    "kucoin_futures": _kucoin_futures,
    "zenotc": _zenotc,
    "anboto": _anboto,
    "dfx": _dfx,
}


def build_clients(
    endpoints: Mapping[str, Mapping[str, Any]],
) -> dict[tuple[str, str], VenueClient]:
    """Clients for every account of every known venue in `endpoints`.

    Args:
        endpoints: Venue name -> `{"base_url", "credentials", "accounts"}`; unknown venue
            names are skipped (a newer sandbox may serve venues this desk lacks).

    Returns:
        (venue, account) -> client.
    """
    clients: dict[tuple[str, str], VenueClient] = {}
    for venue, endpoint in endpoints.items():
        builder = _BUILDERS.get(venue)
        if builder is None:
            continue
        for client in builder(endpoint):
            clients[(client.venue, client.account)] = client
    return clients
