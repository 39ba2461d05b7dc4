"""What every benchmark command shares: its databases, the safety check, and writing its report."""
from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

RESULTS = Path(__file__).resolve().parent / "results"


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
    RESULTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as scratch:
        for url in args.database_url or [f"sqlite:///{scratch}/bench.sqlite3"]:
            report = run(url, args)
            print("\n" + report, flush=True)
            path = RESULTS / f"{name}-{make_url(url).get_backend_name()}.md"
            path.write_text(report, encoding="utf-8")
            print(f"written to {path}")
