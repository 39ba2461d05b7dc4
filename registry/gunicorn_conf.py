"""gunicorn settings: `gunicorn -c python:registry.gunicorn_conf wsgi:app` (scripts/serve.sh uses it).

Each worker is its own process, so /metrics needs prometheus_client's multiprocess mode: every
worker writes its counters into PROMETHEUS_MULTIPROC_DIR and a scrape of any worker sums them.
The variable must be set before prometheus_client is first imported, so it is set here, in the
master, before any worker imports the app; prometheus_client itself is imported only in the hooks.
"""
import os
import tempfile
from pathlib import Path

_metrics_dir = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="registry-metrics-")))

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
accesslog = None  # the app writes its own JSON access line (registry.logs), with the request id


def on_starting(server):
    """Counters start from zero with the server, not from a previous run's files."""
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for stale in _metrics_dir.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """The worker has loaded the app: what it holds for life leaves the collector's full passes,
    which a large request (a 10,000-line compare) would otherwise spend a third of its time on."""
    import gc

    gc.freeze()
