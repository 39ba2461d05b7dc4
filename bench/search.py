"""Search benchmark: the embedded engine against OpenSearch, and a reindex against a raw bulk.

    python -m bench.search [--standards 50000] [--queries 200] [--search-url URL] [--database-url URL ...]

Per database it generates the standards (bench/datagen.py) and then measures:

  build    registry.search_index.rebuild_embedded in one write session (every version is a
           document), then registry.search_index.reindex_cluster(db, link) into the alias
           `--alias`, against opensearchpy.helpers.bulk of the very same documents as
           pre-built actions (ClusterEngine._action: already segmented) into a fresh index with
           the same settings and mapping, chunk size 500 and a refresh at the end, as the
           reindex does. The raw bulk is the floor of a reindex: the cluster's indexing and
           the HTTP/JSON transport, with nothing read or segmented. The reindex is then split
           into its parts, measured apart on the same documents: reading what it reads
           (stored_documents, or stream_documents in an app without it), making the actions
           (_action: segmentation when a document has no tokens yet) and sending.
  queries  `--queries` mixed searches (fixed seed): 1-3 Chinese words of the generated
           titles (category, region and kind names; mostly words of one possible title,
           sometimes of several), some with filters (field, category, kind, status,
           as_of), some with an empty q and filters only. The same SearchQuery objects
           (registry.search_index.build_query) go to EmbeddedEngine(conn).search and to
           ClusterEngine.search, interleaved, alternating which goes first, after a warm-up,
           in `--rounds` rounds. p50/p95 of every timed run (1,000 per engine by default:
           the latency as met, pauses and all) decide the target; the p50/p95 of each
           query's median run (the engines' steady cost) are shown beside them, and the
           report names the slowest queries.
           Both engines return the same shape (total, 20 hits with highlights, five facets),
           so the engine call is the whole cost of a search apart from HTTP. The same
           searches also run through GET /api/v1/search on two apps, one with SEARCH_URL
           (informational).

Target: embedded p95 no worse than OpenSearch p95; reindex at least 50 % of raw bulk
throughput. The OpenSearch indices are deleted at the end. The database is emptied first,
as in bench/reads.py (see bench/README.md).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import date
from functools import partial
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.cli import RESULTS, figure, parser_for, run_each_database
from bench.datagen import generate
from registry import create_app, outbox, search_index
from registry.actor import Actor
from registry.db import get_db
from registry.enums import KIND_NAMES, Kind
from registry.models import Category, Field, Region
from registry.roles import Role
from registry.services import clock, tokens
from search import embedded, text
from search.cluster import MAPPINGS, SETTINGS
from search.embedded import EmbeddedEngine

CHUNK = 500  # the app's bulk chunk size (search.cluster.ClusterEngine._send)


def p50_p95(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return cuts[49], cuts[94]


def make_args(rng: random.Random, count: int, names: list[list[str]], fields: list[str], categories: list[str]) -> list[dict]:
    """API-style search arguments: words with or without filters, or filters alone.

    `names`: the category, region and kind names the generated titles are made of. Most
    queries take 1-3 words of one possible title (so they find something); some mix words
    of different titles, which may find nothing.
    """
    cases = []
    for _ in range(count):
        args: dict = {}
        empty = rng.random() < 0.2
        if not empty:
            title = [rng.choice(group) for group in names]
            pool = title if rng.random() < 0.85 else [word for group in names for word in group]
            args["q"] = " ".join(rng.sample(pool, rng.randint(1, 3)))
        if rng.random() < (0.7 if empty else 0.3):
            category = rng.choice(categories)
            args["category"] = category
            if rng.random() < 0.5:
                args["field"] = category.split(".", 1)[0]
        elif rng.random() < 0.3:
            args["field"] = rng.choice(fields)
        if rng.random() < (0.5 if empty else 0.2):
            args["kind"] = rng.choice(list(Kind)).value
        roll = rng.random()
        if roll < 0.1:
            args["status"] = rng.choice(["draft", "superseded"])
        elif roll < 0.4:
            args["as_of"] = date(rng.randint(2018, 2025), rng.randint(1, 12), 1)
        if not args:
            args["field"] = rng.choice(fields)
        cases.append(args)
    return cases


def timed(call, *args) -> float:
    started = time.perf_counter()
    call(*args)
    return time.perf_counter() - started


def build(link: outbox.ClusterLink, raw_index: str) -> dict:
    """Embedded rebuild, cluster reindex, raw bulk of the same actions, and the reindex's parts."""
    from opensearchpy import helpers

    db = get_db()
    out: dict = {}
    started = time.perf_counter()
    with db.write() as session:
        out["embedded_docs"] = search_index.rebuild_embedded(session)
    embedded.settle(db.write_engine)  # as `registry reindex` does: PostgreSQL's statistics and visibility map
    out["embedded_s"] = time.perf_counter() - started
    engine = link.engine()  # creates the first (empty) index behind the alias, as the app does
    client = engine.cluster.client
    # What reindex_cluster reads: the embedded index's stored copies (tokens included) where the
    # app keeps them, else documents rebuilt from the rows (the app before stored_documents).
    source = getattr(search_index, "stored_documents", None) or search_index.stream_documents
    out["source"] = source.__name__
    started = time.perf_counter()
    documents = list(source(db))
    out["documents_s"] = time.perf_counter() - started
    started = time.perf_counter()
    actions = [engine._action(document, raw_index) for document in documents]
    out["segment_s"] = time.perf_counter() - started
    del documents
    # Warm the node's bulk path on a slice, then the two measured runs.
    client.indices.create(index=raw_index, body={"settings": SETTINGS, "mappings": MAPPINGS})
    helpers.bulk(client, actions[:5000], chunk_size=CHUNK)
    client.indices.delete(index=raw_index)
    started = time.perf_counter()
    _, out["reindex_docs"] = search_index.reindex_cluster(db, link)
    out["reindex_s"] = time.perf_counter() - started

    def raw_bulk():
        client.indices.create(index=raw_index, body={"settings": SETTINGS, "mappings": MAPPINGS})
        sent, errors = helpers.bulk(client, actions, chunk_size=CHUNK, raise_on_error=False)
        client.indices.refresh(index=raw_index)
        assert sent == len(actions) and not errors, errors[:1]

    out["raw_docs"], out["raw_s"] = len(actions), timed(raw_bulk)
    client.indices.delete(index=raw_index)
    return out


