"""Hourly observations as station-day grids: merge new files into stored days, recompute, write.

A grid holds K station-days × 24 hours × the observed fields (packing.OBSERVED) plus, per hour,
the import that gave the value and its precedence. Everything here is array work on whole
batches (a year of 24 stations is 8,760 days), so an import costs a few numpy passes and one
insert per day instead of one per hour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..domain.air.aqi import hourly_aqi_arrays
from ..domain.air.importers import PRECEDENCE, Parsed
from ..domain.air.standards import POLLUTANTS, Standards
from ..extensions import db
from . import packing
from .bulk import delete_ids, insert
from .models import AirHourDay, AirImport

HOURS = packing.HOURS
FIELDS = packing.OBSERVED
_EPOCH = np.datetime64("1970-01-01", "D")
_DAY_SPAN = 10**6  # key = station index × _DAY_SPAN + days since 1970


@dataclass
class HourGrid:
    """Station-days with their hours; `src` < 0 marks values of this run's files."""

    codes: list[str]  # station index -> code
    station: np.ndarray  # [K] station index
    day: np.ndarray  # [K] days since 1970
    obs: np.ndarray  # [K × 24 × F] float64, NaN = no value
    src: np.ndarray  # [K × 24] import id (> 0), -(file index + 1) for new values, 0 = none
    prec: np.ndarray  # [K × 24] precedence of the value's file, -1 = none
    primary_published: np.ndarray  # [K × 24] object: published primary pollutants or None
    row_id: np.ndarray  # [K] stored air_hour_day.id, -1 when not stored
    touched: np.ndarray  # [K] changed by this run

    def keys(self) -> np.ndarray:
        return self.station.astype(np.int64) * _DAY_SPAN + self.day


def _day_numbers(dates) -> np.ndarray:
    return (np.asarray(pd.to_datetime(pd.Series(dates)).to_numpy(), dtype="datetime64[D]") - _EPOCH).astype(np.int64)


def load_grid(codes: list[str], where: sa.ColumnElement | None = None) -> HourGrid:
    """Stored station-days (all, or those matching `where`) as a grid."""
    t = AirHourDay.__table__
    stmt = sa.select(t.c.id, t.c.station, t.c.date, t.c.observed, t.c.sources, t.c.primary_published)
    if where is not None:
        stmt = stmt.where(where)
    rows = db.session.execute(stmt).all()
    codes = list(codes)
    index = {c: i for i, c in enumerate(codes)}
    for r in rows:  # a station no longer in the registry keeps its stored hours
        if r.station not in index:
            index[r.station] = len(codes)
            codes.append(r.station)
    k = len(rows)
    obs = packing.unpack_observed([r.observed for r in rows]).transpose(0, 2, 1) if k else np.empty((0, HOURS, len(FIELDS)))
    src = packing.unpack_sources([r.sources for r in rows]).astype(np.int64) if k else np.empty((0, HOURS), np.int64)
    pp = np.full((k, HOURS), None, dtype=object)
    for i, r in enumerate(rows):
        if r.primary_published:
            pp[i] = json.loads(r.primary_published)
    layouts = dict(db.session.execute(sa.select(AirImport.id, AirImport.layout)).all()) if k else {}
    lut = np.zeros(max(layouts, default=0) + 1, dtype=np.int64)  # import id -> precedence of its layout
    for import_id, layout in layouts.items():
        lut[import_id] = PRECEDENCE.get(layout, 0)
    prec = np.where(src > 0, lut[np.clip(src, 0, len(lut) - 1)], -1)
    return HourGrid(
        codes=codes,
        station=np.array([index[r.station] for r in rows], dtype=np.int64),
        day=_day_numbers([r.date for r in rows]) if k else np.empty(0, np.int64),
        obs=np.ascontiguousarray(obs), src=src, prec=prec, primary_published=pp,
        row_id=np.array([r.id for r in rows], dtype=np.int64), touched=np.zeros(k, dtype=bool),
    )


@dataclass
class Corrections:
    """Stored hours a new file changed: where, the values before and after, and the files."""

    cells: np.ndarray  # [C] grid cell (row × 24 + hour)
    old: np.ndarray  # [C × F] values before
    new: np.ndarray  # [C × F] values after
    old_src: np.ndarray  # [C] import id of the replaced value
    file_idx: np.ndarray  # [C] index of the new file in the run


@dataclass
class MergeResult:
    grid: HourGrid
    imported: dict[int, int]  # file index -> hours written
    unchanged: dict[int, int]
    kept_other: dict[int, int]
    overlaps: dict[int, dict[str, int]]  # file index -> {other file: hours given by both}
    corrected: dict[int, int]  # file index -> hours written over a different stored value
    corrections: Corrections


