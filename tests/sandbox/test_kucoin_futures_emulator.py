"""The KuCoin Futures emulator's gateway in-process (httpx ASGI transport): signatures,
timestamps, key versions, media type, rate-limit pool, unknown URLs, and the public server
time and contract endpoints (notes.md §1.2, §1.5, §1.6, §4)."""

from __future__ import annotations

import httpx
import pytest

from gui.sandbox.engine import SandboxEngine
from gui.sandbox.kucoin_futures import DEMO_ACCOUNTS, DEMO_CREDENTIALS, create_app
from gui.sandbox.kucoin_futures_auth import sign
from gui.sandbox.market import pair_spec
from gui.sandbox.server import running_sandbox
from tests.sandbox.kucoin_helpers import (
    KucoinClient,
    kc_sign,
    kucoin_client,
    limit_order,
    now_ms,
)

pytestmark = pytest.mark.asyncio


# Signing -------------------------------------------------------------------------------------

VECTORS = [  # notes.md §1.2: secret `test-secret`, computed independently with openssl
    (
        b'1700000000000POST/api/v1/orders{"clientOid":"c-1","side":"buy","symbol":"XBTUSDTM",'
        b'"leverage":3,"type":"limit","price":"30000","size":1}',
        "CU5S1ILOsyHGQg9RhZjwWM4mgW+h/vUiXWC8+YxMZyA=",
    ),
    (
        b"1700000000000GET/api/v1/orders?status=active&symbol=XBTUSDTM",
        "s+hooulEO2NsccnpqHn8zS0CIrv8h5thV0J2zURDytg=",
    ),
    (
        b"1700000000000DELETE/api/v1/orders/multi-cancel"
        b'{"orderIdsList":["250445104152670209","250445181751463936"]}',
        "X61vOCZL0uDg7Lcjc161phoKYf4eF8Bw1nbu2OKejy8=",
    ),
    (b"test-passphrase", "UbgWiL7WdjQOVBl1OLuMgUbTl9VlKFsjFbLedtCDPrY="),
]


@pytest.mark.parametrize(("message", "expected"), VECTORS)
async def test_signatures_match_the_known_answer_vectors(message: bytes, expected: str) -> None:
    assert sign("test-secret", message) == expected
    assert kc_sign("test-secret", message) == expected


async def test_demo_credentials_are_shaped_like_a_kucoin_key() -> None:
    assert set(DEMO_CREDENTIALS) == {"api_key", "api_secret", "api_passphrase", "key_version"}
    assert len(DEMO_CREDENTIALS["api_key"]) == 24
    assert int(DEMO_CREDENTIALS["api_key"], 16) >= 0
    assert len(DEMO_CREDENTIALS["api_secret"].split("-")) == 5
    assert DEMO_CREDENTIALS["key_version"] == "2"


PRIVATE_ENDPOINTS = [
    ("POST", "/api/v1/orders"),
    ("POST", "/api/v1/orders/test"),
    ("POST", "/api/v1/orders/multi"),
    ("POST", "/api/v1/st-orders"),
    ("DELETE", "/api/v1/orders/123456789012345678"),
    ("DELETE", "/api/v1/orders/client-order/c-1"),
    ("DELETE", "/api/v1/orders/multi-cancel"),
    ("DELETE", "/api/v3/orders"),
    ("DELETE", "/api/v1/orders"),
    ("DELETE", "/api/v1/stopOrders"),
    ("GET", "/api/v1/stopOrders"),
    ("GET", "/api/v1/orders"),
    ("GET", "/api/v1/orders/123456789012345678"),
    ("GET", "/api/v1/orders/byClientOid"),
    ("GET", "/api/v1/recentDoneOrders"),
    ("GET", "/api/v1/openOrderStatistics"),
    ("GET", "/api/v1/recentFills"),
    ("GET", "/api/v1/fills"),
]


@pytest.mark.parametrize(("method", "path"), PRIVATE_ENDPOINTS)
async def test_every_order_endpoint_needs_the_kc_api_headers(
    kc: KucoinClient, method: str, path: str
) -> None:
    response = await kc.request(method, path, sign=False)

    assert response.status_code == 401
    assert response.json()["code"] == "400001"
    assert response.headers["gw-ratelimit-limit"] == "2000"


@pytest.mark.parametrize(("method", "path"), PRIVATE_ENDPOINTS)
async def test_every_order_endpoint_accepts_a_signed_request(
    kc: KucoinClient, method: str, path: str
) -> None:
    response = await kc.request(method, path)

    assert response.status_code == 200
    assert response.json()["code"] not in {"400001", "400003", "400004", "400005"}


