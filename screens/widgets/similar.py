"""Similar open orders for the duplicate check (并单) while the agent types: the order text index
(console.kb.order_index), which the store keeps current in each command's transaction. Runs in a
worker: it reads the store."""

from __future__ import annotations

import dataclasses

from console.kb.order_index import search_similar_orders


def similar_open_orders(store, text: str, address: str, limit: int = 8) -> tuple[list[dict], str]:
    """(rows, how): the rows best first and a short Chinese note of the method used."""
    rows = [dataclasses.asdict(r) for r in search_similar_orders(store, text, address, limit)]
    return rows, "全文检索"
