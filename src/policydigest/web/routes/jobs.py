"""The job queue for administrators: jobs per queue and state, and the dead-letter list with each job's error.

``/desk/jobs`` (page) and ``/api/v1/desk/jobs`` (API). On SQLite there is no queue: work runs in-process,
and both say so.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from policydigest.jobs.queue import DeadJob, JobQueue, QueueCount, queue_for
from policydigest.web.auth import Principal, require
from policydigest.web.context import WebContext, get_context
from policydigest.web.routes.login import desk_values

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/desk", tags=["desk"])
Ctx = Annotated[WebContext, Depends(get_context)]
Admin = Annotated[Principal, Depends(require("jobs.view"))]
#: Dead jobs shown at most.
DEAD_SHOWN = 100


class JobsView(BaseModel):
    """The queue's state: whether there is one, its counts per queue, and the dead jobs."""

    queue: bool = Field(description="False on SQLite: every command runs its work in its own process.")
    queues: list[QueueCount] = Field(default_factory=list)
    dead: list[DeadJob] = Field(default_factory=list)


def _queue(request: Request, ctx: WebContext) -> JobQueue | None:
    # One open queue per app, made on the first visit (most nodes never need it).
    found: JobQueue | None = getattr(request.app.state, "job_queue", None)
    if found is None:
        found = queue_for(ctx.settings)
        if found is not None:
            found.open()
            request.app.state.job_queue = found
    return found


def jobs_view(request: Request, ctx: WebContext) -> JobsView:
    """What the page and the API show."""
    queue = _queue(request, ctx)
    if queue is None:
        return JobsView(queue=False)
    return JobsView(queue=True, queues=queue.counts(), dead=queue.dead_letter(ctx.store, limit=DEAD_SHOWN))


@pages.get("/desk/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, ctx: Ctx, who: Admin) -> Response:
    """The queue's state for administrators."""
    values: dict[str, Any] = {"nav": "jobs", "view": jobs_view(request, ctx)}
    response = ctx.page("desk_jobs.html.j2", desk_values(who, values))
    response.headers["cache-control"] = "no-store"
    return response


@api.get("/jobs", response_model=JobsView, summary="Jobs per queue and state, and the dead-letter list")
def jobs_api(request: Request, ctx: Ctx, _who: Admin) -> JobsView:
    """The queue's state (administrators only)."""
    return jobs_view(request, ctx)
