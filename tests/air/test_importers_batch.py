"""`read_china_sites_batch` parses many wide files in one go; every file must still get exactly
the result the reader gave it before that speed-up, when read on its own.

REFERENCE below is a frozen copy of `read_china_sites_batch` (and the helpers it used) as it was
before the speed-up: one `pd.read_csv` per file, with one change since (issue 14): the file's
shape is checked first (`scan_lines`: a cut or empty file fails, and line numbers count blank
lines, which pandas skips). Each file's new result is compared with the
reference run on that file alone — the reference run on a whole batch let one file change the
others' results (a file with an empty date cell turned every date of the batch into a float, so
the good files failed or came back empty; see `test_a_missing_date_no_longer_spoils_the_batch`).

Files used: the real ../shared/data/station_hourly wide files; SYNTHETIC files (random values,
written by `_synthetic` below); HAND-MADE fixtures (miniature files with invented values, each
damaged in one documented way). None of them is imported into a database.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanair.domain.air.importers import (
    HOURLY_FIELDS,
    IMPOSSIBLE_ABOVE,
    MAX_MESSAGES,
    WIDE_KNOWN_TYPES,
    WIDE_TYPES,
    ImportFailed,
    Parsed,
    read_china_sites,
    read_china_sites_batch,
    scan_lines,
)

from tests.conftest import SHARED_DATA, require_shared

from .conftest import STATION_CODES

# ---------------------------------------------------------------------------------------------
# REFERENCE: frozen copy of the pre-speed-up reader (do not "fix" it; it defines the expected
# result of every file).


def _ref_sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _ref_numeric(frame, columns, path, lines, errors, files=None):
    src = list(columns)
    dst = [columns[c] for c in src]
    lines = np.asarray(lines)
    mat = np.empty((len(frame), len(src)), dtype="float64")

    def report(i, msg):
        if files is None:
            errors.append(f"{path}: line {lines[i]}: {msg}")
        else:
            f = int(files[i])
            errors.setdefault(f, []).append(f"{path[f]}: line {lines[i]}: {msg}")

    kinds = frame.dtypes.reindex(src)
    numeric = [c for c in src if kinds[c].kind in "iuf"]
    if numeric:
        mat[:, [src.index(c) for c in numeric]] = frame[numeric].to_numpy(dtype="float64", na_value=np.nan)
    for c in src:
        if c in numeric:
            continue
        s = frame[c].astype("string").str.strip()
        num = pd.to_numeric(s, errors="coerce").astype("float64")
        bad = (num.isna() & s.notna() & (s != "") & ~s.isin(["—", "-", "NA", "nan"])).to_numpy()
        for i in np.flatnonzero(bad)[:MAX_MESSAGES]:
            report(int(i), f"{c} = {s.iloc[i]!r} is not a number")
        mat[:, src.index(c)] = num.to_numpy()
    with np.errstate(invalid="ignore"):
        for i, j in np.argwhere(mat < 0)[:MAX_MESSAGES]:
            report(int(i), f"{src[j]} = {mat[i, j]:g} is negative")
        limits = np.array([IMPOSSIBLE_ABOVE.get(d, np.inf) for d in dst], dtype="float64")
        for i, j in np.argwhere(mat > limits)[:MAX_MESSAGES]:
            report(int(i), f"{src[j]} = {mat[i, j]:g} is impossible (above {limits[j]:g})")
    return pd.DataFrame(mat, columns=dst, index=frame.index)


def _ref_batch(paths, stations):
    paths = [Path(p) for p in paths]
    results = [None] * len(paths)
    errors = {}
    frames, meta = [], []
    all_lines = []
    for f, path in enumerate(paths):
        shape = scan_lines(path, path.read_bytes())
        if shape.problems:
            results[f] = ImportFailed(path, shape.problems)
            continue
        try:
            raw = pd.read_csv(path, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            results[f] = ImportFailed(path, [f"{path}: cannot parse as CSV: {exc}"])
            continue
        missing = [c for c in ("date", "hour", "type") if c not in raw.columns]
        if missing:
            results[f] = ImportFailed(path, [f"{path}: line 1: missing columns {', '.join(missing)}"])
            continue
        ours = [c for c in raw.columns[3:] if c in stations]
        meta.append((f, len(raw.columns) - 3 - len(ours), ours))
        if len(ours) != len(raw.columns) - 3:
            raw = raw[["date", "hour", "type", *ours]]
        frames.append(raw)
        all_lines.append(shape.data)
    if frames:
        big = pd.concat(frames, ignore_index=True, sort=False)
        files = np.repeat(np.array([m[0] for m in meta]), [len(fr) for fr in frames])
        lines = np.concatenate(all_lines)
        _ref_reshape_wide(big, files, lines, paths, meta, errors, results)
    for f, msgs in errors.items():
        results[f] = ImportFailed(paths[f], msgs)
    return results


def _ref_reshape_wide(big, files, lines, paths, meta, errors, results):
    def report(i, msg):
        errors.setdefault(int(files[i]), []).append(f"{paths[files[i]]}: line {lines[i]}: {msg}")

    types = big["type"].astype(str).to_numpy()
    known = np.isin(types, list(WIDE_KNOWN_TYPES))
    for i in np.flatnonzero(~known):
        if len(errors.get(int(files[i]), [])) < MAX_MESSAGES:
            report(int(i), f"unknown type {types[i]!r}")
    dates = pd.to_datetime(big["date"].astype(str), format="%Y%m%d", errors="coerce")
    hours = pd.to_numeric(big["hour"], errors="coerce")
    bad_time = (dates.isna() | hours.isna() | (hours < 0) | (hours > 23) | (hours % 1 != 0)).to_numpy()
    for i in np.flatnonzero(bad_time)[:MAX_MESSAGES]:
        report(int(i), f"bad date/hour {big['date'].iloc[i]!r} {big['hour'].iloc[i]!r}")
    dup = pd.DataFrame({"f": files, "d": big["date"].to_numpy(), "h": big["hour"].to_numpy(),
                        "t": types}).duplicated(keep=False).to_numpy()
    for i in np.flatnonzero(dup)[:MAX_MESSAGES]:
        report(int(i), f"duplicate date/hour/type {big['date'].iloc[i]} {big['hour'].iloc[i]} {types[i]}")
    codes = [c for c in big.columns[3:]]
    keep = np.isin(types, list(WIDE_TYPES)) & ~bad_time
    values = _ref_numeric(big.loc[keep, codes], {c: c for c in codes}, paths, lines[keep], errors,
                          files=files[keep]).to_numpy()
    fields = ["aqi", *HOURLY_FIELDS]
    time = (dates + pd.to_timedelta(hours.where(~bad_time, 0), unit="h")).to_numpy()[keep]
    kfiles = files[keep]
    key = kfiles.astype("int64") * 10**7 + (time.astype("datetime64[h]").astype("int64"))
    ukeys, t_idx = np.unique(key, return_inverse=True)
    k_of = {t: fields.index(WIDE_TYPES[t]) for t in WIDE_TYPES}
    k_idx = np.fromiter((k_of[t] for t in types[keep]), dtype=int, count=int(keep.sum()))
    grid = np.full((len(ukeys), len(fields), len(codes)), np.nan)
    grid[t_idx, k_idx, :] = values
    ufile = ukeys // 10**7
    utime = (ukeys % 10**7).astype("datetime64[h]").astype("datetime64[ns]")
    first_line = pd.Series(lines[keep]).groupby(t_idx).min().to_numpy()
    n_t, n_s = len(ukeys), len(codes)
    flat = grid.transpose(0, 2, 1).reshape(n_t * n_s, len(fields))
    rows = pd.DataFrame(flat, columns=fields)
    rows.insert(0, "time", np.repeat(utime, n_s))
    rows.insert(0, "station", np.tile(np.array(codes, dtype=object), n_t))
    rows["line"] = np.repeat(first_line, n_s)
    rows["_file"] = np.repeat(ufile, n_s)
    with np.errstate(invalid="ignore"):
        for col, limit in IMPOSSIBLE_ABOVE.items():
            if col in rows:
                for i in np.flatnonzero(rows[col].to_numpy() > limit)[:MAX_MESSAGES]:
                    f = int(rows["_file"].iat[i])
                    errors.setdefault(f, []).append(
                        f"{paths[f]}: line {int(rows['line'].iat[i])}: {col} = {rows[col].iat[i]:g} at "
                        f"{rows['station'].iat[i]} is impossible (above {limit})")
    hours_per_file = np.bincount(ufile.astype(int), minlength=len(paths))
    rfiles = rows.pop("_file").to_numpy()
    member = np.zeros((len(paths), n_s), dtype=bool)
    for f, _, ours in meta:
        member[f] = np.isin(codes, ours)
    own = member[rfiles, np.tile(np.arange(n_s), n_t)]
    vals = rows[["aqi", *HOURLY_FIELDS[:6]]].to_numpy()
    empty = np.isnan(vals).all(axis=1) & own
    pm = rows[["pm25", "pm10"]].to_numpy()
    ph = (pm[:, 0] == 0) & (pm[:, 1] == 0) & ~empty & own
    if ph.any():
        rows.loc[ph, ["pm25", "pm10"]] = np.nan
        rows.loc[ph & (rows["aqi"] == 0).to_numpy(), "aqi"] = np.nan
    rows["primary_published"] = None
    rows = rows.rename(columns={"aqi": "aqi_published"})
    n_empty = np.bincount(rfiles[empty], minlength=len(paths))
    n_ph = np.bincount(rfiles[ph], minlength=len(paths))
    keep_rows = own & ~empty
    rows, rfiles, ph = rows[keep_rows], rfiles[keep_rows], ph[keep_rows]
    split = np.searchsorted(rfiles, np.arange(len(paths) + 1))
    for f, others, ours in meta:
        if f in errors:
            continue
        part = rows.iloc[split[f]:split[f + 1]].reset_index(drop=True)
        n_hours = int(hours_per_file[f])
        skipped = {}
        notes = []
        if others:
            skipped["stations of other cities"] = others * n_hours
            notes.append(f"{others} stations of other cities skipped")
        if n_empty[f]:
            skipped["station-hours with no values"] = int(n_empty[f])
        if n_ph[f]:
            at = ", ".join(str(int(x)) for x in part.loc[ph[split[f]:split[f + 1]], "line"].head(10))
            notes.append(f"{int(n_ph[f])} station-hours with PM2.5 = 0 and PM10 = 0 treated as missing "
                         f"(placeholder; lines {at})")
        results[f] = Parsed(paths[f], "china_sites", "hourly", part, (len(ours) + others) * n_hours,
                            _ref_sha256_of(paths[f]), skipped, notes)


def _reference(path: Path, stations: set[str]) -> Parsed | ImportFailed:
    """What the reader gave this file on its own before the speed-up."""
    return _ref_batch([path], stations)[0]


# ---------------------------------------------------------------------------------------------
# Comparison


def assert_same(new: Parsed | ImportFailed, ref: Parsed | ImportFailed) -> None:
    assert type(new) is type(ref), (new, ref)
    assert new.path == ref.path
    if isinstance(ref, ImportFailed):
        assert new.messages == ref.messages
        assert str(new) == str(ref)
        return
    assert (new.layout, new.kind, new.rows_read, new.sha256) == (ref.layout, ref.kind, ref.rows_read, ref.sha256)
    assert list(new.skipped.items()) == list(ref.skipped.items())
    assert new.notes == ref.notes
    assert list(new.rows.columns) == list(ref.rows.columns)
    assert new.rows.dtypes.to_dict() == ref.rows.dtypes.to_dict()
    pd.testing.assert_frame_equal(new.rows, ref.rows, check_exact=True)
    # Same floats bit for bit (assert_frame_equal calls -0.0 and 0.0 equal).
    floats = [c for c in ref.rows.columns if ref.rows[c].dtype == "float64"]
    assert np.array_equal(np.signbit(new.rows[floats].to_numpy()), np.signbit(ref.rows[floats].to_numpy()))


def check_batch(paths: list[Path], stations: set[str] = STATION_CODES) -> list[Parsed | ImportFailed]:
    """The batch result of every file equals the reference result of that file alone."""
    new = read_china_sites_batch(paths, stations)
    assert len(new) == len(paths)
    for path, res in zip(paths, new):
        assert_same(res, _reference(path, stations))
    return new


# ---------------------------------------------------------------------------------------------
# Files

OURS = ["1160A", "1161A", "1162A", "1163A"]
OTHER = ["1001A", "1002A"]  # not in data/stations/stations.csv: stations of other cities
TYPES = ["AQI", "PM2.5", "PM2.5_24h", "PM10", "PM10_24h", "SO2", "SO2_24h", "NO2", "NO2_24h",
         "O3", "O3_24h", "O3_8h", "O3_8h_24h", "CO", "CO_24h"]


def _hand_made(folder: Path, name: str, *, codes: list[str] = OURS, date: str = "20220104", hours: int = 3,
               edit=None, text: str | None = None, newline: str = "\n", encoding: str = "utf-8",
               bom: bool = False, trailing_newline: bool = True) -> Path:
    """A HAND-MADE miniature wide file (invented values); `edit(lines)` damages its lines (a list of
    lists of cells, header first) in place."""
    if text is None:
        lines = [["date", "hour", "type", *codes]]
        for h in range(hours):
            for t in TYPES:
                base = 0.8 if t.startswith("CO") else 20 + 7 * h
                lines.append([date, str(h), t, *(f"{base + j:g}" for j in range(len(codes)))])
        if edit is not None:
            edit(lines)
        text = newline.join(",".join(cells) for cells in lines) + (newline if trailing_newline else "")
    data = text.encode(encoding)
    path = folder / f"handmade_china_sites_{name}.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _synthetic(folder: Path, n: int, seed: int = 7, codes: list[str] | None = None) -> list[Path]:
    """SYNTHETIC daily files: random values with the layout's quirks (empty cells, decimals for CO,
    PM2.5 = PM10 = 0 placeholders, station-hours with nothing but SO2_24h)."""
    rng = np.random.default_rng(seed)
    codes = codes or sorted(STATION_CODES)
    paths = []
    for d in range(n):
        day = pd.Timestamp("2021-03-01") + pd.Timedelta(days=d)
        vals = rng.integers(0, 300, size=(24, len(TYPES), len(codes))).astype(float)
        co = [i for i, t in enumerate(TYPES) if t.startswith("CO")]
        vals[:, co, :] = np.round(rng.random((24, len(co), len(codes))) * 3, 3)
        vals[rng.random(vals.shape) < 0.03] = np.nan
        pm25, pm10 = TYPES.index("PM2.5"), TYPES.index("PM10")
        zero = rng.random((24, len(codes))) < 0.02
        vals[:, pm25, :][zero] = 0
        vals[:, pm10, :][zero] = 0
        gone = rng.random((24, len(codes))) < 0.02  # nothing but SO2_24h at these station-hours
        for i, t in enumerate(TYPES):
            if t != "SO2_24h":
                vals[:, i, :][gone] = np.nan
        aqi = TYPES.index("AQI")
        vals[:, aqi, :] = np.minimum(vals[:, aqi, :], 500)
        rows = [[f"{day:%Y%m%d}", h, t, *vals[h, i]] for h in range(24) for i, t in enumerate(TYPES)]
        path = folder / f"synthetic_china_sites_{day:%Y%m%d}.csv"
        pd.DataFrame(rows, columns=["date", "hour", "type", *codes]).to_csv(path, index=False, float_format="%g")
        paths.append(path)
    return paths


def _set(row: int, col: int, value: str):
    def edit(lines):
        lines[row][col] = value
    return edit


# Each damage: (name, keyword arguments of _hand_made, whether the file must fail).
CASES = [
    ("unknown_type", dict(edit=_set(5, 2, "PM1")), True),
    ("empty_type", dict(edit=_set(5, 2, "")), True),
    ("hour_25", dict(edit=_set(4, 1, "25")), True),
    ("hour_text", dict(edit=_set(4, 1, "x")), True),
    ("hour_fraction", dict(edit=_set(4, 1, "1.5")), True),
    ("hour_float_syntax", dict(edit=lambda ls: [r.__setitem__(1, f"{r[1]}.0") for r in ls[1:]]), False),
    ("hour_1e400", dict(edit=_set(4, 1, "1e400")), True),
    ("hour_leading_zero", dict(edit=_set(17, 1, "01")), False),
    ("bad_date", dict(date="20221304"), True),
    ("date_float_syntax", dict(date="20220104.0"), True),
    ("missing_date", dict(edit=_set(3, 0, "")), True),
    ("duplicate", dict(edit=_set(17, 1, "0")), True),
    ("duplicate_24h_type", dict(edit=_set(4, 2, "PM2.5_24h")), True),
    ("non_numeric", dict(edit=_set(2, 4, "abc")), True),
    ("non_numeric_in_24h_row", dict(edit=_set(3, 4, "abc")), False),
    ("dash_placeholder", dict(edit=_set(2, 4, "—")), False),
    ("na_token", dict(edit=_set(2, 4, "NA")), False),
    ("spaces", dict(edit=_set(2, 4, " 7 ")), False),
    ("quoted", dict(edit=_set(2, 4, '"7"')), False),
    ("negative", dict(edit=_set(2, 4, "-5")), True),
    ("negative_zero", dict(edit=_set(2, 4, "-0")), False),
    ("impossible_pm25", dict(edit=_set(2, 4, "2500")), True),
    ("impossible_aqi", dict(edit=_set(1, 3, "600")), True),
    ("impossible_in_24h_row", dict(edit=_set(3, 4, "99999")), False),
    ("huge_integer", dict(edit=_set(3, 4, "123456789012345678901234567890")), False),
    ("exponent", dict(edit=_set(2, 4, "1e2")), False),
    ("placeholder_zeros", dict(edit=lambda ls: (ls[2].__setitem__(3, "0"), ls[4].__setitem__(3, "0"))), False),
    ("placeholder_zeros_and_aqi", dict(
        edit=lambda ls: [ls[i].__setitem__(5, "0") for i in (1, 2, 4)]), False),
    ("bom", dict(bom=True), False),
    ("crlf", dict(newline="\r\n"), False),
    ("crlf_bom", dict(newline="\r\n", bom=True), False),
    ("mixed_line_endings", dict(text="date,hour,type,1160A\r\n20220104,0,AQI,5\n20220104,0,PM2.5,3\r\n"), False),
    ("lone_cr", dict(text="date,hour,type,1160A\n20220104,0,AQI,5\r20220104,0,PM2.5,3\n"), False),
    ("blank_line", dict(edit=lambda ls: ls.insert(4, [""])), False),
    ("blank_lines_at_end", dict(edit=lambda ls: ls.extend([[""], [""]])), False),
    ("no_trailing_newline", dict(trailing_newline=False), True),  # a cut file (issue 14)
    ("other_cities", dict(codes=[OTHER[0], *OURS, OTHER[1]]), False),
    ("only_other_cities", dict(codes=OTHER), False),
    ("missing_type_column", dict(edit=lambda ls: [row.pop(2) for row in ls]), True),
    ("duplicate_station_column", dict(codes=[*OURS, OURS[0]]), False),
    ("empty_station_name", dict(codes=[*OURS, ""]), False),
    ("other_station_order", dict(codes=OURS[::-1]), False),
    ("extra_field", dict(edit=lambda ls: ls[7].append("9")), True),
    ("extra_field_first_row", dict(edit=lambda ls: ls[1].append("9")), True),
    ("short_row", dict(edit=lambda ls: ls[7].pop()), True),  # a cut or damaged row (issue 14)
    ("extra_and_short_rows", dict(edit=lambda ls: (ls[7].append("9"), ls[9].pop())), True),
    ("not_utf8_gbk", dict(text="date,hour,type,1160A\n20220104,0,AQI,5\n20220104,0,PM2.5,优\n",
                          encoding="gbk"), True),
    ("not_utf8_latin1_header", dict(text="date,hour,type,1160A,Zürich\n20220104,0,AQI,5,6\n",
                                    encoding="latin-1"), True),
    ("header_only", dict(text="date,hour,type,1160A,1161A\n"), True),  # empty or cut (issue 14)
    ("header_only_no_newline", dict(text="date,hour,type,1160A,1161A"), True),
    ("zero_bytes", dict(text=""), True),
    ("only_24h_types", dict(edit=lambda ls: ls.__setitem__(
        slice(1, None), [r for r in ls[1:] if r[2].endswith("_24h")])), False),
    ("all_station_hours_empty", dict(edit=lambda ls: [r.__setitem__(slice(3, None), [""] * (len(r) - 3))
                                                       for r in ls[1:]]), False),
    ("no_station_columns", dict(codes=[]), False),
    ("hours_out_of_order", dict(edit=lambda ls: ls.__setitem__(
        slice(1, None), sorted(ls[1:], key=lambda r: -int(r[1])))), False),
]
CASE_IDS = [c[0] for c in CASES]


@pytest.fixture()
def good(tmp_path) -> list[Path]:
    return [_hand_made(tmp_path, "good_a", date="20220101"), _hand_made(tmp_path, "good_b", date="20220102")]


# ---------------------------------------------------------------------------------------------
# Tests


@pytest.mark.shared
def test_real_files_are_read_as_before():
    """Every real file of station_hourly (the long-layout one is refused, as before)."""
    paths = sorted(require_shared(SHARED_DATA / "station_hourly").glob("*.csv"))
    wide = [p.name.startswith("china_sites_") for p in paths]
    assert any(wide), "no china_sites file in ../shared/data/station_hourly"
    results = check_batch(paths)
    assert [isinstance(r, Parsed) for r in results] == wide
    # The whole reference batch (no bad file in it) agrees too.
    for new, ref in zip(results, _ref_batch(paths, STATION_CODES)):
        assert_same(new, ref)


@pytest.mark.shared
def test_real_file_in_a_batch_of_synthetic_files(tmp_path):
    real = require_shared(SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv")
    paths = [*_synthetic(tmp_path, 3), real, *_synthetic(tmp_path, 2, seed=8)]
    assert all(isinstance(r, Parsed) for r in check_batch(paths))


def test_synthetic_files_are_read_as_before(tmp_path):
    paths = _synthetic(tmp_path, 6)
    results = check_batch(paths)
    assert all(isinstance(r, Parsed) and len(r.rows) for r in results)
    assert any(r.notes for r in results), "the synthetic files should contain placeholders"
    for new, ref in zip(results, _ref_batch(paths, STATION_CODES)):
        assert_same(new, ref)


def test_synthetic_files_with_other_cities_and_a_duplicate_path(tmp_path):
    codes = ["1001A", *sorted(STATION_CODES)[:10], "2999A", *sorted(STATION_CODES)[10:]]
    paths = _synthetic(tmp_path, 4, seed=3, codes=codes)
    results = check_batch([*paths, paths[0]])
    assert all(r.skipped.get("stations of other cities") for r in results)


@pytest.mark.parametrize("name,kwargs,fails", CASES, ids=CASE_IDS)
def test_hand_made_file_alone(tmp_path, name, kwargs, fails):
    path = _hand_made(tmp_path, name, **kwargs)
    [res] = check_batch([path])
    assert isinstance(res, ImportFailed) == fails, res
    if fails:
        assert all(str(path) in m for m in res.messages)


@pytest.mark.parametrize("name,kwargs,fails", CASES, ids=CASE_IDS)
def test_hand_made_file_between_good_files(tmp_path, good, name, kwargs, fails):
    """A damaged file between good ones: its own result as alone, theirs unchanged."""
    path = _hand_made(tmp_path, name, **kwargs)
    alone = read_china_sites_batch(good, STATION_CODES)
    results = check_batch([good[0], path, good[1], path])
    assert isinstance(results[1], ImportFailed) == fails
    for res, ref in zip([results[0], results[2]], alone):
        assert isinstance(res, Parsed)
        assert_same(res, ref)


def test_every_damage_in_one_batch(tmp_path, good):
    paths = [good[0]]
    for i, (name, kwargs, _) in enumerate(CASES):
        folder = tmp_path / str(i)
        folder.mkdir()
        paths += [_hand_made(folder, name, **kwargs), *_synthetic(folder, 1, seed=i)]
    paths.append(good[1])
    results = check_batch(paths)
    expected = {f"handmade_china_sites_{name}.csv": fails for name, _, fails in CASES}
    for path, res in zip(paths, results):
        if path.name in expected:
            assert isinstance(res, ImportFailed) == expected[path.name], path.name
        else:
            assert isinstance(res, Parsed), path.name


def test_many_problems_in_many_files_keep_their_own_messages(tmp_path):
    """More than MAX_MESSAGES problems in several files: each file lists its own."""
    def many(lines):
        for row in lines[1:]:
            row[1] = "30"
    paths = [_hand_made(tmp_path, f"many_{i}", date=f"2022010{i + 1}", edit=many) for i in range(3)]
    results = check_batch(paths)
    assert all(isinstance(r, ImportFailed) and len(r.messages) >= MAX_MESSAGES for r in results)


def test_a_missing_date_no_longer_spoils_the_batch(tmp_path, good):
    """The reference batch turned every date into a float when one file had an empty date cell,
    so the good files failed ('bad date/hour np.float64(…)') or silently came back empty."""
    bad = _hand_made(tmp_path, "missing_date", edit=_set(3, 0, ""))
    results = check_batch([good[0], bad, good[1]])
    assert [type(r) for r in results] == [Parsed, ImportFailed, Parsed]
    assert all(len(r.rows) == 3 * len(OURS) for r in (results[0], results[2]))


def test_rows_of_a_file_follow_its_own_column_order(tmp_path, good):
    """The reference batch ordered each file's stations like the first file of the batch; alone,
    a file keeps its own order (same rows either way)."""
    other = _hand_made(tmp_path, "reversed", codes=OURS[::-1], date="20220103")
    results = check_batch([good[0], other])
    assert results[1].rows["station"].tolist()[:4] == OURS[::-1]


def test_a_date_before_1970_still_raises(tmp_path, good):
    """Pins today's behaviour for this file (the reference's hour key cannot hold it and raises);
    the fast path must not quietly accept it."""
    old = _hand_made(tmp_path, "old", date="19691231")
    with pytest.raises(ValueError) as ref:
        _reference(old, STATION_CODES)
    with pytest.raises(ValueError) as new:
        read_china_sites_batch([good[0], old], STATION_CODES)
    assert str(new.value) == str(ref.value)


def test_a_missing_file_raises_as_before(tmp_path, good):
    with pytest.raises(FileNotFoundError):
        read_china_sites_batch([good[0], tmp_path / "nope.csv"], STATION_CODES)


def test_single_file_reader_matches(tmp_path):
    [path] = _synthetic(tmp_path, 1)
    assert_same(read_china_sites(path, STATION_CODES), _reference(path, STATION_CODES))
    bad = _hand_made(tmp_path, "bad", edit=_set(5, 2, "PM1"))
    with pytest.raises(ImportFailed) as exc:
        read_china_sites(bad, STATION_CODES)
    assert_same(exc.value, _reference(bad, STATION_CODES))


def test_paths_given_as_strings(tmp_path):
    paths = _synthetic(tmp_path, 2)
    results = read_china_sites_batch([str(p) for p in paths], STATION_CODES)
    for path, res in zip(paths, results):
        assert_same(res, _reference(path, STATION_CODES))


CELLS = st.one_of(
    st.sampled_from(["", "-5", "0", "-0", "99999", "abc", "1e400", "NaN", "NA", "  7 ", "12,5", "\"3\"", "—",
                     "1.0", "01", "2500", "7.25", "\r", "\n", "\ufeff", "23", "24", "PM2.5", "AQI", "CO_24h"]),
    st.text(alphabet="0123456789.,-eE\"\r\n AQIPM_", max_size=6),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          derandomize=True)
@given(damage=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 15), st.integers(0, 6), CELLS),
                       max_size=4))
def test_random_damage_in_a_batch(damage):
    """Property: random cells of a batch of four HAND-MADE files damaged; every file's result
    equals the reference result of that file alone."""
    with tempfile.TemporaryDirectory() as tmp:
        grid = []
        for f in range(4):
            lines = [["date", "hour", "type", *OURS]]
            lines += [[f"2022010{f + 1}", str(h), t, *(str(10 + h + j) for j in range(len(OURS)))]
                      for h in range(1) for t in TYPES]
            grid.append(lines)
        for f, row, col, value in damage:
            row = min(row, len(grid[f]) - 1)
            col = min(col, len(grid[f][row]) - 1)
            grid[f][row][col] = value
        paths = []
        for f, lines in enumerate(grid):
            path = Path(tmp) / f"handmade_china_sites_{f}.csv"
            path.write_text("\n".join(",".join(r) for r in lines) + "\n", encoding="utf-8")
            paths.append(path)
        refs: list = []
        for path in paths:
            try:
                refs.append(_reference(path, STATION_CODES))
            except ValueError as exc:  # the reference raises on dates before 1970
                refs.append(exc)
        raised = [r for r in refs if isinstance(r, ValueError)]
        if raised:
            with pytest.raises(ValueError) as exc:
                read_china_sites_batch(paths, STATION_CODES)
            assert str(exc.value) in {str(r) for r in raised}
            return
        for res, ref in zip(read_china_sites_batch(paths, STATION_CODES), refs):
            assert_same(res, ref)


# Clean files, parsed together in one pd.read_csv (all others are parsed on their own).
JOINT_CASES = {"hour_leading_zero", "na_token", "impossible_in_24h_row", "placeholder_zeros",
               "placeholder_zeros_and_aqi", "bom", "crlf", "crlf_bom", "mixed_line_endings",
               "other_cities", "other_station_order", "hours_out_of_order"}
# Files parsed on their own whose columns still come out as a clean file's: validated and
# reshaped with numpy like the clean ones.
ONE_BY_ONE_NUMPY_CASES = {"spaces", "quoted", "negative_zero", "exponent", "lone_cr", "blank_lines_at_end",
                          "duplicate_station_column", "empty_station_name"}
# Messages of the shape check or of pandas: such files are never reshaped.
REFUSED_UNREAD = ("cannot parse as CSV", "missing columns", "cut or damaged", "without a line break", "no data rows",
                  "empty file")


@pytest.fixture()
def spies(monkeypatch) -> dict[str, list[Path]]:
    """Records which files are parsed on their own, and which are finished by `_reshape_wide`
    (the reference's own validation and reshaping, run on one file)."""
    from cleanair.domain.air import importers

    calls: dict[str, list[Path]] = {"parsed alone": [], "reshaped alone": []}
    parse, reshape = importers._parse_wide_alone, importers._reshape_wide

    def parse_spy(path, stations):
        calls["parsed alone"].append(Path(path))
        return parse(path, stations)

    def reshape_spy(big, files, lines, paths, *args):
        calls["reshaped alone"].extend(Path(p) for p in paths)
        return reshape(big, files, lines, paths, *args)

    monkeypatch.setattr(importers, "_parse_wide_alone", parse_spy)
    monkeypatch.setattr(importers, "_reshape_wide", reshape_spy)
    return calls


@pytest.mark.parametrize("name,kwargs,fails", CASES, ids=CASE_IDS)
def test_which_files_take_which_path(tmp_path, good, spies, name, kwargs, fails):
    """Guards the comparisons above: the fast paths really are taken, and every file with a
    problem is finished on its own (so its messages are the one-file reader's)."""
    path = _hand_made(tmp_path, name, **kwargs)
    [_, res, _] = check_batch([good[0], path, good[1]])
    assert (path in spies["parsed alone"]) == (name not in JOINT_CASES)
    numpy_path = name in JOINT_CASES | ONE_BY_ONE_NUMPY_CASES
    assert (path in spies["reshaped alone"]) == (not numpy_path and not (
        fails and any(m in str(res) for m in REFUSED_UNREAD)))
    assert not (fails and numpy_path)
    for g in good:
        assert g not in spies["parsed alone"] and g not in spies["reshaped alone"]


def test_a_file_pandas_refuses_is_found_in_a_long_batch(tmp_path, spies):
    """One bad cell makes the joint parse fail, a blank line shifts the line numbers: only those
    two files are parsed and finished on their own."""
    paths = _synthetic(tmp_path, 9)
    bad = _hand_made(tmp_path, "non_numeric", edit=_set(2, 4, "AQI"), date="20210305")
    blank = _hand_made(tmp_path, "blank_line", edit=lambda ls: ls.insert(4, [""]), date="20210306")
    paths[4:4] = [bad]
    paths[8:8] = [blank]
    results = check_batch(paths)
    assert sorted(spies["parsed alone"]) == sorted([bad, blank])
    assert spies["reshaped alone"] == [bad, blank]
    assert isinstance(results[4], ImportFailed) and isinstance(results[8], Parsed)


def test_a_year_of_unusual_files_is_not_read_file_by_file(tmp_path, spies):
    """Files that cannot be parsed together (here: quoted cells) are still validated together."""
    paths = _synthetic(tmp_path, 5)
    for path in paths:
        path.write_text(path.read_text().replace(",AQI,", ',"AQI",', 1))
    assert all(isinstance(r, Parsed) for r in check_batch(paths))
    assert sorted(spies["parsed alone"]) == sorted(paths)
    assert spies["reshaped alone"] == []
