"""What leaves this seat for the centre: a confidential caller's name and phone only as keyed
hashes (R-02; console/domain/privacy.py's for_centre). The seat keeps them whole in its own
store; the hotline's key comes with the reference data, to seats only."""

from __future__ import annotations

from console.domain.order import Kind
from console.domain.privacy import for_centre
from console.store.privacy_key import privacy_key

_CALLER_KINDS = (Kind.CREATED, Kind.AMENDED)


def protect_batch(store, client, events: list[dict]) -> list[dict]:
    """`events` (wire dicts) with every confidential caller's name and phone hashed. The order
    is confidential when the event says so or the seat's own fold of it does (an amendment may
    have marked it after the call)."""
    from console.sync.client import SyncError
    from console.sync.session import sync_reference

    out, key = [], None
    for ev in events:
        if ev["kind"] not in _CALLER_KINDS or not _has_caller(ev["payload"]):
            out.append(ev)
            continue
        state = store.get(ev["order_no"])
        confidential = bool(ev["payload"].get("confidential")) or bool(state is not None and state.confidential)
        if not confidential:
            out.append(ev)
            continue
        if key is None:
            key = privacy_key(store)
            if key is None:
                sync_reference(store, client)
                key = privacy_key(store)
            if key is None:
                raise SyncError("the centre sent no privacy key: a confidential caller's details are not "
                                "sent without one (upgrade the centre)")
        out.append(dict(ev, payload=for_centre(ev["payload"], True, key)))
    return out


def _has_caller(payload: dict) -> bool:
    return bool(payload.get("caller_name") or payload.get("phone"))
