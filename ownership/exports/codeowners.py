"""The contract → CODEOWNERS.

The export translates each OWNS rule into a CODEOWNERS pattern, orders the
lines broadest first, then checks every tracked file against GitHub's rules
(common.py) and appends the exceptions a pattern cannot carry (cannot_touch,
negations, protected files, two owners): the rule's own pattern when all the
tracked files it names share one answer (and its label is true), else the
folder whose tracked files all share it, else the file itself. What no
CODEOWNERS line can name is refused, with the rule that decides it. The answers
are the engine's: git's parent-folder rule, so `src/**` then `!src/vendor/**`
still owns src/vendor/ (see core/engine.py, Section).
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..core.engine import Engine
from ..core.model import Contract, Rule
from ..errors import ContractError, ContractErrors, UsageError, excerpt
from .common import HANDLE, MARKS, Line, Matcher, codeowners_regex, ownership_of

# What a CODEOWNERS path cannot hold: GitHub rejects `[ ]`; wildcards and backslashes would not be literal.
_UNWRITABLE = re.compile(r"[\[\]*?\\\x00-\x1f\x7f\udc80-\udcff]")


# --- contract → CODEOWNERS ----------------------------------------------------------


def escape_path(path: str) -> str | None:
    """A repository path written as a literal CODEOWNERS pattern, or None when it cannot be."""
    if _UNWRITABLE.search(path) or re.search(r"\s#", path) or re.search(r"[^\S ]", path):
        return None
    return "/" + path.replace(" ", "\\ ")


def translate_rule(pattern: str, root: str) -> tuple[str | None, str]:
    """A gitignore pattern relative to `root` → the CODEOWNERS pattern that matches the same files.

    Returns (pattern, "") or (None, why it cannot be written).
    """
    text = pattern.removeprefix("!")
    if re.search(r"[\[\]]", text):
        return None, "'[ ]' classes are not CODEOWNERS syntax"
    if "\\" in text:
        return None, "GitHub does not read '\\' escapes in CODEOWNERS"
    if re.search(r"[^\S ]", text) or re.search(r"\s#", text):
        return None, "a tab, a newline or ' #' cannot be written in CODEOWNERS"
    dir_only = text.endswith("/")
    body = text.rstrip("/")
    anchored = "/" in body
    segments = body.lstrip("/").split("/")
    if not dir_only and segments[-1] == "*":
        # gitignore 'dir/*' covers everything below dir; CODEOWNERS 'dir/*' only the files directly in it.
        segments[-1] = "**"
    while len(segments) > 1 and segments[-2:] == ["**", "**"]:
        segments.pop()
    if not anchored and not dir_only and segments == ["**"]:
        return ("/" + root + "/**" if root else "*"), ""
    if not anchored:
        segments.insert(0, "**")  # at any depth below the root
    out = "/" + "/".join(([root] if root else []) + segments) + ("/" if dir_only else "")
    if not root and out.startswith("/**/") and "/" not in out[4:].rstrip("/"):
        out = out[4:]  # an unanchored CODEOWNERS pattern (one name) already matches at any depth
    if out == "/**":
        out = "*"
    return out.replace(" ", "\\ "), ""


def _handles(contract: Contract) -> dict[str, str]:
    """Agent → CODEOWNERS handle; an agent with OWNS rules and no usable handle is refused."""
    handles, errors = {}, []
    for agent in contract.agents:
        handle = (agent.codeowner or "").strip()
        if handle and HANDLE.fullmatch(handle):
            handles[agent.name] = handle
        elif handle:
            problem = f"agent '{agent.name}': codeowner {excerpt(agent.codeowner)} is not @user, @org/team or an e-mail"
            errors.append(ContractError(agent.source, agent.line, problem))
        elif agent.owns:
            problem = (
                f"agent '{agent.name}' owns files but has no codeowner; add 'codeowner: \"@org/team\"' "
                "to its front matter or its entry in ownership.yaml"
            )
            errors.append(ContractError(agent.source, agent.line, problem))
    if errors:
        raise ContractErrors(errors)
    return handles


def _owners_text(agents: tuple[str, ...], handles: dict[str, str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(handles[a] for a in agents))


def codeowners_lines(engine: Engine, tracked: list[str]) -> list[Line]:
    """The CODEOWNERS lines that give every tracked file the contract's owners under GitHub's rules."""
    contract = engine.contract
    handles = _handles(contract)
    root = contract.root
    files = sorted(set(tracked))
    expected = {p: _owners_text(ownership_of(engine, p).agents, handles) for p in files}

    # 1. Each OWNS rule, translated; broadest first so narrower rules win as last matches.
    candidates, notes = [], []
    for agent in contract.agents:
        for rule in agent.owns:
            if rule.pattern.startswith("!"):
                continue
            pattern, why = translate_rule(rule.pattern, root)
            if pattern is None:
                notes.append(Line("", (), f"{agent.name} owns {rule.pattern} ({rule.where}): {why}; listed below"))
                continue
            candidates.append(Line(pattern, (handles[agent.name],), f"{agent.name} owns {rule.pattern} ({rule.where})"))
    hits = [sum(1 for p in files if codeowners_regex(c.pattern.replace("\\ ", " ")).fullmatch(p)) for c in candidates]
    order = sorted(range(len(candidates)), key=lambda i: -hits[i])
    matcher = Matcher([candidates[i] for i in order])

    def wrong() -> list[str]:
        return [p for p in files if set(matcher.owners(p)) != set(expected[p])]

    # 2. Exceptions a rule's own pattern can carry: cannot_touch, negated OWNS, protected. A pattern is used
    # only where its label is true: the agent it names owns none of its files (a '!' under a folder taken
    # whole takes nothing out; see core/engine.py, Section), and a protected pattern's files have no owner.
    exceptions: list[tuple[str, Rule, str, str | None]] = []
    for agent in contract.agents:
        handle = handles.get(agent.name, "")  # no handle: the agent owns nothing
        exceptions += [
            (f"{agent.name} cannot touch {r.pattern}", r, root, handle)
            for r in agent.cannot_touch
            if not r.pattern.startswith("!")
        ]
        exceptions += [
            (f"{agent.name} does not own {r.pattern[1:]}", r, root, handle)
            for r in agent.owns
            if r.pattern.startswith("!")
        ]
    exceptions += [(f"protected {r.pattern}", r, "", None) for r in contract.protected if not r.pattern.startswith("!")]
    missing = set(wrong())
    for label, rule, base, handle in exceptions:
        if not missing:
            break
        pattern, _ = translate_rule(rule.pattern, base)
        if pattern is None:
            continue
        regex = codeowners_regex(pattern.replace("\\ ", " "))
        named = [p for p in files if regex.fullmatch(p)]
        answers = {frozenset(expected[p]) for p in named}
        if len(answers) != 1 or not missing.intersection(named):
            continue
        owners = expected[named[0]]
        if (handle in owners) if handle is not None else owners:
            continue
        matcher.append(Line(pattern, owners, f"{label} ({rule.where}): " + (" ".join(owners) or "no owner")))
        missing = set(wrong())

    # 3. What is still wrong: the topmost folder whose tracked files share the answer, else the file.
    lines = _explicit_lines(engine, matcher, files, expected, sorted(missing))
    for line in lines:
        matcher.append(line)
    still = wrong()
    if still:  # pragma: no cover - the explicit lines settle every file they can name
        raise UsageError(f"internal: CODEOWNERS export disagrees with the contract on {still[0]}")
    return notes + matcher.lines


def _explicit_lines(
    engine: Engine, matcher: Matcher, files: list[str], expected: dict, missing: list[str]
) -> list[Line]:
    root = engine.contract.root
    answers: dict[str, set] = defaultdict(set)  # folder → the answers of the tracked files under it
    for path in files:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            answers["/".join(parts[:depth])].add(frozenset(expected[path]))
    lines, done, errors = [], set(), []
    for path in missing:
        if path in done:
            continue
        parts = path.split("/")
        folders = ["/".join(parts[:d]) for d in range(len(root.split("/")) if root else 1, len(parts))]
        folder = next((f for f in folders if len(answers[f]) == 1 and escape_path(f) is not None), None)
        target = folder or path
        written = escape_path(target)
        owners = expected[path]
        if written is None:
            rule = _deciding_rule(engine, matcher, path)
            problem = (
                f"{path} needs its own CODEOWNERS line ({' '.join(owners) or 'no owner'}), but CODEOWNERS cannot "
                "name it ('[', ']', '*', '?', '\\', ' #' or a control character); rename it or change the rule "
                "so that a pattern covers it"
            )
            source = rule.source if rule else (engine.contract.source or ".")
            errors.append(ContractError(source, rule.line if rule else None, problem))
            done.add(path)
            continue
        if folder:
            written += "/"
            done.update(p for p in files if p.startswith(folder + "/"))
        else:
            done.add(path)
        rule = _deciding_rule(engine, matcher, path)
        details = (["two owners"] if len(owners) > 1 else []) + ([f"{rule.pattern} at {rule.where}"] if rule else [])
        why = f"{'folder' if folder else 'file'} {target}{'/' if folder else ''}: {' '.join(owners) or 'no owner'}"
        lines.append(Line(written, owners, why + (f" ({'; '.join(details)})" if details else "")))
    if errors:
        raise ContractErrors(errors)
    return lines


def _deciding_rule(engine: Engine, matcher: Matcher, path: str) -> Rule | None:
    """The rule behind a file's answer: an owner's OWNS rule, else what takes it from the agent CODEOWNERS named."""
    state = ownership_of(engine, path)
    if state.agents:
        return engine.decide(path, state.agents[0]).rule
    protected = engine.protected.match(path)
    if protected:
        return protected
    line = matcher.line_for(path)
    for agent in engine.contract.agents:
        if line and agent.codeowner in line.owners:
            decision = engine.decide(path, agent.name)
            if decision.rule:
                return decision.rule
    return None


def render_codeowners(contract: Contract, lines: list[Line], command: str) -> str:
    source = contract.source or ".claude/agents/*.md"
    out = [
        f"# CODEOWNERS {MARKS['codeowners']} from {source}; do not edit.",
        f"# Change the contract, then run: {command}",
        "# GitHub reads the last matching line: broad rules first, their exceptions after.",
        "",
    ]
    for line in lines:
        if line.why:
            out.append(f"# {line.why}")
        if line.pattern:
            out.append(line.text())
    return "\n".join(out) + "\n"
