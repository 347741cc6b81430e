"""A per-process cache of values derived from the database, dropped when a version changes.

Used by services whose inputs live in the database (air observations, progress records): the
version is cheap to read (a max id), the derived values are not. `holder` is the service's
runtime object with `lock`, `version` and `cache` attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class Holder(Protocol):
    lock: Any
    version: str | None
    cache: dict[str, Any]


def cached(holder: Holder, version: str, name: str, build: Callable[[], Any]) -> Any:
    """The value `name` for `version`, built once; a value built under an older version is dropped."""
    with holder.lock:
        if holder.version != version:
            holder.cache.clear()
            holder.version = version
        if name in holder.cache:
            return holder.cache[name]
    value = build()
    with holder.lock:
        if holder.version == version:  # a newer version may have arrived while building
            holder.cache[name] = value
    return value
