"""Build the review app and serve it on 127.0.0.1 only, until Ctrl-C (the edge: a socket and uvicorn)."""

from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from importlib import resources

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errors import TabenchError
from .pages import Pages, Settings
from .security import Guard, Secrets

HOST = "127.0.0.1"
MAX_BODY = 256 * 1024  # a grade or a rubric item is a few hundred bytes


def create_app(settings: Settings, keys: Secrets, port: int) -> Starlette:
    pages = Pages(settings)
    static = StaticFiles(directory=str(resources.files("tabench.web") / "static"))
    routes = [
        Route("/", pages.home),
        Route("/sets", pages.sets),
        Route("/review/{problem_set}/{part:path}", pages.part),
        Route("/api/grade", pages.grade, methods=["POST"]),
        Route("/api/rubric", pages.rubric, methods=["POST"]),
        Mount("/static", static, name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, keys=keys, port=port)], max_body_size=MAX_BODY)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free port). Never on another interface."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as err:
        sock.close()
        if err.errno == errno.EADDRINUSE:
            raise TabenchError(f"port {port} is in use; choose another with --port, or --port 0 for any free one") from None
        raise TabenchError(f"cannot listen on {HOST}:{port} ({err.strerror}); choose another --port") from None
    sock.listen(64)
    return sock


@dataclass
class Served:
    """A bound review server, ready to run: its URL (with the token) and how to run it."""

    url: str
    sock: socket.socket
    app: Starlette
    server: object = None  # the uvicorn server, once running

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM (in the main thread), or until stop()."""
        import uvicorn

        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off",
                                server_header=False, date_header=False)
        self.server = uvicorn.Server(config)
        self.server.run(sockets=[self.sock])

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True


def prepare(port: int, grader: str, problem_set_id: str | None = None, blind: bool = False) -> Served:
    sock = bind(port)
    actual = sock.getsockname()[1]
    keys = Secrets()
    settings = Settings(csrf=keys.csrf, grader=grader, problem_set_id=problem_set_id, blind=blind)
    url = f"http://{HOST}:{actual}/?token={keys.token}" + ("&blind=1" if blind else "")
    return Served(url, sock, create_app(settings, keys, actual))
