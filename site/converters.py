"""URL converters for numbers that reach the database."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

# PostgreSQL's `integer` (SQLite takes up to 2**63 - 1): the smaller bound holds for both.
DB_ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<id:…>`: a row id, 1 to 2³¹−1. Any other number matches no route (404) instead of
    reaching the database, where it overflowed the integer column (a 500)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, min=1, max=DB_ID_MAX)
