"""Tickets become the right Anboto requests; Anboto orders become the right reports."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from gui.domain.errors import UnsupportedAction
from gui.domain.options import (
    AssetClass,
    ClipSize,
    ClipSizeKind,
    OrderOptions,
    StopDirection,
    StopTrigger,
)
from gui.domain.orders import OrderStatus, OrderTicket, Side, Strategy
from gui.venues.anboto import parsing, wire

D = Decimal
NOW = datetime(2024, 1, 2, 9, 0, 30, 123000, tzinfo=UTC)


def ticket(strategy: Strategy, quantity: str = "2", **fields: Any) -> OrderTicket:
    side = fields.pop("side", Side.BUY)
    return OrderTicket("anboto", "algo", "BTC-USDT", side, D(quantity), strategy, **fields)


def body(t: OrderTicket) -> dict[str, Any]:
    request, _ = parsing.create_request(t, "cid-1", NOW)
    sent: dict[str, Any] = json.loads(wire.dumps(request.body()), parse_float=Decimal)
    return sent


def test_market_order_is_sent_on_binance_spot_by_default() -> None:
    assert body(ticket(Strategy.MARKET)) == {
        "clientOrderId": "cid-1",
        "exchange": "BINANCE",
        "symbol": "BTC/USDT",
        "assetClass": "SPOT",
        "side": "BUY",
        "quantity": 2,
        "strategy": "MARKET",
    }


def test_limit_short_sale_on_bybit_futures() -> None:
    options = OrderOptions(short_sale=True, destination="Bybit", asset_class=AssetClass.FUTURE)
    sent = body(ticket(Strategy.LIMIT, side=Side.SELL, limit_price=D("42000.50"), options=options))
    assert sent["side"] == "SHORT_SELL" and sent["exchange"] == "BYBIT"
    assert sent["assetClass"] == "FUTURE" and sent["strategy"] == "LIMIT"
    assert sent["limitPrice"] == D("42000.50")


def test_limit_with_visible_quantity_is_an_iceberg() -> None:
    options = OrderOptions(visible_quantity=D("0.25"))
    sent = body(ticket(Strategy.LIMIT, limit_price=D("100"), options=options))
    assert sent["strategy"] == "ICEBERG" and sent["limitPrice"] == 100
    assert (sent["clipSizeType"], sent["clipSizeVal"]) == ("ABSOLUTE", D("0.25"))


@pytest.mark.parametrize(
    ("strategy", "limit", "direction", "condition"),
    [
        (Strategy.MARKET, None, StopDirection.DOWN, "BELOW"),
        (Strategy.LIMIT, D("95"), StopDirection.UP, "ABOVE"),
    ],
)
def test_stop_is_stop_loss_with_the_trigger_in_params(
    strategy: Strategy, limit: Decimal | None, direction: StopDirection, condition: str
) -> None:
    options = OrderOptions(stop=StopTrigger(direction, D("96.50")))
    sent = body(ticket(strategy, limit_price=limit, options=options))
    assert sent["strategy"] == "STOP_LOSS"
    assert sent.get("limitPrice") == limit
    assert sent["params"] == (
        '{"trigger":{"triggerPrice":"96.50","triggerCondition":"' + condition + '"}}'
    )


@pytest.mark.parametrize(
    ("clip", "wire_type", "wire_value"),
    [
        (None, None, None),
        (ClipSize(ClipSizeKind.QUANTITY, D("0.1")), "ABSOLUTE", D("0.1")),
        (ClipSize(ClipSizeKind.FRACTION, D("0.05")), "PERCENTAGE", D("5.00")),
        (ClipSize(ClipSizeKind.AUTO), "AUTOMATIC", None),
    ],
)
def test_twap_runs_from_now_for_its_duration_with_its_clip(
    clip: ClipSize | None, wire_type: str | None, wire_value: Decimal | None
) -> None:
    options = OrderOptions(clip_size=clip)
    sent = body(ticket(Strategy.TWAP, duration_s=3600, options=options))
    assert sent["strategy"] == "TWAP" and "limitPrice" not in sent
    assert (sent["startTime"], sent["endTime"]) == ("2024-01-02T09:00:30Z", "2024-01-02T10:00:30Z")
    assert sent.get("clipSizeType") == wire_type and sent.get("clipSizeVal") == wire_value


def test_vwap_with_a_scheduled_start_and_a_limit() -> None:
    start = datetime(2024, 1, 3, 8, 30, 0, 250000, tzinfo=UTC)
    options = OrderOptions(start_ts=start)
    request, sent = parsing.create_request(
        ticket(Strategy.VWAP, duration_s=600, limit_price=D("101"), options=options), "c", NOW
    )
    assert (request.strategy, request.limit_price) == ("VWAP", D("101"))
    assert request.start_time == "2024-01-03T08:30:00.250Z"
    assert request.end_time == "2024-01-03T08:40:00.250Z"
    assert (sent.start_ts, sent.end_ts) == (start, start + timedelta(seconds=600))
    assert sent.quantity == D(2) and sent.strategy is Strategy.VWAP


def test_what_anboto_cannot_spell_is_refused_before_sending() -> None:
    with pytest.raises(UnsupportedAction):
        parsing.create_request(ticket(Strategy.POV, pov_target=D("0.1")), "c", NOW)
    with pytest.raises(UnsupportedAction):
        options = OrderOptions(destination="OKX")
        parsing.create_request(ticket(Strategy.MARKET, options=options), "c", NOW)


@pytest.mark.parametrize(
    ("venue", "domain"),
    [
        ("PENDING_NEW", OrderStatus.PENDING_NEW),
        ("ACCEPTED", OrderStatus.WORKING),
        ("PARTIALLY_FILLED", OrderStatus.PARTIALLY_FILLED),
        ("FILLED", OrderStatus.FILLED),
        ("PENDING_CANCEL", OrderStatus.PENDING_CANCEL),
        ("CANCELLED", OrderStatus.CANCELED),
        ("REJECTED", OrderStatus.REJECTED),
        ("EXPIRED", OrderStatus.EXPIRED),
        ("PENDING_PAUSE", OrderStatus.PENDING_PAUSE),
        ("PAUSED", OrderStatus.PAUSED),
        ("PENDING_UNPAUSE", OrderStatus.PENDING_RESUME),
        ("CANCEL_REJECTED", OrderStatus.UNKNOWN),
    ],
)
def test_every_venue_status_maps(venue: str, domain: OrderStatus) -> None:
    assert parsing.map_status(venue, filled=False, scheduled=False) is domain


def test_accepted_is_scheduled_before_start_and_partly_filled_after_fills() -> None:
    assert parsing.map_status("ACCEPTED", filled=False, scheduled=True) is OrderStatus.SCHEDULED
    assert (
        parsing.map_status("ACCEPTED", filled=True, scheduled=False) is OrderStatus.PARTIALLY_FILLED
    )


def details(**fields: Any) -> wire.OrderDetails:
    base: dict[str, Any] = {
        "orderId": 77,
        "clientOrderId": "cid-1",
        "symbol": "ETH/USDT",
        "assetClass": "SPOT",
        "exchange": "BYBIT",
        "status": "PARTIALLY_FILLED",
        "filledQuantity": D("0.4"),
        "leavesQuantity": D("1.1"),
        "side": "SHORT_SELL",
        "lastQuantity": D("0.1"),
        "lastPrice": D("2001.5"),
        "averagePrice": D("2000.25"),
    }
    return wire.OrderDetails.model_validate(base | fields)


def test_unknown_order_quantity_is_filled_plus_leaves() -> None:
    report = parsing.details_report(details(), account="algo", sent=None, now=NOW)
    assert (report.pair, report.side, report.quantity) == ("ETH-USDT", Side.SELL, D("1.5"))
    assert report.strategy is None and report.limit_price is None
    assert report.avg_fill_px == D("2000.25") and report.fills is None
    assert report.aggregate is not None
    assert (report.aggregate.last_qty, report.aggregate.last_price) == (D("0.1"), D("2001.5"))
    assert report.venue_status == "PARTIALLY_FILLED" and report.venue_order_id == "77"


def test_known_order_keeps_what_was_sent() -> None:
    start = NOW + timedelta(hours=1)
    _, sent = parsing.create_request(
        ticket(Strategy.TWAP, duration_s=600, options=OrderOptions(start_ts=start)), "cid-1", NOW
    )
    waiting = details(
        status="ACCEPTED", filledQuantity=0, leavesQuantity=2, averagePrice=0, side="BUY"
    )
    report = parsing.details_report(waiting, account="algo", sent=sent, now=NOW)
    assert report.status is OrderStatus.SCHEDULED and report.avg_fill_px is None
    assert (report.quantity, report.strategy, report.start_ts) == (D(2), Strategy.TWAP, start)
    later = parsing.details_report(waiting, account="algo", sent=sent, now=start)
    assert later.status is OrderStatus.WORKING
    # A cancelled order's leaves drop to 0: the total stays what was sent.
    done = details(status="CANCELLED", filledQuantity=D("0.4"), leavesQuantity=0, side="BUY")
    assert parsing.details_report(done, account="a", sent=sent, now=NOW).quantity == D(2)


def test_rejected_summary_carries_the_venue_reason() -> None:
    _, sent = parsing.create_request(ticket(Strategy.MARKET), "cid-9", NOW)
    summary = wire.OrderSummary.model_validate(
        {
            "orderId": None,
            "status": "REJECTED",
            "createdAt": "2024-01-02T09:00:00Z",
            "errorCode": "INSUFFICIENT_FUNDS",
            "message": "not enough USDT",
        }
    )
    report = parsing.summary_report(summary, sent, account="algo")
    assert report.status is OrderStatus.REJECTED and report.client_order_id == "cid-9"
    assert report.reason == "INSUFFICIENT_FUNDS: not enough USDT"
    assert report.venue_order_id == "" and report.quantity == D(2)
