"""The `--faults` SPEC: `FaultSpec.parse` and the faults of one venue, `VenueFaults`.

Grammar and semantics: `gui.sandbox.faults` (module docstring) and the README section "Fault
injection (sandbox)".
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["FAULT_KINDS", "FaultKind", "FaultSpec", "VenueFaults"]

FaultKind = Literal["429", "5xx", "timeout", "drop", "malformed"]
FAULT_KINDS: tuple[FaultKind, ...] = ("429", "5xx", "timeout", "drop", "malformed")
"""Every kind of injected fault, in the order a draw tests them."""
_RATE_FIELDS: dict[str, str] = {
    "5xx": "rate_5xx",
    "timeout": "rate_timeout",
    "drop": "rate_drop",
    "429": "rate_429",
    "malformed": "rate_malformed",
}
_OTHER_FIELDS: dict[str, str] = {
    "skew": "skew_s",
    "hang": "hang_s",
    "burst": "burst",
    "seed": "seed",
}
_KEYS = (*_RATE_FIELDS, *_OTHER_FIELDS)


@dataclass(frozen=True, slots=True)
class VenueFaults:
    """The faults of one venue.

    Attributes:
        rate_5xx: Fraction of requests answered 500/502/503, in [0, 1].
        rate_timeout: Fraction processed and answered only after `hang_s`.
        rate_drop: Fraction processed and then left without an answer.
        rate_429: Fraction that start a burst of 429 answers.
        rate_malformed: Fraction processed and answered with a malformed body.
        skew_s: Seconds added to the venue's clock (negative: it runs behind).
        hang_s: Seconds a timeout holds the answer, >= 0.
        burst: 429 answers in a row once one starts, >= 1.
        seed: Seed of the venue's fault draws; None means the sandbox's seed.
    """

    rate_5xx: float = 0.0
    rate_timeout: float = 0.0
    rate_drop: float = 0.0
    rate_429: float = 0.0
    rate_malformed: float = 0.0
    skew_s: float = 0.0
    hang_s: float = 5.0
    burst: int = 3
    seed: int | None = None

    def rate(self, kind: FaultKind) -> float:
        """The rate of one kind, in [0, 1]."""
        value: float = getattr(self, _RATE_FIELDS[kind])
        return value

    @property
    def injects(self) -> bool:
        """True if any request may be faulted."""
        return any(self.rate(kind) > 0 for kind in FAULT_KINDS)


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Faults per venue, parsed from a SPEC (module docstring).

    Attributes:
        venues: Venue name -> its faults, for every venue the SPEC was parsed against.
        text: The SPEC as given.
    """

    venues: Mapping[str, VenueFaults]
    text: str = ""

    def for_venue(self, venue: str) -> VenueFaults:
        """The faults of `venue` (none for a venue the SPEC was not parsed against)."""
        return self.venues.get(venue, VenueFaults())

    @classmethod
    def parse(cls, text: str, venues: Collection[str] | None = None) -> FaultSpec:
        """Parse a SPEC.

        Args:
            text: E.g. `*:5xx=0.1,timeout=0.05;kucoin_futures:skew=3`.
            venues: The venue names a group may name; None means those of
                `gui.sandbox.server.VENUES`.

        Returns:
            The faults of every venue.

        Raises:
            ValueError: Empty SPEC, unknown venue or key, a value that is not a number in
                range, or rates of one venue adding up to more than 1; the message names
                the group and what was expected.
        """
        if venues is None:
            from gui.sandbox.venue_registry import VENUES  # which imports this module

            venues = tuple(VENUES)
        names = tuple(venues)
        groups = [group.strip() for group in text.split(";") if group.strip()]
        if not groups:
            raise ValueError("empty fault spec: expected groups like '*:5xx=0.1,timeout=0.05'")
        settings: dict[str, dict[str, Any]] = {name: {} for name in names}
        for group in groups:
            targets, values = _parse_group(group, names)
            for name in targets:
                settings[name].update(values)
        parsed = {name: VenueFaults(**values) for name, values in settings.items()}
        for name, faults in parsed.items():
            total = sum(faults.rate(kind) for kind in FAULT_KINDS)
            if total > 1 + 1e-9:
                raise ValueError(
                    f"fault rates of {name} add up to {total:g}, more than 1 "
                    "(a request gets at most one fault)"
                )
        return cls(parsed, text)


def _parse_group(group: str, names: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, Any]]:
    head, colon, rest = group.partition(":")
    if colon and "=" not in head:
        venue, assignments = head.strip(), rest
    else:
        venue, assignments = "", group
    if venue in ("", "*"):
        targets = names
    elif venue in names:
        targets = (venue,)
    else:
        raise ValueError(
            f"unknown venue {venue!r} in fault group {group!r}: expected one of "
            f"{', '.join(names)} or '*'"
        )
    values: dict[str, Any] = {}
    for item in assignments.split(","):
        if not item.strip():
            continue
        key, equals, raw = (part.strip() for part in item.partition("="))
        if not equals or not raw:
            raise ValueError(f"expected key=value in fault group {group!r}, got {item.strip()!r}")
        if key not in _KEYS:
            raise ValueError(
                f"unknown fault key {key!r} in group {group!r}: expected one of {', '.join(_KEYS)}"
            )
        attribute = _RATE_FIELDS.get(key) or _OTHER_FIELDS[key]
        values[attribute] = _parse_value(key, raw, group)
    if not values:
        raise ValueError(f"fault group {group!r} sets nothing: expected key=value pairs")
    return targets, values


def _parse_value(key: str, raw: str, group: str) -> float | int:
    where = f"{key}={raw} in fault group {group!r}"
    if key in ("burst", "seed"):
        try:
            number = int(raw)
        except ValueError:
            raise ValueError(f"{where}: expected an integer") from None
        if key == "burst" and number < 1:
            raise ValueError(f"{where}: expected at least 1")
        return number
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{where}: expected a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{where}: expected a finite number")
    if key in _RATE_FIELDS and not 0 <= value <= 1:
        raise ValueError(f"{where}: expected a rate between 0 and 1")
    if key == "hang" and value < 0:
        raise ValueError(f"{where}: expected seconds >= 0")
    return value
