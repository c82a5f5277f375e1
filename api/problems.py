"""Errors as ``application/problem+json`` (RFC 9457), mapped in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access import Forbidden, Unauthenticated
from api.audit import AuditUnwritable
from api.throttle import TooManyRequests
from graph.errors import (
    InvalidQuery,
    NotFound,
    NotSupported,
    QueryTimeout,
    StoreUnavailable,
    TongxinError,
    ValidationFailed,
)

logger = logging.getLogger("tongxin.api")

STATUS = {
    Unauthenticated: 401,
    Forbidden: 403,
    ValidationFailed: 422,
    InvalidQuery: 422,
    NotFound: 404,
    StoreUnavailable: 503,
    QueryTimeout: 504,
    NotSupported: 501,
    TooManyRequests: 429,
}
TITLES = {
    401: "需要登录",
    403: "无权访问",
    400: "请求无效",
    405: "方法不允许",
    413: "内容过大",
    429: "请求过多",
    422: "输入无效",
    404: "未找到",
    501: "不支持",
    503: "图库不可用",
    504: "查询超时",
    500: "内部错误",
}


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "逐格或逐项的错误"},
    },
}
# Declared on every route, so clients (and schemathesis) know each refusal's shape.
RESPONSES = {
    status: {"description": TITLES[status], "content": {"application/problem+json": {"schema": PROBLEM_SCHEMA}}}
    for status in (401, 403, 404, 422, 429, 501, 503, 504)
}


def problem(status: int, detail: str, headers: dict | None = None, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "错误"), "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(TongxinError)
    async def tongxin_error(request: Request, exc: TongxinError) -> JSONResponse:
        status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 500)
        extra = {"errors": [e.as_dict() for e in exc.errors]} if isinstance(exc, ValidationFailed) else {}
        detail = str(exc)
        if status == 503 and not isinstance(exc, AuditUnwritable):  # it names a server path or address
            logger.error("store unavailable on %s %s: %s", request.method, request.url.path, detail)
            detail = "图库暂时不可用，请稍后重试；如持续出现，请联系管理员查看服务器日志"
        response = problem(status, detail, **extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """FastAPI's own refusals (a body that is not JSON, an unknown path) in the same shape."""
        detail = {400: "请求内容无法解析", 404: "没有这个地址", 405: "不支持这种请求方法"}.get(exc.status_code)
        return problem(exc.status_code, detail or str(exc.detail), headers=exc.headers)

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        return problem(422, "请求内容嵌套过深，未处理")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        """Whatever else went wrong: said without paths or internals (the server log has them)."""
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "服务器内部错误，未完成；请稍后重试或联系管理员")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
        # Where and why, not the value sent back again (a 60 KB query would come back whole).
        errors = [{k: v for k, v in e.items() if k not in ("input", "url")} for e in exc.errors()]
        return problem(422, f"请求参数无效：{where}", errors=jsonable_encoder(errors))
