"""Fault injection in the sandbox (`--faults SPEC`), seen by clients over loopback HTTP.

Every test runs `running_sandbox` with a SPEC and watches what a client gets: the venue's own
429, 5xx before or after the order was accepted, held and dropped answers, garbage bodies, a
skewed clock; and checks the emulators' books and fault counters (`/_sandbox/...`).
"""

from __future__ import annotations

import json
import time
from contextlib import AbstractContextManager
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from gui.sandbox import anboto, dfx, kucoin_futures, treadfi, zenotc
from gui.sandbox.engine import SandboxEngine
from gui.sandbox.fault_answers import VENUE_ANSWERS
from gui.sandbox.faults import DroppedAnswer, FaultCounters, FaultMiddleware, FaultSpec
from gui.sandbox.process import SandboxProcess
from gui.sandbox.server import VENUES, VenueEndpoint, loopback_host, main, running_sandbox
from tests.sandbox.anboto_helpers import ORDER as ANBOTO_ORDER
from tests.sandbox.anboto_helpers import AnbotoClient
from tests.sandbox.kucoin_helpers import limit_order, signed_headers

KC = "kucoin_futures"
KC_CREDENTIALS = kucoin_futures.DEMO_CREDENTIALS


def sandbox(spec: str, seed: int = 0) -> AbstractContextManager[dict[str, VenueEndpoint]]:
    return running_sandbox(seed=seed, faults=FaultSpec.parse(spec))


def http(endpoint: VenueEndpoint, timeout_s: float = 5.0) -> httpx.Client:
    return httpx.Client(base_url=endpoint.base_url, timeout=timeout_s)


def sandbox_get(endpoint: VenueEndpoint, path: str) -> Any:
    response = httpx.get(endpoint.base_url + path, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def booked_ids(endpoint: VenueEndpoint) -> list[str]:
    return [entry["client_order_id"] for entry in sandbox_get(endpoint, "/_sandbox/book")]


def kucoin_create(client: httpx.Client, client_oid: str, clock_offset_s: float = 0.0) -> Any:
    """A signed KuCoin limit order, timestamped by the local clock plus `clock_offset_s`."""
    body = json.dumps(limit_order(client_oid), separators=(",", ":")).encode()
    timestamp = str(int((time.time() + clock_offset_s) * 1000))
    headers = signed_headers(KC_CREDENTIALS, timestamp, "POST", "/api/v1/orders", body)
    headers["Content-Type"] = "application/json"
    return client.post("/api/v1/orders", content=body, headers=headers)


def kucoin_answer_is_good(response: httpx.Response) -> bool:
    try:
        payload = response.json()
    except ValueError:
        return False
    return (
        response.status_code == 200
        and response.headers["content-type"] == "application/json"
        and isinstance(payload, dict)
        and payload.get("code") == "200000"
    )


# The SPEC ------------------------------------------------------------------------------------


def test_later_groups_override_earlier_ones_key_by_key() -> None:
    spec = FaultSpec.parse("*:5xx=0.1,hang=2 ; kucoin_futures:5xx=0.3,skew=-1.5;dfx:seed=9;")

    kucoin, dfx_faults, zen = (spec.for_venue(name) for name in (KC, "dfx", "zenotc"))
    assert (kucoin.rate_5xx, kucoin.hang_s, kucoin.skew_s) == (0.3, 2.0, -1.5)
    assert (dfx_faults.rate_5xx, dfx_faults.seed) == (0.1, 9)
    assert (zen.rate_5xx, zen.rate_timeout, zen.burst, zen.seed) == (0.1, 0.0, 3, None)
    assert set(spec.venues) == set(VENUES)


def test_a_group_without_venue_applies_to_every_venue_with_the_documented_defaults() -> None:
    spec = FaultSpec.parse("timeout=0.05,429=0.02")

    for name in VENUES:
        faults = spec.for_venue(name)
        assert (faults.rate_timeout, faults.rate_429) == (0.05, 0.02)
        assert (faults.hang_s, faults.burst, faults.skew_s, faults.seed) == (5.0, 3, 0.0, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty fault spec"),
        ("binance:5xx=0.1", "unknown venue 'binance'"),
        ("5xx=1.5", "expected a rate between 0 and 1"),
        ("drop=lots", "expected a number"),
        ("jitter=1", "unknown fault key 'jitter'"),
        ("5xx", "expected key=value"),
        ("burst=0", "expected at least 1"),
        ("seed=1.5", "expected an integer"),
        ("hang=-1", "expected seconds >= 0"),
        ("skew=nan", "expected a finite number"),
        ("kucoin_futures:", "sets nothing"),
        ("5xx=0.6;dfx:drop=0.6", "fault rates of dfx add up to 1.2"),
    ],
)
def test_a_bad_spec_raises_a_value_error_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultSpec.parse(text)


