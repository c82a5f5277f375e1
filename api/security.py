"""Headers every answer carries, and the API docs served from the package.

The page and ``/docs`` load nothing from another origin (offices run on intranets, and a
third-party script on the same origin could read the page's token), so the policy names
only ``'self'``.  Answers under ``/api`` hold personal information: never cached.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Swagger UI sets style attributes
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
PERSONAL = (b"cache-control", b"no-store")


class SecurityHeaders:
    """ASGI middleware: the headers above on every response, ``no-store`` under ``/api``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        personal = scope["path"].startswith("/api")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in present]
                if personal and PERSONAL[0] not in present:
                    extra.append(PERSONAL)
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>同心图谱 API 文档</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs.js"></script></body></html>"""


def add_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from ``web/vendor`` (see its README), started by ``web/docs.js``."""

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)
