"""SQLAlchemy 2 models. Each capability adds its tables here (or in a module imported here)."""

from .extensions import Base, db  # noqa: F401
