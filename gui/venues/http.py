"""HTTP plumbing shared by every venue: the one door every venue request goes through.

Venue-neutral on purpose: a venue package supplies its base URL, its `httpx.Auth`, a
`MessageExtractor` that pulls the venue's own words (and code, if any) out of an error
body, and its limits; everything else here is the same for all venues. `VenueHttp`, one per
venue account, does for every request, in order:

1. waits for its rate-limit bucket (`limits.AccountLimiter`: documented limits, trader
   actions before `background_requests()`, holds after a 429);
2. sends it (the auth signs with the account's `clock.ClockOffset`), and feeds the answer's
   `Date` header to that clock;
3. maps the answer to a domain error, by HTTP status, keeping the venue's message:

       transport failure (timeout, connect, reset)  -> VenueTransportError
       429                                          -> VenueRateLimited (Retry-After honoured)
       401, 403                                     -> VenueAuthError
       404                                          -> VenueNotFound
       other 4xx                                    -> VenueRejected
       5xx                                          -> VenueUnavailable

   Venues that answer errors inside a 2xx body (KuCoin's `{"code": "400100", ...}`) pass a
   `ResponseCheck`: it sees every response first, and an error it returns wins;
4. on a 429, or rate-limit headers saying the quota is spent, holds the account's limiter
   for the venue's time (`RateLimitWait`);
5. on a refused timestamp (the venue's `TimestampRejected` predicate, or an authentication
   refusal whose own `Date` shows our clock was off), re-syncs the clock (the venue's
   server-time endpoint, else that `Date`) and sends the request once more, even a write:
   the venue refused it before processing it;
6. retries reads and cancels (`idempotent=True`) after transient failures with backoff and
   jitter (`retry.should_retry`); never a submit, amend, pause or resume.

Per request, only what must change is computed: a path's absolute URL is merged with the
base URL once and kept (`URL_CACHE_SIZE`), a `Date` header is parsed once per distinct value
(it changes once a second), and the cookie jar reads a response only when it sets a cookie
(httpx would otherwise rebuild every response's headers as an `email.message` to look for
one). Profiled in issue 8: with the client order id's random part, these were about half
of what the desk added to a submit's own request (about 0.1 ms of 0.25 ms, replayed).

Credentials travel in headers only; `redact_headers` is the one way headers may reach a log.
Nothing in `gui.venues` logs headers or request bodies (the raw body of an unreadable
*answer* goes to `gui.venues.raw`). httpx's own logger (INFO) writes the request line and
status only: `HTTP Request: GET https://host/path?query "HTTP/1.1 200 OK"`; httpcore's
DEBUG trace shows a request as `<Request [b'GET']>` and the *response* headers, never the
request's (checked with httpx 0.28 / httpcore 1.0, tests/venues/test_redaction.py). No
venue puts a credential in a query string.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import logging
import random
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from urllib.parse import urlsplit

import httpx

from gui.domain.errors import (
    VenueAuthError,
    VenueError,
    VenueRateLimited,
)
from gui.venues.base import wait_for_send_gate
from gui.venues.clock import DATE_RESOLUTION_S, ClockOffset, OffsetSample, parse_http_date
from gui.venues.limits import (
    DEFAULT_BUCKET,
    RATE_MARGIN,
    AccountLimiter,
    RateLimit,
    RateLimitedNow,
    background_requests,
    immediate_requests,
    in_background,
)
from gui.venues.redaction import REDACTED, SENSITIVE_HEADERS, redact_headers
from gui.venues.retry import (
    READ_METHODS,
    RetryPolicy,
    RetrySettings,
    parse_retry_after,
    should_retry,
)
from gui.venues.status_map import (
    MessageExtractor,
    ResponseCheck,
    VenueMessage,
    error_for_response,
    error_for_transport,
)

__all__ = [
    "DEFAULT_BUCKET",
    "DEFAULT_TIMEOUT_S",
    "RATE_MARGIN",
    "READ_METHODS",
    "REDACTED",
    "SENSITIVE_HEADERS",
    "URL_CACHE_SIZE",
    "AccountLimiter",
    "ClockOffset",
    "MessageExtractor",
    "RateLimit",
    "RateLimitWait",
    "RateLimitedNow",
    "ResponseCheck",
    "RetryPolicy",
    "RetrySettings",
    "TimestampRejected",
    "VenueHttp",
    "VenueMessage",
    "background_requests",
    "build_async_client",
    "check_base_url",
    "error_for_response",
    "error_for_transport",
    "immediate_requests",
    "in_background",
    "parse_retry_after",
    "redact_headers",
    "should_retry",
]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
"""Per-request timeout (connect, read, write, pool), in seconds."""

URL_CACHE_SIZE = 512
"""Absolute URLs a `VenueHttp` keeps, by path; the cache is emptied when full (paths that
carry an order id are each used once or twice, the endpoints' own paths all the time)."""

SKEW_EVIDENCE_S = 1.0
"""An authentication refusal whose `Date` puts our signing offset further off than this
(seconds) is taken for a timestamp refusal, whatever its words."""

_IN_RESYNC: ContextVar[bool] = ContextVar("orderdesk_clock_resync", default=False)
_LAST_ENDPOINT: ContextVar[str] = ContextVar("orderdesk_last_endpoint", default="")


def last_endpoint() -> str:
    """`"METHOD /path"` of the latest request sent in this task (an awaited coroutine
    shares its caller's context), for an error found after the answer was decoded, e.g.
    while an adapter maps it to domain terms; "" when none was sent."""
    return _LAST_ENDPOINT.get()


RateLimitWait = Callable[[httpx.Response, ClockOffset], float | None]
"""Seconds the venue's rate-limit headers on a response ask the account to wait before its
next request (quota spent, window resets in N s), or None when they ask nothing; the clock
converts a reset given in the venue's time. Must not raise."""

TimestampRejected = Callable[[VenueError], bool]
"""True when the error is the venue refusing our signed timestamp (KuCoin `400002`...)."""


def check_base_url(owner: str, base_url: str, example: str, *, path_allowed: bool = True) -> None:
    """Refuse a venue base URL that cannot be right, naming the setting and an example.

    Args:
        owner: The config class, for the message (e.g. `"ZenotcConfig"`).
        base_url: The URL to check.
        example: A valid URL for the message.
        path_allowed: False when the venue signs the path from its root (KuCoin), so a
            path prefix would break every signature.

    Raises:
        ValueError: Not http(s), no host, a query or fragment, or a path where none is allowed.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{owner}.base_url must be an http(s) URL such as {example!r}, got {base_url!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{owner}.base_url must have no query or fragment, got {base_url!r}")
    if not path_allowed and parts.path not in ("", "/"):
        raise ValueError(
            f"{owner}.base_url must have no path (the signature covers the path from the "
            f"root), got {base_url!r}"
        )


class _VenueCookieJar(http.cookiejar.CookieJar):
    """A standard cookie jar that skips responses without `Set-Cookie`.

    Cookies still work as they would with httpx's own jar (no venue API documents one, but a
    gateway in front of a venue may set them). httpx hands every response to
    `extract_cookies`, and the standard jar first copies all its headers into an
    `email.message.Message`: tens of µs a response, for nothing on every venue here.
    """

    def extract_cookies(self, response: object, request: urllib.request.Request) -> None:
        answer = getattr(response, "response", None)  # httpx's compat wrapper holds it
        if isinstance(answer, httpx.Response) and not (
            "set-cookie" in answer.headers or "set-cookie2" in answer.headers
        ):
            return
        super().extract_cookies(response, request)  # type: ignore[arg-type]


def build_async_client(
    base_url: str,
    *,
    auth: httpx.Auth | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An `httpx.AsyncClient` for one venue account.

    Args:
        base_url: Scheme, host and optional port (and path prefix) of the venue API.
        auth: Signing or token auth applied to every request.
        timeout_s: Timeout for each phase of a request, in seconds.
        transport: Replaces the network (tests pass `httpx.ASGITransport`).

    Returns:
        A client that does not follow redirects (a redirect means a wrong path, and a
        redirected POST would silently become a GET) and verifies TLS (httpx's default,
        never turned off here); its cookie jar reads only responses that set a cookie;
        a request leaves only once the task's send gate allows it (`base.send_after`).
    """
    return httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        timeout=httpx.Timeout(timeout_s),
        transport=transport,
        follow_redirects=False,
        headers={"Accept": "application/json"},
        cookies=_VenueCookieJar(),
        # httpx runs request hooks after the auth has signed and before the transport
        # sends: the place to hold a submit until its intent is journaled.
        event_hooks={"request": [_hold_until_send_gate]},
    )


