"""Import files into the database and keep derived daily and annual values up to date.

Every file is validated completely before anything is written, so a file with any problem
imports nothing; the valid files of one run are then written in one transaction, which is
rolled back whole if the database fails (nothing half-written). Heavy work (pandas) runs
here, at import time — pages only read stored values.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from ..domain.air import assess
from ..domain.air.importers import (
    PRECEDENCE,
    ImportFailed,
    Parsed,
    check_station_list,
    detect_layout,
    read_any,
    read_china_sites_batch,
    sha256_of,
)
from ..domain.air.standards import POLLUTANTS, Standards
from ..extensions import db
from . import hours, packing
from .bulk import delete_ids, insert
from .models import AirAnnual, AirCorrection, AirDaily, AirHourDay, AirImport

log = logging.getLogger(__name__)
DAILY_VALUES = ["pm25", "pm10", "so2", "no2", "co", "o3_8h", "aqi_published"]


@dataclass
class FileReport:
    path: Path
    layout: str = ""
    status: str = "imported"  # imported | unchanged | failed
    rows_read: int = 0
    imported: int = 0
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    overlaps: dict[str, int] = field(default_factory=dict)  # other file -> keys given by both
    kept_other: int = 0  # keys where another file's value won by precedence
    corrected: int = 0  # of `imported`: keys that held a different value before (publisher corrections)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.path.name}: FAILED, nothing imported ({len(self.errors)} problems)"
        if self.status == "already":
            return f"{self.path.name}: already imported (same content), nothing changed"
        if self.status == "station list":
            return f"{self.path.name} [{self.layout}]: station list checked against the registry, nothing imported"
        skipped = sum(self.skipped.values())
        why = "; ".join(f"{n} {k}" for k, n in self.skipped.items())
        fixed = f" ({self.corrected} of them corrections of stored values)" if self.corrected else ""
        out = (f"{self.path.name} [{self.layout}]: read {self.rows_read}, imported {self.imported}{fixed}, "
               f"unchanged {self.unchanged}, skipped {skipped}" + (f" ({why})" if why else ""))
        if self.overlaps:
            out += "; overlaps: " + ", ".join(f"{n} with {f}" for f, n in self.overlaps.items())
            if self.kept_other:
                out += f" ({self.kept_other} kept from the file of higher precedence)"
        return out


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    derived_days: int = 0
    derived_years: int = 0

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "failed"]

    @property
    def changed(self) -> bool:
        return any(f.imported for f in self.files)

    def summary(self) -> str:
        read = sum(f.rows_read for f in self.files)
        imported = sum(f.imported for f in self.files)
        unchanged = sum(f.unchanged for f in self.files)
        skipped = sum(sum(f.skipped.values()) for f in self.files)
        return (f"{len(self.files)} files ({len(self.failed)} failed): rows read {read}, imported {imported}, "
                f"unchanged {unchanged}, skipped {skipped}; recomputed {self.derived_days} daily and "
                f"{self.derived_years} annual values")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders contribute their *.csv files (sorted, recursively)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(q for q in p.rglob("*.csv") if q.is_file()) if p.is_dir() else [p])
    return out


def import_paths(paths: Iterable[Path], standards: Standards, stations: pd.DataFrame,
                 city: str | None = None, echo: Callable[[str], None] | None = None) -> ImportReport:
    """Import files of any supported layout; returns one report line per file and the totals."""
    paths = expand_paths(paths)
    codes = set(stations["code"])
    report = ImportReport()
    known = {r.sha256: r.file_name for r in db.session.execute(sa.select(AirImport.sha256, AirImport.file_name))}
    parsed: list[Parsed | ImportFailed | FileReport] = []
    wide: list[int] = []
    for i, path in enumerate(paths):
        try:
            digest = sha256_of(path)
        except OSError as exc:
            parsed.append(ImportFailed(path, [f"{path}: cannot read: {exc.strerror}"]))
            continue
        if digest in known:
            parsed.append(FileReport(path, status="already"))
            continue
        try:
            layout = detect_layout(path)
        except ImportFailed as exc:
            parsed.append(exc)
            continue
        if layout == "cnemc_stations":
            problems = check_station_list(path, stations)
            fr = FileReport(path, layout=layout, status="station list" if not problems else "failed")
            fr.notes.append("a station list, not observations: nothing imported; " + (
                "it agrees with data/stations/stations.csv" if not problems else
                f"{len(problems)} differences from data/stations/stations.csv"))
            fr.errors = problems
            parsed.append(fr)
            continue
        if layout == "china_sites":
            wide.append(i)
            parsed.append(None)  # type: ignore[arg-type]
            continue
        try:
            parsed.append(read_any(path, codes, city=city))
        except ImportFailed as exc:
            parsed.append(exc)
    if wide:
        for i, res in zip(wide, read_china_sites_batch([paths[i] for i in wide], codes)):
            parsed[i] = res
    reports: dict[int, FileReport] = {}
    hourly_items: list[tuple[int, Parsed]] = []
    daily_items: list[tuple[int, Parsed]] = []
    for i, item in enumerate(parsed):
        if isinstance(item, FileReport):
            reports[i] = item
        elif isinstance(item, ImportFailed):
            reports[i] = FileReport(item.path, status="failed", errors=item.messages)
        else:
            reports[i] = FileReport(item.path, layout=item.layout, rows_read=item.rows_read,
                                    skipped=dict(item.skipped), notes=list(item.notes))
            (hourly_items if item.kind == "hourly" else daily_items).append((i, item))
    try:
        grid = _merge_hourly(hourly_items, standards, stations, reports)
        touched_days = _merge_daily(daily_items, standards, reports)
        if grid is not None or touched_days is not None:
            days, years = update_derived(standards, stations, grid, touched_days)
            report.derived_days, report.derived_years = days, years
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        # The operator reads what failed; the statement and its parameters go to the log only.
        log.exception("air import: database error, run rolled back")
        cause = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        for i, _ in hourly_items + daily_items:
            reports[i].status = "failed"
            reports[i].errors = [f"{reports[i].path}: database error ({cause}); nothing from this run was written"]
    report.files = [reports[i] for i in range(len(parsed))]
    if echo:
        for fr in report.files:
            echo(fr.line())
            for msg in fr.errors[:20]:
                echo("  " + msg)
            if len(fr.errors) > 20:
                echo(f"  … and {len(fr.errors) - 20} more problems")
            for note in fr.notes:
                echo("  note: " + note)
    return report


def _log_imports(items: list[tuple[int, Parsed]], reports: dict[int, FileReport]) -> dict[int, int]:
    """One import-log row per file (its summary line included); returns file index -> import id."""
    now_ = clock.now_utc()
    logs = {}
    for idx, p in items:
        fr = reports[idx]
        logs[idx] = AirImport(
            file_name=p.path.name, sha256=p.sha256, layout=p.layout, imported_at=now_,
            rows_read=p.rows_read, rows_imported=fr.imported, rows_unchanged=fr.unchanged,
            rows_skipped=sum(p.skipped.values()), overlaps=sum(fr.overlaps.values()), summary=fr.line(),
        )
    db.session.add_all(logs.values())
    db.session.flush()
    return {idx: log.id for idx, log in logs.items()}


def _merge_hourly(items: list[tuple[int, Parsed]], standards: Standards, stations: pd.DataFrame,
                  reports: dict[int, FileReport]) -> hours.HourGrid | None:
    """Merge station-hours into the stored station-days and write the days that changed.

    Returns the grid of every stored day the derived values need: the touched station-days and,
    for city means, the same days of every station of the touched cities.
    """
    if not items:
        return None
    codes = list(stations["code"])
    new = hours.collect(items, codes)
    if new.off_hour.any():
        # Hourly values are stamped on the hour; a file with other times fails whole (nothing guessed).
        bad = set(np.unique(new.file_idx[new.off_hour]).tolist())
        for i, p in items:
            if i in bad:
                off = new.off_hour[new.file_idx == i]
                lines = ", ".join(str(int(x)) for x in p.rows.loc[off, "line"].head(10))
                reports[i].status = "failed"
                reports[i].errors = [f"{p.path}: lines {lines}: time not on the hour (hourly values are stamped hh:00)"]
        new = new.only({i for i, _ in items} - bad)
        items = new.items
        if not items:
            return None
    new_codes = set(new.codes(codes))
    cities = set(stations.loc[stations["code"].isin(new_codes), "city"])
    wanted = sorted(new_codes | set(stations.loc[stations["city"].isin(cities), "code"]))
    if len(new.day):
        epoch = np.datetime64("1970-01-01", "D")
        lo, hi = ((epoch + np.timedelta64(int(d), "D")).item() for d in (new.day.min(), new.day.max()))
        t = AirHourDay.__table__
        stored = hours.load_grid(codes, sa.and_(t.c.station.in_(wanted), t.c.date >= lo, t.c.date <= hi))
    else:
        stored = hours.empty_grid(codes)
    names = {}
    if len(stored.src):
        ids = [int(i) for i in np.unique(stored.src[stored.src > 0])]
        names = dict(db.session.execute(sa.select(AirImport.id, AirImport.file_name).where(AirImport.id.in_(ids))).all())
    result = hours.merge(new, stored, names)
    for idx, _ in items:
        fr = reports[idx]
        fr.imported, fr.unchanged = result.imported[idx], result.unchanged[idx]
        fr.kept_other, fr.overlaps = result.kept_other[idx], result.overlaps[idx]
        fr.corrected = result.corrected[idx]
    import_ids = _log_imports(items, reports)
    _record_hour_corrections(result, names, {i: p.path.name for i, p in items}, import_ids)
    hours.write(result.grid, standards, import_ids)
    return result.grid


def _changes(fields: list[str], old: np.ndarray, new: np.ndarray) -> list[str]:
    """JSON {field: [old, new]} of the fields that differ, per row (NaN = no value = null)."""
    out = []
    for o, n in zip(old, new):
        diff = {}
        for f, a, b in zip(fields, o, n):
            if not (a == b or (np.isnan(a) and np.isnan(b))):
                diff[f] = [None if np.isnan(a) else float(a), None if np.isnan(b) else float(b)]
        out.append(json.dumps(diff, sort_keys=True))
    return out


def _record_hour_corrections(result: hours.MergeResult, old_names: dict[int, str], new_names: dict[int, str],
                             import_ids: dict[int, int]) -> None:
    """One air_correction row per stored hour that a new file changed (what, from which file, when)."""
    c = result.corrections
    if not len(c.cells):
        return
    g = result.grid
    rows = c.cells // hours.HOURS
    insert(AirCorrection.__table__, pd.DataFrame({
        "station": [g.codes[s] for s in g.station[rows]],
        "date": _dates(g.day[rows]),
        "hour": c.cells % hours.HOURS,
        "changes": _changes(list(hours.FIELDS), c.old, c.new),
        "old_source": [old_names.get(int(s), f"import {int(s)}") for s in c.old_src],
        "new_source": [new_names[int(i)] for i in c.file_idx],
        "import_id": [import_ids[int(i)] for i in c.file_idx],
        "recorded_at": clock.now_utc(),
    }))


def _frame(stmt: sa.Select) -> pd.DataFrame:
    """Rows of a query as a frame (typed by SQLAlchemy, e.g. datetimes), fast enough for 10⁵ rows."""
    result = db.session.execute(stmt)
    columns = list(result.keys())
    return pd.DataFrame.from_records([tuple(r) for r in result], columns=columns)


def _merge_daily(items: list[tuple[int, Parsed]], standards: Standards,
                 reports: dict[int, FileReport]) -> pd.DataFrame | None:
    """Keep one city-daily value per (city, date) across the new files and the database, by
    precedence, and write; returns the keys written.

    For each key the value of highest precedence wins; between equal precedence the later file
    wins (a corrected re-publication replaces the old one). A winning value equal to the stored
    one changes nothing.
    """
    if not items:
        return None
    key, table, values = "date", AirDaily.__table__, list(DAILY_VALUES)
    frames = []
    for order, (idx, p) in enumerate(items, start=1):
        r = p.rows.drop(columns=["line"])
        r["source"] = p.path.name
        r["precedence"] = p.precedence
        r["_order"] = order
        r["_idx"] = idx
        frames.append(r)
    new = pd.concat(frames, ignore_index=True)
    new = _with_daily_aqi(new, standards)
    day = new[key].dt.normalize()
    lo, hi = day.min(), day.max() + pd.Timedelta(days=1)
    codes = set(new["station"])
    cols = [table.c.id, table.c.station, table.c[key], table.c.source, table.c.precedence,
            *[table.c[c] for c in values]]
    existing = _frame(sa.select(*cols).where(
        table.c.station.in_(sorted(codes)), table.c[key] >= lo.date(), table.c[key] < hi.date()))
    existing[key] = pd.to_datetime(existing[key])
    for c in values:
        existing[c] = existing[c].astype("float64")
    existing["_order"] = 0
    existing["_idx"] = -1
    key_cols = ["station", key]
    in_new = existing.set_index(key_cols).index.isin(new.set_index(key_cols).index)
    cand = pd.concat([existing.loc[in_new], new], ignore_index=True, sort=False)
    cand = cand.sort_values([*key_cols, "precedence", "_order"], kind="stable")
    winner = ~cand.duplicated(key_cols, keep="last")
    counts = cand.groupby(key_cols, sort=False)["_order"].transform("size")
    # The stored row of the same key, to tell "unchanged" from "changed".
    old = cand.loc[cand["_idx"] == -1, [*key_cols, "id", "source", *values]]
    cand = cand.merge(old, on=key_cols, how="left", suffixes=("", "_stored"))
    has_old = cand["id_stored"].notna().to_numpy()
    x = cand[values].to_numpy(dtype="float64")
    y = cand[[v + "_stored" for v in values]].to_numpy(dtype="float64")
    same = ((x == y) | (np.isnan(x) & np.isnan(y))).all(axis=1) & has_old
    is_new = (cand["_idx"] >= 0).to_numpy()
    write = is_new & winner.to_numpy() & ~same
    # Stored rows replaced by a different winning value.
    replaced_ids = cand.loc[write & has_old, "id_stored"].astype(int)
    # Overlaps between sources, reported per file.
    multi = cand.loc[counts.to_numpy() > 1, [*key_cols, "_idx", "source"]]
    if not multi.empty:
        pairs = multi.merge(multi, on=key_cols)
        pairs = pairs[(pairs["_idx_x"] >= 0) & (pairs["_idx_x"] != pairs["_idx_y"])]
        for (idx, src), n in pairs.groupby(["_idx_x", "source_y"]).size().items():
            reports[int(idx)].overlaps[str(src)] = int(n)
    lost = is_new & ~winner.to_numpy()
    idx_arr = cand["_idx"].to_numpy()
    for idx, _ in items:
        fr = reports[idx]
        mine = idx_arr == idx
        fr.kept_other = int((mine & lost).sum())
        fr.unchanged = int((mine & same & winner.to_numpy()).sum())
        fr.imported = int((mine & write).sum())
        fr.corrected = int((mine & write & has_old).sum())
    fixed = write & has_old
    written = cand.loc[write].drop(columns=[c for c in cand.columns if c.endswith("_stored")])
    # Every file was validated completely before this point, so a bad file never reaches the
    # database. The valid files of one run are written in one transaction (rolled back whole if
    # the database fails), sorted by key so that index inserts stay sequential.
    delete_ids(table, [int(i) for i in replaced_ids])
    out = written.drop(columns=["_idx", "_order"]).sort_values(key_cols, kind="stable")
    insert(table, out.assign(kind="city"))
    import_ids = _log_imports(items, reports)
    if fixed.any():
        c = cand.loc[fixed]
        insert(AirCorrection.__table__, pd.DataFrame({
            "station": c["station"].to_numpy(), "date": c[key].to_numpy(), "hour": None,
            "changes": _changes(values, c[[v + "_stored" for v in values]].to_numpy(dtype="float64"),
                                c[values].to_numpy(dtype="float64")),
            "old_source": c["source_stored"].to_numpy(), "new_source": c["source"].to_numpy(),
            "import_id": [import_ids[int(i)] for i in c["_idx"]], "recorded_at": clock.now_utc(),
        }))
    return written[key_cols]


def _with_daily_aqi(rows: pd.DataFrame, standards: Standards) -> pd.DataFrame:
    """Recomputed daily AQI (only for days with all six valid values) and the standard version."""
    rows = rows.copy()
    rows["valid"] = rows[assess.DAILY_COLUMNS].notna().all(axis=1)

    def compute(part: pd.DataFrame, standard) -> pd.DataFrame:
        return assess.add_daily_aqi(part, standard)[["aqi", "level", "primary"]]

    return _with_aqi(rows, standards, "date", compute)


def _with_aqi(rows: pd.DataFrame, standards: Standards, key: str, compute) -> pd.DataFrame:
    out = rows.copy()
    n = len(out)
    aqi, level = np.full(n, np.nan), np.full(n, np.nan)
    primary = np.full(n, None, dtype=object)
    standard = np.full(n, "", dtype=object)
    day = out[key].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    for v in standards.versions:
        mask = np.ones(n, dtype=bool)
        if v.applies_from:
            mask &= day >= np.datetime64(v.applies_from)
        if v.applies_until:
            mask &= day <= np.datetime64(v.applies_until)
        if not mask.any():
            continue
        standard[mask] = v.name
        if v.standard is not None:
            part = out if mask.all() else out.loc[mask]
            res = compute(part, v.standard)
            aqi[mask] = res["aqi"].to_numpy(dtype="float64")
            level[mask] = res["level"].to_numpy(dtype="float64")
            primary[mask] = res["primary"].to_numpy()
    out["aqi"], out["level"], out["primary"], out["standard"] = aqi, level, primary, standard
    return out


def update_derived(standards: Standards, stations: pd.DataFrame, grid: hours.HourGrid | None,
                   touched_days: pd.DataFrame | None) -> tuple[int, int]:
    """Recompute station days, city days (means over stations) and annual values an import touched.

    `grid` holds the stored hours of the touched station-days and the same days of every station
    of the touched cities, so nothing is read back from the database.
    """
    rules = standards.rules
    n_days = 0
    annual_keys: set[tuple[str, int]] = set()
    fresh: list[pd.DataFrame] = []  # daily rows just written, so annual values need not read them back
    if grid is not None and grid.touched.any():
        rows = np.flatnonzero(grid.touched)
        values = grid.obs[rows][:, :, :len(POLLUTANTS)].transpose(0, 2, 1)
        station_daily = assess.daily_from_grid(values, rules)
        station_daily.insert(0, "date", _dates(grid.day[rows]))
        station_daily.insert(0, "station", [grid.codes[s] for s in grid.station[rows]])
        cities, days, means = hours.city_means(grid, stations, rows)
        city_daily = assess.daily_from_grid(means.transpose(0, 2, 1), rules)
        city_daily.insert(0, "date", _dates(days))
        city_daily.insert(0, "station", cities)
        written = [_write_derived_days(station_daily, "station", standards),
                   _write_derived_days(city_daily, "city", standards)]
        n_days += sum(len(w) for w in written)
        fresh.extend(written)
        for frame in (station_daily, city_daily):
            annual_keys |= set(zip(frame["station"], frame["date"].dt.year))
    if touched_days is not None and not touched_days.empty:
        annual_keys |= set(zip(touched_days["station"], pd.to_datetime(touched_days["date"]).dt.year))
    return n_days, _write_annual(annual_keys, standards, pd.concat(fresh, ignore_index=True) if fresh else None)


def _dates(day_numbers: np.ndarray) -> pd.Series:
    return pd.Series(np.datetime64("1970-01-01", "D") + np.asarray(day_numbers).astype("timedelta64[D]"),
                     dtype="datetime64[ns]")


def _write_derived_days(daily: pd.DataFrame, kind: str, standards: Standards) -> pd.DataFrame:
    """Store days computed from hourly data, never over a value a city file published; returns the
    rows written."""
    if daily.empty:
        return daily
    daily = daily.rename(columns={"hours_pm25": "hours"}).drop(columns=["o3_1h_max"], errors="ignore").copy()
    daily["date"] = pd.to_datetime(daily["date"])
    rows = _with_daily_aqi(daily, standards)
    rows["kind"] = kind
    rows["source"] = "stations" if kind == "city" else "hourly"
    rows["precedence"] = PRECEDENCE["stations"]
    rows["aqi_published"] = np.nan
    t = AirDaily.__table__
    lo, hi = rows["date"].min().date(), rows["date"].max().date()
    existing = _frame(sa.select(t.c.id, t.c.station, t.c.date, t.c.precedence).where(
        t.c.station.in_(sorted(set(rows["station"]))), t.c.date >= lo, t.c.date <= hi))
    if not existing.empty:
        existing["date"] = pd.to_datetime(existing["date"])
        m = rows[["station", "date"]].merge(existing, on=["station", "date"], how="left")
        higher = m["precedence"].fillna(-1).to_numpy() > PRECEDENCE["stations"]
        delete_ids(t, [int(x) for x in m.loc[~higher & m["id"].notna(), "id"]])
        rows = rows.loc[~higher]
    insert(t, rows)
    return rows


def _read_daily(keys: set[tuple[str, int]]) -> pd.DataFrame:
    t = AirDaily.__table__
    stations = sorted({s for s, _ in keys})
    years = [y for _, y in keys]
    lo, hi = date(min(years), 1, 1), date(max(years), 12, 31)
    df = _frame(sa.select(t.c.station, t.c.kind, t.c.date, *[t.c[c] for c in assess.DAILY_COLUMNS], t.c.aqi,
                          t.c.level).where(t.c.station.in_(stations), t.c.date >= lo, t.c.date <= hi))
    for c in [*assess.DAILY_COLUMNS, "aqi", "level"]:
        df[c] = df[c].astype("float64")
    return df


def _stored_day_counts(keys: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    t = AirDaily.__table__
    year = sa.extract("year", t.c.date)
    years = [y for _, y in keys]
    stmt = (sa.select(t.c.station, year, sa.func.count())
            .where(t.c.station.in_(sorted({s for s, _ in keys})), t.c.date >= date(min(years), 1, 1),
                   t.c.date <= date(max(years), 12, 31))
            .group_by(t.c.station, year))
    return {(s, int(y)): int(n) for s, y, n in db.session.execute(stmt)}


def _write_annual(keys: set[tuple[str, int]], standards: Standards, fresh: pd.DataFrame | None = None) -> int:
    """Recompute the annual values of `keys` ((station, year)) from their stored days.

    `fresh` holds daily rows this run has just written; when they are every stored day of those
    years (same count per key: one row per station and date), they are used as they are instead
    of being read back.
    """
    if not keys:
        return 0
    keys = {(s, int(y)) for s, y in keys}
    daily = None
    if fresh is not None and not fresh.empty:
        f = fresh.assign(date=pd.to_datetime(fresh["date"]))
        mine = f.groupby([f["station"], f["date"].dt.year]).size()
        stored = _stored_day_counts(keys)
        if all(int(mine.get(k, 0)) == stored.get(k, 0) for k in keys):
            daily = f[["station", "kind", "date", *assess.DAILY_COLUMNS, "aqi", "level"]].copy()
            for c in [*assess.DAILY_COLUMNS, "aqi", "level"]:
                daily[c] = daily[c].astype("float64")
    if daily is None:
        daily = _read_daily(keys)
    t = AirAnnual.__table__
    by_station: dict[str, list[int]] = {}
    for s, y in keys:
        by_station.setdefault(s, []).append(y)
    for station, years in by_station.items():
        db.session.execute(sa.delete(t).where(t.c.station == station, t.c.year.in_(sorted(years))))
    if daily.empty:
        return 0
    daily["date"] = pd.to_datetime(daily["date"])
    daily = daily[[(s, y) in keys for s, y in zip(daily["station"], daily["date"].dt.year)]]
    ann = assess.annual(daily, standards.rules)
    if ann.empty:
        return 0
    kinds = dict(zip(daily["station"], daily["kind"]))
    ann["kind"] = ann["station"].map(kinds)
    ann["level_days"] = ann["level_days"].map(json.dumps)
    ann["completeness"] = ann["completeness"].map(json.dumps)
    ann["standard"] = [standards.for_day(d).name for d in ann["last_date"]]
    for c in ("first_date", "last_date"):
        ann[c] = pd.to_datetime(ann[c])
    insert(t, ann)
    return len(ann)


def recompute_all(standards: Standards, stations: pd.DataFrame) -> tuple[int, int]:
    """Rebuild every recomputed and derived value (after a standard is added or a rule changes)."""
    d = AirDaily.__table__
    grid = hours.load_grid(list(stations["code"]))
    if len(grid.day):
        grid.touched[:] = True
        rows = np.arange(len(grid.day))
        aqi, level, mask, standard = hours.recomputed(grid, rows, standards)
        blobs = packing.pack_recomputed(aqi, level, mask)
        t = AirHourDay.__table__
        db.session.execute(
            sa.update(t).where(t.c.id == sa.bindparam("i")).values(recomputed=sa.bindparam("r"),
                                                                   standard=sa.bindparam("s")),
            [{"i": int(i), "r": b, "s": s} for i, b, s in zip(grid.row_id, blobs, standard)])
    days = _frame(sa.select(d.c.id, d.c.station, d.c.date, *[d.c[c] for c in DAILY_VALUES]).where(
        d.c.precedence > PRECEDENCE["stations"]))
    if not days.empty:
        days["date"] = pd.to_datetime(days["date"])
        for c in DAILY_VALUES:
            days[c] = days[c].astype("float64")
        res = _with_daily_aqi(days, standards)
        _update_by_id(d, res, ["aqi", "level", "primary", "standard", "valid"])
    db.session.execute(sa.delete(d).where(d.c.precedence <= PRECEDENCE["stations"]))
    db.session.execute(sa.delete(AirAnnual.__table__))
    touched_days = days[["station", "date"]] if not days.empty else None
    result = update_derived(standards, stations, grid if len(grid.day) else None, touched_days)
    db.session.add(AirImport(file_name="(recompute)", sha256="recompute-" + clock.now_utc().isoformat(),
                             layout="recompute", imported_at=clock.now_utc(), rows_read=0, rows_imported=0,
                             rows_unchanged=0, rows_skipped=0, overlaps=0,
                             summary=f"recomputed {result[0]} daily and {result[1]} annual values"))
    db.session.commit()
    return result


def _update_by_id(table: sa.Table, frame: pd.DataFrame, cols: list[str]) -> None:
    params = []
    for rec in frame[["id", *cols]].to_dict("records"):
        p = {"i": int(rec["id"])}
        for c in cols:
            v = rec[c]
            if c in ("aqi", "level"):
                v = None if v is None or np.isnan(v) else int(v)
            elif c == "primary":
                v = v or None
            elif c == "valid":
                v = bool(v)
            p["v_" + c] = v
        params.append(p)
    stmt = sa.update(table).where(table.c.id == sa.bindparam("i")).values(
        **{c: sa.bindparam("v_" + c) for c in cols})
    db.session.execute(stmt, params)
