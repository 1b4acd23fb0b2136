"""ZenOTC failures become the right domain errors, with the venue's words kept.

Error bodies are NestJS-style `{"statusCode", "message", "error"}` (notes §3.5; `message`
may be a list of validation messages); the doc gives the codes per endpoint: create
400/401/403/422, get 404, amend 400/404/409. Reads are retried on 5xx/429, writes never.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

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
from gui.venues.zenotc import ZenotcClient, extract_message, wire
from tests.venues.zenotc.conftest import ClientFactory
from tests.venues.zenotc.zenotc_fakes import (
    CREDENTIALS,
    FAST_CONFIG,
    ORDER_ID,
    Canned,
    FakeVenue,
    Sleeps,
    order_body,
)

CREATE = wire.CreateOrderRequest(side="buy", asset="BTC", quantity=Decimal(1), price=Decimal(1))
AMEND = wire.AmendOrderRequest(quantity=Decimal(2))

Call = Callable[[ZenotcClient], Awaitable[object]]
CALLS: dict[str, tuple[str, Call]] = {
    "create": ("POST", lambda c: c.create_order(CREATE)),
    "list": ("GET", lambda c: c.list_orders()),
    "get": ("GET", lambda c: c.get_order(ORDER_ID)),
    "by-client-id": ("GET", lambda c: c.get_order_by_client_id("od-1")),
    "amend": ("PATCH", lambda c: c.amend_order(ORDER_ID, AMEND)),
    "cancel": ("DELETE", lambda c: c.cancel_order(ORDER_ID)),
    "fills": ("GET", lambda c: c.get_order_fills(ORDER_ID)),
    "batch": ("POST", lambda c: c.create_orders([CREATE])),
    "cancel-all": ("DELETE", lambda c: c.cancel_all_orders()),
}


def nest(status: int, message: Any, error: str) -> dict[str, Any]:
    return {"statusCode": status, "message": message, "error": error}


# (endpoint, status, body, expected class, expected message): the doc's codes per endpoint.
DOC_ERRORS = [
    ("create", 400, nest(400, "quantity must be > 0", "Bad Request"), VenueRejected),
    ("create", 401, nest(401, "Invalid signature", "Unauthorized"), VenueAuthError),
    ("create", 403, nest(403, "Insufficient scope (requires TRADE)", "Forbidden"), VenueAuthError),
    ("create", 422, nest(422, "Risk check failed: exceeds limits", "Unprocessable"), VenueRejected),
    ("get", 404, nest(404, "Order not found", "Not Found"), VenueNotFound),
    ("amend", 400, nest(400, "Invalid parameters", "Bad Request"), VenueRejected),
    ("amend", 404, nest(404, "Order not found", "Not Found"), VenueNotFound),
    (
        "amend",
        409,
        nest(409, "Order cannot be amended (already filled)", "Conflict"),
        VenueRejected,
    ),
    ("cancel", 409, nest(409, "Order is already cancelled", "Conflict"), VenueRejected),
    ("fills", 404, nest(404, "Order not found", "Not Found"), VenueNotFound),
    ("list", 401, nest(401, "Timestamp expired", "Unauthorized"), VenueAuthError),
    (
        "batch",
        400,
        nest(400, "orders must contain at most 100 elements", "Bad Request"),
        VenueRejected,
    ),
    ("cancel-all", 400, nest(400, "side must be buy or sell", "Bad Request"), VenueRejected),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "status", "body", "error_type"), DOC_ERRORS)
async def test_error_status_maps_to_domain_error(
    make_client: ClientFactory, name: str, status: int, body: Any, error_type: type[VenueError]
) -> None:
    fake = FakeVenue([Canned(status, body=body)])
    method, call = CALLS[name]
    with pytest.raises(VenueError) as caught:
        await call(make_client(fake))
    error = caught.value
    assert type(error) is error_type and error.status_code == status
    assert error.venue == "zenotc" and error.venue_message == body["message"]
    assert [r.method for r in fake.requests] == [method]  # 4xx: never retried


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_retry_reads_and_cancels_only(
    make_client: ClientFactory, name: str, status: int
) -> None:
    fake = FakeVenue([Canned(status, body=nest(status, "upstream down", "Server Error"))])
    method, call = CALLS[name]
    with pytest.raises(VenueUnavailable, match="upstream down"):
        await call(make_client(fake))
    # FAST_CONFIG: 2 attempts per read and cancel; other writes (POST, PATCH) are sent once.
    retried = method == "GET" or name in ("cancel", "cancel-all")
    assert len(fake.requests) == (2 if retried else 1)


@pytest.mark.asyncio
async def test_read_recovers_after_one_server_error(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(503, text="busy"), Canned(body=order_body())])
    order = await make_client(fake).get_order(ORDER_ID)
    assert order.order_id == ORDER_ID and len(fake.requests) == 2


@pytest.mark.asyncio
async def test_transport_error_on_create_is_not_retried() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    client = ZenotcClient(FAST_CONFIG, CREDENTIALS, transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(VenueTransportError, match="ReadTimeout"):
            await client.create_order(CREATE)
        assert len(calls) == 1
        with pytest.raises(VenueTransportError):
            await client.get_order(ORDER_ID)
        assert len(calls) == 3  # a read: tried twice
    finally:
        await client.aclose()


RATE_HEADERS = (("X-RateLimit-Limit", "10"), ("X-RateLimit-Remaining", "0"))


@pytest.mark.asyncio
async def test_429_retry_after_is_honoured_for_reads(make_client: ClientFactory) -> None:
    sleeps = Sleeps()
    too_many = Canned(
        429,
        body=nest(429, "ThrottlerException: Too Many Requests", "Too Many Requests"),
        headers=(*RATE_HEADERS, ("Retry-After", "2")),
    )
    fake = FakeVenue([too_many, Canned(body={"fills": []})])
    answer = await make_client(fake, sleep=sleeps).get_order_fills(ORDER_ID)
    assert answer.fills == [] and len(fake.requests) == 2
    # The account's limiter holds for what is left of the 2 s once the answer is in.
    assert any(abs(wait - 2.0) < 0.05 for wait in sleeps.waits)


@pytest.mark.asyncio
async def test_429_without_retry_after_waits_for_the_window_reset(
    make_client: ClientFactory,
) -> None:
    # X-RateLimit-Reset is "Unix timestamp when window resets" (notes §3.5).
    now_ms = 1_705_312_200_000
    too_many = Canned(
        429,
        body=nest(429, "Too Many Requests", "Too Many Requests"),
        headers=(*RATE_HEADERS, ("X-RateLimit-Reset", str(now_ms // 1000 + 3))),
    )
    fake = FakeVenue([too_many])
    client = make_client(fake, sleep=Sleeps(), clock_ms=lambda: now_ms)
    with pytest.raises(VenueRateLimited) as caught:
        await client.create_order(CREATE)  # a write: surfaced at once
    assert caught.value.retry_after_s == 3.0 and caught.value.status_code == 429
    assert len(fake.requests) == 1


@pytest.mark.asyncio
async def test_429_asking_for_too_long_is_surfaced(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(429, text="slow down", headers=(("Retry-After", "60"),))])
    with pytest.raises(VenueRateLimited, match="slow down") as caught:
        await make_client(fake, sleep=Sleeps()).list_orders()
    assert caught.value.retry_after_s == 60.0 and len(fake.requests) == 1


@pytest.mark.parametrize(
    ("answer", "message", "code"),
    [
        (
            Canned(400, body=nest(400, "Invalid order parameters", "Bad Request")),
            "Invalid order parameters",
            "",
        ),
        (
            Canned(
                400,
                body=nest(
                    400, ["quantity must be positive", "side must be buy or sell"], "Bad Request"
                ),
            ),
            "quantity must be positive; side must be buy or sell",
            "",
        ),
        (Canned(400, body={"statusCode": 400, "error": "Bad Request"}), "Bad Request", ""),
        (
            Canned(
                400,
                body=nest(400, "Invalid order parameters", "Bad Request")
                | {"details": {"field": "price"}},
            ),
            'Invalid order parameters (details: {"field": "price"})',
            "",
        ),
        (
            Canned(422, body={"error": {"code": "RISK_LIMIT", "message": "exceeds limits"}}),
            "exceeds limits",
            "RISK_LIMIT",
        ),
        (
            Canned(
                502,
                text="<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
                content_type="text/html",
            ),
            "502 Bad Gateway nginx",
            "",
        ),
        (Canned(500, text="  plain failure \n"), "plain failure", ""),
        (Canned(500, body="a bare JSON string"), "a bare JSON string", ""),
    ],
    ids=["string", "list", "error-only", "details", "nested", "html", "text", "json-string"],
)
def test_extract_message_keeps_the_venue_words(answer: Canned, message: str, code: str) -> None:
    fake = FakeVenue([answer])
    response = fake.transport().handle_request(httpx.Request("GET", "http://zenotc.test/x"))
    response.read()
    said = extract_message(response)
    assert (said.message, said.code) == (message, code)


def test_extract_message_shortens_a_huge_html_page() -> None:
    page = "<html>" + "word " * 500 + "</html>"
    response = httpx.Response(503, text=page, headers={"content-type": "text/html"})
    assert len(extract_message(response).message) <= 300


@pytest.mark.asyncio
async def test_empty_error_body_falls_back_to_the_reason_phrase(
    make_client: ClientFactory,
) -> None:
    with pytest.raises(VenueNotFound, match="Not Found"):
        await make_client(FakeVenue([Canned(404, text="")])).get_order(ORDER_ID)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [
        Canned(200, text="<html>maintenance</html>", content_type="text/html"),
        Canned(200, body={"orderId": None}),
        Canned(200, body={"data": {"status": "open"}}),
    ],
    ids=["html", "null-id", "enveloped-without-id"],
)
async def test_unreadable_success_body_is_a_transport_error(
    make_client: ClientFactory, answer: Canned
) -> None:
    # A 2xx we cannot read is "no usable answer", like a timeout: after a create, the
    # outcome is unknown and the desk looks the order up by client order id.
    with pytest.raises(VenueTransportError, match="unreadable answer to POST /api/sdk/orders"):
        await make_client(FakeVenue([answer])).create_order(CREATE)
