"""Encoding of open-data twins: one set of records, rendered as JSON and Excel-friendly CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .. import clock

CSV_BOM = "\ufeff"  # Excel on a Chinese Windows machine reads UTF-8 only with a BOM
# OWASP, CSV injection: a spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass(frozen=True)
class Source:
    """Where a field's values come from, in English and Chinese (a page shows its language's)."""

    en: str
    zh: str


THIS_SITE = Source("This site", "本站")
COMPUTED_HERE = Source("Computed by this site", "本站计算")


@dataclass(frozen=True)
class Column:
    """One field of a dataset, as described in the data dictionary on /data."""

    name: str
    type: str  # integer | number | string | date | datetime | boolean | list
    meaning_en: str
    meaning_zh: str
    source: Source | None = None

    def describe(self) -> dict[str, Any]:
        """The field as data.json lists it."""
        return {"name": self.name, "type": self.type, "meaning_en": self.meaning_en, "meaning_zh": self.meaning_zh,
                "source": self.source.en if self.source else "", "source_zh": self.source.zh if self.source else ""}


@dataclass(frozen=True)
class Dataset:
    """A downloadable table: its stable path, title and data dictionary."""

    key: str
    path: str  # path of the HTML page; `.json` and `.csv` twins sit at the same path
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    columns: tuple[Column, ...]
    source_en: str
    source_zh: str
    licence: str
    licence_zh: str = ""  # the licence line in Chinese (defaults to `licence`, e.g. "CC BY 4.0")


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        # Instants carry their offset (docs/time.md); a naive value raises rather than guessing.
        return clock.isoformat(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(payload: Mapping[str, Any]) -> str:
    """UTF-8 JSON with Chinese kept as characters (not \\u escapes)."""
    return json.dumps(payload, ensure_ascii=False, indent=1, default=_default) + "\n"


def neutralise(text: str) -> str:
    """A text cell kept as text: one a spreadsheet would run as a formula gets a leading '.

    A plain signed number ("-3.5") is left alone: it is read as a number, never run.
    """
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return repr(round(value, 6)).removesuffix(".0") if value.is_integer() else repr(round(value, 6))
    if isinstance(value, (date, datetime)):
        return _default(value)
    return neutralise(str(value))


def iter_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], batch: int = 500) -> Iterator[str]:
    """CSV with a BOM and CRLF line ends, in chunks of `batch` rows (for streamed downloads); list
    values are joined with '; '; text that a spreadsheet would run as a formula is neutralised.
    Every CSV the site writes goes through here."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(CSV_BOM)
    writer.writerow([c.name for c in columns])
    for n, row in enumerate(rows, start=1):
        writer.writerow([_cell(row.get(c.name)) for c in columns])
        if n % batch == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    """The whole CSV as one string (see iter_csv)."""
    return "".join(iter_csv(rows, columns))


def release_zip(version: str, released_on: date, files: Iterable[tuple[str, bytes, str]]) -> bytes:
    """Every file of a data release in one ZIP, with a SHA256SUMS list (`sha256sum -c` checks it).

    files: (name, content, sha256 hex). The archive is the same bytes every time it is built
    (fixed timestamps, sorted names), so its own checksum is stable too.
    """
    import zipfile

    folder = f"suzhou-clean-air-data-{version}"
    stamp = (released_on.year, released_on.month, released_on.day, 0, 0, 0)
    entries = sorted(files)
    sums = "".join(f"{sha}  {name}\n" for name, _content, sha in entries).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, content in [(n, c) for n, c, _s in entries] + [("SHA256SUMS", sums)]:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, content)
    return buf.getvalue()
