"""How the client turns Anboto's answers into domain errors (notes §1.6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gui.domain.errors import (
    VenueAuthError,
    VenueRateLimited,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)
from gui.venues.anboto import wire
from tests.venues.anboto.anboto_fakes import Canned, FakeAnboto, Recorded
from tests.venues.anboto.conftest import ClientFactory

D = Decimal
ORDER = wire.CreateParentOrderRequest(
    exchange="BINANCE", symbol="BTC/USDT", asset_class="SPOT", side="BUY", quantity=D(1),
    strategy="MARKET",
)  # fmt: skip


def always(answer: Canned) -> FakeAnboto:
    return FakeAnboto(route=lambda recorded: answer)


@pytest.mark.asyncio
async def test_400_with_a_body_keeps_the_code_and_words(make_client: ClientFactory) -> None:
    body = {"errorCode": "INVALID_ORDER", "message": "quantity below minimum"}
    client = make_client(always(Canned(400, body)))
    with pytest.raises(VenueRejected, match="quantity below minimum") as caught:
        await client.create_order(ORDER)
    assert (caught.value.status_code, caught.value.venue_code) == (400, "INVALID_ORDER")


@pytest.mark.asyncio
async def test_400_without_a_body_is_still_a_rejection(make_client: ClientFactory) -> None:
    # The doc's 400 has schema "None" (notes §1.6).
    client = make_client(always(Canned(400)))
    with pytest.raises(VenueRejected) as caught:
        await client.create_order(ORDER)
    assert caught.value.status_code == 400 and caught.value.venue_code == ""


@pytest.mark.asyncio
async def test_401_is_an_auth_error(make_client: ClientFactory) -> None:
    client = make_client(always(Canned(401, text="Invalid Signature")))
    with pytest.raises(VenueAuthError, match="Invalid Signature"):
        await client.open_orders()


@pytest.mark.asyncio
async def test_an_authentication_code_in_a_400_is_an_auth_error(
    make_client: ClientFactory,
) -> None:
    client = make_client(always(Canned(400, {"errorCode": "INVALID_TIMESTAMP", "message": "ts"})))
    with pytest.raises(VenueAuthError) as caught:
        await client.open_orders()
    assert caught.value.venue_code == "INVALID_TIMESTAMP"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [
        Canned(429, text="Too Many Requests"),
        Canned(400, {"errorCode": "RATE_LIMIT_EXCEEDED", "message": "slow down"}),
        Canned(400, {"errorCode": "DDOS_PROTECTION"}),
    ],
    ids=["429", "rate-limit-code", "ddos-code"],
)
async def test_throttling_is_a_rate_limit_error(make_client: ClientFactory, answer: Canned) -> None:
    fake = always(answer)
    client = make_client(fake)
    with pytest.raises(VenueRateLimited):
        await client.create_order(ORDER)
    assert len(fake.requests) == 1  # a create is never sent twice


@pytest.mark.asyncio
async def test_5xx_is_unavailable_and_only_reads_are_retried(make_client: ClientFactory) -> None:
    fake = always(Canned(503, text="<html><h1>503 Service Unavailable</h1></html>"))
    client = make_client(fake)
    with pytest.raises(VenueUnavailable, match="503 Service Unavailable"):
        await client.open_orders()
    assert len(fake.requests) == 2  # FAST_CONFIG: two attempts per read
    with pytest.raises(VenueUnavailable):
        await client.create_order(ORDER)
    assert len(fake.requests) == 3


@pytest.mark.asyncio
async def test_an_unreadable_2xx_is_a_transport_error(make_client: ClientFactory) -> None:
    client = make_client(always(Canned(201, text="<html>ok</html>")))
    with pytest.raises(VenueTransportError, match="unreadable answer"):
        await client.create_order(ORDER)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "statuses"),
    [
        (Canned(200, {"orderId": 1, "status": "PENDING_CANCEL"}), ["PENDING_CANCEL"]),
        (
            Canned(
                200,
                {
                    "responses": [
                        {"orderId": 1, "status": "PENDING_CANCEL"},
                        {"orderId": 2, "status": "REJECTED"},
                    ]
                },
            ),
            ["PENDING_CANCEL", "REJECTED"],
        ),
        (Canned(200), []),
    ],
    ids=["single-summary", "responses-list", "empty"],
)
async def test_cancel_many_reads_every_answer_shape(
    make_client: ClientFactory, answer: Canned, statuses: list[str]
) -> None:
    client = make_client(always(answer))
    items = [wire.CancelParentOrderRequest(order_id=1), wire.CancelParentOrderRequest(order_id=2)]
    assert [s.status for s in await client.cancel_many(items)] == statuses


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [Canned(200), Canned(200, text="null"), Canned(200, {}), Canned(200, {"responses": []})],
    ids=["empty", "null", "object", "empty-list"],
)
async def test_get_order_with_nothing_is_none(make_client: ClientFactory, answer: Canned) -> None:
    client = make_client(always(answer))
    assert await client.get_order(client_order_id="nope") is None


@pytest.mark.asyncio
async def test_batches_are_refused_above_the_limit_before_sending(
    make_client: ClientFactory,
) -> None:
    fake = FakeAnboto()
    client = make_client(fake)
    with pytest.raises(ValueError, match="1-50"):
        await client.create_many([ORDER] * 51, all_or_none=True)
    with pytest.raises(ValueError, match="1-50"):
        await client.cancel_many([])
    with pytest.raises(ValueError, match="exactly one"):
        await client.get_order(order_id=1, client_order_id="x")
    assert fake.requests == []


@pytest.mark.asyncio
async def test_create_many_sends_all_or_none(make_client: ClientFactory) -> None:
    seen: list[Recorded] = []

    def record(recorded: Recorded) -> None:
        seen.append(recorded)  # and let the fake answer

    fake = FakeAnboto(route=record)
    client = make_client(fake)
    answer = await client.create_many([ORDER, ORDER.model_copy(update={"quantity": D(5000)})],
                                      all_or_none=False)  # fmt: skip
    assert [s.status for s in answer.responses] == ["PENDING_NEW", "REJECTED"]
    assert answer.responses[1].error_code == "INSUFFICIENT_FUNDS"
    assert seen[0].body.endswith(b'],"allOrNone":false}')
