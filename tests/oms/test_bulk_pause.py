"""Bulk pause and resume through OrderService against the emulators (`bulk_rigs`): Tread.fi
(two accounts of one token) pauses and resumes everything with its own endpoints, KuCoin
Futures and ZenOTC synthetically (cancel the working leg, keep the remainder, send it
again on resume), and a narrower scope never uses a venue-wide endpoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from gui.domain.orders import OrderStatus, Side
from gui.oms.bulk import EVERYTHING, BulkProgress, Scope
from tests.oms.bulk_rigs import Desk, at_venue, bulk_desk, populated

pytestmark = pytest.mark.asyncio

PAUSE_ALL = "POST /api/pause_all_orders/"
RESUME_ALL = "POST /api/resume_all_orders/"
PAUSE_ONE = "POST /api/pause_order/"
RESUME_ONE = "POST /api/resume_order/"
WORKING = {OrderStatus.WORKING, OrderStatus.PARTIALLY_FILLED}


@pytest_asyncio.fixture
async def desk() -> AsyncIterator[Desk]:
    async with bulk_desk(("treadfi", "kucoin_futures", "zenotc")) as built:
        yield built


def count(desk: Desk, line: str) -> int:
    method, path = line.split(" ", 1)
    return desk.traffic("treadfi").count(method, path)


async def test_pause_and_resume_everything_native_on_treadfi_synthetic_elsewhere(
    desk: Desk,
) -> None:
    orders = await populated(desk)
    assert len(orders) == 20
    desk.store.set_pinned(orders[0].client_order_id, True)  # pins matter to cancel only
    progress: list[BulkProgress] = []

    paused = await desk.service.run_bulk("pause", EVERYTHING, progress.append)

    assert paused.summary == "pause everything: 20 done, 0 failed"
    assert paused.skipped_pinned == 0
    assert progress[-1] == BulkProgress("pause", 20, 20, 0)
    # Tread.fi: pause-all (its token-wide endpoint; the second account's call finds
    # nothing left to pause), no per-order pause.
    assert 1 <= count(desk, PAUSE_ALL) <= 2 and count(desk, PAUSE_ONE) == 0
    await desk.settle()
    for order in orders:
        assert desk.order(order.client_order_id).status == OrderStatus.PAUSED, order.venue
    # Nothing works at any venue: Tread.fi holds its orders paused, the others' legs ended.
    assert await desk.open_at_venues() == at_venue([o for o in orders if o.venue == "treadfi"])
    for acc in desk.accounts:
        listed = await acc.adapter.open_orders()
        assert all(report.status == OrderStatus.PAUSED for report in listed)
    assert desk.errors == []

    resumed = await desk.service.run_bulk("resume", EVERYTHING)

    assert resumed.summary == "resume everything: 20 done, 0 failed"
    assert count(desk, RESUME_ALL) >= 1 and count(desk, RESUME_ONE) == 0
    await desk.settle()
    for order in orders:
        now = desk.order(order.client_order_id)
        assert now.status in WORKING, (order.venue, now.status, now.reason)
        assert now.quantity == order.quantity
        if order.venue != "treadfi":  # resumed synthetically: a second leg for the rest
            assert now.leg_count == 2 and now.legs[-1].quantity == order.quantity - (
                now.legs[0].filled_qty
            )
    assert desk.errors == []


async def test_a_narrower_scope_pauses_one_by_one_and_only_its_orders(desk: Desk) -> None:
    orders = await populated(desk)
    scope = Scope(venue="treadfi", pair="ETH-USDT", side=Side.BUY)
    inside = [o for o in orders if scope.matches(o)]
    assert len(inside) == 2  # one per Tread.fi account
    assert desk.service.orders_in_scope(scope, "pause") == inside

    outcome = await desk.service.run_bulk("pause", scope)

    assert outcome.summary == "pause ETH-USDT buys on treadfi: 2 done, 0 failed"
    assert count(desk, PAUSE_ALL) == 0 and count(desk, PAUSE_ONE) == 2
    await desk.settle()
    for order in orders:
        status = desk.order(order.client_order_id).status
        assert (status == OrderStatus.PAUSED) is (order in inside), order.client_order_id
    # Resume: only paused orders are in scope; everything else stays as it was.
    assert desk.service.orders_in_scope(EVERYTHING, "resume") == [
        desk.order(o.client_order_id) for o in inside
    ]
    resumed = await desk.service.run_bulk("resume", Scope(side=Side.BUY))
    assert resumed.done == 2
    await desk.settle()
    assert all(desk.order(o.client_order_id).status in WORKING for o in orders)


async def test_a_paused_order_is_cancelled_by_the_kill_switch_without_a_request(
    desk: Desk,
) -> None:
    orders = await populated(desk)
    kucoin = [o for o in orders if o.venue == "kucoin_futures"]
    await desk.service.run_bulk("pause", Scope(venue="kucoin_futures"))
    await desk.settle()
    assert all(desk.order(o.client_order_id).is_between_legs for o in kucoin)
    cancels_before = desk.traffic("kucoin_futures").count("DELETE", "/api/")

    outcome = await desk.service.kill_switch()

    assert outcome.done == len(orders) and not outcome.failed
    # Nothing worked at KuCoin: cancelled on the desk, no request there.
    assert desk.traffic("kucoin_futures").count("DELETE", "/api/") == cancels_before
    await desk.settle()
    assert await desk.open_at_venues() == set()
    assert all(desk.order(o.client_order_id).status == OrderStatus.CANCELED for o in orders)
