"""Signing: known-answer vectors for HMAC (hex, base64, decoded secrets) and RSA, and the
headers each signing style sends. Vectors were computed with `openssl dgst`, not with the
code under test; the keys are test keys, never real ones."""

from __future__ import annotations

import base64
import hashlib
import hmac
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from gui.domain.errors import VenueAuthError, VenueRejected
from gui.venues.anboto import (
    AnbotoClient,
    AnbotoConfig,
    AnbotoCredentials,
    SecretDecoding,
    SignatureEncoding,
    string_to_sign,
    wire,
)
from gui.venues.anboto.auth import AnbotoSigner, decode_secret
from tests.venues.anboto.anboto_fakes import (
    API_KEY,
    API_SECRET,
    FAST_CONFIG,
    RSA_PRIVATE_KEY_PEM,
    RSA_PUBLIC_KEY_PEM,
    Canned,
    FakeAnboto,
)
from tests.venues.anboto.conftest import ClientFactory

TS = "1700000000000"
BODY_MESSAGE = f'{TS}{API_KEY}{{"orderId":42}}'
QUERY_MESSAGE = f"{TS}{API_KEY}5000clientOrderIds=a&orderIds=1&orderIds=2"
# printf '%s' "$MSG" | openssl dgst -sha256 -hmac test-secret-not-real [-hex | -binary | base64]
HMAC_HEX = "a311a076b8f983b7f9f13ef8252adbd5c4df7c59549c66938d587a79b0d57d86"
HMAC_BASE64 = "oxGgdrj5g7f58T74JSrb1cTffFlUnGaTjVh6ebDVfYY="
QUERY_HMAC_HEX = "bd5beeaf4a48a8a6a177f94982afbce163260971858ca1cf42ea5cc9bba9c06c"
# key = base64 "c2VjcmV0LWJ5dGVzLW5vdC1yZWFs" = b"secret-bytes-not-real"
QUERY_HMAC_DECODED_BASE64 = "dWPqkiXOA18RjV/2Btmip4qf/mprWKfh+PktY/VXgmE="
# printf '%s' "$MSG" | openssl dgst -sha256 -sign key.pem -binary | base64 (PKCS#1 v1.5)
RSA_BASE64 = (
    "AyO5D39CjIcPjvhnZeIBPLzKHxVAuZy5Hn9HiH2YG3kuyVB59Ct5RT8BoTbnC0UDMpn6EPyS+FWrOW2LExKocH"
    "OJXmx/KczNutMA5UA0A5aAsqCKrNCzP3Vwzk9QZE1vDJOiYyxdT4JJDijwu9YBwziHT10rQq32L31A7HLE3ws="
)


def test_string_to_sign_is_plain_concatenation() -> None:
    assert string_to_sign(TS, API_KEY, None, '{"orderId":42}') == BODY_MESSAGE
    assert string_to_sign(TS, "k", 5000, "a=1") == f"{TS}k5000a=1"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [(SignatureEncoding.HEX, HMAC_HEX), (SignatureEncoding.BASE64, HMAC_BASE64)],
)
def test_hmac_vectors(encoding: SignatureEncoding, expected: str) -> None:
    config = AnbotoConfig(signature_encoding=encoding)
    signer = AnbotoSigner(AnbotoCredentials(API_KEY, api_secret=API_SECRET), config)
    assert signer.sign(BODY_MESSAGE) == expected


def test_hmac_with_a_base64_secret_uses_the_decoded_bytes() -> None:
    config = AnbotoConfig.official_example_style()
    signer = AnbotoSigner(AnbotoCredentials(API_KEY, "c2VjcmV0LWJ5dGVzLW5vdC1yZWFs"), config)
    assert signer.sign(QUERY_MESSAGE) == QUERY_HMAC_DECODED_BASE64


def test_secret_decodings() -> None:
    assert decode_secret("a+b/", SecretDecoding.UTF8) == b"a+b/"
    assert decode_secret("_-8", SecretDecoding.BASE64URL) == b"\xff\xef"  # no padding
    assert decode_secret("/+8=", SecretDecoding.BASE64) == b"\xff\xef"
    with pytest.raises(ValueError, match="not base64") as caught:
        decode_secret("not*base64", SecretDecoding.BASE64)
    assert "not*base64" not in str(caught.value)


