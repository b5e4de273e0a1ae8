"""Prometheus metrics of every process (web, worker, CLI), declared once here and exposed at ``/metrics``.

The metrics are process-wide objects from prometheus-client. Several web processes behind one proxy
each answer for themselves; set ``PROMETHEUS_MULTIPROC_DIR`` to a shared empty folder before they
start and ``/metrics`` sums every process (prometheus-client's multiprocess mode).

>>> REQUESTS.labels(method="GET", route="/healthz", status="200").inc()
>>> b"policydigest_http_requests_total" in render_latest()[0]
True
"""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

__all__ = [
    "CONTENT_TYPE",
    "CRAWL_FETCHES",
    "JOBS",
    "JOB_SECONDS",
    "QUEUE_DEPTH",
    "REQUESTS",
    "REQUEST_SECONDS",
    "SEARCH_SECONDS",
    "render_latest",
]

#: Latency buckets in seconds: search answers in milliseconds, pages in tens of them, jobs in seconds.
_FAST = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_SLOW = (0.01, 0.05, 0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

REQUESTS = Counter(
    "policydigest_http_requests", "HTTP requests answered, by route template and status.", ["method", "route", "status"]
)
REQUEST_SECONDS = Histogram(
    "policydigest_http_request_seconds", "Time to answer an HTTP request, by route template.", ["route"], buckets=_FAST
)
SEARCH_SECONDS = Histogram("policydigest_search_seconds", "Time of one search in the index.", buckets=_FAST)
CRAWL_FETCHES = Counter(
    "policydigest_crawl_fetches", "Pages and feeds fetched by the crawler, by outcome.", ["outcome"]
)
JOBS = Counter("policydigest_jobs", "Jobs finished by workers, by task and outcome.", ["task", "outcome"])
JOB_SECONDS = Histogram("policydigest_job_seconds", "Run time of one job, by task.", ["task"], buckets=_SLOW)
QUEUE_DEPTH = Gauge(
    "policydigest_queue_depth", "Jobs waiting in the queue, by queue (read when /metrics is scraped).", ["queue"],
    multiprocess_mode="max",
)


def render_latest() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format and its content type (all processes in multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE
    return generate_latest(), CONTENT_TYPE
