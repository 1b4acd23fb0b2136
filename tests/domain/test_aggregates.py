"""Fills derived from running totals: exact prices, stable ids (shared/DESIGN.md "Domain rules")."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from gui.domain.aggregates import derive_fill, derived_fill_id

D = Decimal


def test_price_comes_from_the_change_in_notional() -> None:
    # 1 @ 100 then 1 @ 102: the average moves 100 -> 101.
    fill = derive_fill("7", old_qty=D(1), old_notional=D(100), new_qty=D(2), new_notional=D(202))
    assert fill is not None
    assert (fill.quantity, fill.price) == (D(1), D(102))


def test_quote_amounts_give_exact_prices() -> None:
    # DFX tradeAmount: 0.3 @ 70000.1 then 0.4 @ 70000.3.
    fill = derive_fill(
        "9",
        old_qty=D("0.3"),
        old_notional=D("21000.03"),
        new_qty=D("0.7"),
        new_notional=D("49000.15"),
    )
    assert fill is not None
    assert fill.price == D("70000.3")


def test_last_fill_fields_are_used_when_they_describe_the_rise() -> None:
    fill = derive_fill(
        "1",
        old_qty=D(1),
        old_notional=D(100),
        new_qty=D(3),
        new_notional=D("301"),
        last_qty=D(2),
        last_price=D("100.5"),
    )
    assert fill is not None and fill.price == D("100.5")
    # Two child fills between polls: the last one does not describe the whole rise.
    other = derive_fill(
        "1",
        old_qty=D(1),
        old_notional=D(100),
        new_qty=D(3),
        new_notional=D("301"),
        last_qty=D(1),
        last_price=D("100.2"),
    )
    assert other is not None and other.price == D("100.5")


def test_no_rise_no_fill() -> None:
    assert (
        derive_fill("1", old_qty=D(2), old_notional=D(200), new_qty=D(2), new_notional=D(200))
        is None
    )
    assert (
        derive_fill("1", old_qty=D(2), old_notional=D(200), new_qty=D(1), new_notional=D(100))
        is None
    )


def test_ids_ignore_how_the_venue_writes_the_number() -> None:
    assert derived_fill_id("5", D("0.50")) == derived_fill_id("5", D("0.5")) == "5~0.5"
    assert derived_fill_id("5", D("1E+2")) == "5~100"


@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=D("0.001"), max_value=D(1000), places=3),
            st.decimals(min_value=D("0.01"), max_value=D(100000), places=2),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_derived_fills_add_up_to_the_reported_totals(trades: list[tuple[Decimal, Decimal]]) -> None:
    qty = notional = D(0)
    total_qty = total_notional = D(0)
    for quantity, price in trades:
        new_qty, new_notional = qty + quantity, notional + quantity * price
        fill = derive_fill(
            "x", old_qty=qty, old_notional=notional, new_qty=new_qty, new_notional=new_notional
        )
        assert fill is not None
        assert fill.price == price
        total_qty += fill.quantity
        total_notional += fill.quantity * fill.price
        qty, notional = new_qty, new_notional
    assert (total_qty, total_notional) == (qty, notional)
