"""The LLM judge's pure core: its prompt, its reply's schema and reading, rubrics, votes, agreement with people.

No I/O here: `tabench.judging` makes the calls (providers, cache, retries, concurrency) and stores the results.
"""

from .agreement import Pair, agreement_table
from .decide import Ballot, Decision, JudgeRequest, decide, plan
from .prompt import TEMPLATE_NAMES, JudgeTemplateError, check_templates, prompt_version, repair_messages
from .reply import JudgeReply, Vote, read_reply, reply_schema
from .rubric import rubric_from_solution, with_derived_rubrics
from .vocabulary import ERROR_TAGS

__all__ = ["ERROR_TAGS", "Ballot", "Decision", "JudgeReply", "JudgeRequest", "JudgeTemplateError", "Pair",
           "TEMPLATE_NAMES", "Vote", "agreement_table", "check_templates", "decide", "plan", "prompt_version",
           "read_reply", "repair_messages", "reply_schema", "rubric_from_solution", "with_derived_rubrics"]
