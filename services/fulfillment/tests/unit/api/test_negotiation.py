import pytest
from fulfillment.api.negotiation import accepts_html, prefers_json

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "json", "html"),
    [
        ("application/json", True, False),
        ("application/json; charset=utf-8", True, False),
        (BROWSER, False, True),
        ("application/json, text/html", True, False),
        ("text/html, application/json", False, True),
        ("*/*", False, False),
        ("", False, False),
    ],
)
def test_accept_chooses_json_or_html(accept: str, json: bool, html: bool) -> None:
    """JSON when application/json is listed ahead of text/html; HTML for browsers."""
    assert (prefers_json(accept), accepts_html(accept)) == (json, html)
