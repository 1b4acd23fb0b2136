"""ZenOTC signing: known-answer vectors, computed here from the formula of notes §3.2.

    X-API-Signature = hex(HMAC-SHA256(secret UTF-8, timestamp + METHOD + path?query + body))

The expected values are computed in this file with `hmac` from the formula, independently
of `gui.venues.zenotc.auth`, and the client's traffic is checked byte for byte.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

import httpx
import pytest

from gui.venues.zenotc import ZenotcAuth, ZenotcCredentials, sign, wire
from tests.venues.zenotc.conftest import ClientFactory
from tests.venues.zenotc.zenotc_fakes import API_KEY, API_SECRET, Canned, FakeVenue, order_body

KEY = "zk_live_8c1e"
SECRET = "s3cr3t-ü-ключ"  # non-ASCII on purpose: the key is the UTF-8 bytes
TIMESTAMP = "1705312200000"  # the doc's X-API-Timestamp


def expected(secret: str, message: str) -> str:
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


DOC_LIST_PATH = "/api/sdk/orders?statuses=open,partially_filled&asset=BTC&limit=10"

VECTORS = [
    pytest.param("GET", DOC_LIST_PATH, "", id="get-with-query-empty-body"),
    pytest.param(
        "DELETE", "/api/sdk/orders/batch", '{"asset": "BTC"}', id="delete-batch-with-body"
    ),
    pytest.param("DELETE", "/api/sdk/orders/batch", "", id="delete-batch-cancel-all-{}"),
    pytest.param(
        "POST",
        "/api/sdk/orders",
        '{"side": "buy", "asset": "BTC", "quantity": 1.5, "price": 50000.00}',
        id="post-create",
    ),
    pytest.param("patch", "/api/sdk/orders/ord_abc123def456", '{"quantity": 2.0}', id="patch"),
]


@pytest.mark.parametrize(("method", "path", "body"), VECTORS)
def test_signature_matches_the_documented_formula(method: str, path: str, body: str) -> None:
    message = TIMESTAMP + method.upper() + path + body
    assert sign(SECRET, TIMESTAMP, method, path, body) == expected(SECRET, message)


@pytest.mark.parametrize(
    ("method", "path", "body", "hex_digest"),
    [
        (
            "GET",
            DOC_LIST_PATH,
            "",
            "23e308b7e23e6cd805fa651e6fd80f48fbedbf97fd561bd60cd526d747ee5c57",
        ),
        (
            "DELETE",
            "/api/sdk/orders/batch",
            '{"asset": "BTC"}',
            "bda3cb5eb518bae58c4c95941e4c64ecba012ce727edd516d4e706e733e065ec",
        ),
    ],
)
def test_signature_known_answers(method: str, path: str, body: str, hex_digest: str) -> None:
    # Pinned hex (computed once with `hmac` from the formula), so a change of encoding,
    # case or concatenation order is caught even if both sides of the formula change.
    assert sign(SECRET, TIMESTAMP, method, path, body) == hex_digest


def test_credentials_never_show_the_secret() -> None:
    credentials = ZenotcCredentials(KEY, SECRET)
    for text in (repr(credentials), str(credentials), repr(ZenotcAuth(credentials))):
        assert SECRET not in text and "redacted" in text
    with pytest.raises(ValueError, match="secret") as caught:
        ZenotcCredentials(KEY, "")
    assert SECRET not in str(caught.value)
    with pytest.raises(ValueError, match="key"):
        ZenotcCredentials("has space", SECRET)


@pytest.mark.asyncio
async def test_client_signs_the_exact_bytes_it_sends(make_client: ClientFactory) -> None:
    # Arrange: a fixed clock, and a body with decimals that a float would spoil.
    fake = FakeVenue([Canned(201, body=order_body())])
    client = make_client(fake, clock_ms=lambda: 1705312200123)
    request = wire.CreateOrderRequest(
        side="buy", asset="BTC", quantity=Decimal("0.1"), price=Decimal("50000.10")
    )
    # Act
    await client.create_order(request)
    # Assert: the headers, and a signature over the received path and raw body bytes.
    sent = fake.requests[0]
    assert sent.headers["x-api-key"] == API_KEY
    assert sent.headers["x-api-timestamp"] == "1705312200123"
    assert sent.headers["content-type"] == "application/json"
    assert sent.body == b'{"side": "buy", "asset": "BTC", "quantity": 0.1, "price": 50000.10}'
    message = "1705312200123POST/api/sdk/orders" + sent.body.decode()
    assert sent.headers["x-api-signature"] == expected(API_SECRET, message)
    assert API_SECRET not in str(sent.headers)


@pytest.mark.asyncio
async def test_get_signs_path_with_query_and_empty_body(make_client: ClientFactory) -> None:
    fake = FakeVenue([Canned(body={"orders": [], "pagination": None})])
    client = make_client(fake, clock_ms=lambda: 1705312200000)
    await client.list_orders(statuses=["open", "partially_filled"], asset="BTC", limit=10)
    sent = fake.requests[0]
    # The doc's own example URL, commas kept literal (notes §3.7.1).
    assert sent.raw_path == "/api/sdk/orders?statuses=open,partially_filled&asset=BTC&limit=10"
    assert sent.body == b"" and "content-type" not in sent.headers
    message = TIMESTAMP + "GET" + sent.raw_path
    assert sent.headers["x-api-signature"] == expected(API_SECRET, message)


@pytest.mark.asyncio
async def test_base_url_prefix_is_part_of_the_signed_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"fills": []})

    auth = ZenotcAuth(ZenotcCredentials(KEY, SECRET), clock_ms=lambda: 1)
    async with httpx.AsyncClient(
        base_url="http://proxy.test/zen", auth=auth, transport=httpx.MockTransport(handler)
    ) as http:
        await http.get("/api/sdk/orders/ord_1/fills")
    signed = seen[0].headers["X-API-Signature"]
    assert signed == expected(SECRET, "1GET/zen/api/sdk/orders/ord_1/fills")
