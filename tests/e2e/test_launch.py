"""`orderdesk` starts the sandbox before loading the desk, so both start at once (issue 8,
item 5), and leaves it alone when the desk will trade live accounts."""

from __future__ import annotations

import subprocess
import sys
import types
from argparse import Namespace
from pathlib import Path

import pytest

from gui import launch
from gui.sandbox.process import SandboxProcess

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def desk_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[object]:
    """What happens, in order: "spawn" for each sandbox spawned, then ("run", early or None)
    when the desk (a stand-in `gui.app`) runs. The config folder is `tmp_path`."""
    events: list[object] = []
    monkeypatch.setattr(SandboxProcess, "spawn", lambda self: events.append("spawn"))
    monkeypatch.setattr(SandboxProcess, "stop", lambda self: None)
    desk = types.ModuleType("gui.app")

    def run(args: Namespace, early: SandboxProcess | None) -> int:
        events.append(("run", early))
        return 0

    desk.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gui.app", desk)
    monkeypatch.setattr(launch, "default_accounts_path", lambda: tmp_path / "accounts.toml")
    return events


def test_a_new_user_gets_the_sandbox_spawned_first(desk_runs: list[object]) -> None:
    assert launch.main([]) == 0
    spawned, (ran, early) = desk_runs  # type: ignore[misc]
    assert spawned == "spawn" and ran == "run" and isinstance(early, SandboxProcess)


def test_live_accounts_spawn_no_sandbox(desk_runs: list[object], tmp_path: Path) -> None:
    (tmp_path / "accounts.toml").write_text('[[accounts]]\nvenue = "dfx"\n')
    assert launch.main([]) == 0
    assert launch.main(["--accounts", str(tmp_path / "other.toml")]) == 0
    assert desk_runs == [("run", None), ("run", None)]
    assert launch.main(["--sandbox"]) == 0  # the trader asked for the sandbox anyway
    assert desk_runs[2] == "spawn"


def test_the_sandbox_is_spawned_before_the_desk_is_imported() -> None:
    probe = (
        "import sys\n"
        "from gui import launch\n"
        "from gui.sandbox.process import SandboxProcess\n"
        "def spawn(self):\n"
        "    print('desk imported at spawn:', 'gui.app' in sys.modules, flush=True)\n"
        "    raise SystemExit(0)\n"
        "SandboxProcess.spawn = spawn\n"
        "launch.main(['--sandbox'])\n"
    )
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "desk imported at spawn: False"
