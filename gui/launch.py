"""The `orderdesk` command: read the command line, start the sandbox, then load the desk.

The desk's imports (Qt widgets, pyqtgraph, five venue adapters and their pydantic models)
take about a second; the sandbox takes 0.2 s to listen. Spawned after those imports, the
sandbox delayed the window by its whole start-up (1.50 s against 1.21 s with live
accounts; issue 8, item 5: window shown in under 1.5 s). So this module imports only what
it needs to decide (argparse, platformdirs, `gui.sandbox.process`), spawns the sandbox,
and then imports `gui.app`, whose start-up the sandbox's now overlaps.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import sys
from collections.abc import Sequence
from pathlib import Path

from gui.oms.app_dirs import default_accounts_path, default_data_dir
from gui.sandbox.process import SandboxProcess

__all__ = ["DEFAULT_SPEED", "desk_version", "main", "parse_args"]

DEFAULT_SPEED = 20.0
"""Sandbox seconds per real second by default: a 20-minute TWAP finishes in a minute."""


def desk_version() -> str:
    """OrderDesk's version from the installed package's metadata ("unknown" without it)."""
    try:
        return importlib.metadata.version("orderdesk")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The `orderdesk` command line (`argv` None: `sys.argv[1:]`)."""
    parser = argparse.ArgumentParser(
        prog="orderdesk", description="OrderDesk order-management desk"
    )
    parser.add_argument("--version", action="version", version=f"OrderDesk {desk_version()}")
    parser.add_argument("--screenshot", metavar="FILE", help="save a PNG of the desk and exit")
    parser.add_argument(
        "--demo-orders",
        type=int,
        default=0,
        metavar="N",
        help="submit N demo orders on start (screenshot mode: wait for fills)",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=DEFAULT_SPEED,
        help=f"sandbox speed factor (default {DEFAULT_SPEED:g})",
    )
    parser.add_argument("--seed", type=int, default=7, help="sandbox market seed")
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults in the embedded sandbox (see orderdesk-sandbox --faults)",
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="layout settings file (default: the user's config folder)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--accounts",
        metavar="FILE",
        type=Path,
        help="trade the live accounts in this TOML file (secrets from the OS keyring) "
        f"instead of {default_accounts_path()}",
    )
    mode.add_argument(
        "--sandbox",
        action="store_true",
        help="trade the embedded sandbox (simulated venues) even when live accounts exist",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=default_data_dir(),
        help="where the journal and the log live (default: %(default)s)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desk (`orderdesk`); returns the process exit code.

    The sandbox is spawned before the desk is imported when the desk will most likely
    trade it: `--sandbox`, or no `--accounts` and no accounts file in the config folder.
    An accounts file naming no account still means the sandbox; it is then started once
    the desk has read that file (`gui.app`), a little later.
    """
    args = parse_args(argv)
    early: SandboxProcess | None = None
    if args.accounts is None and (args.sandbox or not default_accounts_path().is_file()):
        early = SandboxProcess(seed=args.seed, speed=args.speed, faults=args.faults)
        early.spawn()
    try:
        from gui.app import run  # the desk's imports, while the sandbox starts
    except BaseException:
        if early is not None:
            early.stop()
        raise
    return run(args, early)


if __name__ == "__main__":
    sys.exit(main())
