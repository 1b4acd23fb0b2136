"""Garbage for the venue parsers, and what an accepted parse must look like (issue 5 §5).

A uniquely named helper module (not a test module, not `conftest`), shared by
`test_bad_data*.py`. The strategies build what a broken venue, proxy or load balancer can
send: arbitrary bytes, HTML error pages, cut-off JSON, arbitrary JSON trees, and the venue
documents' own example bodies mutated (keys dropped, types swapped, enums replaced with
random text, numbers made huge, tiny, negative, NaN or infinite, values wrapped in lists).

Every strategy is deterministic under `FUZZ` (derandomized, no example database), so a
failure in CI is the same failure on a laptop.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from gui.domain.errors import VenueBadResponse, VenueError

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
"""Settings of the parser fuzz tests: repeatable, a few dozen examples each (< 1 s)."""

FUZZ_ADAPTER = settings(FUZZ, max_examples=25)
"""Settings of the fuzz tests through a whole adapter (an event loop per example)."""

# -- raw bodies -----------------------------------------------------------------------------

HTML_PAGES: tuple[bytes, ...] = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>",
    b"<!DOCTYPE html><html><body><h1>Maintenance</h1><p>Back soon.</p></body></html>",
    b"<html><body>Attention Required! | Cloudflare</body></html>",
    b"",
    b"OK",
    b"null",
    b'"just a string"',
    b"\xef\xbb\xbf{}",  # a UTF-8 byte order mark before the JSON
    b"[" * 5000,  # nested too deeply for the decoder
    b'{"a": NaN}',
    b'{"a": 1e999999}',
    b"9" * 5000,  # an integer of more than 4300 digits
)
"""Bodies every endpoint must survive: proxy pages, empty, non-objects, decoder limits."""

NON_JSON_PAGES: tuple[bytes, ...] = (*HTML_PAGES[:3], b"OK", b"[" * 5000, b"9" * 5000)
"""Of `HTML_PAGES`, those that are not JSON at all: reading them must fail. (An empty body
is left out: Anboto's `order/id` answers an unknown order with one, notes §1.8.9.)"""

_DECIMAL_TEXT = st.sampled_from(
    ["0", "-0", "1", "-1", "0.1", "-0.5", "1e400", "-1e400", "1E+30", "1e-31", "1e-400",
     "NaN", "Infinity", "-Infinity", "sNaN", "1_000", "١٢٣", "0x10", "1,5", "", " ", "abc"]
)  # fmt: skip

WEIRD_NUMBERS: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from([0, -1, -(10**6), 10**30, -(10**30), 10**400, 2**63, 2**64 + 1, True, False]),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E+400")]),
    st.sampled_from([Decimal("-0.001"), Decimal("1E-400"), Decimal("123456789.123456789")]),
    st.integers(),
    st.decimals(allow_nan=True, allow_infinity=True),
    _DECIMAL_TEXT,
)
"""Numbers (and number-like text) out of range, negative, non-finite or malformed."""

ENUM_TEXT: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "buy",
            "BUY",
            " Sell ",
            "SHORT_SELL",
            "sideways",
            "open",
            "done",
            "ACTIVE",
            "CANCELLED",
            "canceled",
            "PARTIAL_FILLED",
            "CANCEL_REJECTED",
            "null",
        ]
    ),  # fmt: skip
    st.text(max_size=12),
)
"""Text where an enum value (status, side, type) belongs: known, unknown, odd spellings."""

JSON_LEAVES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, places=6),
    st.text(max_size=12),
    WEIRD_NUMBERS,
)

JSON_TREES: st.SearchStrategy[Any] = st.recursive(
    JSON_LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=5),
    ),
    max_leaves=25,
)
"""Arbitrary JSON values (Decimals for fractions, possibly non-finite)."""


def dump(value: Any) -> bytes:
    """JSON bytes with Decimals as number literals, non-finite ones as `NaN`/`Infinity`
    (what a sloppy server's encoder writes), and everything else as `json.dumps` would."""

    def encode(item: Any) -> str:
        if isinstance(item, bool) or item is None:
            return json.dumps(item)
        if isinstance(item, Decimal):
            if item.is_nan():
                return "NaN"
            if item.is_infinite():
                return "Infinity" if item > 0 else "-Infinity"
            return str(item)
        if isinstance(item, int | str):
            return json.dumps(item)
        if isinstance(item, dict):
            return (
                "{" + ",".join(f"{json.dumps(str(k))}:{encode(v)}" for k, v in item.items()) + "}"
            )
        if isinstance(item, list | tuple):
            return "[" + ",".join(encode(v) for v in item) + "]"
        raise TypeError(type(item).__name__)

    return encode(value).encode()


