"""Settings from the environment, read by a function (never at import time), and the
one place that turns a store address into a store."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.store import Store

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")
DEFAULT_STORE = ".tongxin"

BATCH_SIZE = 10000  # rows per Neo4j write transaction; larger ones spend less on commits


def _env(*names: str):
    return Field(None, validation_alias=AliasChoices(*names))


class Settings(BaseSettings):
    """One typed settings object, from the environment and ``.env``; built by
    :func:`settings_from_env`, never at import time.

    The store comes from ``--store``, else ``TONGXIN_STORE``, else ``NEO4J_URI`` (a user's own
    server), else the embedded store in ``./.tongxin``.  Tokens and the audit log live in
    ``config_dir``: beside the embedded graph, or for Neo4j in ``TONGXIN_CONFIG_DIR``.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", frozen=True, populate_by_name=True, extra="ignore"
    )

    store: str = Field(DEFAULT_STORE, validation_alias=AliasChoices("store", "TONGXIN_STORE", "NEO4J_URI"))
    neo4j_user: str | None = _env("neo4j_user", "NEO4J_USER")
    neo4j_password: str | None = _env("neo4j_password", "NEO4J_PASSWORD")
    neo4j_database: str | None = _env("neo4j_database", "NEO4J_DATABASE")
    neo4j_retry_seconds: float = Field(
        15.0,
        gt=0,
        validation_alias=AliasChoices("neo4j_retry_seconds", "NEO4J_MAX_RETRY_SECONDS"),
        description="how long a transaction is retried",
    )
    batch_size: int = Field(
        BATCH_SIZE,
        ge=1,
        validation_alias=AliasChoices("batch_size", "TONGXIN_BATCH_SIZE"),
        description="rows per write transaction",
    )
    config_dir: Path | None = _env("config_dir", "TONGXIN_CONFIG_DIR")
    max_upload_mb: int = Field(50, ge=1, validation_alias=AliasChoices("max_upload_mb", "TONGXIN_MAX_UPLOAD_MB"))
    # What one uploaded roster file may hold (ingest.readers.ReadLimits): a district's rosters fit many times over.
    upload_rows: int = Field(200_000, ge=1, validation_alias=AliasChoices("upload_rows", "TONGXIN_UPLOAD_ROWS"))
    upload_columns: int = Field(500, ge=1, validation_alias=AliasChoices("upload_columns", "TONGXIN_UPLOAD_COLUMNS"))
    upload_cells: int = Field(5_000_000, ge=1, validation_alias=AliasChoices("upload_cells", "TONGXIN_UPLOAD_CELLS"))
    upload_unpacked_mb: int = Field(
        200, ge=1, validation_alias=AliasChoices("upload_unpacked_mb", "TONGXIN_UPLOAD_UNPACKED_MB")
    )
    report_font: Path = Field(
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        validation_alias=AliasChoices("report_font", "TONGXIN_REPORT_FONT"),
        description="the Chinese font printed reports embed (Debian fonts-noto-cjk)",
    )
    rate_per_minute: int = Field(
        600,
        ge=1,
        validation_alias=AliasChoices("rate_per_minute", "TONGXIN_RATE_PER_MINUTE"),
        description="requests one token may make per minute (a quarter of them at once)",
    )
    in_flight_per_token: int = Field(
        4,
        ge=1,
        validation_alias=AliasChoices("in_flight_per_token", "TONGXIN_IN_FLIGHT_PER_TOKEN"),
        description="requests one token may have running at the same time",
    )
    viewer_exports: bool = Field(
        False,
        validation_alias=AliasChoices("viewer_exports", "TONGXIN_VIEWER_EXPORTS"),
        description="let viewers download exports (always masked); by default exports are for officers and admins",
    )
    api_docs: bool = Field(
        True,
        validation_alias=AliasChoices("api_docs", "TONGXIN_API_DOCS"),
        description="serve /docs (Swagger UI from the package) and /openapi.json",
    )
    cors_origins: list[str] = Field(
        default_factory=list,
        validation_alias=AliasChoices("cors_origins", "TONGXIN_CORS_ORIGINS"),
        description="origins allowed to call the API; none by default",
    )

    @model_validator(mode="after")
    def _config_beside_the_store(self):
        if self.config_dir is None:
            folder = Path(DEFAULT_STORE) if is_neo4j_uri(self.store) else Path(self.store)
            object.__setattr__(self, "config_dir", folder)
        return self


def settings_from_env(store: str | None = None) -> Settings:
    """The settings, with ``store`` (the ``--store`` option) winning over the environment."""
    return Settings(store=store) if store else Settings()


def is_neo4j_uri(spec: str) -> bool:
    return spec.lower().startswith(NEO4J_SCHEMES)


def open_store(settings: Settings) -> Store:
    """A Neo4j store for a Bolt/Neo4j URI, else the embedded store in that folder."""
    if is_neo4j_uri(settings.store):
        from graph.neo4j_store import Neo4jStore

        return Neo4jStore(
            settings.store,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
            retry_seconds=settings.neo4j_retry_seconds,
            batch_size=settings.batch_size,
        )
    from graph.embedded import EmbeddedStore

    return EmbeddedStore(Path(settings.store))
