"""Helpers of the Anboto tests: the doc's example bodies, fixed test keys, a small in-memory
Anboto that checks signatures with its own HMAC, and fast settings.

A uniquely named module (not `conftest`) so test modules can import it. The keys below
were made for these tests and are not real.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx

from gui.venues.anboto import AnbotoConfig, AnbotoCredentials
from tests.helpers import exact_json

RESOURCES = Path(__file__).parent / "resources"
API_KEY = "test-key-0001"
API_SECRET = "test-secret-not-real"
CREDENTIALS = AnbotoCredentials(API_KEY, api_secret=API_SECRET)

# A 1024-bit RSA key made with `openssl genpkey` for these tests only.
RSA_PRIVATE_KEY_PEM = """-----BEGIN PRIVATE KEY-----
MIICeQIBADANBgkqhkiG9w0BAQEFAASCAmMwggJfAgEAAoGBAOB722yDpI0Fik9O
B+mk3VPJ1s0eC6xm/k7p+hqqLDvk8B/05xPgWQVIuCf4M+HAV6iiWHfgeqZqeHj2
Ddm9E/+hD8pUSS29pOmfzTYEBZUIDUdZNLO323h7JnMk5ydJFSGSdCA0if2osqvM
J6AWTV/6a3aU9jrNLh8jsmO7N0qvAgMBAAECgYEA3mo5RHHGBqdXmy2f72GWnN7d
gUtkm4NMMpnmYKb8vrcdJzx5+xqMeQzM0WU82k69S2rWpqd2Pg49oPOBU5vgA8rh
20l4Ahx3rPqbuOAlTBzowPMMDmxRwNTzrkATXHRUg7pq1xbsWUiAuNQv8mJ32KWJ
YBNlIMKraO2Kfje5gxkCQQDwEfM7jrTZxEXIfUeUDWkSCYQMNpATxwl7coDaAYEj
dBHM4tfZBr9ejopDfRErIa9vsEJrzN2UFo+JFbKBd3btAkEA72Ek1YLZSniCHZbD
zKtZwKs97wza1TT5fznPZvUiFuFaJdNys30HchtDUFMSRijHkpi1S5AxRsehvF7J
pxGYiwJBAM2eUjo8rGGoXiyuQNRp+Ahe5h6fzR9jZpe5JuuSRk1baLOXx1A3G0md
xIaxZDcRDvYWfY1fVpk0CZRcZRvGerECQQCFSzWkgokWc8YYTdRXim6e33vMOf88
y5PGaV14+jTyQqfc+kIbehqESnQQLUG2uYxvsAL7wZ3+yLjh2HI3SpADAkEApiIE
+/7RPQ0y99o2GcIEDPW+G48YDu9JjObipsj4TgCoIKD3cFSRs9ggp6KxbH38/LTu
ZLHIaQCEZi84+Q7Btw==
-----END PRIVATE KEY-----
"""
RSA_PUBLIC_KEY_PEM = """-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDge9tsg6SNBYpPTgfppN1TydbN
HgusZv5O6foaqiw75PAf9OcT4FkFSLgn+DPhwFeoolh34Hqmanh49g3ZvRP/oQ/K
VEktvaTpn802BAWVCA1HWTSzt9t4eyZzJOcnSRUhknQgNIn9qLKrzCegFk1f+mt2
lPY6zS4fI7JjuzdKrwIDAQAB
-----END PUBLIC KEY-----
"""

# Fast, deterministic settings: the throttle never waits, reads are tried twice.
FAST_CONFIG = AnbotoConfig(
    base_url="http://anboto.test",
    max_requests_per_s=10_000,
    burst=10_000,
    read_attempts=2,
    retry_base_delay_s=0.0,
)
ORDER = "/api/v2/trading/order"


def resource_text(name: str) -> str:
    """The text of `resources/<name>`, exactly as extracted from the doc."""
    return (RESOURCES / name).read_text()


def load_resource(name: str) -> Any:
    """`resources/<name>` parsed with exact decimals."""
    return json.loads(resource_text(name), parse_float=Decimal)


@dataclass(frozen=True)
class Canned:
    """One answer: a JSON body, raw text when `text` is set, or nothing."""

    status: int = 200
    body: Any = None
    text: str | None = None


@dataclass(frozen=True)
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body, parse_float=Decimal)

    def params(self) -> dict[str, list[str]]:
        return parse_qs(self.query, keep_blank_values=True)


Route = Callable[[Recorded], Canned | None]


def reference_signature(secret: str, recorded: Recorded) -> str:
    """The reference doc's HMAC, written here independently of `gui.venues.anboto.auth`:
    hex(HMAC-SHA256(secret, ts + key + (recv window) + (query | body)))."""
    headers = recorded.headers
    payload = recorded.body.decode() if recorded.body else recorded.query
    message = (
        headers.get("anboto-ts", "")
        + headers.get("anboto-api-key", "")
        + headers.get("anboto-recv-window", "")
        + payload
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@dataclass
class FakeAnboto:
    """A small Anboto: keeps orders, checks reference-doc signatures, records requests.

    `route(request)` may answer first (canned faults); otherwise: create -> PENDING_NEW
    (REJECTED with `INSUFFICIENT_FUNDS` above 1000 units), cancel -> PENDING_CANCEL and
    CANCELLED on the next read, unknown ids -> 400 with an `errorCode` body. `fill(id, qty,
    price)` adds a child fill.
    """

    route: Route | None = None
    secret: str = API_SECRET
    requests: list[Recorded] = field(default_factory=list)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 1000

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path.removeprefix(ORDER)}" for r in self.requests]

    def fill(self, order_id: int, quantity: Decimal, price: Decimal) -> None:
        order = self.orders[order_id]
        filled, average = order["filledQuantity"], order["averagePrice"]
        total = filled + quantity
        order["averagePrice"] = (filled * average + quantity * price) / total
        order["filledQuantity"] = total
        order["leavesQuantity"] = order["quantity"] - total
        order["lastQuantity"], order["lastPrice"] = quantity, price
        order["status"] = "FILLED" if order["leavesQuantity"] == 0 else "PARTIALLY_FILLED"

    def _handle(self, request: httpx.Request) -> httpx.Response:
        recorded = Recorded(
            method=request.method,
            path=request.url.path,
            query=request.url.query.decode(),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        self.requests.append(recorded)
        answer = self.route(recorded) if self.route is not None else None
        if answer is None:
            answer = self._answer(recorded)
        if answer.text is not None:
            content = answer.text.encode()
        elif answer.body is None:
            content = b""
        else:
            content = exact_json(answer.body).encode()
        return httpx.Response(
            answer.status, headers={"content-type": "application/json"}, content=content
        )

    def _answer(self, request: Recorded) -> Canned:
        if request.headers.get("anboto-sign") != reference_signature(self.secret, request):
            return Canned(401, {"errorCode": "AUTHENTICATION_ERROR", "message": "bad sign"})
        action = request.path.removeprefix(ORDER)
        if request.method == "POST" and action == "/create":
            return Canned(201, self._create(request.json()))
        if request.method == "POST" and action == "/createMany":
            body = request.json()
            return Canned(201, {"responses": [self._create(item) for item in body["orders"]]})
        if request.method == "POST" and action == "/cancel":
            return self._cancel(request.json())
        if request.method == "POST" and action == "/cancelMany":
            answers = [self._cancel(item) for item in request.json()["orders"]]
            return answers[0]  # the doc: one OrderSummary for the batch
        params = request.params()
        if action == "/open":
            live = [o for o in self.orders.values() if o["status"] not in _DONE]
            return Canned(200, {"responses": [self._details(o) for o in live]})
        if action == "/find":
            ids = {int(i) for i in params.get("orderIds", [])}
            client_ids = set(params.get("clientOrderIds", []))
            found = [
                o
                for o in self.orders.values()
                if o["orderId"] in ids or o["clientOrderId"] in client_ids
            ]
            return Canned(200, {"responses": [self._details(o) for o in found]})
        if action == "/id":
            if "orderId" in params:
                order = self.orders.get(int(params["orderId"][0]))
            else:
                wanted = params["clientOrderId"][0]
                order = next(
                    (o for o in self.orders.values() if o["clientOrderId"] == wanted), None
                )
            if order is None:
                return Canned(400, {"errorCode": "INVALID_ORDER", "message": "order not found"})
            return Canned(200, self._details(order))
        return Canned(404, text="no route")

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        rejected = body["quantity"] > 1000
        order = dict(body) | {
            "orderId": self.next_id,
            "status": "REJECTED" if rejected else "PENDING_NEW",
            "filledQuantity": Decimal(0),
            "leavesQuantity": Decimal(0) if rejected else body["quantity"],
            "lastQuantity": Decimal(0),
            "lastPrice": Decimal(0),
            "averagePrice": Decimal(0),
        }
        self.orders[self.next_id] = order
        summary = {
            "orderId": self.next_id,
            "clientOrderId": body.get("clientOrderId"),
            "status": order["status"],
            "createdAt": "2024-01-02T09:00:00Z",
        }
        if rejected:
            summary |= {"errorCode": "INSUFFICIENT_FUNDS", "message": "not enough USDT"}
        return summary

    def _cancel(self, body: dict[str, Any]) -> Canned:
        order = self.orders.get(body.get("orderId", -1))
        if order is None or order["status"] in _DONE:
            return Canned(400, {"errorCode": "INVALID_ORDER", "message": "cannot cancel"})
        order["status"] = "PENDING_CANCEL"
        summary = {"orderId": order["orderId"], "status": "PENDING_CANCEL"}
        return Canned(200, summary | {"createdAt": "2024-01-02T09:00:00Z"})

    @staticmethod
    def _details(order: dict[str, Any]) -> dict[str, Any]:
        details = {key: order[key] for key in _DETAILS}
        if order["status"] == "PENDING_CANCEL":  # the cancel completes once it was seen
            order["status"] = "CANCELLED"
            order["leavesQuantity"] = Decimal(0)
        elif order["status"] == "PENDING_NEW":
            order["status"] = "ACCEPTED"
        return details


_DONE = frozenset({"FILLED", "CANCELLED", "REJECTED", "EXPIRED"})
_DETAILS = (
    "orderId",
    "clientOrderId",
    "symbol",
    "assetClass",
    "exchange",
    "status",
    "filledQuantity",
    "leavesQuantity",
    "side",
    "lastQuantity",
    "lastPrice",
    "averagePrice",
)