def test_the_command_shows_a_bad_spec_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--faults", "*:5xx=0.1,jitter=1"])

    assert exit_info.value.code == 2
    assert "unknown fault key 'jitter'" in capsys.readouterr().err


def test_the_sandbox_binds_loopback_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert [loopback_host(h) for h in ("127.0.0.1", "127.0.0.2", "::1", "localhost")] == [
        "127.0.0.1",
        "127.0.0.2",
        "::1",
        "localhost",
    ]
    with pytest.raises(ValueError, match="loopback only"), running_sandbox(host="0.0.0.0"):
        pass
    with pytest.raises(SystemExit) as exit_info:
        main(["--host", "192.0.2.7"])

    assert exit_info.value.code == 2
    assert "binds loopback only, got host '192.0.2.7'" in capsys.readouterr().err


# Each kind as a client sees it ---------------------------------------------------------------


async def _limiter_429(venue: str) -> httpx.Response:
    # The emulator's own rate limiter, pushed over its limit in-process.
    engine = SandboxEngine(seed=1)
    apps: dict[str, Any] = {
        "treadfi": treadfi.create_app(engine, requests_per_second=1),
        "zenotc": zenotc.create_app(engine),
        KC: kucoin_futures.create_app(engine, requests_per_second=0.04),  # quota 1 < weight 2
        "anboto": anboto.create_app(engine),
        "dfx": dfx.create_app(engine),
    }
    transport = httpx.ASGITransport(app=apps[venue])
    async with httpx.AsyncClient(transport=transport, base_url="http://venue.test") as client:
        for _ in range(200):
            response = await _limited_request(venue, client)
            if response.status_code == 429:
                return response
    raise AssertionError(f"{venue}'s limiter never answered 429")


async def _limited_request(venue: str, client: httpx.AsyncClient) -> httpx.Response:
    if venue == "treadfi":
        headers = {"Authorization": f"Token {treadfi.DEMO_API_KEY}"}
        return await client.get("/api/orders/", headers=headers)
    if venue == "anboto":
        return await AnbotoClient(client).call("GET", f"{ANBOTO_ORDER}/open")
    if venue == "dfx":
        timestamp = str(int(time.time() * 1000))
        return await client.get("/api/v1/symbols", headers={"EXCHANGE-API-TIMESTAMP": timestamp})
    return await client.get("/api/v1/timestamp" if venue == KC else "/api/sdk/orders")


def _rate_headers(response: httpx.Response) -> set[str]:
    return {name for name in response.headers if name == "retry-after" or "ratelimit" in name}


@pytest.mark.asyncio
@pytest.mark.parametrize("venue", list(VENUES))
async def test_an_injected_429_is_the_one_the_venues_rate_limiter_sends(venue: str) -> None:
    limiter = await _limiter_429(venue)

    with sandbox(f"{venue}:429=1") as endpoints, http(endpoints[venue]) as client:
        injected = client.get("/api/v1/anything")

    assert injected.status_code == 429
    assert injected.json() == limiter.json()
    assert _rate_headers(injected) == _rate_headers(limiter)
    assert injected.headers.get("retry-after") == limiter.headers.get("retry-after")


def test_429_bursts_refuse_burst_requests_in_a_row_without_creating_orders() -> None:
    with sandbox(f"{KC}:429=0.3,burst=3", seed=4) as endpoints, http(endpoints[KC]) as client:
        statuses = [kucoin_create(client, f"burst-{n}").status_code for n in range(40)]
        booked = booked_ids(endpoints[KC])
        counted = sandbox_get(endpoints[KC], "/_sandbox/faults")

    assert set(statuses) == {200, 429}
    runs = "".join("x" if status == 429 else "." for status in statuses).rstrip("x").split(".")
    assert all(len(run) % 3 == 0 for run in runs), statuses  # whole bursts of 3
    assert booked == [f"burst-{n}" for n, status in enumerate(statuses) if status == 200]
    assert counted["429"] == statuses.count(429) and counted["requests"] == 40


