"""Every benchmark in one run, one report, and the CI regression gate.

    python -m bench                                # full size: every benchmark (about an hour on two cores)
    python -m bench --quick                        # reduced sizes (a few minutes)
    python -m bench --only reads,compare --database-url postgresql+psycopg://…/registry_bench
    python -m bench --readme                       # also put the summary table into README.md
    python -m bench --report-only --readme         # no run: tabulate bench/results/*.json of earlier runs
    python -m bench --quick --check bench/baseline-quick.json   # the CI gate
    python -m bench --quick --write-baseline bench/baseline-quick.json

Runs reads, search, compare, snapshot (with the change feed), imports and load in turn, each
with its own data, and writes bench/results/REPORT.md: a summary table of every figure with
its target, then each benchmark's own report. `--check` compares every gated figure (a ratio
against a baseline measured in the same run) with the same figure in a baseline file and
fails when any is more than --tolerance (default 2×) worse, or when a benchmark fails.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from dataclasses import asdict
from pathlib import Path

from bench import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TABLE_START, TABLE_END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"

# name → (module, full-size arguments, quick arguments)
BENCHMARKS = {
    "reads": ("bench.reads", [], ["--standards", "2000", "--requests", "200", "--warmup", "20"]),
    "search": ("bench.search", [], ["--standards", "1000", "--queries", "60", "--warmup", "10"]),
    "compare": ("bench.compare", [], ["--standards", "2000", "--lines", "2000"]),
    "snapshot": ("bench.snapshot", [], ["--standards", "3000", "--events", "10000"]),
    "imports": ("bench.imports", [], ["--rows", "2000"]),
    "load": ("bench.load", [], ["--standards", "1000", "--duration", "10", "--baseline-duration", "5"]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="reduced sizes (what CI runs)")
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--database-url", action="append", default=[], metavar="URL",
                        help="passed to every benchmark (default: a temporary SQLite file each)")
    parser.add_argument("--search-url", default=os.environ.get("REGISTRY_TEST_OPENSEARCH_URL"),
                        help="OpenSearch node for bench.search (default $REGISTRY_TEST_OPENSEARCH_URL, else :9201)")
    parser.add_argument("--check", type=Path, metavar="BASELINE", help="fail on a regression against this file")
    parser.add_argument("--tolerance", type=float, default=2.0, help="how much worse a gated ratio may get")
    parser.add_argument("--write-baseline", type=Path, metavar="FILE", help="save the gated figures as a baseline")
    parser.add_argument("--readme", action="store_true", help="write the summary table into README.md")
    parser.add_argument("--report-only", action="store_true",
                        help="run nothing: build the report from the figures the last runs left in bench/results/")
    args = parser.parse_args(argv)
    if args.quick:  # reduced-size figures never overwrite the full-size ones the README table is built from
        cli.RESULTS = cli.RESULTS / "quick"
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    failed = []
    if args.report_only:
        for name in chosen:
            for path in sorted(cli.RESULTS.glob(f"{name}-*.json")):
                cli.FIGURES.extend(cli.Figure(**entry) for entry in json.loads(path.read_text(encoding="utf-8")))
        chosen_to_run = []
    else:
        chosen_to_run = chosen
    for name in chosen_to_run:
        module, full, quick = BENCHMARKS[name]
        argv = list(quick if args.quick else full)
        for url in args.database_url:
            argv += ["--database-url", url]
        if name == "search" and args.search_url:
            argv += ["--search-url", args.search_url]
        print(f"\n=== {name}: python -m {module} {' '.join(argv)}", flush=True)
        try:
            __import__(module, fromlist=["main"]).main(argv)
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)

    summary = summary_table(cli.FIGURES)
    write_report(chosen, summary, failed, args.quick)
    if args.readme:
        update_readme(summary, args.quick)
    if args.write_baseline:
        gated = [asdict(f) for f in cli.FIGURES if f.gated]
        args.write_baseline.write_text(json.dumps(gated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"baseline of {len(gated)} figures written to {args.write_baseline}")
    regressions = check(cli.FIGURES, args.check, args.tolerance) if args.check else []
    if failed:
        print(f"FAILED benchmarks: {', '.join(failed)}", file=sys.stderr)
    if regressions:
        print("REGRESSIONS (more than {:g}× worse than the baseline):\n".format(args.tolerance)
              + "\n".join(regressions), file=sys.stderr)
    return 1 if failed or regressions else 0


def summary_table(figures: list[cli.Figure]) -> str:
    lines = ["| benchmark | database | figure | value | target | met |", "|---|---|---|---:|---:|:---:|"]
    for f in figures:
        target = "" if f.target is None else f"{'≤' if f.better == 'lower' else '≥'} {f.target:g}{_unit(f.unit)}"
        met = {None: "", True: "yes", False: "**no**"}[f.met]
        lines.append(f"| {f.benchmark} | {f.database} | {f.name} | {f.value:,.2f}{_unit(f.unit)} | {target} | {met} |")
    return "\n".join(lines)


def _unit(unit: str) -> str:
    return unit if unit in ("×", "%") else f" {unit}"


def write_report(chosen: list[str], summary: str, failed: list[str], quick: bool) -> None:
    cli.RESULTS.mkdir(parents=True, exist_ok=True)
    parts = [f"# Benchmark report ({'quick, reduced sizes' if quick else 'full size'})", "",
             f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end.", "", summary, ""]
    if failed:
        parts += [f"**Failed:** {', '.join(failed)} (see the run's output).", ""]
    for name in chosen:
        for path in sorted(cli.RESULTS.glob(f"{name}-*.md")):
            parts += [path.read_text(encoding="utf-8"), ""]
    report = cli.RESULTS / "REPORT.md"
    report.write_text("\n".join(parts), encoding="utf-8")
    print(f"\n{summary}\n\nreport written to {report}")


def update_readme(summary: str, quick: bool) -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START) + len(TABLE_START), text.index(TABLE_END)
    note = "reduced sizes (`--quick`)" if quick else "full size"
    README.write_text(f"{text[:start]}\n_Measured by `python -m bench` ({note}) on {os.cpu_count()} CPUs._\n\n"
                      f"{summary}\n{text[end:]}", encoding="utf-8")
    print(f"summary table written into {README}")


def check(figures: list[cli.Figure], baseline_file: Path, tolerance: float) -> list[str]:
    """Every gated figure against the baseline's: a regression is more than `tolerance` times worse."""
    baseline = {(b["benchmark"], b["database"], b["name"]): b["value"]
                for b in json.loads(baseline_file.read_text(encoding="utf-8"))}
    regressions = [f"  {f.benchmark}/{f.database}/{f.name}: {f.value:g} (required: {f.target:g})"
                   for f in figures if f.required and not f.met]
    print(f"\nregression gate against {baseline_file} (tolerance {tolerance:g}×):")
    for f in (f for f in figures if f.gated):
        before = baseline.get((f.benchmark, f.database, f.name))
        if not before:
            print(f"  {f.benchmark}/{f.database}/{f.name}: {f.value:.2f} (no baseline)")
            continue
        worse = f.value / before if f.better == "lower" else before / f.value if f.value else float("inf")
        verdict = "REGRESSION" if worse > tolerance else "ok"
        print(f"  {f.benchmark}/{f.database}/{f.name}: {f.value:.2f} vs {before:.2f} → {worse:.2f}× worse: {verdict}")
        if worse > tolerance:
            regressions.append(f"  {f.benchmark}/{f.database}/{f.name}: {f.value:.2f} against {before:.2f}")
    return regressions


if __name__ == "__main__":
    sys.exit(main())