async def _hold_until_send_gate(request: httpx.Request) -> None:
    await wait_for_send_gate()


class VenueHttp:
    """Sends every request of one venue account (see the module docstring for the steps).

    Args:
        venue: Venue name for errors and logs.
        client: The account's `httpx.AsyncClient` (see `build_async_client`); owned here.
        extract: The venue's error-message extractor.
        retry: Retry limits for reads and cancels.
        limiter: The account's rate limits (None: no self-imposed limit; 429 holds apply).
        sleep: Coroutine used to wait between retries (injectable for tests).
        check: The venue's envelope check, run on every response before the status map
            (None: the status alone decides).
        clock: The account's clock offset, shared with its signer (None: one of its own).
        timestamp_rejected: The venue's "timestamp refused" predicate; None for a venue
            that signs no timestamp (no re-sync, no re-send).
        sync_clock: Re-syncs `clock` from the venue's server-time endpoint (None: from the
            refusal's `Date` header).
        rate_limit_wait: Reads the venue's rate-limit headers (None: `Retry-After` only).
        draw: Uniform random numbers in [0, 1) for the retry jitter (injectable for tests).
    """

    def __init__(
        self,
        venue: str,
        client: httpx.AsyncClient,
        extract: MessageExtractor,
        *,
        retry: RetryPolicy | None = None,
        limiter: AccountLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        check: ResponseCheck | None = None,
        clock: ClockOffset | None = None,
        timestamp_rejected: TimestampRejected | None = None,
        sync_clock: Callable[[], Awaitable[object]] | None = None,
        rate_limit_wait: RateLimitWait | None = None,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.venue = venue
        self._client = client
        self._extract = extract
        self._retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter if limiter is not None else AccountLimiter(venue, sleep=sleep)
        self._sleep = sleep
        self._check = check
        self.clock = clock if clock is not None else ClockOffset(venue)
        self._timestamp_rejected = timestamp_rejected
        self._sync_clock = sync_clock
        self._rate_limit_wait = rate_limit_wait
        self._draw = draw
        self._resync_lock = asyncio.Lock()
        self._urls: dict[str, httpx.URL] = {}
        self._date_text: str | None = None
        self._date_s: float | None = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: object = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        cost: float = 1.0,
        bucket: str = DEFAULT_BUCKET,
        idempotent: bool = False,
    ) -> httpx.Response:
        """Send one request and return a 2xx response.

        Args:
            method: HTTP method.
            path: Path relative to the base URL, e.g. `/api/orders/`.
            params: Query parameters, already in the venue's spelling.
            json: JSON body, or None for no body.
            content: Exact body bytes (for venues that sign the body), instead of `json`.
            headers: Extra headers for this request.
            cost: Units the request takes from its bucket (the venue's request weight).
            bucket: The rate limit it draws on (`DEFAULT_BUCKET` unless the venue limits
                endpoints separately, as DFX does).
            idempotent: True for a cancel (single, batch, cancel-all): retried like a read.
                Never for a submit, amend, pause or resume.

        Returns:
            The response, body read, status 2xx.

        Raises:
            VenueTransportError: No answer (for a write, the outcome is unknown).
            VenueRateLimited: HTTP 429 after any retries.
            VenueAuthError: HTTP 401/403 (after one re-send if it was a refused timestamp).
            VenueNotFound: HTTP 404.
            VenueRejected: Other HTTP 4xx.
            VenueUnavailable: HTTP 5xx after any retries.
            VenueError: Whatever the `check` found in the body, after any retries.
            ValueError: Both `json` and `content` given (nothing is sent).
        """
        if json is not None and content is not None:
            raise ValueError("send either json or content, not both")
        _LAST_ENDPOINT.set(f"{method.upper()} {path.split('?', 1)[0]}")
        attempt = 0
        resent_for_clock = False
        while True:
            attempt += 1
            await self.limiter.acquire(bucket, cost)
            generation = self.clock.generation
            signed_offset_s = self.clock.offset_s
            sent_s = self.clock.local_s()
            asked_s: float | None = None
            try:
                response = await self._client.request(
                    method,
                    self._url(path),
                    params=params,
                    json=json,
                    content=content,
                    headers=headers,
                )
            except httpx.TransportError as exc:
                error: VenueError = error_for_transport(self.venue, exc)
            else:
                received_s = self.clock.local_s()
                sample = self._observe_date(response.headers.get("Date"), sent_s, received_s)
                found = self._check(response) if self._check is not None else None
                if found is None and response.is_success:
                    self._note_rate_limit(response, None, method, path, attempt)
                    return response
                error = (
                    found
                    if found is not None
                    else error_for_response(self.venue, response, self._extract)
                )
                self._note_rate_limit(response, error, method, path, attempt)
                asked_s = parse_retry_after(response.headers.get("Retry-After"))
                if not resent_for_clock and self._timestamp_refused(error, sample, signed_offset_s):
                    resent_for_clock = True
                    if await self._resync(generation, response, sent_s, received_s):
                        logger.warning(
                            "%s refused our timestamp on %s %s; sending it once more",
                            self.venue,
                            method.upper(),
                            path,
                        )
                        attempt -= 1  # the one re-send a refused timestamp earns, not a retry
                        continue
            if not should_retry(method, path, error, attempt, self._retry, idempotent=idempotent):
                raise error
            if isinstance(error, VenueRateLimited):
                continue  # the hold on the account's limiter is the wait
            await self._sleep(self._retry.jittered_delay_s(attempt, error, self._draw(), asked_s))

    def _url(self, path: str) -> httpx.URL:
        """`path` merged with the client's base URL as httpx merges it (the base's path,
        then the given one without its leading slash), computed once per path."""
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) >= URL_CACHE_SIZE:
                self._urls.clear()
            base = self._client.base_url
            relative = httpx.URL(path)
            if relative.is_relative_url:
                url = base.copy_with(raw_path=base.raw_path + relative.raw_path.lstrip(b"/"))
            else:
                url = relative
            self._urls[path] = url
        return url

    def _observe_date(
        self, value: str | None, sent_s: float, received_s: float
    ) -> OffsetSample | None:
        """`ClockOffset.observe_date`, parsing each distinct `Date` value only once."""
        if value is None:
            return None
        if value != self._date_text:
            self._date_text, self._date_s = value, parse_http_date(value)
        if self._date_s is None:
            return None
        return self.clock.observe(self._date_s, sent_s, received_s, resolution_s=DATE_RESOLUTION_S)

    def _note_rate_limit(
        self,
        response: httpx.Response,
        error: VenueError | None,
        method: str,
        path: str,
        attempt: int,
    ) -> None:
        asked_s = (
            self._rate_limit_wait(response, self.clock)
            if self._rate_limit_wait is not None
            else None
        )
        if isinstance(error, VenueRateLimited):
            if error.retry_after_s is None:
                error.retry_after_s = asked_s
            wait_s = self._retry.delay_s(attempt, error)
            self.limiter.hold(wait_s, f"HTTP {response.status_code} on {method.upper()} {path}")
        elif asked_s is not None and asked_s > 0:
            self.limiter.hold(asked_s, f"rate-limit headers on {method.upper()} {path}")

    def _timestamp_refused(
        self, error: VenueError, sample: OffsetSample | None, signed_offset_s: float
    ) -> bool:
        if self._timestamp_rejected is None or _IN_RESYNC.get():
            return False
        if self._timestamp_rejected(error):
            return True
        # The venue's words may not say "timestamp" (DFX documents only a 401 for a failed
        # verification, notes §2.5): an authentication refusal whose own Date shows that the
        # offset we signed with was off is treated as one.
        return (
            isinstance(error, VenueAuthError)
            and sample is not None
            and sample.excludes(signed_offset_s, SKEW_EVIDENCE_S)
        )

    async def _resync(
        self, generation: int, response: httpx.Response, sent_s: float, received_s: float
    ) -> bool:
        async with self._resync_lock:
            if self.clock.generation != generation:
                return True  # another request re-synced after ours was signed
            if self._sync_clock is not None:
                token = _IN_RESYNC.set(True)
                try:
                    await self._sync_clock()
                finally:
                    _IN_RESYNC.reset(token)
                return True
            if self.clock.resync_from_date(response.headers.get("Date"), sent_s, received_s):
                return True
        logger.warning(
            "%s refused our timestamp and sent no Date header: the clock cannot be re-synced",
            self.venue,
        )
        return False

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
