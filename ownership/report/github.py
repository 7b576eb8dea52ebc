"""Results → GitHub Actions workflow commands (`::error file=...::message`), then the summary line."""

from __future__ import annotations

from .text import check_summary, violation_text


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def check_github(result, what: str) -> str:
    lines = []
    for v in result.violations:
        message = violation_text(v)
        where = f"file={_gh_escape(v.path, True)}," if v.path else ""
        lines.append(f"::error {where}title={_gh_escape('ownership: ' + v.access, True)}::{_gh_escape(message)}")
    lines.append(check_summary(result, what))
    return "\n".join(lines)
