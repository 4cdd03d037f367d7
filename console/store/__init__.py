"""The seat's local store. Import lazily from screens: SQLModel costs ~0.6 s to import."""

from console.store.engine import StoreError
from console.store.store import NEW_ORDER, NewEvent, Recorded, Store, recompute_deadlines

__all__ = ["NEW_ORDER", "NewEvent", "Recorded", "Store", "StoreError", "recompute_deadlines"]
