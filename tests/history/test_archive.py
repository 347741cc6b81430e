"""/data: a table of contents and every dataset in one download — the newest release's files as
one ZIP with a SHA256SUMS list, built from the stored release (nothing stored twice) (issue 13)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile


def _release(client) -> dict:
    return client.get("/data/releases.json").json["releases"][0]


def test_data_page_has_a_table_of_contents_and_the_one_archive(client, app):
    html = client.get("/data").get_data(as_text=True)
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    keys = [d.key for d in app.extensions["cleanair"].datasets]
    assert re.findall(r'href="#ds-([\w-]+)"', toc) == keys  # every dataset, in page order
    assert all(f'id="ds-{k}"' in html for k in keys)
    version = _release(client)["version"]
    assert f'href="/data/releases/{version}.zip"' in html and "/data/releases/latest.zip" in html
    assert 'href="/en/data/releases/' in client.get("/en/data").get_data(as_text=True)


def test_the_archive_holds_every_file_of_the_release_with_checksums(client):
    rel = _release(client)
    resp = client.get(f"/data/releases/{rel['version']}.zip")
    assert resp.status_code == 200 and resp.content_type == "application/zip"
    assert "immutable" in resp.headers["Cache-Control"] and "attachment" in resp.headers["Content-Disposition"]
    z = zipfile.ZipFile(io.BytesIO(resp.data))
    folder = f"suzhou-clean-air-data-{rel['version']}/"
    names = sorted(n[len(folder):] for n in z.namelist())
    assert names == sorted([f["name"] for f in rel["files"]] + ["SHA256SUMS"])
    sums = dict(reversed(line.split("  ")) for line in z.read(folder + "SHA256SUMS").decode().splitlines())
    for f in rel["files"]:
        data = z.read(folder + f["name"])
        assert hashlib.sha256(data).hexdigest() == f["sha256"] == sums[f["name"]]
        assert data == client.get(f"/data/releases/{rel['version']}/{f['name']}").data
    # The same bytes every time (fixed timestamps), so the archive's own checksum is stable too.
    assert client.get(f"/data/releases/{rel['version']}.zip").data == resp.data
    assert rel["archive"].endswith(f"/data/releases/{rel['version']}.zip")


def test_latest_archive_redirects_and_unknown_versions_are_404(client):
    rel = _release(client)
    resp = client.get("/data/releases/latest.zip")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/data/releases/{rel['version']}.zip")
    assert client.get("/data/releases/1999-01-01.9.zip").status_code == 404
