"""A tiny OpenAI-compatible server on loopback for tests: logs every request, answers from a script."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    def __init__(self, delay: float = 0.0, answer=None):
        self.requests: list[dict] = []
        self.delay = delay
        self.answer = answer or (lambda prompt: "Final answer: 42")
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                prompt = body["messages"][-1]["content"]
                part = re.search(r"\*\*([0-9][0-9a-z.]*)\*\*", prompt)
                with fake.lock:
                    fake.requests.append({"part": part.group(1) if part else None, "body": body,
                                          "authorization": self.headers.get("authorization")})
                time.sleep(fake.delay)
                text = fake.answer(prompt)
                reply = {"id": "x", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
                         "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
                         "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
                data = json.dumps(reply).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":  # a separate process for benchmarks: python fake_openai.py; prints its URL
    import sys

    with FakeOpenAI() as fake:
        print(fake.url, flush=True)
        sys.stdin.read()  # serve until stdin closes
