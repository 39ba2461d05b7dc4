"""Sync benchmark: streamed snapshots against pandas, and the change feed.

    python -m bench.snapshot [--standards 42000] [--events 100000] [--repeat 3] [--database-url URL ...]

Per database it generates the standards (bench/datagen.py; 42,000 give a little over 100,000
item rows in force on 2025-03-01) and appends `--events` events (datagen.add_events), then:

  snapshot  registry.sync_formats.as_ndjson and as_csv over
            registry.services.sync.baseline_rows(session, as_of) on a snapshot session, as
            GET /api/v1/baselines streams them: every chunk is encoded to UTF-8 and counted,
            nothing is kept. The baseline is pandas on the same rows: pd.read_sql of the
            same select (same columns, joins, in-force filter and order, built here with
            the same column types) then DataFrame.to_csv(io.StringIO()). pandas materialises
            everything, in C where it can; it is the natural "export a table" floor for time.
            Times (median of --repeat interleaved rounds, no tracing) and, in separate runs, the peak of
            tracemalloc (started just before, so only what the export allocates in Python
            counts; the database's own buffers are not Python memory on either side).
            Peaks are also taken after 25,000, 50,000 and 100,000 rows (the stream stopped
            there, pandas with a LIMIT) to show whether memory grows with the rows.
  feed      registry.services.sync.changes(session, since, 1000) page after page, one read
            session per page as a request has, until the feed is exhausted (events/s); and
            GET /api/v1/changes?since=&limit=1000 through the test client with an
            integration token (informational).

Targets: each streamed format within 2× pandas' time, with a peak that does not grow with
the rows; the feed at ≥ 20,000 events/s in-process.
"""
from __future__ import annotations

import argparse
import io
import os
import time
import tracemalloc
from datetime import date
from functools import partial
from itertools import islice

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.cli import figure, interleaved, parser_for, run_each_database
from bench.datagen import add_events, generate
from registry import create_app, sync_formats
from registry.actor import Actor
from registry.db import get_db
from registry.roles import Role
from registry.services import sync, tokens

AS_OF = date(2025, 3, 1)
SIZES = (25_000, 50_000, 100_000)
PAGE = 1000
MB = 1024 * 1024


def same_select(limit: int | None = None):
    """The select of sync.baseline_rows itself, for pandas."""
    query = sync.baseline_select(AS_OF)
    return query if limit is None else query.limit(limit)


def stream(writer, limit: int | None = None) -> int:
    """Bytes of one streamed snapshot (of its first `limit` rows), as the endpoint sends it."""
    session = get_db().snapshot()
    try:
        rows = sync.baseline_rows(session, AS_OF)
        return sum(len(chunk.encode("utf-8")) for chunk in writer(rows if limit is None else islice(rows, limit)))
    finally:
        session.close()


def pandas_csv(limit: int | None = None) -> int:
    """Characters of pandas' CSV of the same rows (read_sql, then to_csv into a StringIO)."""
    with get_db().engine.connect() as conn:
        frame = pd.read_sql(same_select(limit), conn)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.tell()


def peak(call, *args) -> float:
    """Peak Python memory (tracemalloc) of one call, in MB."""
    tracemalloc.start()
    try:
        call(*args)
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def feed_in_process(page: int) -> tuple[int, int]:
    since, events, pages = 0, 0, 0
    while True:
        with get_db().read() as session:
            rows, since = sync.changes(session, since, page)
        events, pages = events + len(rows), pages + 1
        if len(rows) < page:
            return events, pages


def feed_over_http(client, page: int) -> tuple[int, int]:
    since, events, pages = 0, 0, 0
    while True:
        response = client.get(f"/api/v1/changes?since={since}&limit={page}")
        assert response.status_code == 200, response.data[:300]
        body = response.get_json()
        events, pages, since = events + len(body["events"]), pages + 1, body["next"]
        if not body["has_more"]:
            return events, pages


