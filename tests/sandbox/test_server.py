"""The sandbox over real loopback HTTP: `running_sandbox()` and the `orderdesk-sandbox` command."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from gui.sandbox.server import VENUES, VenueEndpoint, running_sandbox
from gui.sandbox.treadfi import DEMO_ACCOUNTS, DEMO_API_KEY

TWAP_10_MIN = {
    "pair": "ETH-USDT",
    "side": "sell",
    "accounts": ["sandbox-bybit"],
    "strategy": "TWAP",
    "duration": 600,
    "base_asset_qty": "3",
}


def treadfi_client(endpoint: VenueEndpoint) -> httpx.Client:
    headers = {"Authorization": f"Token {endpoint.credentials['api_key']}"}
    return httpx.Client(base_url=endpoint.base_url, headers=headers, timeout=5)


def test_running_sandbox_serves_over_loopback_and_an_algo_fills() -> None:
    with running_sandbox(seed=1, speed=60) as endpoints:
        endpoint = endpoints["treadfi"]
        assert endpoint.base_url.startswith("http://127.0.0.1:")
        assert (endpoint.credentials, endpoint.accounts) == (
            {"api_key": DEMO_API_KEY},
            DEMO_ACCOUNTS,
        )
        with treadfi_client(endpoint) as client:
            created = client.post("/api/orders/", json=TWAP_10_MIN)
            assert created.status_code == 201
            # Waits on the condition; how fast fills come is a benchmark's business, not a
            # test's (a loaded CI machine must not fail it).
            deadline = time.monotonic() + 20.0
            fills: list[object] = []
            while not fills and time.monotonic() < deadline:
                time.sleep(0.05)
                fills = client.get("/api/active_orders/").json()["orders"][0]["fills"]
        assert fills, "a TWAP at speed 60 fills while the sandbox serves"

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{endpoint.base_url}/api/orders/", timeout=2)


def test_running_sandbox_listens_on_the_port_it_is_given() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]

    with (
        running_sandbox(port=free_port) as endpoints,
        treadfi_client(endpoints["treadfi"]) as client,
    ):
        assert endpoints["treadfi"].base_url == f"http://127.0.0.1:{free_port}"
        assert client.get("/api/orders/").json()["order_count"] == 0


def test_running_sandbox_reports_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError), running_sandbox(port=taken.getsockname()[1]):
            pass


@pytest.fixture
def sandbox_process() -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "gui.sandbox.server", "--port", "0", "--speed", "60", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()


@pytest.mark.parametrize(
    "signal_number", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"]
)
def test_cli_prints_one_json_line_serves_and_exits_0_on_a_signal(
    sandbox_process: subprocess.Popen[str], signal_number: int
) -> None:
    assert sandbox_process.stdout is not None and sandbox_process.stderr is not None
    line = sandbox_process.stdout.readline()

    endpoints = json.loads(line)
    assert set(endpoints) == set(VENUES)  # every registered venue, one port each
    treadfi = endpoints["treadfi"]
    assert treadfi["credentials"] == {"api_key": DEMO_API_KEY}
    assert treadfi["accounts"] == list(DEMO_ACCOUNTS)
    endpoint = VenueEndpoint(
        treadfi["base_url"], treadfi["credentials"], tuple(treadfi["accounts"])
    )
    with treadfi_client(endpoint) as client:  # listening as soon as the line is out
        assert client.post("/api/orders/", json=TWAP_10_MIN).status_code == 201

    sandbox_process.send_signal(signal_number)

    assert sandbox_process.wait(timeout=10) == 0
    assert sandbox_process.stdout.read() == ""  # nothing but the one line on stdout
    assert "listening on" in sandbox_process.stderr.read()


def test_cli_exits_1_when_its_port_is_taken() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = subprocess.run(
            [sys.executable, "-m", "gui.sandbox.server", "--port", str(taken.getsockname()[1])],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
            check=False,
        )

    assert result.returncode == 1
    assert result.stdout == ""
    assert "cannot serve" in result.stderr


def test_a_sandbox_launched_by_the_desk_stops_when_the_desk_is_gone() -> None:
    # The desk keeps the child's stdin open; a killed desk closes it, and the sandbox must
    # not serve on as an orphan.
    process = subprocess.Popen(
        [sys.executable, "-m", "gui.sandbox.server", "--port", "0", "--stop-on-stdin-eof"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        endpoints = json.loads(process.stdout.readline())
        assert "treadfi" in endpoints
        process.stdin.close()  # what the kernel does when the desk dies
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
