"""Load benchmark: the service under gunicorn on loopback, driven by wrk with a realistic mix.

    python -m bench.load [--standards 10000] [--duration 60] [--workers 3] [--connections 16] [--database-url URL ...]

Per database it generates the standards (bench/datagen.py) and the embedded search index,
issues a reader's and an administrator's token, and starts the production server the way
scripts/serve.sh does (`gunicorn -c python:registry.gunicorn_conf wsgi:app`) on a free
loopback port. wrk (Debian's package; installed if missing) then drives, from a Lua script
fed a pool of prepared requests:

  1. `GET /health` alone for --baseline-duration seconds: the bare throughput of the stack;
  2. the mix for --duration seconds: 70 % reads and searches (standard detail as of a date,
     filtered lists, full-text searches, type-ahead suggestions), 25 % `POST /api/v1/compare`
     of 50-line proposals (¾ explicit codes, ¼ descriptions, as bench.compare builds them),
     5 % writes (`POST /api/v1/standards`, a new draft with a code unique to the thread and
     request, so retries of the mix never collide).

Reported: requests/s, p50/p99 latency, errors (non-2xx answers and socket errors; the target
is zero), and mixed throughput as a share of the /health throughput in the same run. wrk runs
on the same two cores as the server, so absolute figures are modest; the ratio is the one to
compare across runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from bench.cli import figure, parser_for, run_each_database
from bench.compare import proposal
from bench.datagen import generate, index_for_search
from registry import create_app
from registry.actor import Actor
from registry.db import get_db
from registry.models import Category, Department, Region
from registry.roles import Role
from registry.services import tokens

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2025-03-01"
SEARCH_WORDS = ["绿化养护", "道路保洁", "会议费", "住宿", "培训", "物业管理", "软件开发", "一级", "青浦", "公共服务"]
LUA = Path(__file__).with_name("load.lua")


@dataclass
class WrkRun:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    detail: str


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk from Debian's packages…", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env=os.environ | {"DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or sys.exit("wrk could not be installed")


def issue_token(url: str, name: str, role: str) -> str:
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        with get_db().write() as session:
            secret = tokens.issue(session, name, Role(role), Actor("bench", Role.ADMIN)).secret
        get_db().dispose()
    return secret


def request_pool(url: str, rng: random.Random, reader: str, admin: str, size: int = 1000) -> list[dict]:
    """`size` prepared requests in the mix's proportions, shuffled; writes carry a {{N}} placeholder."""
    engine = create_engine(url)
    with engine.connect() as conn:
        categories = conn.execute(select(Category.code)).scalars().all()
        regions = conn.scalars(select(Region.code)).all()
        departments = conn.scalars(select(Department.code)).all()
    engine.dispose()
    explicit, described, _, _ = proposal(url, rng, 2000)
    codes = sorted({line["standard_code"] for line in explicit})  # in force on AS_OF
    read_auth = {"Authorization": f"Bearer {reader}"}

    def read() -> dict:
        kind = rng.random()
        if kind < 0.35:
            path = f"/api/v1/standards/{rng.choice(codes)}?as_of={AS_OF}"
        elif kind < 0.6:
            category = rng.choice(categories)
            path = f"/api/v1/standards?field={category.split('.')[0]}&category={category}&as_of={AS_OF}&page_size=50"
        elif kind < 0.9:
            words = " ".join(rng.sample(SEARCH_WORDS, rng.randint(1, 2)))
            path = f"/api/v1/search?q={quote(words)}" + (f"&region={rng.choice(regions)}" if rng.random() < 0.3 else "")
        else:
            path = f"/api/v1/search/suggest?q={quote(rng.choice(['hyf', 'lhyh', '绿化', '会议', 'dlbj']))}"
        return {"method": "GET", "path": path, "headers": read_auth, "body": ""}

    def compare() -> dict:
        lines = rng.sample(explicit, 38) + rng.sample(described, 12)
        body = json.dumps({"as_of": AS_OF, "region": "青浦区", "lines": lines}, ensure_ascii=False)
        return {"method": "POST", "path": "/api/v1/compare", "body": body,
                "headers": read_auth | {"Content-Type": "application/json"}}

    def write() -> dict:
        category = rng.choice(categories)
        body = {"code": "LOAD-{{N}}", "kind": rng.choice(["service", "cost_quota", "spending"]),
                "field": category.split(".")[0], "category": category, "title": "压测标准 {{N}}",
                "region": rng.choice(regions), "department": rng.choice(departments),
                "basis": {"issuer": "青浦区财政局", "doc_no": "青财测〔2026〕1号"}, "effective_from": "2026-01-01",
                "items": [{"key": "main", "name": "综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "650"}]}
        return {"method": "POST", "path": "/api/v1/standards", "body": json.dumps(body, ensure_ascii=False),
                "headers": {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}}

    pool = ([read() for _ in range(size * 70 // 100)] + [compare() for _ in range(size * 25 // 100)]
            + [write() for _ in range(size - size * 70 // 100 - size * 25 // 100)])
    rng.shuffle(pool)
    return pool


def write_pool(pool: list[dict], path: Path) -> None:
    """The pool as a Lua file returning a table (long strings: bodies are JSON with any characters)."""
    def lua(text: str) -> str:
        level = 0
        while f"]{'=' * level}]" in text:
            level += 1
        return f"[{'=' * level}[{text}]{'=' * level}]"

    entries = []
    for r in pool:
        headers = ", ".join(f"[ {lua(k)} ] = {lua(v)}" for k, v in r["headers"].items())
        entries.append(f"{{method = {lua(r['method'])}, path = {lua(r['path'])}, body = {lua(r['body'])}, "
                       f"headers = {{{headers}}}}}")
    path.write_text("return {\n" + ",\n".join(entries) + "\n}\n", encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with the repo's config, as scripts/serve.sh starts it, on a free loopback port."""

    def __init__(self, url: str, workers: int, scratch: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = scratch / "gunicorn.log"
        self.env = os.environ | {"REGISTRY_DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(self.port),
                                 "WORKERS": str(workers), "PROMETHEUS_MULTIPROC_DIR": str(scratch / "metrics"),
                                 "REGISTRY_LOG_LEVEL": "WARNING"}

    def __enter__(self):
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:registry.gunicorn_conf", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/health", timeout=5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wrk(binary: str, base: str, seconds: int, connections: int, threads: int, pool: Path | None) -> WrkRun:
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "30s"]
    env = os.environ.copy()
    if pool is not None:
        command += ["-s", str(LUA)]
        env["LOAD_POOL"] = str(pool)
    target = base + ("/" if pool is not None else "/health")
    done = subprocess.run(command + [target], capture_output=True, encoding="utf-8", errors="replace", env=env)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}{done.stdout[-2000:]}")
    if done.stderr.strip():
        print(done.stderr.strip(), file=sys.stderr, flush=True)  # the first error answers, if any
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> WrkRun:
    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    statuses = re.search(r"^statuses: (.*)$", output, re.M)
    return WrkRun(float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), latency("50"), latency("99"),
                  total, errors, statuses.group(1) if statuses else "")


def run(url: str, args: argparse.Namespace) -> str:
    dialect = make_url(url).get_backend_name()
    binary = ensure_wrk()
    started = time.perf_counter()
    counts = generate(url, args.standards, args.seed)
    documents = index_for_search(url)
    print(f"[{dialect}] generated {counts}, {documents:,} search documents in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    reader, admin = issue_token(url, "load-reader", "reader"), issue_token(url, "load-admin", "admin")
    with tempfile.TemporaryDirectory(prefix="registry-load-") as scratch:
        scratch = Path(scratch)
        pool_file = scratch / "pool.lua"
        write_pool(request_pool(url, random.Random(args.seed), reader, admin), pool_file)
        with Server(url, args.workers, scratch) as server:
            wrk(binary, server.base, 3, args.connections, args.threads, pool_file)  # warm-up: imports, caches
            health = wrk(binary, server.base, args.baseline_duration, args.connections, args.threads, None)
            mixed = wrk(binary, server.base, args.duration, args.connections, args.threads, pool_file)
    share = mixed.requests_per_s / health.requests_per_s * 100
    figure("mixed / health throughput", share, "%", better="higher")
    figure("mixed requests/s", mixed.requests_per_s, "req/s")
    figure("mixed p99", mixed.p99_ms, "ms")
    figure("mixed errors", mixed.errors, "errors", target=0, better="lower", required=True)
    rows = [("`GET /health` alone", health), ("mix 70 % reads / 25 % compare (50 lines) / 5 % writes", mixed)]
    return "\n".join([
        f"### Load on {dialect}: gunicorn, {args.workers} workers, wrk {args.threads} threads × {args.connections} "
        f"connections",
        "",
        f"{counts['standards']:,} standards, {documents:,} search documents; mix for {args.duration} s, /health for "
        f"{args.baseline_duration} s, same run; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(wrk shares them with the server).",
        "",
        "| run | requests | requests/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
        *(f"| {name} | {r.requests:,} | {r.requests_per_s:,.1f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
          f"{r.errors}{' **(target 0)**' if r.errors else ''} |" for name, r in rows),
        "",
        f"Mixed throughput is {share:.1f} % of the /health throughput. Answers by status in the mix: "
        f"{mixed.detail or 'n/a'}.",
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("load", __doc__)
    parser.add_argument("--standards", type=int, default=10_000, help="standards to generate (default 10000)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mixed load (default 60)")
    parser.add_argument("--baseline-duration", type=int, default=20, help="seconds of GET /health (default 20)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of data and requests")
    run_each_database("load", parser, run, argv)


if __name__ == "__main__":
    main()
