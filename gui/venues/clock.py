"""Clock offset per venue account: server time minus local time, for signed timestamps.

Four venues sign a timestamp and refuse one too far from their own clock: KuCoin
(`KC-API-TIMESTAMP`, 5 s, notes §1.2), DFX (`EXCHANGE-API-TIMESTAMP`, 5 s, notes §2.2),
Anboto (`ANBOTO-TS` within the recv window, notes §1.2) and ZenOTC (`X-API-Timestamp`,
window unstated, notes §3.2). The desk's clock may be wrong, so each account keeps an
estimate of `server - local`, fed by:

* a server-time endpoint where the venue has one (KuCoin `GET /api/v1/timestamp`, notes §7),
  millisecond resolution;
* the `Date` header of every response (RFC 9110 §6.6.1), one-second resolution.

Each observation bounds the offset: the server read its clock at some moment between our
send and our receive, so `offset` lies in `[server - received, server + resolution - sent]`.
The estimate is the middle of the range that most recent observations agree on
(Marzullo's algorithm, which NTP uses to pick its "truechimers"): many one-second `Date`
samples taken at different phases narrow down to about the round trip, and a single
outlier (a proxy's cached `Date`) is outvoted instead of followed; on a tie the current
estimate stays. A re-sync (after the venue refused a timestamp) forgets older samples.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

logger = logging.getLogger(__name__)

DATE_RESOLUTION_S = 1.0
"""An HTTP `Date` is whole seconds, truncated (RFC 9110 §5.6.7)."""

LOG_CHANGE_S = 0.5
"""The estimate is logged when it moves this far (seconds) from the last value logged."""


def epoch_ms() -> int:
    """The local wall clock, epoch milliseconds."""
    return time.time_ns() // 1_000_000


def parse_http_date(value: str | None) -> float | None:
    """Epoch seconds of an HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`), None when absent or
    unreadable."""
    if value is None or not value.strip():
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


@dataclass(frozen=True, slots=True)
class OffsetSample:
    """What one observation says about the offset.

    Attributes:
        low_s: Smallest offset (server - local, seconds) consistent with it.
        high_s: Largest offset consistent with it.
        taken_s: Local time it was taken, epoch seconds.
    """

    low_s: float
    high_s: float
    taken_s: float

    @property
    def midpoint_s(self) -> float:
        """The middle of the range, seconds."""
        return (self.low_s + self.high_s) / 2

    def excludes(self, offset_s: float, tolerance_s: float = 0.0) -> bool:
        """True when `offset_s` is further than `tolerance_s` outside the range."""
        return offset_s < self.low_s - tolerance_s or offset_s > self.high_s + tolerance_s


class ClockOffset:
    """The offset of one venue account's server clock from ours: `server - local`.

    Shared by the account's signer (which stamps `now_ms()`) and its `VenueHttp` (which
    feeds it every response's `Date` and re-syncs it after a timestamp rejection).

    Args:
        venue: Venue name, for the log.
        local_ms: The local wall clock, epoch milliseconds (injectable for tests).
        max_samples: Observations kept for the vote.
        max_age_s: Observations older than this (seconds) no longer vote: clocks drift.
    """

    def __init__(
        self,
        venue: str,
        *,
        local_ms: Callable[[], int] = epoch_ms,
        max_samples: int = 8,
        max_age_s: float = 900.0,
    ) -> None:
        if max_samples < 1 or max_age_s <= 0:
            raise ValueError(
                f"ClockOffset needs max_samples >= 1 and max_age_s > 0, "
                f"got {max_samples} and {max_age_s}"
            )
        self.venue = venue
        self._local_ms = local_ms
        self._samples: deque[OffsetSample] = deque(maxlen=max_samples)
        self._max_age_s = max_age_s
        self._offset_s = 0.0
        self._logged_s = 0.0
        self._generation = 0

    @property
    def offset_s(self) -> float:
        """Current estimate of server - local, seconds (0 before any observation)."""
        return self._offset_s

    @property
    def offset_ms(self) -> int:
        """Current estimate of server - local, whole milliseconds."""
        return round(self._offset_s * 1000)

    @property
    def generation(self) -> int:
        """Counts re-syncs; a request signed under an older generation used an older offset."""
        return self._generation

    @property
    def sample_count(self) -> int:
        """Observations currently voting."""
        return len(self._samples)

    def local_ms(self) -> int:
        """The local wall clock, epoch milliseconds (no offset)."""
        return self._local_ms()

    def local_s(self) -> float:
        """The local wall clock, epoch seconds (no offset)."""
        return self._local_ms() / 1000

    def now_ms(self) -> int:
        """The venue's time as we estimate it, epoch milliseconds: what a signer stamps."""
        return self._local_ms() + self.offset_ms

    def observe(
        self, server_s: float, sent_s: float, received_s: float, *, resolution_s: float = 0.0
    ) -> OffsetSample | None:
        """Add one observation of the server's clock.

        Args:
            server_s: The server's time as it reported it, epoch seconds.
            sent_s: Local time just before the request left, epoch seconds.
            received_s: Local time once the answer was in, epoch seconds.
            resolution_s: How coarse `server_s` is (1 s for a `Date` header, truncated).

        Returns:
            The sample, or None when the times make no sense (received before sent).
        """
        sample = self._sample(server_s, sent_s, received_s, resolution_s)
        if sample is None:
            return None
        self._samples.append(sample)
        self._update()
        return sample

    def observe_date(
        self, value: str | None, sent_s: float, received_s: float
    ) -> OffsetSample | None:
        """`observe` a response's `Date` header; None (nothing learnt) when absent or
        unreadable."""
        server_s = parse_http_date(value)
        if server_s is None:
            return None
        return self.observe(server_s, sent_s, received_s, resolution_s=DATE_RESOLUTION_S)

    def resync(
        self, server_s: float, sent_s: float, received_s: float, *, resolution_s: float = 0.0
    ) -> float:
        """Start over from one observation the venue's refusal of a timestamp makes
        trustworthy (arguments as `observe`).

        Returns:
            The new offset, seconds.

        Raises:
            ValueError: `received_s` is before `sent_s`.
        """
        sample = self._sample(server_s, sent_s, received_s, resolution_s)
        if sample is None:
            raise ValueError(f"received_s {received_s} is before sent_s {sent_s}")
        self._samples.clear()
        self._samples.append(sample)
        self._generation += 1
        self._set(sample.midpoint_s, "re-synced")
        return self._offset_s

    def resync_from_date(self, value: str | None, sent_s: float, received_s: float) -> bool:
        """`resync` from a `Date` header; False (nothing changed) when it has none."""
        server_s = parse_http_date(value)
        if server_s is None or received_s < sent_s:
            return False
        self.resync(server_s, sent_s, received_s, resolution_s=DATE_RESOLUTION_S)
        return True

    def set_offset(self, offset_s: float) -> None:
        """Use this offset (seconds, server - local) and forget every observation."""
        self._samples.clear()
        self._generation += 1
        self._set(offset_s, "set")

    def _sample(
        self, server_s: float, sent_s: float, received_s: float, resolution_s: float
    ) -> OffsetSample | None:
        if received_s < sent_s or resolution_s < 0:
            return None
        return OffsetSample(server_s - received_s, server_s + resolution_s - sent_s, received_s)

    def _update(self) -> None:
        newest = self._samples[-1].taken_s
        while self._samples and self._samples[0].taken_s < newest - self._max_age_s:
            self._samples.popleft()
        self._set(self._vote(), "now")

    def _vote(self) -> float:
        # Marzullo: sweep the interval ends; starts before ends at the same point, so
        # touching ranges agree.
        edges = sorted(
            [(s.low_s, 0) for s in self._samples] + [(s.high_s, 1) for s in self._samples]
        )
        best = 0
        count = 0
        segments: list[tuple[float, float]] = []
        for index, (point, kind) in enumerate(edges):
            if kind == 0:
                count += 1
                end = edges[index + 1][0]
                if count > best:
                    best, segments = count, [(point, end)]
                elif count == best:
                    segments.append((point, end))
            else:
                count -= 1
        # A tie keeps the current estimate if one of the best ranges holds it (no jump on
        # one outlier), else follows the range the newest sample is in.
        for low, high in segments:
            if low <= self._offset_s <= high:
                return (low + high) / 2
        newest = self._samples[-1]
        for low, high in segments:
            if newest.low_s <= high and low <= newest.high_s:
                return (low + high) / 2
        low, high = segments[0]
        return (low + high) / 2

    def _set(self, offset_s: float, how: str) -> None:
        self._offset_s = offset_s
        if abs(offset_s - self._logged_s) > LOG_CHANGE_S:
            logger.info(
                "%s clock offset %s %+.3f s (server - local; was %+.3f s)",
                self.venue,
                how,
                offset_s,
                self._logged_s,
            )
            self._logged_s = offset_s
