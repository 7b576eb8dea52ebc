"""(command, format) → renderer: the formats each command offers, and the function or class that renders it.

SARIF is loaded only when it is asked for, so the hook's path never imports it.
"""

from __future__ import annotations

from .github import check_github
from .json import ExplainJson, ExplainJsonLines, check_json
from .text import ExplainText, check_text


def check_sarif(result, what: str) -> str:
    from .sarif import check_sarif as render  # loaded only when asked for

    return render(result, what)


EXPLAIN_REPORTERS = {"text": ExplainText, "json": ExplainJson, "jsonl": ExplainJsonLines}
CHECK_REPORTERS = {"text": check_text, "json": check_json, "github": check_github, "sarif": check_sarif}
