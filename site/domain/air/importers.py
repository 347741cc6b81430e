"""Readers for the four published layouts, with validation messages that name file and line.

Layouts (see ../shared/data/README.md):
- ``china_sites``: CNEMC station-hourly wide file ``china_sites_YYYYMMDD.csv``
  (``date,hour,type,<station codes…>``, one row per hour and type);
- ``cnemc_long``: CNEMC real-time long layout, one row per station-hour;
- ``aqistudy``: city-daily with header ``date,AQI,grade,PM25,PM10,SO2,CO,NO2,O3_8h``;
- ``aqistudy_v2017``: older city-daily layout, no header, 12 columns, city in column 1.

Each reader returns a `Parsed` result: normalised rows plus counts of what was skipped and why.
A file with any error yields no rows at all (the caller imports nothing from it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

HOURLY_FIELDS = ["pm25", "pm10", "so2", "no2", "co", "o3", "so2_24h"]
DAILY_FIELDS = ["pm25", "pm10", "so2", "no2", "co", "o3_8h"]
# Precedence when two files give a value for the same key (higher wins, documented in docs/air.md):
# the complete station-hourly file beats the real-time mirror with its known O3 column swap; the
# aqistudy file with a header (2013-12 → 2019-06) beats its older 2017 layout; values published
# for a city beat this site's own means over the city's stations.
PRECEDENCE = {"china_sites": 2, "cnemc_long": 1, "aqistudy": 3, "aqistudy_v2017": 2, "stations": 1}
LAYOUT_KIND = {"china_sites": "hourly", "cnemc_long": "hourly", "aqistudy": "city_daily",
               "aqistudy_v2017": "city_daily"}
# Who published what a file of each layout holds (Chinese, English): cited beside the file name.
LAYOUT_PUBLISHER = {
    "china_sites": ("中国环境监测总站站点小时数据（公开镜像）", "CNEMC station-hourly data (public mirror)"),
    "cnemc_long": ("中国环境监测总站实时发布数据（长表镜像）", "CNEMC real-time data (long-layout mirror)"),
    "aqistudy": ("中国环境监测总站城市日数据，经真气网（aqistudy.cn）转载", "CNEMC city-daily values as republished by aqistudy.cn"),
    "aqistudy_v2017": ("中国环境监测总站城市日数据，经真气网（aqistudy.cn）转载", "CNEMC city-daily values as republished by aqistudy.cn"),
}
# Values above these are physically implausible for ambient air and reported as errors
# (µg/m³; CO mg/m³). They sit well above the worst hours ever published in China.
IMPOSSIBLE_ABOVE = {"pm25": 2000, "pm10": 5000, "so2": 10000, "no2": 5000, "co": 200, "o3": 2000,
                    "o3_8h": 2000, "so2_24h": 10000, "aqi": 500}
CITY_PINYIN = {"suzhou": "苏州", "wujiang": "吴江", "kunshan": "昆山", "changshu": "常熟",
               "zhangjiagang": "张家港", "taicang": "太仓"}
WIDE_TYPES = {"AQI": "aqi", "PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co",
              "O3": "o3", "SO2_24h": "so2_24h"}
WIDE_KNOWN_TYPES = set(WIDE_TYPES) | {"PM2.5_24h", "PM10_24h", "NO2_24h", "O3_24h", "O3_8h",
                                      "O3_8h_24h", "CO_24h"}
LONG_COLUMNS = ["timepoint", "stationcode", "aqi", "pm10", "pm2_5", "o3", "o3_24h", "o3_8h",
                "o3_8h_24h", "no2", "so2", "so2_24h", "co"]
AQISTUDY_HEADER = ["date", "AQI", "grade", "PM25", "PM10", "SO2", "CO", "NO2", "O3_8h"]
V2017_COLUMNS = ["city", "date", "AQI", "aqi_range", "grade", "PM25", "PM10", "SO2", "CO", "NO2", "O3",
                 "rank"]
MAX_MESSAGES = 20


class ImportFailed(Exception):
    """A file that cannot be imported; `messages` name the file and line of each problem."""

    def __init__(self, path: Path, messages: list[str]) -> None:
        self.path = Path(path)
        self.messages = messages
        shown = messages[:MAX_MESSAGES]
        more = len(messages) - len(shown)
        super().__init__("\n".join(shown) + (f"\n… and {more} more problems" if more > 0 else ""))


@dataclass
class Parsed:
    path: Path
    layout: str
    kind: str  # "hourly" | "city_daily"
    rows: pd.DataFrame
    rows_read: int
    sha256: str
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def precedence(self) -> int:
        return PRECEDENCE[self.layout]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass
class Lines:
    """Where a file's records are, and what is wrong with its shape."""

    data: np.ndarray  # physical line number (1-based) of each data row, blank lines skipped as pandas skips them
    problems: list[str]


