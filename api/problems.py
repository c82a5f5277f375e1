"""Errors as ``application/problem+json`` (RFC 9457), mapped in one place."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.access import Forbidden, Unauthenticated
from graph.errors import (
    InvalidQuery,
    NotFound,
    NotSupported,
    QueryTimeout,
    StoreUnavailable,
    TongxinError,
    ValidationFailed,
)

STATUS = {
    Unauthenticated: 401,
    Forbidden: 403,
    ValidationFailed: 422,
    InvalidQuery: 422,
    NotFound: 404,
    StoreUnavailable: 503,
    QueryTimeout: 504,
    NotSupported: 501,
}
TITLES = {
    401: "需要登录",
    403: "无权访问",
    413: "内容过大",
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
    for status in (401, 403, 404, 422, 501, 503, 504)
}


def problem(status: int, detail: str, **extra) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "错误"), "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def install(app: FastAPI) -> None:
    @app.exception_handler(TongxinError)
    async def tongxin_error(request: Request, exc: TongxinError) -> JSONResponse:
        status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 500)
        extra = {"errors": [e.as_dict() for e in exc.errors]} if isinstance(exc, ValidationFailed) else {}
        response = problem(status, str(exc), **extra)
        if status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
        return problem(422, f"请求参数无效：{where}", errors=jsonable_encoder(exc.errors()))
