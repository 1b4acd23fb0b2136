"""The raw DFX client: exact bytes on the wire, error mapping, retries and throttles."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
from decimal import Decimal

import pytest

from gui.domain.errors import (
    VenueAuthError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)
from gui.venues.dfx import DfxConfig, DfxRateLimits, load_private_key, string_to_sign
from gui.venues.dfx.client import RATE_MARGIN
from tests.venues.dfx.conftest import ClientFactory
from tests.venues.dfx.dfx_fakes import (
    ACCOUNT_ID,
    FAST_CONFIG,
    ORDER_ID,
    PRIVATE_KEY_DER_B64,
    Canned,
    FakeVenue,
    ok,
    order_object,
)

D = Decimal


@pytest.mark.asyncio
async def test_limit_create_sends_a_sorted_form_body_that_is_signed(
    make_client: ClientFactory,
) -> None:
    fake = FakeVenue([Canned(body=ok(ORDER_ID))])
    client = make_client(fake)
    await client.create_order(
        symbol="BTC-USDT",
        side="buy",
        order_type="LIMIT",
        price=D("66666.88"),
        quantity=D("1E-2"),
        client_order_id="od-1",
    )
    sent = fake.requests[0]
    assert sent.method == "POST" and sent.path == "/api/v1/spot/order" and sent.query == b""
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert (
        sent.body
        == (
            f"accountId={ACCOUNT_ID}&clientOrderId=od-1&price=66666.88&quantity=0.01"
            "&side=BUY&symbol=BTC-USDT&type=LIMIT"
        ).encode()
    )
    message = string_to_sign(
        "POST",
        "/api/v1/spot/order",
        sent.headers["exchange-api-timestamp"],
        body=sent.body.decode(),
    )
    public = load_private_key(PRIVATE_KEY_DER_B64).public_key()
    public.verify(base64.b64decode(sent.headers["exchange-api-sign"]), message.encode())


@pytest.mark.asyncio
async def test_market_create_as_json_sends_amount_as_an_exact_number(
    make_client: ClientFactory,
) -> None:
    fake = FakeVenue([Canned(body=ok(int(ORDER_ID)))])  # a numeric id is read too
    client = make_client(fake, dataclasses.replace(FAST_CONFIG, body_encoding="json"))
    order_id = await client.create_order(
        symbol="BTC-USDT", side="SELL", order_type="MARKET", amount=D("100.00")
    )
    assert order_id == ORDER_ID
    sent = fake.requests[0]
    assert sent.headers["content-type"] == "application/json"
    assert (
        sent.body
        == (
            f'{{"accountId":"{ACCOUNT_ID}","amount":100.00,"side":"SELL",'
            '"symbol":"BTC-USDT","type":"MARKET"}'
        ).encode()
    )
    assert json.loads(sent.body, parse_float=D)["amount"] == D("100.00")


@pytest.mark.asyncio
async def test_reads_and_deletes_send_their_parameters_in_the_query(
    make_client: ClientFactory,
) -> None:
    fake = FakeVenue(
        route=lambda r: Canned(body=ok(order_object())) if r.method == "GET" else None,
        answers=[Canned(body=ok(orderId=ORDER_ID))],
    )
    client = make_client(fake)
    await client.get_order(client_order_id="od 1/x")
    await client.cancel_order(order_id=ORDER_ID, client_order_id="ignored")
    get, delete = fake.requests
    assert get.query == f"accountId={ACCOUNT_ID}&clientOrderId=od%201%2Fx".encode()
    assert get.body == b""
    # With both ids only orderId is sent (the venue would ignore clientOrderId, doc §2).
    assert delete.query == f"accountId={ACCOUNT_ID}&orderId={ORDER_ID}".encode()
    assert delete.body == b""


@pytest.mark.asyncio
async def test_batch_cancel_keeps_the_comma_literal_and_reports_missing_ids_as_failed(
    make_client: ClientFactory,
) -> None:
    answer = ok([{"code": "0", "msg": "success", "orderId": "11,33"}], success=True)
    fake = FakeVenue([Canned(body=answer)])
    client = make_client(fake)
    result = await client.batch_cancel(["11", "22", "33"])
    assert fake.requests[0].query == f"accountId={ACCOUNT_ID}&orderIds=11,22,33".encode()
    assert result.cancelled == ("11", "33")
    assert result.failed == {"22": "not listed as cancelled"}
    with pytest.raises(ValueError, match="1-5"):
        await client.batch_cancel([str(n) for n in range(6)])
    assert len(fake.requests) == 1


@pytest.mark.asyncio
async def test_a_failure_entry_in_batch_cancel_keeps_the_venue_words(
    make_client: ClientFactory,
) -> None:
    answer = ok(
        [
            {"code": "0", "msg": "success", "orderId": "11"},
            {"code": "400", "msg": "order already filled", "orderId": "22"},
        ]
    )
    client = make_client(FakeVenue([Canned(body=answer)]))
    result = await client.batch_cancel(["11", "22"])
    assert result.cancelled == ("11",) and result.failed == {"22": "order already filled"}


@pytest.mark.asyncio
async def test_cancel_by_symbol_sends_the_symbol(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(body=ok([{"code": "0", "orderId": "1,2"}]))])
    result = await make_client(fake).cancel_symbol("ETH-USDT")
    assert fake.requests[0].params == {"accountId": ACCOUNT_ID, "symbol": "ETH-USDT"}
    assert result.cancelled == ("1", "2")


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (
            401,
            {"code": "401", "msg": "public-key has not been uploaded or has expired"},
            VenueAuthError,
        ),
        (
            403,
            {"code": "403", "msg": "Insufficient permissions or IP is not in the whitelist"},
            VenueAuthError,
        ),
        (
            412,
            {"code": "412", "msg": "The request header is missing `EXCHANGE-API-SIGN` parameters"},
            VenueRejected,
        ),
        (429, {"code": "429", "msg": "Too many requests"}, VenueRateLimited),
        (200, {"code": "1001", "msg": "Insufficient balance"}, VenueRejected),
        (404, {"code": "404", "msg": "Order does not exist"}, VenueNotFound),
    ],
)
@pytest.mark.asyncio
async def test_errors_map_by_status_and_code_keeping_the_venue_words(
    make_client: ClientFactory, status: int, body: dict[str, str], error: type[Exception]
) -> None:
    client = make_client(FakeVenue([Canned(status=status, body=body)]))
    with pytest.raises(error) as info:
        await client.cancel_order(order_id=ORDER_ID)
    assert type(info.value) is error
    assert body["msg"] in str(info.value)


@pytest.mark.asyncio
async def test_a_5xx_on_create_is_unknown_and_never_sent_twice(
    make_client: ClientFactory,
) -> None:
    fake = FakeVenue([Canned(status=500, body={"code": "500", "msg": "Server internal exception"})])
    client = make_client(fake)
    with pytest.raises(VenueUnavailable, match="Server internal exception"):
        await client.create_order(
            symbol="BTC-USDT", side="BUY", order_type="MARKET", amount=D("10")
        )
    assert len(fake.requests) == 1


@pytest.mark.asyncio
async def test_a_5xx_on_a_read_is_retried(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(status=503, body={"code": "500", "msg": "busy"}), Canned(body=ok([]))])
    assert await make_client(fake).open_orders() == []
    assert len(fake.requests) == 2


@pytest.mark.asyncio
async def test_success_without_data_on_get_one_is_not_found(make_client: ClientFactory) -> None:
    client = make_client(FakeVenue([Canned(body=ok())]))
    with pytest.raises(VenueNotFound):
        await client.get_order(order_id=ORDER_ID)


@pytest.mark.asyncio
async def test_a_body_that_is_no_envelope_is_unreadable(make_client: ClientFactory) -> None:
    client = make_client(FakeVenue([Canned(raw=b"<html>ok</html>")]))
    with pytest.raises(VenueTransportError, match="unreadable"):
        await client.open_orders()


@pytest.mark.asyncio
async def test_each_endpoint_is_throttled_at_its_own_rate(make_client: ClientFactory) -> None:
    config = dataclasses.replace(
        FAST_CONFIG,
        burst=1,
        rate_limits=dataclasses.replace(DfxRateLimits.uniform(1000), open_orders=10.0),
    )
    fake = FakeVenue([Canned(body=ok([]))])
    client = make_client(fake, config)
    loop = asyncio.get_running_loop()
    await client.open_orders()
    first = loop.time()
    await client.open_orders()  # 10/s: the second one waits a little over 0.1 s
    second = loop.time()
    await client.finish_orders()  # its own bucket: no wait
    # More than the documented 0.1 s, so network delay cannot put both in one window.
    assert 0.1 < second - first <= 0.1 / RATE_MARGIN + 0.05
    assert loop.time() - second < 0.05


def test_documented_rates_are_the_defaults() -> None:
    rates = DfxConfig().rate_limits
    assert (rates.create_order, rates.cancel_order, rates.batch_cancel) == (10, 10, 1)
    assert (rates.get_order, rates.finish_orders, rates.open_orders) == (1, 1, 1)
    with pytest.raises(ValueError, match="no path"):
        DfxConfig(base_url="https://api.dfx.hk/v1")