@dataclass
class NewHours:
    """The station-hours of this run's files, concatenated once, with their keys as arrays."""

    items: list[tuple[int, Parsed]]
    values: np.ndarray  # [N × F] float64
    primary_published: np.ndarray | None  # [N] object, None when no file publishes it
    file_idx: np.ndarray  # [N] index of the file in the run
    order: np.ndarray  # [N] 1-based position of the file among this run's hourly files
    prec: np.ndarray  # [N] precedence of the file
    station: np.ndarray  # [N] station index
    day: np.ndarray  # [N] days since 1970
    hour: np.ndarray  # [N] 0..23
    off_hour: np.ndarray  # [N] times that are not on the hour

    def codes(self, codes: list[str]) -> list[str]:
        return [codes[i] for i in np.unique(self.station)]

    def only(self, keep_files: set[int]) -> "NewHours":
        keep = np.isin(self.file_idx, list(keep_files))
        pp = None if self.primary_published is None else self.primary_published[keep]
        return NewHours([(i, p) for i, p in self.items if i in keep_files], self.values[keep], pp,
                        self.file_idx[keep], self.order[keep], self.prec[keep], self.station[keep], self.day[keep],
                        self.hour[keep], self.off_hour[keep])


def collect(items: list[tuple[int, Parsed]], codes: list[str]) -> NewHours:
    lens = [len(p.rows) for _, p in items]
    new = pd.concat([p.rows for _, p in items], ignore_index=True)
    ns = new["time"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    hours_since = ns // 3_600_000_000_000
    codes_idx, uniques = pd.factorize(new["station"])
    index = {c: i for i, c in enumerate(codes)}
    station = np.array([index[c] for c in uniques], dtype=np.int64)[codes_idx]
    published = None
    if "primary_published" in new and new["primary_published"].notna().any():
        published = new["primary_published"].to_numpy(dtype=object)
    return NewHours(
        items=items, values=new[list(FIELDS)].to_numpy(dtype="float64"), primary_published=published,
        file_idx=np.repeat(np.array([i for i, _ in items], dtype=np.int64), lens),
        order=np.repeat(np.arange(1, len(items) + 1), lens),
        prec=np.repeat(np.array([p.precedence for _, p in items], dtype=np.int64), lens),
        station=station, day=hours_since // 24, hour=hours_since % 24,
        off_hour=ns % 3_600_000_000_000 != 0,
    )


def merge(new: NewHours, stored: HourGrid, names: dict[int, str]) -> MergeResult:
    """Merge the hours of new files (in run order) into the stored grid, by precedence.

    For each station-hour the value of highest precedence wins; between equal precedence the
    later file wins (a corrected re-publication replaces the old one), and a stored value loses
    to a new file of the same precedence. A winning value equal to the stored one changes
    nothing (the stored source is kept); a different one is written and listed in
    `corrections` with the value it replaced. `names` maps stored import ids to file names.
    """
    codes = stored.codes
    items, file_idx, order, precs, nhour = new.items, new.file_idx, new.order, new.prec, new.hour
    nkey = new.station * _DAY_SPAN + new.day
    # Union of stored and new station-days; stored ones keep their values, sources and ids.
    skey = stored.keys()
    keys, inv = _sorted_unique(np.concatenate([skey, nkey]))
    s_at, n_at = inv[:len(skey)], inv[len(skey):]
    k = len(keys)
    obs = np.full((k, HOURS, len(FIELDS)), np.nan)
    obs[s_at] = stored.obs
    src = np.zeros((k, HOURS), dtype=np.int64)
    src[s_at] = stored.src
    prec = np.full((k, HOURS), -1, dtype=np.int64)
    prec[s_at] = stored.prec
    pp = np.full((k, HOURS), None, dtype=object)
    pp[s_at] = stored.primary_published
    row_id = np.full(k, -1, dtype=np.int64)
    row_id[s_at] = stored.row_id
    stored_src = src.reshape(-1).copy()
    cell = n_at * HOURS + nhour
    vals = new.values
    n = len(vals)
    per_cell = np.bincount(cell, minlength=k * HOURS)
    if per_cell.max(initial=0) <= 1:
        best = np.arange(n)  # no two new files give the same station-hour (the usual case)
    else:
        # The best new value of each cell: highest precedence, then latest file.
        ranked = np.lexsort((order, precs, cell))
        last = np.r_[cell[ranked][1:] != cell[ranked][:-1], True]
        best = ranked[last]
    bcell = cell[best]
    src_f, prec_f = src.reshape(-1), prec.reshape(-1)
    has_old = src_f[bcell] > 0
    beats = precs[best] >= prec_f[bcell]
    same = np.zeros(len(best), dtype=bool)
    if has_old.any():
        old_vals = obs.reshape(-1, len(FIELDS))[bcell[has_old]]
        mine = vals[best[has_old]]
        same[has_old] = ((mine == old_vals) | (np.isnan(mine) & np.isnan(old_vals))).all(axis=1)
    winner = np.zeros(n, dtype=bool)
    winner[best[beats]] = True
    is_same = np.zeros(n, dtype=bool)
    is_same[best[beats & same]] = True
    write = best[beats & ~same]
    wcell = cell[write]
    # A written hour that already held a (different) value is a correction: keep what it was.
    over = src_f[wcell] > 0
    corrections = Corrections(cells=wcell[over], old=obs.reshape(-1, len(FIELDS))[wcell[over]].copy(),
                              new=vals[write[over]], old_src=src_f[wcell[over]].copy(),
                              file_idx=file_idx[write[over]])
    obs.reshape(-1, len(FIELDS))[wcell] = vals[write]
    src_f[wcell] = -(file_idx[write] + 1)
    prec_f[wcell] = precs[write]
    if new.primary_published is not None:
        pp.reshape(-1)[wcell] = [v or None for v in new.primary_published[write]]
    touched = np.zeros(k, dtype=bool)
    touched[wcell // HOURS] = True

    def per_file(mask: np.ndarray) -> dict[int, int]:
        counts = np.bincount(file_idx[mask], minlength=max(file_idx.max() + 1, 1)) if len(file_idx) else []
        return {i: int(counts[i]) if i < len(counts) else 0 for i, _ in items}

    written = np.zeros(n, dtype=bool)
    written[write] = True
    over_rows = np.zeros(n, dtype=bool)
    over_rows[write[over]] = True
    result = MergeResult(
        grid=HourGrid(codes, keys // _DAY_SPAN, keys % _DAY_SPAN, obs, src, prec, pp, row_id, touched),
        imported=per_file(written), unchanged=per_file(is_same), kept_other=per_file(~winner),
        overlaps={i: {} for i, _ in items}, corrected=per_file(over_rows), corrections=corrections,
    )
    _overlaps(cell, per_cell, file_idx, items, stored_src=stored_src, names=names, out=result.overlaps)
    return result


def _sorted_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True) by hashing (several times faster for 10⁵ keys)."""
    codes, uniques = pd.factorize(values)
    order = np.argsort(uniques, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return np.asarray(uniques)[order], rank[codes]


def _overlaps(cell: np.ndarray, per_cell: np.ndarray, file_idx: np.ndarray, items: list[tuple[int, Parsed]], stored_src: np.ndarray,
              names: dict[int, str], out: dict[int, dict[str, int]]) -> None:
    """Per new file: how many of its hours another file (new or stored) also gave, by file name."""
    counts = per_cell + (stored_src > 0)
    multi = counts[cell] > 1
    if not multi.any():
        return
    file_name = {i: p.path.name for i, p in items}
    mc = cell[multi]
    stored_cells = np.unique(mc[stored_src[mc] > 0])
    frame = pd.concat([
        pd.DataFrame({"cell": mc, "idx": file_idx[multi], "source": [file_name[int(i)] for i in file_idx[multi]]}),
        pd.DataFrame({"cell": stored_cells, "idx": -1,
                      "source": [names.get(int(s), f"import {int(s)}") for s in stored_src[stored_cells]]}),
    ], ignore_index=True)
    pairs = frame.merge(frame, on="cell")
    # Another file, even of the same name (a re-publication of the same day), is an overlap.
    pairs = pairs[(pairs["idx_x"] >= 0) & (pairs["idx_x"] != pairs["idx_y"])]
    for (idx, other), n in pairs.groupby(["idx_x", "source_y"]).size().items():
        out[int(idx)][str(other)] = int(n)


def recomputed(grid: HourGrid, rows: np.ndarray, standards: Standards) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                                 list[str]]:
    """Hourly AQI, level and primary mask ([n × 24] each) and the standard name of each day in `rows`."""
    n = len(rows)
    aqi = np.full((n, HOURS), np.nan)
    level = np.full((n, HOURS), np.nan)
    mask = np.zeros((n, HOURS), dtype=np.int64)
    names = np.empty(n, dtype=object)
    open_ = np.ones(n, dtype=bool)  # days no version has claimed yet
    days = grid.day[rows]
    for v in standards.versions:
        sel = np.ones(n, dtype=bool)
        if v.applies_from:
            sel &= days >= (np.datetime64(v.applies_from, "D") - _EPOCH).astype(np.int64)
        if v.applies_until:
            sel &= days <= (np.datetime64(v.applies_until, "D") - _EPOCH).astype(np.int64)
        sel &= open_  # the first version that covers a day applies, as in Standards.for_day
        if not sel.any():
            continue
        names[sel] = v.name
        open_ &= ~sel
        if v.standard is None:
            continue
        block = grid.obs[rows[sel]].reshape(-1, len(FIELDS))
        a, lv, m = hourly_aqi_arrays({f: block[:, j] for j, f in enumerate(FIELDS) if f != "aqi_published"},
                                     v.standard)
        aqi[sel], level[sel], mask[sel] = a.reshape(-1, HOURS), lv.reshape(-1, HOURS), m.reshape(-1, HOURS)
    if open_.any():
        raise LookupError("no AQI standard version covers some imported days")
    mask[np.isnan(aqi)] = packing.NONE
    return aqi, level, mask, names.tolist()


def write(grid: HourGrid, standards: Standards, import_ids: dict[int, int]) -> int:
    """Replace the stored rows of the touched station-days; returns the number of days written."""
    rows = np.flatnonzero(grid.touched)
    if not len(rows):
        return 0
    src = grid.src[rows].copy()
    new = src < 0
    if new.any():
        lut = np.zeros(max(import_ids, default=0) + 1, dtype=np.int64)
        lut[list(import_ids)] = list(import_ids.values())
        src[new] = lut[-src[new] - 1]
    grid.src[rows] = src
    aqi, level, mask, standard = recomputed(grid, rows, standards)
    pp = grid.primary_published[rows]
    has = (pp != None).any(axis=1)  # noqa: E711 (elementwise on an object array)
    published = [json.dumps(list(r), ensure_ascii=False) if h else None for r, h in zip(pp, has)]
    table = AirHourDay.__table__
    delete_ids(table, [int(i) for i in grid.row_id[rows] if i >= 0])
    frame = pd.DataFrame({
        "station": [grid.codes[s] for s in grid.station[rows]],
        "date": [d.item() for d in (_EPOCH + grid.day[rows].astype("timedelta64[D]"))],
        "observed": packing.pack_observed(grid.obs[rows].transpose(0, 2, 1)),
        "recomputed": packing.pack_recomputed(aqi, level, mask),
        "sources": packing.pack_sources(src),
        "primary_published": published,
        "hours": (src > 0).sum(axis=1),
        "standard": standard,
    })
    insert(table, frame)
    return len(rows)


def city_means(grid: HourGrid, stations: pd.DataFrame, days_of: np.ndarray) -> tuple[list[str], np.ndarray,
                                                                                    np.ndarray]:
    """Hourly means over each city's evaluation stations (background excluded) for the city-days of
    the station-days `days_of` (indices into the grid): (city names, day numbers, [n × 24 × 6])."""
    info = stations.set_index("code")
    known = [c in info.index for c in grid.codes]
    # A station outside the registry belongs to no city (it is never averaged).
    city = np.array([info.at[c, "city"] if k else "" for c, k in zip(grid.codes, known)], dtype=object)
    background = np.array([bool(info.at[c, "background"]) if k else True for c, k in zip(grid.codes, known)])
    cities = sorted(set(city))
    city_idx = np.array([cities.index(c) for c in city], dtype=np.int64)
    cd = city_idx[grid.station] * _DAY_SPAN + grid.day
    wanted = np.unique(cd[days_of])
    sel = np.flatnonzero(~background[grid.station] & np.isin(cd, wanted))
    if not len(sel):
        return [], np.empty(0, np.int64), np.empty((0, HOURS, len(POLLUTANTS)))
    sel = sel[np.argsort(cd[sel], kind="stable")]
    groups = cd[sel]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    values = grid.obs[sel][:, :, :len(POLLUTANTS)]
    present = ~np.isnan(values)
    sums = np.add.reduceat(np.where(present, values, 0.0), starts, axis=0)
    counts = np.add.reduceat(present, starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    g = groups[starts]
    return [cities[int(i)] for i in g // _DAY_SPAN], g % _DAY_SPAN, means


def empty_grid(codes: list[str]) -> HourGrid:
    return HourGrid(codes, np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, HOURS, len(FIELDS))),
                    np.empty((0, HOURS), np.int64), np.empty((0, HOURS), np.int64),
                    np.empty((0, HOURS), dtype=object), np.empty(0, np.int64), np.zeros(0, dtype=bool))

