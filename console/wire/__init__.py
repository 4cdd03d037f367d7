"""What the seat and the centre share besides the rules: the wire protocol, the event mapper
(stored row <-> wire <-> domain event), the one serialiser of an order's state, and ids.
Imports only console.domain, so the store, sync and the centre all stand on it."""