# -- mutations of a valid body --------------------------------------------------------------

_DROP = object()
Path = tuple[str | int, ...]


def _paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


def _swap_type(value: Any) -> Any:
    # The same content in the "other" JSON type: what a renamed or retyped field looks like.
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | Decimal):
        return str(value) if not isinstance(value, Decimal) or value.is_finite() else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return {str(index): item for index, item in enumerate(value)}
    if isinstance(value, dict):
        return list(value.values())
    return {}


_SWAP = object()
_WRAP = object()

REPLACEMENTS: st.SearchStrategy[Any] = st.one_of(
    st.just(_DROP),
    st.just(_SWAP),
    st.just(_WRAP),
    st.none(),
    WEIRD_NUMBERS,
    ENUM_TEXT,
    JSON_TREES,
)
"""What one mutation puts at a path: drop it, retype it, wrap it, null, weird values."""


def _apply(doc: Any, path: Path, replacement: Any) -> Any:
    if not path:
        if replacement is _DROP:
            return None
        return _replace(doc, replacement)
    parent = doc
    for part in path:
        container = parent
        if isinstance(container, dict) and part in container:
            parent = container[part]
        elif isinstance(container, list) and isinstance(part, int) and part < len(container):
            parent = container[part]
        else:
            return doc  # an earlier mutation removed or retyped the way there
    last = path[-1]
    if replacement is _DROP:
        del container[last]
    else:
        container[last] = _replace(parent, replacement)
    return doc


def _replace(current: Any, replacement: Any) -> Any:
    if replacement is _SWAP:
        return _swap_type(current)
    if replacement is _WRAP:
        return [current]
    return replacement


def mutations(doc: Any, *, max_mutations: int = 3) -> st.SearchStrategy[Any]:
    """`doc` (a decoded example body) with 1 to `max_mutations` mutations at random paths."""
    paths = list(_paths(doc))

    def build(edits: list[tuple[Path, Any]]) -> Any:
        result = copy.deepcopy(doc)
        for path, replacement in edits:
            result = _apply(result, path, replacement)
        return result

    edit = st.tuples(st.sampled_from(paths), REPLACEMENTS)
    return st.lists(edit, min_size=1, max_size=max_mutations).map(build)


def _cut_off(text: bytes) -> Callable[[int], bytes]:
    # A body cut after `length` bytes: a dropped connection, a proxy's size limit.
    return lambda length: text[:length]


def garbage_bodies(*docs: Any) -> st.SearchStrategy[bytes]:
    """Bodies for one endpoint: raw garbage, cut-off or mutated versions of `docs` (decoded
    valid bodies), and arbitrary JSON."""
    texts = [dump(doc) for doc in docs]
    strategies: list[st.SearchStrategy[bytes]] = [
        st.sampled_from(HTML_PAGES),
        st.binary(max_size=64),
        JSON_TREES.map(dump),
    ]
    for doc, text in zip(docs, texts, strict=True):
        strategies.append(st.just(text))  # the valid body itself: the clean path, every run
        strategies.append(mutations(doc).map(dump))
        strategies.append(st.integers(0, max(len(text) - 1, 0)).map(_cut_off(text)))
    return st.one_of(*strategies)


# -- what comes out -------------------------------------------------------------------------


def check_wire(value: Any, where: str = "answer", *, modelled: bool = True) -> None:
    """A parsed wire model holds no float and only aware UTC datetimes, recursively, and
    every Decimal in a modelled field is finite. Fields kept as extras (not modelled, never
    read) may hold what the body had, `NaN` included, but as a Decimal, never a float."""
    assert not isinstance(value, float), f"float at {where}: {value!r}"
    if isinstance(value, datetime):
        assert value.utcoffset() == timedelta(0), f"not UTC at {where}: {value!r}"
    elif isinstance(value, Decimal):
        assert value.is_finite() or not modelled, f"non-finite at {where}: {value!r}"
    elif isinstance(value, BaseModel):
        for name, item in value.__dict__.items():
            check_wire(item, f"{where}.{name}")
        for name, item in (value.__pydantic_extra__ or {}).items():
            check_wire(item, f"{where}.{name}", modelled=False)
    elif isinstance(value, dict):
        # Raw JSON (an `Any` field, an envelope's data): models inside are checked strictly.
        for name, item in value.items():
            check_wire(item, f"{where}.{name}", modelled=False)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_wire(item, f"{where}[{index}]", modelled=False)


