"""What every benchmark command shares: its databases, the safety check, its report and its figures."""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One number a benchmark reports, with its target; `python -m bench` tabulates and gates them.

    `better` ("lower" or "higher") says which way the target lies. Only ratios against a baseline
    measured in the same run (unit "×" or "%") are `gated` — they hold steady across machines —
    while absolute figures (throughput, milliseconds) are reported but never gated.
    """

    benchmark: str
    database: str
    name: str
    value: float
    unit: str
    target: float | None = None
    better: str | None = None
    required: bool = False  # the gate fails whenever the target is missed (e.g. zero errors under load)
    gate: bool = True  # False for a ratio too jittery at reduced size to gate (a p95 of sub-millisecond queries)

    @property
    def gated(self) -> bool:
        return self.gate and self.better is not None and self.unit in ("×", "%")

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.better == "lower" else self.value >= self.target


FIGURES: list[Figure] = []
_current = {"benchmark": "", "database": ""}


def figure(name: str, value: float, unit: str, *, target: float | None = None, better: str | None = None,
           required: bool = False, gate: bool = True) -> None:
    """Record a figure of the benchmark and database now running."""
    FIGURES.append(Figure(_current["benchmark"], _current["database"], name, round(float(value), 4), unit,
                          target, better, required, gate))


def interleaved(repeat: int, calls: dict[str, Callable], before: dict[str, Callable] | None = None
                ) -> dict[str, tuple[float, object]]:
    """name → (median seconds, last answer) of each call, run once per round, round after round:
    a slow stretch of the machine then hits every side of a ratio alike, not one of them.
    `before`: name → an untimed step before each of that call's runs (an emptied database)."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    answers: dict[str, object] = {}
    for _ in range(repeat):
        for name, call in calls.items():
            answers[name] = None  # the previous answer is gone before the next call, as a worker's last response is
            if before and name in before:
                before[name]()
            started = time.perf_counter()
            answers[name] = call()
            times[name].append(time.perf_counter() - started)
    return {name: (statistics.median(times[name]), answers[name]) for name in calls}


def parser_for(name: str, doc: str | None) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(prog=f"python -m bench.{name}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def run_each_database(name: str, parser: argparse.ArgumentParser, run: Callable[[str, argparse.Namespace], str],
                      argv: list[str] | None) -> None:
    """Parse, then run on each --database-url (default: a new SQLite file) and write the reports."""
    parser.add_argument("--database-url", action="append", metavar="URL",
                        help="a database to empty and fill (its tables are dropped); repeat for several "
                             "(default: a new SQLite file in a temporary directory)")
    args = parser.parse_args(argv)
    for url in args.database_url or []:
        if (make_url(url).database or "").endswith("_test"):
            parser.error(f"refusing to drop the tables of a test database: {url}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as scratch:
        for url in args.database_url or [f"sqlite:///{scratch}/bench.sqlite3"]:
            database = make_url(url).get_backend_name()
            _current.update(benchmark=name, database=database)
            recorded = len(FIGURES)
            report = run(url, args)
            print("\n" + report, flush=True)
            path = RESULTS / f"{name}-{database}.md"
            path.write_text(report, encoding="utf-8")
            path.with_suffix(".json").write_text(
                json.dumps([asdict(f) for f in FIGURES[recorded:]], ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"written to {path}")
