"""KC-API-* signing: known-answer vectors (notes §1.2) and the formula recomputed here."""

from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal

import httpx
import pytest

from gui.venues.kucoin_futures import KucoinAuth, KucoinCredentials
from gui.venues.kucoin_futures.auth import request_path
from gui.venues.kucoin_futures.wire_requests import OrderRequest
from tests.venues.kucoin_futures.conftest import ClientFactory, fixed_auth
from tests.venues.kucoin_futures.kucoin_fakes import FakeKucoin, ok

SECRET = "test-secret"
TS = 1_700_000_000_000

# (prehash, KC-API-SIGN) published in notes §1.2, computed there with Python hmac and openssl.
NOTES_VECTORS = [
    (
        '1700000000000POST/api/v1/orders{"clientOid":"c-1","side":"buy","symbol":"XBTUSDTM",'
        '"leverage":3,"type":"limit","price":"30000","size":1}',
        "CU5S1ILOsyHGQg9RhZjwWM4mgW+h/vUiXWC8+YxMZyA=",
    ),
    (
        "1700000000000GET/api/v1/orders?status=active&symbol=XBTUSDTM",
        "s+hooulEO2NsccnpqHn8zS0CIrv8h5thV0J2zURDytg=",
    ),
    (
        '1700000000000DELETE/api/v1/orders/multi-cancel{"orderIdsList":["250445104152670209",'
        '"250445181751463936"]}',
        "X61vOCZL0uDg7Lcjc161phoKYf4eF8Bw1nbu2OKejy8=",
    ),
]
NOTES_PASSPHRASE_SIGN = "UbgWiL7WdjQOVBl1OLuMgUbTl9VlKFsjFbLedtCDPrY="


def independent_sign(secret: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


@pytest.mark.parametrize(("prehash", "expected"), NOTES_VECTORS)
def test_notes_vectors_match_the_independent_formula(prehash: str, expected: str) -> None:
    assert independent_sign(SECRET, prehash) == expected


def test_signature_method_reproduces_the_notes_vectors() -> None:
    auth = KucoinAuth("k", SECRET, "test-passphrase", "2")
    for prehash, expected in NOTES_VECTORS:
        ts, rest = prehash[:13], prehash[13:]
        method = next(m for m in ("POST", "GET", "DELETE") if rest.startswith(m))
        rest = rest[len(method) :]
        path, brace, body = rest.partition("{")
        assert auth.signature(int(ts), method.lower(), path, brace + body) == expected


async def _captured(make_client: ClientFactory, call: str) -> httpx.Request:
    fake = FakeKucoin()
    fake.on("POST", "/api/v1/orders", ok({"orderId": "1", "clientOid": "c-1"}))
    fake.on("GET", "/api/v1/orders", ok({"items": []}))
    fake.on("DELETE", "/api/v1/orders/multi-cancel", ok([]))
    client = make_client(fake)
    if call == "post":
        order = OrderRequest(
            client_oid="c-1",
            side="buy",
            symbol="XBTUSDTM",
            leverage=3,
            type="limit",
            price=Decimal("30000"),
            size=1,
        )
        await client.add_order(order)
    elif call == "get":
        await client.order_list("active", symbol="XBTUSDTM")
    else:
        await client.batch_cancel_orders(order_ids=["250445104152670209", "250445181751463936"])
    return fake.requests[-1]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("call", "vector"), list(zip(["post", "get", "delete"], NOTES_VECTORS, strict=True))
)
async def test_requests_sent_carry_the_notes_known_answers(
    make_client: ClientFactory, call: str, vector: tuple[str, str]
) -> None:
    # Arrange/Act: the client on a clock stopped at the vectors' timestamp.
    request = await _captured(make_client, call)

    # Assert: the exact bytes sent are the vector's body, and the signature is its answer.
    prehash, expected = vector
    assert request.headers["KC-API-TIMESTAMP"] == "1700000000000"
    assert request.headers["KC-API-SIGN"] == expected
    assert request.headers["KC-API-PASSPHRASE"] == NOTES_PASSPHRASE_SIGN
    assert request.headers["KC-API-KEY"] == "test-key"
    assert request.headers["KC-API-KEY-VERSION"] == "2"
    body = request.content.decode()
    assert prehash.endswith(body)
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.asyncio
async def test_query_string_is_signed_un_encoded(make_client: ClientFactory) -> None:
    # KuCoin's example: sign `passphrase=abc!@#11`, not `abc%21%40%2311` (notes §1.2).
    fake = FakeKucoin().on("GET", "/api/v1/orders/byClientOid", ok(None))
    client = make_client(fake)

    await client.order_by_client_oid("abc!@#11")

    request = fake.requests[-1]
    assert b"%23" in request.url.raw_path  # '#' had to be encoded on the wire
    expected = independent_sign(SECRET, f"{TS}GET/api/v1/orders/byClientOid?clientOid=abc!@#11")
    assert request.headers["KC-API-SIGN"] == expected


