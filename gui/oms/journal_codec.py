"""How the journal spells things on disk: the SQLite schema and the JSON of each row.

Orders, fills and tickets are stored as the JSON pydantic makes of the domain dataclasses
(`TypeAdapter(Order).dump_json`): Decimals as their exact string (`"1.000"` stays
`"1.000"`), datetimes as ISO 8601 with their offset, enums as their values, legs, paused
spans and options nested. Fields at their default are left out (`exclude_defaults`): half
the bytes, and reading skips building default options, which is most of the 100,000-order
restore budget; a Decimal equal to its default but spelt otherwise (`filled_qty`
`"0.000"`) makes that row keep every field. Reading them back (`validate_json`) gives equal
objects, Decimal for Decimal digit for digit; a UTC datetime comes back with pydantic's own
UTC `tzinfo` (`pydantic_core.TzInfo`), equal to `datetime.UTC` and with the same offset,
so every comparison, hash and format is unchanged.

A field added to a domain class later with a default reads old rows with that default; a
field removed is ignored. The schema version in `meta` changes only when the tables do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from gui.domain.options import OrderOptions
from gui.domain.orders import Fill, Leg, Order, OrderTicket

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""Version of the tables below, kept in `meta` under `schema_version`."""

# `seq` is each table's rowid: rows come back in the order they were first written with a
# plain table scan, and an order's upsert keeps its row (and so its place) for good. The
# unique constraints (client order id, fill key) are the keys the journal upserts and
# de-duplicates by.
SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS orders (
        seq INTEGER PRIMARY KEY,
        client_order_id TEXT NOT NULL UNIQUE,
        venue TEXT NOT NULL,
        status TEXT NOT NULL,
        json TEXT NOT NULL,
        updated TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS fills (
        seq INTEGER PRIMARY KEY,
        client_order_id TEXT NOT NULL,
        fill_key TEXT NOT NULL UNIQUE,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS tickets (
        client_order_id TEXT PRIMARY KEY,
        json TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS audit (
        seq INTEGER PRIMARY KEY,
        ts TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        scope TEXT NOT NULL,
        result TEXT NOT NULL,
        ids_json TEXT NOT NULL
    )""",
)

UPSERT_ORDER = """
    INSERT INTO orders (client_order_id, venue, status, json, updated) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (client_order_id) DO UPDATE SET
        venue = excluded.venue, status = excluded.status,
        json = excluded.json, updated = excluded.updated
"""
INSERT_FILL = "INSERT OR IGNORE INTO fills (client_order_id, fill_key, json) VALUES (?, ?, ?)"
UPSERT_TICKET = "INSERT OR REPLACE INTO tickets (client_order_id, json) VALUES (?, ?)"
INSERT_AUDIT = (
    "INSERT INTO audit (ts, user, action, scope, result, ids_json) VALUES (?, ?, ?, ?, ?, ?)"
)

OrderRow = tuple[str, str, str, str, str]
"""(client_order_id, venue, status, json, updated ISO 8601): one `UPSERT_ORDER`."""
FillRow = tuple[str, str, str]
"""(client_order_id, fill_key, json): one `INSERT_FILL`."""
AuditRow = tuple[str, str, str, str, str, str]
"""(ts ISO 8601, user, action, scope, result, ids JSON): one `INSERT_AUDIT`."""

_ORDER = TypeAdapter(Order)
_ORDERS = TypeAdapter(list[Order])
_FILL = TypeAdapter(Fill)
_FILLS = TypeAdapter(list[Fill])
_TICKET = TypeAdapter(OrderTicket)


def fill_key(venue: str, fill_id: str) -> str:
    """The journal's de-duplication key of a fill: venue and the venue's fill id, the same
    pair the store de-duplicates by (a unit separator between, which no id contains)."""
    return f"{venue}\x1f{fill_id}"


def order_row(order: Order) -> OrderRow:
    """The `orders` row of an order snapshot."""
    respelled = (
        _respelled(order, _ORDER_DECIMALS)
        or _respelled(order.options, _OPTIONS_DECIMALS)
        or any(_respelled(leg, _LEG_DECIMALS) for leg in order.legs)
    )
    text = _ORDER.dump_json(order, exclude_defaults=not respelled).decode()
    return (order.client_order_id, order.venue, order.status.value, text, iso(order.updated_ts))


def fill_row(fill: Fill) -> FillRow:
    """The `fills` row of a fill."""
    respelled = _respelled(fill, _FILL_DECIMALS)
    text = _FILL.dump_json(fill, exclude_defaults=not respelled).decode()
    return (fill.client_order_id, fill_key(fill.venue, fill.fill_id), text)


def encode_ticket(ticket: OrderTicket) -> str:
    """A ticket's JSON."""
    respelled = _respelled(ticket, _TICKET_DECIMALS) or _respelled(
        ticket.options, _OPTIONS_DECIMALS
    )
    return _TICKET.dump_json(ticket, exclude_defaults=not respelled).decode()


def audit_row(
    ts: datetime, user: str, action: str, scope: str, result: str, client_order_ids: Iterable[str]
) -> AuditRow:
    """The `audit` row of a trader action."""
    return (iso(ts), user, action, scope, result, encode_ids(client_order_ids))


@dataclass(slots=True)
class RowBatch:
    """Rows waiting for one commit, coalesced: each order's latest snapshot once (in the
    place it was first added), each fill once, each ticket's latest.

    Attributes:
        orders: Client order id -> its row.
        fills: Fill key -> its row.
        tickets: Client order id (order or leg) -> the ticket's JSON.
        audit: Audit rows, oldest first.
    """

    orders: dict[str, OrderRow] = field(default_factory=dict)
    fills: dict[str, FillRow] = field(default_factory=dict)
    tickets: dict[str, str] = field(default_factory=dict)
    audit: list[AuditRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.orders) + len(self.fills) + len(self.tickets) + len(self.audit)

    def add_order(self, order: Order) -> None:
        """Upsert an order snapshot; a new order takes the next `seq` when written."""
        self.orders[order.client_order_id] = order_row(order)

    def add_fill(self, fill: Fill) -> None:
        """Insert a fill unless its key is already journaled."""
        row = fill_row(fill)
        self.fills.setdefault(row[1], row)

    def add_ticket(self, client_order_id: str, ticket: OrderTicket) -> None:
        """Store the ticket an order or leg was sent with."""
        self.tickets[client_order_id] = encode_ticket(ticket)

    def write(self, conn: sqlite3.Connection) -> None:
        """Execute every row on `conn` (inside the caller's transaction)."""
        conn.executemany(UPSERT_ORDER, self.orders.values())
        conn.executemany(INSERT_FILL, self.fills.values())
        conn.executemany(UPSERT_TICKET, self.tickets.items())
        conn.executemany(INSERT_AUDIT, self.audit)


def _decimal_defaults(cls: type) -> tuple[tuple[str, Decimal], ...]:
    return tuple(
        (item.name, item.default)
        for item in dataclasses.fields(cls)
        if isinstance(item.default, Decimal)
    )


_ORDER_DECIMALS = _decimal_defaults(Order)
_LEG_DECIMALS = _decimal_defaults(Leg)
_OPTIONS_DECIMALS = _decimal_defaults(OrderOptions)
_FILL_DECIMALS = _decimal_defaults(Fill)
_TICKET_DECIMALS = _decimal_defaults(OrderTicket)


def _respelled(value: object, defaults: tuple[tuple[str, Decimal], ...]) -> bool:
    # exclude_defaults compares by value: Decimal("0.000") == Decimal(0) would be left out
    # and come back as "0".
    for name, default in defaults:
        field_value = getattr(value, name)
        if field_value == default and str(field_value) != str(default):
            return True
    return False


def decode_ticket(text: str) -> OrderTicket:
    """A ticket from its JSON.

    Raises:
        pydantic.ValidationError: The text is not a ticket.
    """
    return _TICKET.validate_json(text)


def decode_tickets(rows: Iterable[tuple[str, str]]) -> TicketBook:
    """Tickets by client order id from (client order id, JSON) rows, each decoded when it is
    first looked up (see `TicketBook`)."""
    return TicketBook(rows)


class TicketBook(MutableMapping[str, OrderTicket]):
    """Client order id -> the ticket the order or leg was sent with; journal rows are kept as
    their JSON and decoded on first look-up.

    Only a working order's ticket is ever needed again (a synthetic resume or a
    cancel/replace sends the remainder with it), so decoding a day's 100,000 tickets at
    start-up would spend 0.3 s of the 2 s restore budget (issue 8, item 5) on tickets
    nobody reads. A row that does not decode is logged and is then no ticket: looking it up
    raises `KeyError` (so `get` gives None), iterating, `len` and `==` leave it out.

    Args:
        rows: (client order id, ticket JSON) rows, as the `tickets` table holds them.
    """

    def __init__(self, rows: Iterable[tuple[str, str]] = ()) -> None:
        self._raw: dict[str, str] = dict(rows)
        self._decoded: dict[str, OrderTicket] = {}

    def __getitem__(self, client_order_id: str) -> OrderTicket:
        ticket = self._decoded.get(client_order_id)
        if ticket is not None:
            return ticket
        text = self._raw.pop(client_order_id)  # KeyError: no such ticket
        try:
            ticket = self._decoded[client_order_id] = _TICKET.validate_json(text)
        except ValidationError:
            log.exception("journal: ticket of %s left out, does not decode", client_order_id)
            raise KeyError(client_order_id) from None
        return ticket

    def __setitem__(self, client_order_id: str, ticket: OrderTicket) -> None:
        self._raw.pop(client_order_id, None)
        self._decoded[client_order_id] = ticket

    def __delitem__(self, client_order_id: str) -> None:
        if self._raw.pop(client_order_id, None) is None:
            del self._decoded[client_order_id]

    def __iter__(self) -> Iterator[str]:
        self._decode_all()
        return iter(self._decoded)

    def __len__(self) -> int:
        self._decode_all()
        return len(self._decoded)

    def take(self, other: TicketBook) -> None:
        """Add every ticket of `other` (a later one replaces one of the same id), leaving
        its rows undecoded."""
        for client_order_id in other._decoded.keys() & self._raw.keys():
            del self._raw[client_order_id]
        for client_order_id in other._raw.keys() & self._decoded.keys():
            del self._decoded[client_order_id]
        self._raw.update(other._raw)
        self._decoded.update(other._decoded)

    def _decode_all(self) -> None:
        for client_order_id in list(self._raw):
            with contextlib.suppress(KeyError):
                self[client_order_id]


def decode_orders(texts: Sequence[str]) -> list[Order]:
    """Orders from their JSON, in the same order; a row that does not decode is logged
    and left out (the rest still load)."""
    return _decode_all(texts, _ORDERS, _ORDER, "order")


def decode_fills(texts: Sequence[str]) -> list[Fill]:
    """Fills from their JSON, in the same order; a row that does not decode is logged and
    left out."""
    return _decode_all(texts, _FILLS, _FILL, "fill")


T = TypeVar("T")


def _decode_all(
    texts: Sequence[str], many: TypeAdapter[list[T]], one: TypeAdapter[T], what: str
) -> list[T]:
    # One validate_json over a JSON array costs far less per row than a call per row
    # (the 100,000-order restore budget); only a bad row sends us row by row.
    if not texts:
        return []
    try:
        return many.validate_json("[" + ",".join(texts) + "]")
    except ValidationError:
        pass
    decoded: list[T] = []
    for number, text in enumerate(texts, start=1):
        try:
            decoded.append(one.validate_json(text))
        except ValidationError:
            log.exception(
                "journal: %s row %d left out, does not decode: %.200s", what, number, text
            )
    return decoded


def iso(ts: datetime) -> str:
    """An aware datetime as ISO 8601 text with its offset."""
    return ts.isoformat()


def encode_ids(client_order_ids: Iterable[str]) -> str:
    """Client order ids as a JSON array."""
    return json.dumps(list(client_order_ids))


def decode_ids(text: str) -> tuple[str, ...]:
    """Client order ids from their JSON array."""
    return tuple(str(item) for item in json.loads(text))
