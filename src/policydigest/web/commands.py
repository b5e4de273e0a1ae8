"""Command line of the web app: ``serve`` (registered by ``policydigest.cli``)."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Annotated

import typer

from policydigest.console import err_console, state

if TYPE_CHECKING:
    import uvicorn
    from starlette.types import ASGIApp


def serve_command(
    host: Annotated[str | None, typer.Option("--host", help="监听的地址（设置 web_host）。")] = None,
    port: Annotated[int | None, typer.Option("--port", help="监听的端口（设置 web_port）。")] = None,
) -> None:
    """提供读者网站、JSON API（/api/v1，文档在 /api/v1/docs）和订阅源服务。"""
    import uvicorn

    from policydigest.web import create_app

    settings = state.get_settings()
    application = create_app(settings)
    gc.collect()
    gc.freeze()  # startup's objects live as long as the server: full collections need not rescan them (p99 pauses)
    host, port = host or settings.web_host, port or settings.web_port
    err_console.print(f"正在 http://{host}:{port}/ 提供 {settings.database_url} 的服务（按 Ctrl-C 停止）")
    uvicorn.Server(server_config(application, host, port, settings.log_level)).run()


#: Longest request head the HTTP parser reads, so that a too-long URL reaches the app and is answered
#: in the error shape (414) rather than with the server's plain-text 400.
MAX_REQUEST_HEAD_BYTES = 1_048_576


def server_config(app: ASGIApp, host: str, port: int, log_level: str = "WARNING") -> uvicorn.Config:
    """How uvicorn serves the app (``serve`` and the tests alike).

    >>> server_config(None, "127.0.0.1", 8000).h11_max_incomplete_event_size  # type: ignore[arg-type]
    1048576
    """
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level.lower(),
        log_config=None,  # uvicorn's own loggers go through the handler configured from the settings (text or JSON)
        http="h11",
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD_BYTES,
    )
