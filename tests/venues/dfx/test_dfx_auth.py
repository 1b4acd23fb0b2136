"""DFX signing: the string to sign, Ed25519 known answers, headers on the wire, key handling.

Fixed keys only (RFC 8032's published TEST 1 key), never real ones.
"""

from __future__ import annotations

import base64
import logging

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gui.venues.dfx import (
    DfxAuth,
    DfxCredentials,
    load_private_key,
    public_key_base64,
    sign,
    string_to_sign,
)
from tests.venues.dfx.dfx_fakes import (
    API_KEY,
    CREDENTIALS,
    PRIVATE_KEY_DER_B64,
    PRIVATE_KEY_PEM,
    PUBLIC_KEY_B64,
    RFC8032_SEED_HEX,
)

DOC_BODY = (
    "accountId=222&amount=66666&clientOrderId=111&price=66666&quantity=1"
    "&side=BUY&symbol=BTC-USDT&type=LIMIT"
)


def test_string_to_sign_matches_the_venue_get_example() -> None:
    # Authentication.md "Java example 1" and notes §2.2: blank body left out.
    text = string_to_sign("GET", "/api/v1/symbols", "1711351755000", param="clientType=OP")
    assert text == "method=GET&param=clientType=OP&path=/api/v1/symbols&timestamp=1711351755000"


def test_string_to_sign_matches_the_venue_post_example_with_method_post() -> None:
    # The venue's own sample wrongly signs this POST as GET (notes §2.2); we sign POST.
    text = string_to_sign("post", "/api/v1/spot/order", "1711351755000", body=DOC_BODY)
    assert text == (f"body={DOC_BODY}&method=POST&path=/api/v1/spot/order&timestamp=1711351755000")


def test_string_to_sign_sorts_fields_and_drops_blank_ones() -> None:
    text = string_to_sign("DELETE", "/p", "1", param="b=2&a=1", body="  ")
    assert text == "method=DELETE&param=b=2&a=1&path=/p&timestamp=1"  # values unsorted
    both = string_to_sign("POST", "/p", "1", param="q=1", body="z=9")
    assert both == "body=z=9&method=POST&param=q=1&path=/p&timestamp=1"


def test_sign_is_rfc8032_ed25519() -> None:
    # RFC 8032 §7.1 TEST 1: the empty message's signature is published.
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032_SEED_HEX))
    expected = bytes.fromhex(
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
        "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    )
    assert base64.b64decode(sign(key, "")) == expected


def test_signature_vectors_for_the_doc_examples() -> None:
    key = load_private_key(PRIVATE_KEY_DER_B64)
    get = string_to_sign("GET", "/api/v1/symbols", "1711351755000", param="clientType=OP")
    post = string_to_sign("POST", "/api/v1/spot/order", "1711351755000", body=DOC_BODY)
    assert sign(key, get) == (
        "bY2YCVZFyho+eeyt66c2hlXVCCIRxPnjSyDYMMfWWqvZg8MHWnmbdBNFSRHS9wd+vvc5WphHX3O5rTtllT2xCg=="
    )
    assert sign(key, post) == (
        "x9imoiZYorj9azq719D8B1NM3gv9SyahcvsZFg0zVHlCbb2Sefhs7dP0Mpwakqu3wd5HJaz1rQSuDQ37E5+LAA=="
    )
    # And each verifies with the public key the user uploads.
    public = key.public_key()
    public.verify(base64.b64decode(sign(key, post)), post.encode())


def test_der_and_pem_give_the_same_key_and_public_key() -> None:
    der = load_private_key(PRIVATE_KEY_DER_B64)
    pem = load_private_key(PRIVATE_KEY_PEM)
    assert public_key_base64(der) == public_key_base64(pem) == PUBLIC_KEY_B64
    # Line-wrapped base64 (as `base64` prints long output) loads too.
    wrapped = PRIVATE_KEY_DER_B64[:30] + "\n" + PRIVATE_KEY_DER_B64[30:] + "\n"
    assert public_key_base64(load_private_key(wrapped)) == PUBLIC_KEY_B64


@pytest.mark.parametrize(
    "text",
    ["", "not base64!", base64.b64encode(b"\x00" * 48).decode(), PUBLIC_KEY_B64],
)
def test_a_bad_private_key_is_refused_without_echoing_it(text: str) -> None:
    with pytest.raises(ValueError, match="Ed25519") as info:
        DfxCredentials(API_KEY, text)
    if text:
        assert text not in str(info.value)


def test_credentials_never_show_the_private_key() -> None:
    shown = f"{CREDENTIALS!r} {CREDENTIALS!s}"
    assert PRIVATE_KEY_DER_B64 not in shown
    assert "redacted" in shown
    with pytest.raises(ValueError, match="API key"):
        DfxCredentials("has space", PRIVATE_KEY_DER_B64)


def _signed(request: httpx.Request, clock_ms: int = 1711351755000) -> httpx.Request:
    flow = DfxAuth(CREDENTIALS, clock_ms=lambda: clock_ms).sync_auth_flow(request)
    return next(flow)


def test_auth_signs_the_exact_query_bytes_sent() -> None:
    request = _signed(
        httpx.Request("GET", "http://dfx.test/api/v1/spot/order?accountId=7&orderId=12")
    )
    assert request.headers["EXCHANGE-API-KEY"] == API_KEY
    assert request.headers["EXCHANGE-API-TIMESTAMP"] == "1711351755000"
    message = (
        "method=GET&param=accountId=7&orderId=12&path=/api/v1/spot/order&timestamp=1711351755000"
    )
    public = load_private_key(PRIVATE_KEY_DER_B64).public_key()
    public.verify(base64.b64decode(request.headers["EXCHANGE-API-SIGN"]), message.encode())


def test_auth_signs_the_exact_body_bytes_sent() -> None:
    request = _signed(
        httpx.Request("POST", "http://dfx.test/api/v1/spot/order", content=DOC_BODY.encode())
    )
    key = load_private_key(PRIVATE_KEY_DER_B64)
    expected = string_to_sign("POST", "/api/v1/spot/order", "1711351755000", body=DOC_BODY)
    assert request.headers["EXCHANGE-API-SIGN"] == sign(key, expected)


def test_market_data_gets_only_the_timestamp_header() -> None:
    request = _signed(httpx.Request("GET", "http://dfx.test/api/v1/symbols?clientType=OP"))
    assert request.headers["EXCHANGE-API-TIMESTAMP"] == "1711351755000"
    assert "EXCHANGE-API-KEY" not in request.headers
    assert "EXCHANGE-API-SIGN" not in request.headers


def test_auth_repr_and_logs_hold_no_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    auth = DfxAuth(CREDENTIALS)
    logging.getLogger("test").info("auth %s %r", auth, auth)
    assert PRIVATE_KEY_DER_B64 not in caplog.text
    assert API_KEY not in caplog.text
