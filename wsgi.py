"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""
import gc

from registry import create_app

app = create_app()
# Everything loaded so far lives as long as the process: kept out of the collector's full passes,
# which a large request (a 10,000-line compare) would otherwise spend a third of its time on.
gc.freeze()
