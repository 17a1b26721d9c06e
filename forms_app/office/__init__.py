"""The union office's own view at /van-phong/: login, campaigns, dossiers, exports, outbox.

This package owns everything the office sees and does: accounts.py (who may
log in, for which issuing bodies, and the server-side login rows),
queries.py (every lookup, checked against the account's bodies, and the
list filters), exports.py (nominee list as XLSX/CSV, ZIP of dossiers),
operations.py (one function per action, owning its transaction),
views.py (thin views that call one operation) and cli.py (the `office`
command). It must not change nominations or build mails.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from .cli import register_commands

bp = Blueprint("office", __name__, url_prefix="/van-phong")


def register_office(app: Flask) -> None:
    """Add the office's views and its `office` CLI group to the app."""
    register_commands(app)
    app.register_blueprint(bp)


from . import views  # noqa: E402, F401  (the views register themselves on bp)