def test_request_path_keeps_the_path_and_decodes_the_query() -> None:
    request = httpx.Request("GET", "http://h/api/v1/fills?orderId=a%2Db&tradeTypes=trade%2Cadl")
    assert request_path(request) == "/api/v1/fills?orderId=a-b&tradeTypes=trade,adl"
    assert request_path(httpx.Request("GET", "http://h/api/v1/orders/5")) == "/api/v1/orders/5"


def _headers(auth: KucoinAuth, request: httpx.Request) -> httpx.Headers:
    flow = auth.auth_flow(request)
    return next(flow).headers


def test_passphrase_is_signed_for_versions_2_and_3_and_plain_for_1() -> None:
    request = httpx.Request("GET", "http://h/api/v1/orders?status=active")
    signed = independent_sign(SECRET, "pp")
    for version, expected in (("1", "pp"), ("2", signed), ("3", signed)):
        headers = _headers(KucoinAuth("k", SECRET, "pp", version, clock_ms=lambda: TS), request)
        assert headers["KC-API-PASSPHRASE"] == expected
        assert headers["KC-API-KEY-VERSION"] == version


def test_clock_offset_moves_the_timestamp_and_the_signature() -> None:
    auth = KucoinAuth("k", SECRET, "pp", clock_ms=lambda: TS)
    auth.clock_offset_ms = -2500
    headers = _headers(auth, httpx.Request("GET", "http://h/api/v1/recentFills"))
    assert headers["KC-API-TIMESTAMP"] == str(TS - 2500)
    assert headers["KC-API-SIGN"] == independent_sign(SECRET, f"{TS - 2500}GET/api/v1/recentFills")


def test_public_paths_are_sent_unsigned() -> None:
    auth = fixed_auth()
    headers = _headers(auth, httpx.Request("GET", "http://h/api/v1/timestamp"))
    assert not any(name.lower().startswith("kc-api-") for name in headers)


@pytest.mark.parametrize(
    ("key", "secret", "passphrase", "version"),
    [
        ("", "sekrit-1", "p", "2"),
        ("k", "sekrit 2", "p", "2"),
        ("k", "sekrit-3", "", "2"),
        ("k", "sekrit-4", "p", "4"),
    ],
)
def test_bad_credentials_are_refused_without_echoing_them(
    key: str, secret: str, passphrase: str, version: str
) -> None:
    with pytest.raises(ValueError) as caught:
        KucoinAuth(key, secret, passphrase, version)
    assert secret not in str(caught.value)


def test_reprs_hide_every_secret() -> None:
    auth = KucoinAuth("the-key", "the-secret", "the-pass", "3")
    credentials = KucoinCredentials("the-key", "the-secret", "the-pass")
    for text in (repr(auth), str(auth), repr(credentials), str(credentials)):
        for secret in ("the-key", "the-secret", "the-pass"):
            assert secret not in text
