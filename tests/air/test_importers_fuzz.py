"""Property-based: a damaged file is either imported or refused with messages naming the file —
never an unexpected exception. The base file is HAND-MADE (two stations, one hour)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanair.domain.air.importers import ImportFailed, Parsed, read_any

# Hand-made miniature of the CNEMC wide layout (values invented, not published data).
HEADER = "date,hour,type,1151A,1152A"
TYPES = ["AQI", "PM2.5", "PM2.5_24h", "PM10", "PM10_24h", "SO2", "SO2_24h", "NO2", "NO2_24h",
         "O3", "O3_24h", "O3_8h", "O3_8h_24h", "CO", "CO_24h"]
BASE = [HEADER] + [f"20220104,0,{t},10,12" for t in TYPES]
CELLS = st.one_of(
    st.sampled_from(["", "-5", "0", "99999", "abc", "1e400", "NaN", "  7 ", "12,5", "\"3\"", "—"]),
    st.text(max_size=12),
)


def _read(text: str, name: str = "china_sites_20220104.csv") -> Parsed | ImportFailed:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            return read_any(path, {"1151A", "1152A"})
        except ImportFailed as exc:
            assert exc.messages and all(name in m for m in exc.messages[:5]), exc.messages[:5]
            return exc


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
@given(row=st.integers(1, len(BASE) - 1), col=st.integers(0, 4), value=CELLS)
def test_a_damaged_cell_is_imported_or_refused_with_file_and_line(row, col, value):
    lines = [line.split(",") for line in BASE]
    lines[row][col] = value.replace("\n", " ").replace("\r", " ")
    _read("\n".join(",".join(cells) for cells in lines) + "\n")


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
@given(body=st.text(max_size=400))
def test_arbitrary_text_never_crashes_the_importer(body):
    _read(body)
    _read(body, name="suzhou-daily.csv")


def test_an_infinite_hour_is_reported_not_a_crash():
    """Found by the property test above: hour '1e400' used to overflow the time conversion."""
    lines = [line.split(",") for line in BASE]
    lines[3][1] = "1e400"
    result = _read("\n".join(",".join(c) for c in lines) + "\n")
    assert isinstance(result, ImportFailed) and "bad date/hour" in str(result)
