"""Helpers for the review page tests: start `tabench review` as a child process (as a user would), talk HTTP to
it, and launch Debian's chromium. Every wait is bounded, so a hung server fails the test instead of CI."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from conftest import chromium_path

START_TIMEOUT = 60  # seconds for the server to print its URL (imports are slow on a loaded machine)
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@dataclass
class Review:
    url: str  # the printed URL, with the token
    port: int
    token: str
    process: subprocess.Popen
    output: list[str]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def review_server(home: Path, *args: str):
    """`tabench review --no-browser --port 0 ARGS` with TABENCH_HOME=home, stopped with Ctrl-C (SIGINT) at the end."""
    env = dict(os.environ, TABENCH_HOME=str(home), COLUMNS="500")
    process = subprocess.Popen([sys.executable, "-m", "tabench", "review", "--no-browser", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in process.stdout:
            output.append(line)
            if "http://" in line:
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not found.wait(START_TIMEOUT):
            raise AssertionError(f"tabench review printed no URL within {START_TIMEOUT} s: {''.join(output)}")
        url = re.search(r"http://\S+", next(line for line in output if "http://" in line)).group(0)
        parts = urlsplit(url)
        token = re.search(r"token=([^&]+)", parts.query).group(1)
        yield Review(url, parts.port, token, process, output)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        reader.join(5)


def request(review: Review, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None,
            host: str = "127.0.0.1") -> tuple[int, dict, str]:
    """(status, headers, text) of one request to the review server, with a 20 s bound."""
    connection = http.client.HTTPConnection(host, review.port, timeout=20)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def session(review: Review) -> tuple[str, str]:
    """(cookie header, CSRF token) of a browser that opened the printed URL."""
    status, headers, _ = request(review, "GET", "/?" + urlsplit(review.url).query)
    assert status == 303, status
    cookie = headers["set-cookie"].split(";")[0]
    status, _, page = request(review, "GET", "/sets", headers={"Cookie": cookie})
    assert status == 200
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    return cookie, csrf


def post_json(review: Review, path: str, data: dict, headers: dict) -> tuple[int, dict, str]:
    return request(review, "POST", path, body=json.dumps(data).encode(),
                   headers={"Content-Type": "application/json", **headers})


@contextmanager
def browser_page(viewport: dict | None = None):
    """A headless chromium page that records every request, console message and page error."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            page.requests, page.errors = [], []
            page.on("request", lambda r: page.requests.append(r.url))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
            yield page
        finally:
            browser.close()
