import re

from fulfillment.api_keys.keys import (
    generate_api_key,
    hash_api_key,
    key_id_of,
    mask_api_key,
    matches_hash,
)

KEY_SHAPE = re.compile(r"^pwk_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9]{43})$")


def test_a_key_has_a_prefix_a_lookup_id_and_a_secret() -> None:
    """A key reads pwk_<lookup>_<secret>; its id, hash and hint derive from it."""
    new = generate_api_key()
    match = KEY_SHAPE.match(new.key)
    assert match is not None
    lookup, secret = match.groups()
    assert (new.id, new.secret_hash, new.hint) == (
        f"key_{lookup}",
        hash_api_key(new.key),
        secret[-4:],
    )


def test_keys_are_unique() -> None:
    """Two generated keys share neither id nor secret."""
    first, second = generate_api_key(), generate_api_key()
    assert (first.id == second.id, first.key == second.key) == (False, False)


def test_only_the_exact_key_matches_its_hash() -> None:
    """The stored hash verifies the key and rejects a one-character change."""
    new = generate_api_key()
    tampered = new.key[:-1] + ("a" if new.key[-1] != "a" else "b")
    assert (matches_hash(new.key, new.secret_hash), matches_hash(tampered, new.secret_hash)) == (
        True,
        False,
    )


def test_the_hash_is_not_the_key() -> None:
    """The hash is a SHA-256 hex digest that does not contain the secret."""
    new = generate_api_key()
    assert (len(new.secret_hash), new.key.split("_")[2] in new.secret_hash) == (64, False)


def test_a_key_id_is_read_only_from_a_key_shaped_string() -> None:
    """Anything but pwk_<26-char lookup>_<secret> names no key."""
    new = generate_api_key()
    ids = [
        key_id_of(new.key),
        key_id_of("sk_test_abc"),
        key_id_of("pwk_short_secret"),
        key_id_of(new.key.rsplit("_", 1)[0] + "_"),
        key_id_of(""),
    ]
    assert ids == [new.id, None, None, None, None]


def test_a_masked_key_shows_only_the_lookup_and_the_hint() -> None:
    """The masked key keeps the lookup id and the last four characters."""
    assert mask_api_key("key_01JABCDEFGHJKMNPQRSTVWXYZ0", "wxYz") == (
        "pwk_01JABCDEFGHJKMNPQRSTVWXYZ0_********wxYz"
    )
