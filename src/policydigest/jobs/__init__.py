"""The job queue: crawl, fetch, enrichment, rendering and sending as jobs that any number of workers run.

On PostgreSQL the queue is procrastinate's (jobs in the store's own database, taken with row locks,
retried with backoff, recovered from dead workers). On SQLite, the embedded default, every command
runs its work in its own process as before. ``queue_for(settings)`` says which is on, and why.
"""

from __future__ import annotations

from policydigest.jobs.queue import JobQueue, QueueMode, queue_for

__all__ = ["JobQueue", "QueueMode", "queue_for"]
