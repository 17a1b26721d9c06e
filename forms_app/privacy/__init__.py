"""Personal data (Law No. 91/2025/QH15, Decree 356/2025/NĐ-CP): notice, consent, retention,
a person's rights and the office's access log.

This package owns what the law asks of the app: the notice shown on every form
and its full page (notice.py), the consent record kept on each version
(consent.py), the purge of expired data (retention.py, `flask data purge`),
the person's requests through the edit link (rights.py, operations.py) and the
record of who in the office saw or exported what (access_log.py). views.py
(the person's pages, `register_privacy`) and office_views.py (the office's
requests page, on the office blueprint) are the HTTP adapters. It must not
render summaries or change how a nomination is checked.
"""

from __future__ import annotations
