"""The places the graph holds, for choosing a town (the search filter, the home page)."""

from __future__ import annotations

from graph.store import Store
from queries.base import sort_key


def places(store: Store) -> list[dict]:
    """The places the graph holds (the ontology's ``places`` label: towns and the district),
    in Chinese order, each with its ``parent``: what staff choose a town from.

    >>> from graph.embedded import EmbeddedStore
    >>> import tempfile
    >>> places(EmbeddedStore(tempfile.mkdtemp()))
    []
    """
    label = store.ontology.places.label if store.ontology.places else None
    found = store.nodes(store.nodes_where(label, {})) if label else {}
    return [
        {"id": n.id, "name": n.properties.get("name"), "parent": n.properties.get("parent")}
        for n in sorted(found.values(), key=sort_key)
    ]
