import pytest
from fulfillment.tokens.keys import (
    decrypt_private_key,
    encrypt_private_key,
    generate_signing_key,
    public_jwk,
)


def test_the_private_key_is_stored_encrypted_and_decrypts_with_the_passphrase() -> None:
    """The stored PEM is encrypted PKCS#8 and gives the same key back."""
    key = generate_signing_key()
    pem = encrypt_private_key(key, "a long passphrase")
    restored = decrypt_private_key(key.kid, pem, "a long passphrase")
    assert (pem.splitlines()[0], public_jwk(restored)) == (
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----",
        public_jwk(key),
    )


def test_a_wrong_passphrase_does_not_decrypt() -> None:
    """Without the passphrase the stored key is useless."""
    key = generate_signing_key()
    with pytest.raises(ValueError, match="could not decrypt"):
        decrypt_private_key(key.kid, encrypt_private_key(key, "right"), "wrong")


def test_the_jwk_is_public_with_kid_alg_and_use() -> None:
    """The JWK is an OKP Ed25519 key with kid, alg and use, and no private part."""
    key = generate_signing_key()
    jwk = public_jwk(key)
    assert {k: v for k, v in jwk.items() if k != "x"} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "kid": key.kid,
        "alg": "EdDSA",
        "use": "sig",
    }
    assert (len(jwk["x"]), "d" in jwk) == (43, False)
