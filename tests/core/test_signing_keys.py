"""Signing keys: sealed under the password, bound to their user and key, opened by nothing else."""

from __future__ import annotations

import os

import pytest

from ketadesk.core import signing_keys
from ketadesk.core.signing_keys import KdfCost, KeyWontOpen

CHEAP = KdfCost(time_cost=1, memory_cost=8, parallelism=1)


def test_the_right_password_opens_the_key_and_it_signs() -> None:
    """Sealed and opened again, the key signs what its public half verifies."""
    sealed = signing_keys.new_key("a long password", 7, CHEAP)
    private = signing_keys.open_key(sealed, "a long password", 7)
    signature = signing_keys.sign(private, "visit 1 content")
    public = signing_keys.verifier(sealed.public_key)
    assert len(signature) == 64 and len(sealed.public_key) == 32
    assert signing_keys.verifies(public, signature, "visit 1 content")
    assert not signing_keys.verifies(public, signature, "visit 2 content")
    assert not signing_keys.verifies(public, bytes(64), "visit 1 content")


def test_a_wrong_password_does_not_open_the_key() -> None:
    """Decrypting with another password fails: no key, nothing to sign with."""
    sealed = signing_keys.new_key("a long password", 7, CHEAP)
    with pytest.raises(KeyWontOpen):
        signing_keys.open_key(sealed, "another password", 7)


def test_a_seal_moved_to_another_user_or_key_does_not_open() -> None:
    """The user's id and public key are bound in: the seal opens for them only."""
    sealed = signing_keys.new_key("a long password", 7, CHEAP)
    other = signing_keys.new_key("a long password", 8, CHEAP)
    with pytest.raises(KeyWontOpen):
        signing_keys.open_key(sealed, "a long password", 8)
    swapped = signing_keys.SealedKey(other.public_key, sealed.cost, sealed.salt, sealed.nonce, sealed.sealed)
    with pytest.raises(KeyWontOpen):
        signing_keys.open_key(swapped, "a long password", 7)


def test_each_seal_has_its_own_salt_and_the_cost_travels_with_it() -> None:
    """Two seals of the same password differ; the stored cost reads back, an unknown algorithm is refused."""
    one, two = (signing_keys.new_key("a long password", 7, CHEAP) for _ in range(2))
    assert one.salt != two.salt and one.sealed != two.sealed
    assert KdfCost.from_text(CHEAP.text()) == CHEAP
    with pytest.raises(KeyWontOpen, match="unknown key derivation"):
        KdfCost.from_text('{"kdf":"md5","t":1,"m":8,"p":1}')


def test_a_seed_gives_the_same_key() -> None:
    """The bench's fixed keys: the same 32 bytes give the same public key."""
    seed = os.urandom(32)
    one, two = (signing_keys.new_key("pw", 1, CHEAP, seed=seed) for _ in range(2))
    assert one.public_key == two.public_key


@pytest.mark.real_argon2
def test_at_the_programs_own_cost_the_seal_opens_and_says_its_cost() -> None:
    """The shipped cost (64 MiB, 3 passes, 4 lanes) is stored with the seal and opens it again."""
    sealed = signing_keys.new_key("a long password", 7, KdfCost())
    assert sealed.cost == KdfCost(time_cost=3, memory_cost=65536, parallelism=4)
    assert signing_keys.public_bytes(signing_keys.open_key(sealed, "a long password", 7)) == sealed.public_key
