"""Security headers on every response, a Content-Security-Policy among them.

The API and everything else get the strictest policy (they load nothing); the
page at ``/ui/`` may load its own script and style and talk to its own origin
only, so a token or password can never be sent elsewhere; the API docs may load
Swagger UI and ReDoc from the CDN FastAPI points them at.

Plain ASGI, like the request-id middleware, so it also covers errors and 404s.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STRICT_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
# Swagger UI starts from an inline script; ReDoc uses Google fonts and blob: workers.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src https://cdn.jsdelivr.net https://fonts.googleapis.com 'unsafe-inline'; "
    "font-src https://fonts.gstatic.com; img-src 'self' https://fastapi.tiangolo.com data:; "
    "worker-src blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def policy_for(path: str, *, page_prefix: str, docs_paths: frozenset[str]) -> str:
    if path == page_prefix or path.startswith(page_prefix + "/"):
        return PAGE_POLICY
    if path in docs_paths:
        return DOCS_POLICY
    return STRICT_POLICY


class SecurityHeadersMiddleware:
    def __init__(
        self, app: ASGIApp, *, page_prefix: str = "/ui", docs_paths: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.page_prefix = page_prefix
        self.docs_paths = docs_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = policy_for(scope["path"], page_prefix=self.page_prefix, docs_paths=self.docs_paths)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in COMMON_HEADERS.items():
                    headers[name] = value
                headers["Content-Security-Policy"] = policy
            await send(message)

        await self.app(scope, receive, send_with_headers)
