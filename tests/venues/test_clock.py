"""The clock offset per venue account, and the one re-send a refused timestamp earns.

Unit tests drive `ClockOffset` with made-up observations; the rest run the clients against
emulators whose clock is shifted (their `wall_clock_s`), in process. `Tap` stamps each
answer's `Date` from the emulator's clock, as a real server does.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from gui.domain.errors import VenueAuthError
from gui.sandbox import anboto as anboto_sandbox
from gui.sandbox import dfx as dfx_sandbox
from gui.sandbox import kucoin_futures as kucoin_sandbox
from gui.sandbox import zenotc as zenotc_sandbox
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.venues.anboto import AnbotoClient, AnbotoConfig, AnbotoCredentials
from gui.venues.clock import ClockOffset
from gui.venues.dfx import DfxClient, DfxConfig, DfxCredentials, DfxRateLimits
from gui.venues.http import VenueHttp, VenueMessage, build_async_client
from gui.venues.kucoin_futures import KucoinAuth, KucoinFuturesClient, KucoinFuturesConfig
from gui.venues.kucoin_futures.transport import PUBLIC_PATHS
from gui.venues.kucoin_futures.wire_requests import OrderRequest
from gui.venues.zenotc import ZenotcClient, ZenotcConfig, ZenotcCredentials, wire
from tests.venues.taps import Tap

START = datetime(2024, 1, 2, 9, 0, tzinfo=UTC)


def engine() -> SandboxEngine:
    return SandboxEngine(seed=7, clock=ManualClock(START))


def shifted(skew_s: float) -> Callable[[], float]:
    """A server clock `skew_s` seconds off ours."""
    return lambda: time.time() + skew_s


# -- ClockOffset on its own ---------------------------------------------------------------


def test_date_headers_at_different_phases_narrow_the_offset_to_the_round_trip() -> None:
    # Arrange: the server is 2.345 s ahead; its Date is whole seconds; 40 ms round trips.
    clock = ClockOffset("demo", local_ms=lambda: 0)
    true_offset_s = 2.345
    for n in range(8):
        sent_s = 1_700_000_000.0 + n * 7.37  # a new fraction of a second each time
        server_s = sent_s + 0.02 + true_offset_s
        # Act
        clock.observe_date(formatdate(server_s, usegmt=True), sent_s, sent_s + 0.04)
    # Assert: eight one-second readings pin it within a tenth of a second.
    assert abs(clock.offset_s - true_offset_s) < 0.1
    assert clock.sample_count == 8


def test_one_outlier_is_outvoted_but_a_majority_moves_the_estimate() -> None:
    clock = ClockOffset("demo", local_ms=lambda: 0)
    for n in range(3):
        clock.observe(1000.0 + n, 1000.0 + n, 1000.0 + n)  # in step
    clock.observe(1040.0, 1010.0, 1010.0)  # a proxy's stale Date: 30 s off
    assert abs(clock.offset_s) < 0.01
    for n in range(4):
        clock.observe(1050.0 + n, 1020.0 + n, 1020.0 + n)  # the server's clock did jump
    assert abs(clock.offset_s - 30.0) < 0.01


def test_the_offset_is_logged_only_when_it_moves_more_than_half_a_second(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ClockOffset("demo", local_ms=lambda: 0)
    with caplog.at_level(logging.INFO, logger="gui.venues.clock"):
        clock.observe(100.3, 100.0, 100.0)  # +0.3 s: not logged
        clock.resync(103.0, 100.0, 100.0)  # +3 s: logged
        clock.observe(103.2, 100.0, 100.0)  # outvotes nothing, within 0.5 s: not logged
    lines = [r.getMessage() for r in caplog.records if "clock offset" in r.getMessage()]
    assert lines == ["demo clock offset re-synced +3.000 s (server - local; was +0.000 s)"]
    assert clock.generation == 1


def test_a_signer_stamps_local_time_plus_the_offset() -> None:
    clock = ClockOffset("demo", local_ms=lambda: 1_700_000_000_000)
    clock.set_offset(-2.5)
    assert clock.now_ms() == 1_699_999_997_500 and clock.offset_ms == -2500


# -- KuCoin: the server-time endpoint ------------------------------------------------------


@asynccontextmanager
async def kucoin(skew_s: float) -> AsyncIterator[tuple[Tap, KucoinFuturesClient]]:
    tap = Tap(kucoin_sandbox.create_app(engine(), wall_clock_s=shifted(skew_s)))
    demo = kucoin_sandbox.DEMO_CREDENTIALS
    auth = KucoinAuth(
        demo["api_key"], demo["api_secret"], demo["api_passphrase"], public_paths=PUBLIC_PATHS
    )
    config = KucoinFuturesConfig(base_url="http://kucoin.test", retry_base_delay_s=0.0)
    client = KucoinFuturesClient(config, auth, transport=httpx.ASGITransport(app=tap))
    try:
        yield tap, client
    finally:
        await client.aclose()


@pytest.mark.asyncio
async def test_offset_measured_from_a_skewed_kucoin_then_a_signed_request_is_accepted() -> None:
    async with kucoin(7.5) as (tap, client):  # beyond the 5 s window (notes §1.2)
        offset_ms = await client.sync_clock()
        fills = await client.recent_fills()
    assert abs(offset_ms - 7500) < 250
    assert fills == []
    assert tap.seen == ["GET /api/v1/timestamp", "GET /api/v1/recentFills"]
    assert tap.statuses == [200, 200]


@pytest.mark.asyncio
async def test_a_kucoin_400002_resyncs_and_resends_even_a_submit_exactly_once() -> None:
    order = OrderRequest(
        client_oid="clock-1",
        side="buy",
        symbol="XBTUSDTM",
        leverage=1,
        type="market",
        size=1,
    )
    async with kucoin(-8.0) as (tap, client):
        ack = await client.add_order(order)
        found = await client.order_by_client_oid("clock-1")
    # The gateway refused the first before the matching engine saw it (400002, HTTP 400).
    assert tap.seen[:3] == ["POST /api/v1/orders", "GET /api/v1/timestamp", "POST /api/v1/orders"]
    assert tap.statuses[:3] == [400, 200, 200]
    assert tap.seen.count("POST /api/v1/orders") == 2
    assert found is not None and found.id == ack.order_id  # one order, not two


# -- Date-header venues: ZenOTC, Anboto, DFX -----------------------------------------------


def zenotc_client(transport: httpx.AsyncBaseTransport) -> tuple[Any, Callable[[], Any]]:
    config = ZenotcConfig(base_url="http://zenotc.test", retry_base_delay_s=0.0)
    client = ZenotcClient(
        config, ZenotcCredentials(**zenotc_sandbox.DEMO_CREDENTIALS), transport=transport
    )
    order = wire.CreateOrderRequest(
        side="buy", asset="BTC", quantity=Decimal("0.1"), price=Decimal(1000)
    )
    return client, lambda: client.create_order(order)  # a write


def anboto_client(transport: httpx.AsyncBaseTransport) -> tuple[Any, Callable[[], Any]]:
    demo = anboto_sandbox.DEMO_CREDENTIALS
    credentials = AnbotoCredentials(demo["api_key"], api_secret=demo["api_secret"])
    config = AnbotoConfig(base_url="http://anboto.test", retry_base_delay_s=0.0)
    client = AnbotoClient(config, credentials, transport=transport)
    return client, client.open_orders


def dfx_client(transport: httpx.AsyncBaseTransport) -> tuple[Any, Callable[[], Any]]:
    demo = dfx_sandbox.DEMO_CREDENTIALS
    config = DfxConfig(
        base_url="http://dfx.test",
        account_id=demo["account_id"],
        rate_limits=DfxRateLimits.uniform(1000),
        retry_base_delay_s=0.0,
    )
    credentials = DfxCredentials(demo["api_key"], demo["private_key"])
    client = DfxClient(config, credentials, transport=transport)
    return client, client.open_orders


# (emulator factory, client factory, skew beyond the venue's window, the emulator's words)
DATE_VENUES = {
    # ZenOTC: no tolerance documented (notes §3.2); the emulator allows 30 s.
    "zenotc": (
        lambda clock: zenotc_sandbox.create_app(
            engine(), requests_per_second=None, wall_clock_s=clock
        ),
        zenotc_client,
        45.0,
    ),
    # Anboto: `now - recv_window <= ts < now + 1 s` (notes §1.8.2): 3 s behind is refused.
    "anboto": (
        lambda clock: anboto_sandbox.create_app(
            engine(), requests_per_second=None, wall_clock_s=clock
        ),
        anboto_client,
        -3.0,
    ),
    # DFX: within 5 s either way (notes §2.2).
    "dfx": (
        lambda clock: dfx_sandbox.create_app(engine(), rate_limit_scale=None, wall_clock_s=clock),
        dfx_client,
        6.5,
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("venue", sorted(DATE_VENUES))
async def test_a_refused_timestamp_resyncs_from_the_date_and_is_sent_once_more(venue: str) -> None:
    make_app, make_client, skew_s = DATE_VENUES[venue]
    server_clock = shifted(skew_s)
    tap = Tap(make_app(server_clock), server_clock_s=server_clock)
    client, call = make_client(httpx.ASGITransport(app=tap))
    try:
        await call()  # Act: our clock is off; nothing is known about it yet
        offset_s = client.http.clock.offset_s
    finally:
        await client.aclose()
    # Assert: refused (401), re-synced from that answer's Date, accepted the second time.
    assert len(tap.statuses) == 2 and tap.statuses[0] == 401 and 200 <= tap.statuses[1] < 300
    assert len(set(tap.seen)) == 1  # the same request, twice
    assert abs(offset_s - skew_s) <= 1.1  # the Date has one-second resolution


@pytest.mark.asyncio
async def test_a_timestamp_refused_again_after_the_resync_is_not_sent_a_third_time() -> None:
    # The emulator's window runs 45 s ahead but its Date says our time: a re-sync from the
    # Date changes nothing, and the second refusal is surfaced.
    server_clock = shifted(45.0)
    app = zenotc_sandbox.create_app(engine(), requests_per_second=None, wall_clock_s=server_clock)
    tap = Tap(app, server_clock_s=time.time)
    client, call = zenotc_client(httpx.ASGITransport(app=tap))
    try:
        with pytest.raises(VenueAuthError, match="timestamp"):
            await call()
    finally:
        await client.aclose()
    assert tap.seen == ["POST /api/sdk/orders", "POST /api/sdk/orders"]


@pytest.mark.asyncio
async def test_an_auth_refusal_whose_date_shows_our_clock_off_counts_as_a_timestamp_refusal() -> (
    None
):
    # A venue whose 401 says nothing about time (DFX documents only "verification failed",
    # notes §2.5) but whose Date is 10 s ahead of us.
    stamps: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        stamps.append(int(request.headers["X-Stamp"]))
        date = formatdate(time.time() + 10.0, usegmt=True)
        if len(stamps) == 1:
            return httpx.Response(401, headers={"Date": date}, text="verification failed")
        return httpx.Response(200, headers={"Date": date}, json={})

    clock = ClockOffset("demo")

    class Stamp(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Any:
            request.headers["X-Stamp"] = str(clock.now_ms())
            yield request

    client = build_async_client(
        "http://venue.test", auth=Stamp(), transport=httpx.MockTransport(handler)
    )
    http = VenueHttp(
        "demo",
        client,
        lambda response: VenueMessage(response.text),
        clock=clock,
        timestamp_rejected=lambda error: False,  # the words never say "timestamp"
    )
    try:
        await http.request("POST", "/orders", json={"qty": "1"})
    finally:
        await http.aclose()
    assert len(stamps) == 2
    assert math.isclose((stamps[1] - stamps[0]) / 1000, 10.0, abs_tol=1.1)
