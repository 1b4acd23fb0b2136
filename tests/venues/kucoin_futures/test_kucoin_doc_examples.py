"""Every response the KuCoin Futures document shows parses, through every client method.

The document's "Example responses > 200 Response" blocks are JSON Schemas, not sample bodies
(Widdershins rendered them so; notes §0). They are copied verbatim into
`resources/doc_schemas/` (one file per operation), and each test builds the bodies they
describe: every field set (strings "1", enums their first value, integers 1, booleans false,
one item per array) and every field null (real payloads put null in "required" fields, notes
§6.4). The real payloads the notes quote ([EXT] SDK tests, ccxt) are in `resources/http_*`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from gui.domain.orders import OrderStatus
from gui.venues.kucoin_futures import KucoinFuturesClient, parsing, wire
from gui.venues.kucoin_futures.wire_requests import OrderRequest, TpSlOrderRequest
from tests.venues.kucoin_futures.conftest import ClientFactory
from tests.venues.kucoin_futures.kucoin_fakes import RESOURCES, FakeKucoin, load_resource

D = Decimal
SCHEMAS = sorted((RESOURCES / "doc_schemas").glob("opId*.json"))
ORDER = OrderRequest(
    client_oid="c-1", side="buy", symbol="XBTUSDTM", leverage=1, type="market", size=1
)
TPSL = TpSlOrderRequest(
    client_oid="c-2",
    side="buy",
    symbol="XBTUSDTM",
    leverage=1,
    type="market",
    size=1,
    trigger_stop_up_price=D("70000"),
    trigger_stop_down_price=D("60000"),
)

Call = Callable[[KucoinFuturesClient], Awaitable[Any]]
# operation id -> (concrete path the call hits, the client method, the wire type of `data`)
CALLS: dict[str, tuple[str, Call, Any]] = {
    "opId001": ("/api/v1/orders", lambda c: c.add_order(ORDER), wire.OrderAck),
    "opId002": ("/api/v1/orders/test", lambda c: c.add_order_test(ORDER), wire.OrderAck),
    "opId003": (
        "/api/v1/orders/multi",
        lambda c: c.batch_add_orders([ORDER]),
        list[wire.BatchOrderAck],
    ),
    "opId004": ("/api/v1/st-orders", lambda c: c.add_tpsl_order(TPSL), wire.OrderAck),
    "opId005": ("/api/v1/orders/42", lambda c: c.cancel_order("42"), wire.CancelledOrderIds),
    "opId006": (
        "/api/v1/orders/client-order/c-1",
        lambda c: c.cancel_order_by_client_oid("c-1", "XBTUSDTM"),
        wire.CancelledClientOid,
    ),
    "opId007": (
        "/api/v1/orders/multi-cancel",
        lambda c: c.batch_cancel_orders(order_ids=["42"]),
        list[wire.BatchCancelResult],
    ),
    "opId008": (
        "/api/v3/orders",
        lambda c: c.cancel_all_orders("XBTUSDTM"),
        wire.CancelledOrderIds,
    ),
    "opId009": ("/api/v1/stopOrders", lambda c: c.cancel_all_stop_orders(), wire.CancelledOrderIds),
    "opId010": ("/api/v1/orders/42", lambda c: c.order("42"), wire.Order),
    "opId011": (
        "/api/v1/orders/byClientOid",
        lambda c: c.order_by_client_oid("c-1"),
        wire.Order,
    ),
    "opId012": ("/api/v1/orders", lambda c: c.order_list("done"), wire.Page[wire.Order]),
    "opId013": ("/api/v1/recentDoneOrders", lambda c: c.recent_closed_orders(), list[wire.Order]),
    "opId014": ("/api/v1/stopOrders", lambda c: c.stop_order_list(), wire.Page[wire.Order]),
    "opId015": (
        "/api/v1/openOrderStatistics",
        lambda c: c.open_order_statistics("XBTUSDTM"),
        wire.OpenOrderStatistics,
    ),
    "opId016": ("/api/v1/recentFills", lambda c: c.recent_fills(), list[wire.Fill]),
    "opId017": ("/api/v1/fills", lambda c: c.fills(), wire.Page[wire.Fill]),
    "opId018": ("/api/v1/orders", lambda c: c.cancel_all_orders_v1(), wire.CancelledOrderIds),
}


def instance(schema: dict[str, Any], *, null_leaves: bool = False) -> Any:
    """A body the schema describes: every property present."""
    kind = schema.get("type")
    if kind == "object":
        return {
            name: instance(sub, null_leaves=null_leaves)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [instance(schema["items"], null_leaves=null_leaves)]
    if null_leaves:
        return None
    if schema.get("enum"):
        return next(value for value in schema["enum"] if value != "")
    return {"string": "1", "integer": 1, "number": 1.5, "boolean": False}[kind]


def _doc(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def _ids() -> list[str]:
    return [path.stem for path in SCHEMAS]


def test_all_eighteen_operations_are_covered() -> None:
    assert len(SCHEMAS) == 18
    assert {_doc(path)["operation_id"] for path in SCHEMAS} == set(CALLS)


def _aliases(model: type[BaseModel]) -> set[str]:
    return {field.alias or name for name, field in model.model_fields.items()}


def _item_model(data_type: Any) -> type[BaseModel]:
    args = getattr(data_type, "__args__", ())
    if args:  # list[X]
        return args[0]  # type: ignore[no-any-return]
    if issubclass(data_type, wire.Page):
        return data_type.model_fields["items"].annotation.__args__[0]  # type: ignore[no-any-return,union-attr]
    return data_type  # type: ignore[no-any-return]


@pytest.mark.parametrize("schema_path", SCHEMAS, ids=_ids())
def test_every_documented_field_is_modelled(schema_path: Path) -> None:
    doc = _doc(schema_path)
    data = doc["schema"]["properties"]["data"]
    fields_schema = data["items"] if data.get("type") == "array" else data
    if "items" in fields_schema.get("properties", {}):  # a Page
        fields_schema = fields_schema["properties"]["items"]["items"]
    model = _item_model(CALLS[doc["operation_id"]][2])
    documented = set(fields_schema.get("properties", {}))
    assert documented <= _aliases(model), documented - _aliases(model)


@pytest.mark.asyncio
@pytest.mark.parametrize("null_leaves", [False, True], ids=["filled", "nulls"])
@pytest.mark.parametrize("schema_path", SCHEMAS, ids=_ids())
async def test_each_documented_response_parses_through_its_client_method(
    make_client: ClientFactory, schema_path: Path, null_leaves: bool
) -> None:
    # Arrange: the body the document's schema describes, on the operation's route.
    doc = _doc(schema_path)
    path, call, data_type = CALLS[doc["operation_id"]]
    body = instance(doc["schema"], null_leaves=null_leaves)
    body["code"] = "200000"
    fake = FakeKucoin().on(doc["method"], path, _response(body))

    # Act
    result = await call(make_client(fake))

    # Assert: the documented method and path were used, and the body parsed.
    sent = fake.requests[-1]
    template = re.sub(r"\{[^}]+\}", "[^/]+", doc["path"])
    assert sent.method == doc["method"]
    assert re.fullmatch(template, sent.url.path)
    assert result == TypeAdapter(data_type).validate_python(wire.loads(json.dumps(body["data"])))


def _response(body: Any) -> Any:
    import httpx

    return httpx.Response(200, content=json.dumps(body).encode())


def test_documented_numbers_parse_to_exact_decimals() -> None:
    # stopPrice is an integer in the list schema, a number by id, a string in stopOrders.
    for raw in ("3000", "3000.1", '"3000.1"', "null"):
        order = wire.Order.model_validate(wire.loads(f'{{"stopPrice": {raw}}}'))
        expected = None if raw == "null" else D(raw.strip('"'))
        assert order.stop_price == expected
    assert wire.Order.model_validate(wire.loads('{"price": 0.1}')).price == D("0.1")


# resource file -> (where it comes from, wire type of its `data`)
REAL_BODIES: dict[str, tuple[str, Any]] = {
    "http_orders_add_ok.json": ("notes §2.2(1), SDK test", wire.OrderAck),
    "http_orders_batch_add_ok.json": (
        "notes §2.2(3) + a failed item (§6.9)",
        list[wire.BatchOrderAck],
    ),
    "http_orders_cancel_ok.json": ("notes §2.2(5)", wire.CancelledOrderIds),
    "http_orders_cancel_client_oid_ok.json": (
        "notes §2.2(6), ccxt PR 20435",
        wire.CancelledClientOid,
    ),
    "http_orders_batch_cancel_ok.json": (
        "notes §2.2(7) + a 100004 item",
        list[wire.BatchCancelResult],
    ),
    "http_orders_list_active.json": ("notes §2.4 SDK open order, in a page", wire.Page[wire.Order]),
    "http_orders_by_id_open.json": ("notes §2.4 SDK open order", wire.Order),
    "http_orders_recent_done.json": (
        "notes §2.4 filled market order over the open one",
        list[wire.Order],
    ),
    "http_orders_stop_list_legacy.json": (
        "notes §2.4 legacy stop list values",
        wire.Page[wire.Order],
    ),
    "http_orders_statistics_ok.json": ("notes §2.2(16)", wire.OpenOrderStatistics),
    "http_fills_recent_ok.json": ("notes §2.5 real example column", list[wire.Fill]),
    "http_fills_page_ok.json": (
        "notes §2.5 + /fills tax fields + ccxt inverse fill",
        wire.Page[wire.Fill],
    ),
    "http_contracts_active_ok.json": ("outside the document: contract table", list[wire.Contract]),
    "http_server_time_ok.json": ("outside the document: server time", int),
    "http_success_without_data.json": ("notes §1.5 success without data", Any),
}


@pytest.mark.parametrize("name", sorted(REAL_BODIES))
def test_real_bodies_parse(name: str) -> None:
    body = wire.Envelope.model_validate(wire.loads((RESOURCES / name).read_bytes()))
    assert body.code in wire.SUCCESS_CODES
    TypeAdapter(REAL_BODIES[name][1]).validate_python(body.data)


def test_real_orders_map_to_the_expected_statuses() -> None:
    contracts = TypeAdapter(list[wire.Contract]).validate_python(
        wire.loads((RESOURCES / "http_contracts_active_ok.json").read_bytes())["data"]
    )
    btc = next(item for item in parsing.instruments(contracts) if item.symbol == "XBTUSDTM")
    open_order = wire.Order.model_validate(load_resource("http_orders_by_id_open.json")["data"])
    done = wire.Order.model_validate(load_resource("http_orders_recent_done.json")["data"][0])
    stop = wire.Order.model_validate(
        load_resource("http_orders_stop_list_legacy.json")["data"]["items"][0]
    )
    fills = TypeAdapter(list[wire.Fill]).validate_python(
        wire.loads((RESOURCES / "http_fills_recent_ok.json").read_bytes())["data"]
    )

    working = parsing.order_report(open_order, btc)
    filled = parsing.order_report(done, btc, fills=fills)
    scheduled = parsing.order_report(stop, btc, from_stop_list=True)

    assert (working.status, working.quantity, working.limit_price) == (
        OrderStatus.WORKING,
        D("0.001"),
        D("0.1"),
    )
    assert (filled.status, filled.filled_qty, filled.avg_fill_px) == (
        OrderStatus.FILLED,
        D("0.001"),
        D("67430.9"),
    )
    assert filled.fills is not None and filled.fills[0].fee == D("0.04045854")
    assert filled.fills[0].quantity * filled.fills[0].price == D("67.4309")  # the fill's value
    assert scheduled.status == OrderStatus.SCHEDULED