def run(url: str, args: argparse.Namespace) -> str:
    dialect = make_url(url).get_backend_name()
    started = time.perf_counter()
    counts = generate(url, args.standards, args.seed)
    print(f"[{dialect}] generated {counts} in {time.perf_counter() - started:.1f} s", flush=True)
    text.index_tokens("预热")  # load jieba's dictionary (about a second) before any timing
    app = create_app({"DATABASE_URL": url})
    cluster_app = create_app({"DATABASE_URL": url, "SEARCH_URL": args.search_url, "SEARCH_INDEX": args.alias})
    link = outbox.ClusterLink(args.search_url, args.alias, timeout=60)
    raw_index = f"{args.alias}-raw"
    try:
        with app.app_context():
            link.engine().drop()  # leftovers of an interrupted run
            b = build(link, raw_index)
            print(f"[{dialect}] built: {b}", flush=True)
            result = queries(app, cluster_app, link, args)
    finally:
        link.engine().drop()
        link.engine().cluster.call("indices.delete", index=raw_index, ignore_unavailable=True)
        for each in (app, cluster_app):
            with each.app_context():
                get_db().dispose()
    if args.profile:
        _profile(app, link, dialect)
    ratio = (b["reindex_docs"] / b["reindex_s"]) / (b["raw_docs"] / b["raw_s"])
    parts = b["documents_s"] + b["segment_s"] + b["raw_s"]
    figure("reindex / raw bulk", ratio * 100, "%", target=50, better="higher")
    engine_rows, api_rows, agree, slowest = result
    return "\n".join([
        f"### Search on {dialect} and OpenSearch {link.engine().cluster.version}",
        "",
        f"{counts['standards']:,} standards, {counts['versions']:,} versions (one document each), "
        f"{counts['items']:,} items; {args.queries} timed queries per engine after {args.warmup} warm-up; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs. Times in ms.",
        "",
        "| search (same SearchQuery objects) | p50 | p95 | embedded/OpenSearch p50 | embedded/OpenSearch p95 | p95 target met |",
        "|---|---:|---:|---:|---:|:---:|",
        *engine_rows, *api_rows,
        "",
        agree,
        *slowest,
        "",
        "| index build | documents | seconds | docs/s | vs raw bulk |",
        "|---|---:|---:|---:|---:|",
        f"| embedded `rebuild_embedded` | {b['embedded_docs']:,} | {b['embedded_s']:.1f} | "
        f"{b['embedded_docs'] / b['embedded_s']:,.0f} | |",
        f"| OpenSearch `reindex_cluster` | {b['reindex_docs']:,} | {b['reindex_s']:.1f} | "
        f"{b['reindex_docs'] / b['reindex_s']:,.0f} | {ratio:.1%} ({'meets' if ratio >= 0.5 else '**misses**'} ≥ 50 %) |",
        f"| raw `helpers.bulk` of pre-built actions | {b['raw_docs']:,} | {b['raw_s']:.1f} | "
        f"{b['raw_docs'] / b['raw_s']:,.0f} | 100% |",
        "",
        f"Reindex parts, measured apart on the same documents: reading them (`{b['source']}`) "
        f"{b['documents_s']:.1f} s, making actions (`_action`, which segments any document without "
        f"tokens) {b['segment_s']:.1f} s, sending (raw bulk) "
        f"{b['raw_s']:.1f} s — {b['documents_s'] / parts:.0%} / {b['segment_s'] / parts:.0%} / "
        f"{b['raw_s'] / parts:.0%} of their sum {parts:.1f} s (reindex: {b['reindex_s']:.1f} s).",
        "",
    ])


