"""Dependencies shared by the routers: the settings, the store, the caller and their role, the graph as
the caller may see it, the audit log, the heavy answers kept per data version."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.access import Caller, Role, check
from api.answers import AnswerCache
from api.audit import AuditLog
from graph.scope import ScopedStore, places_within
from graph.settings import Settings
from graph.store import Store

bearer = HTTPBearer(auto_error=False, description="`tongxin token create --role viewer|officer|admin` 生成的令牌")


# The dependencies are coroutines: FastAPI runs a plain function in a worker thread, and the
# hops to and from it cost more than what these do (a dict lookup, a counter).


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_audit(request: Request) -> AuditLog:
    return request.app.state.audit


async def get_answers(request: Request) -> AnswerCache:
    return request.app.state.answers


async def get_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Caller:
    return request.app.state.tokens.caller(credentials.credentials if credentials else None)


async def get_view(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> Store:
    """The graph as this caller may see it: the whole store, or the part of it in the caller's towns
    (which nodes those are is worked out once per data version, in a worker thread: it asks the store)."""
    store = request.app.state.store
    if not caller.regions:
        return store

    def scoped() -> Store:
        inside = request.app.state.answers.get(
            ("towns", caller.regions), store.version(), lambda: places_within(store, caller.regions)
        )
        return ScopedStore(store, caller.regions, inside)

    return await anyio.to_thread.run_sync(scoped)


def role(needed: Role):
    async def checked(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> AsyncIterator[Caller]:
        """The caller, allowed and within its limits for as long as the request runs."""
        check(caller, needed)
        throttle = request.app.state.throttle
        throttle.enter(caller.token_id)
        try:
            yield caller
        finally:
            throttle.leave(caller.token_id)

    return checked


class OneHop(APIRoute):
    """A route whose endpoint is a plain function runs it in one worker thread and is a coroutine
    to FastAPI, which then checks the answer's shape in the event loop: one hop per request
    instead of two (FastAPI runs the check of a plain endpoint's answer in a thread of its own)."""

    def __init__(self, path: str, endpoint: Callable, **kwargs):
        if not inspect.iscoroutinefunction(endpoint):
            plain = endpoint

            @functools.wraps(plain)
            async def endpoint(**values):
                return await anyio.to_thread.run_sync(functools.partial(plain, **values))

        super().__init__(path, endpoint, **kwargs)


HEAVY_THREADS = 4  # threads for exports, reports and coverage; light requests keep the rest of the pool


def heavy(endpoint: Callable) -> Callable:
    """A heavy answer's route (it takes a ``request``), run in one of the app's few threads for
    heavy work (``app.state.heavy``): fifty callers waiting for one export then hold four threads,
    not all forty of the pool that ``/api/me`` and every light query need."""

    @functools.wraps(endpoint)
    async def run(**kwargs):
        limiter = kwargs["request"].app.state.heavy
        return await anyio.to_thread.run_sync(functools.partial(endpoint, **kwargs), limiter=limiter)

    return run


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
ViewDep = Annotated[Store, Depends(get_view)]
AuditDep = Annotated[AuditLog, Depends(get_audit)]
AnswersDep = Annotated[AnswerCache, Depends(get_answers)]
Viewer = Annotated[Caller, Depends(role(Role.viewer))]
Officer = Annotated[Caller, Depends(role(Role.officer))]
Admin = Annotated[Caller, Depends(role(Role.admin))]
