"""A request id on every response, in the ``X-Request-ID`` header.

A caller's own id is kept when it looks like an id (so a trace can span
services); anything else is replaced by a fresh one. The id is also put in
``request.state.request_id`` for handlers and logs.

Written as plain ASGI so it also covers errors: when a handler fails before
answering, this middleware answers 500 itself, with the id, and re-raises so
the server still logs the failure.
"""

import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp, header: str = REQUEST_ID_HEADER) -> None:
        self.app = app
        self.header = header

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        offered = Headers(scope=scope).get(self.header)
        request_id = offered if offered and _ACCEPTABLE_ID.fullmatch(offered) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[self.header] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            if not started:
                error = JSONResponse({"detail": "Internal Server Error"}, status_code=500)
                await error(scope, receive, send_with_id)
            raise
