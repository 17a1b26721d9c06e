"""Personal data (Law No. 91/2025/QH15, Decree 356/2025/NĐ-CP): notice, consent, retention,
a person's rights and the office's access log.

This package owns what the law asks of the app: the notice shown on every form
and its full page (notice.py), the consent record kept on each version
(consent.py), the purge of expired data (retention.py, `flask data purge`),
the person's requests through the edit link (rights.py) and the record of who
in the office saw or exported what (access_log.py). views.py is the HTTP
adapter. It must not render summaries or change how a nomination is checked.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def register_privacy(app: Flask) -> None:
    """Add the notice page, the person's rights pages and the `data` CLI group."""
    from .cli import register_commands
    from .views import office_retention_warning

    register_commands(app)
    app.register_blueprint(bp)
    # The office's campaign page shows when its nominations will be purged.
    app.add_template_global(office_retention_warning, "retention_warning")


from . import views  # noqa: E402, F401  (the views register themselves on bp)
