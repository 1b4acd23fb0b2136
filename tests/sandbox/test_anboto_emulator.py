"""The Anboto emulator's protocol in-process: HMAC and RSA signatures on the raw bytes, the
timestamp header alias, the recv window, 401 and 429 bodies, unknown routes (notes.md §1.2,
§1.8.1-§1.8.4)."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from gui.sandbox.anboto import create_app
from gui.sandbox.engine import SandboxEngine
from tests.sandbox.anboto_helpers import (
    ORDER,
    RESTING_LIMIT,
    AnbotoClient,
    anboto_client,
    dumps,
    error,
    exact,
    hmac_signature,
)

pytestmark = pytest.mark.asyncio

NOW_S = 1_704_186_000.0
"""The emulator's fixed wall clock in the window and rate tests (2024-01-02 09:00 UTC)."""
NOW_MS = int(NOW_S * 1000)


@pytest_asyncio.fixture
async def anboto(engine: SandboxEngine) -> AsyncIterator[AnbotoClient]:
    """HMAC client on an emulator with no rate limit."""
    async with anboto_client(create_app(engine, requests_per_second=None)) as client:
        yield client


@pytest_asyncio.fixture
async def fixed(engine: SandboxEngine) -> AsyncIterator[AnbotoClient]:
    """HMAC client on an emulator whose wall clock stands at `NOW_S`."""
    app = create_app(engine, requests_per_second=None, wall_clock_s=lambda: NOW_S)
    async with anboto_client(app) as client:
        yield client


# Signatures ----------------------------------------------------------------------------------


async def test_an_hmac_signed_request_passes(anboto: AnbotoClient) -> None:
    response = await anboto.call("GET", f"{ORDER}/open")

    assert (response.status_code, exact(response)) == (200, {"responses": []})


async def test_an_rsa_signed_request_passes_and_sees_only_its_own_orders(
    engine: SandboxEngine,
) -> None:
    app = create_app(engine, requests_per_second=None)
    async with anboto_client(app, rsa_key=True) as rsa, anboto_client(app) as hmac_client:
        created = await rsa.create()
        # Arrange done: the RSA key's order exists.
        response = await rsa.call("GET", f"{ORDER}/id", query=f"orderId={created['orderId']}")
        other = await hmac_client.call("GET", f"{ORDER}/id", query=f"orderId={created['orderId']}")

    assert response.status_code == 200
    assert exact(response)["clientOrderId"] == "rest-1"
    assert other.status_code == 400  # orders belong to the key that created them


async def test_the_prose_timestamp_header_is_accepted_as_an_alias(anboto: AnbotoClient) -> None:
    response = await anboto.call("GET", f"{ORDER}/open", timestamp_header="ANBOTO-TIMESTAMP")

    assert response.status_code == 200


async def test_a_sent_recv_window_is_part_of_the_signed_string(anboto: AnbotoClient) -> None:
    signed = await anboto.call("GET", f"{ORDER}/open", recv_window="10000")
    unsigned = await anboto.call(
        "GET", f"{ORDER}/open", recv_window="10000", sign_recv_window=False
    )

    assert signed.status_code == 200
    assert (unsigned.status_code, exact(unsigned)) == (
        401,
        error("AUTHENTICATION_ERROR", "Invalid signature"),
    )


async def test_the_body_is_verified_as_received_not_as_reserialised(
    anboto: AnbotoClient,
) -> None:
    # Odd spacing and key order, signed exactly as sent: verified on these bytes.
    raw = dumps(RESTING_LIMIT).replace(b", ", b" ,\n  ")
    compact = dumps(RESTING_LIMIT).replace(b", ", b",").replace(b": ", b":")

    sent_as_signed = await anboto.call("POST", f"{ORDER}/create", raw)
    signed_other_form = await anboto.call("POST", f"{ORDER}/create", raw, signed_payload=compact)

    assert sent_as_signed.status_code == 201, sent_as_signed.text
    assert signed_other_form.status_code == 401


async def test_the_query_string_is_verified_as_received(anboto: AnbotoClient) -> None:
    raw_query = "orderIds=1%2C2&clientOrderIds=a"

    as_received = await anboto.call("GET", f"{ORDER}/find", query=raw_query)
    decoded = await anboto.call(
        "GET", f"{ORDER}/find", query=raw_query, signed_payload=b"orderIds=1,2&clientOrderIds=a"
    )

    assert (as_received.status_code, exact(as_received)) == (200, {"responses": []})
    assert decoded.status_code == 401


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signature": "0" * 64}, "Invalid signature"),
        ({"signed_payload": b'{"quantity": 5}'}, "Invalid signature"),
        ({"api_key": "anb_unknown"}, "Invalid API key"),
        ({"timestamp_ms": "17041860OO000"}, "ANBOTO-TS must be UTC milliseconds since the epoch"),
        (
            {"recv_window": "-5", "sign_recv_window": True},
            "ANBOTO-RECV-WINDOW must be a positive number of milliseconds",
        ),
        (
            {"omit": ("ANBOTO-SIGN",)},
            "Missing ANBOTO-API-KEY, ANBOTO-TS or ANBOTO-SIGN header",
        ),
        (
            {"omit": ("ANBOTO-TS",)},
            "Missing ANBOTO-API-KEY, ANBOTO-TS or ANBOTO-SIGN header",
        ),
        (
            {"omit": ("ANBOTO-API-KEY",)},
            "Missing ANBOTO-API-KEY, ANBOTO-TS or ANBOTO-SIGN header",
        ),
    ],
    ids=["signature", "body", "key", "timestamp", "recv-window", "no-sign", "no-ts", "no-key"],
)
async def test_authentication_failures_answer_401(
    anboto: AnbotoClient, changes: dict[str, object], message: str
) -> None:
    response = await anboto.call("POST", f"{ORDER}/create", RESTING_LIMIT, **changes)  # type: ignore[arg-type]

    assert (response.status_code, exact(response)) == (
        401,
        error("AUTHENTICATION_ERROR", message),
    )


