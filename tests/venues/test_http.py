"""The venue-neutral HTTP plumbing: status -> domain error, retry predicate (the rate
limiter has tests/venues/test_limits.py, the clock tests/venues/test_clock.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio

from gui.domain.errors import (
    VenueAuthError,
    VenueError,
    VenueNotFound,
    VenueRateLimited,
    VenueRejected,
    VenueTransportError,
    VenueUnavailable,
)
from gui.venues.http import (
    RetryPolicy,
    VenueHttp,
    VenueMessage,
    build_async_client,
    check_base_url,
    error_for_response,
    parse_retry_after,
    should_retry,
)

Handler = Callable[[httpx.Request], httpx.Response]


def text_extractor(response: httpx.Response) -> VenueMessage:
    """A venue that says `code:message` in plain text."""
    code, _, message = response.text.partition(":")
    return VenueMessage(message.strip(), code.strip())


class Sleeps:
    """Records the waits asked for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


MakeHttp = Callable[..., VenueHttp]


@pytest_asyncio.fixture
async def venue_http() -> AsyncIterator[MakeHttp]:
    """Builds `VenueHttp`s over `httpx.MockTransport`; closes them after the test."""
    made: list[VenueHttp] = []

    def build(handler: Handler, sleeps: Sleeps, retry: RetryPolicy | None = None) -> VenueHttp:
        client = build_async_client("http://venue.test", transport=httpx.MockTransport(handler))
        made.append(VenueHttp("demo", client, text_extractor, retry=retry, sleep=sleeps))
        return made[-1]

    yield build
    for http in made:
        await http.aclose()


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, VenueRejected),
        (401, VenueAuthError),
        (403, VenueAuthError),
        (404, VenueNotFound),
        (409, VenueRejected),
        (422, VenueRejected),
        (429, VenueRateLimited),
        (500, VenueUnavailable),
        (503, VenueUnavailable),
    ],
)
def test_status_maps_to_domain_error_with_venue_words(status: int, kind: type[VenueError]) -> None:
    response = httpx.Response(status, text="E42: the venue's own words")
    error = error_for_response("demo", response, text_extractor)
    assert type(error) is kind
    assert (error.venue, error.status_code) == ("demo", status)
    assert error.venue_message == "the venue's own words"
    if isinstance(error, VenueRejected):
        assert error.venue_code == "E42"


def test_empty_message_falls_back_to_the_reason_phrase() -> None:
    error = error_for_response("demo", httpx.Response(502, text=""), text_extractor)
    assert error.venue_message == "Bad Gateway"


def test_redirect_is_an_error_naming_the_target() -> None:
    response = httpx.Response(301, headers={"Location": "/api/orders/"}, text=": moved")
    error = error_for_response("demo", response, text_extractor)
    assert type(error) is VenueError and "/api/orders/" in str(error)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:30 GMT", 30.0),
    ],
)
def test_retry_after_forms(header: str | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 28, 0, tzinfo=UTC)
    assert parse_retry_after(header, now) == seconds


def test_429_carries_retry_after() -> None:
    response = httpx.Response(429, headers={"Retry-After": "3"}, text=": slow down")
    error = error_for_response("demo", response, text_extractor)
    assert isinstance(error, VenueRateLimited) and error.retry_after_s == 3.0


