"""Serve the venue emulators on loopback with uvicorn: `running_sandbox()` and the
`orderdesk-sandbox` command.

All venues share one `SandboxEngine` (one simulated market per pair) and one asyncio loop,
each on its own port. The command prints exactly one JSON line on stdout once every port is
listening, e.g. `{"treadfi": {"base_url": "http://127.0.0.1:54321", "credentials":
{"api_key": "..."}, "accounts": ["sandbox-binance", "sandbox-bybit"]}}`, logs to stderr, and
serves until SIGINT or SIGTERM, then exits 0. Adding a venue is one entry in `VENUES`
(`gui.sandbox.venue_registry`, re-exported here).

The sandbox binds loopback only (issue 5, item 8): any other host is refused. `--faults SPEC`
injects faults per venue (`gui.sandbox.faults`); every venue's port also answers the
introspection endpoints `GET /_sandbox/book` and `GET /_sandbox/faults`
(`gui.sandbox.introspection`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import uvicorn

from gui.sandbox.engine import SandboxEngine, ScaledClock
from gui.sandbox.faults import FaultSpec
from gui.sandbox.venue_registry import VENUES, VenueSpec, WallClock, loopback_host, venue_app

__all__ = [
    "VENUES",
    "VenueEndpoint",
    "VenueSpec",
    "WallClock",
    "loopback_host",
    "main",
    "running_sandbox",
    "serve_venues",
]

log = logging.getLogger(__name__)

START_TIMEOUT_S = 15.0
"""Longest wait for the servers to listen, in seconds."""
GRACEFUL_SHUTDOWN_S = 2
"""How long a stopping server waits for open requests, in seconds."""


@dataclass(frozen=True)
class VenueEndpoint:
    """Where a running emulator listens and how to log in to it.

    Attributes:
        base_url: `http://host:port`, without a trailing slash.
        credentials: The venue's demo credentials by name (Tread.fi: `api_key`).
        accounts: The account names the emulator knows.
    """

    base_url: str
    credentials: dict[str, str]
    accounts: tuple[str, ...]


class _OwnedSignalsServer(uvicorn.Server):
    # uvicorn would install its own SIGINT/SIGTERM handlers and re-raise the signal after
    # shutdown (killing the process with the signal's status); the sandbox handles signals.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets whose proto says TCP, and
    # without it every answer on a kept-alive connection waited 40 ms (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name != "nt":  # on Windows SO_REUSEADDR would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def serve_venues(
    engine: SandboxEngine,
    host: str,
    port: int,
    on_ready: Callable[[dict[str, VenueEndpoint]], None],
    stop: asyncio.Event,
    faults: FaultSpec | None = None,
) -> None:
    """Serve every venue in `VENUES` in the running loop until `stop` is set.

    Args:
        engine: The engine all emulators share.
        host: A loopback interface to listen on.
        port: 0 for any free ports; else the first venue's port, the next venues' following.
        on_ready: Called once with the endpoints, after every server is listening.
        stop: Set it to shut the servers down.
        faults: Faults to inject (seeded from `engine.seed` unless the SPEC gives a seed);
            None serves the emulators untouched.

    Raises:
        ValueError: `host` is not a loopback address.
        OSError: A port could not be bound.
        RuntimeError: A server stopped while starting.
    """
    host = loopback_host(host)
    sockets: list[socket.socket] = []
    try:
        for index in range(len(VENUES)):
            sockets.append(_bind(host, port + index if port else 0))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    servers: list[uvicorn.Server] = []
    tasks: list[asyncio.Task[None]] = []
    endpoints: dict[str, VenueEndpoint] = {}
    for (name, spec), sock in zip(VENUES.items(), sockets, strict=True):
        config = uvicorn.Config(
            venue_app(name, spec, engine, faults, engine.seed),
            log_config=None,
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            # Under fault injection `Date` comes from the venue's (skewed) clock.
            date_header=faults is None,
        )
        server = _OwnedSignalsServer(config)
        servers.append(server)
        tasks.append(asyncio.create_task(server.serve(sockets=[sock]), name=f"sandbox-{name}"))
        bound_port = sock.getsockname()[1]
        endpoints[name] = VenueEndpoint(
            _base_url(host, bound_port), dict(spec.credentials), spec.accounts
        )
    try:
        async with asyncio.timeout(START_TIMEOUT_S):
            while not all(started.started for started in servers):
                for task in tasks:
                    if task.done():
                        task.result()  # re-raises a failed start
                        raise RuntimeError(f"{task.get_name()} stopped while starting")
                await asyncio.sleep(0.01)
        for name, endpoint in endpoints.items():
            log.info("sandbox: %s emulator listening on %s", name, endpoint.base_url)
        on_ready(endpoints)
        await stop.wait()
    finally:
        for stopping in servers:
            stopping.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        for sock in sockets:
            sock.close()


@contextlib.contextmanager
def running_sandbox(
    seed: int = 0,
    speed: float = 1.0,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: FaultSpec | None = None,
) -> Iterator[dict[str, VenueEndpoint]]:
    """Run the emulators in a background thread for the duration of a `with` block.

    Args:
        seed: Market seed (same seed, same market); also the fault seed unless `faults`
            gives one.
        speed: Simulated seconds per real second.
        host: A loopback interface, 127.0.0.1 by default.
        port: 0 for any free ports; else the first venue's port (the next venues' follow).
        faults: Faults to inject (`FaultSpec.parse`); None for none.

    Yields:
        Venue name -> endpoint, once every server is listening.

    Raises:
        ValueError: `host` is not a loopback address.
        OSError: A port could not be bound.
        RuntimeError: The servers did not start.
    """
    host = loopback_host(host)
    engine = SandboxEngine(seed, ScaledClock(speed))
    ready = threading.Event()
    outcome: dict[str, object] = {}
    stop_serving: Callable[[], object] | None = None

    def publish(endpoints: dict[str, VenueEndpoint]) -> None:
        outcome["endpoints"] = endpoints
        ready.set()

    async def serve() -> None:
        nonlocal stop_serving
        loop, stop = asyncio.get_running_loop(), asyncio.Event()
        stop_serving = partial(loop.call_soon_threadsafe, stop.set)
        await serve_venues(engine, host, port, publish, stop, faults)

    def run() -> None:
        try:
            asyncio.run(serve())
        except BaseException as exc:  # reported in the caller's thread below
            outcome["error"] = exc
        finally:
            ready.set()

    thread = threading.Thread(target=run, name="orderdesk-sandbox", daemon=True)
    thread.start()
    ready.wait(START_TIMEOUT_S + 5)
    try:
        error = outcome.get("error")
        if isinstance(error, BaseException):
            raise error
        endpoints = outcome.get("endpoints")
        if not isinstance(endpoints, dict):
            raise RuntimeError("the sandbox did not start in time")
        yield endpoints
    finally:
        if stop_serving is not None:
            with contextlib.suppress(RuntimeError):  # the loop already ended and closed
                stop_serving()
        thread.join(GRACEFUL_SHUTDOWN_S + 5)


def _print_endpoints(endpoints: dict[str, VenueEndpoint]) -> None:
    line = json.dumps({name: dataclasses.asdict(endpoint) for name, endpoint in endpoints.items()})
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def _serve_until_signalled(arguments: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signal_number, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(signal_number, lambda *_: loop.call_soon_threadsafe(stop.set))
    if arguments.stop_on_stdin_eof:
        # The launcher holds our stdin open; when it exits, even killed, the pipe closes
        # and we stop with it instead of serving on as an orphan.
        watcher = threading.Thread(
            target=_wait_for_eof, args=(loop, stop), name="stdin-eof", daemon=True
        )
        watcher.start()
    engine = SandboxEngine(arguments.seed, ScaledClock(arguments.speed))
    await serve_venues(
        engine, arguments.host, arguments.port, _print_endpoints, stop, arguments.faults
    )


def _wait_for_eof(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    while sys.stdin.buffer.read(4096):
        pass
    loop.call_soon_threadsafe(stop.set)


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
    return value


def _loopback_host(text: str) -> str:
    try:
        return loopback_host(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _fault_spec(text: str) -> FaultSpec:
    try:
        return FaultSpec.parse(text, VENUES)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    """The `orderdesk-sandbox` command.

    Args:
        argv: Arguments without the program name; None reads `sys.argv`.

    Returns:
        0 after a clean shutdown on SIGINT/SIGTERM, 1 when the servers could not start
        (argparse exits 2 on a bad argument: a non-loopback `--host`, a bad `--faults`).
    """
    parser = argparse.ArgumentParser(
        prog="orderdesk-sandbox",
        description="Serve OrderDesk's venue emulators on loopback; print one JSON line "
        "with each venue's base URL, demo credentials and accounts; serve until interrupted.",
    )
    parser.add_argument("--seed", type=int, default=0, help="market seed (default 0)")
    parser.add_argument(
        "--speed",
        type=_positive_float,
        default=1.0,
        help="simulated seconds per real second (default 1)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="first venue's port, the next venues' follow; 0 = any free ports (default)",
    )
    parser.add_argument(
        "--host",
        type=_loopback_host,
        default="127.0.0.1",
        help="loopback interface (default 127.0.0.1; any other is refused)",
    )
    parser.add_argument(
        "--faults",
        type=_fault_spec,
        default=None,
        metavar="SPEC",
        help="inject faults, e.g. '*:5xx=0.1,timeout=0.05,hang=2;kucoin_futures:skew=3' "
        "(see the README, 'Fault injection (sandbox)')",
    )
    parser.add_argument(
        "--stop-on-stdin-eof",
        action="store_true",
        help="also stop when standard input closes (the desk uses this for its child sandbox)",
    )
    arguments = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        asyncio.run(_serve_until_signalled(arguments))
    except (OSError, RuntimeError) as exc:
        log.error("sandbox: cannot serve: %s", exc)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
