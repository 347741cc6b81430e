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


def on_starting(server):
    """Refuse to serve production from several workers that each count rate limits on their own."""
    from cleanair.config import Config
    from cleanair.deployment import DeploymentError, check_limit_storage, is_production

    app = getattr(server.app, "callable", None)  # the Flask app, when preloaded
    config = getattr(app, "config", None) or vars(Config)
    if not is_production(config):
        return
    try:
        check_limit_storage(config.get("RATELIMIT_STORAGE_URI"), server.cfg.workers)
    except DeploymentError as exc:
        server.log.error("refusing to start: %s", exc)
        raise SystemExit(1) from None
