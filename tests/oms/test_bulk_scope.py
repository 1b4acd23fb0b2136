"""Scopes, progress, summaries and pinning: the parts of bulk actions the confirmation
dialog and the blotter show before anything is sent (no venue needed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gui.domain.orders import Order, OrderStatus, OrderTicket, Side, Strategy
from gui.oms.bulk import EVERYTHING, BulkProgress, Scope, summarize
from gui.oms.events import StoreChange
from gui.oms.service import ActionResult, OrderService
from gui.oms.store import OrderStore
from gui.venues.base import OrderReport


def add(store: OrderStore, client_order_id: str, venue: str, pair: str, side: Side) -> Order:
    ticket = OrderTicket(venue, "acct", pair, side, Decimal("1"), Strategy.LIMIT, Decimal("10"))
    order = Order.from_ticket(ticket, client_order_id)
    store.add(order)
    store.apply_report(
        OrderReport(
            venue=venue,
            venue_order_id=f"V-{client_order_id}",
            client_order_id=client_order_id,
            status=OrderStatus.WORKING,
            venue_status="open",
            pair=pair,
            side=side,
            quantity=Decimal("1"),
            filled_qty=Decimal("0"),
        ),
        client_order_id=client_order_id,
    )
    found = store.get(client_order_id)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("scope", "words"),
    [
        (EVERYTHING, "everything"),
        (Scope(venue="kucoin_futures"), "everything on kucoin_futures"),
        (Scope(pair="BTC-USDT", side=Side.BUY), "BTC-USDT buys"),
        (Scope(pair="ETH-USDT"), "ETH-USDT"),
        (Scope(side=Side.SELL, venue="dfx"), "all sells on dfx"),
        (Scope(client_order_ids=frozenset({"A", "B"})), "the selection"),
        (Scope(client_order_ids=frozenset({"A"}), side=Side.SELL), "the selected sells"),
    ],
)
def test_a_scope_says_what_it_covers_in_the_traders_words(scope: Scope, words: str) -> None:
    assert scope.describe() == words


def test_summary_and_progress_count_what_happened() -> None:
    results = [ActionResult("A", True), ActionResult("B", False, "no"), ActionResult("C", True)]
    assert summarize("cancel", EVERYTHING, results, 5) == (
        "cancel everything: 2 done, 1 failed, 5 pinned skipped"
    )
    assert summarize("pause", Scope(venue="treadfi"), results, 0) == (
        "pause everything on treadfi: 2 done, 1 failed"
    )
    assert BulkProgress("cancel", 10, 6, 1).remaining == 3


def test_pinning_is_published_kept_across_reports_and_skipped_by_cancel_only() -> None:
    store = OrderStore()
    service = OrderService(store, {})
    changes: list[StoreChange] = []
    store.changed.subscribe(changes.append)
    first = add(store, "A", "dfx", "BTC-USDT", Side.BUY)
    add(store, "B", "dfx", "ETH-USDT", Side.SELL)
    add(store, "C", "treadfi", "BTC-USDT", Side.BUY)
    changes.clear()

    pinned = store.set_pinned("A", True)

    assert pinned.pinned and not first.pinned
    assert changes == [StoreChange(orders=(pinned,))]
    assert store.set_pinned("A", True) is pinned and len(changes) == 1  # no change, no news
    # A venue report changes what the venue knows, never the pin.
    store.apply_report(
        OrderReport(
            "dfx",
            "V-A",
            "A",
            OrderStatus.PARTIALLY_FILLED,
            "open",
            "BTC-USDT",
            Side.BUY,
            Decimal("1"),
            Decimal("0.5"),
            Decimal("10"),
        )
    )
    after = store.get("A")
    assert after is not None and after.pinned and after.status == OrderStatus.PARTIALLY_FILLED

    def ids(scope: Scope, action: str) -> list[str]:
        return [order.client_order_id for order in service.orders_in_scope(scope, action)]

    assert ids(EVERYTHING, "cancel") == ["B", "C"]
    assert ids(Scope(include_pinned=True), "cancel") == ["A", "B", "C"]
    assert ids(Scope(venue="dfx"), "pause") == ["A", "B"]  # pins do not stop a pause
    assert ids(Scope(pair="btc-usdt"), "cancel") == ["C"]
    assert ids(EVERYTHING, "resume") == []
    with pytest.raises(ValueError, match="unknown bulk action"):
        service.orders_in_scope(EVERYTHING, "amend")
    with pytest.raises(KeyError):
        store.set_pinned("nope", True)
