"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (values overridable by environment)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are rendered from data loaded at start-up, so CPU-bound sync workers fit best.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Load the app once in the master (start-up work such as the static build runs once) and fork.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Behind a reverse proxy that sets X-Forwarded-For / -Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
max_requests = 5000
max_requests_jitter = 500
