"""Where the intelligence tables stand against the store, and one builder at a time across processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from intel_samples import policy_issue
from policydigest.intel import intel_behind, update_intel
from policydigest.intel.state import exclusive, read_state
from policydigest.store import open_store
from tests.conftest import PostgresServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


def test_the_state_records_the_newest_change_a_build_read(store_url: str) -> None:
    store = open_store(store_url)
    store.save_issue(policy_issue())
    assert read_state(store) is None and intel_behind(store)
    update_intel(store)
    state = read_state(store)
    assert state is not None and state.change == store.changes.latest() and not intel_behind(store)


@pytest.mark.postgres
def test_a_builder_in_another_process_waits_while_one_is_building(pg_url: str) -> None:
    store = open_store(pg_url)
    store.save_issue(policy_issue())
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    code = "import sys; from policydigest.intel import update_intel; from policydigest.store import open_store; "
    code += "store = open_store(sys.argv[1]); print('ready', flush=True); print(update_intel(store))"
    with exclusive(store):
        other = subprocess.Popen([sys.executable, "-c", code, pg_url], env=env, stdout=subprocess.PIPE, text=True)
        assert other.stdout is not None and other.stdout.readline() == "ready\n"
        time.sleep(1.5)  # a build of three articles takes well under this, were it not waiting
        assert other.poll() is None and read_state(store) is None
    out, _ = other.communicate(timeout=60)
    assert other.returncode == 0 and out.split() == ["3"]
    assert not intel_behind(store)
