"""Where tip photos live: a small interface, a filesystem implementation now (object storage later).

Stored names are random (never the uploader's file name) and files sit outside the static folder,
so the only way to see a photo is the staff route that checks the login.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[A-Za-z0-9_-]{32}\.(jpg|png|webp|pdf)$")  # pdf: progress evidence (docs/progress.md)


class PhotoStorage(Protocol):
    def save(self, data: bytes, extension: str) -> str: ...
    def load(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> list[str]: ...


class FilesystemStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)  # photos are personal data

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys come from the database, but never trust a path component
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key

    def save(self, data: bytes, extension: str) -> str:
        key = secrets.token_urlsafe(24) + "." + extension  # 24 bytes -> 32 characters
        path = self._path(key)
        path.parent.mkdir(mode=0o700, exist_ok=True)
        tmp = path.with_suffix(".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return key

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        return sorted(p.name for p in self.root.glob("*/*") if _KEY.match(p.name))
