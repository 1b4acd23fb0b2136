"""The Tread.fi adapter's own decisions, against the tiny fake venue (no emulator needed)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

import gui.venues.treadfi as treadfi
from gui.domain.errors import TicketInvalid, UnsupportedAction, VenueTransportError
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.venues.treadfi import TreadfiAdapter
from tests.venues.treadfi.treadfi_fakes import (
    API_KEY,
    FAST_CONFIG,
    Canned,
    FakeVenue,
    load_resource,
)

D = Decimal
MakeAdapter = Callable[[FakeVenue], TreadfiAdapter]


@pytest_asyncio.fixture
async def make_adapter() -> AsyncIterator[MakeAdapter]:
    adapters: list[TreadfiAdapter] = []

    def build(fake: FakeVenue) -> TreadfiAdapter:
        transport = httpx.ASGITransport(app=fake)
        adapter = TreadfiAdapter(FAST_CONFIG, API_KEY, "main", transport=transport)
        adapters.append(adapter)
        return adapter

    yield build
    for adapter in adapters:
        await adapter.aclose()


def ticket(**fields: Any) -> OrderTicket:
    base: dict[str, Any] = {
        "venue": "treadfi",
        "account": "main",
        "pair": "BTC-USDT",
        "side": Side.BUY,
        "quantity": D("0.5"),
        "strategy": Strategy.TWAP,
        "duration_s": 600,
    }
    return OrderTicket(**(base | fields))


def created(**fields: Any) -> dict[str, Any]:
    """The doc's 201 body, as if it answered our base-sized order."""
    body: dict[str, Any] = load_resource("http_orders_submit_created.json")
    return (
        body
        | {
            "custom_order_id": "od-1",
            "buy_token_amount": "0.5",
            "target_token": "BTC",
            "target_order_qty": 0.5,
            "target_remaining_qty": 0.5,
        }
        | fields
    )


def test_public_names_are_pinned() -> None:
    assert treadfi.__all__ == [
        "CAPABILITIES",
        "VENUE",
        "TreadfiAdapter",
        "TreadfiAuth",
        "TreadfiClient",
        "TreadfiConfig",
        "extract_message",
    ]
    assert all(hasattr(treadfi, name) for name in treadfi.__all__)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("sent", "client_order_id", "error"),
    [
        (ticket(quantity=D(0)), "od-1", TicketInvalid),
        (
            ticket(strategy=Strategy.LIMIT, limit_price=D(1), time_in_force=TimeInForce.FOK),
            "od-1",
            UnsupportedAction,
        ),
        (ticket(), "x" * 65, ValueError),
        (ticket(), "", ValueError),
        (ticket(), "a,b", ValueError),
    ],
    ids=["invalid-ticket", "fill-or-kill", "id-too-long", "id-empty", "id-with-comma"],
)
async def test_submit_refuses_before_sending(
    make_adapter: MakeAdapter, sent: OrderTicket, client_order_id: str, error: type[Exception]
) -> None:
    fake = FakeVenue()
    with pytest.raises(error):
        await make_adapter(fake).submit(sent, client_order_id)
    assert fake.requests == []


@pytest.mark.asyncio
async def test_submit_sends_the_ticket_and_learns_the_strategy_uuid(
    make_adapter: MakeAdapter,
) -> None:
    # The 201 names the strategy by an instance UUID (notes §7.6) nobody told us about.
    uuid = "8fd62b68-85d9-4346-8366-311c9a2a1d7a"
    fake = FakeVenue(
        Canned(201, body=created(strategy=uuid)),
        Canned(200, body={"orders": [created(strategy=uuid)], "order_count": 1}),
    )
    adapter = make_adapter(fake)
    report = await adapter.submit(ticket(notes="slow please"), "od-1")
    assert fake.requests[0].json() == {
        "pair": "BTC-USDT",
        "side": "buy",
        "strategy": "TWAP",
        "accounts": ["main"],
        "base_asset_qty": "0.5",
        "duration": 600,
        "custom_order_id": "od-1",
        "notes": "slow please",
    }
    assert (report.strategy, report.status, report.quantity) == (
        Strategy.TWAP,
        OrderStatus.SCHEDULED,
        D("0.5"),
    )
    (listed,) = await adapter.open_orders()
    assert listed.strategy is Strategy.TWAP  # the UUID was learnt at submit