async def test_the_hmac_secret_signs_as_its_utf8_bytes_in_lowercase_hex(
    anboto: AnbotoClient,
) -> None:
    # Known answer: the signature is nothing but HMAC-SHA256(secret, ts + key + query).
    timestamp = str(int(time.time() * 1000))
    message = f"{timestamp}{anboto.api_key}".encode()
    signature = hmac_signature(anboto.secret, message)

    response = await anboto.call(
        "GET", f"{ORDER}/open", timestamp_ms=timestamp, signature=signature
    )
    upper = await anboto.call(
        "GET", f"{ORDER}/open", timestamp_ms=timestamp, signature=signature.upper()
    )

    assert signature == signature.lower() and len(signature) == 64
    assert response.status_code == 200
    assert upper.status_code == 200  # hex case carries no meaning


async def test_an_rsa_key_refuses_a_signature_of_another_message_or_not_base64(
    engine: SandboxEngine,
) -> None:
    async with anboto_client(create_app(engine, requests_per_second=None), rsa_key=True) as rsa:
        wrong = await rsa.call("GET", f"{ORDER}/open", signed_payload=b"other")
        garbage = await rsa.call("GET", f"{ORDER}/open", signature="not base64!")
        hmac_style = await rsa.call("GET", f"{ORDER}/open", signature="ab" * 32)

    assert (wrong.status_code, exact(wrong)) == (
        401,
        error("AUTHENTICATION_ERROR", "Invalid signature"),
    )
    assert (garbage.status_code, exact(garbage)) == (
        401,
        error("AUTHENTICATION_ERROR", "ANBOTO-SIGN must be base64 for an RSA key"),
    )
    assert hmac_style.status_code == 401
    assert base64.b64decode("ab" * 32)  # valid base64, wrong length: still refused


# Recv window ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset_ms", "recv_window", "status_code"),
    [
        (0, None, 200),
        (-5000, None, 200),
        (-5001, None, 401),
        (999, None, 200),
        (1000, None, 401),
        (-9000, "10000", 200),
        (-10_001, "10000", 401),
        (-600, "500", 401),
    ],
)
async def test_the_timestamp_must_fall_in_the_recv_window(
    fixed: AnbotoClient, offset_ms: int, recv_window: str | None, status_code: int
) -> None:
    # Bybit's rule (notes §1.8.2): now - window <= ts < now + 1000, window 5000 by default.
    response = await fixed.call(
        "GET", f"{ORDER}/open", timestamp_ms=str(NOW_MS + offset_ms), recv_window=recv_window
    )

    assert response.status_code == status_code
    if status_code == 401:
        assert exact(response)["errorCode"] == "AUTHENTICATION_ERROR"
        assert "outside the recv window" in exact(response)["message"]


# Rate limit ----------------------------------------------------------------------------------


async def test_over_the_rate_limit_a_key_gets_429_until_the_next_second(
    engine: SandboxEngine,
) -> None:
    wall = [NOW_S]
    app = create_app(engine, requests_per_second=3, wall_clock_s=lambda: wall[0])
    async with anboto_client(app) as client, anboto_client(app, rsa_key=True) as rsa:
        stamp = str(NOW_MS)
        passed = [
            (await client.call("GET", f"{ORDER}/open", timestamp_ms=stamp)).status_code
            for _ in range(3)
        ]
        refused = await client.call("GET", f"{ORDER}/open", timestamp_ms=stamp)
        other_key = await rsa.call("GET", f"{ORDER}/open", timestamp_ms=stamp)
        wall[0] += 1.0
        later = await client.call("GET", f"{ORDER}/open", timestamp_ms=str(NOW_MS + 1000))

    assert passed == [200, 200, 200]
    assert (refused.status_code, exact(refused)) == (
        429,
        error("RATE_LIMIT_EXCEEDED", "Rate limit of 3 requests per second exceeded"),
    )
    assert refused.headers["Retry-After"] == "1"
    assert other_key.status_code == 200  # counted per key
    assert later.status_code == 200


async def test_the_default_rate_limit_is_generous(engine: SandboxEngine) -> None:
    async with anboto_client(create_app(engine)) as client:
        statuses = {(await client.call("GET", f"{ORDER}/open")).status_code for _ in range(40)}

    assert statuses == {200}


# Routes --------------------------------------------------------------------------------------


async def test_unknown_paths_and_methods_answer_json_errors(anboto: AnbotoClient) -> None:
    missing = await anboto.call("GET", f"{ORDER}/cancelAll")
    wrong_method = await anboto.call("GET", f"{ORDER}/create")

    assert (missing.status_code, exact(missing)["errorCode"]) == (404, "OTHER")
    assert (wrong_method.status_code, exact(wrong_method)["errorCode"]) == (405, "OTHER")
    assert wrong_method.headers["Allow"] == "POST"