_SIZE_FIELDS = frozenset({"quantity", "filled_qty", "price", "avg_fill_px", "limit_price"})


def check_domain(value: Any, where: str = "report") -> None:
    """A domain report (OrderReport, FillReport, FillAggregate, Instrument, or a list of
    them): money and sizes are finite Decimals (never float), sizes and prices are not
    negative, times are aware UTC."""
    assert not isinstance(value, float), f"float at {where}: {value!r}"
    if isinstance(value, datetime):
        assert value.utcoffset() == timedelta(0), f"not UTC at {where}: {value!r}"
    elif isinstance(value, Decimal):
        assert value.is_finite(), f"non-finite at {where}: {value!r}"
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name in _SIZE_FIELDS and item is not None:
                assert isinstance(item, Decimal), f"{where}.{field.name} is {type(item)}"
                assert item >= 0, f"negative {where}.{field.name}: {item}"
            check_domain(item, f"{where}.{field.name}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_domain(item, f"{where}[{index}]")


def answer(body: bytes, status: int = 200) -> httpx.Response:
    """A venue answer carrying `body` (with its request, as a client would see it)."""
    request = httpx.Request("GET", "http://venue.test/x")
    return httpx.Response(status, content=body, request=request)


def expect_only_venue_errors(call: Callable[[], Any], *, endpoint_prefix: str | None = None) -> Any:
    """Run `call`: return its result, or swallow a `VenueError`; anything else fails.

    With `endpoint_prefix`, a `VenueBadResponse` must name an endpoint starting with it.
    """
    try:
        return call()
    except VenueBadResponse as exc:
        if endpoint_prefix is not None:
            assert exc.endpoint.startswith(endpoint_prefix), exc.endpoint
        assert exc.endpoint in str(exc) and exc.venue in str(exc)
        return None
    except VenueError:
        return None


# -- through a whole adapter ----------------------------------------------------------------

Handler = Callable[[httpx.Request], httpx.Response]


class Garbage:
    """A `httpx.MockTransport` handler: `body` (with `status`) for requests whose method and
    path match `target`, the venue's valid answer (from `valid`) for every other request.

    Attributes:
        seen: Method and path of every request answered with the garbage.
    """

    def __init__(
        self,
        target: tuple[str, str],
        body: bytes,
        valid: Callable[[httpx.Request], httpx.Response],
        *,
        status: int = 200,
        prefix: bool = False,
    ) -> None:
        self.target = target
        self.body = body
        self.valid = valid
        self.status = status
        self.prefix = prefix
        self.seen: list[str] = []

    def hits(self, request: httpx.Request) -> bool:
        method, path = self.target
        if request.method != method:
            return False
        return request.url.path.startswith(path) if self.prefix else request.url.path == path

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.hits(request):
            self.seen.append(f"{request.method} {request.url.path}")
            return httpx.Response(self.status, content=self.body)
        return self.valid(request)


def run_verb(
    build: Callable[[httpx.MockTransport], Any],
    handler: Handler,
    verb: Callable[[Any], Any],
) -> Any:
    """Build an adapter on `handler`, await `verb(adapter)`, close the adapter; returns the
    verb's result (exceptions propagate)."""

    async def scenario() -> Any:
        adapter = build(httpx.MockTransport(handler))
        try:
            return await verb(adapter)
        finally:
            await adapter.aclose()

    return asyncio.run(scenario())


def check_verb_on_garbage(
    build: Callable[[httpx.MockTransport], Any],
    garbage: Garbage,
    verb: Callable[[Any], Any],
    endpoint: str,
    *,
    must_fail: bool,
) -> None:
    """The verb on garbage returns well-formed reports or raises a `VenueError`, nothing
    else; a `VenueBadResponse` names `endpoint` (method and path). With `must_fail` (the
    body is not JSON), it must be a `VenueBadResponse`, unless the garbage was never asked
    for."""
    try:
        result = run_verb(build, garbage, verb)
    except VenueBadResponse as exc:
        assert exc.endpoint == endpoint, (exc.endpoint, endpoint)
        assert endpoint in str(exc) and exc.venue in str(exc)
        return
    except VenueError as exc:
        assert not (must_fail and garbage.seen and garbage.status < 300), repr(exc)
        return
    assert not (must_fail and garbage.seen), f"accepted {garbage.body[:80]!r}"
    check_domain(result)