@pytest.mark.asyncio
async def test_unreadable_201_is_an_unknown_outcome(make_adapter: MakeAdapter) -> None:
    fake = FakeVenue(Canned(201, text="Created"))
    with pytest.raises(VenueTransportError, match="unreadable answer to POST /api/orders/"):
        await make_adapter(fake).submit(ticket(), "od-1")


@pytest.mark.asyncio
async def test_open_orders_asks_for_paused_orders_of_this_account(
    make_adapter: MakeAdapter,
) -> None:
    fake = FakeVenue(Canned(200, body=load_resource("http_orders_active_example.json")))
    reports = await make_adapter(fake).open_orders()
    assert fake.requests[0].query == {"exclude_paused": "false", "account_names": "main"}
    statuses = [report.status for report in reports]
    assert statuses == [OrderStatus.PARTIALLY_FILLED, OrderStatus.PAUSED]


@pytest.mark.asyncio
async def test_order_reads_detail_with_fills(make_adapter: MakeAdapter) -> None:
    fake = FakeVenue(Canned(200, body=load_resource("http_orders_detail_ok.json")))
    report = await make_adapter(fake).order("6debb950-614a-4366-b73b-7d7574fd9e15")
    assert fake.requests[0].query == {"include_fills": "true"}
    fill_ids = [fill.fill_id for fill in report.fills or ()]
    assert fill_ids == ["44c82c49-1e9d-43f8-98cd-318a2c01a317"]


@pytest.mark.asyncio
async def test_find_by_client_order_id_takes_the_newest_duplicate(
    make_adapter: MakeAdapter, caplog: pytest.LogCaptureFixture
) -> None:
    older = created(id="11111111-0000-4000-8000-000000000000", created_at="2026-01-21T16:00:00Z")
    newer = created(id="22222222-0000-4000-8000-000000000000", created_at="2026-01-21T17:00:00Z")
    other = created(id="33333333-0000-4000-8000-000000000000", custom_order_id="od-10")
    fake = FakeVenue(Canned(200, body={"orders": [newer, other, older]}), Canned(200, body=[]))
    adapter = make_adapter(fake)
    with caplog.at_level(logging.WARNING):
        found = await adapter.find_by_client_order_id("od-1")
    assert found is not None and found.venue_order_id == newer["id"]
    assert "2 orders with custom_order_id 'od-1'" in caplog.text
    assert fake.requests[0].query == {"custom_order_ids": "od-1", "account_names": "main"}
    assert await adapter.find_by_client_order_id("od-2") is None  # a bare empty array


@pytest.mark.asyncio
async def test_an_order_with_a_nonsense_side_is_an_unreadable_answer(
    make_adapter: MakeAdapter,
) -> None:
    fake = FakeVenue(Canned(200, body=created(side="hold")))
    with pytest.raises(VenueTransportError, match="'hold'"):
        await make_adapter(fake).order("a13f34c2-7529-4ed9-97cb-f52f9daea4a0")


@pytest.mark.asyncio
async def test_bulk_verbs_hit_the_bulk_endpoints(make_adapter: MakeAdapter) -> None:
    fake = FakeVenue(Canned(200, body={"message": "ok"}))
    adapter = make_adapter(fake)
    await adapter.cancel_all()
    await adapter.pause_all()
    await adapter.resume_all()
    assert [(r.path, r.query, r.body) for r in fake.requests] == [
        ("/api/cancel_all_orders/", {"exclude_paused": "false"}, b'{"account_names":"main"}'),
        ("/api/pause_all_orders/", {}, b""),
        ("/api/resume_all_orders/", {}, b""),
    ]


def test_account_name_must_be_one_display_name() -> None:
    with pytest.raises(ValueError, match="display name"):
        TreadfiAdapter(FAST_CONFIG, API_KEY, "a,b")
