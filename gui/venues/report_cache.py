"""Reports of unchanged orders reused, poll after poll (issue 8 §3, "unchanged orders cost
nothing downstream").

Each adapter maps its wire orders to `OrderReport`s through one `ReportCache`: per venue
order id it keeps the wire model the last report was built from, what else went into it
(the context: fills read separately, what the desk sent, a clock-dependent flag...) and the
report. When a poll brings the very same wire model object (`ListingCache` hands back the
remembered model of an item whose JSON text did not change) with an equal context, the
remembered report object itself is returned: the store's unchanged-report check
(`OrderStore.apply_reports`) then finds what it merged last and does nothing else.

Only reports built without error are remembered, so an order that failed to map fails
again on the next poll, naming the endpoint. Orders not listed by a poll are forgotten
when it finishes; a poll that raises changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from gui.venues.base import OrderReport

_Entry = tuple[object, Any, OrderReport]
_W = TypeVar("_W")


class ReportCache:
    """The reports of one adapter's last finished listing, by venue order id.

    Not thread-safe; used from the adapter's event loop. Overlapping polls each hold their
    own `ReportPoll`; the last to finish wins.
    """

    def __init__(self) -> None:
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        """Reports remembered."""
        return len(self._entries)

    def poll(self) -> ReportPoll:
        """Start mapping one poll's orders (see `ReportPoll`)."""
        return ReportPoll(self)


class ReportPoll:
    """One poll's mapping of wire orders to reports against a `ReportCache`.

    Call `report` for each listed order, then `finish` once all mapped without error.

    Attributes:
        reused: Reports taken from the cache so far (for tests and benchmarks).
    """

    def __init__(self, cache: ReportCache) -> None:
        self._cache = cache
        self._previous = cache._entries
        self._next: dict[Hashable, _Entry] = {}
        self.reused = 0

    def report(
        self,
        order_id: Hashable,
        wire: _W,
        context: Any,
        build: Callable[[_W], OrderReport],
    ) -> OrderReport:
        """The report for `wire`: the remembered one when `wire` is the very object it was
        built from and `context` equals its context, else `build(wire)` (then remembered).

        Args:
            order_id: The venue's order id.
            wire: The wire model (compared by identity).
            context: Everything else the report depends on (compared with `==`); None when
                nothing.
            build: Maps the order; its exceptions propagate and nothing is remembered.

        Returns:
            The report (the same object as last poll's when nothing changed).
        """
        entry = self._previous.get(order_id)
        if entry is not None and entry[0] is wire and entry[1] == context:
            self.reused += 1
            self._next[order_id] = entry
            return entry[2]
        report = build(wire)
        self._next[order_id] = (wire, context, report)
        return report

    def finish(self) -> None:
        """Remember this poll's reports in place of the previous poll's (orders not listed
        this time are forgotten)."""
        self._cache._entries = self._next
