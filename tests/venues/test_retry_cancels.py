"""Reads and cancels are retried with backoff and jitter; submits, amends, pauses, resumes
never are (issue 5: "Only reads and cancels are retried automatically").

Every venue client runs against a stub transport that counts what reaches the wire and
answers 503 or times out; the waits asked for are recorded, not slept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
import pytest

from gui.domain.errors import VenueTransportError, VenueUnavailable
from gui.venues.anboto import AnbotoClient, AnbotoConfig, AnbotoCredentials
from gui.venues.anboto import wire as anboto_wire
from gui.venues.dfx import DfxClient, DfxConfig, DfxCredentials, DfxRateLimits
from gui.venues.http import RetryPolicy, VenueHttp, VenueMessage, build_async_client
from gui.venues.kucoin_futures import KucoinAuth, KucoinFuturesClient, KucoinFuturesConfig
from gui.venues.kucoin_futures.transport import PUBLIC_PATHS
from gui.venues.kucoin_futures.wire_requests import OrderRequest
from gui.venues.treadfi import TreadfiClient, TreadfiConfig
from gui.venues.treadfi import wire as treadfi_wire
from gui.venues.zenotc import ZenotcClient, ZenotcConfig, ZenotcCredentials
from gui.venues.zenotc import wire as zenotc_wire
from tests.venues.dfx.dfx_fakes import PRIVATE_KEY_DER_B64

ATTEMPTS = 3
BASE_S = 0.4
"""Backoff before the first retry, seconds; doubled for the second."""

D = Decimal


@dataclass
class Stub:
    """Answers each request with the next outcome (the last one repeats) and counts them.

    Outcomes: `"503"`, `"timeout"`, or an `httpx.Response`.
    """

    outcomes: list[Any]
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes[min(len(self.requests), len(self.outcomes)) - 1]
        if outcome == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if outcome == "503":
            return httpx.Response(503, text="Service Unavailable")
        assert isinstance(outcome, httpx.Response)
        return outcome

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


class Sleeps:
    """Records the waits asked for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


RETRY = {"read_attempts": ATTEMPTS, "retry_base_delay_s": BASE_S, "retry_max_delay_s": 8.0}
Build = Callable[[httpx.AsyncBaseTransport, Sleeps], Any]


def treadfi(transport: httpx.AsyncBaseTransport, sleeps: Sleeps) -> TreadfiClient:
    config = TreadfiConfig(base_url="http://treadfi.test", max_requests_per_s=1e4, **RETRY)
    return TreadfiClient(config, "token", transport=transport, sleep=sleeps)


def kucoin(transport: httpx.AsyncBaseTransport, sleeps: Sleeps) -> KucoinFuturesClient:
    # A pool large enough that cancel-all v1 (weight 800) three times does not wait for it.
    config = KucoinFuturesConfig(base_url="http://kucoin.test", rate_limit_quota=10**6, **RETRY)
    auth = KucoinAuth("key", "secret", "passphrase", public_paths=PUBLIC_PATHS)
    return KucoinFuturesClient(config, auth, transport=transport, sleep=sleeps)


def zenotc(transport: httpx.AsyncBaseTransport, sleeps: Sleeps) -> ZenotcClient:
    config = ZenotcConfig(base_url="http://zenotc.test", max_requests_per_s=1e4, **RETRY)
    credentials = ZenotcCredentials("key", "secret")
    return ZenotcClient(config, credentials, transport=transport, sleep=sleeps)


def anboto(transport: httpx.AsyncBaseTransport, sleeps: Sleeps) -> AnbotoClient:
    config = AnbotoConfig(base_url="http://anboto.test", max_requests_per_s=1e4, **RETRY)
    credentials = AnbotoCredentials("key", api_secret="secret")
    return AnbotoClient(config, credentials, transport=transport, sleep=sleeps)


def dfx(transport: httpx.AsyncBaseTransport, sleeps: Sleeps) -> DfxClient:
    config = DfxConfig(
        base_url="http://dfx.test",
        account_id="1403134775",
        rate_limits=DfxRateLimits.uniform(1e4),
        **RETRY,
    )
    credentials = DfxCredentials("k" * 96, PRIVATE_KEY_DER_B64)
    return DfxClient(config, credentials, transport=transport, sleep=sleeps)


KC_ORDER = OrderRequest(
    client_oid="c-1", side="buy", symbol="XBTUSDTM", leverage=1, type="limit",
    price=D("30000"), size=1,
)  # fmt: skip
ZEN_ORDER = zenotc_wire.CreateOrderRequest(side="buy", asset="BTC", quantity=D(1), price=D(1))
ANB_ORDER = anboto_wire.CreateParentOrderRequest(
    exchange="BINANCE", symbol="BTC/USDT", asset_class="SPOT", side="BUY", quantity=D(1),
    strategy="MARKET",
)  # fmt: skip
TREAD_ORDER = treadfi_wire.SubmitOrderRequest(
    pair="BTC-USDT", side="buy", strategy="Market", accounts=["main"], base_asset_qty=D(1)
)
DFX_ID = "2000000074758463"

