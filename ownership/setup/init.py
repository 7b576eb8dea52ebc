"""`ownership init`: set up an existing repository in one command, and change nothing the second time.

1. the contract: `ownership.yaml` reading `.claude/agents/*.md` (an existing contract is left alone);
2. the pre-commit hooks: a `repo: local` entry with the three `ownership` hooks, merged into
   `.pre-commit-config.yaml` as text (so the file's comments and other hooks stay as they are);
3. the Claude Code hooks, merged into `.claude/settings.json` as `ownership install claude` does;
4. lint's summary and the next steps.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from ..errors import ContractErrors, UsageError

CONTRACT = "ownership.yaml"
PRE_COMMIT = ".pre-commit-config.yaml"
AGENTS = ".claude/agents"

CONTRACT_TEXT = """\
# The file-ownership contract of this repository, written by `ownership init`.
# Each agent file's OWNS / READS / CANNOT TOUCH globs are gitignore patterns
# relative to `root`. `ownership lanes` shows each lane; `ownership lint` checks them.
version: 1
root: .
agent_files: [.claude/agents/*.md]   # relative to this file's folder
unlisted: deny                       # an agent writes only what it OWNS
# No agent may write the hooks that enforce the contract (the contract and its
# agent files protect themselves already).
protected: [{protected}]
"""
CLAUDE_SETTINGS = ".claude/settings.json"


def contract_text(claude: bool) -> str:
    """ownership.yaml; it protects the Claude settings when the Claude hooks live there."""
    protected = ["/" + PRE_COMMIT] + (["/" + CLAUDE_SETTINGS] if claude else [])
    return CONTRACT_TEXT.format(protected=", ".join(protected))


# `repo: local` + `language: system`: the hooks run the `ownership` command installed on the machine,
# so they need no public URL for this tool and no rev to keep up to date.
HOOKS = (
    {
        "id": "ownership",
        "name": "ownership (staged changes stay in the agent's lane)",
        "entry": "ownership check --staged",
        "language": "system",
        "pass_filenames": False,
        "always_run": True,
        "stages": ["pre-commit"],
    },
    {
        "id": "ownership-commit-msg",
        "name": "ownership (the agent named by the commit's trailer)",
        "entry": "ownership check --staged --message-file",
        "language": "system",
        "pass_filenames": True,  # the message file is how pre-commit hands a commit-msg hook its message
        "always_run": True,
        "stages": ["commit-msg"],
    },
    {
        "id": "ownership-pre-push",
        "name": "ownership (every pushed commit in its agent's lane)",
        "entry": "ownership check --pre-push",
        "language": "system",
        "pass_filenames": False,
        "always_run": True,
        "stages": ["pre-push"],
    },
)
HOOK_TYPES = "pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-push"


def _scalar(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return value if re.fullmatch(r"[A-Za-z0-9][\w .-]*", value) else '"' + value.replace('"', '\\"') + '"'


def hooks_block(hooks: list[dict], indent: str) -> str:
    """The `repo: local` entry as YAML text, its items at `indent`."""
    lines = [f"{indent}- repo: local   # added by `ownership init`: runs the installed `ownership` command"]
    lines.append(f"{indent}  hooks:")
    for hook in hooks:
        first = True
        for key, value in hook.items():
            lines.append(f"{indent}    {'- ' if first else '  '}{key}: {_scalar(value)}")
            first = False
    return "\n".join(lines) + "\n"


def merge_pre_commit(text: str | None) -> tuple[str | None, str]:
    """(the new file text or None when nothing changes, what was done)."""
    import yaml

    if text is None or not text.strip():
        return "repos:\n" + hooks_block(list(HOOKS), "  "), f"created {PRE_COMMIT} with the ownership hooks"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise UsageError(f"{PRE_COMMIT}: malformed YAML ({exc}); fix it, then run init again") from None
    data = {} if data is None else data
    repos = data.get("repos") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(repos, (list, type(None))):
        raise UsageError(
            f"{PRE_COMMIT}: not a pre-commit config (a mapping with a 'repos' list); fix it, then run init again"
        )
    repos = repos or []
    present = {h.get("id") for r in repos if isinstance(r, dict) for h in r.get("hooks") or [] if isinstance(h, dict)}
    missing = [dict(h) for h in HOOKS if h["id"] not in present]
    if not missing:
        return None, f"{PRE_COMMIT} has the ownership hooks already"
    expected = dict(data, repos=[*repos, {"repo": "local", "hooks": missing}])
    merged = _insert(text, missing)
    if merged is not None:
        try:
            if yaml.safe_load(merged) == expected:
                return merged, f"added {', '.join(h['id'] for h in missing)} to {PRE_COMMIT} (other hooks untouched)"
        except yaml.YAMLError:
            pass
    # A layout the text merge does not follow (flow style, anchors...): rewrite it whole.
    dumped = yaml.safe_dump(expected, sort_keys=False, default_flow_style=False)
    return (
        dumped,
        f"added {', '.join(h['id'] for h in missing)} to {PRE_COMMIT} (rewritten: its comments were not kept)",
    )


def _insert(text: str, hooks: list[dict]) -> str | None:
    """The text with the entry added at the end of its block-style `repos:` list, or None."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if re.match(r"repos:\s*(#.*)?$", line)), None)
    if start is None:
        if any(re.match(r"repos\s*:", line) for line in lines):
            return None
        return "".join(lines) + "repos:\n" + hooks_block(hooks, "  ")
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if lines[i].strip() and not lines[i].startswith(("#", " ", "\t", "-")):
            end = i
            break
    items = [re.match(r"(\s*)- ", lines[i]) for i in range(start + 1, end)]
    indent = next((m.group(1) for m in items if m), "  ")
    last = max(
        (i for i in range(start, end) if lines[i].strip() and not lines[i].lstrip().startswith("#")), default=start
    )
    return "".join(lines[: last + 1]) + hooks_block(hooks, indent) + "".join(lines[last + 1 :])


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None


def _write(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write ({exc.strerror})") from None


def run_init(ws, skip_claude: bool, echo: Callable[[str], None]) -> int:
    """Set the repository up; every line of the report goes to `echo`."""
    from ..sources import discover

    if not ws.in_git:
        raise UsageError(f"{ws.cwd} is not inside a git repository; run 'git init' first")
    repo = ws.repo
    from ..sources.contract_file import DOCUMENTATION

    agent_files = [
        f
        for f in ws.reader.files_under(AGENTS)
        if re.fullmatch(r"\.claude/agents/[^/]+\.md", f) and os.path.basename(f).lower() not in DOCUMENTATION
    ]
    touched = list(agent_files)

    # 1. The contract.
    existing = ws.contract_path if ws.contract_option else discover(ws.reader)
    if existing:
        echo(f"contract: {existing} exists; left as it is")
    elif agent_files:
        claude = not skip_claude or os.path.exists(os.path.join(repo, CLAUDE_SETTINGS))
        _write(os.path.join(repo, CONTRACT), contract_text(claude))
        names = ", ".join(os.path.basename(f)[:-3] for f in agent_files)
        echo(f"contract: wrote {CONTRACT} (agent files: {names})")
        existing = CONTRACT
    else:
        raise UsageError(
            f"no contract and no agent files in {AGENTS}/; write one Markdown file per agent there "
            "(front matter 'name:', then OWNS / READS / CANNOT TOUCH sections), then run init again"
        )
    touched.append(existing)

    # 2. The pre-commit hooks.
    config = os.path.join(repo, PRE_COMMIT)
    merged, done = merge_pre_commit(_read(config))
    if merged is not None:
        _write(config, merged)
    echo(f"pre-commit: {done}")
    touched.append(PRE_COMMIT)

    # 3. The Claude Code hooks, as `ownership install claude` merges them.
    refused = None
    if skip_claude:
        echo("claude: skipped (--skip-claude)")
    else:
        from ..guard.installers import guard_command

        try:
            command = guard_command(ws)
        except UsageError as exc:  # no command that runs the same in every clone
            refused = str(exc)
            echo(f"claude: not installed: {refused}")
        else:
            _install_claude(ws, command, echo)
    touched += [p for p in (CLAUDE_SETTINGS,) if os.path.exists(os.path.join(repo, p))]

    # 4. Lint, counting what init wrote as tracked (it will be once committed).
    errors = _lint_summary(repo, ws.contract_option, touched, echo)
    if errors:
        echo(
            f"next step: fix the {errors} error(s) above in the agent files or {existing}, then run 'ownership init' again"
        )
        return 1
    if refused:
        echo("next step: make `ownership` run the same in every clone (see above), then run 'ownership init' again")
        return 1
    pending = _uncommitted(repo, sorted(set(touched)))
    if pending:
        echo(f"next step: git add {' '.join(pending)} && git commit -m 'Ownership contract and hooks'")
        echo(f"then: {HOOK_TYPES}")
    else:
        echo(f"next step: {HOOK_TYPES}")
    return 0


def _install_claude(ws, command: str, echo: Callable[[str], None]) -> None:
    """`ownership install claude`, through its merge function: the guard's hooks in .claude/settings.json."""
    import json

    from ..guard.installers import merge_claude_settings

    path = os.path.join(ws.repo, CLAUDE_SETTINGS)
    text = _read(path)
    try:
        settings = json.loads(text) if text and text.strip() else None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{CLAUDE_SETTINGS}:{exc.lineno}: not JSON ({exc.msg}); fix it, then run init again") from None
    if settings is not None and not isinstance(settings, dict):
        raise UsageError(f"{CLAUDE_SETTINGS}: must hold a JSON object; fix it, then run init again")
    merged = merge_claude_settings(settings or {}, command)
    if merged == settings:
        echo(f"claude: {CLAUDE_SETTINGS} has the ownership guard already")
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    _write(path, json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    echo(f"claude: installed the ownership guard in {CLAUDE_SETTINGS} (`ownership install claude`)")


def _uncommitted(repo: str, paths: list[str]) -> list[str]:
    """The paths that are new or changed since HEAD: what is left to commit."""
    from .. import git

    out = git.run(["status", "--porcelain", "-z", "--untracked-files=all", "--", *paths], repo)
    return sorted({os.fsdecode(entry[3:]) for entry in out.split(b"\0") if len(entry) > 3})


def _lint_summary(repo: str, contract_option: str | None, touched: list[str], echo: Callable[[str], None]) -> int:
    """Lint the contract init leaves; say what a newcomer must know; the number of errors."""
    from ..checking.lint import lint
    from ..report.text import lint_summary
    from ..workspace import Workspace

    fresh = Workspace(repo, contract_option)
    try:
        engine = fresh.engine
    except ContractErrors as exc:
        for error in exc.errors:
            echo(f"  {error}")
        echo(f"lint failed: the contract has {len(exc.errors)} error(s)")
        return len(exc.errors)
    tracked = sorted(set(fresh.tracked_files) | set(touched))
    for path in (PRE_COMMIT, CLAUDE_SETTINGS):
        decision = engine.decide(path, engine.contract.names[0]) if engine.contract.names else None
        if decision is not None and decision.access != "protected" and path in tracked:
            echo(
                f"warning: {path} is not protected by {engine.contract.source}: an agent could switch the hooks off; "
                f"add /{path} to its `protected:` list"
            )
    result = lint(engine, tracked)
    lanes = [p for p in result.problems if p.code in _LANE_PROBLEMS]
    for problem in lanes[:10]:
        echo(f"  {problem.location}: {problem.severity}: {problem.message}")
    if len(lanes) > 10:
        echo(f"  ... and {len(lanes) - 10} more about agent files: run 'ownership lint'")
    echo(lint_summary(result, False) + ("; run 'ownership lint' for the details" if result.problems else ""))
    return result.errors


# What a newcomer must see at once: lanes that were not read, and agents without one.
_LANE_PROBLEMS = {
    "no-lane", "owns-nothing", "empty-lane", "unread-heading", "prose-paths", "not-a-path", "unreadable-row",
    "code-block", "qualified", "skipped-documentation",
}  # fmt: skip
