"""Figures models can see: kept with the key in the store, sent with their parts to models that read images
(a fake OpenAI-compatible server on 127.0.0.1, Anthropic through a mock transport), marked not shown for a
text-only model, not found when the file is missing, and never read from outside the document's folder."""

import base64
import hashlib
import io
import json
import os
import struct
import zlib

import httpx2
import pytest
from PIL import Image
from typer.testing import CliRunner

from conftest import SHARED
from fake_openai import FakeOpenAI, text_of
from tabench import app as application
from tabench.cli import app
from tabench.figures import MAX_FIGURE_BYTES, gather_figures
from tabench.ingest import load_problem_set
from tabench.providers import get_provider
from tabench.runner import RunConfig
from tabench.store import Store, problem_set_key

MOCK_EXAM = SHARED / "corpus" / "pdf" / "introdatasci_mock_exam_solved.pdf"
cli = CliRunner()

KEY_TEX = r"""\documentclass{exam}
\usepackage{graphicx}
\printanswers
\begin{document}
\begin{questions}
\question[4] Look at the bar chart below.

\includegraphics[width=3in]{GRAPHIC}
\begin{parts}
\part[2] How many bars does the chart show?
\begin{solution} 3 \end{solution}
\part[2] What is the height of the tallest bar?
\begin{solution} 7 \end{solution}
\end{parts}
\question[2] What is $1+1$?
\begin{solution} 2 \end{solution}
\end{questions}
\end{document}
"""


def png(width: int, height: int, rgb=(200, 30, 30)) -> bytes:
    """A PNG written byte by byte (zlib and CRCs), so the test does not depend on the code that reads it."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def latex_key(folder, graphic="plot", image: bytes | None = None):
    folder.mkdir(parents=True, exist_ok=True)
    if image is not None:
        (folder / "plot.png").write_bytes(image)
    key = folder / "key.tex"
    key.write_text(KEY_TEX.replace("GRAPHIC", graphic), encoding="utf-8")
    return key


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TABENCH_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    return tmp_path / "home"


def fake_answer(prompt: str) -> str:
    return "Final answer: 3" if "How many bars" in prompt else "Final answer: 7"


def images_in(body: dict, media_type: str = "image/png") -> list[bytes]:
    """The images of an OpenAI chat request, decoded from their data URLs."""
    found = []
    for message in body["messages"]:
        if isinstance(message["content"], list):
            for item in message["content"]:
                if item["type"] == "image_url":
                    head, _, data = item["image_url"]["url"].partition(",")
                    assert head == f"data:{media_type};base64"
                    found.append(base64.b64decode(data))
    return found


def stored_figures(key) -> list[dict]:
    with Store() as db:
        return db.figures(problem_set_key(load_problem_set(key)))


def stored_image(sha: str) -> bytes:
    with Store() as db:
        return db.figure_image(sha)[1]


# ---- a run against a fake OpenAI-compatible server -------------------------------------------------------

def test_a_run_on_the_corpus_pdf_sends_the_rendered_figure_region(home):
    with FakeOpenAI(answer=lambda prompt: "Final answer: 2") as server:
        config = RunConfig(model="openai/m", base_url=server.url)
        outcome = application.run_model(MOCK_EXAM, config, parts="7.a,9.a,1")
    by_part = {r["part"]: r["body"] for r in server.requests}
    assert set(by_part) >= {"7.a", "9.a"}
    (image_7a,) = images_in(by_part["7.a"])
    (image_9a,) = images_in(by_part["9.a"])
    assert image_7a.startswith(b"\x89PNG\r\n\x1a\n") and image_9a.startswith(b"\x89PNG\r\n\x1a\n")
    # The region of page 9 that ingest located (244.18, 110.73)-(385.26, 206.43) pt, at 150 dpi: 294 x 199 px.
    assert Image.open(io.BytesIO(image_7a)).size == pytest.approx((294, 199), abs=2)
    rows = {(r["part_id"], r["position"]): r for r in stored_figures(MOCK_EXAM)}
    assert rows[("7.a", 0)]["sha256"] == hashlib.sha256(image_7a).hexdigest()
    assert stored_image(rows[("9.a", 0)]["sha256"]) == image_9a
    assert rows[("7.a", 0)]["page"] == 9 and rows[("7.a", 0)]["missing"] is None
    # The part's text says the figure is attached; the part without a figure carries no image.
    text = text_of(by_part["7.a"]["messages"][-1]["content"])
    assert "[Figure: attached as an image]" in text
    without = [body for part, body in by_part.items() if part not in ("7.a", "9.a")]
    assert without and all(images_in(body) == [] for body in without)
    tags = {v.part_id: v.tags for v in outcome.verdicts}
    assert "figure_missing" not in tags["7.a"]


def test_a_latex_key_sends_its_includegraphics_file_and_the_report_says_shown(home, tmp_path):
    picture = png(40, 30)
    key = latex_key(tmp_path / "doc", image=picture)
    with FakeOpenAI(answer=fake_answer) as server:
        result = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url, "--json"])
    assert result.exit_code == 0, result.output
    sent = {r["part"]: images_in(r["body"]) for r in server.requests}
    assert sent == {"1.a": [picture], "1.b": [picture], "2": []}
    (row,) = [r for r in stored_figures(key) if r["part_id"] == "1.a"]
    assert row["sha256"] == hashlib.sha256(picture).hexdigest() and row["source_path"] == "plot"
    report = cli.invoke(app, ["report", "latest", "--format", "md", "-o", "-"])
    assert report.exit_code == 0, report.output
    assert "| 1.a | ✓ correct | 2 / 2 | yes |" in report.output
    assert "the model was shown the figure" in report.output


MARKDOWN_KEY = """# Quiz