Action = Callable[[Any], Awaitable[object]]

# Every cancel endpoint of every venue: single, batch, cancel-all.
CANCELS: dict[str, tuple[Build, Action]] = {
    "treadfi-cancel": (treadfi, lambda c: c.cancel_order("o-1")),
    "treadfi-cancel-all": (treadfi, lambda c: c.cancel_all_orders()),
    "kucoin-cancel": (kucoin, lambda c: c.cancel_order("1")),
    "kucoin-cancel-by-oid": (kucoin, lambda c: c.cancel_order_by_client_oid("c-1", "XBTUSDTM")),
    "kucoin-batch-cancel": (kucoin, lambda c: c.batch_cancel_orders(order_ids=["1", "2"])),
    "kucoin-cancel-all": (kucoin, lambda c: c.cancel_all_orders("XBTUSDTM")),
    "kucoin-cancel-all-v1": (kucoin, lambda c: c.cancel_all_orders_v1()),
    "kucoin-cancel-stops": (kucoin, lambda c: c.cancel_all_stop_orders()),
    "zenotc-cancel": (zenotc, lambda c: c.cancel_order("ord_1")),
    "zenotc-cancel-all": (zenotc, lambda c: c.cancel_all_orders()),
    "anboto-cancel": (anboto, lambda c: c.cancel_order(order_id=1)),
    "anboto-cancel-many": (
        anboto,
        lambda c: c.cancel_many([anboto_wire.CancelParentOrderRequest(order_id=1)]),
    ),
    "dfx-cancel": (dfx, lambda c: c.cancel_order(order_id=DFX_ID)),
    "dfx-batch-cancel": (dfx, lambda c: c.batch_cancel([DFX_ID])),
    "dfx-cancel-symbol": (dfx, lambda c: c.cancel_symbol("BTC-USDT")),
}

# Every submit, amend, pause and resume: the venue may have acted on a lost answer.
NEVER_RETRIED: dict[str, tuple[Build, Action]] = {
    "treadfi-submit": (treadfi, lambda c: c.submit_order(TREAD_ORDER)),
    "treadfi-amend": (
        treadfi,
        lambda c: c.amend_order("o-1", treadfi_wire.AmendChanges(duration=900)),
    ),
    "treadfi-pause": (treadfi, lambda c: c.pause_order("o-1")),
    "treadfi-resume": (treadfi, lambda c: c.resume_order("o-1")),
    "treadfi-pause-all": (treadfi, lambda c: c.pause_all_orders()),
    "treadfi-resume-all": (treadfi, lambda c: c.resume_all_orders()),
    "kucoin-add": (kucoin, lambda c: c.add_order(KC_ORDER)),
    "kucoin-batch-add": (kucoin, lambda c: c.batch_add_orders([KC_ORDER])),
    "zenotc-create": (zenotc, lambda c: c.create_order(ZEN_ORDER)),
    "zenotc-batch-create": (zenotc, lambda c: c.create_orders([ZEN_ORDER])),
    "zenotc-amend": (
        zenotc,
        lambda c: c.amend_order("ord_1", zenotc_wire.AmendOrderRequest(quantity=D(2))),
    ),
    "anboto-create": (anboto, lambda c: c.create_order(ANB_ORDER)),
    "anboto-create-many": (anboto, lambda c: c.create_many([ANB_ORDER], all_or_none=True)),
    "dfx-create": (
        dfx,
        lambda c: c.create_order(
            symbol="BTC-USDT", side="BUY", order_type="LIMIT", price=D(1), quantity=D(1)
        ),
    ),
}

FAILURES = (VenueUnavailable, VenueTransportError)


@pytest.mark.asyncio
@pytest.mark.parametrize("failure", ["503", "timeout"])
@pytest.mark.parametrize("name", sorted(CANCELS))
async def test_a_cancel_is_retried_with_exponential_backoff_and_jitter(
    name: str, failure: str
) -> None:
    # Arrange: the venue is down for every attempt.
    build, action = CANCELS[name]
    stub, sleeps = Stub([failure]), Sleeps()
    client = build(stub.transport(), sleeps)
    try:
        # Act
        with pytest.raises(FAILURES):
            await action(client)
    finally:
        await client.aclose()
    # Assert: every attempt reached the wire, the same request each time.
    assert len(stub.requests) == ATTEMPTS
    assert len({(r.method, r.url.raw_path) for r in stub.requests}) == 1
    # Waits: between half and all of 0.4 s, then of 0.8 s (equal jitter).
    first, second = sleeps.waits
    assert BASE_S / 2 <= first <= BASE_S and BASE_S <= second <= 2 * BASE_S


