"""Refusals every feature's operations raise, understood by Flask as HTTP errors.

This module owns the two refusals that need no page of their own: `NotFound`
(nothing at this address, or nothing this person may see: the app's 404 page)
and `BadAction` (a request no page of ours sends: the 400 page). Both are
werkzeug HTTP exceptions, so operations can raise them and views need not
translate them. Refusals with their own page (a closed call, a rate limit, a
refused login) stay with the feature that words them.
"""

from __future__ import annotations

import werkzeug.exceptions


class NotFound(werkzeug.exceptions.NotFound):
    """Nothing at this address (or not for this person): the app's 404 page."""


class BadAction(werkzeug.exceptions.BadRequest):
    """A request no page of ours sends (e.g. an unknown button value): the 400 page."""