def scan_lines(path: Path, data: bytes, header: bool = True, fields: int | None = None) -> Lines:
    """The shape of a CSV file before any value is read: a file cut during a download or a copy
    is refused here, by name and line, so nothing of it is imported.

    Problems: an empty file; a header without data rows; a row with more or fewer fields than
    the header (`fields` when there is no header); a last line without its line break (the file
    ends inside a row). Line numbers count every physical line, blank ones included.
    """
    text = data[3:] if data.startswith(_BOM) else data
    if b"\r" in text:  # pandas ends lines at CRLF, LF and a lone CR
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not text.strip():
        return Lines(np.empty(0, dtype="int64"), [f"{path}: empty file, nothing to import (was it cut while it was "
                                                   "downloaded or copied?)"])
    cut = not text.endswith(b"\n")
    arr = np.frombuffer(text + b"\n" if cut else text, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], ends[:-1] + 1))
    commas = np.concatenate(([0], np.cumsum(arr == 44)))
    n_fields = commas[ends] - commas[starts] + 1
    if b'"' in text:  # quoted cells may hold commas: count those lines' fields as a CSV reader does
        for i in np.flatnonzero([b'"' in text[a:b] for a, b in zip(starts, ends)]):
            n_fields[i] = len(next(csv.reader([text[starts[i]:ends[i]].decode("utf-8", "replace")]), []))
    number = np.arange(1, len(ends) + 1)
    filled = ends > starts
    problems: list[str] = []
    first = int(np.flatnonzero(filled)[0])
    expected = int(n_fields[first]) if header else fields
    rows = filled & (number > number[first]) if header else filled
    if header and not rows.any():
        problems.append(f"{path}: line {number[first]}: a header and no data rows: the file is empty or was cut "
                        "after its first line")
    if expected is not None:
        where = "the header has" if header else "the layout has"
        for i in np.flatnonzero(rows & (n_fields != expected))[:MAX_MESSAGES]:
            problems.append(f"{path}: line {number[i]}: {n_fields[i]} fields where {where} {expected}: the row is "
                            "cut or damaged")
    if cut:
        problems.append(f"{path}: line {number[-1]}: the file ends inside this line, without a line break: it looks "
                        "cut. Download or copy it again (if it is complete, end it with a line break)")
    return Lines(number[rows].astype("int64"), problems)


def _lines_or_fail(path: Path, header: bool = True, fields: int | None = None) -> np.ndarray:
    lines = scan_lines(path, Path(path).read_bytes(), header, fields)
    if lines.problems:
        raise ImportFailed(path, lines.problems)
    return lines.data


def detect_layout(path: Path) -> str:
    """The layout of `path` from its first line; ImportFailed names the file when unknown."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig") as fh:
            first = fh.readline().strip()
    except UnicodeDecodeError:
        raise ImportFailed(path, [f"{path}: line 1: not UTF-8 text; unknown layout"]) from None
    except OSError as exc:
        raise ImportFailed(path, [f"{path}: cannot read: {exc.strerror}"]) from None
    if not first:
        problems = scan_lines(path, path.read_bytes()).problems
        if problems:  # empty, or nothing but blank lines
            raise ImportFailed(path, problems)
    cells = [c.strip() for c in first.split(",")]
    if cells[:3] == ["date", "hour", "type"]:
        return "china_sites"
    if "timepoint" in cells and "stationcode" in cells:
        return "cnemc_long"
    if cells and cells[0] == "date" and "AQI" in cells:
        return "aqistudy"
    if cells[:3] == ["监测点编码", "监测点名称", "城市"]:
        return "cnemc_stations"
    if len(cells) == 12 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", cells[1] or ""):
        return "aqistudy_v2017"
    message = (f"{path}: line 1: unknown layout (expected a CNEMC china_sites_YYYYMMDD.csv wide file, the "
               f"CNEMC real-time long layout, or an aqistudy city-daily file); header starts {first[:80]!r}")
    raise ImportFailed(path, [message])


def check_station_list(path: Path, registry: pd.DataFrame) -> list[str]:
    """Compare a CNEMC station list with the registry: the differences, as messages (none = agree)."""
    shape = scan_lines(path, Path(path).read_bytes())
    if shape.problems:
        return shape.problems
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    need = ["监测点编码", "监测点名称", "城市", "经度", "纬度"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        return [f"{path}: line 1: missing columns {', '.join(missing)}"]
    reg = registry.set_index("code")
    out = []
    for i, row in raw.iterrows():
        line = shape.data[i]
        code = row["监测点编码"].strip()
        if code not in reg.index:
            continue
        r = reg.loc[code]
        if row["城市"].strip() != r["city"]:
            out.append(f"{path}: line {line}: {code} city {row['城市']!r} differs from the registry ({r['city']})")
        if abs(float(row["纬度"]) - r["lat_wgs84"]) > 1e-6 or abs(float(row["经度"]) - r["lon_wgs84"]) > 1e-6:
            out.append(f"{path}: line {line}: {code} coordinates differ from the registry")
    return out


def read_any(path: Path, stations: set[str], city: str | None = None) -> Parsed:
    """Read and validate one file of any supported layout."""
    path = Path(path)
    layout = detect_layout(path)
    reader = {"china_sites": read_china_sites, "cnemc_long": read_cnemc_long,
              "aqistudy": read_aqistudy, "aqistudy_v2017": read_aqistudy_v2017}[layout]
    if layout.startswith("aqistudy"):
        return reader(path, city=city)
    return reader(path, stations)


def _numeric(frame: pd.DataFrame, columns: dict[str, str], path: Path | None, lines: pd.Series | np.ndarray,
             errors: list[str] | dict, files: np.ndarray | None = None) -> pd.DataFrame:
    """Columns converted to numbers; non-numeric, negative and impossible values become errors.

    With `files` (one file index per row) `errors` is a dict file index -> messages, and `path`
    a list of paths: used by the batch reader.
    """
    src = list(columns)
    dst = [columns[c] for c in src]
    lines = np.asarray(lines)
    mat = np.empty((len(frame), len(src)), dtype="float64")

    def report(i: int, msg: str) -> None:
        if files is None:
            errors.append(f"{path}: line {lines[i]}: {msg}")  # type: ignore[union-attr]
        else:
            f = int(files[i])
            errors.setdefault(f, []).append(f"{path[f]}: line {lines[i]}: {msg}")  # type: ignore[index,union-attr]

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


def _placeholders(rows: pd.DataFrame, fields: list[str]) -> pd.Series:
    """PM2.5 = 0 and PM10 = 0 together is the publisher's missing-value placeholder."""
    return (rows["pm25"] == 0) & (rows["pm10"] == 0)