def test_5xx_come_before_or_after_the_order_was_accepted() -> None:
    with sandbox(f"{KC}:5xx=1", seed=2) as endpoints, http(endpoints[KC]) as client:
        answers = [kucoin_create(client, f"five-{n}") for n in range(12)]
        booked = set(booked_ids(endpoints[KC]))
        counted = sandbox_get(endpoints[KC], "/_sandbox/faults")

    assert {answer.status_code for answer in answers} <= {500, 502, 503}
    for answer in answers:
        if answer.status_code == 500:  # KuCoin's own envelope
            assert answer.json() == {"code": "500000", "msg": "Internal Server Error"}
        else:  # the load balancer's page
            assert answer.headers["content-type"].startswith("text/html")
            assert f"<title>{answer.status_code} " in answer.text
    sent = {f"five-{n}" for n in range(12)}
    assert booked and booked < sent  # some accepted despite the 5xx, some never processed
    assert (counted["5xx"], counted["requests"]) == (12, 12)


def test_a_dropped_answer_is_a_transport_error_after_the_order_was_accepted() -> None:
    with sandbox(f"{KC}:drop=1") as endpoints, http(endpoints[KC]) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            kucoin_create(client, "dropped-1")
        booked = booked_ids(endpoints[KC])
        counted = sandbox_get(endpoints[KC], "/_sandbox/faults")

    assert booked == ["dropped-1"]
    assert (counted["drop"], counted["requests"]) == (1, 1)


def test_a_held_answer_times_the_client_out_after_the_order_was_accepted() -> None:
    with sandbox(f"{KC}:timeout=1,hang=0.5") as endpoints:
        with http(endpoints[KC], timeout_s=0.2) as impatient, pytest.raises(httpx.ReadTimeout):
            kucoin_create(impatient, "held-1")
        assert booked_ids(endpoints[KC]) == ["held-1"]

        with http(endpoints[KC], timeout_s=5) as patient:
            started = time.monotonic()
            answer = kucoin_create(patient, "held-2")
            waited_s = time.monotonic() - started
        counted = sandbox_get(endpoints[KC], "/_sandbox/faults")

    assert kucoin_answer_is_good(answer) and waited_s >= 0.45
    assert (counted["timeout"], counted["requests"]) == (2, 2)


def _garbage_kind(response: httpx.Response) -> str:
    if response.headers["content-type"].startswith("text/html"):
        assert response.status_code == 200
        return "html"
    try:
        payload = response.json()
    except ValueError:
        return "truncated"
    assert payload["code"] != "200000"  # JSON, but not the venue's types
    return "wrong_types"


def test_malformed_answers_are_truncated_html_or_wrongly_typed_after_processing() -> None:
    with sandbox(f"{KC}:malformed=1", seed=1) as endpoints, http(endpoints[KC]) as client:
        created = kucoin_create(client, "garbled-1")
        answers = [client.get("/api/v1/timestamp") for _ in range(9)]
        booked = booked_ids(endpoints[KC])
        counted = sandbox_get(endpoints[KC], "/_sandbox/faults")

    assert not kucoin_answer_is_good(created)
    assert booked == ["garbled-1"]
    assert not any(kucoin_answer_is_good(answer) for answer in answers)
    assert {_garbage_kind(answer) for answer in answers} == {"truncated", "html", "wrong_types"}
    assert (counted["malformed"], counted["requests"]) == (10, 10)


def _date_offset_s(response: httpx.Response) -> float:
    (date,) = response.headers.get_list("date")  # one Date header, the venue's
    return parsedate_to_datetime(date).timestamp() - time.time()


def test_clock_skew_shows_in_server_time_and_date_and_rejects_local_timestamps() -> None:
    with (
        sandbox(f"{KC}:skew=30;treadfi:skew=-45") as endpoints,
        http(endpoints[KC]) as client,
        http(endpoints["treadfi"]) as treadfi_client,
    ):
        server_time = client.get("/api/v1/timestamp")
        offset_s = server_time.json()["data"] / 1000 - time.time()
        refused = kucoin_create(client, "local-clock")
        accepted = kucoin_create(client, "venue-clock", clock_offset_s=offset_s)
        booked = booked_ids(endpoints[KC])
        treadfi_offset_s = _date_offset_s(treadfi_client.get("/api/orders/"))
        dfx_offset_s = _date_offset_s(httpx.get(endpoints["dfx"].base_url + "/api/v1/symbols"))

    assert 28 < offset_s < 31
    assert 28 < _date_offset_s(server_time) < 32  # Date has whole seconds
    assert (refused.status_code, refused.json()) == (
        400,
        {"code": "400002", "msg": "Invalid KC-API-TIMESTAMP"},
    )
    assert kucoin_answer_is_good(accepted)
    assert booked == ["venue-clock"]
    assert -47 < treadfi_offset_s < -43
    assert -2 < dfx_offset_s < 2  # not skewed


