import pytest
from fulfillment.api_keys import SealBroken, seal_api_key, unseal_api_key

TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
KEY = "pwk_01JABCDEFGHJKMNPQRSTVWXYZ0_secretsecretsecret"
KEY_ID = "key_01JABCDEFGHJKMNPQRSTVWXYZ0"


def test_the_token_unseals_the_key() -> None:
    """A key sealed under a token opens with that token."""
    assert unseal_api_key(seal_api_key(KEY, TOKEN, KEY_ID), TOKEN, KEY_ID) == KEY


def test_the_sealed_form_does_not_contain_the_key() -> None:
    """The sealed bytes are ciphertext, randomised by a fresh nonce each time."""
    first, second = seal_api_key(KEY, TOKEN, KEY_ID), seal_api_key(KEY, TOKEN, KEY_ID)
    assert (KEY.encode() in first, first == second) == (False, False)


@pytest.mark.parametrize(
    ("token", "key_id"),
    [(TOKEN + "x", KEY_ID), (TOKEN, "key_01JABCDEFGHJKMNPQRSTVWXYZ1")],
)
def test_another_token_or_key_id_does_not_unseal(token: str, key_id: str) -> None:
    """A different token, or the sealed copy moved to another key, fails to open."""
    with pytest.raises(SealBroken):
        unseal_api_key(seal_api_key(KEY, TOKEN, KEY_ID), token, key_id)


def test_tampered_ciphertext_does_not_unseal() -> None:
    """AES-GCM rejects a flipped bit."""
    sealed = bytearray(seal_api_key(KEY, TOKEN, KEY_ID))
    sealed[-1] ^= 1
    with pytest.raises(SealBroken):
        unseal_api_key(bytes(sealed), TOKEN, KEY_ID)
