"""The nomination app (Flask): campaigns from the plans, forms, one-page A4 summaries.

`create_app(test_config=None)` is the only entry point: `flask --app forms_app run`
in development, `gunicorn 'forms_app:create_app()'` in production. This module
wires the parts together; it must not hold settings (config.py), views
or rules (the feature packages).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module
from . import nominations, web
from .campaigns import load_campaign_content
from .dossiers.views import bp as dossiers_bp
from .mail.cli import register_commands as register_mail_commands
from .nominations.pdf import check_fonts
from .office import register_office
from .privacy.views import register_privacy
from .store.database import init_db

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, content, database, views. Fails loudly on a bad setting."""
    app = Flask(
        __name__,
        instance_path=config_module.instance_path_setting(test_config),
        instance_relative_config=True,
    )
    config_module.load_config(app, test_config)
    app.extensions["forms_content"] = load_campaign_content(app.config["CONTENT_DIR"])
    init_db(app)
    check_fonts()
    if app.config["TRUST_PROXY"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.register_blueprint(nominations.bp)
    app.register_blueprint(dossiers_bp)
    web.register_error_pages(app)
    web.register_security_headers(app)
    register_office(app)
    register_privacy(app)
    register_mail_commands(app)
    log.info(
        "nomination app ready: content %s, database %s, now %s",
        app.config["CONTENT_DIR"],
        app.config["DATABASE_URL"].split("://", 1)[0],
        app.config["NOW"] or "clock",
    )
    return app
