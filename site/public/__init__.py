"""Pages for everyone: home, about, data downloads, glossary, display preferences."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from . import routes  # noqa: E402,F401