def _duplicates(keys: pd.DataFrame, lines: pd.Series, path: Path, what: str, errors: list[str]) -> None:
    dup = keys.duplicated(keep=False).to_numpy()
    if dup.any():
        seen: dict[tuple, list[int]] = {}
        for i in np.flatnonzero(dup):
            seen.setdefault(tuple(keys.iloc[i]), []).append(int(lines.iloc[i]))
        for key, at in list(seen.items())[:MAX_MESSAGES]:
            errors.append(f"{path}: lines {', '.join(map(str, at))}: duplicate {what} {' '.join(map(str, key))}")


def read_china_sites(path: Path, stations: set[str]) -> Parsed:
    """CNEMC station-hourly wide file; columns of stations outside `stations` are skipped."""
    result = read_china_sites_batch([Path(path)], stations)[0]
    if isinstance(result, ImportFailed):
        raise result
    return result


def read_china_sites_batch(paths: list[Path], stations: set[str]) -> list[Parsed | ImportFailed]:
    """Many wide files at once; each gets exactly the result and messages it gets when read alone.

    Reading and validating is done for many files at a time: files whose bytes are plainly clean
    are parsed together (one `pd.read_csv` per distinct header); the others are parsed one by one,
    as a single-file read parses them. Both are then validated and reshaped with numpy over all
    files at once. A file with anything to report, or anything else out of the ordinary, is
    finished by `_reshape_wide` on its own, so its messages never depend on the rest of the batch.
    """
    paths = [Path(p) for p in paths]
    results: list[Parsed | ImportFailed | None] = [None] * len(paths)
    digests: dict[int, str] = {}
    one_by_one: list[int] = []
    chunk: list[_CleanFile] = []
    size = 0
    for f, path in enumerate(paths):
        try:
            data = path.read_bytes()
        except OSError:
            one_by_one.append(f)  # pandas raises or reports it below, as it always did
            continue
        digests[f] = hashlib.sha256(data).hexdigest()
        clean = _clean_file(f, data)
        if clean is None:
            one_by_one.append(f)
            continue
        chunk.append(clean)
        size += len(data)
        # Bounded so that a year of full-country files (~1,900 stations each) is not held at once.
        if size >= _FAST_CHUNK_BYTES:
            _read_clean_files(chunk, paths, stations, digests, results, one_by_one)
            chunk, size = [], 0
    if chunk:
        _read_clean_files(chunk, paths, stations, digests, results, one_by_one)
    _read_one_by_one(sorted(one_by_one), paths, stations, digests, results)
    return results  # type: ignore[return-value]


_BOM = b"\xef\xbb\xbf"
_FAST_CHUNK_BYTES = 32 * 2**20
_CLEAN_HEADER = re.compile(rb"date,hour,type(?:,[0-9A-Za-z]+)+")
# Every byte of a clean body: digits, separators and the letters of the type names. Excluding
# quotes, spaces, signs, exponents and non-ASCII leaves nothing that pandas could read differently
# in one big parse than in a parse of the file alone.
_CLEAN_BODY_BYTES = bytes(sorted(set(b"0123456789,.\n" + "".join(WIDE_KNOWN_TYPES).encode())))
_TYPE_ORDER = sorted(WIDE_KNOWN_TYPES)
_WIDE_FIELDS = ["aqi", *HOURLY_FIELDS]
_HOUR_NS = 3600 * 10**9
# Integers above this are not exact as float64 (a file alone may hold them as int64 or text).
_EXACT_FLOAT = 2.0**53


@dataclass
class _CleanFile:
    index: int
    header: bytes
    body: bytes  # LF line ends, ends with a newline
    n_rows: int


@dataclass
class _WideRows:
    """The rows of one or more wide files with the same station columns, as plain arrays."""

    files: list[int]  # batch indexes, in row order
    counts: np.ndarray  # rows per file
    date: np.ndarray  # int64
    hour: np.ndarray  # int64
    type_id: np.ndarray  # index in _TYPE_ORDER; -1 for an unknown type
    field: np.ndarray  # index in _WIDE_FIELDS; -1 for a type that is not imported
    values: np.ndarray  # float64, one column per station of `ours`
    ours: list[str]
    others: int


