"""How big the graph is: nodes per label and relationships per type."""

from __future__ import annotations

from graph.store import Store


def stats(store: Store) -> dict[str, dict[str, int]]:
    """Count nodes per ontology label and relationships per type, zeros included.

    Counting happens inside the store (Neo4j's count store, or the embedded graph).

    Examples
    --------
    >>> from graph.embedded import EmbeddedStore
    >>> import tempfile
    >>> stats(EmbeddedStore(tempfile.mkdtemp()))["nodes"]["Base"]
    0
    """
    return store.counts()