def queries(app, cluster_app, link, args) -> tuple[list[str], list[str], str, list[str]]:
    """Engine-level then API-level latencies on the same queries, interleaved."""
    db = get_db()
    rng = random.Random(args.seed)
    with db.read() as session:  # words of the generated titles: region, category and kind names
        categories = list(session.scalars(select(Category.code)))
        names = [list(session.scalars(select(Category.name))), list(session.scalars(select(Region.name))),
                 list(KIND_NAMES.values())]
        fields = list(session.scalars(select(Field.code)))
    with db.write() as session:
        secret = tokens.issue(session, "bench-search", Role.READER, Actor("bench", Role.ADMIN)).secret
    cases = make_args(rng, args.warmup + args.queries, names, fields, categories)
    today = clock.today()
    built = [search_index.build_query(case, today) for case in cases]
    cluster = link.engine()
    same_total = same_top = with_hits = 0
    with db.read() as session:
        embedded = EmbeddedEngine(session.connection())
        sides = {"embedded": embedded.search, "opensearch": cluster.search}
        times, answers = _rounds(sides, built, args)
        for index in range(args.warmup, len(built)):
            a, b = answers["embedded"][index], answers["opensearch"][index]
            same_total += a.total == b.total
            if a.hits and b.hits:
                with_hits += 1
                same_top += a.hits[0].id == b.hits[0].id
    engine_rows, slowest = _rows("engine", times), _slowest(times, cases[args.warmup:])
    calls = {}
    for name, each in (("embedded", app), ("opensearch", cluster_app)):
        client = each.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        calls[name] = partial(_get, client, name)
    api_times, _ = _rounds(calls, ["/api/v1/search?" + urlencode({k: str(v) for k, v in case.items()})
                                   for case in cases], args)
    agree = (f"Same total on both engines: {same_total}/{args.queries}; same top hit: {same_top}/{with_hits} "
             f"queries with hits on both (scores differ: FTS5/ts_rank vs Lucene BM25; informational).")
    return engine_rows, _rows("`GET /api/v1/search` (HTTP, informational)", api_times, target=False), agree, slowest


def _rounds(calls: dict, items: list, args: argparse.Namespace) -> tuple[dict[str, list[list[float]]], dict[str, list]]:
    """Each item to every call, round after round (`--rounds`), the calls' order alternating item
    by item; the warm-up items in the first round only. Returns, per call, the seconds of each
    timed item's runs and the first round's answers, by item."""
    runs: dict[str, list[list[float]]] = {name: [[] for _ in items] for name in calls}
    answers: dict[str, list] = {name: [] for name in calls}
    for round_ in range(args.rounds):
        for index, item in enumerate(items):
            if round_ and index < args.warmup:
                continue
            for name in list(calls) if index % 2 == 0 else reversed(list(calls)):
                started = time.perf_counter()
                answer = calls[name](item)
                runs[name][index].append(time.perf_counter() - started)
                if round_ == 0:
                    answers[name].append(answer)
    return {name: runs[name][args.warmup:] for name in calls}, answers


