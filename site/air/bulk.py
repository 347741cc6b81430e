"""Fast, portable bulk inserts of frames: one executemany of plain tuples per table.

Values go through each column type's bind processor, so what is stored is exactly what an ORM
insert would store (e.g. SQLite's date text format), and the SQL stays portable (SQLite and
PostgreSQL are both tested).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..extensions import db

# Columns stored as integers although frames carry them as floats (NaN = NULL).
INT_COLUMNS = ("aqi", "aqi_published", "level", "hours", "precedence")


def insert(table: sa.Table, frame: pd.DataFrame) -> None:
    """Insert every row of `frame` (columns named like the table's; `id` is left to the database).

    Values go through each column type's bind processor, so what is stored is exactly what an
    ORM insert would store (e.g. SQLite's datetime text format) and the SQL stays portable.
    """
    if frame.empty:
        return
    conn = db.session.connection()
    dialect = conn.dialect
    cols = [c for c in table.columns if c.name != "id" and c.name in frame.columns]
    lists = [column_values(frame[c.name], c, dialect) for c in cols]
    mark = {"qmark": "?", "numeric": ":{}", "named": ":p{}", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in cols)
    marks = ", ".join(mark.format(i + 1) for i in range(len(cols)))
    sql = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"
    rows = list(zip(*lists))
    if dialect.paramstyle == "named":
        rows = [{f"p{i + 1}": v for i, v in enumerate(r)} for r in rows]
    conn.exec_driver_sql(sql, rows)


def column_values(s: pd.Series, column: sa.Column, dialect) -> list:
    """One column as DBAPI values (None for missing), vectorised where it matters."""
    name = column.name
    if name in INT_COLUMNS:
        arr = pd.to_numeric(s).to_numpy(dtype="float64")
        missing = np.isnan(arr)
        obj = np.where(missing, 0, np.round(arr)).astype(np.int64).astype(object)
        obj[missing] = None
        return obj.tolist()
    if pd.api.types.is_float_dtype(s):
        arr = s.to_numpy()
        obj = arr.astype(object)
        obj[np.isnan(arr)] = None
        return obj.tolist()
    if pd.api.types.is_bool_dtype(s):
        return [bool(v) for v in s.tolist()]
    if pd.api.types.is_datetime64_any_dtype(s):
        # Few distinct times (8,760 a year): convert each once, then spread.
        codes, uniques = pd.factorize(s)
        if name == "date" or isinstance(column.type, sa.Date):
            conv = [v.date() for v in uniques.to_pydatetime()]
        else:
            conv = list(uniques.to_pydatetime())
        proc = column.type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            conv = [proc(v) for v in conv]
        table = np.array(conv + [None], dtype=object)
        return table[np.where(codes < 0, len(conv), codes)].tolist()
    if isinstance(column.type, sa.LargeBinary):
        # bytes are what both drivers store as BLOB/bytea; no per-value wrapping needed.
        return [None if v is None else bytes(v) for v in s.tolist()]
    values = s.astype(object).where(s.notna(), None).tolist()
    values = [None if v == "" else v for v in values]
    proc = column.type.dialect_impl(dialect).bind_processor(dialect)
    if proc is not None:
        values = [None if v is None else proc(v) for v in values]
    return values




def delete_ids(table: sa.Table, ids: list[int]) -> None:
    """Delete rows by id, in chunks that stay below every driver's parameter limit."""
    for i in range(0, len(ids), 500):
        db.session.execute(sa.delete(table).where(table.c.id.in_(ids[i:i + 500])))
