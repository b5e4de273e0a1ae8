"""Command line of the web app: ``serve`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

from typing import Annotated

import typer

from policydigest.console import err_console, state


def serve_command(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (setting web_host).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port to listen on (setting web_port).")] = None,
) -> None:
    """Serve the reader web app, the JSON API (/api/v1, docs at /api/v1/docs) and the feeds."""
    import uvicorn

    from policydigest.web import create_app

    settings = state.get_settings()
    application = create_app(settings)
    host, port = host or settings.web_host, port or settings.web_port
    err_console.print(f"serving {settings.database_url} on http://{host}:{port}/  (Ctrl-C to stop)")
    # log_config=None: uvicorn's own loggers go through the handler configured from the settings (text or JSON).
    uvicorn.run(application, host=host, port=port, log_level=settings.log_level.lower(), log_config=None)
