"""What every format shares: a path printed safely on one line, a rule's text, JSON dumped alike."""

from __future__ import annotations

from ..core.model import Rule

SECTION_TITLES = {"owns": "owns", "reads": "reads", "cannot_touch": "cannot touch"}


def show_path(path: str) -> str:
    """A path safe to print on one line: git-style quoted when it holds control or undecodable bytes."""
    if path.isprintable() and not path.startswith('"'):  # undecodable bytes (surrogates) are not printable
        return path
    out = []
    for c in path:
        if "\udc80" <= c <= "\udcff":
            out.append(f"\\{ord(c) - 0xDC00:03o}")
        elif c in '"\\':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif not c.isprintable():
            out.append(f"\\{ord(c):03o}" if ord(c) < 256 else c.encode("unicode_escape").decode())
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def dumps(data) -> str:
    import json

    return json.dumps(data, indent=2)


def rule_text(rule: Rule | None) -> str:
    if rule is None:
        return "no rule names it"
    return f"{rule.pattern} ({rule.where})"
