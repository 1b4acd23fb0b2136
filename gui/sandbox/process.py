"""Run `orderdesk-sandbox` as a child process and read the endpoints it prints.

The desk starts the sandbox in its own process so a busy emulator can never stall the GUI
thread (DESIGN.md, Concurrency). Blocking reads happen in a worker thread.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 30.0
"""Longest wait for the sandbox's JSON line, in seconds."""


def sandbox_command() -> list[str]:
    """The command that starts the sandbox server, without its options.

    Returns:
        `[sys.executable, "-m", "gui.sandbox.server"]` from a Python installation; in a
        PyInstaller bundle (`sys.frozen`), where `sys.executable` is the desk itself, the
        bundle's `orderdesk-sandbox` executable next to it (`packaging/orderdesk.spec`).
    """
    if getattr(sys, "frozen", False):
        suffix = ".exe" if sys.platform == "win32" else ""
        return [str(Path(sys.executable).with_name(f"orderdesk-sandbox{suffix}"))]
    return [sys.executable, "-m", "gui.sandbox.server"]


class SandboxProcess:
    """The sandbox child process.

    Args:
        seed: Market seed (same seed, same market), also the default fault seed.
        speed: Simulated seconds per real second.
        faults: A `--faults` SPEC (`gui.sandbox.faults`), or None for no fault injection.
    """

    def __init__(self, seed: int = 0, speed: float = 1.0, faults: str | None = None) -> None:
        self.seed = seed
        self.speed = speed
        self.faults = faults
        self._process: subprocess.Popen[str] | None = None

    def spawn(self) -> None:
        """Start the sandbox process without waiting for it (idempotent): the desk spawns it
        first thing, so its start-up (about 0.2 s of imports and binding) overlaps the
        desk's own imports and window (issue 8, item 5: window shown within 1.5 s)."""
        if self._process is not None:
            return
        command = [
            *sandbox_command(),
            "--port",
            "0",
            "--seed",
            str(self.seed),
            "--speed",
            str(self.speed),
            "--stop-on-stdin-eof",
        ]
        if self.faults is not None:
            command += ["--faults", self.faults]
        self._process = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
            # Our end of stdin stays open for the child's life: if this process dies, even
            # by SIGKILL, the pipe closes and the sandbox stops instead of lingering.
            command,
            stdout=subprocess.PIPE,
            text=True,
            stdin=subprocess.PIPE,
        )

    async def start(self) -> dict[str, dict[str, Any]]:
        """Start the sandbox (unless `spawn` did) and return its endpoints (venue ->
        base_url, credentials, accounts) once it listens.

        Raises:
            RuntimeError: The sandbox exited (e.g. on a bad `faults` SPEC, which it reports
                on stderr) or printed no JSON line within START_TIMEOUT_S.
        """
        self.spawn()
        assert self._process is not None
        stdout = self._process.stdout
        assert stdout is not None
        try:
            line = await asyncio.wait_for(asyncio.to_thread(stdout.readline), START_TIMEOUT_S)
        except TimeoutError as exc:
            self.stop()
            raise RuntimeError("the sandbox did not start in time") from exc
        if not line:
            code = self._process.wait()
            raise RuntimeError(f"the sandbox exited with code {code} before it was ready")
        endpoints: dict[str, dict[str, Any]] = json.loads(line)
        return endpoints

    def stop(self) -> None:
        """Stop the sandbox (SIGTERM, then SIGKILL after 5 s)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        if process.stdin is not None:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
