"""What the blotter shows: a search text plus venue, status and side filters, as one predicate.

`BlotterFilter` is an immutable value: the toolbar makes a new one on every change, and
`BlotterFilter.predicate()` compiles it once into a single `Order -> bool` function (or None
when it keeps every order), which `BlotterProxy.row_filter` hands to the proxy. The proxy
then calls it once per row on a filter change and once per changed order in a poll batch,
so the filter adds one cheap call per changed order to the batch budget (issue 8, item 2).

`Preset` names the status sets of the Working / Done / All presets; `BlotterFilter.preset`
tells which one (if any) the current statuses are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from gui.domain.orders import TERMINAL, WORKING, Order, OrderStatus, Side

__all__ = [
    "ALL_SIDES",
    "ALL_STATUSES",
    "PRESET_STATUSES",
    "BlotterFilter",
    "Preset",
    "search_text",
]

ALL_STATUSES: frozenset[OrderStatus] = frozenset(OrderStatus)
"""Every status: the status filter that keeps every order."""
ALL_SIDES: frozenset[Side] = frozenset(Side)
"""Both sides: the side filter that keeps every order."""


class Preset(StrEnum):
    """The blotter's status presets (the Working / Done / All buttons); values are saved."""

    WORKING = "working"
    """Orders that are not terminal (`WORKING`): what the trader still has in the market."""
    DONE = "done"
    """Terminal orders (`TERMINAL`): filled, canceled, rejected, expired."""
    ALL = "all"
    """Every order."""


PRESET_STATUSES: dict[Preset, frozenset[OrderStatus]] = {
    Preset.WORKING: WORKING,
    Preset.DONE: TERMINAL,
    Preset.ALL: ALL_STATUSES,
}
"""The statuses each preset shows."""


def search_text(order: Order) -> str:
    """What the search box looks in, case-folded: pair, client and venue order ids, notes.

    The ids of every leg (synthetic pause, cancel/replace) are included, so an id the trader
    saw on the venue's own screen finds the order that it worked.

    Args:
        order: The order.

    Returns:
        The fields joined by U+001F and case-folded, e.g. `"btc-usdt\\x1fod-0001\\x1fv1\\x1f"`.
    """
    text = (
        f"{order.pair}\x1f{order.client_order_id}\x1f{order.venue_order_id or ''}\x1f{order.notes}"
    )
    if order.legs:
        text += "".join(
            f"\x1f{leg.client_order_id}\x1f{leg.venue_order_id or ''}" for leg in order.legs
        )
    return text.casefold()


@dataclass(frozen=True, slots=True)
class BlotterFilter:
    """The blotter's search and filters; the default keeps every order.

    Attributes:
        search: Text to find, case-insensitively, as a substring of the pair, the client or
            venue order id or the notes (see `search_text`); surrounding blanks are ignored;
            "" matches every order.
        statuses: The statuses shown.
        hidden_venues: Venues whose orders are hidden. Hidden rather than shown, so that
            the orders of a venue first seen later are shown.
        sides: The sides shown.
    """

    search: str = ""
    statuses: frozenset[OrderStatus] = ALL_STATUSES
    hidden_venues: frozenset[str] = field(default_factory=frozenset)
    sides: frozenset[Side] = ALL_SIDES

    @classmethod
    def for_preset(cls, preset: Preset) -> BlotterFilter:
        """A filter that shows exactly the statuses of `preset`, and everything else."""
        return cls(statuses=PRESET_STATUSES[preset])

    @property
    def preset(self) -> Preset | None:
        """The preset whose statuses are exactly `statuses`, None for any other set."""
        for preset, statuses in PRESET_STATUSES.items():
            if statuses == self.statuses:
                return preset
        return None

    def narrows(self, previous: BlotterFilter) -> bool:
        """True if every order this filter keeps, `previous` kept too.

        Then only the orders `previous` showed need checking: typing on in the search box
        (`"bt"` -> `"btc"`), unticking a status, side or venue.
        """
        return (
            _needle(previous.search) in _needle(self.search)
            and self.statuses <= previous.statuses
            and self.sides <= previous.sides
            and self.hidden_venues >= previous.hidden_venues
        )

    def with_preset(self, preset: Preset) -> BlotterFilter:
        """This filter with the statuses of `preset`."""
        return replace(self, statuses=PRESET_STATUSES[preset])

    def predicate(self) -> Callable[[Order], bool] | None:
        """This filter as one function, or None when it keeps every order.

        Only the active parts are checked, cheapest first (status, side, venue set
        look-ups, then the substring search), so an idle part costs nothing per row.

        Returns:
            `accept(order) -> bool`, True for an order the blotter shows; None when every
            order is shown (the proxy's fast path).
        """
        statuses = None if self.statuses >= ALL_STATUSES else self.statuses
        sides = None if self.sides >= ALL_SIDES else self.sides
        hidden = self.hidden_venues or None
        needle = _needle(self.search) or None
        if statuses is None and sides is None and hidden is None and needle is None:
            return None

        def accept(order: Order) -> bool:
            return (
                (statuses is None or order.status in statuses)
                and (sides is None or order.side in sides)
                and (hidden is None or order.venue not in hidden)
                and (needle is None or needle in search_text(order))
            )

        return accept

    def to_state(self) -> dict[str, Any]:
        """The filters (not the search text) as JSON-serialisable data, for the settings.

        Returns:
            `{"preset": "working" | "done" | "all" | None, "statuses": [str, ...],
            "hidden_venues": [str, ...], "sides": ["buy", "sell"]}`, lists sorted; status
            and side values are the domain enums' values.
        """
        preset = self.preset
        return {
            "preset": None if preset is None else preset.value,
            "statuses": sorted(status.value for status in self.statuses),
            "hidden_venues": sorted(self.hidden_venues),
            "sides": sorted(side.value for side in self.sides),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any], search: str = "") -> BlotterFilter:
        """The filter `to_state` saved; lenient to missing, unknown or malformed entries.

        Unknown statuses, sides and malformed lists are dropped; an empty status or side
        set (which would hide every order) falls back to all of them; `statuses` wins over
        `preset`, which is used when `statuses` is absent.

        Args:
            state: What `to_state` returned (possibly from an older or newer version).
            search: The search text to keep.
        """
        statuses = _members(OrderStatus, state.get("statuses"))
        if statuses is None:
            preset = _members(Preset, [state.get("preset")])
            statuses = PRESET_STATUSES[next(iter(preset))] if preset else ALL_STATUSES
        sides = _members(Side, state.get("sides"))
        hidden = state.get("hidden_venues")
        return cls(
            search=search,
            statuses=statuses or ALL_STATUSES,
            hidden_venues=frozenset(v for v in _list(hidden) if isinstance(v, str)),
            sides=sides or ALL_SIDES,
        )


def _needle(search: str) -> str:
    return "".join(ch for ch in search.strip() if ch.isprintable()).casefold()


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


E = TypeVar("E", bound=StrEnum)


def _members(enum: type[E], values: Any) -> frozenset[E] | None:
    """The members of `enum` named by `values` (a list of values); None if not a list."""
    if not isinstance(values, list | tuple):
        return None
    known = {member.value: member for member in enum}
    return frozenset(known[v] for v in values if isinstance(v, str) and v in known)
