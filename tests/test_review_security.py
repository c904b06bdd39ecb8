"""The review page refuses what it must: no token, a wrong CSRF token, another host or origin, other interfaces;
and an answer holding markup or links shows as text and runs nothing in the browser."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import HW12, SEEDS
from review_server import browser_page, post_json, request, review_server, session
from tabench import app as application
from tabench.cli import app, example_path
from tabench.store import Store

runner = CliRunner()


@pytest.fixture
def home() -> Path:
    return Path(os.environ["TABENCH_HOME"])


@pytest.fixture
def graded(home):
    result = runner.invoke(app, ["grade", str(HW12), str(SEEDS / "000_aea459260c05754e.txt")])
    assert result.exit_code == 0, result.output
    return application.stored_problem_set_id(HW12)


def events() -> list[dict]:
    with Store() as db:
        return db.human_verdict_events()


def grade_body(problem_set_id: str) -> dict:
    return {"problem_set": problem_set_id, "part": "1", "submissions": [1], "verdict": "correct"}


def test_requests_without_the_token_are_refused(home, graded):
    with review_server(home) as review:
        for path in ("/", "/sets", f"/review/{graded}/1", "/static/review.js"):
            status, _, text = request(review, "GET", path)
            assert status == 403 and "token" in text, path
        status, _, _ = request(review, "GET", "/sets?token=" + "x" * 43)
        assert status == 403
        status, _, _ = request(review, "GET", "/sets", headers={"Cookie": f"tabench_review_{review.port}=wrong"})
        assert status == 403
        _, csrf = session(review)
        status, _, _ = post_json(review, "/api/grade", grade_body(graded), {"X-CSRF-Token": csrf})  # no cookie
        assert status == 403
    assert events() == []


def test_changes_without_the_right_csrf_token_are_refused_and_change_nothing(home, graded):
    with review_server(home) as review:
        cookie, csrf = session(review)
        for headers in ({"Cookie": cookie}, {"Cookie": cookie, "X-CSRF-Token": "wrong"},
                        {"Cookie": cookie, "X-CSRF-Token": review.token}):
            status, _, text = post_json(review, "/api/grade", grade_body(graded), headers)
            assert status == 403 and "CSRF" in text, headers
            status, _, _ = post_json(review, "/api/rubric", {"problem_set": graded, "part": "1", "text": "x",
                                                             "points": 1}, headers)
            assert status == 403
        # a form post (what another site could make a browser send) is refused even with the token
        status, _, _ = request(review, "POST", "/api/grade", body=b"verdict=correct",
                               headers={"Cookie": cookie, "X-CSRF-Token": csrf,
                                        "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 415
        status, _, _ = post_json(review, "/api/grade", grade_body(graded),
                                 {"Cookie": cookie, "X-CSRF-Token": csrf, "Origin": "http://evil.example"})
        assert status == 403
        assert events() == []
        with Store() as db:
            assert db.rubric_items(graded, "1") == []
        # the same request with the right token is accepted: the refusals above were not for another reason
        status, _, text = post_json(review, "/api/grade", grade_body(graded), {"Cookie": cookie, "X-CSRF-Token": csrf})
        assert status == 200, text
        assert json.loads(text)["part_needs"] == 0
    assert [(e["part_id"], e["verdict"]) for e in events()] == [("1", "correct")]


def test_malformed_changes_are_refused_and_change_nothing(home, graded):
    with review_server(home) as review:
        cookie, csrf = session(review)
        headers = {"Cookie": cookie, "X-CSRF-Token": csrf}
        body = grade_body(graded)
        for bad in (dict(body, submissions="1"), dict(body, submissions=["x"]), dict(body, part="99.z"),
                    dict(body, problem_set="0" * 16), dict(body, submissions=[999]), dict(body, verdict="great"),
                    dict(body, verdict="partially_correct", score="lots"), dict(body, rubric="r1"),
                    dict(body, rubric=["r1"]), dict(body, number="two"), dict(body, comment="x" * 5000)):
            status, _, text = post_json(review, "/api/grade", bad, headers)
            assert status == 400 and json.loads(text)["error"], bad
        for bad in ({"problem_set": graded, "part": "1", "text": "", "points": 1},
                    {"problem_set": graded, "part": "1", "text": "x", "points": "many"},
                    {"problem_set": graded, "part": "1", "text": "x", "points": 1, "item": "r7"}):
            status, _, _ = post_json(review, "/api/rubric", bad, headers)
            assert status == 400, bad
        status, _, text = request(review, "POST", "/api/grade", body=b"{not json", headers={
            **headers, "Content-Type": "application/json"})
        assert status == 400 and "not JSON" in text
        status, _, _ = request(review, "POST", "/api/grade", body=b"[" * 300_000, headers={
            **headers, "Content-Type": "application/json"})
        assert status in (400, 413)
        assert request(review, "GET", f"/review/{graded}/99.z", headers={"Cookie": cookie})[0] == 404
    assert events() == []
    with Store() as db:
        assert db.rubric_items(graded, "1") == []


def test_other_hosts_are_refused(home, graded):
    with review_server(home) as review:
        cookie, _ = session(review)
        status, _, _ = request(review, "GET", "/sets", headers={"Cookie": cookie, "Host": f"evil.example:{review.port}"})
        assert status == 421  # a DNS-rebound name pointing at 127.0.0.1
        status, _, _ = request(review, "GET", "/sets", headers={"Cookie": cookie, "Host": f"localhost:{review.port}"})
        assert status == 200


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc/net/tcp and tcp6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def _other_addresses() -> list[str]:
    """This machine's addresses that are not loopback."""
    addresses = set()
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=10).stdout
        addresses.update(out.split())
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        addresses.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None))
    except OSError:
        pass
    return sorted(a for a in addresses if not a.startswith("127.") and a != "::1" and not a.startswith("fe80"))


