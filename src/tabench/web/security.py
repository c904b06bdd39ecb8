"""Who may use the review page: the person holding the token, from this machine, on this origin.

The printed URL carries a random token; the first visit trades it for an HttpOnly, SameSite=Strict cookie and
drops it from the address bar. Every change must also carry the page's CSRF token in a header, as JSON, from the
page's own origin. Requests naming another host are refused (DNS rebinding). Every response carries a strict
Content-Security-Policy: scripts and styles only from the package's own files, nothing inline, nothing remote.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}
SAFE_METHODS = ("GET", "HEAD")
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Secrets:
    """The session's token (in the printed URL) and CSRF token (in each page), both fresh per server."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))


def cookie_name(port: int) -> str:
    return f"tabench_review_{port}"  # cookies ignore ports: one name per server


def _same(given: str | None, expected: str) -> bool:
    return given is not None and secrets.compare_digest(given.encode(), expected.encode())


class Guard:
    """ASGI middleware: host check, token (or its cookie), CSRF on every change, security headers."""

    def __init__(self, app: ASGIApp, keys: Secrets, port: int):
        self.app, self.keys, self.port = app, keys, port
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":  # the page uses none: refuse rather than pass one through unchecked
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await self._secured(refusal)(scope, receive, send)
            return
        if _same(request.query_params.get("token"), self.keys.token) and request.method in SAFE_METHODS:
            await self._secured(self._trade_token_for_cookie(request))(scope, receive, send)
            return

        async def send_secured(message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in
                           {name.lower() for name in HEADERS}]
                headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_secured)

    def _refusal(self, request: Request) -> Response | None:
        host = request.headers.get("host", "")
        if host not in self.hosts:
            return PlainTextResponse("This review server answers only at its own address on 127.0.0.1.", 421)
        token = request.query_params.get("token") or request.cookies.get(cookie_name(self.port))
        if not _same(token, self.keys.token):
            return PlainTextResponse("Open the review page with the URL `tabench review` printed: it carries the "
                                     "token.", 403)
        if request.method not in SAFE_METHODS:
            origin = request.headers.get("origin")
            if origin is not None and origin not in {f"http://{h}" for h in self.hosts}:
                return PlainTextResponse("Changes are accepted only from the review page itself.", 403)
            if not _same(request.headers.get(CSRF_HEADER), self.keys.csrf):
                return PlainTextResponse("Missing or wrong CSRF token: reload the review page and try again.", 403)
            if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
                return PlainTextResponse("Changes are sent as JSON by the review page.", 415)
        return None

    def _trade_token_for_cookie(self, request: Request) -> Response:
        query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
        response = RedirectResponse(request.url.path + (f"?{query}" if query else ""), status_code=303)
        response.set_cookie(cookie_name(self.port), self.keys.token, httponly=True, samesite="strict", path="/")
        return response

    @staticmethod
    def _secured(response: Response) -> Response:
        response.headers.update(HEADERS)
        return response
