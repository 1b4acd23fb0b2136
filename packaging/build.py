"""Build the OrderDesk bundle with PyInstaller: `python packaging/build.py [--dist DIR]`.

Runs PyInstaller on `packaging/orderdesk.spec` with the Python running this script (which
must have OrderDesk and `pyinstaller` installed: `pip install -e '.[package]'`), work files
in `build/pyinstaller/` and the bundle in `dist/orderdesk/` (both git-ignored). Prints the
bundle folder, its size and how long the build took; exits with PyInstaller's exit code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repository root (the folder holding pyproject.toml)."""
SPEC = REPO / "packaging" / "orderdesk.spec"
"""The PyInstaller spec file."""
BUNDLE_NAME = "orderdesk"
"""The bundle folder's name inside the dist folder (COLLECT's name in the spec)."""


def folder_size_bytes(folder: Path) -> int:
    """Total size of the regular files under `folder`, in bytes (symbolic links not followed)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(root, name)
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def build(dist: Path, work: Path, *, clean: bool = False) -> Path:
    """Run PyInstaller on the spec.

    Args:
        dist: Folder the bundle goes into (the bundle is `dist / "orderdesk"`, replaced if
            present).
        work: PyInstaller's work folder (kept between builds: a rebuild reuses its analysis).
        clean: Empty PyInstaller's cache and `work` first.

    Returns:
        The bundle folder.

    Raises:
        subprocess.CalledProcessError: PyInstaller failed (its output is on stderr).
    """
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    if clean:
        command.append("--clean")
    subprocess.run(command, cwd=REPO, check=True)  # noqa: S603 - fixed arguments
    return dist / BUNDLE_NAME


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code."""
    parser = argparse.ArgumentParser(description="Build the OrderDesk one-folder bundle.")
    parser.add_argument(
        "--dist",
        type=Path,
        default=REPO / "dist",
        metavar="DIR",
        help="where the bundle folder goes (default: %(default)s)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO / "build" / "pyinstaller",
        metavar="DIR",
        help="PyInstaller's work folder (default: %(default)s)",
    )
    parser.add_argument("--clean", action="store_true", help="start from an empty cache")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        bundle = build(args.dist.resolve(), args.work.resolve(), clean=args.clean)
    except subprocess.CalledProcessError as exc:
        print(f"build: PyInstaller failed with exit code {exc.returncode}", file=sys.stderr)
        return exc.returncode or 1
    elapsed_s = time.monotonic() - started
    size_mb = folder_size_bytes(bundle) / 1_000_000
    print(f"bundle: {bundle}")
    print(f"size: {size_mb:.1f} MB")
    print(f"build time: {elapsed_s:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