def test_the_server_does_not_answer_on_other_interfaces(home, graded):
    with review_server(home) as review:
        assert _listening_addresses(review.port) == {"0100007F"}  # 127.0.0.1, nothing else, no IPv6
        for address in _other_addresses() + ["::1"]:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.settimeout(5)
                try:
                    assert probe.connect_ex((address, review.port)) != 0, f"answered on {address}"
                except OSError:
                    pass  # no route to that address: not answering either


HOSTILE = {
    "2.a": "<script>window.pwned = 1; document.title = 'PWNED'</script> and <img src=x onerror=\"window.pwned = 2\">",
    "2.c": "[click me](javascript:window.pwned=3) or <a href=\"javascript:window.pwned=4\">here</a>",
    "3.a": "$\\href{javascript:window.pwned=5}{x}$ and <math href=\"javascript:window.pwned=6\"><mi>x</mi></math>",
    "4": "<svg onload=\"window.pwned=7\"></svg> $\\text{<script>window.pwned=8</script>}$ <iframe src=\"javascript:window.pwned=9\">",
    "5.b": "<style>body { display: none }</style><form action=\"http://evil.example\"><button>go</button></form>",
}


def test_an_answer_with_markup_and_links_shows_as_text_and_runs_nothing(home, tmp_path):
    answers = tmp_path / "hostile.json"
    answers.write_text(json.dumps(HOSTILE))
    result = runner.invoke(app, ["grade", str(example_path()), str(answers), "--submission", "<b>x</b><script>window.pwned=10</script>"])
    assert result.exit_code == 0, result.output
    problem_set_id = application.stored_problem_set_id(example_path())
    with review_server(home) as review, browser_page() as page:
        page.goto(review.url)
        for part_id in HOSTILE:
            page.goto(f"{review.origin}/review/{problem_set_id}/{part_id}")
            page.wait_for_selector("section.group")
            group = page.locator("section.group").first
            text = group.locator(".answer").inner_text()
            assert page.evaluate("typeof window.pwned") == "undefined", part_id
            assert page.title() != "PWNED"
            assert page.evaluate("document.querySelectorAll('script').length") == 1  # ours, from /static
            assert group.locator(".answer img, .answer svg, .answer iframe, .answer a, .answer style, .answer form").count() == 0
            assert page.evaluate("[...document.querySelectorAll('[href]')].filter(e => "
                                 "/^\\s*javascript:/i.test(e.getAttribute('href'))).length") == 0
            assert page.evaluate("[...document.querySelectorAll('*')].filter(e => "
                                 "[...e.attributes].some(a => a.name.startsWith('on'))).length") == 0
            assert page.locator("body").is_visible()
            if part_id == "2.a":
                assert "<script>window.pwned = 1" in text and "onerror" in text
            if part_id == "3.a":
                assert "javascript:window.pwned=5" in text and "<math href=" in text
            assert "<b>x</b><script>" in group.locator(".who").inner_text()  # the name is text too
        # a comment typed by a person is data as well, also after a reload
        page.goto(f"{review.origin}/review/{problem_set_id}/4")
        page.wait_for_selector("section.group.current")
        page.keyboard.press("i")
        page.keyboard.press("e")
        page.keyboard.type("<img src=x onerror=\"window.pwned=11\">")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # saved; on to the next part that needs review
        page.go_back()
        page.reload()
        assert "<img src=x" in page.locator('section.group [data-role="human"]').inner_text()
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert all(url.startswith(review.origin) or url.startswith("data:") for url in page.requests)


def test_ctrl_c_stops_the_server(home, graded):
    with review_server(home) as review:
        assert request(review, "GET", "/")[0] == 403  # serving
        review.process.send_signal(signal.SIGINT)
        assert review.process.wait(20) == 0
        assert any("stopped" in line for line in review.output) or "stopped" in review.process.stdout.read()
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", review.port)) != 0


def test_a_port_in_use_is_one_clear_line(home):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "tabench", "review", "--no-browser", "--port", str(port)],
                                capture_output=True, text=True, timeout=60, env=dict(os.environ, TABENCH_HOME=str(home)))
    assert result.returncode == 2
    assert re.search(rf"port {port} is in use; choose another", result.stderr) and "Traceback" not in result.stderr