@pytest.mark.asyncio
@pytest.mark.parametrize("failure", ["503", "timeout"])
@pytest.mark.parametrize("name", sorted(NEVER_RETRIED))
async def test_a_submit_amend_pause_or_resume_is_sent_exactly_once(name: str, failure: str) -> None:
    build, action = NEVER_RETRIED[name]
    stub, sleeps = Stub([failure]), Sleeps()
    client = build(stub.transport(), sleeps)
    try:
        with pytest.raises(FAILURES):
            await action(client)
    finally:
        await client.aclose()
    assert len(stub.requests) == 1 and sleeps.waits == []


@pytest.mark.asyncio
async def test_a_cancel_that_fails_twice_then_lands_returns_the_venue_answer() -> None:
    done = httpx.Response(
        200,
        json={"orderId": "ord_1", "status": "cancelled", "cancelledAt": "2024-01-15T10:35:00Z"},
    )
    stub, sleeps = Stub(["503", "timeout", done]), Sleeps()
    client = zenotc(stub.transport(), sleeps)
    try:
        result = await client.cancel_order("ord_1")
    finally:
        await client.aclose()
    assert result.status == "cancelled"
    assert [r.method for r in stub.requests] == ["DELETE"] * 3 and len(sleeps.waits) == 2


@pytest.mark.asyncio
async def test_the_jitter_spreads_retries_within_their_bounds() -> None:
    # Twenty cancels that each fail once: their first waits differ, all in [0.2, 0.4] s.
    outcomes = iter(["503", httpx.Response(200)] * 20)

    def handler(request: httpx.Request) -> httpx.Response:
        outcome = next(outcomes)
        return outcome if isinstance(outcome, httpx.Response) else httpx.Response(503)

    sleeps = Sleeps()
    client = build_async_client("http://venue.test", transport=httpx.MockTransport(handler))
    http = VenueHttp(
        "demo",
        client,
        lambda response: VenueMessage(response.text),
        retry=RetryPolicy(ATTEMPTS, BASE_S, 8.0),
        sleep=sleeps,
    )
    try:
        for _ in range(20):
            await http.request("DELETE", "/orders/1", idempotent=True)
    finally:
        await http.aclose()
    assert len(sleeps.waits) == 20
    assert all(BASE_S / 2 <= wait <= BASE_S for wait in sleeps.waits)
    assert max(sleeps.waits) - min(sleeps.waits) > 0.02


def test_a_wait_the_venue_asked_for_is_never_shortened_by_jitter() -> None:
    policy = RetryPolicy(ATTEMPTS, BASE_S, 8.0)
    unavailable = VenueUnavailable("demo", "busy", 503)
    assert policy.jittered_delay_s(1, unavailable, draw=0.999) == pytest.approx(0.2, abs=1e-3)
    assert policy.jittered_delay_s(1, unavailable, draw=0.0) == BASE_S
    assert policy.jittered_delay_s(1, unavailable, draw=0.999, asked_s=3.0) == 3.0


def test_a_cancel_told_to_wait_waits_as_long_as_the_venue_asks_up_to_a_minute() -> None:
    # A kill switch must not give up because KuCoin's 429 says "come back in 30 s".
    from gui.domain.errors import VenueRateLimited
    from gui.venues.retry import CANCEL_ATTEMPTS, RetryPolicy, should_retry

    policy = RetryPolicy(max_attempts=3, max_delay_s=10.0)
    asked_30 = VenueRateLimited("kucoin_futures", "Too Many Requests", 429, retry_after_s=30.0)
    asked_90 = VenueRateLimited("kucoin_futures", "Too Many Requests", 429, retry_after_s=90.0)

    assert should_retry("DELETE", "/api/v1/orders/1", asked_30, 1, policy, idempotent=True)
    assert should_retry("DELETE", "/api/v1/orders/1", asked_30, 5, policy, idempotent=True)
    assert not should_retry(
        "DELETE", "/api/v1/orders/1", asked_30, CANCEL_ATTEMPTS, policy, idempotent=True
    )
    assert not should_retry("DELETE", "/api/v1/orders/1", asked_90, 1, policy, idempotent=True)
    # A read keeps its own limits unless it is part of a cancel (a cancel-all's listing);
    # a submit is never retried.
    assert not should_retry("GET", "/api/v1/orders", asked_30, 1, policy)
    assert should_retry("GET", "/api/v1/orders", asked_30, 1, policy, idempotent=True)
    assert not should_retry("POST", "/api/v1/orders", asked_30, 1, policy)