def _get(client, name: str, url: str):
    response = client.get(url)
    assert response.status_code == 200 and response.json["engine"].startswith(name[:8]), response.data[:300]
    return response


def _slowest(runs: dict[str, list[list[float]]], cases: list[dict], count: int = 12) -> list[str]:
    """The searches that decide each engine's p95 (by their median run)."""
    times = {name: [statistics.median(each) for each in per_query] for name, per_query in runs.items()}
    lines = ["", f"The {count} slowest searches of each engine (ms, median run; in brackets the other engine's):", ""]
    for name, other in (("embedded", "opensearch"), ("opensearch", "embedded")):
        order = sorted(range(len(cases)), key=lambda i: -times[name][i])[:count]
        lines.append(f"- {name}: " + "; ".join(
            f"{times[name][i] * 1000:.1f} ({times[other][i] * 1000:.1f}) `{_described(cases[i])}`" for i in order))
    return lines


def _described(case: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in case.items())


def _rows(label: str, runs: dict[str, list[list[float]]], target: bool = True) -> list[str]:
    """Per engine: p50/p95 of every timed run (the latency as met, pauses and all: the
    target), then of each query's median run (the engine's steady cost, a slow moment of the
    machine left out)."""
    every = {name: [t for each in per_query for t in each] for name, per_query in runs.items()}
    steady = {name: [statistics.median(each) for each in per_query] for name, per_query in runs.items()}
    (e50, e95), (o50, o95) = p50_p95(every["embedded"]), p50_p95(every["opensearch"])
    (m50, m95), (n50, n95) = p50_p95(steady["embedded"]), p50_p95(steady["opensearch"])
    met = ("yes" if e95 <= o95 else "**no**") if target else ""
    if target:
        figure("embedded/OpenSearch p50", e50 / o50, "×", better="lower")
        figure("embedded/OpenSearch p95", e95 / o95, "×", target=1, better="lower", gate=False)
        figure("embedded p95", e95, "ms")
        figure("embedded/OpenSearch p95 of query medians", m95 / n95, "×", better="lower", gate=False)
    rows = [f"| embedded, {label} | {e50:.2f} | {e95:.2f} | {e50 / o50:.2f}× | {e95 / o95:.2f}× | {met} |",
            f"| OpenSearch, {label} | {o50:.2f} | {o95:.2f} | | | |"]
    return rows + ([f"| embedded, {label}, each query's median run | {m50:.2f} | {m95:.2f} | {m50 / n50:.2f}× | {m95 / n95:.2f}× | |",
                    f"| OpenSearch, {label}, each query's median run | {n50:.2f} | {n95:.2f} | | | |"] if target else [])


def _profile(app, link, dialect: str) -> None:
    """cProfile one more reindex (untimed); stats go to bench/results/search-<dialect>-reindex.prof."""
    import cProfile
    import pstats

    with app.app_context():
        profiler = cProfile.Profile()
        try:
            profiler.runcall(search_index.reindex_cluster, get_db(), link)
        finally:
            link.engine().drop()
        path = RESULTS / f"search-{dialect}-reindex.prof"
        profiler.dump_stats(path)
        print(f"\n[{dialect}] profile of a reindex → {path}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("search", __doc__)
    parser.add_argument("--standards", type=int, default=50_000, help="standards to generate (default 50000)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per engine (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed queries first (default 20)")
    parser.add_argument("--rounds", type=int, default=5,
                        help="times each query runs on each engine (default 5)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of data and queries")
    parser.add_argument("--search-url", default="http://127.0.0.1:9201", help="the OpenSearch node")
    parser.add_argument("--alias", default="bench-standards", help="alias (and index prefix) to use and delete")
    parser.add_argument("--profile", action="store_true", help="also cProfile a reindex (untimed)")
    run_each_database("search", parser, run, argv)


if __name__ == "__main__":
    main()
