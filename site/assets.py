"""Self-hosted static assets: hashed names, pre-compressed copies, served by WhiteNoise.

Pages in mainland China cannot rely on CDNs, so every asset (our CSS/JS and vendored libraries
such as Leaflet from the xstatic package) is copied into one build folder at start-up. Each file
gets a content-hashed twin (`site.3f2a9c1d0b7e.css`) that WhiteNoise serves with a far-future,
immutable cache header, plus `.gz`/`.br` siblings that WhiteNoise picks by Accept-Encoding.
The build folder is named after a digest of all inputs, so a change of any asset produces a new
folder and concurrent workers never see a half-written one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import brotli
except ImportError:  # optional: gzip alone is fine
    brotli = None

HASH_LEN = 12
HASHED_NAME = re.compile(r"\.[0-9a-f]{%d}\.[A-Za-z0-9]+$" % HASH_LEN)
COMPRESSIBLE = {".css", ".js", ".json", ".svg", ".html", ".txt", ".map", ".geojson", ".xml"}
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class AssetSource:
    """A folder of files published under `url_prefix` (relative to /static/)."""

    directory: Path
    url_prefix: str = ""


def _files(sources: list[AssetSource]) -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    for source in sources:
        for path in sorted(source.directory.rglob("*")):
            # Source maps and ES-module builds of vendored libraries are never loaded by our pages.
            if (
                path.is_file()
                and not path.name.startswith(".")
                and path.suffix not in {".py", ".pyc", ".map"}
                and not path.name.endswith((".esm.js", "-src.js"))
            ):
                rel = path.relative_to(source.directory).as_posix()
                found.append((source.url_prefix + rel, path))
    return found


def hashed_name(name: str, digest: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}.{digest[:HASH_LEN]}"
    return f"{stem}.{digest[:HASH_LEN]}.{ext}"


def _write_compressed(target: Path, data: bytes) -> None:
    if target.suffix not in COMPRESSIBLE or len(data) < 256:
        return
    target.with_name(target.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
    if brotli is not None:
        # Quality 9 compresses within a few per cent of 11 at a small fraction of the time.
        target.with_name(target.name + ".br").write_bytes(brotli.compress(data, quality=9))


def build_static(sources: list[AssetSource], build_root: Path) -> tuple[Path, dict[str, str]]:
    """Build (or reuse) the static folder for these sources; return it and its manifest."""
    files = _files(sources)
    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files}
    combined = hashlib.sha256(json.dumps(sorted(digests.items())).encode()).hexdigest()[:16]
    out = build_root / f"static-{combined}"
    manifest_path = out / MANIFEST
    if manifest_path.exists():
        return out, json.loads(manifest_path.read_text("utf-8"))

    build_root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".static-", dir=build_root))
    manifest: dict[str, str] = {}
    for name, path in files:
        data = path.read_bytes()
        for published in (name, hashed_name(name, digests[name])):
            target = tmp / published
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            _write_compressed(target, data)
        manifest[name] = hashed_name(name, digests[name])
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    try:
        os.rename(tmp, out)
    except OSError:
        # Another worker finished the same build first; its result is identical.
        shutil.rmtree(tmp, ignore_errors=True)
    _remove_old_builds(build_root, keep=out)
    return out, json.loads((out / MANIFEST).read_text("utf-8"))


def _remove_old_builds(build_root: Path, keep: Path, max_age_s: float = 86400) -> None:
    # Old builds may still be in use by workers of a previous release for a while.
    now = time.time()
    for old in build_root.glob("static-*"):
        if old != keep and old.is_dir() and now - old.stat().st_mtime > max_age_s:
            shutil.rmtree(old, ignore_errors=True)


def is_immutable(path: str, url: str) -> bool:
    """WhiteNoise hook: hashed names never change content, so browsers may cache them forever."""
    return bool(HASHED_NAME.search(url))