## Question 1 (4 points)

The chart below shows three bars.

![Bar chart](img/chart.jpg)

**(a)** [2 pts] How many bars are there?

**Solution:** 3

**(b)** [2 pts] What is the height of the tallest bar?

**Solution:** 7
"""


def test_a_markdown_key_sends_its_jpeg_image(home, tmp_path):
    folder = tmp_path / "md"
    (folder / "img").mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 20, 200)).save(buffer, format="JPEG")
    (folder / "img" / "chart.jpg").write_bytes(buffer.getvalue())
    key = folder / "key.md"
    key.write_text(MARKDOWN_KEY, encoding="utf-8")
    with FakeOpenAI(answer=fake_answer) as server:
        result = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url])
    assert result.exit_code == 0, result.output
    sent = {r["part"]: images_in(r["body"], "image/jpeg") for r in server.requests}
    assert sent == {"1.a": [buffer.getvalue()], "1.b": [buffer.getvalue()]}
    rows = stored_figures(key)
    assert [(r["part_id"], r["media_type"], r["caption"]) for r in rows] == [
        ("1.a", "image/jpeg", "Bar chart"), ("1.b", "image/jpeg", "Bar chart")]


def test_a_changed_figure_is_a_new_call_and_the_same_figure_comes_from_the_cache(home, tmp_path):
    key = latex_key(tmp_path / "doc", image=png(10, 10))
    with FakeOpenAI(answer=fake_answer) as server:
        first = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url, "--parts", "1.a"])
        again = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url, "--parts", "1.a",
                                 "--new"])
        assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
        assert len(server.requests) == 1  # the second run answered from the cache
        (tmp_path / "doc" / "plot.png").write_bytes(png(10, 10, rgb=(0, 0, 255)))
        changed = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url, "--parts", "1.a"])
    assert changed.exit_code == 0, changed.output
    assert "already finished" not in changed.output  # a changed figure is not the same run
    assert len(server.requests) == 2
    assert images_in(server.requests[1]["body"]) == [png(10, 10, rgb=(0, 0, 255))]


def test_whole_and_interactive_send_the_figure_with_the_message_that_shows_the_question(home, tmp_path):
    picture = png(12, 8)
    key = latex_key(tmp_path / "doc", image=picture)
    for protocol in ("whole", "interactive"):
        with FakeOpenAI(answer=lambda prompt: "**1.a** Final answer: 3") as server:
            result = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url,
                                      "--protocol", protocol])
        assert result.exit_code == 0, result.output
        first = server.requests[0]["body"]
        assert images_in(first) == [picture]  # once, though two parts show it
        user = [m for m in first["messages"] if m["role"] == "user"]
        assert "How many bars" in text_of(user[0]["content"])


# ---- Anthropic: image blocks -----------------------------------------------------------------------------

def test_anthropic_gets_the_figure_as_a_base64_image_block(home, tmp_path):
    picture = png(20, 20, rgb=(0, 128, 0))
    key = latex_key(tmp_path / "doc", image=picture)
    requests = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        requests.append(json.loads(request.content))
        return httpx2.Response(200, json={
            "id": "msg", "type": "message", "role": "assistant", "model": "claude", "stop_reason": "end_turn",
            "content": [{"type": "text", "text": "Final answer: 3"}], "usage": {"input_tokens": 9, "output_tokens": 3}})

    provider = get_provider("anthropic/claude", http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
                            environ={"ANTHROPIC_API_KEY": "k"})
    application.run_model(key, RunConfig(model="anthropic/claude"), parts="1.a,2", provider=provider)
    by_text = {json.dumps(r["messages"]): r for r in requests}
    with_image = [r for r in requests if isinstance(r["messages"][-1]["content"], list)]
    (body,) = with_image
    image, text = body["messages"][-1]["content"]
    assert image["type"] == "image" and image["source"]["type"] == "base64"
    assert image["source"]["media_type"] == "image/png"
    assert base64.b64decode(image["source"]["data"]) == picture
    assert text["type"] == "text" and "How many bars" in text["text"]
    assert len(by_text) == 2 and all("images" not in m for r in requests for m in r["messages"])


# ---- text-only models ----------------------------------------------------------------------------------

def test_no_images_sends_the_part_with_the_not_shown_line_and_the_report_marks_it(home, tmp_path):
    key = latex_key(tmp_path / "doc", image=png(16, 16))
    with FakeOpenAI(answer=fake_answer) as server:
        result = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url, "--no-images",
                                  "--json"])
    assert result.exit_code == 0, result.output
    by_part = {r["part"]: r["body"] for r in server.requests}
    content = by_part["1.a"]["messages"][-1]["content"]
    assert isinstance(content, str) and "[Figure: not shown — this model reads text only]" in content
    assert "How many bars" in content
    assert all(images_in(body) == [] for body in by_part.values())
    with Store() as db:
        (row,) = [r for r in db.submissions() if r["model"] == "openai/m"]
        tags = {v.part_id: v.tags for v in db.verdicts(row["id"])}
    assert "figure_missing" in tags["1.a"] and "figure_missing" in tags["1.b"] and "figure_missing" not in tags["2"]
    report = cli.invoke(app, ["report", "latest", "--format", "md", "-o", "-"])
    assert "| 1.a | ✓ correct | 2 / 2 | missing (text-only model) |" in report.output
    assert "it reads text only" in report.output
    data = json.loads(cli.invoke(app, ["report", "latest", "--format", "json", "-o", "-"]).stdout)
    shown = {part["id"]: part["figure_shown"] for q in data["questions"] for part in q["parts"]}
    assert shown == {"1.a": "text_only", "1.b": "text_only", "2": None}


def test_the_local_model_reads_text_only(home, tmp_path):
    """local/smollm2 declares text only: the llama.cpp call gets plain string contents and the not-shown line."""
    from tabench.providers.local import LocalSmolLM2

    calls = []

    class Llama:  # stands in for llama_cpp.Llama, which loads a model file
        def create_chat_completion(self, messages, **options):
            calls.append(messages)
            return {"choices": [{"message": {"content": "Final answer: 3"}, "finish_reason": "stop"}], "usage": {}}

    local = LocalSmolLM2.__new__(LocalSmolLM2)
    local.name, local._llm = "local/smollm2", Llama()
    local._lock = __import__("threading").Lock()
    key = latex_key(tmp_path / "doc", image=png(16, 16))
    outcome = application.run_model(key, RunConfig(model="local/smollm2"), parts="1.a", provider=local)
    (messages,) = calls
    assert all(set(m) == {"role", "content"} and isinstance(m["content"], str) for m in messages)
    assert "[Figure: not shown — this model reads text only]" in messages[-1]["content"]
    (verdict,) = outcome.verdicts
    assert "figure_missing" in verdict.tags


# ---- missing and hostile figure files ------------------------------------------------------------------

def test_a_missing_image_file_ingests_with_a_warning_and_runs_marked_not_found(home, tmp_path):
    key = latex_key(tmp_path / "doc", graphic="nowhere.png")
    result = cli.invoke(app, ["ingest", str(key)])
    assert result.exit_code == 0, result.output
    assert "figures: 0 kept, 2 missing" in result.output
    assert "figure nowhere.png (parts 1.a, 1.b) is not kept: the file does not exist" in result.output
    with FakeOpenAI(answer=fake_answer) as server:
        run = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url])
    assert run.exit_code == 0, run.output
    assert "nowhere.png" in run.output  # the warning again, before the run
    prompt = {r["part"]: r["body"]["messages"][-1]["content"] for r in server.requests}["1.a"]
    assert "[Figure: not available" in prompt
    report = cli.invoke(app, ["report", "latest", "--format", "md", "-o", "-"])
    assert "| 1.a | ✓ correct | 2 / 2 | not found |" in report.output
    (row, _) = stored_figures(key)
    assert row["sha256"] is None and "does not exist" in row["missing"]


@pytest.mark.parametrize("graphic,why", [
    ("/etc/passwd", "absolute"),
    ("../../outside.png", "outside the document's folder"),
    ("../outside", "outside the document's folder"),
    ("escape.png", "outside the document's folder"),  # a link inside the folder that leads out of it
    ("https://example.org/plot.png", "web address"),
])
def test_figures_are_read_only_from_under_the_documents_folder(home, tmp_path, graphic, why):
    (tmp_path / "outside.png").write_bytes(png(4, 4))
    folder = tmp_path / "a" / "doc"
    key = latex_key(folder, graphic=graphic)
    os.symlink(tmp_path / "outside.png", folder / "escape.png")
    (tmp_path / "a" / "outside.png").write_bytes(png(4, 4))
    (figure, _) = gather_figures(load_problem_set(key), key)
    assert figure.data is None and why in figure.missing
    with FakeOpenAI(answer=fake_answer) as server:
        cli.invoke(app, ["run", str(key), "--model", "openai/m", "--base-url", server.url])
    assert server.requests and all(images_in(r["body"]) == [] for r in server.requests)


@pytest.mark.parametrize("content,why", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "damaged image/png"),
    (b"%!PS-Adobe-3.0 EPSF-3.0\n", "EPS"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "SVG"),
    (b"hello, not an image", "not an image"),
    (b"", "not an image"),
])
def test_unusable_image_files_are_recorded_missing_with_the_reason(tmp_path, content, why):
    key = latex_key(tmp_path / "doc", graphic="plot.png")
    (tmp_path / "doc" / "plot.png").write_bytes(content)
    figures = gather_figures(load_problem_set(key), key)
    assert [f.part_id for f in figures] == ["1.a", "1.b"]
    assert all(f.data is None and why in f.missing for f in figures)


def test_an_oversized_figure_is_not_read(tmp_path):
    key = latex_key(tmp_path / "doc", graphic="plot.png")
    with (tmp_path / "doc" / "plot.png").open("wb") as handle:
        handle.write(png(2, 2))
        handle.truncate(MAX_FIGURE_BYTES + 1)
    (figure, _) = gather_figures(load_problem_set(key), key)
    assert figure.data is None and "over the 5 MB limit" in figure.missing


def test_a_pdf_graphic_is_sent_as_its_first_page_rendered(tmp_path):
    key = latex_key(tmp_path / "doc", graphic="chart")  # \includegraphics{chart} finds chart.pdf first
    (tmp_path / "doc" / "chart.pdf").write_bytes(MOCK_EXAM.read_bytes())
    (figure, _) = gather_figures(load_problem_set(key), key)
    assert figure.media_type == "image/png" and figure.data.startswith(b"\x89PNG")
    width, height = Image.open(io.BytesIO(figure.data)).size
    assert (width, height) == pytest.approx((1275, 1650), abs=3)  # a US Letter page at 150 dpi


# ---- what a dry run and ingest show ---------------------------------------------------------------------

def test_dry_run_names_each_image_instead_of_its_bytes(home, tmp_path):
    picture = png(300, 200)  # one solid colour compresses to a few hundred bytes
    key = latex_key(tmp_path / "doc", image=picture)
    result = cli.invoke(app, ["run", str(key), "--model", "openai/m", "--parts", "1.a", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"[image: figure 1 of part 1.a, {max(1, round(len(picture) / 1024))} KB]" in result.output
    assert "[Figure: attached as an image]" in result.output
    plan = json.loads(cli.invoke(app, ["run", str(key), "--model", "openai/m", "--parts", "1.a", "--dry-run",
                                       "--json"]).stdout)
    (image,) = plan[0]["messages"][-1]["images"]
    assert image["sha256"] == hashlib.sha256(picture).hexdigest() and "data" not in image
    text_only = cli.invoke(app, ["run", str(key), "--model", "local/smollm2", "--parts", "1.a", "--dry-run"])
    assert "[image:" not in text_only.output and "not shown — this model reads text only" in text_only.output


def test_ingest_counts_the_figures_of_the_corpus_pdf(home):
    result = cli.invoke(app, ["ingest", str(MOCK_EXAM)])
    assert result.exit_code == 0, result.output
    assert "figures: 8 kept, 0 missing (8 figure reference(s) in 8 part(s))" in result.output


def test_grading_a_key_keeps_its_figures_with_it(home, tmp_path):
    picture = png(8, 8)
    key = latex_key(tmp_path / "doc", image=picture)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"1.a": "3", "1.b": "7", "2": "2"}), encoding="utf-8")
    result = cli.invoke(app, ["grade", str(key), str(answers)])
    assert result.exit_code == 0, result.output
    rows = stored_figures(key)
    assert [(r["part_id"], r["sha256"]) for r in rows] == [("1.a", hashlib.sha256(picture).hexdigest()),
                                                           ("1.b", hashlib.sha256(picture).hexdigest())]
    assert stored_image(rows[0]["sha256"]) == picture


def test_gemini_through_its_openai_compatible_endpoint_gets_image_url_items(home, tmp_path):
    picture = png(6, 6)
    key = latex_key(tmp_path / "doc", image=picture)
    bodies = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        bodies.append((str(request.url), json.loads(request.content)))
        return httpx2.Response(200, json={"id": "c", "object": "chat.completion", "created": 0, "model": "g",
                                          "choices": [{"index": 0, "finish_reason": "stop", "message": {
                                              "role": "assistant", "content": "Final answer: 3"}}]})

    provider = get_provider("google/gemini-2.5-flash", environ={"GEMINI_API_KEY": "k"},
                            http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    application.run_model(key, RunConfig(model="google/gemini-2.5-flash"), parts="1.a", provider=provider)
    ((url, body),) = bodies
    assert url.startswith("https://generativelanguage.googleapis.com/v1beta/openai/")
    assert images_in(body) == [picture]
