"""Bad data from any venue: an unreadable answer is a `VenueBadResponse` naming venue and
endpoint, its raw body goes to the log, and nothing else ever escapes (issue 5 §5).

These tests cover the shared pieces (`gui.venues.wire_types`) and every venue's answer
models at once; `test_bad_data_<venue>.py` drive each venue's parsing and adapter.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, BeforeValidator, TypeAdapter

from gui.domain.errors import VenueBadResponse, VenueError, VenueTransportError
from gui.venues import wire_types
from gui.venues.anboto import wire as anboto_wire
from gui.venues.dfx import wire as dfx_wire
from gui.venues.kucoin_futures import wire as kucoin_wire
from gui.venues.treadfi import wire as treadfi_wire
from gui.venues.wire_types import (
    RAW_BODY_LOG_BYTES,
    loads,
    parse_answer,
    parse_payload,
    to_decimal,
    to_epoch_int,
    to_utc_datetime,
)
from gui.venues.zenotc import wire as zenotc_wire
from tests.venues.bad_data import (
    FUZZ,
    HTML_PAGES,
    JSON_TREES,
    NON_JSON_PAGES,
    WEIRD_NUMBERS,
    answer,
    check_wire,
    dump,
)

D = Decimal

# Every answer model a client reads with `parse_answer` (or the venue's envelope data with
# `parse_payload`): (venue, model, unwrap).
ANSWER_MODELS: list[tuple[str, Any, Any]] = [
    *(
        ("treadfi", model, None)
        for model in (
            treadfi_wire.OrderPage,
            treadfi_wire.ActiveOrders,
            treadfi_wire.Order,
            treadfi_wire.OrderSummary,
            treadfi_wire.OrdersWithStatsPage,
            treadfi_wire.OrderMessages,
            treadfi_wire.Acknowledgement,
        )
    ),
    *(
        ("zenotc", model, zenotc_wire.unwrap)
        for model in (
            zenotc_wire.Order,
            zenotc_wire.OrderPage,
            zenotc_wire.FillList,
            zenotc_wire.CancelResult,
            zenotc_wire.BatchCreateResult,
            zenotc_wire.CancelAllResult,
        )
    ),
    *(
        ("anboto", model, None)
        for model in (
            anboto_wire.OrderSummary,
            anboto_wire.OrderSummaryList,
            anboto_wire.OrderDetails,
            anboto_wire.OrderDetailsList,
        )
    ),
    *(
        ("kucoin_futures", model, None)
        for model in (
            kucoin_wire.Envelope,
            kucoin_wire.Order,
            kucoin_wire.Fill,
            kucoin_wire.Page[kucoin_wire.Order],
            kucoin_wire.Page[kucoin_wire.Fill],
            kucoin_wire.Contract,
            kucoin_wire.OrderAck,
            kucoin_wire.BatchCancelResult,
            kucoin_wire.OpenOrderStatistics,
        )
    ),
    *(
        ("dfx", model, None)
        for model in (
            dfx_wire.Envelope,
            dfx_wire.DfxOrder,
            dfx_wire.DfxTrade,
            dfx_wire.DfxSymbol,
            dfx_wire.BatchCancelItem,
        )
    ),
]


def _name(case: tuple[str, Any, Any]) -> str:
    return f"{case[0]}-{case[1].__name__}"


# -- the error -------------------------------------------------------------------------------


def test_a_bad_response_names_venue_and_endpoint_and_counts_as_a_lost_answer() -> None:
    error = VenueBadResponse("kucoin_futures", "GET /api/v1/orders", "not JSON (...)", 200)

    # A lost submit answer and an unreadable one are the same to the OMS: outcome unknown.
    assert isinstance(error, VenueTransportError)
    assert isinstance(error, VenueError)
    assert (error.venue, error.endpoint, error.status_code) == (
        "kucoin_futures",
        "GET /api/v1/orders",
        200,
    )
    assert str(error) == (
        "kucoin_futures HTTP 200: unreadable answer to GET /api/v1/orders: not JSON (...)"
    )


@pytest.mark.parametrize("page", NON_JSON_PAGES, ids=range(len(NON_JSON_PAGES)))
def test_a_page_that_is_not_json_is_a_bad_response(page: bytes) -> None:
    with pytest.raises(VenueBadResponse) as caught:
        parse_answer(treadfi_wire.ActiveOrders, answer(page), "GET /api/active_orders/",
                     venue="treadfi")  # fmt: skip

    assert caught.value.endpoint == "GET /api/active_orders/"
    assert caught.value.venue == "treadfi"
    assert caught.value.status_code == 200


def test_the_raw_body_is_logged_but_never_the_headers(caplog: pytest.LogCaptureFixture) -> None:
    # Arrange: a proxy's HTML page, answered to a request that carried a token.
    request = httpx.Request(
        "GET", "http://venue.test/api/order/1", headers={"Authorization": "Token s3cr3t-key"}
    )
    page = b"<html><body><h1>502 Bad Gateway</h1><p>upstream said no</p></body></html>"
    response = httpx.Response(200, content=page, request=request, headers={"X-Trace": "t-77"})

    # Act
    with caplog.at_level(logging.WARNING, logger="gui.venues.raw"):
        with pytest.raises(VenueBadResponse):
            parse_answer(treadfi_wire.Order, response, "GET /api/order/1", venue="treadfi")

    # Assert: one WARNING on gui.venues.raw with venue, endpoint and the body as it arrived.
    [record] = [r for r in caplog.records if r.name == "gui.venues.raw"]
    text = record.getMessage()
    assert record.levelno == logging.WARNING
    assert "treadfi GET /api/order/1" in text and "upstream said no" in text
    assert "s3cr3t-key" not in text and "Authorization" not in text and "t-77" not in text


def test_a_huge_body_is_logged_cut_to_two_kilobytes(caplog: pytest.LogCaptureFixture) -> None:
    body = b"<html>" + b"x" * 100_000 + b"</html>"

    with caplog.at_level(logging.WARNING, logger="gui.venues.raw"):
        with pytest.raises(VenueBadResponse):
            parse_answer(anboto_wire.OrderDetails, answer(body), "GET /o", venue="anboto")

    [record] = [r for r in caplog.records if r.name == "gui.venues.raw"]
    text = record.getMessage()
    assert "x" * (RAW_BODY_LOG_BYTES - 6) in text
    assert len(text) < RAW_BODY_LOG_BYTES + 300
    assert f"[{len(body) - RAW_BODY_LOG_BYTES} more bytes]" in text


def test_a_payload_out_of_an_envelope_is_logged_when_it_does_not_fit(
    caplog: pytest.LogCaptureFixture,
) -> None:
    payload = {"items": [{"id": "1", "size": "-3"}]}
    adapter = TypeAdapter(kucoin_wire.Page[kucoin_wire.Order])

    with caplog.at_level(logging.WARNING, logger="gui.venues.raw"):
        with pytest.raises(VenueBadResponse) as caught:
            parse_payload(adapter.validate_python, payload, "GET /api/v1/orders",
                          venue="kucoin_futures", status_code=200)  # fmt: skip

    assert caught.value.detail.startswith("items.0.size:")
    [record] = [r for r in caplog.records if r.name == "gui.venues.raw"]
    assert '"size": "-3"' in record.getMessage()


class _Buggy(BaseModel):
    value: Annotated[int, BeforeValidator(lambda value: value + 1)]  # TypeError on "x"


def test_a_validator_bug_is_still_a_bad_response_and_is_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Robustness net: a validator raising something other than ValueError is our bug; it
    # is logged with its traceback, and the caller still sees an unreadable answer.
    with caplog.at_level(logging.ERROR, logger="gui.venues.wire_answers"):
        with pytest.raises(VenueBadResponse) as caught:
            parse_answer(_Buggy, answer(b'{"value": "x"}'), "GET /v", venue="zenotc")

    assert "TypeError" in caught.value.detail
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


# -- decoding --------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(st.binary(max_size=300), st.sampled_from(HTML_PAGES), JSON_TREES.map(dump)))
def test_loads_raises_only_value_error_and_never_makes_a_float(body: bytes) -> None:
    try:
        decoded = loads(body)
    except ValueError:
        return
    check_wire(decoded, modelled=False)  # `NaN` arrives as Decimal("NaN"), never a float


@FUZZ
@given(st.one_of(WEIRD_NUMBERS, JSON_TREES, st.floats(), st.text(max_size=30)))
def test_to_decimal_gives_a_finite_decimal_in_range_or_a_value_error(value: Any) -> None:
    try:
        number = to_decimal(value)
    except ValueError:
        return
    assert number is None or (
        isinstance(number, Decimal) and number.is_finite() and abs(number) < D("1E+30")
    )
    assert number is None or number == 0 or abs(number) >= D("1E-30")


@FUZZ
@given(st.one_of(WEIRD_NUMBERS, st.floats()))
def test_an_amount_is_never_negative(value: Any) -> None:
    try:
        number = wire_types.to_amount(value)
    except ValueError:
        return
    assert number is None or number >= 0


@FUZZ
@given(
    st.one_of(
        WEIRD_NUMBERS,
        st.floats(),
        st.text(max_size=40),
        st.datetimes(timezones=st.timezones()),
        st.datetimes(),
        st.builds(
            lambda when, minutes: when.isoformat() + f"+{minutes // 60:02d}:{minutes % 60:02d}",
            st.datetimes(),
            st.integers(0, 23 * 60),
        ),
        st.sampled_from(["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2024-13-01"]),
    )
)
def test_a_time_is_aware_utc_or_a_value_error(value: Any) -> None:
    try:
        when = to_utc_datetime(value, epoch_ms_types=(int, float, Decimal))
    except ValueError:
        return
    assert when is None or when.utcoffset() == timedelta(0)


@FUZZ
@given(st.one_of(WEIRD_NUMBERS, st.floats(), st.text(max_size=25)))
def test_an_epoch_integer_converts_to_a_datetime_without_overflow(value: Any) -> None:
    for per_second in (1000, 1_000_000_000):
        try:
            number = to_epoch_int(value, per_second=per_second)
        except ValueError:
            continue
        if number is not None:
            when = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
                microseconds=number * 1_000_000 // per_second
            )
            assert 1970 <= when.year <= 9999


# -- every answer model ----------------------------------------------------------------------


@pytest.mark.parametrize("case", ANSWER_MODELS, ids=_name)
@settings(FUZZ, max_examples=20)
@given(body=st.one_of(st.sampled_from(HTML_PAGES), st.binary(max_size=40), JSON_TREES.map(dump)))
def test_every_answer_model_reads_garbage_as_a_bad_response_or_a_clean_model(
    case: tuple[str, Any, Any], body: bytes
) -> None:
    venue, model, unwrap = case
    try:
        parsed = parse_answer(model, answer(body), "GET /any", venue=venue, unwrap=unwrap)
    except VenueBadResponse as exc:
        assert (exc.venue, exc.endpoint) == (venue, "GET /any")
        return
    check_wire(parsed)
