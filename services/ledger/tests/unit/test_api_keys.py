"""Merchant API keys: verification and redaction."""

from common.logging import REDACTED, redact_secrets
from ledger.api_keys import issue_key, key_lookup, matches


def test_an_issued_key_verifies_and_a_changed_one_does_not() -> None:
    """The stored hash accepts the key and refuses it with one character changed."""
    key = issue_key()
    tampered = key.plaintext[:-1] + ("0" if key.plaintext[-1] != "0" else "1")
    assert (
        key_lookup(key.plaintext) == key.lookup,
        matches(key.plaintext, key.hashed),
        matches(tampered, key.hashed),
        key.hashed != key.plaintext,
    ) == (True, True, False, True)


def test_malformed_keys_have_no_lookup() -> None:
    """Only the pwk_<lookup>_<secret> shape is looked up."""
    assert [key_lookup(k) for k in ("", "sk_live_abc", "pwk_short_x", "Bearer pwk_")] == [
        None,
        None,
        None,
        None,
    ]


def test_a_merchant_key_never_reaches_a_log_line() -> None:
    """A key logged by mistake, under any field name, is redacted."""
    key = issue_key().plaintext
    logged = redact_secrets(None, "info", {"event": "oops", "note": f"key={key}"})
    assert logged == {"event": "oops", "note": f"key={REDACTED}"}
