"""`GET /_sandbox/book`: every emulator lists the orders it accepted, as a test compares them
with what the desk believes (the soak test's ground truth)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gui.sandbox import dfx, kucoin_futures, treadfi
from gui.sandbox.server import VenueEndpoint, running_sandbox
from tests.sandbox.anboto_helpers import AnbotoClient
from tests.sandbox.dfx_helpers import DfxClient
from tests.sandbox.kucoin_helpers import KucoinClient, limit_order
from tests.sandbox.treadfi_helpers import submit
from tests.sandbox.zenotc_helpers import MARKET_SELL, ZenClient

ENTRY_KEYS = {"client_order_id", "venue_order_id", "status", "quantity", "filled_qty", "fills"}


@pytest_asyncio.fixture
async def clients() -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    with running_sandbox(seed=6) as endpoints:
        async with (
            _client(endpoints["treadfi"], {"Authorization": f"Token {treadfi.DEMO_API_KEY}"}) as tf,
            _client(endpoints["zenotc"]) as zen,
            _client(endpoints["kucoin_futures"]) as kc,
            _client(endpoints["anboto"]) as anb,
            _client(endpoints["dfx"]) as spot,
        ):
            yield {"treadfi": tf, "zenotc": zen, "kucoin_futures": kc, "anboto": anb, "dfx": spot}


def _client(endpoint: VenueEndpoint, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=endpoint.base_url, headers=headers, timeout=5)


async def book(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    response = await client.get("/_sandbox/book")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    for entry in entries:
        assert set(entry) == ENTRY_KEYS
        fills = entry["fills"]
        assert sum((Decimal(fill["qty"]) for fill in fills), Decimal(0)) == Decimal(
            entry["filled_qty"]
        )
    return entries


@pytest.mark.asyncio
async def test_every_venue_books_the_orders_it_accepted(
    clients: dict[str, httpx.AsyncClient],
) -> None:
    # Arrange/act: one order per venue through its own wire protocol.
    tf = await submit(clients["treadfi"], custom_order_id="tf-1")
    zen = await ZenClient(clients["zenotc"]).create(**MARKET_SELL, clientOrderId="zen-1")
    kc = await KucoinClient(clients["kucoin_futures"], kucoin_futures.DEMO_CREDENTIALS).data(
        "POST", "/api/v1/orders", body=limit_order("kc-1", size=3)
    )
    anb = await AnbotoClient(clients["anboto"]).create(clientOrderId="anb-1")
    dfx_client = DfxClient(clients["dfx"], dfx.DEMO_CREDENTIALS)
    dfx_limit = await dfx_client.limit("BUY", "50000", "0.01", clientOrderId="dfx-1")
    dfx_market = await dfx_client.market("BUY", "100", clientOrderId="dfx-2")

    # Assert: each venue's book, in its spelling.
    (tf_entry,) = await book(clients["treadfi"])
    assert (tf_entry["client_order_id"], tf_entry["venue_order_id"]) == ("tf-1", tf["id"])
    assert (tf_entry["status"], tf_entry["quantity"]) == (tf["status"], "0.5")

    (zen_entry,) = await book(clients["zenotc"])
    assert (zen_entry["client_order_id"], zen_entry["venue_order_id"]) == ("zen-1", zen["orderId"])
    assert (zen_entry["status"], zen_entry["filled_qty"]) == ("filled", "2")
    assert zen_entry["fills"] and all(f["id"].startswith("fill_") for f in zen_entry["fills"])

    (kc_entry,) = await book(clients["kucoin_futures"])
    assert (kc_entry["client_order_id"], kc_entry["venue_order_id"]) == ("kc-1", kc["orderId"])
    assert (kc_entry["status"], kc_entry["quantity"]) == ("open", "0.003")  # 3 lots of 0.001

    (anb_entry,) = await book(clients["anboto"])
    assert anb_entry["client_order_id"] == "anb-1"
    assert anb_entry["venue_order_id"] == str(anb["orderId"])
    assert Decimal(anb_entry["quantity"]) == Decimal("0.5")

    dfx_entries = await book(clients["dfx"])
    assert [(e["client_order_id"], e["venue_order_id"]) for e in dfx_entries] == [
        ("dfx-1", dfx_limit),
        ("dfx-2", dfx_market),
    ]
    assert [(e["status"], e["quantity"]) for e in dfx_entries] == [
        ("NEW", "0.01"),
        ("FILLED", None),  # a MARKET buy is sized in quote
    ]
    assert dfx_entries[1]["fills"]
