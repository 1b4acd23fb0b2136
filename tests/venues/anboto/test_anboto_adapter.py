"""The Anboto adapter's trading verbs against a small in-memory Anboto (`FakeAnboto`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from gui.domain.errors import TicketInvalid, UnsupportedAction, VenueNotFound, VenueRejected
from gui.domain.options import ClipSize, ClipSizeKind, OrderOptions, StopDirection, StopTrigger
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy
from gui.venues.anboto import VENUE, AnbotoConfig
from gui.venues.base import VenueClient, capability_errors
from tests.venues.anboto.anboto_fakes import Canned, FakeAnboto
from tests.venues.anboto.conftest import NOW, AdapterFactory

D = Decimal


def ticket(strategy: Strategy, quantity: str = "2", **fields: Any) -> OrderTicket:
    side = fields.pop("side", Side.BUY)
    return OrderTicket(VENUE, "algo", "BTC-USDT", side, D(quantity), strategy, **fields)


@pytest.mark.asyncio
async def test_adapter_fulfils_the_protocol(make_adapter: AdapterFactory) -> None:
    adapter: VenueClient = make_adapter(FakeAnboto())
    assert isinstance(adapter, VenueClient)
    assert (adapter.venue, adapter.account) == ("anboto", "algo")
    caps = adapter.capabilities
    assert caps.strategies == {Strategy.MARKET, Strategy.LIMIT, Strategy.TWAP, Strategy.VWAP}
    assert caps.destinations == ("Binance", "Bybit") and not caps.fills_reported
    assert not (caps.pause_resume or caps.amend or caps.cancel_all)
    assert caps.batch_cancel_limit == 50
    assert await adapter.instruments() == []


@pytest.mark.asyncio
async def test_twap_reports_what_was_sent_while_the_venue_fills_it(
    make_adapter: AdapterFactory,
) -> None:
    fake = FakeAnboto()
    adapter = make_adapter(fake)
    sent = ticket(Strategy.TWAP, "3", duration_s=1800, limit_price=D("50000"))
    report = await adapter.submit(sent, "tw-1")
    assert report.status is OrderStatus.PENDING_NEW and report.venue_order_id == "1001"
    assert (report.quantity, report.strategy, report.limit_price) == (D(3), Strategy.TWAP, D(50000))
    assert (report.start_ts, report.end_ts) == (NOW, NOW + timedelta(minutes=30))
    fake.fill(1001, D("1"), D("49990"))
    (working,) = await adapter.open_orders()
    assert working.status is OrderStatus.PARTIALLY_FILLED and working.filled_qty == 1
    assert working.quantity == D(3) and working.strategy is Strategy.TWAP  # not in OrderDetails
    assert working.aggregate is not None and working.aggregate.last_price == D("49990")
    assert working.fills is None and working.avg_fill_px == D("49990")
    fake.fill(1001, D("2"), D("50000"))
    done = await adapter.order("1001")
    assert done.status is OrderStatus.FILLED and done.filled_qty == D(3)
    assert await adapter.open_orders() == []


@pytest.mark.asyncio
async def test_cancel_is_pending_then_cancelled(make_adapter: AdapterFactory) -> None:
    fake = FakeAnboto()
    adapter = make_adapter(fake)
    report = await adapter.submit(ticket(Strategy.LIMIT, limit_price=D("1")), "cx-1")
    await adapter.cancel(report.venue_order_id)
    pending = await adapter.order(report.venue_order_id)
    assert pending.status is OrderStatus.PENDING_CANCEL
    done = await adapter.order(report.venue_order_id)
    assert done.status is OrderStatus.CANCELED and done.quantity == D(2)
    with pytest.raises(VenueRejected, match="cannot cancel"):
        await adapter.cancel(report.venue_order_id)


@pytest.mark.asyncio
async def test_a_cancel_refused_in_a_2xx_answer_raises(make_adapter: AdapterFactory) -> None:
    refusal = {"orderId": 5, "status": "CANCEL_REJECTED", "errorCode": "OTHER", "message": "done"}
    adapter = make_adapter(FakeAnboto(route=lambda r: Canned(200, refusal)))
    with pytest.raises(VenueRejected, match="OTHER: done"):
        await adapter.cancel("5")


@pytest.mark.asyncio
async def test_business_rejection_is_a_rejected_report(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(FakeAnboto())
    report = await adapter.submit(ticket(Strategy.MARKET, "5000"), "big-1")
    assert report.status is OrderStatus.REJECTED
    assert report.reason == "INSUFFICIENT_FUNDS: not enough USDT"


@pytest.mark.asyncio
async def test_find_by_client_order_id_and_the_400_for_none(make_adapter: AdapterFactory) -> None:
    fake = FakeAnboto()
    adapter = make_adapter(fake)
    sent = await adapter.submit(ticket(Strategy.MARKET), "find-1")
    found = await adapter.find_by_client_order_id("find-1")
    assert found is not None and found.venue_order_id == sent.venue_order_id
    assert found.quantity == D(2) and found.strategy is Strategy.MARKET
    mark = len(fake.requests)
    assert await adapter.find_by_client_order_id("never-sent") is None
    # order/id said 400; order/find's empty list settled it.
    assert fake.paths()[mark:] == ["GET /id", "GET /find"]
    assert fake.requests[-1].query == "clientOrderIds=never-sent"
    with pytest.raises(VenueNotFound):
        await adapter.order("999999")
    with pytest.raises(VenueNotFound):
        await adapter.order("not-a-number")


@pytest.mark.asyncio
async def test_an_order_sent_elsewhere_is_sized_from_its_totals(
    make_adapter: AdapterFactory,
) -> None:
    fake = FakeAnboto()
    other = make_adapter(fake)
    await other.submit(ticket(Strategy.LIMIT, "4", limit_price=D("10")), "else-1")
    fake.fill(1001, D("1"), D("10"))
    adapter = make_adapter(fake)  # a fresh adapter: it sent nothing
    (report,) = await adapter.open_orders()
    assert report.quantity == D(4) and report.strategy is None and report.limit_price is None


@pytest.mark.asyncio
async def test_cancel_many_chunks_to_the_batch_limit(make_adapter: AdapterFactory) -> None:
    fake = FakeAnboto()
    config = AnbotoConfig(base_url="http://anboto.test", batch_limit=2, max_requests_per_s=1e4)
    adapter = make_adapter(fake, config)
    assert adapter.capabilities.batch_cancel_limit == 2
    ids = [
        (await adapter.submit(ticket(Strategy.LIMIT, limit_price=D("1")), f"m-{i}")).venue_order_id
        for i in range(3)
    ]
    results = await adapter.cancel_many([*ids, "bogus"])
    assert results == {"bogus": "not an Anboto order id", ids[0]: "", ids[1]: "", ids[2]: ""}
    assert fake.paths()[-2:] == ["POST /cancelMany", "POST /cancelMany"]
    assert fake.requests[-2].json() == {
        "orders": [{"orderId": int(ids[0])}, {"orderId": int(ids[1])}]
    }
    assert {r.status for r in [await adapter.order(i) for i in ids]} == {OrderStatus.PENDING_CANCEL}


@pytest.mark.asyncio
async def test_the_rest_is_unsupported(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(FakeAnboto())
    for action in (adapter.pause("1"), adapter.resume("1"), adapter.cancel_all(),
                   adapter.pause_all(), adapter.resume_all(),
                   adapter.amend("1", Amendment(quantity=D(1)))):  # fmt: skip
        with pytest.raises(UnsupportedAction):
            await action


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("strategy", "fields", "field"),
    [
        (
            Strategy.LIMIT,
            {
                "limit_price": D(1),
                "options": OrderOptions(
                    visible_quantity=D("0.5"), clip_size=ClipSize(ClipSizeKind.AUTO)
                ),
            },
            "clip_size",
        ),
        (Strategy.MARKET, {"options": OrderOptions(visible_quantity=D("0.5"))}, "visible_quantity"),
        (
            Strategy.LIMIT,
            {
                "limit_price": D(1),
                "options": OrderOptions(
                    visible_quantity=D("0.5"), stop=StopTrigger(StopDirection.UP, D(2))
                ),
            },
            "stop_price",
        ),
        (
            Strategy.LIMIT,
            {"limit_price": D(1), "options": OrderOptions(clip_size=ClipSize(ClipSizeKind.AUTO))},
            "clip_size",
        ),
        (
            Strategy.TWAP,
            {"duration_s": 3600, "options": OrderOptions(start_ts=NOW + timedelta(days=61))},
            "start_time",
        ),
        (Strategy.POV, {"pov_target": D("0.1")}, "strategy"),
    ],
    ids=["iceberg-clip", "market-iceberg", "iceberg-stop", "limit-clip", "61-days", "pov"],
)
async def test_ticket_errors(
    make_adapter: AdapterFactory, strategy: Strategy, fields: dict[str, Any], field: str
) -> None:
    fake = FakeAnboto()
    adapter = make_adapter(fake)
    bad = ticket(strategy, **fields)
    assert field in adapter.ticket_errors(bad) | capability_errors(bad, adapter.capabilities)
    with pytest.raises(TicketInvalid):
        await adapter.submit(bad, "bad-1")
    assert fake.requests == []


@pytest.mark.asyncio
async def test_a_good_ticket_has_no_errors(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter(FakeAnboto())
    options = OrderOptions(
        start_ts=NOW + timedelta(days=59), clip_size=ClipSize(ClipSizeKind.FRACTION, D("0.1")),
        destination="Bybit", short_sale=True,
    )  # fmt: skip
    good = ticket(Strategy.VWAP, side=Side.SELL, duration_s=3600, options=options)
    assert adapter.ticket_errors(good) == {} and capability_errors(good, adapter.capabilities) == {}
    report = await adapter.submit(good, "ok-1")
    assert report.status is OrderStatus.PENDING_NEW and report.side is Side.SELL
