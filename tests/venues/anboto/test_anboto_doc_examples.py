"""Every example body of the Anboto document parses, exactly, and our request models
spell the doc's request bodies the same way.

The bodies live in `resources/`, copied verbatim from api-reference.md: one response per
endpoint ("> 200/201 Response") and the four "> Body parameter" requests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel

from gui.domain.orders import OrderStatus, Side
from gui.venues.anboto import parsing, wire
from tests.venues.anboto.anboto_fakes import RESOURCES, load_resource, resource_text

# resource file -> (endpoint, wire model)
RESPONSES: dict[str, tuple[str, type[BaseModel]]] = {
    "http_order_create_response.json": ("createOrder 201", wire.OrderSummary),
    "http_order_create_many_response.json": ("createBatchOrders 201", wire.OrderSummaryList),
    "http_order_cancel_response.json": ("cancelOrder 200", wire.OrderSummary),
    "http_order_cancel_many_response.json": ("cancelMany 200", wire.OrderSummary),
    "http_order_find_response.json": ("getOrders 200", wire.OrderDetailsList),
    "http_order_id_response.json": ("getOrder 200", wire.OrderDetails),
    "http_order_open_response.json": ("getOpenOrders 200", wire.OrderDetailsList),
}


def test_every_response_resource_is_listed() -> None:
    assert {path.name for path in RESOURCES.glob("*_response.json")} == set(RESPONSES)


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_doc_response_parses(name: str) -> None:
    model = RESPONSES[name][1].model_validate(wire.loads(resource_text(name)))
    assert model.model_dump(exclude_none=True)  # something was read


def test_order_summary_example_fields() -> None:
    summary = wire.OrderSummary.model_validate(load_resource("http_order_create_response.json"))
    assert (summary.order_id, summary.client_order_id, summary.status) == (
        "0",
        "string",
        "PENDING_NEW",
    )
    assert summary.created_at == datetime(2019, 8, 24, 14, 15, 22, tzinfo=UTC)
    assert (summary.message, summary.error_code) == ("string", "OTHER")


def test_cancel_many_single_summary_reads_as_a_list_of_one() -> None:
    answer = wire.OrderSummaryList.model_validate(
        load_resource("http_order_cancel_many_response.json")
    )
    assert [s.status for s in answer.responses] == ["PENDING_NEW"]


@pytest.mark.parametrize("name", ["http_order_find_response.json", "http_order_open_response.json"])
def test_details_list_example_becomes_a_report(name: str) -> None:
    (details,) = wire.OrderDetailsList.model_validate(load_resource(name)).responses
    assert details.filled_quantity == Decimal(0) and details.exchange == "BINANCE"
    report = parsing.details_report(details, account="a", sent=None, now=datetime.now(UTC))
    assert report.status is OrderStatus.PENDING_NEW and report.side is Side.BUY
    assert report.venue_order_id == "0" and report.quantity == 0 and report.avg_fill_px is None


def test_create_request_model_spells_the_doc_body() -> None:
    body = load_resource("http_order_create_request.json")
    request = wire.CreateParentOrderRequest.model_validate(body)
    assert request.body() == body
    assert list(request.body()) == list(body)  # same field order as the doc


def test_create_many_request_model_spells_the_doc_body() -> None:
    body = load_resource("http_order_create_many_request.json")
    orders = [wire.CreateParentOrderRequest.model_validate(o) for o in body["orders"]]
    assert {"orders": [o.body() for o in orders], "allOrNone": True} == body


@pytest.mark.parametrize(
    "name", ["http_order_cancel_request.json", "http_order_cancel_many_request.json"]
)
def test_cancel_request_models_spell_the_doc_bodies(name: str) -> None:
    body = load_resource(name)
    items = body["orders"] if "orders" in body else [body]
    rebuilt = [wire.CancelParentOrderRequest.model_validate(item).body() for item in items]
    assert rebuilt == items
