"""`policydigest serve`: the real command in its own process, answering pages, the API and feeds on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SAMPLE_DIR
from tests.web_support import free_port


@pytest.mark.slow
def test_serve_answers_pages_api_and_feeds_until_stopped(tmp_path: Path) -> None:
    db = tmp_path / "serve.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "POLICYDIGEST_INDEX_PATH": str(tmp_path / "index")}
    command = [sys.executable, "-m", "policydigest", "--db", str(db)]
    subprocess.run([*command, "import", str(SAMPLE_DIR)], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                home = httpx.get(base + "/", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else b""
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.2)
        assert home.status_code == 200 and "总第58期" in home.text
        issues = httpx.get(base + "/api/v1/issues").json()
        assert [i["total_number"] for i in issues["items"]] == [58, 57]
        hits = httpx.get(base + "/api/v1/search", params={"q": "数据要素"}).json()
        assert hits["total"] > 0  # the index was built from the store at start-up
        feed = httpx.get(base + "/feeds/issues.atom")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        assert httpx.get(base + "/nope").status_code == 404
    finally:
        server.terminate()
        server.wait(15)
    assert server.returncode is not None