@pytest.mark.parametrize(
    ("header", "value", "status", "code"),
    [
        ("KC-API-SIGN", kc_sign("other", b"x"), 401, "400005"),
        ("KC-API-KEY", "0123456789abcdef01234567", 401, "400003"),
        ("KC-API-PASSPHRASE", DEMO_CREDENTIALS["api_passphrase"], 401, "400004"),  # v1 style
        ("KC-API-PASSPHRASE", kc_sign(DEMO_CREDENTIALS["api_secret"], b"wrong"), 401, "400004"),
        ("KC-API-KEY-VERSION", "1", 401, "400009"),
        ("KC-API-TIMESTAMP", "yesterday", 400, "400002"),
    ],
)
async def test_bad_credentials_get_the_gateway_codes(
    kc: KucoinClient, header: str, value: str, status: int, code: str
) -> None:
    response = await kc.request("GET", "/api/v1/orders", headers={header: value})

    assert response.status_code == status
    assert response.json()["code"] == code


async def test_key_version_3_signs_the_passphrase_like_2(kc: KucoinClient) -> None:
    response = await kc.request("GET", "/api/v1/orders", headers={"KC-API-KEY-VERSION": "3"})

    assert response.json()["code"] == "200000"


@pytest.mark.parametrize(("skew_ms", "code"), [(-4000, "200000"), (4000, "200000")])
async def test_a_timestamp_inside_the_window_is_accepted(
    kc: KucoinClient, skew_ms: int, code: str
) -> None:
    response = await kc.request("GET", "/api/v1/orders", timestamp_ms=now_ms() + skew_ms)

    assert response.json()["code"] == code


@pytest.mark.parametrize("skew_ms", [-5000, -60_000, 6000])
async def test_a_stale_or_future_timestamp_is_400002(kc: KucoinClient, skew_ms: int) -> None:
    response = await kc.request("GET", "/api/v1/orders", timestamp_ms=now_ms() + skew_ms)

    assert response.status_code == 400
    assert response.json() == {"code": "400002", "msg": "Invalid KC-API-TIMESTAMP"}


async def test_the_timestamp_window_is_configurable(engine: SandboxEngine) -> None:
    async with kucoin_client(create_app(engine, timestamp_window_ms=60_000)) as client:
        response = await client.request("GET", "/api/v1/orders", timestamp_ms=now_ms() - 30_000)

    assert response.json()["code"] == "200000"


async def test_the_signature_covers_the_raw_body_bytes(kc: KucoinClient) -> None:
    spaced = b'{ "clientOid": "c-1", "side": "buy", "symbol": "XBTUSDTM", "leverage": 3,'
    spaced += b' "price": "50000", "size": 1 }'

    signed_as_sent = await kc.request("POST", "/api/v1/orders", raw_body=spaced)
    assert signed_as_sent.json()["code"] == "200000"

    # Signed over the compact form but sent with spaces: not the bytes received.
    compact = b'{"clientOid":"c-2","side":"buy","symbol":"XBTUSDTM","leverage":3,'
    compact += b'"price":"50000","size":1}'
    timestamp = str(now_ms())
    secret = DEMO_CREDENTIALS["api_secret"]
    headers = {
        "KC-API-SIGN": kc_sign(secret, f"{timestamp}POST/api/v1/orders".encode() + compact),
        "KC-API-TIMESTAMP": timestamp,
    }
    mismatched = await kc.request(
        "POST",
        "/api/v1/orders",
        raw_body=compact.replace(b",", b", "),
        headers=headers,
    )
    assert (mismatched.status_code, mismatched.json()["code"]) == (401, "400005")


async def test_the_query_is_verified_un_encoded(kc: KucoinClient) -> None:
    # Signed as `symbol=XBTUSDTM`, sent percent-encoded: KuCoin signs the decoded form.
    timestamp = str(now_ms())
    secret = DEMO_CREDENTIALS["api_secret"]
    target = "/api/v1/orders?status=active&symbol=XBTUSDTM"
    headers = {
        "KC-API-SIGN": kc_sign(secret, f"{timestamp}GET{target}".encode()),
        "KC-API-TIMESTAMP": timestamp,
    }

    response = await kc.request(
        "GET", "/api/v1/orders", {"status": "active", "symbol": "%58BTUSDTM"}, headers=headers
    )

    assert response.json()["code"] == "200000"


async def test_a_body_that_is_not_json_typed_is_415000(kc: KucoinClient) -> None:
    response = await kc.request(
        "POST", "/api/v1/orders", body={"clientOid": "c"}, headers={"Content-Type": "text/plain"}
    )

    assert response.status_code == 415
    assert response.json() == {"code": "415000", "msg": "Unsupported Media Type"}


async def test_an_unknown_url_or_method_is_404000(kc: KucoinClient) -> None:
    unknown = await kc.request("GET", "/api/v1/nothing")
    wrong_method = await kc.request("PUT", "/api/v1/orders")

    for response in (unknown, wrong_method):
        assert response.status_code == 404
        assert response.json() == {"code": "404000", "msg": "Url Not Found"}


