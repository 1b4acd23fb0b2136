"""Error paths: the envelope's code decides (not the HTTP status), reads retry, writes do not,
a stale timestamp is re-synced and retried once, 429000 honours `gw-ratelimit-reset`."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import httpx
import pytest

from gui.domain.errors import (
    VenueAuthError,
    VenueError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)
from gui.venues.kucoin_futures.wire_requests import OrderRequest
from tests.venues.kucoin_futures.conftest import ClientFactory
from tests.venues.kucoin_futures.kucoin_fakes import (
    NOW_MS,
    FakeKucoin,
    Sleeps,
    error,
    expected_sign,
    ok,
    prehash_of,
    resource_response,
)

ORDER = OrderRequest(
    client_oid="c-1",
    side="buy",
    symbol="XBTUSDTM",
    leverage=1,
    type="limit",
    price=Decimal("30000"),
    size=1,
)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("resource", "status", "kind", "code"),
    [
        ("http_error_auth_401.json", 401, VenueAuthError, "400003"),
        ("http_error_params_200.json", 200, VenueRejected, "100001"),
        ("http_error_not_cancelable_200.json", 200, VenueNotFound, "100004"),
        ("http_error_internal_500.json", 500, VenueUnavailable, None),
        ("http_error_rate_limit_429.json", 429, VenueRateLimited, None),
    ],
)
async def test_each_code_family_maps_to_its_domain_error(
    make_client: ClientFactory, resource: str, status: int, kind: type[VenueError], code: str | None
) -> None:
    fake = FakeKucoin().on("POST", "/api/v1/orders", resource_response(resource, status))

    with pytest.raises(kind) as caught:
        await make_client(fake).add_order(ORDER)

    assert type(caught.value) is kind
    assert caught.value.status_code == status
    assert caught.value.venue == "kucoin_futures"
    if code is not None:
        assert isinstance(caught.value, VenueRejected) and caught.value.venue_code == code
    assert len(fake.requests) == 1  # a write is sent once, whatever happened


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("400001", VenueAuthError),
        ("400005", VenueAuthError),
        ("400008", VenueAuthError),
        ("411100", VenueAuthError),
        ("404000", VenueNotFound),
        ("400100", VenueRejected),
        ("415000", VenueRejected),
        ("300003", VenueRejected),
        ("300009", VenueRejected),
        ("200002", VenueRateLimited),
        ("500000", VenueUnavailable),
    ],
)
async def test_http_200_with_an_error_code_is_an_error(
    make_client: ClientFactory, code: str, kind: type[VenueError]
) -> None:
    # Business errors come with HTTP 200 (notes §4.1): the code decides, never the status.
    fake = FakeKucoin().on("DELETE", "/api/v1/orders/42", error(code, f"msg {code}"))

    with pytest.raises(kind) as caught:
        await make_client(fake).cancel_order("42")

    assert type(caught.value) is kind
    assert f"msg {code}" in caught.value.venue_message
    if isinstance(caught.value, VenueRejected):
        assert caught.value.venue_code == code
    else:
        assert code in caught.value.venue_message  # kept in the text when no code field


@pytest.mark.asyncio
async def test_order_not_exist_messages_are_not_found(make_client: ClientFactory) -> None:
    # ccxt's recording of an unknown order: 100001 "error.getOrder.orderNotExist".
    fake = FakeKucoin().on(
        "GET", "/api/v1/orders/7", error("100001", "error.getOrder.orderNotExist")
    )
    with pytest.raises(VenueNotFound) as caught:
        await make_client(fake).order("7")
    assert caught.value.venue_code == "100001"


@pytest.mark.asyncio
async def test_non_envelope_bodies_fall_back_to_the_http_status(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on("GET", "/api/v1/recentFills", httpx.Response(502, text="<html>bad gateway</html>"))
    fake.on("POST", "/api/v1/orders", httpx.Response(200, text="not json"))
    client = make_client(fake)

    with pytest.raises(VenueUnavailable, match="bad gateway"):
        await client.recent_fills()
    with pytest.raises(VenueTransportError, match="not a KuCoin envelope"):
        await client.add_order(ORDER)
    assert len(fake.sent("GET", "/api/v1/recentFills")) == 3  # reads are retried


@pytest.mark.asyncio
async def test_stale_timestamp_resyncs_and_retries_a_create_once_with_the_new_time(
    make_client: ClientFactory,
) -> None:
    # Arrange: the server is 60 s ahead; it refuses the first create with 400002.
    fake = FakeKucoin()
    fake.on(
        "POST",
        "/api/v1/orders",
        resource_response("http_error_timestamp_400.json", 400),
        ok({"orderId": "9", "clientOid": "c-1"}),
    )
    fake.on("GET", "/api/v1/timestamp", ok(NOW_MS + 60_000))
    client = make_client(fake)

    # Act
    ack = await client.add_order(ORDER)

    # Assert: create, server time, create again, stamped with server time and re-signed.
    assert ack.order_id == "9"
    assert [(r.method, r.url.path) for r in fake.requests] == [
        ("POST", "/api/v1/orders"),
        ("GET", "/api/v1/timestamp"),
        ("POST", "/api/v1/orders"),
    ]
    first, retry = fake.sent("POST", "/api/v1/orders")
    assert first.headers["KC-API-TIMESTAMP"] == str(NOW_MS)
    assert retry.headers["KC-API-TIMESTAMP"] == str(NOW_MS + 60_000)
    assert retry.headers["KC-API-SIGN"] == expected_sign("test-secret", prehash_of(retry))
    assert retry.content == first.content


@pytest.mark.asyncio
async def test_stale_timestamp_is_retried_only_once(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on("POST", "/api/v1/orders", resource_response("http_error_timestamp_400.json", 400))
    fake.on("GET", "/api/v1/timestamp", ok(NOW_MS + 60_000))

    with pytest.raises(VenueAuthError) as caught:
        await make_client(fake).add_order(ORDER)

    assert caught.value.venue_code == "400002"
    assert len(fake.sent("POST", "/api/v1/orders")) == 2
    assert len(fake.sent("GET", "/api/v1/timestamp")) == 1


class SkewedVenue(FakeKucoin):
    """A venue whose clock is 10 s ahead and that refuses timestamps 5 s or more off."""

    server_ms = NOW_MS + 10_000

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/timestamp":
            self.requests.append(request)
            return ok(self.server_ms)
        stamp = int(request.headers["KC-API-TIMESTAMP"])
        if abs(stamp - self.server_ms) >= 5000:
            self.requests.append(request)
            return error("400002", "Invalid KC-API-TIMESTAMP", 400)
        return super().handler(request)


@pytest.mark.asyncio
async def test_concurrent_stale_requests_share_one_resync(make_client: ClientFactory) -> None:
    fake = SkewedVenue().on("GET", "/api/v1/recentFills", ok([]))
    client = make_client(fake)

    assert await asyncio.gather(client.recent_fills(), client.recent_fills()) == [[], []]

    assert len(fake.sent("GET", "/api/v1/timestamp")) == 1
    stamps = [r.headers["KC-API-TIMESTAMP"] for r in fake.sent("GET", "/api/v1/recentFills")]
    assert stamps[-2:] == [str(NOW_MS + 10_000)] * 2


RESET = {"gw-ratelimit-limit": "2000", "gw-ratelimit-remaining": "0", "gw-ratelimit-reset": "1500"}


@pytest.mark.asyncio
async def test_rate_limited_read_waits_for_the_reset_and_retries(
    make_client: ClientFactory,
) -> None:
    fake = FakeKucoin()
    fake.on(
        "GET",
        "/api/v1/recentFills",
        error("429000", "Too Many Requests", 429, RESET),
        ok([]),
    )
    sleeps = Sleeps()

    assert await make_client(fake, sleeps=sleeps).recent_fills() == []

    # gw-ratelimit-reset is in milliseconds; the account's limiter holds for what is left
    # of the 1.5 s once the answer is in.
    assert len(sleeps.waits) == 1 and abs(sleeps.waits[0] - 1.5) < 0.05
    assert len(fake.requests) == 2


@pytest.mark.asyncio
async def test_rate_limited_write_is_surfaced_with_retry_after(make_client: ClientFactory) -> None:
    fake = FakeKucoin().on(
        "POST", "/api/v1/orders", error("429000", "Too Many Requests", 429, RESET)
    )
    sleeps = Sleeps()

    with pytest.raises(VenueRateLimited) as caught:
        await make_client(fake, sleeps=sleeps).add_order(ORDER)

    assert caught.value.retry_after_s == 1.5
    assert "429000" in caught.value.venue_message
    assert len(fake.requests) == 1 and sleeps.waits == []


@pytest.mark.asyncio
async def test_overload_429_without_headers_is_retried_with_backoff(
    make_client: ClientFactory,
) -> None:
    # A server-overload 429000 has no gw-ratelimit-* headers (notes §4.2).
    fake = FakeKucoin()
    fake.on("GET", "/api/v1/recentFills", error("429000", "Too Many Requests", 429), ok([]))
    sleeps = Sleeps()

    await make_client(fake, sleeps=sleeps).recent_fills()

    assert len(fake.requests) == 2
    assert all(wait == 0.0 for wait in sleeps.waits)  # FAST_CONFIG's base delay


@pytest.mark.asyncio
async def test_rate_limit_reset_beyond_the_retry_limit_is_surfaced(
    make_client: ClientFactory,
) -> None:
    headers = dict(RESET, **{"gw-ratelimit-reset": "25000"})
    fake = FakeKucoin().on("GET", "/api/v1/recentFills", error("429000", "busy", 429, headers))

    with pytest.raises(VenueRateLimited) as caught:
        await make_client(fake).recent_fills()

    assert caught.value.retry_after_s == 25.0
    assert len(fake.requests) == 1


@pytest.mark.asyncio
async def test_unavailable_write_and_lost_write_are_not_retried(make_client: ClientFactory) -> None:
    fake = FakeKucoin().on(
        "POST", "/api/v1/orders", resource_response("http_error_internal_500.json", 500)
    )
    with pytest.raises(VenueUnavailable):
        await make_client(fake).add_order(ORDER)
    assert len(fake.requests) == 1

    calls: list[httpx.Request] = []

    def drop(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    lost = FakeKucoin()
    lost.handler = drop  # type: ignore[method-assign]
    with pytest.raises(VenueTransportError):
        await make_client(lost).add_order(ORDER)
    assert len(calls) == 1


@pytest.mark.asyncio
async def test_unavailable_read_is_retried_then_succeeds(make_client: ClientFactory) -> None:
    fake = FakeKucoin()
    fake.on(
        "GET",
        "/api/v1/recentFills",
        resource_response("http_error_internal_500.json", 500),
        ok([]),
    )

    assert await make_client(fake).recent_fills() == []
    assert len(fake.requests) == 2


@pytest.mark.asyncio
async def test_success_without_data_is_an_empty_answer(make_client: ClientFactory) -> None:
    # `{"code":"200000","msg":"Position does not exist"}` (notes §1.5).
    fake = FakeKucoin().on(
        "DELETE", "/api/v3/orders", resource_response("http_success_without_data.json")
    )
    result = await make_client(fake).cancel_all_orders("XBTUSDTM")
    assert result.cancelled_order_ids == []
