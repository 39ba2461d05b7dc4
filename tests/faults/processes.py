"""The registry in a process of its own — `flask run` or the import CLI — to be killed with SIGKILL.

A kill must land inside the operation, not before or after it. The tests find that moment from
outside, by what the process does to its database (a write lock held, uncommitted pages in the
WAL, a PostgreSQL transaction that has written) and by the CPU time it has spent since, then
freeze the process with SIGSTOP, confirm the transaction is still open, and only then send
SIGKILL: nothing can commit in between.
"""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def environment(database_url: str) -> dict[str, str]:
    """This machine's environment without REGISTRY_* settings, on `database_url`, embedded search."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    return env | {"REGISTRY_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}


class Child:
    """A subprocess whose output lines are collected as they come."""

    def __init__(self, args: list[str], database_url: str):
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=environment(database_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, encoding="utf-8",
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until(self, condition, what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"process ended ({self.process.returncode}) before {what}:\n{self.output[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}:\n{self.output[-3000:]}")
            time.sleep(0.01)

    def cpu_seconds(self) -> float:
        """CPU time the process has used: a measure of work done that load on the machine does not stretch."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL
        self._reader.join(timeout=30)
        self.process.stdout.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()
        else:
            self._reader.join(timeout=30)
            self.process.stdout.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server(Child):
    """`flask run`: one process that serves the API, and dies with its requests when killed."""

    def __init__(self, database_url: str):
        self.port = free_port()
        super().__init__([*FLASK, "run", "--port", str(self.port), "--no-reload", "--no-debugger"], database_url)
        self.wait_until(self._healthy, "the server to answer /health")

    def _healthy(self) -> bool:
        try:
            return self.request("GET", "/health", timeout=2)[0] == 200
        except OSError:
            return False

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None,
                timeout: float = 60) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, payload, {"Content-Type": "application/json", **(headers or {})})
            response = conn.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            conn.close()


def sqlite_write_lock_held(path: Path) -> bool:
    """True when some connection holds the database's write lock (an open write transaction)."""
    probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorname != "SQLITE_BUSY":
            raise
        return True
    finally:
        probe.close()


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0
