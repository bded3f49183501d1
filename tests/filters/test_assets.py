"""`assets fetch` against a real HTTP server on loopback that mirrors the upstream paths."""
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from filters.assets import UPSTREAM, AssetError, fetch, manifest
from tests.conftest import shared_data

# Where each manifest group lies in ../shared/data/unsafe
LOCAL = {"ldnoobw": "ldnoobw", "ut1": "ut1_blacklists/blacklists", "datatrove": "datatrove_assets"}


@pytest.fixture
def mirror(tmp_path):
    unsafe = shared_data("unsafe")
    root = tmp_path / "mirror"
    for entry in manifest():
        relative = entry["path"].split("/", 1)[1]
        source = unsafe / LOCAL[entry["group"]] / relative
        target = root / entry["url"].replace(UPSTREAM, "")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.RequestHandlerClass.log_message = lambda *args: None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_fetch_verifies_every_checksum_and_skips_what_it_has(mirror, tmp_path):
    root, url = mirror
    paths = fetch(str(tmp_path / "cache"), url)
    assert len(paths) == len(manifest()) and all(Path(p).exists() for p in paths)
    assert (tmp_path / "cache" / "ldnoobw" / "en").read_text().strip()
    shutil.rmtree(root)                       # the server is now empty: nothing is downloaded again
    assert fetch(str(tmp_path / "cache"), url) == paths


def test_a_changed_list_is_refused(mirror, tmp_path):
    root, url = mirror
    changed = root / manifest()[0]["url"].replace(UPSTREAM, "")
    changed.write_text("something else\n")
    with pytest.raises(AssetError, match="refusing a list that differs"):
        fetch(str(tmp_path / "cache"), url)
    assert not list((tmp_path / "cache").rglob("*.inprogress"))


def test_unreachable_server_is_a_clear_error(tmp_path):
    with pytest.raises(AssetError, match="cannot download"):
        fetch(str(tmp_path / "cache"), "http://127.0.0.1:9")
