"""What `VenueHttp` no longer redoes per request (issue 8) still behaves as httpx would:
absolute URLs merged once per path, a `Date` header parsed once per value, and a cookie jar
that reads only responses setting a cookie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from email.utils import formatdate

import httpx
import pytest
import pytest_asyncio

from gui.venues.http import VenueHttp, VenueMessage, build_async_client

pytestmark = pytest.mark.asyncio

DATE = formatdate(1_800_000_000, usegmt=True)


def extract(response: httpx.Response) -> VenueMessage:
    return VenueMessage(response.text)


class Recorder:
    """Answers 200 with a fixed `Date`; records each request's URL and Cookie header. A
    path ending in `/login` also sets a cookie."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.cookies: list[str | None] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        self.cookies.append(request.headers.get("Cookie"))
        headers = {"Date": DATE}
        if request.url.path.endswith("/login"):
            headers["Set-Cookie"] = "session=abc; Path=/"
        return httpx.Response(200, headers=headers, json={})


@pytest_asyncio.fixture
async def recorded() -> AsyncIterator[tuple[VenueHttp, Recorder]]:
    recorder = Recorder()
    client = build_async_client(
        "https://venue.example/prefix", transport=httpx.MockTransport(recorder)
    )
    http = VenueHttp("test", client, extract)
    yield http, recorder
    await http.aclose()


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/orders/", None),
        ("api/orders/", None),
        ("/api/order/123?include_fills=true", None),
        ("/api/v1/spot/order", {"orderId": "42", "symbol": "BTC-USDT"}),
        ("/api/odd path/é", None),
    ],
)
async def test_urls_are_those_httpx_would_build(
    recorded: tuple[VenueHttp, Recorder], path: str, params: dict[str, str] | None
) -> None:
    http, recorder = recorded
    plain = httpx.AsyncClient(base_url="https://venue.example/prefix")
    expected = str(plain.build_request("GET", path, params=params).url)
    await plain.aclose()
    for _ in range(2):  # merged, then from the cache
        await http.request("GET", path, params=params)
    assert recorder.urls == [expected, expected]


async def test_every_response_still_dates_the_clock(
    recorded: tuple[VenueHttp, Recorder],
) -> None:
    http, _ = recorded
    for _ in range(3):
        await http.request("GET", "/api/ping")
    assert http.clock.sample_count == 3
    assert abs(http.clock.offset_s - (1_800_000_000 - http.clock.local_s())) < 5


async def test_cookies_set_by_a_response_are_kept_and_sent(
    recorded: tuple[VenueHttp, Recorder],
) -> None:
    http, recorder = recorded
    await http.request("GET", "/api/ping")
    await http.request("POST", "/api/login")
    await http.request("GET", "/api/ping")
    assert recorder.cookies == [None, None, "session=abc"]