@pytest.mark.asyncio
async def test_get_is_retried_with_exponential_backoff_then_succeeds(
    venue_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    answers = iter(
        [
            httpx.Response(503, text=": busy"),
            httpx.Response(500, text=": oops"),
            httpx.Response(200, json={"ok": True}),
        ]
    )
    sleeps = Sleeps()
    http = venue_http(lambda request: next(answers), sleeps, RetryPolicy(3, 0.25, 8.0))
    with caplog.at_level(logging.WARNING, logger="gui.venues.http"):
        response = await http.request("GET", "/orders")
    assert response.json() == {"ok": True}
    # Equal jitter: between half and all of 0.25 s, then of 0.5 s.
    assert len(sleeps.waits) == 2
    assert 0.125 <= sleeps.waits[0] <= 0.25 and 0.25 <= sleeps.waits[1] <= 0.5
    assert caplog.text.count("retrying GET /orders") == 2


@pytest.mark.asyncio
async def test_get_gives_up_after_max_attempts(
    venue_http: MakeHttp, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    http = venue_http(handler, Sleeps(), RetryPolicy(max_attempts=3, base_delay_s=0))
    with caplog.at_level(logging.WARNING, logger="gui.venues.http"):
        with pytest.raises(VenueTransportError, match="ConnectError: connection refused"):
            await http.request("GET", "/orders")
    assert len(calls) == 3
    assert "giving up on GET /orders after 3 attempts" in caplog.text


@pytest.mark.asyncio
@pytest.mark.parametrize("method", ["POST", "DELETE", "PUT", "PATCH"])
@pytest.mark.parametrize(
    "failure",
    [httpx.Response(500, text=": oops"), httpx.Response(429, text=": slow"), httpx.ReadTimeout("")],
)
async def test_writes_are_never_retried(
    venue_http: MakeHttp,
    method: str,
    failure: httpx.Response | Exception,
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if isinstance(failure, Exception):
            raise failure
        return failure

    http = venue_http(handler, Sleeps())
    with caplog.at_level(logging.INFO, logger="gui.venues.http"):
        with pytest.raises((VenueUnavailable, VenueRateLimited, VenueTransportError)):
            await http.request(method, "/orders", json={"qty": "1"})
    assert len(calls) == 1
    assert f"not retrying {method} /orders: writes are never retried" in caplog.text


@pytest.mark.asyncio
async def test_a_timeout_without_text_still_says_what_happened(venue_http: MakeHttp) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("", request=request)

    http = venue_http(handler, Sleeps(), RetryPolicy(max_attempts=1))
    with pytest.raises(VenueTransportError) as caught:
        await http.request("POST", "/orders")
    assert caught.value.venue_message == "ReadTimeout" and caught.value.status_code is None


@pytest.mark.asyncio
async def test_client_errors_are_not_retried(venue_http: MakeHttp) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(404, text=": no such order")

    with pytest.raises(VenueNotFound):
        await venue_http(handler, Sleeps()).request("GET", "/orders/1")
    assert len(calls) == 1


def test_429_waits_as_asked_within_the_limit_and_surfaces_beyond_it() -> None:
    policy = RetryPolicy(max_attempts=5, base_delay_s=0.5, max_delay_s=8.0)
    soon = VenueRateLimited("demo", "slow down", retry_after_s=2.0)
    late = VenueRateLimited("demo", "slow down", retry_after_s=60.0)
    assert policy.delay_s(1, soon) == 2.0
    assert should_retry("GET", "/x", soon, 1, policy)
    assert not should_retry("GET", "/x", late, 1, policy)
    assert policy.delay_s(10, VenueUnavailable("demo", "x", 500)) == 8.0


@pytest.mark.asyncio
async def test_build_async_client_settings() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    async with build_async_client("https://instance.example", transport=transport) as client:
        assert client.base_url == httpx.URL("https://instance.example")
        assert client.timeout == httpx.Timeout(10.0)  # the default, in seconds
        assert client.follow_redirects is False


@pytest.mark.parametrize(
    ("url", "path_allowed", "message"),
    [
        ("ftp://venue.example", True, r"http\(s\) URL"),
        ("https://", True, r"http\(s\) URL"),
        ("https://venue.example/?a=1", True, "no query or fragment"),
        ("https://venue.example/api", False, "no path"),
    ],
)
def test_a_base_url_that_cannot_be_right_is_refused_naming_the_setting(
    url: str, path_allowed: bool, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        check_base_url("VenueConfig", url, "https://venue.example", path_allowed=path_allowed)
    assert "VenueConfig.base_url" in str(raised.value)


def test_a_good_base_url_passes() -> None:
    check_base_url("VenueConfig", "https://venue.example/prefix", "https://venue.example")
    check_base_url("VenueConfig", "http://127.0.0.1:8080/", "x", path_allowed=False)
