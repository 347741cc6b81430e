"""`flask aq sync` against a local HTTP server on 127.0.0.1 serving ../shared/data."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cleanair.air.sync import SyncSettings, sync

from tests.conftest import SHARED_DATA, make_app, require_shared

pytestmark = pytest.mark.shared
PATTERN = "china_sites_{date:%Y%m%d}_suzhou.csv"


class FileServer:
    """Serves a folder; honours Range; can fail the first N requests of a path with HTTP 500."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fail_first: dict[str, int] = {}
        self.requests: list[tuple[str, str | None]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                if server.fail_first.get(self.path, 0) > 0:
                    server.fail_first[self.path] -= 1
                    self.send_error(500)
                    return
                target = (server.root / self.path.lstrip("/")).resolve()
                if server.root not in target.parents or not target.is_file():
                    self.send_error(404)
                    return
                data = target.read_bytes()
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                self.wfile.write(data[start:])

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/station_hourly/"

    def __enter__(self) -> FileServer:  # noqa: PYI034
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server() -> Iterator[FileServer]:
    with FileServer(require_shared(SHARED_DATA).resolve()) as s:
        yield s


def settings(server: FileServer, folder: Path) -> SyncSettings:
    return SyncSettings(base_url=server.url, pattern=PATTERN, folder=folder, timeout=5, retries=2, backoff=0)


def test_sync_downloads_reports_missing_days_and_retries(server, tmp_path):
    server.fail_first["/station_hourly/china_sites_20220104_suzhou.csv"] = 1
    messages: list[str] = []
    result = sync(date(2022, 1, 3), date(2022, 1, 5), settings(server, tmp_path), echo=messages.append)
    assert [p.name for p in result.downloaded] == ["china_sites_20220104_suzhou.csv"]
    assert [d for d, _ in result.missing] == [date(2022, 1, 3), date(2022, 1, 5)]
    assert any("attempt 1 failed" in m for m in messages)
    original = SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv"
    assert (tmp_path / "china_sites_20220104_suzhou.csv").read_bytes() == original.read_bytes()
    # Second run: the finished file is kept, nothing is fetched again.
    before = len(server.requests)
    again = sync(date(2022, 1, 4), date(2022, 1, 4), settings(server, tmp_path), echo=messages.append)
    assert again.present and not again.downloaded and len(server.requests) == before


def test_interrupted_download_resumes_with_a_range_request(server, tmp_path):
    original = (SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv").read_bytes()
    (tmp_path / "china_sites_20220104_suzhou.csv.part").write_bytes(original[:1000])
    result = sync(date(2022, 1, 4), date(2022, 1, 4), settings(server, tmp_path), echo=lambda m: None)
    assert result.downloaded
    assert server.requests[-1][1] == "bytes=1000-"
    assert (tmp_path / "china_sites_20220104_suzhou.csv").read_bytes() == original


def test_failing_host_gives_up_after_the_configured_retries(server, tmp_path):
    server.fail_first["/station_hourly/china_sites_20220104_suzhou.csv"] = 10
    result = sync(date(2022, 1, 4), date(2022, 1, 4), settings(server, tmp_path), echo=lambda m: None)
    assert result.failed and not result.downloaded
    assert len(server.requests) == 3  # 1 attempt + 2 retries


def test_cli_sync_downloads_then_imports(server, tmp_path):
    app = make_app(tmp_path, AIR_SYNC_BASE_URL=server.url, AIR_SYNC_FILE_PATTERN=PATTERN,
                   AIR_SYNC_DIR=str(tmp_path / "sync"), AIR_SYNC_BACKOFF=0)
    result = app.test_cli_runner().invoke(args=["aq", "sync", "--start", "2022-01-04", "--end", "2022-01-04"])
    assert result.exit_code == 0, result.output
    assert "sync: 1 downloaded" in result.output and "imported 168" in result.output
    bad = app.test_cli_runner().invoke(args=["aq", "sync", "--start", "2022-01-05", "--end", "2022-01-04"])
    assert bad.exit_code != 0 and "before" in bad.output
