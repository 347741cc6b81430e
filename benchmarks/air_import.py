"""Import one year of station-hourly files for all 24 stations, against a plain pandas.read_csv.

    .venv/bin/python benchmarks/air_import.py [--runs 7] [--keep DIR]

Goal (issue 3): importing and recomputing every daily and annual value takes ≤ 10 s and ≤ 3×
the time pandas.read_csv needs just to read the same files, on the 2-core CI machine.

The year's files are SYNTHETIC: for every day, hour, pollutant and station a value is drawn from
the distribution of that pollutant over the real day in ../shared/data/station_hourly (all its
stations pooled), with about 2 % of cells left empty; the published-AQI row is computed from the
drawn values. The files are named `synthetic_china_sites_YYYYMMDD.csv`, written to a temporary
folder, and imported into a throw-away SQLite database in that folder — never into the site's
database.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanair.air import service
from cleanair.air.store import import_paths
from cleanair.domain.air.aqi import hourly_aqi
from cleanair.domain.air.standards import load_standards

from tests.conftest import SHARED_DATA, make_app

REAL_DAY = SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv"
YEAR = 2021
TYPE_FIELDS = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3",
               "SO2_24h": "so2_24h"}


def generate(folder: Path, seed: int = 2021) -> list[Path]:
    real = pd.read_csv(REAL_DAY)
    codes = pd.read_csv(ROOT / "data" / "stations" / "stations.csv", dtype=str)["code"].tolist()
    types = list(dict.fromkeys(real["type"]))
    pools = {t: real.loc[real["type"] == t, real.columns[3:]].to_numpy().ravel() for t in types}
    pools = {t: v[~np.isnan(v)] for t, v in pools.items()}
    standard = load_standards(ROOT / "data" / "aqi").default
    rng = np.random.default_rng(seed)
    paths = []
    for day in pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31"):
        draws = {t: rng.choice(pools[t], size=(24, len(codes))) for t in types}
        for t in types:
            draws[t][rng.random((24, len(codes))) < 0.02] = np.nan
        flat = pd.DataFrame({f: draws[t].ravel() for t, f in TYPE_FIELDS.items()})
        draws["AQI"] = hourly_aqi(flat, standard)["aqi"].to_numpy().reshape(24, len(codes))
        rows = []
        for h in range(24):
            for t in types:
                rows.append([day.strftime("%Y%m%d"), h, t, *draws[t][h]])
        path = folder / f"synthetic_china_sites_{day:%Y%m%d}.csv"
        pd.DataFrame(rows, columns=["date", "hour", "type", *codes]).to_csv(path, index=False, float_format="%g")
        paths.append(path)
    return paths


def plain_read(paths: list[Path]) -> float:
    start = time.perf_counter()
    for p in paths:
        pd.read_csv(p)
    return time.perf_counter() - start


def one_import(paths: list[Path], work: Path, run: int) -> tuple[float, str]:
    app = make_app(work / f"run{run}")
    db_uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert str(work) in db_uri, "the benchmark must never touch the site's database"
    with app.app_context():
        st = service.state()
        start = time.perf_counter()
        report = import_paths(paths, st.standards, st.frame)
        elapsed = time.perf_counter() - start
    return elapsed, report.summary()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="keep the synthetic files in this folder")
    args = ap.parse_args()
    if not REAL_DAY.exists():
        sys.exit(f"{REAL_DAY} not found: the benchmark draws its synthetic values from it")
    work = Path(tempfile.mkdtemp(prefix="air-bench-"))
    try:
        files = work / "synthetic"
        files.mkdir()
        t0 = time.perf_counter()
        paths = generate(files)
        print(f"generated {len(paths)} SYNTHETIC daily files for 24 stations in {time.perf_counter() - t0:.1f} s")
        # Each run reads, then imports, right after each other, so that both see the same load on
        # a shared machine; the ratio is taken per run and its median reported.
        reads, imports, summary = [], [], ""
        for run in range(args.runs):
            reads.append(plain_read(paths))
            elapsed, summary = one_import(paths, work, run)
            imports.append(elapsed)
        read, imp = statistics.median(reads), statistics.median(imports)
        ratio = statistics.median(i / r for i, r in zip(imports, reads))
        print(summary)
        print(f"plain pandas.read_csv of the same files: {read:.2f} s (median of {args.runs}; "
              f"runs {', '.join(f'{x:.2f}' for x in reads)})")
        print(f"import + recompute all daily and annual values: {imp:.2f} s (median of {args.runs}; "
              f"runs {', '.join(f'{x:.2f}' for x in imports)})")
        print(f"ratio: {ratio:.2f}× the plain read (median of the per-run ratios); goal ≤ 10 s and ≤ 3×: "
              f"{'met' if imp <= 10 and ratio <= 3 else 'NOT met'}")
        if args.keep:
            shutil.copytree(files, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
