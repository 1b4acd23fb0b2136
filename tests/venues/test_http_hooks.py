"""The backwards-compatible hooks of `gui.venues.http` that KuCoin needs: an envelope check
that sees every response, exact body bytes with extra headers, and weighted throttling."""

from __future__ import annotations

import httpx
import pytest

from gui.domain.errors import VenueError, VenueRejected
from gui.venues.http import RequestThrottle, VenueHttp, VenueMessage, build_async_client


def _extract(response: httpx.Response) -> VenueMessage:
    return VenueMessage(response.text)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def _check(response: httpx.Response) -> VenueError | None:
    if b'"code":"E1"' in response.content:
        return VenueRejected("demo", "in-body error", response.status_code, "E1")
    return None


@pytest.mark.asyncio
async def test_check_turns_a_2xx_body_into_an_error_and_sees_content_and_headers() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=request.content)

    client = build_async_client("http://venue.test", transport=httpx.MockTransport(handler))
    http = VenueHttp("demo", client, _extract, check=_check)
    try:
        ok = await http.request("POST", "/x", content=b'{"a":1}', headers={"X-T": "1"})
        with pytest.raises(VenueRejected) as caught:
            await http.request("POST", "/x", content=b'{"code":"E1"}')
        with pytest.raises(ValueError):
            await http.request("POST", "/x", json={}, content=b"{}")
    finally:
        await http.aclose()

    assert ok.content == b'{"a":1}'
    assert seen[0].headers["X-T"] == "1" and seen[0].content == b'{"a":1}'
    assert (caught.value.status_code, caught.value.venue_code) == (200, "E1")
    assert len(seen) == 2  # the bad call was refused before sending


@pytest.mark.asyncio
async def test_weighted_acquire_spends_its_cost() -> None:
    clock = FakeClock()
    throttle = RequestThrottle(10.0, burst=20, clock=clock, sleep=clock.sleep)

    await throttle.acquire(20)  # the full bucket, at once
    await throttle.acquire(5)  # waits 0.5 s for five tokens
    assert round(clock.now - 100.0, 6) == 0.5
    await throttle.acquire(800)  # heavier than the bucket: waits for a full one
    assert round(clock.now - 100.0, 6) == 2.5
    await throttle.acquire()
    assert round(clock.now - 100.0, 6) == 2.6
