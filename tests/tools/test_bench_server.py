"""The benchmarks' static server sends brotli when asked to, from a .br twin or compressed on the fly, and logs both sizes."""

from __future__ import annotations

import gzip
import sys
import time
import urllib.request

import brotli
from sitebuild import ROOT

sys.path.insert(0, str(ROOT / "tools"))

from bench import GzipServer  # noqa: E402


def get(url: str, accept: str) -> tuple[str | None, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": accept})) as response:
        return response.headers.get("Content-Encoding"), response.read()


def logged(server: GzipServer, count: int) -> list:
    """The fetch log once it holds `count` entries (each logged as its body goes out, sized by take())."""
    deadline = time.monotonic() + 5
    while len(server.log.fetches) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.log.take()


def test_brotli_from_the_twin_or_on_the_fly_and_both_sizes_logged(tmp_path):
    data = ('{"name":"サンプル就労支援センター","city":"新宿区"}' * 200).encode()
    (tmp_path / "twin.json").write_bytes(data)
    twin = brotli.compress(data, quality=11)
    (tmp_path / "twin.json.br").write_bytes(twin)
    (tmp_path / "plain.json").write_bytes(data)
    with GzipServer(tmp_path, brotli=True) as server:
        assert get(server.url + "twin.json", "gzip, deflate, br") == ("br", twin)
        encoding, body = get(server.url + "plain.json", "gzip, br")
        assert encoding == "br" and brotli.decompress(body) == data
        encoding, body = get(server.url + "plain.json", "gzip")
        assert encoding == "gzip" and gzip.decompress(body) == data
        fetches = logged(server, 3)
    # The server logs each fetch from its own thread, in whatever order they finish.
    by_request = {(f.path, f.encoding): f for f in fetches}
    assert sorted(by_request) == [("/plain.json", "br"), ("/plain.json", "gzip"), ("/twin.json", "br")]
    assert by_request["/twin.json", "br"].br_bytes == len(twin)
    assert by_request["/plain.json", "br"].gzip_bytes == by_request["/plain.json", "gzip"].body_bytes
    assert all(f.br_bytes < f.gzip_bytes < len(data) for f in fetches)
    with GzipServer(tmp_path) as server:  # the default stays gzip, as the recorded figures were measured
        assert get(server.url + "plain.json", "gzip, br")[0] == "gzip"


def test_a_fetch_is_logged_before_its_body_arrives(tmp_path):
    """Issue 17: a keystroke's fetch must be in the log when the page has the body, or the bench
    counts it for the next key (a fetching key then counted as one "without fetch")."""
    # Large and compressible: the server's brotli of it (for the log's sizes) takes a while.
    data = "".join(f'{{"id":"{i:05d}","name":"サンプル事業所{i}","city":"新宿区"}},' for i in range(40000)).encode()
    (tmp_path / "cards.json").write_bytes(data)
    with GzipServer(tmp_path) as server:
        for _ in range(3):
            encoding, body = get(server.url + "cards.json", "gzip")
            # No waiting: the entry is there as soon as the body is.
            assert [f.path for f in server.log.fetches] == ["/cards.json"]
            fetch = server.log.take()[0]
            # take() hands the fetch over with both sizes in.
            assert fetch.gzip_bytes == len(body) and 0 < fetch.br_bytes < len(body)
