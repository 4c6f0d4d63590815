"""A physician's acknowledgement of a flag, signed as it is written, and verified by ``check``.

Acknowledging a flag is the physician's reviewed judgement in the record ("dose creep
seen; 0.75 mg/kg is her effective dose, discussed the risks"), so it is signed like their
approvals (:mod:`ketadesk.clinic.record_signing`): with their Ed25519 key, opened by the
password they have just re-entered, over the row as stored — its id, its columns, the key
— so a row forged or edited with raw SQL no longer verifies.
"""

from __future__ import annotations

from ketadesk.clinic.keys import Verifier
from ketadesk.clinic.record_signing import Key
from ketadesk.core.signing_keys import sign
from ketadesk.core.watch.flags import canonical_acknowledgement
from ketadesk.store import keys as store_keys
from ketadesk.store import watch as store_watch
from ketadesk.store.db import Store


def write_signed(store: Store, fields: dict[str, object], key: Key) -> int:
    """Write one acknowledgement (``fields`` as stored, ``by`` the signer) with its signature; its id."""
    key_id, private = key
    with store.transaction():
        record_id = store_watch.next_acknowledgement_id(store)
        message = canonical_acknowledgement(
            record_id, fields, signer_id=int(str(fields["by"])), signed_at=str(fields["at"]), key_id=key_id
        )
        return store_watch.add_acknowledgement(store, record_id, fields, key_id=key_id, digital=sign(private, message))


def problems(store: Store, after: int = 0) -> list[str]:
    """Each acknowledgement whose signature fails (changed, forged, another's key, outside the key's time); named.

    ``after``: only those with a higher id (made since a checkpoint).
    """
    verifier = Verifier(store_keys.history(store), store_keys.keyed_from(store))
    found: list[str] = []
    for stored in store_watch.stored_acknowledgements(store, after):
        message = canonical_acknowledgement(
            stored.id,
            stored.fields,
            signer_id=stored.signer_id,
            signed_at=str(stored.fields["at"]),
            key_id=stored.key_id,
        )
        bad = verifier.verify(
            stored.signer, stored.signer_id, stored.key_id, str(stored.fields["at"]), stored.digital, message
        )
        if bad is not None:
            found.append(
                f"course {stored.fields['course_id']}: acknowledgement {stored.id} of a flag: {bad}"
                " (changed after it was signed, or forged)"
            )
    return found