def test_rsa_vector_and_it_verifies_with_the_public_key() -> None:
    signer = AnbotoSigner(
        AnbotoCredentials(API_KEY, rsa_private_key_pem=RSA_PRIVATE_KEY_PEM), FAST_CONFIG
    )
    signature = signer.sign(BODY_MESSAGE)
    assert signature == RSA_BASE64  # PKCS#1 v1.5 is deterministic
    public = serialization.load_pem_public_key(RSA_PUBLIC_KEY_PEM.encode())
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(
        base64.b64decode(signature), BODY_MESSAGE.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_credentials_need_exactly_one_secret_and_never_show_it() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        AnbotoCredentials(API_KEY)
    with pytest.raises(ValueError, match="exactly one"):
        AnbotoCredentials(API_KEY, API_SECRET, RSA_PRIVATE_KEY_PEM)
    with pytest.raises(ValueError, match="PEM"):
        AnbotoCredentials(API_KEY, rsa_private_key_pem="-----BEGIN NONSENSE-----")
    for credentials in (
        AnbotoCredentials(API_KEY, api_secret=API_SECRET),
        AnbotoCredentials(API_KEY, rsa_private_key_pem=RSA_PRIVATE_KEY_PEM),
    ):
        shown = f"{credentials!r} {credentials}"
        assert API_SECRET not in shown and "PRIVATE" not in shown and "MIIC" not in shown


@pytest.mark.asyncio
async def test_reference_style_signs_the_exact_body_with_anboto_headers(
    make_client: ClientFactory,
) -> None:
    fake = FakeAnboto()  # verifies with its own HMAC; 401 otherwise
    client = make_client(fake, clock_ms=lambda: int(TS))
    # The fake knows no order 42: its 400 (not 401) shows the signature was accepted.
    with pytest.raises(VenueRejected, match="cannot cancel") as caught:
        await client.cancel_many([wire.CancelParentOrderRequest(order_id=42)])
    assert not isinstance(caught.value, VenueAuthError)
    (sent,) = fake.requests
    assert sent.body == b'{"orders":[{"orderId":42}]}'  # compact, as signed
    assert sent.headers["anboto-api-key"] == API_KEY and sent.headers["anboto-ts"] == TS
    assert "anboto-recv-window" not in sent.headers  # not configured: not sent, not signed
    assert not any(name.startswith("x-") for name in sent.headers)


@pytest.mark.asyncio
async def test_query_is_sorted_and_signed_with_the_recv_window(
    make_client: ClientFactory,
) -> None:
    fake = FakeAnboto()
    config = AnbotoConfig(base_url="http://anboto.test", recv_window_ms=5000, read_attempts=1)
    client = make_client(fake, config, clock_ms=lambda: int(TS))
    await client.find(order_ids=[1, 2], client_order_ids=["a"])
    (sent,) = fake.requests
    assert sent.query == "clientOrderIds=a&orderIds=1&orderIds=2"
    assert sent.headers["anboto-recv-window"] == "5000"
    assert sent.headers["anboto-sign"] == QUERY_HMAC_HEX


@pytest.mark.asyncio
async def test_official_example_style_headers_and_comma_arrays() -> None:
    fake = FakeAnboto(route=lambda recorded: Canned(200, {"responses": []}))
    config = AnbotoConfig.official_example_style("http://anboto.test")
    credentials = AnbotoCredentials(API_KEY, "c2VjcmV0LWJ5dGVzLW5vdC1yZWFs")
    client = AnbotoClient(config, credentials, transport=fake.transport(), clock_ms=lambda: 1)
    try:
        await client.find(order_ids=[1, 2], client_order_ids=["a"])
    finally:
        await client.aclose()
    (sent,) = fake.requests
    assert sent.query == "clientOrderIds=a&orderIds=1,2"
    assert sent.headers["x-api-key"] == API_KEY and sent.headers["x-timestamp"] == "1"
    assert sent.headers["x-recv-window"] == "5000"
    message = f"1{API_KEY}5000{sent.query}"
    expected = hmac.new(b"secret-bytes-not-real", message.encode(), hashlib.sha256).digest()
    assert sent.headers["x-sign"] == base64.b64encode(expected).decode()
    assert not any(name.startswith("anboto-") for name in sent.headers)


def test_decimal_is_sent_exactly() -> None:
    assert wire.dumps({"q": Decimal("0.10"), "p": Decimal("1E+2")}) == '{"q":0.10,"p":100}'
