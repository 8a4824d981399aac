"""Headers on every answer of a function, the framework's own answers included.

Apart from `http` so that a subscriber, which serves pushes and never reads the API
contract, can install them without importing the contract's reader (and bundling
openapi.yaml: a contract edit would then redeploy every subscriber).
"""

from __future__ import annotations

import flask

# Browsers must not guess a type other than the one declared (an error body that quotes
# input, served as JSON, must never be sniffed into HTML).
ANSWER_HEADERS = {"X-Content-Type-Options": "nosniff"}


def install_answer_headers() -> None:
    """Add ANSWER_HEADERS to every answer of the app functions-framework is building.

    functions-framework imports main.py inside its Flask app's context, so the hook
    covers the framework's own answers too; outside create_app (unit tests) there is
    no app and this does nothing.
    """
    if not flask.has_app_context():
        return

    def add(response: flask.Response) -> flask.Response:
        response.headers.update(ANSWER_HEADERS)
        return response

    flask.current_app.after_request(add)
