"""The review page's routes: pages rendered with Jinja2 (autoescaped) and two JSON calls that change things.

Every route calls the application layer (`tabench.app`), as the command line does; nothing here touches the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from .. import app as application
from ..errors import TabenchError
from ..report.escape import html_rich
from ..review import filter_groups
from ..summary import BADGES, answer_summary

_ENV = Environment(loader=PackageLoader("tabench.web", "templates"), autoescape=select_autoescape(["html", "j2"]))
_ENV.globals.update(rich=lambda text: Markup(html_rich(text or "")), badges=BADGES)


@dataclass(frozen=True)
class Settings:
    """What the server was started with."""

    csrf: str
    grader: str
    problem_set_id: str | None = None
    blind: bool = False


class Pages:
    def __init__(self, settings: Settings):
        self.settings = settings

    # ---- helpers ---------------------------------------------------------------------------------

    def _blind(self, request: Request) -> bool:
        return request.query_params.get("blind", "1" if self.settings.blind else "0") == "1"

    def _linker(self, blind: bool):
        def link(path: str, **params: str) -> str:
            if blind != self.settings.blind:
                params["blind"] = "1" if blind else "0"
            return quote(path, safe="/") + ("?" + urlencode(params) if params else "")
        return link

    def _render(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        blind = self._blind(request)
        here = quote(request.url.path, safe="/")
        page = _ENV.get_template(template).render(csrf=self.settings.csrf, grader=self.settings.grader, blind=blind,
                                                  link=self._linker(blind), here=here, **context)
        return HTMLResponse(page, status_code=status)

    def _error(self, request: Request, err: TabenchError, status: int = 404) -> HTMLResponse:
        return self._render(request, "error.html.j2", status, heading="Not here", message=str(err))

    def part_url(self, problem_set_id: str, part_id: str, blind: bool) -> str:
        return self._linker(blind)(f"/review/{problem_set_id}/{part_id}")

    # ---- pages -----------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        """The first answer that needs a person (or the list of problem sets when none does)."""
        blind = self._blind(request)
        target = application.next_to_review(self.settings.problem_set_id)
        url = self.part_url(*target, blind) if target else self._linker(blind)("/sets")
        return RedirectResponse(url, status_code=303)

    def sets(self, request: Request) -> Response:
        sets = application.review_overview()
        return self._render(request, "sets.html.j2", sets=sets, pending=sum(s["progress"]["needs_person"] for s in sets))

    def part(self, request: Request) -> Response:
        problem_set_id, part_id = request.path_params["problem_set"], request.path_params["part"]
        try:
            review = application.review_part(problem_set_id, part_id)
        except TabenchError as err:
            return self._error(request, err)
        points = review.groups[0].first.automatic.points if review.groups else (review.part.points or 1.0)
        show = request.query_params.get("show") or ""
        return self._render(request, "part.html.j2", r=review, points=points, show=show,
                            groups=filter_groups(review.groups, show), items_met=_items_met(review.groups),
                            reference=answer_summary(review.part, 400), next_url=self._next_url(request, review))

    def _next_url(self, request: Request, review) -> str:
        target = application.next_to_review(review.problem_set_id, after=review.part.id, parts=review.parts)
        blind = self._blind(request)
        return self.part_url(*target, blind) if target else self._linker(blind)("/sets")

    # ---- changes (JSON in, JSON out; the guard has checked the CSRF token) ------------------------

    async def grade(self, request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        try:
            problem_set_id, part_id = str(body.get("problem_set", "")), str(body.get("part", ""))
            submissions = [int(s) for s in _list(body.get("submissions"), "submissions")]
            number = int(body.get("number") or 0)
            grade = dict(verdict=str(body.get("verdict") or ""), score=_number(body.get("score")),
                         rubric_met=[str(i) for i in _list(body.get("rubric"), "rubric")],
                         comment=str(body.get("comment") or ""), tags=_tag_list(body.get("tags")))
            await run_in_threadpool(application.record_review, problem_set_id, part_id, submissions,
                                    grader=self.settings.grader, **grade)
        except (TabenchError, ValueError, TypeError) as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        return await run_in_threadpool(self._graded, request, problem_set_id, part_id, set(submissions), number)

    def _graded(self, request: Request, problem_set_id: str, part_id: str, submissions: set[int], number: int):
        """The group just graded, rendered again, with the progress and where to go next."""
        review = application.review_part(problem_set_id, part_id)
        group = next(g for g in review.groups if {m.submission_id for m in g.members} & submissions)
        macro = _ENV.get_template("group.html.j2").make_module({}).group_section
        html = macro(group, number, review.rubric, group.first.automatic.points, self._blind(request),
                     _ENV.globals["rich"])
        return JSONResponse({"html": str(html), "part_needs": review.progress["needs_person"],
                             "set_needs": review.set_progress["needs_person"],
                             "next_url": self._next_url(request, review)})

    async def rubric(self, request: Request) -> Response:
        body = await _json_body(request)
        if isinstance(body, Response):
            return body
        try:
            item = body.get("item")
            result = await run_in_threadpool(
                application.edit_rubric, str(body.get("problem_set", "")), str(body.get("part", "")),
                text=str(body.get("text") or ""), points=_number(body.get("points")),
                item_id=str(item) if item else None, grader=self.settings.grader)
        except (TabenchError, ValueError, TypeError) as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        return JSONResponse({"item": result["item"].model_dump(), "rescored": result["rescored"]})


async def _json_body(request: Request) -> dict | Response:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return JSONResponse({"error": "the request is not JSON"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"error": "the request is not a JSON object"}, status_code=400)
    return body


def _items_met(groups) -> dict[str, int]:
    """How many answers a person graded with each rubric item met."""
    counts: dict[str, int] = {}
    for group in groups:
        for member in group.members:
            for item_id in member.human["rubric"] if member.human else []:
                counts[item_id] = counts.get(item_id, 0) + 1
    return counts


def _list(value, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"{name} is a list")
    return value


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("a score or points value is a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{str(value)[:20]!r} is not a number") from None


def _tag_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [tag for tag in value.replace(";", ",").split(",") if tag.strip()]
    return [str(tag) for tag in value]
