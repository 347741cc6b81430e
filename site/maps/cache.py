"""Map documents built once per input version and kept (memory + disk), never rebuilt per request.

A document's key is a digest of everything that shapes it (map, locale, URL base, basemap, data
version, code version). The first request for a key builds it under a lock; every later request,
in this process or another worker sharing the folder, is served the stored bytes with their
pre-compressed gzip/brotli forms. When the data version changes the key changes, so the next
request builds the new document and the old one is dropped from memory.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

try:
    import brotli
except ImportError:  # optional: gzip alone is fine
    brotli = None


@dataclass(frozen=True)
class MapDocument:
    html: bytes
    gzip: bytes
    br: bytes | None
    etag: str

    @cached_property
    def script_hashes(self) -> tuple[str, ...]:
        """CSP hashes of the document's inline scripts (folium writes its map code inline)."""
        from ..security import inline_script_hashes

        return inline_script_hashes(self.html)


def cache_key(**parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _compress(html: bytes, etag: str) -> MapDocument:
    br = brotli.compress(html, quality=9) if brotli is not None else None
    return MapDocument(html, gzip.compress(html, 9, mtime=0), br, etag)


class MapCache:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.builds = 0  # how many documents this process has built (tests check it stays put)
        self._docs: dict[str, tuple[str, MapDocument]] = {}  # slot (map+locale) -> (key, document)
        self._lock = threading.Lock()

    def get(self, slot: str, key: str, build: Callable[[], str]) -> MapDocument:
        current = self._docs.get(slot)
        if current and current[0] == key:
            return current[1]
        with self._lock:
            current = self._docs.get(slot)
            if current and current[0] == key:
                return current[1]
            doc = self._read(key)
            if doc is None:
                html = build().encode("utf-8")
                self.builds += 1
                doc = _compress(html, key)
                self._write(key, doc)
            self._docs[slot] = (key, doc)
            return doc

    def _read(self, key: str) -> MapDocument | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.html"
        try:
            html = path.read_bytes()
            gz = path.with_suffix(".html.gz").read_bytes()
        except OSError:
            return None
        br_path = path.with_suffix(".html.br")
        br = br_path.read_bytes() if br_path.exists() else None
        return MapDocument(html, gz, br, key)

    def _write(self, key: str, doc: MapDocument) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        # .gz/.br first and the .html last, each renamed into place: a reader that finds the
        # .html finds a complete set.
        for suffix, data in ((".html.gz", doc.gzip), (".html.br", doc.br), (".html", doc.html)):
            if data is None:
                continue
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.folder / f"{key}{suffix}")
