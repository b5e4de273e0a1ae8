"""The interactive API docs (Swagger UI) served from the package, under the same CSP as every page.

FastAPI's own docs page loads Swagger UI from a CDN and starts it with an inline script: blank offline,
and against our CSP. Here the assets (Swagger UI 5, which reads OpenAPI 3.1) come from the
``swagger-ui-py`` package and the start script is one of our static files.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/v1/docs"
ASSETS_URL = f"{DOCS_URL}/assets"
PAGE = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>policydigest 接口文档</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">
<script src="{ASSETS_URL}/swagger-ui-bundle.js" defer></script>
<script src="/static/api-docs.js" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi="/api/v1/openapi.json"><p>正在载入接口文档……</p></div>
</body>
</html>
"""


def install_api_docs(app: FastAPI) -> None:
    """Serve the docs page at :data:`DOCS_URL` and Swagger UI's files beneath it."""
    assets = files("swagger_ui") / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=str(assets)), name="swagger-ui")

    @app.get(DOCS_URL, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(PAGE)