# Rate limit ----------------------------------------------------------------------------------


async def test_every_response_carries_the_pool_headers(kc: KucoinClient) -> None:
    first = await kc.request("GET", "/api/v1/orders")  # weight 2
    second = await kc.request("GET", "/api/v1/fills")  # weight 5
    public = await kc.request("GET", "/api/v1/timestamp", sign=False)

    assert first.headers["gw-ratelimit-remaining"] == "1998"
    assert second.headers["gw-ratelimit-remaining"] == "1993"
    assert 0 < int(second.headers["gw-ratelimit-reset"]) <= 30_000
    assert public.headers["gw-ratelimit-limit"] == "2000"
    assert public.headers["gw-ratelimit-remaining"] == "1998"  # its own pool (per IP)


async def test_an_exhausted_pool_answers_429000_with_its_headers(engine: SandboxEngine) -> None:
    async with kucoin_client(create_app(engine, requests_per_second=0.2)) as client:  # 6 units
        statuses = [(await client.request("GET", "/api/v1/orders")).status_code for _ in range(3)]
        refused = await client.request("GET", "/api/v1/orders")
        cheaper = await client.request("DELETE", "/api/v1/orders/123")  # weight 1 still too much

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json() == {"code": "429000", "msg": "Too Many Requests"}
    assert refused.headers["gw-ratelimit-limit"] == "6"
    assert refused.headers["gw-ratelimit-remaining"] == "0"
    assert 0 < int(refused.headers["gw-ratelimit-reset"]) <= 30_000
    assert cheaper.status_code == 429


# Public endpoints ----------------------------------------------------------------------------


async def test_server_time_is_wall_clock_milliseconds(kc: KucoinClient) -> None:
    before = now_ms()
    response = await kc.request("GET", "/api/v1/timestamp", sign=False)

    body = response.json()
    assert body["code"] == "200000"
    assert before - 1000 <= body["data"] <= now_ms() + 1000


CONTRACTS = {
    "XBTUSDTM": ("XBT", "BTC-USDT", 0.001),
    "ETHUSDTM": ("ETH", "ETH-USDT", 0.01),
    "SOLUSDTM": ("SOL", "SOL-USDT", 0.1),
    "XRPUSDTM": ("XRP", "XRP-USDT", 10),
    "DOGEUSDTM": ("DOGE", "DOGE-USDT", 100),
    "AVAXUSDTM": ("AVAX", "AVAX-USDT", 0.1),
    "LINKUSDTM": ("LINK", "LINK-USDT", 0.1),
}


async def test_active_contracts_list_the_linear_perpetuals(kc: KucoinClient) -> None:
    response = await kc.request("GET", "/api/v1/contracts/active", sign=False)

    contracts = response.json()["data"]
    assert [c["symbol"] for c in contracts] == list(CONTRACTS)
    for contract in contracts:
        base, pair, multiplier = CONTRACTS[contract["symbol"]]
        assert contract["baseCurrency"] == base
        assert (contract["quoteCurrency"], contract["settleCurrency"]) == ("USDT", "USDT")
        assert contract["multiplier"] == multiplier
        assert contract["tickSize"] == float(pair_spec(pair).tick)
        assert (contract["lotSize"], contract["status"], contract["type"]) == (1, "Open", "FFWCSX")
        assert contract["isInverse"] is False and contract["maxLeverage"] >= 75
        assert contract["expireDate"] is None and contract["nextFundingRateTime"] is not None


async def test_one_contract_by_symbol_and_an_unknown_one(kc: KucoinClient) -> None:
    known = await kc.request("GET", "/api/v1/contracts/ETHUSDTM", sign=False)
    unknown = await kc.request("GET", "/api/v1/contracts/NOPEUSDTM", sign=False)

    assert known.json()["data"]["multiplier"] == 0.01
    assert known.json()["data"]["markPrice"] > 0
    assert (unknown.status_code, unknown.json()) == (
        200,
        {"code": "100003", "msg": "Contract parameter invalid"},
    )


async def test_the_sandbox_serves_kucoin_futures_over_loopback() -> None:
    with running_sandbox(seed=2) as endpoints:
        endpoint = endpoints["kucoin_futures"]
        async with httpx.AsyncClient(base_url=endpoint.base_url, timeout=5) as http:
            client = KucoinClient(http, endpoint.credentials)
            placed = await client.data("POST", "/api/v1/orders", body=limit_order("loop-1"))
            listed = await client.data("GET", "/api/v1/orders", {"status": "active"})

    assert (endpoint.credentials, endpoint.accounts) == (DEMO_CREDENTIALS, DEMO_ACCOUNTS)
    assert [order["id"] for order in listed["items"]] == [placed["orderId"]]
