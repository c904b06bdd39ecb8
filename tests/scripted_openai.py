"""An OpenAI-compatible server on loopback that plays a script, and logs what became of every request.

`behave(part, nth)` decides how the nth request (1-based) for a part is answered:
  "ok"                      the default answer, "Final answer: <answer(part)>"
  ("status", 400)           an error status
  "hang"                    no reply until `release` is set (or the client goes away)
  ("content", value)        a 200 reply whose message content is `value` (e.g. a JSON object)
  ("usage", {...})          a 200 reply with this usage block
  ("delay", seconds)        the default answer after a pause
The log holds {"part", "nth", "outcome"} with outcome "served" (the whole reply was written), "status N",
or "dropped" (the client left before the reply was written) — so a test can count replies that arrived.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def part_of(prompt: str) -> str | None:
    found = re.search(r"\*\*([0-9][0-9a-z.]*)\*\*", prompt)
    return found.group(1) if found else None


class ScriptedOpenAI:
    def __init__(self, behave=None, answer=None):
        self.behave = behave or (lambda part, nth: "ok")
        self.answer = answer or (lambda part: "42")
        self.log: list[dict] = []
        self.asked: Counter = Counter()
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.in_flight = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                part = part_of(body["messages"][-1]["content"])
                with server.lock:
                    server.asked[part] += 1
                    nth = server.asked[part]
                    server.in_flight += 1
                try:
                    outcome = self._answer(part, nth, server.behave(part, nth))
                finally:
                    with server.lock:
                        server.in_flight -= 1
                with server.lock:
                    server.log.append({"part": part, "nth": nth, "outcome": outcome})

            def _answer(self, part, nth, how):
                content, usage = f"Final answer: {server.answer(part)}", {"prompt_tokens": 10, "completion_tokens": 5}
                if how == "hang":
                    server.release.wait(300)
                    if self._client_left():
                        return "dropped"
                elif isinstance(how, tuple) and how[0] == "status":
                    return self._send(how[1], {"error": {"message": "scripted failure", "type": "invalid_request"}},
                                      f"status {how[1]}")
                elif isinstance(how, tuple) and how[0] == "delay":
                    time.sleep(how[1])
                elif isinstance(how, tuple) and how[0] == "content":
                    content = how[1]
                elif isinstance(how, tuple) and how[0] == "usage":
                    usage = how[1]
                reply = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": content}}],
                         "usage": usage}
                return self._send(200, reply, "served")

            def _client_left(self) -> bool:
                self.connection.setblocking(False)
                try:
                    return self.connection.recv(1, socket.MSG_PEEK) == b""
                except BlockingIOError:
                    return False
                except OSError:
                    return True
                finally:
                    self.connection.setblocking(True)

            def _send(self, status, payload, outcome):
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                except OSError:
                    return "dropped"
                return outcome

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def served(self) -> Counter:
        """How many whole replies each part got."""
        with self.lock:
            return Counter(entry["part"] for entry in self.log if entry["outcome"] == "served")

    def requests(self) -> int:
        with self.lock:
            return sum(self.asked.values())

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
