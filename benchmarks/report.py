"""What the `make bench` commands share: the nearest-rank percentile and the sections
of docs/performance.md that each command rewrites between its markers."""

import math
import os
import re
from pathlib import Path

INTRO = """# Performance

Figures from `make bench`, which runs the benchmark commands on the machine at hand and
rewrites the sections below between their markers. Each section says when and where its
figures were taken; compare figures from the same machine only.
"""


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def replace_section(text: str, name: str, section: str) -> str:
    """Put `section` between the named markers, replacing what was there, or append it."""
    start, end = markers(name)
    block = f"{start}\n{section.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _match: block, text, count=1)
    return f"{text.rstrip()}\n\n{block}\n"


def write_section(docs: Path, name: str, section: str) -> None:
    text = docs.read_text() if docs.exists() else INTRO
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(replace_section(text, name, section))


def size_label(customers: int) -> str:
    """100000 -> "100k", 1000000 -> "1m": the name of a size in targets and markers."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if customers >= unit and customers % unit == 0:
            return f"{customers // unit}{suffix}"
    return str(customers)


def cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 0


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB"
    except OSError:  # pragma: no cover - not Linux
        pass
    return "unknown"


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " / ".join(f"{load:.1f}" for load in os.getloadavg())
