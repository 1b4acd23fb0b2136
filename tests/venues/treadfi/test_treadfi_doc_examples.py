"""Every example response body of the Tread.fi document parses, and orders become reports.

The bodies live in `resources/` (one file per example; the document's section is named in
`BODIES`). Conversions to valid JSON are noted there; nothing else was changed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from gui.domain.orders import OrderStatus, Side, Strategy
from gui.venues.base import OrderReport
from gui.venues.treadfi import parsing, wire
from tests.venues.treadfi.treadfi_fakes import RESOURCES, load_resource

D = Decimal

# resource file -> (document section it comes from, wire model it parses into)
BODIES: dict[str, tuple[str, type[BaseModel]]] = {
    "http_orders_list_example.json": ('"Get all orders" > Example Response', wire.OrderPage),
    "http_orders_list_ok.json": (
        '"Get all orders" > 200: OK tab (its doubled ``` fence removed)',
        wire.OrderPage,
    ),
    "http_orders_active_example.json": (
        '"Get active orders" > Example Response',
        wire.ActiveOrders,
    ),
    "http_orders_active_ok.json": ('"Get active orders" > 200: OK tab', wire.ActiveOrders),
    "http_orders_submit_created.json": ('"Submit an order" > 201: Created tab', wire.Order),
    "http_orders_summary_ok.json": (
        '"Get order summary" > 200: OK tab (printed as a Python dict: quotes, True, None)',
        wire.OrderSummary,
    ),
    "http_orders_stats_example.json": (
        '"Get orders with statistics" > Example Response',
        wire.OrdersWithStatsPage,
    ),
    "http_orders_stats_ok.json": (
        '"Get orders with statistics" > 200: OK tab (the example inside its OpenAPI wrapper)',
        wire.OrdersWithStatsPage,
    ),
    "http_orders_detail_example.json": ('"Get order details" > Example Response', wire.Order),
    "http_orders_detail_ok.json": (
        '"Get order details" > 200: OK tab (single quotes, False/None, // comments and '
        "trailing commas converted)",
        wire.Order,
    ),
    "http_orders_custom_id_example.json": (
        '"Get order details by custom ID" > Example Response',
        wire.OrderPage,
    ),
    "http_orders_custom_id_ok.json": (
        '"Get order details by custom ID" > 200: OK tab (a bare array; converted as the detail '
        "tab, and its `{ // }` placeholder for more items dropped)",
        wire.OrderPage,
    ),
    "http_messages_order_errors_example.json": (
        '"Get order errors" > Example Response',
        wire.OrderMessages,
    ),
    "http_messages_order_errors_ok.json": ('"Get order errors" > 200: OK tab', wire.OrderMessages),
    "http_actions_cancel_canceled.json": (
        '"Cancel order" > Example Response and 200 tab, first scenario (a bare JSON string)',
        wire.Acknowledgement,
    ),
    "http_actions_cancel_already.json": (
        '"Cancel order" > note and 200 tab, "Order already canceled"',
        wire.Acknowledgement,
    ),
    "http_actions_pause_accepted.json": (
        '"Pause order" > Example Response (the 202 tab wraps the same body)',
        wire.Acknowledgement,
    ),
    "http_actions_resume_accepted.json": (
        '"Resume order" > Example Response (the 202 tab wraps the same body)',
        wire.Acknowledgement,
    ),
    "http_actions_amend_accepted.json": (
        '"Amend order" > Example Response (the 202 tab, with stray braces, wraps the same body)',
        wire.Acknowledgement,
    ),
    "http_actions_cancel_all_ok.json": (
        '"Cancel all orders" > Example Response',
        wire.Acknowledgement,
    ),
    "http_actions_pause_all_ok.json": (
        '"Pause all orders" > Example Response',
        wire.Acknowledgement,
    ),
    "http_actions_resume_all_ok.json": (
        '"Resume all orders" > Example Response',
        wire.Acknowledgement,
    ),
}


def reports_of(parsed: BaseModel) -> list[OrderReport]:
    """Every order in a parsed body, as domain reports."""
    if isinstance(parsed, wire.OrderPage | wire.ActiveOrders):
        return [parsing.order_report(order) for order in parsed.orders]
    if isinstance(parsed, wire.OrdersWithStatsPage):
        return [parsing.summary_report(order) for order in parsed.orders]
    if isinstance(parsed, wire.Order):
        return [parsing.order_report(parsed)]
    if isinstance(parsed, wire.OrderSummary):
        return [parsing.summary_report(parsed)]
    return []


def parse(name: str) -> BaseModel:
    _, model = BODIES[name]
    return model.model_validate(wire.loads((RESOURCES / name).read_bytes()))


def test_every_resource_file_is_a_registered_body_or_an_error_catalogue() -> None:
    names = {path.name for path in RESOURCES.glob("*.json")}
    errors = {name for name in names if name.endswith("_errors.json")}
    assert names - errors == set(BODIES)
    for name in errors:
        for case in load_resource(name):
            assert set(case) in ({"status", "scenario", "body"}, {"status", "scenario", "text"})


@pytest.mark.parametrize("name", sorted(BODIES))
def test_example_body_parses_into_its_wire_model(name: str) -> None:
    parsed = parse(name)
    assert isinstance(parsed, BODIES[name][1])


@pytest.mark.parametrize(
    "name", [name for name in sorted(BODIES) if BODIES[name][1] is not wire.Acknowledgement]
)
def test_example_orders_become_consistent_domain_reports(name: str) -> None:
    parsed = parse(name)
    reports = reports_of(parsed)
    if BODIES[name][1] is wire.OrderMessages:
        assert reports == []
        return
    assert reports
    for report in reports:
        assert report.venue == "treadfi"
        assert report.status is not OrderStatus.UNKNOWN  # every status in the doc is known
        assert "/" not in report.pair
        assert isinstance(report.side, Side)
        assert report.quantity >= 0 and report.filled_qty >= 0
        for when in (report.start_ts, report.end_ts, report.updated_ts):
            assert when is None or when.tzinfo is UTC
        for fill in report.fills or ():
            assert fill.fill_id and fill.quantity > 0 and fill.price > 0
            assert fill.ts.tzinfo is UTC


def _only(name: str) -> OrderReport:
    (report,) = reports_of(parse(name))
    return report


def test_list_example_is_a_half_filled_base_sized_twap() -> None:
    report = _only("http_orders_list_example.json")
    assert report.venue_order_id == "6debb950-614a-4366-b73b-7d7574fd9e15"
    assert report.client_order_id == "order_123"
    assert report.status is OrderStatus.PARTIALLY_FILLED
    assert (report.quantity, report.filled_qty) == (D("0.1"), D("0.05"))
    assert report.avg_fill_px == D("50000.00")
    assert report.strategy is Strategy.TWAP
    assert report.limit_price is None  # "" means no limit
    assert report.account == "binance_main,coinbase_pro"
    assert report.start_ts == datetime(2023, 12, 15, 10, 0, tzinfo=UTC)
    assert report.fills is None  # the list carries no fills


def test_list_ok_tab_reads_floats_start_datetime_and_minus_one_limit() -> None:
    report = _only("http_orders_list_ok.json")
    assert report.status is OrderStatus.WORKING
    assert report.limit_price is None  # -1.0 means no limit (notes §7.24)
    assert report.start_ts == datetime(2023, 5, 24, 19, 15, 25, 26448, tzinfo=UTC)
    # Sized as 500 USDT with no price known yet: no base quantity can be derived.
    assert (report.quantity, report.filled_qty) == (D(0), D(0))


def test_active_example_uses_fill_ids_and_derives_progress_from_fills() -> None:
    first, paused = reports_of(parse("http_orders_active_example.json"))
    assert first.status is OrderStatus.PARTIALLY_FILLED
    assert (first.quantity, first.filled_qty) == (D("0.5"), D("0.1"))
    assert first.avg_fill_px == D("44950.00")
    assert first.limit_price == D("45000.00")
    (fill,) = first.fills or ()
    assert (fill.fill_id, fill.quantity, fill.price) == ("fill_123", D("0.1"), D("44950.00"))
    assert (fill.fee, fill.fee_asset) == (D("0.001"), "BTC")
    assert paused.status is OrderStatus.PAUSED
    assert paused.quantity == D("2.5")  # a quote-targeted sell still knows its base amount
    assert paused.fills == ()


def test_active_ok_tab_minimal_item() -> None:
    report = _only("http_orders_active_ok.json")
    assert report.status is OrderStatus.PARTIALLY_FILLED
    assert (report.quantity, report.filled_qty) == (D("1.0"), D("0.5"))


def test_submit_201_is_scheduled_and_quote_sized() -> None:
    report = _only("http_orders_submit_created.json")
    assert report.status is OrderStatus.SCHEDULED
    assert report.pair == "BTC:PERP-USDT"
    assert report.strategy is None  # an instance UUID nobody told us about
    assert report.limit_price == D("89411.25")
    # 1000 USDT at the limit, the doc's own estimate ("~1000 USDT / 89411.25 price").
    assert report.quantity == D(1000) / D("89411.25")
    assert report.fills == ()  # `placements: []`


def test_summary_complete_short_of_target_is_expired_pov() -> None:
    report = _only("http_orders_summary_ok.json")
    assert report.venue_status == "COMPLETE"
    assert report.status is OrderStatus.EXPIRED  # 3.386 USDT of 60000 left undone
    assert report.strategy is Strategy.POV  # VWAP trajectory with an 8 % target
    assert report.start_ts == datetime(2024, 10, 25, 16, 55, 3, 842747, tzinfo=UTC)


def test_stats_example_is_filled_with_a_synthesized_fill_id() -> None:
    report = _only("http_orders_stats_example.json")
    assert report.pair == "BTC-USDT"  # slash form in the doc
    assert report.status is OrderStatus.FILLED
    assert (report.quantity, report.filled_qty, report.avg_fill_px) == (D(1), D(1), D(45000))
    (fill,) = report.fills or ()
    assert fill.fill_id.startswith(report.venue_order_id + "/")
    assert fill.liquidity == "taker"


def test_detail_shape_a_flat_fills_get_distinct_stable_ids() -> None:
    report = _only("http_orders_detail_example.json")
    again = _only("http_orders_detail_example.json")
    assert report.status is OrderStatus.PARTIALLY_FILLED
    assert (report.quantity, report.filled_qty) == (D("0.5"), D("0.25"))
    maker, taker = report.fills or ()
    assert maker.fill_id != taker.fill_id
    assert [f.fill_id for f in report.fills or ()] == [f.fill_id for f in again.fills or ()]
    assert (maker.liquidity, taker.liquidity) == ("maker", "taker")
    assert report.limit_price is None  # null


def test_detail_shape_b_maps_uuid_strategy_and_placement_fills() -> None:
    report = _only("http_orders_detail_ok.json")
    assert report.strategy is Strategy.TWAP  # 6fe4ba3e-... per notes §4.3
    assert report.status is OrderStatus.PARTIALLY_FILLED
    assert report.filled_qty == D("2215.8") / D("1846.5")  # quote-sized: notional / average
    assert report.end_ts == datetime(2023, 8, 8, 23, 59, 6, 300319, tzinfo=UTC)  # no Z in doc
    (fill,) = report.fills or ()
    assert fill.fill_id == "44c82c49-1e9d-43f8-98cd-318a2c01a317"
    assert (fill.quantity, fill.price, fill.fee) == (D("3.5"), D("1658.4"), D("0.0443"))


def test_custom_id_example_is_a_pov_with_its_base_amount() -> None:
    report = _only("http_orders_custom_id_example.json")
    assert report.client_order_id == "ETH_ACC_001"
    assert report.strategy is Strategy.POV  # TWAP trajectory with pov_target 0.1
    assert report.quantity == D("10.5")  # buy_token_amount, though sized in USDT
    assert report.status is OrderStatus.WORKING
    assert report.fills == ()


def test_custom_id_bare_array_tab_is_read_as_a_page() -> None:
    page = parse("http_orders_custom_id_ok.json")
    assert isinstance(page, wire.OrderPage)
    assert page.num_pages is None
    assert [report.client_order_id for report in reports_of(page)] == ["my_custom_id"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("http_actions_cancel_canceled.json", "Order canceled!"),
        ("http_actions_cancel_already.json", "Order already canceled!"),
        ("http_actions_pause_accepted.json", "Successfully paused order."),
        ("http_actions_resume_accepted.json", "Successfully resumed order."),
        ("http_actions_amend_accepted.json", "Successfully amended order."),
        ("http_actions_cancel_all_ok.json", "Successfully canceled all orders."),
        ("http_actions_pause_all_ok.json", "Successfully paused all orders."),
        ("http_actions_resume_all_ok.json", "Successfully resumed all orders."),
    ],
)
def test_acknowledgements_keep_the_venue_message(name: str, message: str) -> None:
    assert parse(name) == wire.Acknowledgement(message=message)


def test_order_messages_keep_types_and_newest_first_order() -> None:
    messages: Any = parse("http_messages_order_errors_ok.json")
    log = messages.root["550e8400-e29b-41d4-a716-446655440000"]
    assert [m.message_type for m in log] == ["ERROR", "WARN"]
    assert log[0].created_at == datetime(2024, 1, 15, 10, 30, tzinfo=UTC)
