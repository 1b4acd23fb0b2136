"""The benchmarks' one harness: quick or full mode, and figures recorded as JSON.

Quick mode (the default, run by CI) uses small sizes so every benchmark runs in seconds and
keeps its code working; full mode (`ORDERDESK_BENCH=full`) uses the sizes the budgets name
(100,000 orders...), and its figures go to docs/benchmarks.md. Each benchmark measures its
baseline in the same run and records both with `record`, which writes
`<ORDERDESK_BENCH_DIR or bench-results>/<name>.json` and prints one line.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

FULL = os.environ.get("ORDERDESK_BENCH", "quick") == "full"
"""True in full mode (`ORDERDESK_BENCH=full`)."""


def size(quick: int, full: int) -> int:
    """`full` in full mode, else `quick`."""
    return full if FULL else quick


def median_ms(samples_s: Sequence[float]) -> float:
    """Median of samples taken in seconds, in milliseconds."""
    return statistics.median(samples_s) * 1000


def percentile_ms(samples_s: Sequence[float], fraction: float) -> float:
    """The `fraction` (0..1) percentile of samples in seconds, in milliseconds."""
    ordered = sorted(samples_s)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index] * 1000


def record(name: str, figures: Mapping[str, Any]) -> Path:
    """Write `figures` (with mode, machine and time) to `<dir>/<name>.json`; print them.

    Returns:
        The file written.
    """
    folder = Path(os.environ.get("ORDERDESK_BENCH_DIR", "bench-results"))
    folder.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": name,
        "mode": "full" if FULL else "quick",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        **figures,
    }
    path = folder / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, default=str))
    print(f"\n{name}: " + ", ".join(f"{key}={value}" for key, value in figures.items()))
    return path
