"""Rendering emails from templates."""

from __future__ import annotations

from notifier.email.render import EmailRenderer

CONTEXT = {
    "session_id": "ses_1",
    "merchant_name": "Acme <Tools>",
    "customer_name": None,
    "product": None,
    "amount": "499.00 INR",
}


def test_an_email_is_multipart_alternative_with_a_stable_message_id():
    """An email has text and HTML alternatives and a Message-ID derived from (session, kind)."""
    renderer = EmailRenderer("Receipts <receipts@pay.example>")

    message = renderer.render("ses_1", "payment_failed", "asha@example.com", CONTEXT)

    headers = {name: message[name] for name in ("Subject", "From", "To", "Message-ID")}
    assert headers == {
        "Subject": "Your payment to Acme <Tools> did not go through",
        "From": "Receipts <receipts@pay.example>",
        "To": "asha@example.com",
        "Message-ID": "<payment_failed.ses_1@pay.example>",
    }
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]


def test_html_escapes_what_the_text_keeps():
    """Names are escaped in the HTML part and kept verbatim in the text part."""
    message = EmailRenderer("r@pay.example").render("ses_1", "payment_failed", "a@b.c", CONTEXT)

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert ("to Acme <Tools> did" in text, "to Acme &lt;Tools&gt; did" in html) == (True, True)