# Seeds, counters, introspection ----------------------------------------------------------


MIXED = f"{KC}:5xx=0.15,timeout=0.1,drop=0.1,429=0.1,malformed=0.15,hang=0.4"


def _outcomes(endpoint: VenueEndpoint, requests: int) -> list[str]:
    # What a client sees of each request: the fault kind it would count, or "ok".
    outcomes = []
    with http(endpoint, timeout_s=0.2) as client:
        for _ in range(requests):
            try:
                response = client.get("/api/v1/timestamp")
            except httpx.ReadTimeout:
                outcomes.append("timeout")
                continue
            except httpx.TransportError:
                outcomes.append("drop")
                continue
            if response.status_code == 429:
                outcomes.append("429")
            elif response.status_code >= 500:
                outcomes.append("5xx")
            else:
                outcomes.append("ok" if kucoin_answer_is_good(response) else "malformed")
    return outcomes


def _mixed_run(seed: int) -> tuple[list[str], dict[str, int]]:
    with sandbox(MIXED, seed=seed) as endpoints:
        outcomes = _outcomes(endpoints[KC], 30)
        return outcomes, sandbox_get(endpoints[KC], "/_sandbox/faults")


def test_the_same_seed_and_requests_give_the_same_faults_and_the_counters_match() -> None:
    first, counted = _mixed_run(seed=3)
    again, _ = _mixed_run(seed=3)
    other, _ = _mixed_run(seed=4)

    assert first == again
    assert other != first
    assert counted == {
        **{kind: first.count(kind) for kind in ("5xx", "timeout", "drop", "429", "malformed")},
        "requests": 30,
    }
    assert set(first) == {"ok", "5xx", "timeout", "drop", "429", "malformed"}


def test_sandbox_paths_are_never_faulted() -> None:
    with sandbox("*:5xx=0.5,drop=0.5") as endpoints:
        for endpoint in endpoints.values():
            for _ in range(5):
                assert sandbox_get(endpoint, "/_sandbox/book") == []
            assert sandbox_get(endpoint, "/_sandbox/faults") == {
                "5xx": 0,
                "timeout": 0,
                "drop": 0,
                "429": 0,
                "malformed": 0,
                "requests": 0,
            }


def test_without_faults_the_counters_stay_zero_and_uvicorn_dates_answers() -> None:
    with running_sandbox() as endpoints, http(endpoints[KC]) as client:
        answer = client.get("/api/v1/timestamp")
        counted = sandbox_get(endpoints[KC], "/_sandbox/faults")

    assert kucoin_answer_is_good(answer) and -2 < _date_offset_s(answer) < 2
    assert set(counted.values()) == {0}


@pytest.mark.asyncio
async def test_the_desk_launched_sandbox_passes_its_faults_on() -> None:
    process = SandboxProcess(seed=1, speed=1.0, faults=f"{KC}:skew=20")
    endpoints = await process.start()
    try:
        base_url = endpoints[KC]["base_url"]
        async with httpx.AsyncClient(base_url=base_url, timeout=5) as client:
            answer = await client.get("/api/v1/timestamp")
    finally:
        process.stop()

    assert 18 < answer.json()["data"] / 1000 - time.time() < 21


@pytest.mark.asyncio
async def test_in_process_a_dropped_answer_raises_instead_of_answering() -> None:
    # No uvicorn transport to close under httpx.ASGITransport: the client gets the exception.
    faults = FaultSpec.parse(f"{KC}:drop=1").for_venue(KC)
    app = FaultMiddleware(
        kucoin_futures.create_app(SandboxEngine(seed=1)),
        venue=KC,
        faults=faults,
        answers=VENUE_ANSWERS[KC],
        counters=FaultCounters(),
        default_seed=0,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kc.test") as client:
        with pytest.raises(DroppedAnswer):
            await client.get("/api/v1/timestamp")
