"""The backwards-compatible hooks of `gui.venues.http` that KuCoin needs: an envelope check
that sees every response, and exact body bytes with extra headers (weighted rate limits
are in tests/venues/test_limits.py)."""

from __future__ import annotations

import httpx
import pytest

from gui.domain.errors import VenueError, VenueRejected
from gui.venues.http import VenueHttp, VenueMessage, build_async_client


def _extract(response: httpx.Response) -> VenueMessage:
    return VenueMessage(response.text)


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
