"""The plan for media and residents: chapters, measures, tasks, departments, targets."""

from flask import Blueprint

bp = Blueprint("plan", __name__)

from . import routes  # noqa: E402,F401
