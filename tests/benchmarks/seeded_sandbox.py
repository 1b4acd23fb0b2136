"""`python -m tests.benchmarks.seeded_sandbox --orders N`: the sandbox, pre-loaded with
N resting limit orders per venue, in its own process (the responsiveness benchmark's venues).

Like `orderdesk-sandbox` it serves every emulator on loopback and prints one JSON line of
endpoints once ready; before that it places the orders through each emulator's own HTTP API
in process (`httpx.ASGITransport`, with the desk's own venue adapters doing the signing), so
the desk that then polls the emulators adopts them as orders placed from another screen.

The orders are limit orders far from the market (buys at half the bid), spread over the
venue's pairs, one account per venue (Tread.fi's first). DFX lists at most 100 open orders
per symbol with no cursor (DFX doc §6, notes §2 "(6) Open orders"), so it gets at most 99 per
symbol: a full page of 100 would leave the desk unsure it saw them all.

The emulators' server-side rate limits are off here (the desk's clients keep to the documented
limits by themselves, so polling never meets them, and seeding need not wait on them).

`seeded_sandbox(orders)` runs it as a child process for the length of a `with` block.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import logging
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from gui.domain.orders import TERMINAL, OrderTicket, Side, Strategy
from gui.oms.service import new_client_order_id
from gui.sandbox import anboto, dfx, kucoin_futures, treadfi, zenotc
from gui.sandbox import server as sandbox_server
from gui.sandbox.engine import SandboxEngine, ScaledClock
from gui.venues.anboto import AnbotoAdapter, AnbotoCredentials
from gui.venues.base import VenueClient
from gui.venues.dfx import DfxAdapter, DfxCredentials
from gui.venues.kucoin_futures import KucoinCredentials, KucoinFuturesAdapter
from gui.venues.treadfi import TreadfiAdapter
from gui.venues.zenotc import ZenotcAdapter, ZenotcCredentials
from tests.oms.bulk_rigs import ANBOTO_CONFIG, DFX_CONFIG, TREADFI_CONFIG
from tests.oms.synthetic_rigs import KUCOIN_CONFIG, ZENOTC_CONFIG

log = logging.getLogger("seeded_sandbox")

REPO = Path(__file__).resolve().parents[2]
"""The repository root (the child runs with it as working directory)."""
DFX_PER_SYMBOL = 99
"""Open orders seeded per DFX symbol: under the 100 its `open_order` lists at most, so a
read of 99 tells the desk it has them all."""
MIN_VALUE = Decimal(20)
"""Quote-asset value of each order (DFX refuses orders worth under 5)."""
SEED_CONCURRENCY = 32
"""Submits in flight at once per venue while seeding."""

# Emulators without server-side rate limits (see the module docstring).
_APPS: dict[str, Callable[[SandboxEngine, Callable[[], float]], Starlette]] = {
    "treadfi": lambda engine, clock: treadfi.create_app(engine),
    "zenotc": lambda engine, clock: zenotc.create_app(
        engine, wall_clock_s=clock, requests_per_second=None
    ),
    "kucoin_futures": lambda engine, clock: kucoin_futures.create_app(
        engine, wall_clock_s=clock, requests_per_second=1e6
    ),
    "anboto": lambda engine, clock: anboto.create_app(
        engine, wall_clock_s=clock, requests_per_second=None
    ),
    "dfx": lambda engine, clock: dfx.create_app(engine, wall_clock_s=clock, rate_limit_scale=None),
}


def _adapter(venue: str, app: Starlette) -> VenueClient:
    transport = httpx.ASGITransport(app=app)
    if venue == "treadfi":
        return TreadfiAdapter(
            TREADFI_CONFIG, treadfi.DEMO_API_KEY, treadfi.DEMO_ACCOUNTS[0], transport=transport
        )
    if venue == "zenotc":
        return ZenotcAdapter(
            ZENOTC_CONFIG,
            ZenotcCredentials(**zenotc.DEMO_CREDENTIALS),
            zenotc.DEMO_ACCOUNTS[0],
            transport=transport,
        )
    if venue == "kucoin_futures":
        return KucoinFuturesAdapter(
            KUCOIN_CONFIG,
            KucoinCredentials(**kucoin_futures.DEMO_CREDENTIALS),
            kucoin_futures.DEMO_ACCOUNTS[0],
            transport=transport,
        )
    if venue == "anboto":
        return AnbotoAdapter(
            ANBOTO_CONFIG,
            AnbotoCredentials(**anboto.DEMO_CREDENTIALS),
            anboto.DEMO_ACCOUNTS[0],
            transport=transport,
        )
    credentials = dfx.DEMO_CREDENTIALS
    return DfxAdapter(
        DFX_CONFIG,
        DfxCredentials(credentials["api_key"], credentials["private_key"]),
        dfx.DEMO_ACCOUNTS[0],
        transport=transport,
    )


async def seed_venue(venue: str, app: Starlette, engine: SandboxEngine, count: int) -> int:
    """Place `count` resting limit buys on `venue` (DFX: at most 99 per symbol).

    Returns:
        How many orders were placed.
    """
    adapter = _adapter(venue, app)
    try:
        instruments = await adapter.instruments()
        pairs = [instrument.pair for instrument in instruments] or ["BTC-USDT", "ETH-USDT"]
        by_pair = {instrument.pair: instrument for instrument in instruments}
        if venue == "dfx":
            count = min(count, DFX_PER_SYMBOL * len(pairs))
        tickets = []
        for number in range(count):
            pair = pairs[number % len(pairs)]
            instrument = by_pair.get(pair)
            bid, _ask = engine.best_bid_ask(pair)
            tick = instrument.tick_size if instrument and instrument.tick_size else Decimal("0.01")
            price = (bid / 2 / tick).to_integral_value(rounding=ROUND_FLOOR) * tick
            if instrument is not None and instrument.multiplier is not None:
                quantity = instrument.multiplier  # one contract
            else:  # worth about 20 in the quote asset: above every venue's minimum
                lot = instrument.lot_size if instrument and instrument.lot_size else Decimal("0.01")
                quantity = max(
                    lot, (MIN_VALUE / price / lot).to_integral_value(ROUND_CEILING) * lot
                )
            tickets.append(
                OrderTicket(
                    venue,
                    adapter.account,
                    pair,
                    Side.BUY,
                    quantity,
                    Strategy.LIMIT,
                    limit_price=price,
                    notes="benchmark",
                )
            )
        limit = asyncio.Semaphore(SEED_CONCURRENCY)

        async def place(ticket: OrderTicket) -> None:
            async with limit:
                report = await adapter.submit(ticket, new_client_order_id())
            if report.status in TERMINAL:
                raise RuntimeError(f"{venue} did not rest {ticket}: {report.reason}")

        await asyncio.gather(*(place(ticket) for ticket in tickets))
        return len(tickets)
    finally:
        await adapter.aclose()


async def _serve(orders: int, seed: int) -> None:
    engine = SandboxEngine(seed, ScaledClock(1.0))
    apps = {name: make(engine, time.time) for name, make in _APPS.items()}
    started = time.perf_counter()
    placed = await asyncio.gather(
        *(seed_venue(name, app, engine, orders) for name, app in apps.items())
    )
    log.info(
        "seeded %s in %.1f s",
        dict(zip(apps, placed, strict=True)),
        time.perf_counter() - started,
    )
    # Serve these very apps (their books hold the orders): the registry's entries, each
    # building the seeded app instead of a new one. This process only.
    for name, app in apps.items():
        spec = sandbox_server.VENUES[name]
        sandbox_server.VENUES[name] = replace(spec, create_app=functools.partial(_same_app, app))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    watcher = loop.run_in_executor(None, _wait_for_eof, loop, stop)
    await sandbox_server.serve_venues(engine, "127.0.0.1", 0, sandbox_server._print_endpoints, stop)
    await watcher


def _print_endpoints(endpoints: dict[str, sandbox_server.VenueEndpoint]) -> None:
    # The one JSON line `orderdesk-sandbox` prints, in the same shape.
    line = json.dumps({name: asdict(endpoint) for name, endpoint in endpoints.items()})
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _same_app(app: Starlette, engine: SandboxEngine, clock: Callable[[], float]) -> Starlette:
    return app


def _wait_for_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    while sys.stdin.buffer.read(4096):
        pass
    loop.call_soon_threadsafe(stop.set)


@contextlib.contextmanager
def seeded_sandbox(orders: int) -> Iterator[dict[str, Any]]:
    """The sandbox in a child process with `orders` resting orders per venue; yields the
    endpoints it prints."""
    process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "tests.benchmarks.seeded_sandbox", "--orders", str(orders)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, f"the seeded sandbox exited with {process.wait()}"
        yield json.loads(line)
    finally:
        if process.stdin is not None:
            process.stdin.close()  # it stops when its stdin closes
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def main() -> None:
    """Seed, serve, print the endpoints; stop when standard input closes."""
    parser = argparse.ArgumentParser(prog="seeded_sandbox")
    parser.add_argument("--orders", type=int, default=100, help="resting orders per venue")
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    log.setLevel(logging.INFO)
    asyncio.run(_serve(arguments.orders, arguments.seed))


if __name__ == "__main__":
    main()
