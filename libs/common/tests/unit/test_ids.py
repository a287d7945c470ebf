import hashlib
import string

from common.ids import (
    SESSION_ID_PATTERN,
    event_id_for,
    new_event_id,
    new_id,
    new_session_id,
    random_token,
)


def test_session_ids_are_ses_and_26_ulid_characters() -> None:
    """A session id is ``ses_`` plus 26 Crockford base32 characters."""
    session_id = new_session_id()
    assert SESSION_ID_PATTERN.fullmatch(session_id) is not None
    assert (session_id[:4], len(session_id)) == ("ses_", 30)


def test_session_ids_are_unique_and_sort_by_creation() -> None:
    """Later ids sort after earlier ones and never repeat."""
    ids = [new_session_id() for _ in range(200)]
    assert len(set(ids)) == 200
    assert [i[:14] for i in ids] == sorted(i[:14] for i in ids)


def test_session_id_pattern_refuses_other_shapes() -> None:
    """The pattern rejects other prefixes, lengths and lower-case or ambiguous letters."""
    ulid = new_session_id()[4:]
    candidates = [f"mer_{ulid}", f"ses_{ulid}0", f"ses_{ulid[:-1]}", f"ses_{ulid.lower()}"]
    candidates.append("ses_" + "I" * 26)
    assert [SESSION_ID_PATTERN.fullmatch(c) for c in candidates] == [None] * 5


def test_prefixed_ids_carry_their_prefix() -> None:
    """``new_id`` and ``new_event_id`` prefix a ULID."""
    assert (new_id("mer")[:4], len(new_id("mer"))) == ("mer_", 30)
    assert (new_event_id()[:4], len(new_event_id())) == ("evt_", 30)


def test_event_id_for_is_deterministic() -> None:
    """The same provider event always gets the same paywire event id."""
    assert event_id_for("stripe", "evt_1Nabc") == event_id_for("stripe", "evt_1Nabc")
    assert event_id_for("stripe", "evt_1Nabc") == "evt_stripe_" + _digest("stripe", "evt_1Nabc")


def test_event_id_for_separates_providers_and_ids() -> None:
    """Different providers or different provider ids never share an event id."""
    ids = {
        event_id_for("stripe", "evt_1"),
        event_id_for("razorpay", "evt_1"),
        event_id_for("stripe", "evt_2"),
        event_id_for("stripe", "evt_1\x00"),
        event_id_for("stripe\x00evt", "_1"),
    }
    assert len(ids) == 5


def test_random_tokens_are_url_safe_and_unique() -> None:
    """Random tokens use only URL-safe characters and do not repeat."""
    tokens = {random_token() for _ in range(100)}
    assert len(tokens) == 100
    url_safe = set(string.ascii_letters + string.digits + "-_")
    assert [t for t in tokens if not set(t) <= url_safe] == []


def _digest(provider: str, provider_event_id: str) -> str:
    return hashlib.sha256(f"{provider}\x00{provider_event_id}".encode()).hexdigest()[:32]
