"""The nomination app (Flask). The form itself arrives with its own issue."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    if test_config:
        app.config.update(test_config)
    return app
