"""The OpenAPI page, /docs (Swagger UI), with Swagger UI's files served by this server.

FastAPI's own page loads Swagger UI from a CDN, so it stays blank on a machine without
internet access; the fastapi-offline package ships the same files in its wheel. ReDoc
(/redoc) is left off: its script always loads a logo from the Redocly CDN.
"""

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/docs"
ASSETS_URL = "/docs-assets"
ASSETS_FOLDER = Path(str(files("fastapi_offline") / "static"))
# Like the chat page: no icon, so the browser asks for none.
NO_FAVICON = "data:,"


def install_docs(app: FastAPI) -> None:
    """Serve the page and its files; the app must be created with docs_url=None so that
    FastAPI's CDN version is not registered first."""
    if app.openapi_url is None:
        raise ValueError("the docs page needs the app's OpenAPI document (openapi_url)")
    openapi_url = app.openapi_url
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_FOLDER), name="docs-assets")

    @app.get(DOCS_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        # Behind a proxy that serves the app under a prefix, the page's URLs need it too.
        root = str(request.scope.get("root_path", "")).rstrip("/")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=NO_FAVICON,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
