"""Every error example of the Tread.fi document becomes the right domain error, words kept.

Each `resources/*_errors.json` holds one endpoint's error tabs, converted from the doc's
`{"<status>": {"examples": [...]}}` / OpenAPI wrappers into `{status, scenario, body}`
cases (`text` for the plain-text 404 of "Get order details"). The fake venue answers with
each case through the real client; notes §5.2 gives the body shapes and the priority.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from gui.domain.errors import (
    VenueAuthError,
    VenueError,
    VenueNotFound,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)
from gui.venues.treadfi import TreadfiClient, wire
from tests.venues.treadfi.treadfi_fakes import ORDER_ID, RESOURCES, Canned, FakeVenue, load_resource

Call = Callable[[TreadfiClient], Awaitable[object]]

SUBMIT = wire.SubmitOrderRequest(
    pair="BTC-USDT", side="buy", strategy="Market", accounts=["main"], base_asset_qty=Decimal(1)
)

# error catalogue -> (HTTP method, the client call of that endpoint)
CALLS: dict[str, tuple[str, Call]] = {
    "http_orders_list_errors.json": ("GET", lambda c: c.list_orders()),
    "http_orders_active_errors.json": ("GET", lambda c: c.active_orders()),
    "http_orders_submit_errors.json": ("POST", lambda c: c.submit_order(SUBMIT)),
    "http_orders_summary_errors.json": ("GET", lambda c: c.order_summary(ORDER_ID)),
    "http_orders_stats_errors.json": ("GET", lambda c: c.orders_with_stats()),
    "http_orders_detail_errors.json": ("GET", lambda c: c.order_detail(ORDER_ID)),
    "http_orders_custom_id_errors.json": ("GET", lambda c: c.orders_by_custom_order_ids(["a"])),
    "http_messages_order_errors_errors.json": ("GET", lambda c: c.order_errors([ORDER_ID])),
    "http_actions_cancel_errors.json": ("DELETE", lambda c: c.cancel_order(ORDER_ID)),
    "http_actions_pause_errors.json": ("POST", lambda c: c.pause_order(ORDER_ID)),
    "http_actions_resume_errors.json": ("POST", lambda c: c.resume_order(ORDER_ID)),
    "http_actions_amend_errors.json": (
        "POST",
        lambda c: c.amend_order(ORDER_ID, wire.AmendChanges(duration=900)),
    ),
    "http_actions_cancel_all_errors.json": ("POST", lambda c: c.cancel_all_orders()),
    "http_actions_pause_all_errors.json": ("POST", lambda c: c.pause_all_orders()),
    "http_actions_resume_all_errors.json": ("POST", lambda c: c.resume_all_orders()),
}

EXPECTED_TYPE = {
    400: VenueRejected,
    401: VenueAuthError,
    403: VenueAuthError,
    404: VenueNotFound,
    422: VenueRejected,
    500: VenueUnavailable,
}


def _cases() -> Iterator[Any]:
    for name in sorted(CALLS):
        for case in load_resource(name):
            yield pytest.param(name, case, id=f"{name[5:-12]}-{case['status']}-{case['scenario']}")


def _strings(body: Any) -> Iterator[str]:
    if isinstance(body, str):
        yield body
    elif isinstance(body, list):
        for item in body:
            yield from _strings(item)
    elif isinstance(body, dict):
        for value in body.values():
            yield from _strings(value)


def test_every_error_catalogue_has_a_call() -> None:
    assert {path.name for path in RESOURCES.glob("*_errors.json")} == set(CALLS)


@pytest.mark.asyncio
@pytest.mark.parametrize(("name", "case"), list(_cases()))
async def test_doc_error_example_maps_to_domain_error(
    make_client: Callable[..., TreadfiClient], name: str, case: dict[str, Any]
) -> None:
    # Arrange: the fake venue gives this answer to every request.
    fake = FakeVenue(Canned(case["status"], body=case.get("body"), text=case.get("text")))
    method, call = CALLS[name]
    # Act
    with pytest.raises(VenueError) as caught:
        await call(make_client(fake))
    # Assert: the class follows the status, and every word the venue said is kept.
    error = caught.value
    assert type(error) is EXPECTED_TYPE[case["status"]]
    assert error.status_code == case["status"]
    assert error.venue == "treadfi"
    said = [case["text"]] if "text" in case else list(_strings(case["body"]))
    assert said and all(words in error.venue_message for words in said)
    # Reads and cancels are retried on 5xx (FAST_CONFIG: 2 attempts), other writes never.
    cancel = name in ("http_actions_cancel_errors.json", "http_actions_cancel_all_errors.json")
    retried = (method == "GET" or cancel) and case["status"] >= 500
    assert len(fake.requests) == (2 if retried else 1)
    assert {request.method for request in fake.requests} == {method}


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("answer", "message"),
    [
        # notes §5.2, the six shapes, and the priority when several keys are present
        (Canned(401, body={"detail": "Invalid token."}), "Invalid token."),
        (Canned(422, body={"error": "Order is not running."}), "Order is not running."),
        (Canned(400, body={"errors": ["No pair", "Bad side"]}), "No pair; Bad side"),
        (Canned(400, body={"errors": "Need one of the qty fields"}), "Need one of the qty fields"),
        (Canned(400, body={"message": "Invalid after date format"}), "Invalid after date format"),
        (Canned(404, body="No order found with given ID!"), "No order found with given ID!"),
        (Canned(404, text="No order found with given ID!\n"), "No order found with given ID!"),
        (Canned(400, body={"message": "m", "errors": ["e"], "error": "x", "detail": "d"}), "d"),
        (Canned(400, body={"message": "m", "errors": ["e"], "error": ""}), "e"),
        (Canned(400, body={"unexpected": 1}), '{"unexpected": 1}'),
        (Canned(400, body={"error": {"nested": "why"}}), '{"nested": "why"}'),
    ],
)
async def test_error_body_shapes_of_notes_5_2(
    make_client: Callable[..., TreadfiClient], answer: Canned, message: str
) -> None:
    with pytest.raises(VenueError) as caught:
        await make_client(FakeVenue(answer)).pause_order(ORDER_ID)
    assert caught.value.venue_message == message


@pytest.mark.asyncio
async def test_read_recovers_after_one_server_error(
    make_client: Callable[..., TreadfiClient],
) -> None:
    fake = FakeVenue(Canned(500, body={"errors": ["boom"]}), Canned(200, body={"orders": []}))
    page = await make_client(fake).list_orders()
    assert page.orders == [] and len(fake.requests) == 2


@pytest.mark.asyncio
async def test_submit_is_never_retried_even_on_503(
    make_client: Callable[..., TreadfiClient],
) -> None:
    fake = FakeVenue(Canned(503, text="upstream down"), Canned(201, body={}))
    with pytest.raises(VenueUnavailable, match="upstream down"):
        await make_client(fake).submit_order(SUBMIT)
    assert len(fake.requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "answer",
    [Canned(200, text="<html>maintenance</html>"), Canned(200, body={"orders": [{"id": "x"}]})],
)
async def test_unreadable_success_body_is_a_transport_error(
    make_client: Callable[..., TreadfiClient], answer: Canned
) -> None:
    # A 2xx we cannot read is "no usable answer", like a timeout.
    with pytest.raises(VenueTransportError, match="unreadable answer to GET /api/orders/"):
        await make_client(FakeVenue(answer)).list_orders()


@pytest.mark.asyncio
async def test_write_success_is_decided_by_status_alone(
    make_client: Callable[..., TreadfiClient],
) -> None:
    # Cancel's success body is a bare string (notes §7.18); plain text or odd JSON also pass.
    for answer, message in [
        (Canned(200, body="Order canceled!"), "Order canceled!"),
        (Canned(200, text="ok"), "ok"),
        (Canned(204, text=""), ""),
        (Canned(200, body={"status": "done"}), json.dumps({"status": "done"})),
    ]:
        ack = await make_client(FakeVenue(answer)).cancel_order(ORDER_ID)
        assert ack.message == message
