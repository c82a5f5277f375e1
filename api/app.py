"""The FastAPI application: the API under ``/api``, health probes and the page at ``/``."""

from __future__ import annotations

import gc
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api import problems, routes_admin, routes_queries, routes_visits
from api.access import Tokens
from api.answers import AnswerCache
from api.audit import AuditLog
from api.deps import HEAVY_THREADS, StoreDep
from api.limits import UploadLimit
from api.routes_queries import attachment
from api.security import SecurityHeaders, add_docs
from api.throttle import Throttle
from graph.ontology import describe, load
from graph.settings import Settings, open_store, settings_from_env
from ingest.blank_workbook import blank_workbook
from ingest.templates import TEMPLATE_FILE
from queries.formats import XLSX

WEB_DIR = Path(__file__).resolve().parents[1] / "web"


def create_app(settings: Settings) -> FastAPI:
    """Build the app for one store; the store opens with the app and closes with it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.tokens = Tokens(settings.config_dir)
        app.state.audit = AuditLog(settings.config_dir)
        app.state.answers = AnswerCache()
        app.state.throttle = Throttle(settings.rate_per_minute, settings.in_flight_per_token)
        app.state.store = open_store(settings)
        app.state.heavy = anyio.CapacityLimiter(HEAVY_THREADS)
        # What is loaded by now lives as long as the server: kept out of the garbage collector's
        # full passes, which otherwise stop every thread for ~100 ms while an upload is read.
        gc.collect()
        gc.freeze()
        # Uploads and exports are checked in worker threads: shorter turns with the interpreter
        # lock (1 ms, not 5) let the event loop answer /health and light queries meanwhile.
        turns = sys.getswitchinterval()
        sys.setswitchinterval(min(turns, 0.001))
        try:
            yield
        finally:
            sys.setswitchinterval(turns)
            app.state.store.close()

    app = FastAPI(
        title="同心图谱 Tongxin Graph",
        description="新的社会阶层人士统战工作知识图谱 API / knowledge graph of people, bases and liaisons.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own pages load Swagger UI and ReDoc from a public CDN
        redoc_url=None,
        openapi_url="/openapi.json" if settings.api_docs else None,
    )
    problems.install(app)
    if settings.api_docs:
        add_docs(app)
    app.add_middleware(UploadLimit, max_bytes=settings.max_upload_mb << 20)
    app.add_middleware(SecurityHeaders)
    if settings.cors_origins:  # none by default: the page is served from the same origin
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )

    @app.get("/health", tags=["health"], summary="进程存活 / process is up")
    async def health() -> dict:
        return {"status": "ok"}

    @app.get(
        "/ready",
        tags=["health"],
        summary="图库可用 / store reachable",
        responses={503: {"description": "图库不可用 / store unavailable"}},
    )
    def ready(store: StoreDep) -> dict:
        store.ping()
        return {"status": "ready"}

    @app.get("/api/ontology", tags=["graph"], summary="本体：类别、关系与属性 / the ontology")
    def get_ontology() -> dict:
        return describe(load())

    @app.get(
        "/api/template",
        tags=["graph"],
        summary="空白名册模板（Excel）/ the blank roster workbook",
        response_class=Response,
        responses={200: {"content": {XLSX: {}}}},
    )
    def get_template() -> Response:
        return Response(
            blank_workbook(load()), media_type=XLSX, headers={"Content-Disposition": attachment(TEMPLATE_FILE)}
        )

    app.include_router(routes_queries.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_visits.router)
    app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="web")
    return app


def from_environment() -> FastAPI:
    """The app as the environment configures it, for ``uvicorn --factory --workers N``."""
    return create_app(settings_from_env())
