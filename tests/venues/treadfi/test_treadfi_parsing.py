"""Tread.fi wire <-> domain translation: statuses, numbers, times, strategies, requests."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gui.domain.errors import UnsupportedAction
from gui.domain.orders import Amendment, OrderStatus, OrderTicket, Side, Strategy, TimeInForce
from gui.venues.treadfi import parsing, wire

D = Decimal


def order(**fields: Any) -> wire.Order:
    """A wire order: base-sized BTC buy by default, overridden by `fields`."""
    base: dict[str, Any] = {
        "id": "o-1",
        "pair": "BTC-USDT",
        "side": "buy",
        "status": "ACTIVE",
        "target_token": "BTC",
        "target_order_qty": "2",
        "target_executed_qty": "0",
    }
    return wire.Order.model_validate(base | fields)


@pytest.mark.parametrize(
    ("venue_status", "executed", "expected"),
    [
        ("SCHEDULED", "0", OrderStatus.SCHEDULED),
        ("SUBMITTED", "0", OrderStatus.SCHEDULED),
        ("ACTIVE", "0", OrderStatus.WORKING),
        ("ACTIVE", "0.5", OrderStatus.PARTIALLY_FILLED),
        ("FINISHER", "0", OrderStatus.WORKING),
        ("FINISHER", "1.9", OrderStatus.PARTIALLY_FILLED),
        ("PAUSED", "1", OrderStatus.PAUSED),
        ("COMPLETE", "2", OrderStatus.FILLED),
        ("COMPLETED", "2.0000", OrderStatus.FILLED),
        ("COMPLETE", "1.99", OrderStatus.EXPIRED),
        ("CANCELED", "1", OrderStatus.CANCELED),
        ("CANCELLED", "0", OrderStatus.CANCELED),
        ("FAILED", "0", OrderStatus.REJECTED),
        ("active", "0", OrderStatus.WORKING),
    ],
)
def test_status_map(venue_status: str, executed: str, expected: OrderStatus) -> None:
    report = parsing.order_report(order(status=venue_status, target_executed_qty=executed))
    assert report.status is expected
    assert report.venue_status == venue_status


def test_unknown_status_is_unknown_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    # Regression guard in the spirit of Binance's TRADING_HALT: never raise on a new status.
    with caplog.at_level(logging.WARNING, logger="gui.venues.treadfi.parsing"):
        report = parsing.order_report(order(status="HALTED_BY_RISK"))
    assert report.status is OrderStatus.UNKNOWN
    assert "HALTED_BY_RISK" in caplog.text


def test_failed_order_is_rejected_with_its_reason() -> None:
    report = parsing.order_report(order(status="FAILED", failure_reason="Insufficient balance"))
    assert (report.status, report.reason) == (OrderStatus.REJECTED, "Insufficient balance")


@pytest.mark.parametrize("unset", ["", None, -1, -1.0, "-1", "-1.00000000000000000000", "0"])
def test_every_unset_limit_price_form_is_none(unset: object) -> None:
    assert parsing.order_report(order(limit_price=unset)).limit_price is None


@pytest.mark.parametrize(
    ("sent", "price"), [("45000.00", D("45000.00")), (1.5, D("1.5")), (7, D(7))]
)
def test_limit_price_forms(sent: object, price: Decimal) -> None:
    assert parsing.order_report(order(limit_price=sent)).limit_price == price


def test_limit_expression_is_kept_on_the_wire_but_has_no_domain_price() -> None:
    wire_order = order(limit_price="mark+5")
    assert wire_order.limit_price == "mark+5"
    assert parsing.order_report(wire_order).limit_price is None


@given(st.decimals(allow_nan=False, places=8, min_value=-(10**12), max_value=10**12))
def test_lenient_decimal_reads_numbers_and_strings_exactly(number: Decimal) -> None:
    as_string = wire.OrderStats.model_validate({"vwap": str(number)})
    as_float = wire.OrderStats.model_validate({"vwap": float(number)})
    assert as_string.vwap == number
    assert as_float.vwap == Decimal(repr(float(number)))  # the float's shortest repr, no noise


@pytest.mark.parametrize("empty", ["", "  ", None])
def test_empty_decimal_is_none(empty: object) -> None:
    assert wire.OrderStats.model_validate({"vwap": empty}).vwap is None


@pytest.mark.parametrize("bad", ["abc", True, "NaN", [1]])
def test_garbage_decimal_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        wire.OrderStats.model_validate({"vwap": bad})


@pytest.mark.parametrize(
    "sent",
    ["2023-12-15T10:00:00Z", "2023-12-15T10:00:00", "2023-12-15T11:00:00+01:00", 1702634400000],
)
def test_times_become_aware_utc(sent: object) -> None:
    assert order(time_end=sent).time_end == datetime(2023, 12, 15, 10, 0, tzinfo=UTC)


def test_start_datetime_is_read_as_time_start() -> None:
    assert order(start_datetime="2023-12-15T10:00:00Z").time_start == datetime(
        2023, 12, 15, 10, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("name", "pov", "expected"),
    [
        ("Market", None, Strategy.MARKET),
        ("LIMIT", None, Strategy.LIMIT),
        ("IOC", None, Strategy.IOC),
        ("TWAP", None, Strategy.TWAP),
        ("VWAP", None, Strategy.VWAP),
        ("POV", None, Strategy.POV),
        ("VWAP", "0.1", Strategy.POV),
        ("6FE4BA3E-C578-45BD-824C-C523BF3C56DE", None, Strategy.TWAP),
        ("IS", None, None),
        ("Target Time", None, None),
        ("8fd62b68-85d9-4346-8366-311c9a2a1d7a", None, None),
    ],
)
def test_strategy_names_and_uuids(name: str, pov: str | None, expected: Strategy | None) -> None:
    assert parsing.order_report(order(strategy=name, pov_target=pov)).strategy is expected


def test_learned_strategy_uuid_is_used() -> None:
    report = parsing.order_report(order(strategy="abc"), strategy_names={"abc": "VWAP"})
    assert report.strategy is Strategy.VWAP


def test_quote_sized_sell_uses_its_base_amount_and_decides_completion_in_quote() -> None:
    report = parsing.order_report(
        order(
            side="sell",
            status="COMPLETE",
            target_token="USDT",
            target_order_qty="1000",
            target_executed_qty="1000",
            sell_token_amount="0.02",
            executed_notional="1000",
            average_executed_price="50000",
        )
    )
    assert (report.status, report.quantity, report.filled_qty) == (
        OrderStatus.FILLED,
        D("0.02"),
        D("0.02"),
    )


def test_quote_sized_buy_without_any_price_reports_zero_base() -> None:
    report = parsing.order_report(order(target_token="USDT", target_order_qty="1000"))
    assert (report.quantity, report.filled_qty, report.avg_fill_px) == (D(0), D(0), None)


def test_fill_without_size_price_or_time_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    fills = [
        {
            "id": "f1",
            "executed_qty": "1",
            "executed_price": "10",
            "fill_time": "2024-01-01T00:00:00Z",
        },
        {"id": "f2", "executed_qty": "1", "fill_time": "2024-01-01T00:00:00Z"},
        {"id": "f3", "executed_qty": "1", "executed_price": "10"},
    ]
    with caplog.at_level(logging.WARNING):
        report = parsing.order_report(order(fills=fills))
    assert [fill.fill_id for fill in report.fills or ()] == ["f1"]
    assert caplog.text.count("skipped a fill") == 2


def test_placement_fills_win_over_flat_fills() -> None:
    flat = {
        "placement_id": "p1",
        "executed_qty": "1",
        "executed_price": "10",
        "fill_time": "2024-01-01T00:00:00Z",
    }
    nested = flat | {"id": "fill-uuid"}
    report = parsing.order_report(order(fills=[flat], placements=[{"id": "p1", "fills": [nested]}]))
    assert [fill.fill_id for fill in report.fills or ()] == ["fill-uuid"]


def test_synthesized_fill_id_ignores_number_formatting() -> None:
    def fill_id(qty: object, price: object) -> str:
        fills = [
            {
                "placement_id": "p",
                "executed_qty": qty,
                "executed_price": price,
                "fill_time": "2024-01-01T00:00:00Z",
            }
        ]
        return (parsing.order_report(order(fills=fills)).fills or ())[0].fill_id

    assert fill_id("0.1250", "45000.00") == fill_id(0.125, 45000) == fill_id("0.125", "4.5E+4")
    assert fill_id("0.125", "45000") != fill_id("0.126", "45000")


def test_side_must_be_buy_or_sell() -> None:
    with pytest.raises(ValueError, match="'hold'"):
        parsing.order_report(order(side="hold"))
    assert parsing.order_report(order(side="SELL")).side is Side.SELL


def ticket(**fields: Any) -> OrderTicket:
    base: dict[str, Any] = {
        "venue": "treadfi",
        "account": "main",
        "pair": "BTC-USDT",
        "side": Side.BUY,
        "quantity": D("0.5"),
        "strategy": Strategy.MARKET,
    }
    return OrderTicket(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "body"),
    [
        ({}, {"strategy": "Market"}),
        (
            {"strategy": Strategy.LIMIT, "limit_price": D("4.5E+4")},
            {"strategy": "Limit", "limit_price": "45000"},
        ),
        (
            {"strategy": Strategy.LIMIT, "limit_price": D("1"), "time_in_force": TimeInForce.IOC},
            {"strategy": "IOC", "limit_price": "1"},
        ),
        (
            {"strategy": Strategy.IOC, "limit_price": D("2.50")},
            {"strategy": "IOC", "limit_price": "2.50"},
        ),
        ({"strategy": Strategy.TWAP, "duration_s": 3600}, {"strategy": "TWAP", "duration": 3600}),
        (
            {"strategy": Strategy.VWAP, "duration_s": 600, "notes": "n"},
            {"strategy": "VWAP", "duration": 600, "notes": "n"},
        ),
        (
            {"strategy": Strategy.POV, "pov_target": D("0.1")},
            {"strategy": "VWAP", "pov_target": "0.1"},
        ),
        ({"strategy": Strategy.MARKET, "duration_s": 600}, {"strategy": "Market"}),
    ],
)
def test_submit_request_body(fields: dict[str, Any], body: dict[str, Any]) -> None:
    request = parsing.submit_request(ticket(**fields), "cid-1")
    expected = {
        "pair": "BTC-USDT",
        "side": "buy",
        "accounts": ["main"],
        "base_asset_qty": "0.5",
        "custom_order_id": "cid-1",
    } | body
    assert request.model_dump(exclude_none=True) == expected


def test_quantity_is_sent_as_an_exact_plain_decimal_string() -> None:
    request = parsing.submit_request(ticket(quantity=D("1E+3")), "c")
    assert request.model_dump(exclude_none=True)["base_asset_qty"] == "1000"
    request = parsing.submit_request(ticket(quantity=D("0.123456789012345678")), "c")
    assert request.model_dump(exclude_none=True)["base_asset_qty"] == "0.123456789012345678"


def test_fill_or_kill_is_unsupported() -> None:
    with pytest.raises(UnsupportedAction):
        parsing.submit_request(
            ticket(strategy=Strategy.LIMIT, limit_price=D(1), time_in_force=TimeInForce.FOK), "c"
        )


def test_amend_changes_leave_out_what_does_not_change() -> None:
    changes = parsing.amend_changes(Amendment(quantity=D("2.0"), limit_price=D("51000")))
    expected = {"base_asset_qty": "2.0", "limit_price": "51000"}
    assert changes.model_dump(exclude_none=True) == expected
    changes = parsing.amend_changes(Amendment(duration_s=900, pov_target=D("0.05")))
    assert changes.model_dump(exclude_none=True) == {"duration": 900, "pov_target": "0.05"}
