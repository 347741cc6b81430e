"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from cleanair import create_app

app = create_app()
