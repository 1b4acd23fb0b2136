"""The raw Tread.fi client puts exactly the documented bytes on the wire."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from gui.domain.errors import VenueAuthError, VenueError
from gui.venues.treadfi import TreadfiAuth, TreadfiClient, TreadfiConfig, wire
from tests.venues.treadfi.treadfi_fakes import (
    API_KEY,
    FAST_CONFIG,
    ORDER_ID,
    Canned,
    FakeVenue,
    load_resource,
)

MakeClient = Callable[..., TreadfiClient]
OK = Canned(200, body={"message": "ok"})


@pytest.mark.asyncio
async def test_list_orders_sends_every_filter(make_client: MakeClient) -> None:
    fake = FakeVenue(Canned(200, body=load_resource("http_orders_list_example.json")))
    page = await make_client(fake).list_orders(
        statuses=["ACTIVE", "PAUSED"],
        account_names=["binance_main", "coinbase_pro"],
        after=datetime(2023, 12, 1, tzinfo=UTC),
        before=datetime(2024, 1, 1, 0, 59, 59, tzinfo=timezone(timedelta(hours=1))),
        custom_order_ids=["order_123", "order_456"],
        page=1,
        page_size=50,
    )
    # The doc's own example request ("Get all orders").
    (request,) = fake.requests
    assert (request.method, request.path) == ("GET", "/api/orders/")
    assert request.query == {
        "statuses": "ACTIVE,PAUSED",
        "account_names": "binance_main,coinbase_pro",
        "page": "1",
        "page_size": "50",
        "after": "2023-12-01T00:00:00Z",
        "before": "2023-12-31T23:59:59Z",
        "custom_order_ids": "order_123,order_456",
    }
    assert request.headers["authorization"] == f"Token {API_KEY}"
    assert (page.page_number, page.page_size, page.num_pages, page.order_count) == (1, 50, 1, 1)


@pytest.mark.asyncio
async def test_filters_refuse_commas_and_naive_times_before_sending(
    make_client: MakeClient,
) -> None:
    fake = FakeVenue()
    client = make_client(fake)
    with pytest.raises(ValueError, match="comma"):
        await client.orders_by_custom_order_ids(["a,b"])
    with pytest.raises(ValueError, match="timezone-aware"):
        await client.list_orders(after=datetime(2024, 1, 1))
    assert fake.requests == []


@pytest.mark.asyncio
async def test_active_orders_flags(make_client: MakeClient) -> None:
    fake = FakeVenue(Canned(200, body=load_resource("http_orders_active_example.json")))
    answer = await make_client(fake).active_orders(
        exclude_paused=False, account_names=["binance_main"], only_active=True
    )
    assert fake.requests[0].path == "/api/active_orders/"
    assert fake.requests[0].query == {
        "exclude_paused": "false",
        "account_names": "binance_main",
        "only_active": "true",
    }
    assert answer.order_count == 2


@pytest.mark.asyncio
async def test_submit_posts_the_json_body(make_client: MakeClient) -> None:
    fake = FakeVenue(Canned(201, body=load_resource("http_orders_submit_created.json")))
    request = wire.SubmitOrderRequest(
        pair="BTC-USD",
        side="buy",
        strategy="TWAP",
        accounts=["binance_main"],
        base_asset_qty=Decimal("0.5"),
        duration=3600,
        limit_price=Decimal("45000.00"),
        custom_order_id="my_custom_order_123",
    )
    order = await make_client(fake).submit_order(request)
    (sent,) = fake.requests
    assert (sent.method, sent.path) == ("POST", "/api/orders/")
    assert sent.headers["content-type"] == "application/json"
    assert sent.json() == {
        "pair": "BTC-USD",
        "side": "buy",
        "strategy": "TWAP",
        "accounts": ["binance_main"],
        "base_asset_qty": "0.5",
        "duration": 3600,
        "limit_price": "45000.00",
        "custom_order_id": "my_custom_order_123",
    }
    assert order.id == "a13f34c2-7529-4ed9-97cb-f52f9daea4a0"


@pytest.mark.asyncio
async def test_reads_by_id_use_the_documented_paths(make_client: MakeClient) -> None:
    fake = FakeVenue(
        Canned(200, body=load_resource("http_orders_summary_ok.json")),
        Canned(200, body=load_resource("http_orders_detail_example.json")),
        Canned(200, body=load_resource("http_orders_stats_example.json")),
        Canned(200, body=load_resource("http_messages_order_errors_example.json")),
    )
    client = make_client(fake)
    await client.order_summary(ORDER_ID)
    await client.order_detail(ORDER_ID, include_fills=True)
    await client.orders_with_stats(page=2, page_size=100)
    messages = await client.order_errors([ORDER_ID, "7fecb061-725b-5477-c84c-8e8685ge0f26"])
    assert [(r.method, r.path, r.query) for r in fake.requests] == [
        ("GET", f"/api/order_summary/{ORDER_ID}", {}),  # no trailing slash (notes §2.1)
        ("GET", f"/api/order/{ORDER_ID}", {"include_fills": "true"}),
        ("GET", "/api/orders_with_stats/", {"page": "2", "page_size": "100"}),
        (
            "GET",
            "/api/order_errors/",
            {"order_ids": f"{ORDER_ID},7fecb061-725b-5477-c84c-8e8685ge0f26"},
        ),
    ]
    assert len(messages.root[ORDER_ID]) == 2


@pytest.mark.asyncio
async def test_order_ids_cannot_escape_their_path_segment(make_client: MakeClient) -> None:
    fake = FakeVenue(Canned(200, body="Order canceled!"))
    await make_client(fake).cancel_order("../orders/?x=1")
    assert fake.requests[0].raw_path == "/api/order/..%2Forders%2F%3Fx%3D1"


@pytest.mark.asyncio
async def test_writes_send_the_documented_bodies(make_client: MakeClient) -> None:
    fake = FakeVenue(OK)
    client = make_client(fake)
    await client.cancel_order(ORDER_ID)
    await client.pause_order(ORDER_ID)
    await client.resume_order(ORDER_ID)
    await client.amend_order(ORDER_ID, wire.AmendChanges(duration=900, limit_price=Decimal(51000)))
    await client.cancel_all_orders(
        account_names=["binance_main", "coinbase_pro"], exclude_paused=True
    )
    await client.cancel_all_orders()
    await client.pause_all_orders()
    await client.resume_all_orders()
    sent = [(r.method, r.path, r.query, r.body and r.json()) for r in fake.requests]
    assert sent == [
        ("DELETE", f"/api/order/{ORDER_ID}", {}, b""),
        ("POST", "/api/pause_order/", {}, {"order_id": ORDER_ID}),
        ("POST", "/api/resume_order/", {}, {"order_id": ORDER_ID}),
        (
            "POST",
            "/api/amend_order/",
            {},
            {"order_id": ORDER_ID, "changes": {"duration": 900, "limit_price": "51000"}},
        ),
        (
            "POST",
            "/api/cancel_all_orders/",
            {"exclude_paused": "true"},
            {"account_names": "binance_main,coinbase_pro"},
        ),
        ("POST", "/api/cancel_all_orders/", {}, b""),
        ("POST", "/api/pause_all_orders/", {}, b""),
        ("POST", "/api/resume_all_orders/", {}, b""),
    ]
    # Content-Type only when a body is sent (doc "Cancel all orders").
    assert "content-type" not in fake.requests[-1].headers


def test_auth_header_and_redacted_repr() -> None:
    auth = TreadfiAuth(API_KEY)
    assert API_KEY not in repr(auth) and API_KEY not in str(auth)
    assert "redacted" in repr(auth)
    with pytest.raises(ValueError) as caught:
        TreadfiAuth("abc def")
    assert "abc" not in str(caught.value)


@pytest.mark.asyncio
async def test_configured_bearer_scheme(make_client: MakeClient) -> None:
    fake = FakeVenue(OK)
    config = TreadfiConfig(**{**_fields(FAST_CONFIG), "auth_scheme": "Bearer"})
    await make_client(fake, config).pause_all_orders()
    assert fake.requests[0].headers["authorization"] == f"Bearer {API_KEY}"


@pytest.mark.asyncio
async def test_the_key_never_reaches_a_log_line_or_an_error(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeVenue(Canned(401, body={"detail": "Invalid token."}), Canned(503, text="down"))
    client = make_client(fake)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(VenueAuthError) as auth_error:
            await client.list_orders()
        with pytest.raises(VenueError) as server_error:
            await client.active_orders()
    assert caplog.records  # the retry predicate did log
    assert API_KEY not in caplog.text
    assert API_KEY not in str(auth_error.value) + str(server_error.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_url", "ftp://x"),
        ("base_url", "instance.example"),
        ("base_url", "http://h/?q=1"),
        ("auth_scheme", "To ken"),
        ("timeout_s", 0),
        ("read_attempts", 0),
    ],
)
def test_config_refuses_nonsense(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        TreadfiConfig(**{**_fields(FAST_CONFIG), field: value})


def _fields(config: TreadfiConfig) -> dict[str, object]:
    return {name: getattr(config, name) for name in config.__dataclass_fields__}


@pytest.mark.asyncio
async def test_json_numbers_are_read_as_exact_decimals(make_client: MakeClient) -> None:
    # 23 significant digits: a float would keep 17 of them.
    body = '{"orders": [{"id": "x", "pair": "BTC-USDT", "side": "buy", "duration": 300.0,'
    body += ' "target_order_qty": 0.12345678901234567890123, "limit_price": -1.0}]}'
    page = await make_client(FakeVenue(Canned(200, text=body))).list_orders()
    (order,) = page.orders
    assert order.target_order_qty == Decimal("0.12345678901234567890123")
    assert (order.duration, order.limit_price) == (300, None)
