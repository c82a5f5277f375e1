"""Request bodies over the upload limit are refused before they are read.

FastAPI parses a multipart form (spooling its files to disk) before the route runs, so a
route cannot refuse a 10 GB upload early.  This ASGI middleware answers 413 at once when
``Content-Length`` is too large, and answers 413 as soon as a body sent in chunks passes
the limit; to the app the client has then gone away, so it stops reading.
"""

from __future__ import annotations

import json

from starlette.requests import ClientDisconnect

from api.problems import TITLES


class UploadLimit:
    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(send)
        seen, started, refused = 0, False, False

        async def counted():
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # answer now; to the app the client has gone
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracked(message):
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except ClientDisconnect:
            if not refused:
                raise

    async def _refuse(self, send) -> None:
        megabytes = self.max_bytes >> 20
        body = json.dumps(
            {
                "type": "about:blank",
                "title": TITLES[413],
                "status": 413,
                "detail": f"请求体超过 {megabytes} MB，未读取、未写入",
            },
            ensure_ascii=False,
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
