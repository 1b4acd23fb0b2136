"""Theme: one colour per status group, exact number display, local times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gui.domain.orders import OrderStatus
from gui.oms.events import ErrorKind
from gui.qt import theme

S = OrderStatus


def test_every_status_has_a_colour_and_the_groups_read_differently() -> None:
    colour = {status: theme.STATUS_COLOURS[status].name() for status in OrderStatus}

    groups = [
        {S.WORKING, S.SCHEDULED},
        {S.PARTIALLY_FILLED},
        {S.PENDING_NEW, S.PENDING_CANCEL, S.PENDING_PAUSE, S.PENDING_RESUME, S.PENDING_REPLACE},
        {S.PAUSED},
        {S.FILLED},
        {S.CANCELED, S.EXPIRED},
        {S.REJECTED},
        {S.UNKNOWN, S.OUTCOME_UNKNOWN},
    ]
    assert set().union(*groups) == set(OrderStatus)
    for group in groups:
        assert len({colour[status] for status in group}) == 1, group
    assert len({colour[next(iter(group))] for group in groups}) == len(groups)


def test_error_kinds_all_have_colours() -> None:
    assert set(theme.ERROR_KIND_COLOURS) == set(ErrorKind)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("65000.50"), "65,000.5"),
        (Decimal("0.00012300"), "0.000123"),
        (Decimal("1E+3"), "1,000"),
        (Decimal("0E-8"), "0"),
        (Decimal("-12.5000"), "-12.5"),
        (Decimal("123456789.123456789"), "123,456,789.123456789"),
        (None, ""),
    ],
)
def test_decimals_display_exactly(value: Decimal | None, text: str) -> None:
    assert theme.format_decimal(value) == text


def test_times_display_in_local_wall_clock() -> None:
    ts = datetime(2025, 3, 14, 9, 30, 5, 123456, tzinfo=UTC)
    local = ts.astimezone()

    assert theme.format_time(ts) == local.strftime("%H:%M:%S")
    assert theme.format_time(ts, millis=True) == local.strftime("%H:%M:%S") + ".123"


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        ("59980.378512", "59,980.38"),
        ("3001.26333512", "3,001.263"),
        ("149.96108872", "149.9611"),
        ("0.600123456", "0.6001235"),
        ("65000", "65,000.00"),
        ("9000.5", "9,000.50"),
        ("0.00012345678", "0.0001234568"),
    ],
)
def test_average_prices_show_seven_significant_digits(exact: str, shown: str) -> None:
    assert theme.format_price(Decimal(exact)) == shown