def _type_ids(types: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's index in _TYPE_ORDER (-1: unknown) and in _WIDE_FIELDS (-1: not imported)."""
    if isinstance(types.dtype, pd.CategoricalDtype):
        codes, names = types.cat.codes.to_numpy(), types.cat.categories
    else:
        codes, names = pd.factorize(types)
    # One extra entry so that code -1 (an empty type cell) looks up -1.
    tid_of = np.array([*(_TYPE_ORDER.index(c) if c in WIDE_KNOWN_TYPES else -1 for c in names), -1])
    k_of = np.array([*(_WIDE_FIELDS.index(WIDE_TYPES[c]) if c in WIDE_TYPES else -1 for c in names), -1])
    return tid_of[codes], k_of[codes]


def _clean_file(index: int, data: bytes) -> _CleanFile | None:
    """The file split into header and body when plainly clean, else None (parsed on its own)."""
    text = data[3:] if data.startswith(_BOM) else data
    if b"\r" in text:
        # CRLF reads like LF; a CR on its own is a line break of its own to pandas.
        if text.count(b"\r") != text.count(b"\r\n"):
            return None
        text = text.replace(b"\r\n", b"\n")
    end = text.find(b"\n")
    if end < 0:
        return None
    header, body = text[:end], text[end + 1:]
    if not body or not _CLEAN_HEADER.fullmatch(header) or body.translate(None, _CLEAN_BODY_BYTES):
        return None
    # A cut file (no line break at the end), a blank line or a row narrower or wider than the
    # header: read alone, where scan_lines reports it by line.
    if not body.endswith(b"\n") or body.startswith(b"\n") or b"\n\n" in body:
        return None
    arr = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(arr == 10)
    commas = np.cumsum(arr == 44)[ends]
    if np.any(np.diff(commas, prepend=0) != header.count(b",")):
        return None
    return _CleanFile(index, header, body, len(ends))


def _read_clean_files(files: list[_CleanFile], paths: list[Path], stations: set[str], digests: dict[int, str],
                      results: list, one_by_one: list[int]) -> None:
    groups: dict[bytes, list[_CleanFile]] = {}
    for cf in files:
        groups.setdefault(cf.header, []).append(cf)
    for header, group in groups.items():
        cols = header.decode("ascii").split(",")
        ours = [c for c in cols[3:] if c in stations]
        if len(set(cols)) != len(cols) or not ours:
            one_by_one.extend(cf.index for cf in group)
            continue
        for part, frame in _parse_clean(group, cols, ours, one_by_one):
            type_id, field = _type_ids(frame["type"])
            rows = _WideRows([cf.index for cf in part], np.array([cf.n_rows for cf in part]),
                             frame["date"].to_numpy(), frame["hour"].to_numpy(), type_id, field,
                             frame[ours].to_numpy(dtype="float64"), ours, len(cols) - 3 - len(ours))
            for f in _finish_wide(rows, paths, digests, results):
                results[f] = _read_wide_alone(paths[f], stations)


def _parse_clean(group: list[_CleanFile], cols: list[str], ours: list[str],
                 one_by_one: list[int]) -> list[tuple[list[_CleanFile], pd.DataFrame]]:
    """One parse of the group's bodies; when pandas objects, halves until the culprits are found."""
    try:
        frame = _parse_bodies(group, cols, ours)
    except Exception:  # noqa: BLE001 - whatever it is, the culprit is parsed on its own later
        frame = None
    if frame is not None and len(frame) != sum(cf.n_rows for cf in group):
        frame = None  # clean bodies have no blank line (_clean_file): something else went wrong
    if frame is not None:
        return [(group, frame)]
    if len(group) == 1:
        one_by_one.append(group[0].index)
        return []
    mid = len(group) // 2
    return _parse_clean(group[:mid], cols, ours, one_by_one) + _parse_clean(group[mid:], cols, ours, one_by_one)


def _parse_bodies(group: list[_CleanFile], cols: list[str], ours: list[str]) -> pd.DataFrame | None:
    """The group's rows, or None when a column is not what a clean file gives."""
    body = b"".join(cf.body for cf in group)
    others = len(cols) - 3 - len(ours)
    if others:
        # usecols silences pandas' "expected N fields" error, so the fields are counted here.
        width = len(cols) - 1
        if any(line.count(b",") != width for line in body.split(b"\n")[:-1]):
            return None
    dtype: dict[str, str] = {c: "float64" for c in ours}
    dtype["type"] = "category"
    # date and hour are inferred, not forced: int64 would quietly accept "1.0", which a file
    # read alone holds as a float (and reports as a bad date).
    frame = pd.read_csv(io.BytesIO(body), header=None, names=cols, dtype=dtype,
                        usecols=["date", "hour", "type", *ours] if others else None)
    if (not isinstance(frame.index, pd.RangeIndex) or frame["date"].dtype != "int64"
            or frame["hour"].dtype != "int64"):
        return None
    return frame


def _read_one_by_one(files: list[int], paths: list[Path], stations: set[str], digests: dict[int, str],
                     results: list) -> None:
    """Files that could not be parsed together, each parsed exactly as a single-file read parses
    it. Those whose columns come out with a clean file's types are still validated together."""
    pool: dict[tuple[tuple[str, ...], int], list[_WideRows]] = {}
    raws: dict[int, tuple[pd.DataFrame, int, list[str]]] = {}
    for f in files:
        parsed = _parse_wide_alone(paths[f], stations)
        if isinstance(parsed, ImportFailed):
            results[f] = parsed
            continue
        raw, others, ours, lines = parsed
        raws[f] = parsed
        kinds = [t.kind for t in raw.dtypes]
        # Blank lines shift line numbers, which the joint validation assumes are 2, 3, 4 ...
        contiguous = len(lines) == 0 or (lines[0] == 2 and lines[-1] == len(lines) + 1)
        if (not contiguous or list(raw.columns[:3]) != ["date", "hour", "type"] or not ours or kinds[:2] != ["i", "i"]
                or any(kind not in "iuf" for kind in kinds[3:])):
            results[f] = _reshape_alone(paths[f], *parsed)
            continue
        type_id, field = _type_ids(raw["type"])
        pool.setdefault((tuple(ours), others), []).append(_WideRows(
            [f], np.array([len(raw)]), raw["date"].to_numpy(), raw["hour"].to_numpy(), type_id, field,
            raw.iloc[:, 3:].to_numpy(dtype="float64", na_value=np.nan), ours, others))
    for (ours, others), parts in pool.items():
        rows = _WideRows([f for p in parts for f in p.files], np.concatenate([p.counts for p in parts]),
                         *(np.concatenate([getattr(p, a) for p in parts])
                           for a in ("date", "hour", "type_id", "field", "values")), list(ours), others)
        for f in _finish_wide(rows, paths, digests, results):
            results[f] = _reshape_alone(paths[f], *raws[f])


def _read_wide_alone(path: Path, stations: set[str]) -> Parsed | ImportFailed:
    """One wide file parsed, validated and reshaped on its own: what the fast paths reproduce."""
    parsed = _parse_wide_alone(path, stations)
    return parsed if isinstance(parsed, ImportFailed) else _reshape_alone(path, *parsed)


def _parse_wide_alone(path: Path, stations: set[str]) -> tuple[pd.DataFrame, int, list[str], np.ndarray] | ImportFailed:
    """The file as pandas infers it: its frame (date, hour, type and our stations), the number of
    stations of other cities, our stations, and the line number of each row."""
    try:
        lines = _lines_or_fail(path)
        raw = pd.read_csv(path, encoding="utf-8-sig")
    except ImportFailed as exc:
        return exc
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        return ImportFailed(path, [f"{path}: cannot parse as CSV: {exc}"])
    missing = [c for c in ("date", "hour", "type") if c not in raw.columns]
    if missing:
        return ImportFailed(path, [f"{path}: line 1: missing columns {', '.join(missing)}"])
    ours = [c for c in raw.columns[3:] if c in stations]
    others = len(raw.columns) - 3 - len(ours)
    if others:
        raw = raw[["date", "hour", "type", *ours]]
    return raw, others, ours, lines


def _reshape_alone(path: Path, raw: pd.DataFrame, others: int, ours: list[str],
                   lines: np.ndarray) -> Parsed | ImportFailed:
    """`_reshape_wide` run on one file: the reference validation, messages and rows."""
    results: list[Parsed | ImportFailed | None] = [None]
    errors: dict[int, list[str]] = {}
    _reshape_wide(raw, np.zeros(len(raw), dtype="int64"), lines, [path], [(0, others, ours)], errors, results)
    if errors:
        return ImportFailed(path, errors[0])
    return results[0]  # type: ignore[return-value]


def _finish_wide(rows: _WideRows, paths: list[Path], digests: dict[int, str], results: list) -> list[int]:
    """Validate and reshape many files' rows with numpy; files without problems get their `Parsed`.

    The checks are a superset of `_reshape_wide`'s, and the rows are built the way it builds
    them. Returns the files with anything to report (or an empty result, whose column types
    differ): those are for `_reshape_wide` to finish on their own.
    """
    # Problems
    n_files, n_s, n_f = len(rows.files), len(rows.ours), len(_WIDE_FIELDS)
    starts = np.cumsum(rows.counts) - rows.counts
    fidx = np.repeat(np.arange(n_files), rows.counts)
    hour, tid, k, values = rows.hour, rows.type_id, rows.field, rows.values
    udates, dinv = np.unique(rows.date, return_inverse=True)
    # The conversion `_reshape_wide` makes. Before 1970 its hour key breaks (it raises), so such
    # files are left to it.
    days = pd.to_datetime(pd.Series(udates).astype(str), format="%Y%m%d", errors="coerce")
    day_ok = (days.notna() & (days >= pd.Timestamp("1970-01-01"))).to_numpy()
    day_ns = days.to_numpy().astype("datetime64[ns]").view("int64")
    bad_row = (tid < 0) | (hour < 0) | (hour > 23) | ~day_ok[dinv]
    n_types = len(_TYPE_ORDER)
    per_file = len(udates) * 24 * n_types
    # Rows already wrong are clipped into range: a clash they cause only flags their own file.
    slot = fidx * per_file + (dinv * 24 + np.clip(hour, 0, 23)) * n_types + np.clip(tid, 0, None)
    slot.sort()
    dup_files = slot[1:][slot[1:] == slot[:-1]] // per_file
    keep = k >= 0
    limits = np.array([IMPOSSIBLE_ABOVE.get(f, np.inf) for f in _WIDE_FIELDS] + [np.inf])
    # Impossible values of imported rows are errors; huge ones anywhere may be held differently
    # by a file read alone (int64 or text).
    row_limit = np.minimum(np.where(keep, limits[k], np.inf), _EXACT_FLOAT)
    with np.errstate(invalid="ignore"):
        # fmax/fmin: empty cells hide no value
        bad_row |= np.fmax.reduce(values, axis=1, initial=-np.inf) > row_limit
        bad_row |= np.fmin.reduce(values, axis=1, initial=np.inf) < 0
    bad_file = np.zeros(n_files, dtype=bool)
    bad_file[fidx[bad_row]] = True
    bad_file[dup_files] = True

    # Rows: one per (file, hour, station)
    sel = np.flatnonzero(keep & ~bad_file[fidx])
    span = len(udates) * 24
    tkey = fidx[sel] * span + dinv[sel] * 24 + hour[sel]
    ukeys, first, t_idx = np.unique(tkey, return_index=True, return_inverse=True)
    n_t = len(ukeys)
    # The row of each (field, hour); gathered field-major, so that field j of every (hour,
    # station) is one contiguous run. Fields without a row stay empty.
    at = np.full((n_f, n_t), -1)
    at[k[sel], t_idx] = sel
    flat = values.take(at.ravel(), axis=0)  # take: a few times faster than fancy indexing here
    flat[at.ravel() < 0] = np.nan
    flat = flat.reshape(n_f, n_t * n_s)
    ufile = ukeys // span
    utime = day_ns[(ukeys % span) // 24] + (ukeys % 24) * _HOUR_NS
    first_line = sel[first] - starts[ufile] + 2
    rfile = np.repeat(ufile, n_s)
    empty = np.isnan(flat[:7]).all(axis=0)
    ph = (flat[1] == 0) & (flat[2] == 0) & ~empty
    flat[0, ph & (flat[0] == 0)] = np.nan
    flat[1:3, ph] = np.nan
    hours_per_file = np.bincount(ufile, minlength=n_files)
    n_empty = np.bincount(rfile[empty], minlength=n_files)
    n_ph = np.bincount(rfile[ph], minlength=n_files)
    kept = np.flatnonzero(~empty)
    rfile, ph = rfile[kept], ph[kept]
    lines = np.repeat(first_line, n_s)[kept]
    frame = pd.concat([
        pd.DataFrame({"station": pd.array(rows.ours, dtype="str").take(kept % n_s),
                      "time": np.repeat(utime, n_s)[kept].view("datetime64[ns]")}),
        pd.DataFrame(flat.take(kept, axis=1).T, columns=["aqi_published", *HOURLY_FIELDS], copy=False),
        pd.DataFrame({"line": lines, "primary_published": None}),
    ], axis=1)

    # Results: each file's slice of the rows
    split = np.searchsorted(rfile, np.arange(n_files + 1))
    left: list[int] = []
    for g, f in enumerate(rows.files):
        a, b = split[g], split[g + 1]
        if bad_file[g] or a == b:
            left.append(f)
            continue
        n_hours = int(hours_per_file[g])
        skipped: dict[str, int] = {}
        notes: list[str] = []
        if rows.others:
            skipped["stations of other cities"] = rows.others * n_hours
            notes.append(f"{rows.others} stations of other cities skipped")
        if n_empty[g]:
            skipped["station-hours with no values"] = int(n_empty[g])
        if n_ph[g]:
            shown = ", ".join(str(int(x)) for x in lines[a:b][ph[a:b]][:10])
            notes.append(f"{int(n_ph[g])} station-hours with PM2.5 = 0 and PM10 = 0 treated as missing "
                         f"(placeholder; lines {shown})")
        part = frame.iloc[a:b]
        part.index = pd.RangeIndex(b - a)  # as reset_index(drop=True), at half the cost
        results[f] = Parsed(paths[f], "china_sites", "hourly", part, (n_s + rows.others) * n_hours,
                            digests.get(f) or sha256_of(paths[f]), skipped, notes)
    return left


def _reshape_wide(big: pd.DataFrame, files: np.ndarray, lines: np.ndarray, paths: list[Path],
                  meta: list[tuple[int, int, list[str]]], errors: dict[int, list[str]], results: list) -> None:
    def report(i: int, msg: str) -> None:
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
    values = _numeric(big.loc[keep, codes], {c: c for c in codes}, paths, lines[keep], errors,
                      files=files[keep]).to_numpy()
    # One row per (file, hour) and one column per field: a numpy grid instead of melt + pivot.
    fields = ["aqi", *HOURLY_FIELDS]
    # Rows with a bad hour are already reported; zero them so the conversion cannot overflow.
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
    # Columns that only other files of the batch have are not part of this file.
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
        skipped: dict[str, int] = {}
        notes: list[str] = []
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
                            sha256_of(paths[f]), skipped, notes)


def _finish_hourly(path: Path, layout: str, rows: pd.DataFrame, rows_read: int, others_count: int,
                   other_rows: int, notes: list[str] | None = None, primary: pd.Series | None = None) -> Parsed:
    notes = list(notes or [])
    skipped: dict[str, int] = {}
    if other_rows:
        skipped["stations of other cities"] = other_rows
        notes.append(f"{others_count} stations of other cities skipped")
    vals = rows[["aqi", *HOURLY_FIELDS[:6]]].to_numpy()
    empty = np.isnan(vals).all(axis=1)
    if empty.any():
        skipped["station-hours with no values"] = int(empty.sum())
    pm = rows[["pm25", "pm10"]].to_numpy()
    ph = (pm[:, 0] == 0) & (pm[:, 1] == 0) & ~empty
    rows = rows.copy()
    if ph.any():
        skipped_lines = ", ".join(str(int(x)) for x in rows.loc[ph, "line"].head(10))
        notes.append(f"{int(ph.sum())} station-hours with PM2.5 = 0 and PM10 = 0 treated as missing "
                     f"(placeholder; lines {skipped_lines})")
        rows.loc[ph, ["pm25", "pm10"]] = np.nan
        rows.loc[ph & (rows["aqi"] == 0).to_numpy(), "aqi"] = np.nan
    if primary is not None:
        rows["primary_published"] = primary.to_numpy()
    else:
        rows["primary_published"] = None
    rows = rows.loc[~empty]
    rows = rows.rename(columns={"aqi": "aqi_published"})
    return Parsed(path, layout, "hourly", rows.reset_index(drop=True), rows_read, sha256_of(path),
                  skipped, notes)


_PRIMARY_CODES = {"细颗粒物(PM2.5)": "pm25", "颗粒物(PM10)": "pm10", "二氧化硫": "so2", "二氧化氮": "no2",
                  "一氧化碳": "co", "臭氧1小时": "o3", "臭氧8小时": "o3", "臭氧": "o3"}


def read_cnemc_long(path: Path, stations: set[str]) -> Parsed:
    """CNEMC real-time long layout; detects and corrects the mirror's O3 column swap."""
    path = Path(path)
    data_lines = _lines_or_fail(path)
    raw = _read_csv(path, dtype={"stationcode": "string", "timepoint": "string", "primarypollutant": "string"},
                    encoding="utf-8-sig")
    missing = [c for c in LONG_COLUMNS if c not in raw.columns]
    if missing:
        raise ImportFailed(path, [f"{path}: line 1: missing columns {', '.join(missing)}"])
    errors: list[str] = []
    lines = pd.Series(data_lines, index=raw.index)
    ours = raw["stationcode"].isin(list(stations)).to_numpy()
    other_rows = int((~ours).sum())
    raw_all_codes = raw.loc[~ours, "stationcode"]
    raw, lines = raw.loc[ours], lines[ours]
    time = pd.to_datetime(raw["timepoint"], errors="coerce", format="ISO8601")
    for i in np.flatnonzero(time.isna().to_numpy())[:MAX_MESSAGES]:
        errors.append(f"{path}: line {lines.iloc[i]}: bad timepoint {raw['timepoint'].iloc[i]!r}")
    cols = {"aqi": "aqi", "pm2_5": "pm25", "pm10": "pm10", "so2": "so2", "no2": "no2", "co": "co",
            "o3": "o3", "o3_24h": "o3_24h", "so2_24h": "so2_24h"}
    num = _numeric(raw, cols, path, lines, errors)
    notes: list[str] = []
    # A correct feed has o3_24h (max of the past 24 h) >= o3 (latest hour). The known mirror
    # swaps the two pairs; decide from the data rather than trusting the header.
    both = num[["o3", "o3_24h"]].dropna()
    if len(both):
        swapped = bool((both["o3"] >= both["o3_24h"]).all() and (both["o3"] > both["o3_24h"]).any())
        normal = bool((both["o3_24h"] >= both["o3"]).all())
        if swapped:
            num["o3"] = num["o3_24h"]
            notes.append("O3 columns swapped in this file (known mirror fault: o3_24h holds the 1-h value); "
                         "corrected")
        elif not normal:
            errors.append(f"{path}: lines 2–{len(raw) + 1}: columns o3 and o3_24h are inconsistent (neither "
                          "order holds for every row); cannot tell the 1-h O3 value")
    num = num.drop(columns=["o3_24h"])
    keys = pd.DataFrame({"station": raw["stationcode"].to_numpy(), "time": time.to_numpy()}, index=raw.index)
    _duplicates(keys, lines, path, "station/time", errors)
    if errors:
        raise ImportFailed(path, errors)
    rows = pd.concat([keys, num], axis=1)
    rows["line"] = lines
    primary = raw["primarypollutant"].fillna("").map(
        lambda s: ",".join(_PRIMARY_CODES.get(p.strip(), p.strip()) for p in s.split(",") if p.strip()))
    return _finish_hourly(path, "cnemc_long", rows, len(raw) + other_rows,
                          others_count=int(raw_all_codes.nunique()), other_rows=other_rows,
                          notes=notes, primary=primary)


def _read_csv(path: Path, **options) -> pd.DataFrame:
    """pandas.read_csv, with a file it cannot parse reported by name instead of raised."""
    try:
        return pd.read_csv(path, **options)
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise ImportFailed(path, [f"{path}: cannot parse as CSV: {exc}"]) from None


def _city_from_name(path: Path, city: str | None) -> str:
    if city:
        return city
    for part in re.split(r"[_\-.]", path.stem.lower()):
        if part in CITY_PINYIN:
            return CITY_PINYIN[part]
    message = (f"{path}: cannot tell the city: name the file aqistudy_<city>_… "
               f"({', '.join(CITY_PINYIN)}) or pass --city")
    raise ImportFailed(path, [message])


def _finish_daily(path: Path, layout: str, city: pd.Series, raw: pd.DataFrame, lines: pd.Series,
                  colmap: dict[str, str], errors: list[str]) -> Parsed:
    dates = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    for i in np.flatnonzero(dates.isna().to_numpy())[:MAX_MESSAGES]:
        errors.append(f"{path}: line {lines.iloc[i]}: bad date {raw['date'].iloc[i]!r}")
    num = _numeric(raw, colmap, path, lines, errors)
    keys = pd.DataFrame({"station": city.to_numpy(), "date": dates.to_numpy()}, index=raw.index)
    _duplicates(keys, lines, path, "city/date", errors)
    if errors:
        raise ImportFailed(path, errors)
    rows = pd.concat([keys, num], axis=1)
    rows["grade_published"] = raw["grade"].astype("string").str.strip().to_numpy()
    rows["line"] = lines.to_numpy()
    notes: list[str] = []
    skipped: dict[str, int] = {}
    ph = _placeholders(rows, DAILY_FIELDS)
    if ph.any():
        days = ", ".join(d.strftime("%Y-%m-%d") for d in rows.loc[ph, "date"])
        notes.append(f"{int(ph.sum())} days with PM2.5 = 0 and PM10 = 0 treated as missing, not clean "
                     f"air (placeholder): {days}")
        skipped["placeholder PM values (kept as missing)"] = int(ph.sum())
        rows.loc[ph, ["pm25", "pm10"]] = np.nan
        rows.loc[ph & (rows["aqi"] == 0), "aqi"] = np.nan
    rows["aqi_published"] = rows.pop("aqi")
    return Parsed(path, layout, "city_daily", rows.reset_index(drop=True), len(raw), sha256_of(path),
                  skipped, notes)


def read_aqistudy(path: Path, city: str | None = None) -> Parsed:
    """aqistudy city-daily file with header date,AQI,grade,PM25,PM10,SO2,CO,NO2,O3_8h."""
    path = Path(path)
    data_lines = _lines_or_fail(path)
    raw = _read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    missing = [c for c in AQISTUDY_HEADER if c not in raw.columns]
    if missing:
        raise ImportFailed(path, [f"{path}: line 1: missing columns {', '.join(missing)}"])
    name = _city_from_name(path, city)
    lines = pd.Series(data_lines, index=raw.index)
    colmap = {"AQI": "aqi", "PM25": "pm25", "PM10": "pm10", "SO2": "so2", "CO": "co", "NO2": "no2",
              "O3_8h": "o3_8h"}
    return _finish_daily(path, "aqistudy", pd.Series(name, index=raw.index), raw, lines, colmap, [])


def read_aqistudy_v2017(path: Path, city: str | None = None) -> Parsed:
    """Older aqistudy layout: no header, 12 columns, city name first, UTF-8 with BOM."""
    path = Path(path)
    data_lines = _lines_or_fail(path, header=False, fields=len(V2017_COLUMNS))
    raw = _read_csv(path, header=None, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if raw.shape[1] != 12:
        raise ImportFailed(path, [f"{path}: line 1: expected 12 columns, found {raw.shape[1]}"])
    raw.columns = V2017_COLUMNS
    lines = pd.Series(data_lines, index=raw.index)
    errors: list[str] = []
    known = set(CITY_PINYIN.values())
    bad_city = ~raw["city"].str.strip().isin(known)
    for i in np.flatnonzero(bad_city.to_numpy())[:MAX_MESSAGES]:
        errors.append(f"{path}: line {lines.iloc[i]}: city {raw['city'].iloc[i]!r} is not one of "
                      f"{', '.join(sorted(known))}")
    colmap = {"AQI": "aqi", "PM25": "pm25", "PM10": "pm10", "SO2": "so2", "CO": "co", "NO2": "no2",
              "O3": "o3_unstated"}
    parsed = _finish_daily(path, "aqistudy_v2017", raw["city"].str.strip(), raw, lines, colmap, errors)
    # This layout's O3 column does not say which average it is (its values differ from the
    # max 8-h O3 of the newer layout), so it is kept out of the AQI rather than guessed.
    parsed.rows["o3_8h"] = np.nan
    parsed.rows = parsed.rows.drop(columns=["o3_unstated"])
    parsed.notes.append("O3 column of this layout does not state its averaging period: not used, so days "
                        "from this file have the published AQI but no recomputed AQI")
    return parsed
