"""Credential headers never reach a log: `redact_headers`, and every venue client over real
loopback HTTP with every logger at DEBUG (httpx and httpcore included)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from gui.sandbox.server import running_sandbox
from gui.venues.anboto import AnbotoClient, AnbotoConfig, AnbotoCredentials
from gui.venues.anboto.config import X_HEADERS
from gui.venues.dfx import DfxClient, DfxConfig, DfxCredentials
from gui.venues.http import REDACTED, SENSITIVE_HEADERS, redact_headers
from gui.venues.kucoin_futures import KucoinAuth, KucoinFuturesClient, KucoinFuturesConfig
from gui.venues.kucoin_futures.transport import PUBLIC_PATHS
from gui.venues.treadfi import TreadfiClient, TreadfiConfig
from gui.venues.zenotc import ZenotcClient, ZenotcConfig, ZenotcCredentials


def test_every_venue_credential_header_is_redacted_and_the_rest_kept() -> None:
    headers = {
        "Authorization": "Token abc",
        "KC-API-KEY": "k",
        "KC-API-SIGN": "s",
        "KC-API-PASSPHRASE": "p",
        "KC-API-TIMESTAMP": "1700000000000",
        "KC-API-KEY-VERSION": "2",
        "X-API-Key": "k",
        "X-API-Signature": "s",
        "X-API-Timestamp": "1700000000000",
        "EXCHANGE-API-KEY": "k",
        "EXCHANGE-API-SIGN": "s",
        "EXCHANGE-API-TIMESTAMP": "1700000000000",
        "ANBOTO-API-KEY": "k",
        "ANBOTO-SIGN": "s",
        "ANBOTO-TS": "1700000000000",
        X_HEADERS.api_key: "k",
        X_HEADERS.signature: "s",
        X_HEADERS.recv_window: "5000",
        "My-Desk-Secret": "s",  # a configured name made of credential words
        "Content-Type": "application/json",
    }
    shown = redact_headers(httpx.Headers(headers))
    secret = {name for name, value in shown.items() if value == REDACTED}
    assert secret == {
        name.lower()
        for name in headers
        if name.lower().split("-")[-1] in {"authorization", "key", "sign", "signature",
                                           "passphrase", "secret"}
    }  # fmt: skip
    assert shown["kc-api-timestamp"] == "1700000000000" and shown["kc-api-key-version"] == "2"
    assert {name.lower() for name in secret} <= SENSITIVE_HEADERS | {"my-desk-secret"}
    assert redact_headers([("Authorization", "Token abc")]) == {"Authorization": REDACTED}


def _clients(endpoints: dict[str, Any]) -> list[tuple[Any, Any]]:
    def creds(venue: str) -> dict[str, str]:
        return dict(endpoints[venue].credentials)

    def url(venue: str) -> str:
        return str(endpoints[venue].base_url)

    tread = TreadfiClient(TreadfiConfig(base_url=url("treadfi")), creds("treadfi")["api_key"])
    kc = creds("kucoin_futures")
    kucoin = KucoinFuturesClient(
        KucoinFuturesConfig(base_url=url("kucoin_futures")),
        KucoinAuth(
            kc["api_key"], kc["api_secret"], kc["api_passphrase"], public_paths=PUBLIC_PATHS
        ),
    )
    zen = creds("zenotc")
    zenotc = ZenotcClient(
        ZenotcConfig(base_url=url("zenotc")), ZenotcCredentials(zen["api_key"], zen["api_secret"])
    )
    anb = creds("anboto")
    anboto = AnbotoClient(
        AnbotoConfig(base_url=url("anboto")),
        AnbotoCredentials(anb["api_key"], api_secret=anb["api_secret"]),
    )
    fx = creds("dfx")
    dfx = DfxClient(
        DfxConfig(base_url=url("dfx"), account_id=fx["account_id"]),
        DfxCredentials(fx["api_key"], fx["private_key"]),
    )
    return [
        (tread, tread.active_orders),
        (kucoin, kucoin.recent_fills),
        (zenotc, zenotc.list_orders),
        (anboto, anboto.open_orders),
        (dfx, dfx.open_orders),
    ]


@pytest.mark.asyncio
async def test_no_credential_or_credential_header_reaches_any_log_over_loopback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with running_sandbox(seed=5) as endpoints:
        secrets = {
            value
            for endpoint in endpoints.values()
            for name, value in endpoint.credentials.items()
            if name not in ("account_id", "key_version")  # not secret
        }
        with caplog.at_level(logging.DEBUG):
            for client, read in _clients(endpoints):
                try:
                    await read()
                finally:
                    await client.aclose()
    text = caplog.text
    # httpx writes the request line and status; httpcore's DEBUG trace shows a request as
    # `<Request [b'GET']>` and only the response's headers.
    assert "HTTP Request: GET http://127.0.0.1" in text
    assert not [secret for secret in secrets if secret in text]
    lowered = text.lower()
    assert not [
        name for name in SENSITIVE_HEADERS if f"{name}:" in lowered or f"b'{name}'" in lowered
    ]
