"""The subscribe form's rate limits live in the store: web processes over one store share them (two app
instances here, on SQLite and on PostgreSQL), concurrent requests never exceed a limit, and no address
or IP is kept in plain text."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from policydigest.delivery.optin import RateLimiter
from policydigest.store import open_store
from policydigest.store.delivery_schema import RateLimitRow
from policydigest.web import create_app
from tests.delivery_support import delivery_settings


def test_two_app_instances_on_one_store_share_the_per_address_and_per_ip_limits(
    store_url: str, tmp_path: Path
) -> None:
    settings = delivery_settings(
        tmp_path, 2525, smtp_host=None, database_url=store_url, subscribe_limit_per_address=3, subscribe_limit_per_ip=5
    )
    with TestClient(create_app(settings)) as first, TestClient(create_app(settings)) as second:
        codes = [
            client.post("/subscribe", data={"email": "same@example.org"}).status_code
            for client in (first, second, first, second)
        ]
        assert codes == [200, 200, 200, 429]
        # The per-IP count went on across both apps too: 4 requests so far, the 5th and 6th from the same IP.
        others = [client.post("/subscribe", data={"email": f"{n}@example.org"}).status_code
                  for n, client in enumerate((second, first))]
        assert others == [200, 429]


def test_concurrent_requests_from_two_processes_never_exceed_the_limit(store_url: str) -> None:
    limiters = [RateLimiter(open_store(store_url), 5, name="test") for _ in range(2)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(lambda n: limiters[n % 2].allow("203.0.113.9"), range(24)))
    assert verdicts.count(True) == 5


def test_keys_are_stored_hashed_and_idle_ones_are_purged(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'limits.db'}")
    limiter = RateLimiter(store, 2, window=60.0, name="subscribe-address")
    assert limiter.allow("reader@example.org", at=1000.0) and limiter.allow("other@example.org", at=1050.0)
    with store.session() as session:
        keys = list(session.scalars(select(RateLimitRow.key)))
    assert len(keys) == 2 and not any("example.org" in key for key in keys)
    limiter.purge(at=1070.0)  # the first key's only event is over 60 s old, the second's is not
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RateLimitRow)) == 1
    assert limiter.allow("reader@example.org", at=1070.0)
