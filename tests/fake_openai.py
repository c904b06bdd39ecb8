"""A tiny OpenAI-compatible server on loopback for tests: logs every request, answers from a script."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def judge_reply(body: dict, verdict: str = "correct", score: float | None = None, tags=(), explanation=None,
                first_error=None) -> str:
    """A judge's JSON reply to a request, marking every rubric item the request's schema names: met when the
    verdict is not incorrect."""
    rubric_ids = _schema_of(body)["properties"]["rubric"]["items"]["properties"]["id"]["enum"]
    score = {"correct": 1.0, "incorrect": 0.0}.get(verdict, 0.5) if score is None else score
    return json.dumps({"explanation": explanation or f"compared with the reference: {verdict}",
                       "rubric": [{"id": rid, "met": verdict != "incorrect"} for rid in rubric_ids],
                       "first_error": first_error, "tags": list(tags), "verdict": verdict, "score": score})


def text_of(content) -> str:
    """A message's text: the content itself, or the text items of a content list (a message with images)."""
    if isinstance(content, list):
        return "\n".join(item.get("text", "") for item in content if isinstance(item, dict))
    return content


def _schema_of(body: dict) -> dict:
    fmt = body["response_format"]
    return fmt["json_schema"]["schema"] if fmt["type"] == "json_schema" else fmt["schema"]


class FakeOpenAI:
    """`answer(prompt)` gives the reply's text; or `respond(body)` gives (status, JSON body, headers) for full
    control (errors, judge replies)."""

    def __init__(self, delay: float = 0.0, answer=None, respond=None):
        self.requests: list[dict] = []
        self.delay = delay
        self.answer = answer or (lambda prompt: "Final answer: 42")
        self.respond = respond
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                prompt = text_of(body["messages"][-1]["content"])
                part = re.search(r"\*\*([0-9][0-9a-z.]*)\*\*", prompt)
                with fake.lock:
                    fake.requests.append({"part": part.group(1) if part else None, "body": body,
                                          "authorization": self.headers.get("authorization")})
                time.sleep(fake.delay)
                status, headers = 200, {}
                if fake.respond is not None:
                    status, reply, headers = fake.respond(body)
                else:
                    reply = completion(fake.answer(prompt), body.get("model", "m"))
                data = json.dumps(reply).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
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


def completion(text: str, model: str = "m", finish: str = "stop") -> dict:
    return {"id": "x", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}


if __name__ == "__main__":
    # A separate process for benchmarks: python fake_openai.py [--delay SECONDS] [--judge]; prints its URL.
    # With --judge it answers every request as a judge that finds the answer correct.
    import argparse
    import sys

    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--judge", action="store_true")
    options = parser.parse_args()
    respond = (lambda body: (200, completion(judge_reply(body)), {})) if options.judge else None
    with FakeOpenAI(delay=options.delay, respond=respond) as fake:
        print(fake.url, flush=True)
        sys.stdin.read()  # serve until stdin closes
