"""Settings from the environment, read by a function (never at import time), and the
one place that turns a store address into a store."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph.store import Store

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
DEFAULT_STORE = ".tongxin"


@dataclass(frozen=True)
class Settings:
    store: str = DEFAULT_STORE
    neo4j_user: str | None = None
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    neo4j_retry_seconds: float = 15.0
    batch_size: int = 5000
    config_dir: Path = Path(DEFAULT_STORE)


def settings_from_env(store: str | None = None) -> Settings:
    """``store`` (the ``--store`` option) wins over ``TONGXIN_STORE``, which wins over
    ``NEO4J_URI`` (a user's own server), else the embedded store in ``./.tongxin``; credentials
    come from ``NEO4J_USER``, ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``; how long a transaction
    is retried while a server or cluster member is unreachable from ``NEO4J_MAX_RETRY_SECONDS``;
    rows per write transaction from ``TONGXIN_BATCH_SIZE``."""
    chosen = store or os.environ.get("TONGXIN_STORE") or os.environ.get("NEO4J_URI") or DEFAULT_STORE
    return Settings(
        store=chosen,
        neo4j_user=os.environ.get("NEO4J_USER") or None,
        neo4j_password=os.environ.get("NEO4J_PASSWORD") or None,
        neo4j_database=os.environ.get("NEO4J_DATABASE") or None,
        neo4j_retry_seconds=float(os.environ.get("NEO4J_MAX_RETRY_SECONDS") or 15),
        batch_size=int(os.environ.get("TONGXIN_BATCH_SIZE") or 5000),
        config_dir=config_dir_for(chosen),
    )


def config_dir_for(store: str) -> Path:
    """Where tokens and the audit log live: beside the embedded graph, or for a Neo4j
    store in ``TONGXIN_CONFIG_DIR`` (default ``./.tongxin``)."""
    if is_neo4j_uri(store):
        return Path(os.environ.get("TONGXIN_CONFIG_DIR") or DEFAULT_STORE)
    return Path(store)


def is_neo4j_uri(spec: str) -> bool:
    return spec.lower().startswith(NEO4J_SCHEMES)


def open_store(settings: Settings) -> Store:
    """A Neo4j store for a Bolt/Neo4j URI, else the embedded store in that folder."""
    if is_neo4j_uri(settings.store):
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(settings.store, settings.neo4j_user, settings.neo4j_password,
                          settings.neo4j_database, retry_seconds=settings.neo4j_retry_seconds,
                          batch_size=settings.batch_size)
    from graph.embedded import EmbeddedStore

    return EmbeddedStore(Path(settings.store))
