"""The DFX Labs emulator's gateway in-process (httpx ASGI transport): Ed25519 signatures on the
raw bytes, headers, timestamp window, account permission, rate limits, parameter transport,
the symbols table and user info (notes.md §2.2, §2.3, §2.5)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gui.sandbox.dfx import DEMO_ACCOUNTS, DEMO_CREDENTIALS, DEMO_PUBLIC_KEY, create_app
from gui.sandbox.dfx_gateway import load_public_key, signature_matches, string_to_sign
from gui.sandbox.engine import SandboxEngine
from tests.sandbox.dfx_helpers import (
    ACCOUNT_ID,
    SYMBOL_FIELDS,
    DfxClient,
    dfx_client,
    dfx_sign,
    now_ms,
    prehash,
    private_key,
)

pytestmark = pytest.mark.asyncio

FORBIDDEN = "Insufficient permissions or IP is not in the whitelist"


@pytest_asyncio.fixture
async def dfx(engine: SandboxEngine) -> AsyncIterator[DfxClient]:
    """A signing client on the emulator, rate limits off."""
    async with dfx_client(create_app(engine, rate_limit_scale=None)) as client:
        yield client


# Signing -------------------------------------------------------------------------------------

# The venue's two examples of the string to sign (notes.md §2.2), signed with the demo
# private key by `openssl pkeyutl -sign -rawin` (Ed25519 signatures are deterministic).
VECTORS = [
    (
        "body=accountId=222&amount=66666&clientOrderId=111&price=66666&quantity=1&side=BUY"
        "&symbol=BTC-USDT&type=LIMIT&method=POST&path=/api/v1/spot/order&timestamp=1711351755000",
        "oqdyw+/lb97XNYg0pTz++I5SuWfV8yE+0VxQrrW3db91ckzLF3+ca1bbkbJR3eArqDzTzja2J43qY9J0mCeACw==",
    ),
    (
        "method=GET&param=clientType=OP&path=/api/v1/symbols&timestamp=1711351755000",
        "ndF+5X7jIA08B2FkKI0mb2RBsGvUXOPj1vhQCw0Mvq0DSoQaBcCDqBQleLYp3PrTn0FKYje50qNbetmY3FGhBQ==",
    ),
]


async def test_the_string_to_sign_matches_the_venue_examples() -> None:
    body = b"accountId=222&amount=66666&clientOrderId=111&price=66666&quantity=1&side=BUY"
    body += b"&symbol=BTC-USDT&type=LIMIT"
    post = string_to_sign(
        body=body, method="POST", param=b"", path="/api/v1/spot/order", timestamp="1711351755000"
    )
    get = string_to_sign(
        body=b"",
        method="GET",
        param=b"clientType=OP",
        path="/api/v1/symbols",
        timestamp="1711351755000",
    )

    assert [post.decode(), get.decode()] == [text for text, _ in VECTORS]


@pytest.mark.parametrize(("text", "signature"), VECTORS)
async def test_signatures_match_the_known_answer_vectors(text: str, signature: str) -> None:
    assert dfx_sign(private_key(), text) == signature
    assert signature_matches(load_public_key(DEMO_PUBLIC_KEY), text.encode(), signature)
    assert not signature_matches(load_public_key(DEMO_PUBLIC_KEY), b"x" + text.encode(), signature)


async def test_demo_credentials_are_shaped_like_a_dfx_key() -> None:
    assert set(DEMO_CREDENTIALS) == {"api_key", "private_key", "account_id"}
    assert len(DEMO_CREDENTIALS["api_key"]) == 96
    assert DEMO_CREDENTIALS["private_key"].startswith("MC4CAQAwBQYDK2VwBCIE")  # PKCS#8 Ed25519
    assert DEMO_PUBLIC_KEY.startswith("MCowBQYDK2VwAyEA")  # SPKI Ed25519
    public = (
        private_key().public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    )
    assert base64.b64encode(public).decode() == DEMO_PUBLIC_KEY
    assert DEMO_CREDENTIALS["account_id"] == "1403134775"
    assert DEMO_ACCOUNTS == ("sandbox-spot",)


PRIVATE_ENDPOINTS = [
    ("POST", "/api/v1/spot/order"),
    ("DELETE", "/api/v1/spot/order"),
    ("GET", "/api/v1/spot/order"),
    ("DELETE", "/api/v1/spot/batch/order"),
    ("GET", "/api/v1/spot/finish_order"),
    ("GET", "/api/v1/spot/open_order"),
    ("GET", "/api/v1/account/trades"),
    ("GET", "/api/v1/user/info"),
]


@pytest.mark.parametrize(("method", "path"), PRIVATE_ENDPOINTS)
@pytest.mark.parametrize(
    "header", ["EXCHANGE-API-KEY", "EXCHANGE-API-TIMESTAMP", "EXCHANGE-API-SIGN"]
)
async def test_every_private_endpoint_names_a_missing_header_with_412(
    dfx: DfxClient, method: str, path: str, header: str
) -> None:
    msg = await dfx.error(method, path, {"accountId": ACCOUNT_ID}, status=412, omit=(header,))

    assert msg == f"The request header is missing `{header}` parameters"


@pytest.mark.parametrize(("method", "path"), PRIVATE_ENDPOINTS)
async def test_every_private_endpoint_refuses_a_bad_signature_with_401(
    dfx: DfxClient, method: str, path: str
) -> None:
    forged = dfx_sign(Ed25519PrivateKey.generate(), "method=GET&path=/&timestamp=1")

    msg = await dfx.error(
        method, path, {"accountId": ACCOUNT_ID}, status=401, headers={"EXCHANGE-API-SIGN": forged}
    )

    assert msg == "Signature verification failed"


@pytest.mark.parametrize("signature", ["not base64!", "AAAA", base64.b64encode(b"x" * 64).decode()])
async def test_malformed_signatures_are_401(dfx: DfxClient, signature: str) -> None:
    await dfx.error(
        "GET",
        "/api/v1/spot/open_order",
        {"accountId": ACCOUNT_ID},
        status=401,
        headers={"EXCHANGE-API-SIGN": signature},
    )


async def test_an_unknown_key_gets_the_venue_401_body(dfx: DfxClient) -> None:
    msg = await dfx.error(
        "GET",
        "/api/v1/spot/open_order",
        {"accountId": ACCOUNT_ID},
        status=401,
        headers={"EXCHANGE-API-KEY": "x" * 96},
    )

    assert msg == "public-key has not been uploaded or has expired"


@pytest.mark.parametrize("skew_ms", [-4900, 0, 4900])
async def test_a_timestamp_within_5_seconds_is_accepted(dfx: DfxClient, skew_ms: int) -> None:
    await dfx.ok(
        "GET", "/api/v1/spot/open_order", {"accountId": ACCOUNT_ID}, timestamp_ms=now_ms() + skew_ms
    )


@pytest.mark.parametrize("skew_ms", [-6000, 6000, -60_000])
async def test_a_timestamp_off_by_more_than_5_seconds_is_401(dfx: DfxClient, skew_ms: int) -> None:
    await dfx.error(
        "GET",
        "/api/v1/spot/open_order",
        {"accountId": ACCOUNT_ID},
        status=401,
        timestamp_ms=now_ms() + skew_ms,
    )


async def test_the_window_is_measured_on_the_wall_clock_given(engine: SandboxEngine) -> None:
    app = create_app(engine, rate_limit_scale=None, wall_clock_s=lambda: 1711351755.0)
    async with dfx_client(app) as client:
        await client.ok("GET", "/api/v1/user/info", timestamp_ms=1711351758000)
        await client.error("GET", "/api/v1/user/info", status=401, timestamp_ms=1711351761000)


async def test_the_signature_covers_the_raw_body_bytes(dfx: DfxClient) -> None:
    # Signed over one body, sent with another: refused.
    signed_body = f"accountId={ACCOUNT_ID}&symbol=BTC-USDT"
    timestamp = str(now_ms())
    text = prehash("DELETE", "/api/v1/spot/batch/order", "", signed_body, timestamp)
    headers = {"EXCHANGE-API-TIMESTAMP": timestamp, "EXCHANGE-API-SIGN": dfx_sign(dfx.key, text)}

    await dfx.ok(
        "DELETE",
        "/api/v1/spot/batch/order",
        raw_body=signed_body.encode(),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    await dfx.error(
        "DELETE",
        "/api/v1/spot/batch/order",
        raw_body=f"symbol=BTC-USDT&accountId={ACCOUNT_ID}".encode(),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
        status=401,
    )


async def test_the_query_is_signed_verbatim_not_re_sorted(dfx: DfxClient) -> None:
    timestamp = str(now_ms())
    sorted_query = f"accountId={ACCOUNT_ID}&limit=5"
    text = prehash("GET", "/api/v1/spot/open_order", sorted_query, "", timestamp)
    headers = {"EXCHANGE-API-TIMESTAMP": timestamp, "EXCHANGE-API-SIGN": dfx_sign(dfx.key, text)}

    # Same parameters in another order than signed.
    await dfx.error(
        "GET",
        "/api/v1/spot/open_order",
        {"limit": 5, "accountId": ACCOUNT_ID},
        headers=headers,
        status=401,
    )
    await dfx.ok(
        "GET", "/api/v1/spot/open_order", {"accountId": ACCOUNT_ID, "limit": 5}, headers=headers
    )


async def test_the_signed_method_must_be_the_one_sent(dfx: DfxClient) -> None:
    # DFX's own sample signs a POST with method=GET (notes.md §2.2): refused.
    timestamp = str(now_ms())
    body = f"accountId={ACCOUNT_ID}&symbol=BTC-USDT&side=BUY&type=MARKET&amount=10"
    text = prehash("GET", "/api/v1/spot/order", "", body, timestamp)
    headers = {"EXCHANGE-API-TIMESTAMP": timestamp, "EXCHANGE-API-SIGN": dfx_sign(dfx.key, text)}

    await dfx.error(
        "POST",
        "/api/v1/spot/order",
        raw_body=body.encode(),
        headers=headers,
        content_type="application/x-www-form-urlencoded",
        status=401,
    )


# Account permission --------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [p for p in PRIVATE_ENDPOINTS if "user" not in p[1]])
async def test_another_accounts_id_is_403(dfx: DfxClient, method: str, path: str) -> None:
    params = {"accountId": "2", "symbol": "BTC-USDT", "orderId": "1", "orderIds": "1"}
    if method == "POST":
        params.update(side="BUY", type="MARKET", amount="10")

    assert await dfx.error(method, path, params, status=403) == FORBIDDEN


@pytest.mark.parametrize(
    ("method", "path"),
    [p for p in PRIVATE_ENDPOINTS if "user" not in p[1] and "trades" not in p[1]],
)
async def test_a_missing_account_id_is_412(dfx: DfxClient, method: str, path: str) -> None:
    msg = await dfx.error(method, path, {"symbol": "BTC-USDT", "orderId": "1"}, status=412)

    assert msg == "The request parameter is missing `accountId` parameters"


async def test_user_info_lists_the_keys_sub_account(dfx: DfxClient) -> None:
    payload = await dfx.ok("GET", "/api/v1/user/info")

    assert payload["data"] == {
        "clientType": "OP",
        "accounts": [
            {
                "id": ACCOUNT_ID,
                "name": "sandbox-spot",
                "type": "SUB",
                "status": "ACTIVE",
                "enableTrading": True,
            }
        ],
    }


# Rate limits ---------------------------------------------------------------------------------


class FakeWallClock:
    def __init__(self) -> None:
        self.now_s = 1711351755.0

    def __call__(self) -> float:
        return self.now_s


@pytest.mark.parametrize(
    ("method", "path", "per_window"),
    [
        ("POST", "/api/v1/spot/order", 10),
        ("DELETE", "/api/v1/spot/order", 10),
        ("GET", "/api/v1/spot/order", 1),
        ("DELETE", "/api/v1/spot/batch/order", 1),
        ("GET", "/api/v1/spot/finish_order", 1),
        ("GET", "/api/v1/spot/open_order", 1),
        ("GET", "/api/v1/account/trades", 1),
    ],
)
async def test_each_endpoint_has_its_documented_per_second_limit(
    engine: SandboxEngine, method: str, path: str, per_window: int
) -> None:
    wall = FakeWallClock()
    async with dfx_client(create_app(engine, wall_clock_s=wall)) as client:
        params = {"accountId": ACCOUNT_ID, "orderId": "1", "symbol": "BTC-USDT"}
        stamp = int(wall.now_s * 1000)
        for _ in range(per_window):
            response = await client.request(method, path, params, timestamp_ms=stamp)
            assert response.status_code != 429, response.text

        limited = await client.request(method, path, params, timestamp_ms=stamp)
        assert limited.status_code == 429
        assert limited.json() == {"code": "429", "msg": limited.json()["msg"]}
        # Other endpoints have their own windows.
        await client.ok("GET", "/api/v1/user/info", timestamp_ms=stamp)

        wall.now_s += 1.0
        again = await client.request(method, path, params, timestamp_ms=stamp + 1000)
        assert again.status_code != 429


async def test_the_scale_raises_every_limit(engine: SandboxEngine) -> None:
    wall = FakeWallClock()
    async with dfx_client(create_app(engine, rate_limit_scale=3, wall_clock_s=wall)) as client:
        stamp = int(wall.now_s * 1000)
        params = {"accountId": ACCOUNT_ID}
        for _ in range(3):
            await client.ok("GET", "/api/v1/spot/open_order", params, timestamp_ms=stamp)
        await client.error("GET", "/api/v1/spot/open_order", params, status=429, timestamp_ms=stamp)


async def test_symbols_allow_one_request_every_2_seconds(engine: SandboxEngine) -> None:
    wall = FakeWallClock()
    async with dfx_client(create_app(engine, wall_clock_s=wall)) as client:
        stamp = int(wall.now_s * 1000)
        await client.ok("GET", "/api/v1/symbols", timestamp_ms=stamp)
        wall.now_s += 1.5
        await client.error("GET", "/api/v1/symbols", status=429, timestamp_ms=stamp + 1500)
        wall.now_s += 0.5
        await client.ok("GET", "/api/v1/symbols", timestamp_ms=stamp + 2000)


async def test_a_nonpositive_scale_is_refused(engine: SandboxEngine) -> None:
    with pytest.raises(ValueError, match="rate_limit_scale"):
        create_app(engine, rate_limit_scale=0)


# Parameter transport --------------------------------------------------------------------------


async def test_parameters_may_come_as_query_form_or_json(dfx: DfxClient) -> None:
    order = {
        "symbol": "BTC-USDT",
        "accountId": ACCOUNT_ID,
        "side": "BUY",
        "type": "LIMIT",
        "price": "50000",
        "quantity": "0.001",
    }

    by_query = await dfx.ok("POST", "/api/v1/spot/order", order)
    by_form = await dfx.ok("POST", "/api/v1/spot/order", form=order)
    by_json = await dfx.ok(
        "POST", "/api/v1/spot/order", json_body={**order, "price": 50000.5, "quantity": 0.001}
    )  # JSON numbers, as the doc's example

    placed = [await dfx.order(p["data"]) for p in (by_query, by_form, by_json)]
    assert [o["price"] for o in placed] == ["50000", "50000", "50000.5"]
    assert {o["quantity"] for o in placed} == {"0.001"}


async def test_a_query_parameter_wins_over_the_body(dfx: DfxClient) -> None:
    body = {
        "symbol": "BTC-USDT",
        "accountId": ACCOUNT_ID,
        "side": "BUY",
        "type": "LIMIT",
        "price": "50000",
        "quantity": "0.001",
    }

    payload = await dfx.ok("POST", "/api/v1/spot/order", {"quantity": "0.002"}, form=body)

    assert (await dfx.order(payload["data"]))["quantity"] == "0.002"


async def test_the_reference_docs_invalid_json_example_is_refused(dfx: DfxClient) -> None:
    # The reference doc's create example, missing comma after "BUY" included.
    raw = (
        b'{\n\t"symbol": "BTC-USDT",\n\t"accountId": "1403134775",\n\t"side": "BUY"\n'
        b'\t"type": "LIMIT",\n\t"price": 66666.88,\n\t"quantity": 0.01\n}'
    )

    msg = await dfx.error(
        "POST", "/api/v1/spot/order", raw_body=raw, content_type="application/json", status=400
    )

    assert "JSON" in msg


async def test_an_unknown_path_or_method_is_404(dfx: DfxClient) -> None:
    await dfx.error("GET", "/api/v1/spot/orders", status=404)
    await dfx.error("PUT", "/api/v1/spot/order", status=404)


# Symbols (market data) -------------------------------------------------------------------------


async def test_symbols_need_only_the_timestamp_header(dfx: DfxClient) -> None:
    payload = await dfx.ok(
        "GET", "/api/v1/symbols", {"clientType": "OP"}, sign=False, omit=("EXCHANGE-API-KEY",)
    )

    rows = payload["data"]
    assert [row["symbol"] for row in rows] == [
        "BTC-USD",
        "ETH-USD",
        "BTC-USDT",
        "ETH-USDT",
        "SOL-USDT",
        "USDT-USD",
    ]
    assert all(list(row) == SYMBOL_FIELDS for row in rows)
    btc = rows[2]
    assert btc == {
        "symbol": "BTC-USDT",
        "baseToken": "BTC",
        "quoteToken": "USDT",
        "quoteIncrement": "0.01",
        "quoteMinSize": "5",
        "baseIncrement": "0.00001",
        "baseMinSize": "0.00001",
        "priceIncrement": "0.01",
        "enableTrading": True,
        "priceLimitRate": "0.1",
    }
    assert rows[-1]["enableTrading"] is False


async def test_symbols_without_a_timestamp_is_412(dfx: DfxClient) -> None:
    msg = await dfx.error(
        "GET", "/api/v1/symbols", status=412, sign=False, omit=("EXCHANGE-API-TIMESTAMP",)
    )

    assert msg == "The request header is missing `EXCHANGE-API-TIMESTAMP` parameters"


async def test_symbols_filter_by_symbol_and_check_the_client_type(dfx: DfxClient) -> None:
    one = await dfx.ok("GET", "/api/v1/symbols", {"symbol": "ETH-USDT"})
    assert [row["symbol"] for row in one["data"]] == ["ETH-USDT"]
    await dfx.error("GET", "/api/v1/symbols", {"clientType": "XX"}, status=400)
