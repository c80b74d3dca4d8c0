"""The HTTP API and the chat page: `create_app(settings)`, served by `citeqa serve`."""

from service.api.app import create_app

__all__ = ["create_app"]