def run(url: str, args: argparse.Namespace) -> str:
    dialect = make_url(url).get_backend_name()
    started = time.perf_counter()
    counts = generate(url, args.standards, args.seed)
    counts["events"] = add_events(url, args.events, args.seed)
    print(f"[{dialect}] generated {counts} in {time.perf_counter() - started:.1f} s", flush=True)
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        with get_db().write() as session:
            secret = tokens.issue(session, "bench-sync", Role.INTEGRATION, Actor("bench", Role.ADMIN)).secret
        with get_db().read() as session:
            rows = session.scalar(select(func.count()).select_from(same_select().order_by(None).subquery()))
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        sides = {"NDJSON `as_ndjson(baseline_rows)`": (stream, sync_formats.as_ndjson),
                 "CSV `as_csv(baseline_rows)`": (stream, sync_formats.as_csv),
                 "pandas `read_sql` + `to_csv(StringIO)`": (pandas_csv,)}
        for call, *rest in sides.values():  # warm-up: imports, statement caches, the OS page cache
            call(*rest, 1000)
        times = interleaved(args.repeat, {name: partial(*side) for name, side in sides.items()})
        peaks = {name: peak(*side) for name, side in sides.items()}
        sizes = SIZES if rows >= SIZES[-1] else (rows // 4, rows // 2, rows)  # quick runs: quarter, half, all
        by_size = {size: {name: peak(*side, size) for name, side in sides.items()} for size in sizes}
        feed_in_process(PAGE)
        feeds = interleaved(args.repeat, {"in process": partial(feed_in_process, PAGE),
                                          "HTTP": partial(feed_over_http, client, PAGE)})
        (feed_s, (events, pages)), (http_s, (http_events, _)) = feeds["in process"], feeds["HTTP"]
        get_db().dispose()
    base_s = times["pandas `read_sql` + `to_csv(StringIO)`"][0]
    names = list(sides)
    first, last = min(by_size), max(by_size)
    lines = [
        f"### Snapshot and change feed on {dialect}",
        "",
        f"{counts['standards']:,} standards, {counts['items']:,} items, {rows:,} item rows in force on {AS_OF}, "
        f"{counts['events']:,} events; median of {args.repeat} interleaved rounds, peaks from separate traced runs; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
        "",
        f"| full snapshot ({rows:,} rows) | seconds | rows/s | output MB (pandas: characters) | peak MB | time vs pandas | within 2× |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for name in names:
        seconds, size = times[name]
        ok = "" if name.startswith("pandas") else ("yes" if seconds <= 2 * base_s else "**no**")
        lines.append(f"| {name} | {seconds:.2f} | {rows / seconds:,.0f} | {size / MB:.1f} | {peaks[name]:.1f} | "
                     f"{seconds / base_s:.2f}× | {ok} |")
    lines += ["", "| peak MB after … rows | " + " | ".join(names) + " |", "|---:|" + "---:|" * len(names)]
    lines += [f"| {size:,} | " + " | ".join(f"{by_size[size][n]:.1f}" for n in names) + " |" for size in by_size]
    flat = {n: by_size[last][n] <= 1.5 * by_size[first][n] for n in names}
    for name in names[:2]:
        short = name.split(" ", 1)[0]
        figure(f"{short} snapshot / pandas", times[name][0] / base_s, "×", target=2, better="lower")
        figure(f"{short} peak growth {first:,}→{last:,} rows", by_size[last][name] / by_size[first][name], "×",
               target=1.5, better="lower")
    figure("change feed in-process", events / feed_s, "events/s", target=20_000, better="higher")
    lines += ["", "Peak flat from {:,} to {:,} rows (≤ 1.5×): ".format(first, last)
              + "; ".join(f"{n.split(' ', 1)[0]} {'yes' if flat[n] else 'no'}" for n in names) + ".", ""]
    lines += [
        "| change feed, pages of 1,000 | events | pages | seconds | events/s | target |",
        "|---|---:|---:|---:|---:|:---:|",
        f"| `sync.changes(session, since, 1000)` in-process | {events:,} | {pages:,} | {feed_s:.2f} | "
        f"{events / feed_s:,.0f} | ≥ 20,000/s: {'yes' if events / feed_s >= 20_000 else '**no**'} |",
        f"| `GET /api/v1/changes?since=&limit=1000` (HTTP) | {http_events:,} | {pages:,} | {http_s:.2f} | "
        f"{http_events / http_s:,.0f} | informational |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("snapshot", __doc__)
    parser.add_argument("--standards", type=int, default=42_000, help="standards to generate (default 42000)")
    parser.add_argument("--events", type=int, default=100_000, help="events to append (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is kept")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of the data")
    run_each_database("snapshot", parser, run, argv)


if __name__ == "__main__":
    main()
