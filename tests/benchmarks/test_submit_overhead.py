"""Benchmark: what OrderService.submit adds on top of the venue adapter's own round trip.

DESIGN.md budget: a submit adds under a millisecond to the venue's round trip. Both paths
submit the same TWAP tickets to the in-process Tread.fi emulator (ASGITransport, so the
"venue" is as fast as it gets and the OMS share is as visible as it gets): the adapter
alone, and the full service (validation, client order id, store insert, report merge,
change events). Run with `python -m pytest -m benchmark -s`; figures are recorded in
docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

import httpx
import pytest

from gui.domain import OrderTicket, Side, Strategy
from gui.oms.service import OrderService, new_client_order_id
from gui.oms.store import OrderStore
from gui.sandbox.engine import ManualClock, SandboxEngine
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY, create_app
from gui.venues.treadfi import TreadfiAdapter, TreadfiConfig

ROUNDS = 400
ACCOUNT = DEMO_ACCOUNTS[0]
TICKET = OrderTicket(
    "treadfi", ACCOUNT, "BTC-USDT", Side.BUY, Decimal("0.5"), Strategy.TWAP, duration_s=3600
)


@pytest.mark.benchmark
@pytest.mark.asyncio
async def test_submit_overhead_of_the_order_service() -> None:
    engine = SandboxEngine(seed=1, clock=ManualClock())
    config = TreadfiConfig(base_url="http://treadfi.test", max_requests_per_s=1e9, burst=10**9)
    adapter = TreadfiAdapter(
        config, DEMO_API_KEY, ACCOUNT, transport=httpx.ASGITransport(app=create_app(engine))
    )
    service = OrderService(OrderStore(), {("treadfi", ACCOUNT): adapter})
    try:
        for _ in range(20):  # warm up both paths
            await adapter.submit(TICKET, new_client_order_id())
            await service.submit(TICKET)
        direct: list[float] = []
        through_service: list[float] = []
        for _ in range(ROUNDS):  # interleaved, so drift hits both alike
            start = time.perf_counter()
            await adapter.submit(TICKET, new_client_order_id())
            direct.append(time.perf_counter() - start)
            start = time.perf_counter()
            await service.submit(TICKET)
            through_service.append(time.perf_counter() - start)
    finally:
        await adapter.aclose()
    median_direct_ms = statistics.median(direct) * 1000
    median_service_ms = statistics.median(through_service) * 1000
    overhead_ms = median_service_ms - median_direct_ms
    print(
        f"\nsubmit round trip, median of {ROUNDS}: adapter {median_direct_ms:.3f} ms, "
        f"service {median_service_ms:.3f} ms, OMS overhead {overhead_ms:.3f} ms"
    )
    assert overhead_ms < 1.0, "DESIGN.md budget: a submit adds under a millisecond"
